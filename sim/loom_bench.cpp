// loom-bench: measurements of `make bench`, taken from co-simulated runs
// (RTL checked against the golden model; a figure from a failing run is not
// reported as a result).
//
// DMA bandwidth: one descriptor moving every partition's `bytes` bytes
// between DRAM and SBUF at a fixed DRAM latency, bytes per cycle from the
// descriptor's accept to its completion event, against the AXI bus peak (DB
// bytes per cycle) and the SBUF port peak (one SBUF word per cycle).
//
// GEMM utilization: M x K x N int8 GEMM (default 256^3) through the kernel
// with tiled A on the Verilated whole core, co-simulated against the
// whole-core golden model (bench_gemm_rtl.h),
// C checked against reference_matmul; MACs / (P^2 x PERF_CYCLES) against
// the goal (default 90 % at small, DRAM latency 100).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bench_gemm_rtl.h"
#include "cosim.h"
#include "loom/rtl_models.h"
#include "workloads.h"

namespace {

struct DmaPoint {
  std::string config;
  bool store = false;
  uint32_t partitions = 0, bytes_per_partition = 0, bus_bytes = 0, word_bytes = 0;
  uint64_t cycles = 0;  // accept .. completion
  double bytes_per_cycle = 0, of_bus = 0, of_port = 0;
  bool pass = false;
};

DmaPoint measure_dma(const loom::Config& cfg, bool store, uint32_t bytes, uint32_t latency,
                     const std::string& out_dir) {
  using namespace loom;
  const uint32_t p = cfg.partitions;
  const uint64_t total = uint64_t(p) * bytes;
  StimBuilder sb(cfg);
  sb.dram_window(0x10000, 0x10000 + std::max<uint64_t>(total, 0x10000));
  std::vector<uint8_t> init(total);
  std::mt19937_64 rng(7);
  for (auto& b : init) b = uint8_t(rng());
  AxiMemConfig mem;
  mem.read_latency = latency;
  mem.write_latency = latency;
  sb.dram_setup(mem);
  if (store) {
    std::vector<int8_t> src(total);
    for (auto& b : src) b = int8_t(rng());
    sb.matrix(0, 0, p, bytes, src);
    sb.dma(dma_store(0x10000, 0, 0, p, bytes));
  } else {
    sb.dram(0x10000, init);
    sb.dma(dma_load(0x10000, 0, 0, p, bytes));
  }
  const Stimulus stim = sb.build();

  CosimOptions opt;
  opt.name = fmt::format("bench_dma_{}_{}_{}", cfg.name, store ? "store" : "load", bytes);
  opt.out_dir = out_dir;
  opt.use_systemc = false;  // many runs in one process: the C++ core of the golden model
  const CosimResult r = run_cosim(rtl_factory(cfg.name), cfg, stim, opt);

  DmaPoint d;
  d.config = cfg.name;
  d.store = store;
  d.partitions = p;
  d.bytes_per_partition = bytes;
  d.bus_bytes = cfg.axi_data_bytes;
  d.word_bytes = cfg.sbuf_word_bytes;
  d.pass = r.pass && r.prediction.dma_code.size() == 1 && r.prediction.dma_code[0] == 0;
  d.cycles = r.prediction.dma_complete[0] - r.prediction.dma_accept[0];
  d.bytes_per_cycle = double(total) / double(d.cycles);
  d.of_bus = d.bytes_per_cycle / cfg.axi_data_bytes;
  d.of_port = d.bytes_per_cycle / std::min(cfg.axi_data_bytes, cfg.sbuf_word_bytes);
  if (!r.pass) fmt::print(stderr, "co-simulation FAILED: {}\n", r.report_path);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loom-bench: Loom benchmarks from co-simulated runs"};
  std::vector<std::string> configs{"small", "tiny", "medium"};
  uint32_t latency = 100;
  std::string json_path = "build/bench/dma_bandwidth.json";
  std::string out_dir = "build/bench";
  double target = 0.90;
  std::vector<std::string> gemm_configs{"small", "medium"};
  uint32_t gemm_size = 256;
  double gemm_target = 0.90;
  std::string gemm_goal_config = "small";
  app.add_option("--configs", configs, "RTL configurations to measure")->delimiter(',');
  app.add_option("--latency", latency, "DRAM read and write latency in cycles")->check(CLI::Range(1, 10000));
  app.add_option("--json", json_path, "write the results as JSON here");
  app.add_option("--out-dir", out_dir, "reports and waves of failing runs");
  app.add_option("--target", target, "bandwidth goal as a fraction of the bus peak")->check(CLI::Range(0.0, 1.0));
  app.add_option("--gemm-configs", gemm_configs, "configurations of the GEMM utilization runs (none: skip)")
      ->delimiter(',');
  app.add_option("--gemm-size", gemm_size, "M = K = N of the GEMM")->check(CLI::Range(1, 1024));
  app.add_option("--gemm-target", gemm_target, "GEMM array utilization goal (fraction)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--gemm-goal-config", gemm_goal_config, "the configuration the GEMM goal applies to");
  CLI11_PARSE(app, argc, argv);

  std::vector<DmaPoint> points;
  for (const std::string& name : configs) {
    const loom::Config* cfg = nullptr;
    try {
      cfg = &loom::config_by_name(name);
    } catch (const std::exception& e) {
      fmt::print(stderr, "loom-bench: {}\n", e.what());
      return 2;
    }
    if (!loom::rtl_factory(name)) {
      fmt::print(stderr, "loom-bench: no RTL model built for configuration '{}'\n", name);
      return 2;
    }
    std::vector<uint32_t> sizes;
    for (uint32_t b : {1024u, 4096u, cfg->sbuf_bytes})
      if (b <= cfg->sbuf_bytes && std::find(sizes.begin(), sizes.end(), b) == sizes.end()) sizes.push_back(b);
    for (bool store : {false, true})
      for (uint32_t b : sizes) {
        fmt::print(stderr, "loom-bench: {} {} {} B x {} partitions ...\n", name, store ? "store" : "load", b,
                   cfg->partitions);
        points.push_back(measure_dma(*cfg, store, b, latency, out_dir));
      }
  }

  fmt::print("DMA bandwidth, DRAM latency {} cycles (one descriptor: every partition, contiguous rows)\n\n",
             latency);
  fmt::print("{:<8} {:<6} {:>6} {:>9} {:>4} {:>4} {:>8} {:>8} {:>8} {:>8}  {}\n", "config", "dir",
             "parts", "B/part", "DB", "WB", "cycles", "B/cycle", "of bus", "of port", "check");
  bool ok = true, target_met = true;
  nlohmann::json j;
  j["dram_latency"] = latency;
  j["target_of_bus_peak"] = target;
  for (const DmaPoint& d : points) {
    const bool bus_bound = d.bus_bytes <= d.word_bytes;
    const bool counted = d.bytes_per_partition >= 4096 && bus_bound;
    const bool meets = d.of_bus >= target;
    std::string note = d.pass ? "PASS" : "FAIL (co-simulation)";
    if (counted) note += meets ? ", meets the goal" : ", BELOW the goal";
    else if (!bus_bound) note += ", SBUF-port bound (DB > WB)";
    fmt::print("{:<8} {:<6} {:>6} {:>9} {:>4} {:>4} {:>8} {:>8.2f} {:>7.1f}% {:>7.1f}%  {}\n", d.config,
               d.store ? "store" : "load", d.partitions, d.bytes_per_partition, d.bus_bytes, d.word_bytes,
               d.cycles, d.bytes_per_cycle, 100 * d.of_bus, 100 * d.of_port, note);
    ok = ok && d.pass;
    if (counted && !meets) target_met = false;
    j["dma"].push_back({{"config", d.config},
                        {"dir", d.store ? "store" : "load"},
                        {"partitions", d.partitions},
                        {"bytes_per_partition", d.bytes_per_partition},
                        {"bus_bytes", d.bus_bytes},
                        {"sbuf_word_bytes", d.word_bytes},
                        {"cycles", d.cycles},
                        {"bytes_per_cycle", d.bytes_per_cycle},
                        {"fraction_of_bus_peak", d.of_bus},
                        {"fraction_of_sbuf_port_peak", d.of_port},
                        {"cosim_pass", d.pass}});
  }
  j["goal_met"] = target_met;
  fmt::print("\ngoal: >= {:.0f}% of the bus peak for >= 4 KiB per partition where the bus is not wider "
             "than the SBUF word: {}\n",
             100 * target, target_met ? "met" : "NOT met");

  // GEMM utilization on the whole core.
  std::vector<loom::bench::GemmPoint> gemms;
  for (const std::string& name : gemm_configs) {
    if (name.empty() || name == "none") continue;
    const loom::Config* cfg = nullptr;
    try {
      cfg = &loom::config_by_name(name);
    } catch (const std::exception& e) {
      fmt::print(stderr, "loom-bench: {}\n", e.what());
      return 2;
    }
    fmt::print(stderr, "loom-bench: GEMM {}^3 on {} (RTL core) ...\n", gemm_size, name);
    try {
      gemms.push_back(loom::bench::measure_gemm_rtl(*cfg, gemm_size, gemm_size, gemm_size, latency));
    } catch (const std::exception& e) {
      loom::bench::GemmPoint f;
      f.config = name;
      f.message = e.what();
      gemms.push_back(f);
    }
  }
  bool gemm_goal_met = false, gemm_goal_measured = false;
  if (!gemms.empty()) {
    fmt::print("\nGEMM on the RTL core (tiled A), DRAM latency {} cycles, utilization = MACs / (P^2 x "
               "PERF_CYCLES)\n\n",
               latency);
    fmt::print("{:<8} {:>4} {:>14} {:>10} {:>10} {:>7} {:>7} {:>7}  {}\n", "config", "P", "M x K x N",
               "cycles", "MACs", "util", "PE", "DMA", "check");
  }
  for (const loom::bench::GemmPoint& gp : gemms) {
    const bool is_goal = gp.config == gemm_goal_config;
    std::string note =
        gp.pass ? fmt::format("PASS: co-simulated ({} transactions), C == reference_matmul",
                              gp.transactions_compared)
                : "FAIL: " + gp.message;
    if (is_goal && gp.pass) {
      gemm_goal_measured = true;
      gemm_goal_met = gp.utilization >= gemm_target;
      note += gemm_goal_met ? ", meets the goal" : ", BELOW the goal";
    }
    fmt::print("{:<8} {:>4} {:>14} {:>10} {:>10} {:>6.1f}% {:>6.1f}% {:>6.1f}%  {}\n", gp.config,
               gp.partitions, fmt::format("{}x{}x{}", gp.m, gp.k, gp.n), gp.cycles, gp.macs,
               100 * gp.utilization, 100 * gp.busy_pe, 100 * gp.busy_dma, note);
    ok = ok && gp.pass;
    j["gemm"].push_back({{"config", gp.config},
                         {"partitions", gp.partitions},
                         {"m", gp.m},
                         {"k", gp.k},
                         {"n", gp.n},
                         {"a_layout", "tiled"},
                         {"dram_latency", gp.latency},
                         {"cycles", gp.cycles},
                         {"macs", gp.macs},
                         {"utilization", gp.utilization},
                         {"busy_pe", gp.busy_pe},
                         {"busy_dma", gp.busy_dma},
                         {"c_mismatches", gp.c_mismatches},
                         {"transactions_compared", gp.transactions_compared},
                         {"pass", gp.pass},
                         {"message", gp.message}});
  }
  if (gemm_goal_measured || !gemms.empty()) {
    j["gemm_goal"] = {{"config", gemm_goal_config},
                      {"target_utilization", gemm_target},
                      {"measured", gemm_goal_measured},
                      {"met", gemm_goal_met}};
    fmt::print("\ngoal: GEMM {}^3 on {} at >= {:.0f}% array utilization: {}\n", gemm_size,
               gemm_goal_config, 100 * gemm_target,
               !gemm_goal_measured ? "not measured (no passing run)"
                                   : gemm_goal_met ? "met" : "NOT met");
  }
  if (!json_path.empty()) {
    std::filesystem::create_directories(std::filesystem::path(json_path).parent_path());
    std::ofstream(json_path) << j.dump(2) << "\n";
    fmt::print("results: {}\n", json_path);
  }
  return ok ? 0 : 1;
}
