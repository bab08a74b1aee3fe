// The GEMM measurement of `make bench`: a GEMM through the kernel (tiled A,
// docs/kernels.md "Tiled A") on the Verilated whole core, co-simulated
// against the whole-core golden model (tb/core_cosim.h), C also checked
// against reference_matmul, cycles and MACs from the core's own performance
// counters.
#pragma once

#include <cstdint>
#include <string>

#include "loom/configs.h"

namespace loom::bench {

struct GemmPoint {
  std::string config;
  uint32_t partitions = 0, m = 0, k = 0, n = 0, latency = 0;
  uint64_t cycles = 0;  // PERF_CYCLES: START to END, the whole run
  uint64_t macs = 0;    // PERF_MACS
  double utilization = 0;  // macs / (P * P * cycles)
  double busy_pe = 0, busy_dma = 0;  // fractions of cycles
  uint64_t c_mismatches = 0;
  uint64_t transactions_compared = 0;  // by the whole-core co-simulation
  bool pass = false;  // co-simulation passed, END without error, PERF_MACS = M K N, C == reference
  std::string message;
};

// Inputs from a fixed seed; DRAM read and write latency `latency` cycles.
GemmPoint measure_gemm_rtl(const Config& cfg, uint32_t m, uint32_t k, uint32_t n, uint32_t latency);

}  // namespace loom::bench
