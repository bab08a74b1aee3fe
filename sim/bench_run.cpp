#include "bench_run.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "core_cosim.h"
#include "core_system.h"
#include "loom/core_model.h"
#include "loom/sc_core_model.h"

namespace loom::bench {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ok when the result region holds the expected values.
void check_output(RunFigures& f, const Workload& w, const std::vector<uint8_t>& out) {
  const std::vector<int32_t> got = as_i32(out);
  if (got.size() != w.expected.size()) {
    f.ok = false;
    f.message = fmt::format("{} result bytes, expected {}", out.size(), 4 * w.expected.size());
    return;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != w.expected[i]) {
      f.ok = false;
      f.message = fmt::format("result element {} (DRAM 0x{:x}) = {}, expected {}", i,
                              w.out_addr + 4 * i, got[i], w.expected[i]);
      return;
    }
  }
  if (f.macs != w.macs) {
    f.ok = false;
    f.message = fmt::format("PERF_MACS {} != the workload's {}", f.macs, w.macs);
    return;
  }
  f.ok = true;
}

// The counters and the status of a finished run: the RTL's as the host
// read them back (CoreRunResult) or the model's (CorePrediction), which
// name them alike; then the result check.
template <class Run>
RunFigures figures_of(const Workload& w, const Run& r, const char* who, double seconds,
                      const std::vector<uint8_t>& out) {
  RunFigures f;
  f.seconds = seconds;
  f.cycles = r.perf_cycles;
  f.macs = r.perf_macs;
  f.busy_pe = r.perf_busy_pe;
  f.busy_dma = r.perf_busy_dma;
  if (!r.done || r.error) {
    f.message = fmt::format("the {} stopped with error {} at instruction {}", who, r.error_code,
                            r.error_index);
    return f;
  }
  check_output(f, w, out);
  return f;
}

RunFigures from_prediction(const Workload& w, const CorePrediction& p, double seconds) {
  return figures_of(w, p, "model", seconds, p.final_dram);
}

}  // namespace

AxiMemConfig bench_dram(const Config& cfg, uint32_t latency, bool backpressure, uint64_t seed) {
  AxiMemConfig m;
  m.data_bytes = cfg.axi_data_bytes;
  m.read_latency = latency;
  m.write_latency = latency;
  m.seed = seed;
  if (backpressure) {
    m.ar_ready = 0.8;
    m.aw_ready = 0.8;
    m.w_ready = 0.8;
    m.r_valid = 0.8;
    m.b_valid = 0.8;
  }
  return m;
}

RunFigures run_rtl(CoreFactory factory, const Config& cfg, const Workload& w,
                   const AxiMemConfig& dram, RunFigures* predict) {
  RunFigures f;
  CoreSystem sys(factory(RtlOptions{}), dram, ifetch_of(dram));
  for (const auto& [addr, bytes] : w.dram_init) sys.dram().write(addr, bytes);
  if (predict) {
    sys.set_start_hook([&](CoreSystem& s) {
      const auto t0 = Clock::now();
      try {
        CoreModelRun run = model_run(w, s.dram(), s.ifetch());
        run.record_txns = false;
        const CorePrediction p = predict_core(cfg, run);
        *predict = from_prediction(w, p, since(t0));
      } catch (const std::exception& e) {
        predict->message = std::string("golden model: ") + e.what();
      }
    });
  }
  CoreRunRequest req;
  req.program = w.program;
  req.prog_base = w.prog_base;
  req.dram_base = w.dram_base;
  req.dram_limit = w.dram_limit;
  double model_seconds = 0;
  const auto t0 = Clock::now();
  CoreRunResult r;
  try {
    r = sys.run(req);
  } catch (const std::exception& e) {
    f.message = std::string("RTL run: ") + e.what();
    return f;
  }
  if (predict) model_seconds = predict->seconds;
  return figures_of(w, r, "core", since(t0) - model_seconds,
                    sys.dram().read(w.out_addr, size_t(w.out_bytes)));
}

RunFigures run_model(const Config& cfg, const Workload& w, const AxiMemConfig& dram,
                     bool record_txns) {
  WorkloadMemories mem(w, dram);
  CoreModelRun run = model_run(w, mem.dram, mem.ifetch);
  run.record_txns = record_txns;
  const auto t0 = Clock::now();
  try {
    const CorePrediction p = predict_core(cfg, run);
    return from_prediction(w, p, since(t0));
  } catch (const std::exception& e) {
    RunFigures f;
    f.message = std::string("golden model: ") + e.what();
    return f;
  }
}

RunFigures run_systemc(const Config& cfg, const Workload& w, const AxiMemConfig& dram) {
  WorkloadMemories mem(w, dram);
  const auto t0 = Clock::now();
  try {
    const CorePrediction p = run_systemc_core_model(cfg, model_run(w, mem.dram, mem.ifetch));
    return from_prediction(w, p, since(t0));
  } catch (const std::exception& e) {
    RunFigures f;
    f.message = std::string("SystemC model: ") + e.what();
    return f;
  }
}

RunFigures run_cosim(CoreFactory factory, const Config& cfg, const Workload& w,
                     const AxiMemConfig& dram, const std::string& out_dir) {
  CoreCosimRequest req;
  req.name = fmt::format("bench_{}_{}", cfg.name, w.kind);
  req.program = w.program;
  req.prog_base = w.prog_base;
  req.dram_base = w.dram_base;
  req.dram_limit = w.dram_limit;
  req.dram_init = w.dram_init;
  req.dram = dram;
  req.ifetch = ifetch_of(dram);
  req.check_base = w.out_addr;
  req.check_bytes = w.out_bytes;
  req.compare_sbuf_psum = false;  // the transactions carry every SBUF / PSUM write
  req.out_dir = out_dir;
  const auto t0 = Clock::now();
  const CoreCosimResult res = core_cosim(factory, cfg, req);
  RunFigures f = figures_of(w, res.rtl, "core", since(t0), res.final_dram);
  f.compared = res.compared;
  if (!res.pass) {  // the first mismatch says more than the result check
    f.ok = false;
    f.message = "co-simulation: " + res.failure;
  }
  return f;
}

}  // namespace loom::bench
