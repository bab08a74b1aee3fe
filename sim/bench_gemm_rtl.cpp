#include "bench_gemm_rtl.h"

#include <fmt/format.h>

#include <random>
#include <vector>

#include "core_cosim.h"
#include "loom/core_models.h"
#include "loom/isa.h"
#include "loom/kernels.h"
#include "loom/reference.h"

namespace loom::bench {

GemmPoint measure_gemm_rtl(const Config& cfg, uint32_t m, uint32_t k, uint32_t n,
                           uint32_t latency) {
  GemmPoint pt;
  pt.config = cfg.name;
  pt.partitions = cfg.partitions;
  pt.m = m;
  pt.k = k;
  pt.n = n;
  pt.latency = latency;

  std::mt19937_64 rng(0x6e3);
  std::vector<int8_t> a(size_t(m) * k), b(size_t(k) * n);
  for (auto& x : a) x = int8_t(rng());
  for (auto& x : b) x = int8_t(rng());

  // DRAM: tiled A, B, C, each on a 4 KiB page; the program after them.
  constexpr uint64_t kBase = 0x80000000, kPage = 4096;
  auto page = [&](uint64_t v) { return (v + kPage - 1) / kPage * kPage; };
  const std::vector<uint8_t> a_tiled = pack_gemm_a(cfg, m, k, a);
  GemmParams p;
  p.m = m;
  p.k = k;
  p.n = n;
  p.a_tiled = true;
  p.a_addr = kBase;
  p.b_addr = p.a_addr + page(a_tiled.size());
  p.c_addr = p.b_addr + page(b.size());
  const uint64_t data_end = p.c_addr + page(gemm_c_bytes(p));
  const GemmProgram g = gemm_program(cfg, p);
  const std::vector<uint8_t> prog = encode_program(g.program);

  CoreFactory f = core_factory(cfg.name);
  if (f == nullptr) {
    pt.message = fmt::format("no RTL model of the whole core for '{}'", cfg.name);
    return pt;
  }
  AxiMemConfig mem;
  mem.data_bytes = cfg.axi_data_bytes;
  mem.read_latency = latency;
  mem.write_latency = latency;
  // Co-simulated: the figure counts only if every transaction matched the
  // whole-core golden model cycle for cycle.
  CoreCosimRequest req;
  req.name = fmt::format("bench_gemm_{}_{}", cfg.name, m);
  req.program = prog;
  req.prog_base = data_end;
  req.dram_base = kBase;
  req.dram_limit = data_end + prog.size();
  req.dram_init = {{p.a_addr, a_tiled}, {p.b_addr, std::vector<uint8_t>(b.begin(), b.end())}};
  req.dram = req.ifetch = mem;
  req.compare_sbuf_psum = false;  // the transactions carry every SBUF / PSUM write
  const CoreCosimResult res = core_cosim(f, cfg, req);
  const CoreRunResult& r = res.rtl;
  pt.transactions_compared = res.compared;

  pt.cycles = r.perf_cycles;
  pt.macs = r.perf_macs;
  const double cyc = r.perf_cycles ? double(r.perf_cycles) : 1.0;
  pt.utilization = double(r.perf_macs) / (double(cfg.partitions) * cfg.partitions * cyc);
  pt.busy_pe = double(r.perf_busy_pe) / cyc;
  pt.busy_dma = double(r.perf_busy_dma) / cyc;

  const std::vector<int32_t> want = reference_matmul(a, b, m, k, n);
  const std::vector<uint8_t> c(res.final_dram.begin() + (p.c_addr - res.check_base),
                               res.final_dram.begin() + (p.c_addr - res.check_base) +
                                   gemm_c_bytes(p));
  for (size_t i = 0; i < want.size(); ++i) {
    const int32_t got = int32_t(uint32_t(c[4 * i]) | uint32_t(c[4 * i + 1]) << 8 |
                                uint32_t(c[4 * i + 2]) << 16 | uint32_t(c[4 * i + 3]) << 24);
    if (got != want[i] && pt.c_mismatches++ == 0)
      pt.message = fmt::format("C[{}][{}] = {}, expected {}", i / n, i % n, got, want[i]);
  }
  if (!res.pass)
    pt.message = "co-simulation: " + res.failure;
  else if (!r.done || r.error)
    pt.message = fmt::format("the core stopped with error {} at instruction {}", r.error_code,
                             r.error_index);
  else if (r.perf_macs != g.macs)
    pt.message = fmt::format("PERF_MACS {} != M K N = {}", r.perf_macs, g.macs);
  pt.pass = res.pass && r.done && !r.error && r.perf_macs == g.macs && pt.c_mismatches == 0;
  return pt;
}

}  // namespace loom::bench
