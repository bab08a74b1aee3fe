#include "bench_dma.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "cosim.h"
#include "loom/rtl_models.h"
#include "workloads.h"

namespace loom::bench {
namespace {

DmaPoint measure_one(const Config& cfg, bool store, uint32_t bytes, uint32_t latency,
                     const std::string& out_dir) {
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

std::vector<DmaPoint> measure_dma_bandwidth(const Config& cfg, uint32_t latency,
                                            const std::string& out_dir) {
  std::vector<uint32_t> sizes;
  for (uint32_t b : {1024u, 4096u, cfg.sbuf_bytes})
    if (b <= cfg.sbuf_bytes && std::find(sizes.begin(), sizes.end(), b) == sizes.end())
      sizes.push_back(b);
  std::vector<DmaPoint> points;
  for (bool store : {false, true})
    for (uint32_t b : sizes) {
      fmt::print(stderr, "loom-bench: DMA {} {} {} B x {} partitions ...\n", cfg.name,
                 store ? "store" : "load", b, cfg.partitions);
      points.push_back(measure_one(cfg, store, b, latency, out_dir));
    }
  return points;
}

bool print_dma(const std::vector<DmaPoint>& points, uint32_t latency, double target) {
  fmt::print("DMA bandwidth, DRAM latency {} cycles (one descriptor: every partition, contiguous "
             "rows)\n\n",
             latency);
  fmt::print("{:<8} {:<6} {:>6} {:>9} {:>4} {:>4} {:>8} {:>8} {:>8} {:>8}  {}\n", "config", "dir",
             "parts", "B/part", "DB", "WB", "cycles", "B/cycle", "of bus", "of port", "check");
  bool met = true;
  for (const DmaPoint& d : points) {
    const bool meets = d.of_bus >= target;
    std::string note = d.pass ? "PASS" : "FAIL (co-simulation)";
    if (d.counted()) note += meets ? ", meets the goal" : ", BELOW the goal";
    else if (d.bus_bytes > d.word_bytes) note += ", SBUF-port bound (DB > WB)";
    fmt::print("{:<8} {:<6} {:>6} {:>9} {:>4} {:>4} {:>8} {:>8.2f} {:>7.1f}% {:>7.1f}%  {}\n",
               d.config, d.store ? "store" : "load", d.partitions, d.bytes_per_partition,
               d.bus_bytes, d.word_bytes, d.cycles, d.bytes_per_cycle, 100 * d.of_bus,
               100 * d.of_port, note);
    if (d.counted() && (!meets || !d.pass)) met = false;
  }
  return met;
}

nlohmann::json dma_json(const std::vector<DmaPoint>& points) {
  nlohmann::json j = nlohmann::json::array();
  for (const DmaPoint& d : points)
    j.push_back({{"config", d.config},
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
  return j;
}

}  // namespace loom::bench
