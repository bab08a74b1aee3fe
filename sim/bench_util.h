// Utilization and the golden model as a cycle predictor (`make bench`,
// docs/performance.md): a workload on the RTL core at a fixed DRAM latency
// and under random DRAM backpressure, the golden model's predicted cycles
// against the RTL's, and for a GEMM the analytic weight-stationary estimate.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_run.h"
#include "bench_workload.h"

namespace loom::bench {

// The analytic weight-stationary estimate of a GEMM's cycles on a P x P
// array (SCALE-Sim's model, docs/performance.md "Analytic estimate"): the
// array works on one fold (a K tile x M tile of stationary weights) at a
// time; a fold fills its weights (P cycles), streams the N moving columns
// and drains through the skew (2P - 2 cycles): 3P - 2 + N per fold, folds
// one after the other.
uint64_t scalesim_gemm_cycles(uint32_t p, uint32_t m, uint32_t k, uint32_t n);
// The same with the weight fill and the skew of a fold hidden under the
// previous fold's stream (double-buffered weights, as Loom's tensor engine
// does): N per fold plus one fill and drain, 3P - 2.
uint64_t overlapped_gemm_cycles(uint32_t p, uint32_t m, uint32_t k, uint32_t n);

struct UtilPoint {
  std::string config;
  uint32_t partitions = 0;
  std::string kind, shape, layout;
  uint64_t macs = 0;
  uint32_t latency = 0;
  RunFigures rtl, predicted;  // fixed DRAM latency; predicted from the RTL's START state
  bool backpressure = false;
  // Random DRAM backpressure: the RTL; the model from the RTL's START state
  // (the same stalls, as in co-simulation); the model on a DRAM of the same
  // statistics but another seed (stalls it cannot know).
  RunFigures rtl_bp, predicted_bp, predicted_bp_other;
  uint64_t scalesim = 0, overlapped = 0;  // GEMM only
  GemmProgram tiling;                      // GEMM only: the kernel's tiling

  bool ok() const;
  std::string failure() const;  // the first run that is not ok
  double utilization() const { return rtl.cycles ? double(macs) / (double(partitions) * partitions * rtl.cycles) : 0; }
};

// Percent error of a predicted cycle count against the RTL's.
double error_percent(uint64_t predicted, uint64_t rtl);

UtilPoint measure_util(CoreFactory factory, const Config& cfg, const Workload& w, uint32_t latency,
                       bool backpressure);

void print_util(const std::vector<UtilPoint>& points);
nlohmann::json util_json(const std::vector<UtilPoint>& points);
// The plot's data: one row per workload, one utilization column (percent)
// per configuration, in the order of `configs` ("-" where not measured).
void write_util_plot_data(const std::vector<UtilPoint>& points,
                          const std::vector<std::string>& configs, const std::string& path);

}  // namespace loom::bench
