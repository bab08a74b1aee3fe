// The `--config NAME` option shared by the subcommands.
#include <fmt/format.h>

#include <vector>

#include "command.h"
#include "error.h"

namespace loom::cli {
namespace {

std::string known_names() {
  std::vector<std::string> names;
  for (const Config& c : kConfigs) names.emplace_back(c.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

CLI::Option* add_config_option(CLI::App& sub, std::string& name, const std::string& help) {
  return sub
      .add_option("--config", name, fmt::format("{} ({}; see 'loom configs')", help, known_names()))
      ->type_name("NAME");
}

const Config* resolve_config(const std::string& name, const std::string& command) {
  if (name.empty()) return nullptr;
  for (const Config& c : kConfigs)
    if (name == c.name) return &c;
  throw CliError(kExitUsage,
                 fmt::format("{}: error: unknown configuration '{}' (known: {}) (see '{} --help')",
                             command, name, known_names(), command));
}

}  // namespace loom::cli
