// The errors of the `loom` command line.
#include "error.h"

#include <fmt/format.h>

namespace loom::cli {
namespace {
constexpr size_t kMaxLine = 1000;
}  // namespace

CliError input_error(const std::string& file, const std::string& message) {
  return CliError(kExitInput, fmt::format("{}: error: {}", file, message));
}

std::string printable(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    if (out.size() >= kMaxLine) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\t')
      out += ' ';
    else if (c < 0x20 || c >= 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  return out;
}

}  // namespace loom::cli
