// `loom disasm PROGRAM.bin [-o PROGRAM.s] [--config NAME]`: binary program to text.
#include <fmt/format.h>

#include <memory>

#include "command.h"
#include "error.h"
#include "io.h"
#include "loom/asm.h"

namespace loom::cli {
namespace {

struct DisasmOptions {
  std::string input, output, config;
};

void run_disasm(const DisasmOptions& o) {
  const Config* cfg = resolve_config(o.config, "loom disasm");
  const std::string data = read_file(o.input);
  std::vector<Instr> prog;
  try {
    prog = decode_program(std::vector<uint8_t>(data.begin(), data.end()));
  } catch (const IsaError& e) {
    throw input_error(o.input, fmt::format("{} [{}]", e.what(), core_error_name(e.code())));
  }
  if (cfg) {
    for (size_t n = 0; n < prog.size(); ++n) {
      const InstrCheck c = validate(*cfg, prog[n]);
      if (!c.ok())
        throw input_error(o.input,
                          fmt::format("instruction {} (byte {:#x}): {}: {}", n, n * kInstrBytes,
                                      core_error_name(c.code), c.message));
    }
  }
  const std::string text = disassemble(prog);
  if (o.output.empty())
    write_stdout(text);
  else
    write_file_atomic(o.output, text);
}

}  // namespace

Command add_disasm(CLI::App& loom) {
  auto o = std::make_shared<DisasmOptions>();
  CLI::App* sub = loom.add_subcommand(
      "disasm",
      "Disassemble a binary program (32 bytes per instruction) to assembly text, one "
      "instruction per line; assembling the text gives the same bytes back");
  sub->add_option("program", o->input, "binary program file")->required()->type_name("PROGRAM.bin");
  sub->add_option("-o,--output", o->output,
                  "assembly file to write (default: stdout); replaced only on success")
      ->type_name("PROGRAM.s");
  add_config_option(*sub, o->config,
                    "also check every instruction against this configuration's ranges");
  sub->footer(
      "A bad instruction word is reported with its index: instruction N (byte 0x...).\n"
      "Exit status: 0 success, 1 bad or unreadable input or unwritable output, 2 bad arguments.");
  return {sub, [o] { run_disasm(*o); }};
}

}  // namespace loom::cli
