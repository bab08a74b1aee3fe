// One timed run of a bench workload (bench_workload.h) on one engine: the
// Verilated whole core alone (CoreSystem), the golden model alone
// (predict_core), the SystemC/TLM golden model, or the two in whole-core
// co-simulation. Wall time covers the simulation only (not building the
// workload or the model). A run is checked: its result region must equal
// the workload's expected values, else `ok` is false and `message` says
// where it first differs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench_workload.h"
#include "core_dut.h"
#include "loom/axi_mem.h"
#include "loom/configs.h"

namespace loom::bench {

struct RunFigures {
  bool ok = false;
  std::string message;  // why not ok ("" when ok)
  uint64_t cycles = 0;  // PERF_CYCLES: START .. END
  uint64_t macs = 0;    // PERF_MACS
  uint64_t busy_pe = 0, busy_dma = 0;
  double seconds = 0;   // wall time of the simulation
  uint64_t compared = 0;  // co-simulation: transactions compared

  double cycles_per_second() const { return seconds > 0 ? double(cycles) / seconds : 0; }
  double utilization(const Config& cfg) const {
    return cycles ? double(macs) / (double(cfg.partitions) * cfg.partitions * double(cycles)) : 0;
  }
};

// The DRAM of a run: `latency` cycles on reads and writes, and with
// `backpressure` seeded random stalls on every channel (docs/performance.md
// gives the probabilities).
AxiMemConfig bench_dram(const Config& cfg, uint32_t latency, bool backpressure, uint64_t seed);

// The RTL core alone. With `predict`, the golden model also runs (as a
// cycle predictor), from the memories exactly as the RTL's are when the
// sequencer sees START (as in co-simulation), and its figures go to
// *predict (timed on their own).
RunFigures run_rtl(CoreFactory factory, const Config& cfg, const Workload& w,
                   const AxiMemConfig& dram, RunFigures* predict = nullptr);

// The golden model alone (predict_core), from fresh memories: as a cycle
// predictor (no transaction list, CoreModelRun::record_txns false), or with
// `record_txns` as the co-simulation runs it.
RunFigures run_model(const Config& cfg, const Workload& w, const AxiMemConfig& dram,
                     bool record_txns = false);

// The SystemC/TLM-2.0 golden model (run_systemc_core_model); once per process.
RunFigures run_systemc(const Config& cfg, const Workload& w, const AxiMemConfig& dram);

// Whole-core co-simulation (core_cosim): ok only if every transaction matched.
RunFigures run_cosim(CoreFactory factory, const Config& cfg, const Workload& w,
                     const AxiMemConfig& dram, const std::string& out_dir);

}  // namespace loom::bench
