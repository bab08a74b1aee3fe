// A subcommand of `loom`: its CLI11 sub-application and what runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "loom/configs.h"

namespace loom::cli {

struct Command {
  CLI::App* app = nullptr;    // the parsed options live in what `run` captures
  std::function<void()> run;  // throws CliError on failure
};

// The subcommands, each in its own file (cmd_*.cpp).
Command add_asm(CLI::App& loom);
Command add_disasm(CLI::App& loom);
Command add_configs(CLI::App& loom);
Command add_gemm(CLI::App& loom);
Command add_conv2d(CLI::App& loom);
Command add_mlp(CLI::App& loom);
Command add_run(CLI::App& loom);

// `--config NAME` on a subcommand; its help lists the names.
CLI::Option* add_config_option(CLI::App& sub, std::string& name, const std::string& help);
// The configuration `name` names, nullptr if `name` is empty. Throws CliError
// (kExitUsage) "COMMAND: error: unknown configuration ..." listing the
// known ones. Checked when the command runs, not while parsing, so that
// --help always wins.
const Config* resolve_config(const std::string& name, const std::string& command);

}  // namespace loom::cli
