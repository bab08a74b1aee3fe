// The whole-core golden model's own speed (predict_core alone, no RTL), and
// a digest of its complete result, for the fast paths of docs/model.md
// "Speed": a change to the model's speed must leave every digest unchanged.
#pragma once

#include <cstdint>
#include <string>

#include "loom/configs.h"
#include "loom/core_model.h"

namespace loom::bench {

struct ModelSpeed {
  uint64_t cycles = 0;     // PERF_CYCLES of the run
  double seconds = 0;      // predict_core()'s CPU time, best of the repeats
  double cycles_per_second = 0;
  uint64_t digest = 0;     // model_digest() of the prediction
  size_t txns = 0;         // transactions predicted
  double busy_pe = 0, busy_act = 0, busy_dma = 0;  // fractions of the cycles
};

// The GEMM workload of `make bench` (bench_workload.h, read and write
// latency `latency`), timed on predict_core() alone, best of `repeats`.
// record_txns: CoreModelRun::record_txns (false: the performance-only mode).
ModelSpeed time_model_gemm(const Config& cfg, uint32_t m, uint32_t k, uint32_t n, uint32_t latency,
                           int repeats = 1, bool record_txns = true);

// FNV-1a over everything predict_core() returns: every transaction in order
// with its cycle (with_txns; without: nothing of them, not even their
// number), status, counters, SBUF / PSUM image with written marks, the DRAM
// dump.
uint64_t model_digest(const CorePrediction& p, bool with_txns = true);

}  // namespace loom::bench
