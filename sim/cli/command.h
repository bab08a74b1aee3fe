// A subcommand of `loom`: its CLI11 sub-application and what runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace loom::cli {

struct Command {
  CLI::App* app = nullptr;    // the parsed options live in what `run` captures
  std::function<void()> run;  // throws CliError on failure
};

// The subcommands, each in its own file (cmd_*.cpp).
Command add_asm(CLI::App& loom);
Command add_disasm(CLI::App& loom);
Command add_configs(CLI::App& loom);

// `--config NAME` on a subcommand: checked while parsing, so an unknown
// name is a usage error listing the known ones.
CLI::Option* add_config_option(CLI::App& sub, std::string& name, const std::string& help);

}  // namespace loom::cli
