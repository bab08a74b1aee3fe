// Simulation speed of `make bench` (docs/performance.md "Simulation
// speed"): one GEMM per core model, sized to the same ideal cycle count at
// every P, on the RTL core alone, the golden model alone (predict_core, and
// the SystemC/TLM model in a child process: SystemC elaborates once per
// process), and the two in co-simulation; the bare P x P PE array, fully
// busy, as the ceiling of what a Verilated core of that P can reach.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_run.h"
#include "bench_workload.h"

namespace loom::bench {

// The speed workload at P: M = K = 256, N = n_at_p8 * P^2 / 64 (about
// 256 * n_at_p8 cycles at full utilization, whatever P).
Workload speed_workload(const Config& cfg, uint32_t n_at_p8);

struct BareArray {
  bool built = false;  // a model at this P and thread count exists in this build
  uint64_t cycles = 0;
  double seconds = 0;
  bool ok = false;  // its column outputs matched the reference
  double cycles_per_second() const { return seconds > 0 ? double(cycles) / seconds : 0; }
};
// `cycles` cycles of the bare array with every row streaming.
BareArray measure_bare_array(uint32_t p, uint32_t threads, uint64_t cycles);

struct SpeedPoint {
  std::string model, config;  // the core model (and its configuration)
  uint32_t partitions = 0, threads = 1;
  std::string workload;
  RunFigures rtl, model_alone, cosim;
  RunFigures model_recording;  // the golden model with its transaction list (as co-simulation runs it)
  std::optional<RunFigures> systemc;  // none when not measured
  BareArray bare;
};

struct SpeedOptions {
  uint32_t n_at_p8 = 256;
  uint64_t bare_cycles = 200000;
  bool cosim = true, systemc = true;
  std::string self;     // this executable, for the SystemC child
  std::string out_dir;  // co-simulation failure reports
};

SpeedPoint measure_speed(const std::string& model, const SpeedOptions& o);

// The SystemC child: runs the speed workload of `config` on the SystemC
// model and prints its figures as one JSON line; returns the exit code.
int systemc_child(const std::string& config, uint32_t n_at_p8);

void print_speed(const std::vector<SpeedPoint>& points);
nlohmann::json speed_json(const std::vector<SpeedPoint>& points);

}  // namespace loom::bench
