// DMA bandwidth of `make bench`: one descriptor moving every partition's
// `bytes` bytes between DRAM and SBUF at a fixed DRAM latency, bytes per
// cycle from the descriptor's accept to its completion event, against the
// AXI bus peak (DB bytes per cycle) and the SBUF port peak (one SBUF word
// per cycle). Co-simulated (tensor subsystem against its golden model): a
// figure from a failing run is not reported as a result.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loom/configs.h"

namespace loom::bench {

struct DmaPoint {
  std::string config;
  bool store = false;
  uint32_t partitions = 0, bytes_per_partition = 0, bus_bytes = 0, word_bytes = 0;
  uint64_t cycles = 0;  // accept .. completion
  double bytes_per_cycle = 0, of_bus = 0, of_port = 0;
  bool pass = false;
  // The goal applies where the bus is not wider than the SBUF word and the
  // transfer is long (>= 4 KiB per partition).
  bool counted() const { return bytes_per_partition >= 4096 && bus_bytes <= word_bytes; }
};

// Loads and stores of 1 KiB, 4 KiB and the whole SBUF per partition.
std::vector<DmaPoint> measure_dma_bandwidth(const Config& cfg, uint32_t latency,
                                            const std::string& out_dir);

// Prints the table; true when every counted point reaches `target` of the bus peak.
bool print_dma(const std::vector<DmaPoint>& points, uint32_t latency, double target);
nlohmann::json dma_json(const std::vector<DmaPoint>& points);

}  // namespace loom::bench
