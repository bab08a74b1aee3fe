// loom: the command line of the Loom core (docs/cli.md): asm, disasm,
// configs, and the workload subcommands gemm, conv2d, mlp and run on a back
// end (today the untimed functional model).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>
#include <vector>

#include "command.h"
#include "error.h"

#ifndef LOOM_VERSION
#error "LOOM_VERSION must be defined by the build (the CMake project version)"
#endif

namespace loom::cli {
namespace {

constexpr const char* kSubcommands = "asm, disasm, configs, gemm, conv2d, mlp, run";

// The subcommand the arguments named, if any ("loom" otherwise): usage
// errors point to its --help.
std::string context(const std::vector<Command>& cmds) {
  for (const Command& c : cmds)
    if (c.app->parsed()) return "loom " + c.app->get_name();
  return "loom";
}

int run(int argc, char** argv) {
  CLI::App app{"Loom: the command line of the Loom NeuronCore-style accelerator core", "loom"};
  app.set_version_flag("--version", std::string("loom ") + LOOM_VERSION);
  app.require_subcommand(1, 1);
  app.footer(
      "Run 'loom SUBCOMMAND --help' for the options of each. Documentation: docs/cli.md.\n"
      "Exit status: 0 success (PASS), 1 bad or unreadable input or unwritable output, 2 bad\n"
      "arguments, 3 a workload ran and FAILed.");
  const std::vector<Command> cmds = {add_asm(app),  add_disasm(app), add_configs(app),
                                     add_gemm(app), add_conv2d(app), add_mlp(app),
                                     add_run(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    const std::string where = context(cmds);
    std::string msg = e.what();
    if (e.get_name() == "RequiredError" && app.get_subcommands().empty() && where == "loom") {
      // CLI11 reports an unknown subcommand or option before the
      // subcommand as a missing subcommand: name what it did not know.
      const std::string first = argc > 1 ? argv[1] : "";
      if (first.empty())
        msg = fmt::format("a subcommand is required ({})", kSubcommands);
      else if (first[0] == '-')
        msg =
            fmt::format("unknown option '{}' (a subcommand comes first: {})", first, kSubcommands);
      else
        msg = fmt::format("unknown subcommand '{}' ({})", first, kSubcommands);
    }
    fmt::print(stderr, "{}: error: {} (see '{} --help')\n", where, printable(msg), where);
    return kExitUsage;
  }

  for (const Command& c : cmds) {
    if (!c.app->parsed()) continue;
    try {
      c.run();
      return kExitOk;
    } catch (const CliError& e) {
      std::fflush(stdout);
      fmt::print(stderr, "{}\n", printable(e.what()));
      return e.exit_code();
    } catch (const std::bad_alloc&) {
      fmt::print(stderr, "{}: error: out of memory\n", context(cmds));
      return kExitInput;
    } catch (const std::exception& e) {
      fmt::print(stderr, "{}: error: {}\n", context(cmds), printable(e.what()));
      return kExitInput;
    }
  }
  return kExitUsage;  // not reached: require_subcommand(1, 1)
}

}  // namespace
}  // namespace loom::cli

int main(int argc, char** argv) { return loom::cli::run(argc, argv); }
