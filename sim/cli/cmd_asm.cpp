// `loom asm PROGRAM.s -o PROGRAM.bin [--config NAME]`: text to binary program.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "command.h"
#include "diag.h"
#include "error.h"
#include "io.h"
#include "loom/asm.h"

namespace loom::cli {
namespace {

struct AsmOptions {
  std::string input, output, config;
};

// A NUL byte means a binary file (often a program given to asm instead of
// disasm); the assembler's messages could not even quote it.
void reject_binary(const std::string& file, const std::string& text) {
  const size_t nul = text.find('\0');
  if (nul == std::string::npos) return;
  const size_t line = 1 + size_t(std::count(text.begin(), text.begin() + nul, '\n'));
  const size_t bol = text.rfind('\n', nul);
  const size_t col = nul - (bol == std::string::npos ? 0 : bol + 1) + 1;
  throw CliError(kExitInput, fmt::format("{}:{}:{}: error: NUL byte: not an assembly text file "
                                         "(a binary program? see 'loom disasm')",
                                         file, line, col));
}

void run_asm(const AsmOptions& o) {
  const Config* cfg = resolve_config(o.config, "loom asm");
  const std::string text = read_file(o.input);
  reject_binary(o.input, text);
  std::vector<Instr> prog;
  try {
    prog = cfg ? assemble(text, *cfg) : assemble(text);
  } catch (const std::invalid_argument& e) {
    throw CliError(kExitInput, asm_diagnostic(o.input, e.what()));
  }
  const std::vector<uint8_t> bin = encode_program(prog);
  write_file_atomic(o.output, std::string(bin.begin(), bin.end()));
}

}  // namespace

Command add_asm(CLI::App& loom) {
  auto o = std::make_shared<AsmOptions>();
  CLI::App* sub = loom.add_subcommand(
      "asm",
      "Assemble a program: assembly text (docs/isa.md \"Assembly\") to the binary program "
      "format, 32 bytes per instruction");
  sub->add_option("program", o->input, "assembly source file")->required()->type_name("PROGRAM.s");
  sub->add_option("-o,--output", o->output,
                  "binary program to write; replaced only when assembly succeeds")
      ->required()
      ->type_name("PROGRAM.bin");
  add_config_option(*sub, o->config,
                    "also check every instruction against this configuration's ranges (SBUF, "
                    "PSUM, K / M / F, semaphores)");
  sub->footer(
      "Errors are reported as PROGRAM.s:LINE:COLUMN: error: message.\n"
      "Exit status: 0 success, 1 bad or unreadable input or unwritable output, 2 bad arguments.");
  return {sub, [o] { run_asm(*o); }};
}

}  // namespace loom::cli
