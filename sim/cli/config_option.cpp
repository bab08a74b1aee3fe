// The `--config NAME` option shared by the subcommands.
#include <fmt/format.h>

#include <vector>

#include "command.h"
#include "loom/configs.h"

namespace loom::cli {

CLI::Option* add_config_option(CLI::App& sub, std::string& name, const std::string& help) {
  std::vector<std::string> names;
  for (const Config& c : kConfigs) names.emplace_back(c.name);
  const std::string list = fmt::format("{}", fmt::join(names, ", "));
  CLI::Validator known(
      [names, list](std::string& v) -> std::string {
        for (const std::string& n : names)
          if (v == n) return {};
        return fmt::format("unknown configuration '{}' (known: {})", v, list);
      },
      "", "configuration");
  return sub.add_option("--config", name, fmt::format("{} ({}; see 'loom configs')", help, list))
      ->type_name("NAME")
      ->check(known);
}

}  // namespace loom::cli
