// Assembler diagnostics in the compiler style.
#include "diag.h"

#include <fmt/format.h>

#include <cctype>
#include <string_view>

namespace loom::cli {
namespace {

// Consumes `lit` at the front of `s`.
bool eat(std::string_view& s, std::string_view lit) {
  if (s.substr(0, lit.size()) != lit) return false;
  s.remove_prefix(lit.size());
  return true;
}

// Consumes the decimal digits at the front of `s` into `out`.
bool eat_number(std::string_view& s, std::string_view& out) {
  size_t n = 0;
  while (n < s.size() && n < 20 && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  if (n == 0) return false;
  out = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

}  // namespace

std::string asm_diagnostic(const std::string& file, const std::string& what) {
  // No std::regex: its recursion can overflow the stack on a long message
  // (an assembler error quotes the offending token, which can be huge).
  std::string_view s = what, line, col;
  if (eat(s, "line ") && eat_number(s, line) && eat(s, ", column ") && eat_number(s, col) &&
      eat(s, ": "))
    return fmt::format("{}:{}:{}: error: {}", file, line, col, s);
  return fmt::format("{}: error: {}", file, what);
}

}  // namespace loom::cli
