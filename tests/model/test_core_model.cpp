// predict_core()'s performance-only mode (CoreModelRun::record_txns =
// false, docs/model.md "Speed"): no transactions, and everything else (status,
// error, status_cycle, end_cycle, counters, final SBUF / PSUM / DRAM) exactly
// the default mode's. Random programs (legal and illegal, with and without
// DRAM backpressure) and a GEMM at tiny, small and medium.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "loom/asm.h"
#include "loom/axi_mem.h"
#include "loom/core_model.h"
#include "loom/isa.h"
#include "loom/kernels.h"
#include "loom/random_program.h"
#include "test_util.h"

namespace loom {
namespace {

// Both modes on the same run; the default one must have transactions.
// Returns the default mode's prediction.
CorePrediction expect_same_but_txns(const Config& cfg, CoreModelRun run, const std::string& what) {
  SCOPED_TRACE(what);
  run.record_txns = true;
  const CorePrediction want = predict_core(cfg, run);
  run.record_txns = false;
  const CorePrediction got = predict_core(cfg, run);
  EXPECT_FALSE(want.txns.empty());
  EXPECT_TRUE(got.txns.empty());
  EXPECT_EQ(want.done, got.done);
  EXPECT_EQ(want.error, got.error);
  EXPECT_EQ(want.error_code, got.error_code);
  EXPECT_EQ(want.error_index, got.error_index);
  EXPECT_EQ(want.status_cycle, got.status_cycle);
  EXPECT_EQ(want.end_cycle, got.end_cycle);
  EXPECT_EQ(want.perf_cycles, got.perf_cycles);
  EXPECT_EQ(want.perf_busy_pe, got.perf_busy_pe);
  EXPECT_EQ(want.perf_busy_act, got.perf_busy_act);
  EXPECT_EQ(want.perf_busy_dma, got.perf_busy_dma);
  EXPECT_EQ(want.perf_macs, got.perf_macs);
  EXPECT_EQ(want.perf_dma_bytes, got.perf_dma_bytes);
  EXPECT_TRUE(want.final_state.sbuf == got.final_state.sbuf) << "final SBUF differs";
  EXPECT_TRUE(want.final_state.sbuf_written == got.final_state.sbuf_written)
      << "SBUF written marks differ";
  EXPECT_TRUE(want.final_state.psum == got.final_state.psum) << "final PSUM differs";
  EXPECT_TRUE(want.final_state.psum_written == got.final_state.psum_written)
      << "PSUM written marks differ";
  EXPECT_EQ(want.final_dram.size(), got.final_dram.size());
  EXPECT_TRUE(want.final_dram == got.final_dram) << "final DRAM differs";
  return want;
}

// A random program as loom-regress runs it: DRAM latency and backpressure
// drawn from the seed, the poison range of an injected AXI error.
void random_case(const char* config, uint64_t seed, InjectedError illegal) {
  const Config cfg = test::cfg(config);
  RandomProgramOptions po;
  po.illegal = illegal;
  const RandomProgram rp = random_program(cfg, seed, po);
  std::mt19937_64 rng(seed);
  AxiMemConfig d, f;
  d.data_bytes = f.data_bytes = cfg.axi_data_bytes;
  d.read_latency = 1 + uint32_t(rng() % 60);
  d.write_latency = 1 + uint32_t(rng() % 20);
  if (seed % 2) d.ar_ready = d.aw_ready = d.w_ready = d.r_valid = d.b_valid = 0.6;
  d.seed = seed;
  if (rp.poison_bytes > 0)
    d.errors.push_back({rp.poison_base, rp.poison_base + rp.poison_bytes,
                        uint8_t(rp.expected_error == CoreError::kAxiSlvErr ? 2 : 3), true, true});
  f.read_latency = 1 + uint32_t(rng() % 30);
  f.seed = seed + 1;
  AxiMem dram(d), ifetch(f);
  const std::vector<uint8_t> prog = rp.program_bytes();
  dram.write(rp.data_base, rp.data);
  dram.write(rp.prog_base, prog);
  ifetch.write(rp.prog_base, prog);
  CoreModelRun run;
  run.prog_base = rp.prog_base;
  run.prog_len = uint32_t(prog.size() / 32);
  run.watchdog = illegal == InjectedError::kNone ? 0 : 50000;
  run.dram_base = rp.dram_base;
  run.dram_limit = rp.dram_limit;
  run.dram = &dram;
  run.ifetch = &ifetch;
  run.dump_base = rp.dram_base;
  run.dump_bytes = rp.dram_limit - rp.dram_base;
  expect_same_but_txns(cfg, run,
                       std::string(config) + " seed " + std::to_string(seed) +
                           (illegal == InjectedError::kNone ? " legal" : " illegal"));
}

TEST(CoreModelPerformanceMode, RandomProgramsLegalAndIllegal) {
  const uint64_t base = test::test_seed(0x9E7F);
  for (const char* config : {"tiny", "small", "medium"})
    for (uint64_t s = 0; s < 6; ++s) {
      random_case(config, base + s, InjectedError::kNone);
      random_case(config, base + s, kInjectedErrors[(base + s) % std::size(kInjectedErrors)]);
    }
}

void gemm_case(const char* config, double backpressure) {
  const Config cfg = test::cfg(config);
  constexpr uint64_t kBase = 0x80000000, kData = kBase + 0x10000;
  const uint32_t P = cfg.partitions;
  GemmParams p;
  p.m = 3 * P + 1;
  p.k = 2 * P + 3;
  p.n = 2 * P - 1;
  p.out_int8 = true;
  p.scale = 3;
  p.shift = 7;
  p.a_transposed = true;
  std::mt19937_64 rng(test::test_seed(0x6E33));
  std::vector<uint8_t> a(size_t(p.m) * p.k), b(size_t(p.k) * p.n);
  for (auto& x : a) x = uint8_t(rng());
  for (auto& x : b) x = uint8_t(rng());
  p.a_addr = kData;
  p.b_addr = p.a_addr + a.size() + 64;
  p.c_addr = p.b_addr + b.size() + 64;
  const std::vector<uint8_t> bin = encode_program(gemm_program(cfg, p).program);
  AxiMemConfig mc;
  mc.data_bytes = cfg.axi_data_bytes;
  mc.read_latency = 40;
  mc.write_latency = 10;
  mc.ar_ready = mc.aw_ready = mc.w_ready = mc.r_valid = mc.b_valid = backpressure;
  mc.seed = 5;
  AxiMem dram(mc);
  mc.seed = 6;
  AxiMem ifetch(mc);
  for (AxiMem* m : {&dram, &ifetch}) {
    m->write(kBase, bin);
    m->write(p.a_addr, a);
    m->write(p.b_addr, b);
  }
  CoreModelRun run;
  run.prog_base = kBase;
  run.prog_len = uint32_t(bin.size() / 32);
  run.dram_base = kBase;
  run.dram_limit = p.c_addr + gemm_c_bytes(p) + 64;
  run.dram = &dram;
  run.ifetch = &ifetch;
  run.dump_base = kBase;
  run.dump_bytes = run.dram_limit - kBase;
  const CorePrediction want = expect_same_but_txns(cfg, run, std::string("GEMM ") + config);
  EXPECT_TRUE(want.done && !want.error);
  EXPECT_GT(want.perf_macs, 0u);
}

TEST(CoreModelPerformanceMode, Gemm) {
  gemm_case("tiny", 1.0);
  gemm_case("small", 0.7);
  gemm_case("medium", 1.0);
}

}  // namespace
}  // namespace loom
