#include "model_speed.h"

#include <time.h>

#include <chrono>
#include <vector>

#include "bench_workload.h"
#include "loom/axi_mem.h"

namespace loom::bench {

namespace {

struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void byte(uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(uint8_t(v >> (8 * i)));
  }
};

double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

}  // namespace

uint64_t model_digest(const CorePrediction& p, bool with_txns) {
  Fnv f;
  if (with_txns) f.u64(p.txns.size());
  for (const Txn& t : with_txns ? p.txns : std::vector<Txn>{}) {
    f.u64(t.cycle);
    f.u64(uint64_t(t.channel));
    f.u64(t.tag);
    f.u64(t.part);
    f.u64(t.bank);
    f.u64(t.addr);
    f.u64(t.data);
    f.u64(t.strb);
  }
  for (uint64_t v : {uint64_t(p.done), uint64_t(p.error), uint64_t(p.error_code), uint64_t(p.error_index),
                     p.status_cycle, p.end_cycle, p.perf_cycles, p.perf_busy_pe, p.perf_busy_act,
                     p.perf_busy_dma, p.perf_macs, p.perf_dma_bytes})
    f.u64(v);
  const MemImage& m = p.final_state;
  for (size_t k = 0; k < m.sbuf.size(); ++k) {
    for (uint8_t b : m.sbuf[k]) f.byte(b);
    for (bool w : m.sbuf_written[k]) f.byte(w);
  }
  for (size_t k = 0; k < m.psum.size(); ++k) {
    for (int32_t v : m.psum[k]) f.u64(uint32_t(v));
    for (bool w : m.psum_written[k]) f.byte(w);
  }
  f.u64(p.final_dram.size());
  for (uint8_t b : p.final_dram) f.byte(b);
  return f.h;
}

ModelSpeed time_model_gemm(const Config& cfg, uint32_t m, uint32_t k, uint32_t n, uint32_t latency,
                           int repeats, bool record_txns) {
  // The GEMM of `make bench` (bench_workload.h), the whole DRAM window dumped.
  const Workload w = gemm_workload(cfg, m, k, n);
  AxiMemConfig mc;
  mc.data_bytes = cfg.axi_data_bytes;
  mc.read_latency = mc.write_latency = latency;
  const WorkloadMemories mem(w, mc);
  CoreModelRun run = model_run(w, mem.dram, mem.ifetch);
  run.dump_base = w.dram_base;
  run.dump_bytes = w.dram_limit - w.dram_base;
  run.record_txns = record_txns;

  ModelSpeed s;
  for (int r = 0; r < repeats; ++r) {
    // CPU time of this thread: the figure holds on a loaded machine too.
    const double t0 = thread_seconds();
    const CorePrediction pred = predict_core(cfg, run);
    const double secs = thread_seconds() - t0;
    if (r == 0 || secs < s.seconds) s.seconds = secs;
    s.cycles = pred.perf_cycles;
    s.digest = model_digest(pred);
    s.txns = pred.txns.size();
    const double cyc = pred.perf_cycles ? double(pred.perf_cycles) : 1.0;
    s.busy_pe = double(pred.perf_busy_pe) / cyc;
    s.busy_act = double(pred.perf_busy_act) / cyc;
    s.busy_dma = double(pred.perf_busy_dma) / cyc;
  }
  s.cycles_per_second = s.seconds > 0 ? double(s.cycles) / s.seconds : 0;
  return s;
}

}  // namespace loom::bench
