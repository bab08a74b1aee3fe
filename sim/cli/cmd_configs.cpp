// `loom configs [--json]`: the named configurations and their dimensions.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "io.h"
#include "loom/configs.h"

namespace loom::cli {
namespace {

struct ConfigsOptions {
  bool json = false;
};

std::string table() {
  std::string s =
      fmt::format("{:<8} {:>4} {:>10} {:>10} {:>6} {:>8} {:>9} {:>9}\n", "name", "P", "SBUF B/p",
                  "SBUF word", "banks", "entries", "cmd depth", "AXI bytes");
  for (const Config& c : kConfigs)
    s += fmt::format("{:<8} {:>4} {:>10} {:>10} {:>6} {:>8} {:>9} {:>9}{}\n", c.name, c.partitions,
                     c.sbuf_bytes, c.sbuf_word_bytes, c.psum_banks, c.psum_entries, c.cmd_depth,
                     c.axi_data_bytes, c.name == kDefaultConfig ? "  (default)" : "");
  return s;
}

std::string json() {
  nlohmann::json j = nlohmann::json::array();
  for (const Config& c : kConfigs)
    j.push_back({{"name", c.name},
                 {"default", c.name == kDefaultConfig},
                 {"partitions", c.partitions},
                 {"sbuf_bytes", c.sbuf_bytes},
                 {"sbuf_word_bytes", c.sbuf_word_bytes},
                 {"psum_banks", c.psum_banks},
                 {"psum_entries", c.psum_entries},
                 {"cmd_depth", c.cmd_depth},
                 {"axi_data_bytes", c.axi_data_bytes}});
  return j.dump(2) + "\n";
}

}  // namespace

Command add_configs(CLI::App& loom) {
  auto o = std::make_shared<ConfigsOptions>();
  CLI::App* sub = loom.add_subcommand(
      "configs", "List the named configurations (cmake/LoomConfigs.cmake) and their dimensions");
  sub->add_flag("--json", o->json, "print them as a JSON array instead of a table");
  sub->footer(
      "Columns: P partitions (array rows = columns), SBUF bytes per partition, SBUF RAM word\n"
      "bytes, PSUM banks, PSUM int32 entries per bank, tensor-engine command queue depth,\n"
      "DMA AXI data bytes (docs/tensor_top.md, docs/dma.md).");
  return {sub, [o] { write_stdout(o->json ? json() : table()); }};
}

}  // namespace loom::cli
