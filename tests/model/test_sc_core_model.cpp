// The whole core's SystemC/TLM-2.0 model must give exactly predict_core()'s
// prediction: every transaction (element by element), status, error code and
// index, performance counters, final SBUF / PSUM and DRAM. SystemC
// elaborates once per process, so each test runs ONE program in SystemC
// (gtest_discover_tests runs each test in its own process; by hand use
// --gtest_filter=<one test>); predict_core() is plain C++ and runs as often
// as needed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "loom/asm.h"
#include "loom/axi_mem.h"
#include "loom/core_model.h"
#include "loom/isa.h"
#include "loom/kernels.h"
#include "loom/reference.h"
#include "loom/sc_core_model.h"
#include "test_util.h"

namespace loom {
namespace {

#define SKIP_IF_USED()                                                               \
  if (systemc_core_model_used())                                                     \
  GTEST_SKIP() << "the SystemC model already ran in this process; run one test per " \
                  "process (ctest, or --gtest_filter)"

constexpr uint64_t kWinBase = 0x80000000;
constexpr uint64_t kProgAddr = kWinBase;
constexpr uint64_t kDataAddr = kWinBase + 0x10000;

// A program and the DRAM contents it runs on, with the replicas of both
// memories as the testbench has them in the START cycle.
struct CoreCase {
  Config cfg;
  std::vector<Instr> program;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dram_init;
  uint64_t data_end = 0;  // the window's limit
  uint32_t latency = 20;
  uint32_t watchdog = 1u << 20;
  double backpressure = 1.0;  // ready / valid probability of the DRAM's channels
  std::vector<AxiMemConfig::ErrorRange> dram_errors;  // the DRAM's only
};

struct Memories {
  AxiMem dram, ifetch;
};

AxiMemConfig mem_config(const CoreCase& k, uint64_t seed) {
  AxiMemConfig m;
  m.data_bytes = k.cfg.axi_data_bytes;
  m.read_latency = k.latency;
  m.write_latency = std::max<uint32_t>(1, k.latency / 4);
  m.ar_ready = m.aw_ready = m.w_ready = m.r_valid = m.b_valid = k.backpressure;
  m.seed = seed;
  return m;
}

Memories memories(const CoreCase& k) {
  AxiMemConfig dram = mem_config(k, 11);
  dram.errors = k.dram_errors;
  Memories m{AxiMem(dram), AxiMem(mem_config(k, 12))};
  const std::vector<uint8_t> bin = encode_program(k.program);
  for (AxiMem* mem : {&m.dram, &m.ifetch}) {
    mem->write(kProgAddr, bin);
    for (const auto& [addr, bytes] : k.dram_init) mem->write(addr, bytes);
  }
  return m;
}

CoreModelRun model_run(const CoreCase& k, const Memories& m) {
  CoreModelRun r;
  r.prog_base = kProgAddr;
  r.prog_len = uint32_t(k.program.size());
  r.watchdog = k.watchdog;
  r.dram_base = kWinBase;
  r.dram_limit = k.data_end;
  r.dram = &m.dram;
  r.ifetch = &m.ifetch;
  r.max_cycles = 5'000'000;
  r.dump_base = kWinBase;
  r.dump_bytes = k.data_end - kWinBase;
  return r;
}

// Every field of the two predictions, the transactions element by element
// (the first difference named).
void expect_same(const CorePrediction& want, const CorePrediction& got) {
  EXPECT_EQ(want.txns.size(), got.txns.size());
  const size_t n = std::min(want.txns.size(), got.txns.size());
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(want.txns[i] == got.txns[i])
        << "transaction " << i << ": predict_core " << want.txns[i].to_string() << ", SystemC "
        << got.txns[i].to_string();
  }
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
}

size_t count(const CorePrediction& p, Channel ch) {
  size_t n = 0;
  for (const Txn& t : p.txns) n += t.channel == ch;
  return n;
}

// predict_core() and the SystemC model on the same case; returns the SystemC
// prediction after checking they agree.
CorePrediction run_both(const CoreCase& k) {
  const Memories m = memories(k);
  const CoreModelRun r = model_run(k, m);
  const CorePrediction want = predict_core(k.cfg, r);
  const CorePrediction got = run_systemc_core_model(k.cfg, r);
  expect_same(want, got);
  std::cout << fmt::format("{}: {} instructions, {} transactions, {} cycles, status {}\n",
                           k.cfg.name, k.program.size(), got.txns.size(), got.perf_cycles,
                           got.done ? "done" : "error");
  return got;
}

std::vector<int8_t> random_i8(size_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(d(rng));
  return v;
}

std::vector<uint8_t> bytes_of(const std::vector<int8_t>& v) { return {v.begin(), v.end()}; }

int32_t le32(const std::vector<uint8_t>& v, uint64_t i) {
  return int32_t(uint32_t(v[i]) | uint32_t(v[i + 1]) << 8 | uint32_t(v[i + 2]) << 16 |
                 uint32_t(v[i + 3]) << 24);
}

// The program ran: the engines' channels are there.
void expect_full_run(const CorePrediction& p) {
  EXPECT_TRUE(p.done);
  EXPECT_FALSE(p.error);
  for (Channel ch : {Channel::kSeqDispatch, Channel::kSeqIssue, Channel::kSemUpdate,
                     Channel::kCmdAccept, Channel::kPsumWrite, Channel::kSbufWrite,
                     Channel::kActWrite, Channel::kActDone, Channel::kDramWrite})
    EXPECT_GT(count(p, ch), 0u) << channel_name(ch);
}

void gemm(const char* config, uint32_t latency, double backpressure, bool out_int8) {
  CoreCase k;
  k.cfg = test::cfg(config);
  k.latency = latency;
  k.backpressure = backpressure;
  std::mt19937_64 rng(test::test_seed(31));
  const uint32_t P = k.cfg.partitions;
  GemmParams p;
  p.m = 2 * P + 3;
  p.k = P + 1;
  p.n = 3 * P - 1;
  p.out_int8 = out_int8;
  p.scale = 3;
  p.shift = 7;
  p.bias = -5;
  p.a_transposed = true;
  const std::vector<int8_t> a = random_i8(size_t(p.m) * p.k, rng);
  const std::vector<int8_t> b = random_i8(size_t(p.k) * p.n, rng);
  std::vector<uint8_t> at(a.size());
  for (uint32_t i = 0; i < p.m; ++i)
    for (uint32_t j = 0; j < p.k; ++j) at[size_t(j) * p.m + i] = uint8_t(a[size_t(i) * p.k + j]);
  p.a_addr = kDataAddr;
  p.b_addr = p.a_addr + a.size() + 64;
  p.c_addr = p.b_addr + b.size() + 64;
  k.program = gemm_program(k.cfg, p).program;
  k.dram_init = {{p.a_addr, at}, {p.b_addr, bytes_of(b)}};
  k.data_end = p.c_addr + gemm_c_bytes(p) + 64;
  const CorePrediction got = run_both(k);
  expect_full_run(got);
  // C, against a product computed outside both models.
  const std::vector<int32_t> ref = reference_matmul(a, b, p.m, p.k, p.n);
  const uint64_t c0 = p.c_addr - kWinBase;
  ASSERT_LE(c0 + gemm_c_bytes(p), got.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    if (out_int8)
      ASSERT_EQ(int8_t(got.final_dram[c0 + i]),
                act_requant(ref[i], p.bias, p.scale, p.shift, p.relu))
          << "C element " << i;
    else
      ASSERT_EQ(le32(got.final_dram, c0 + 4 * i), ref[i]) << "C element " << i;
  }
}

void mlp(const char* config, uint32_t latency) {
  CoreCase k;
  k.cfg = test::cfg(config);
  k.latency = latency;
  std::mt19937_64 rng(test::test_seed(33));
  MlpParams p;
  p.b = 6;
  p.d0 = 2 * k.cfg.partitions + 3;
  p.d1 = k.cfg.partitions + 4;
  p.d2 = 5;
  p.hidden.shift = 8;
  const std::vector<int8_t> x = random_i8(size_t(p.b) * p.d0, rng);
  const std::vector<int8_t> w1 = random_i8(size_t(p.d0) * p.d1, rng);
  const std::vector<int8_t> w2 = random_i8(size_t(p.d1) * p.d2, rng);
  p.x_addr = kDataAddr;
  p.w1_addr = p.x_addr + x.size() + 64;
  p.w2_addr = p.w1_addr + w1.size() + 64;
  p.y_addr = p.w2_addr + w2.size() + 64;
  const MlpProgram g = mlp_program(k.cfg, p);
  k.program = g.program;
  k.dram_init = {{p.x_addr, bytes_of(x)}, {p.w1_addr, bytes_of(w1)}, {p.w2_addr, bytes_of(w2)}};
  k.data_end = g.y_addr + g.y_bytes + 64;
  const CorePrediction got = run_both(k);
  expect_full_run(got);
  const std::vector<int32_t> ref =
      reference_mlp(x, w1, w2, p.b, p.d0, p.d1, p.d2, std::vector<int32_t>(p.d1, 0),
                    std::vector<int32_t>(p.d1, 1), p.hidden.shift, p.hidden.relu);
  const uint64_t y0 = g.y_addr - kWinBase;
  ASSERT_LE(y0 + 4 * ref.size(), got.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(got.final_dram, y0 + 4 * i), ref[i]) << "Y element " << i;
}

void conv2d(const char* config, uint32_t latency) {
  CoreCase k;
  k.cfg = test::cfg(config);
  k.latency = latency;
  std::mt19937_64 rng(test::test_seed(35));
  Conv2dParams p;
  p.n = 1;
  p.h = 7;
  p.w = 6;
  p.c = k.cfg.partitions + 1;
  p.kh = p.kw = 3;
  p.co = k.cfg.partitions + 3;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  const std::vector<int8_t> in = random_i8(size_t(p.n) * p.h * p.w * p.c, rng);
  const std::vector<int8_t> w = random_i8(size_t(p.kh) * p.kw * p.c * p.co, rng);
  p.in_addr = kDataAddr;
  p.w_addr = p.in_addr + in.size() + 64;
  p.zero_addr = p.w_addr + w.size() + 64;
  p.out_addr = p.zero_addr + conv2d_zero_bytes(k.cfg) + 64;
  const Conv2dProgram g = conv2d_program(k.cfg, p);
  k.program = g.program;
  k.dram_init = {{p.in_addr, bytes_of(in)}, {p.w_addr, bytes_of(w)}};
  k.data_end = g.out_addr + g.out_bytes + 64;
  const CorePrediction got = run_both(k);
  expect_full_run(got);
  RefConv2d rs;
  rs.n = p.n, rs.h = p.h, rs.w = p.w, rs.c = p.c, rs.kh = p.kh, rs.kw = p.kw, rs.co = p.co;
  rs.stride_h = p.stride_h, rs.stride_w = p.stride_w;
  rs.pad_top = p.pad_top, rs.pad_bottom = p.pad_bottom, rs.pad_left = p.pad_left,
  rs.pad_right = p.pad_right;
  const std::vector<int32_t> ref = reference_conv2d(in, w, rs);
  const uint64_t o0 = g.out_addr - kWinBase;
  ASSERT_LE(o0 + 4 * ref.size(), got.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(got.final_dram, o0 + 4 * i), ref[i]) << "output element " << i;
}

TEST(ScCoreModel, GemmTiny) {
  SKIP_IF_USED();
  gemm("tiny", 20, 1.0, false);
}

TEST(ScCoreModel, GemmSmallInt8Backpressure) {
  SKIP_IF_USED();
  gemm("small", 100, 0.7, true);
}

TEST(ScCoreModel, MlpTiny) {
  SKIP_IF_USED();
  mlp("tiny", 40);
}

TEST(ScCoreModel, MlpSmall) {
  SKIP_IF_USED();
  mlp("small", 100);
}

TEST(ScCoreModel, Conv2dTiny) {
  SKIP_IF_USED();
  conv2d("tiny", 60);
}

TEST(ScCoreModel, Conv2dSmall) {
  SKIP_IF_USED();
  conv2d("small", 20);
}

// The DMA and the ACT engine write the SBUF in the same cycles (different
// bytes of the same partitions): the DMA's word takes the partition's write
// port first and the ACT engine stalls, so the order of the two inside a
// cycle shows in the ACT's write cycles.
TEST(ScCoreModel, DmaAndActShareSbufWritePorts) {
  SKIP_IF_USED();
  CoreCase k;
  k.cfg = test::cfg("small");
  k.latency = 20;
  std::mt19937_64 rng(test::test_seed(37));
  k.program = assemble(
      fmt::format("dma.load q=0 dram=0x{:x} row_stride=512 rows=8 row_bytes=512 part=0 sbuf=0\n"
                  "act.copy bank=0 m=8 f=64 dst=0x800\n"
                  "act.copy bank=1 m=8 f=64 dst=0x900\n"
                  "act.copy bank=2 m=8 f=64 dst=0xa00\n"
                  "act.copy bank=3 m=8 f=64 dst=0xb00\n"
                  "end\n",
                  kDataAddr));
  k.dram_init = {{kDataAddr, bytes_of(random_i8(8 * 512, rng))}};
  k.data_end = kDataAddr + 0x2000;
  const CorePrediction got = run_both(k);
  EXPECT_TRUE(got.done);
  EXPECT_EQ(count(got, Channel::kSbufWrite), 8u * 512 / k.cfg.sbuf_word_bytes);
  EXPECT_EQ(count(got, Channel::kActWrite), 4u * 8 * 256 / k.cfg.sbuf_word_bytes);
  // The two overlap in time.
  uint64_t dma_first = UINT64_MAX, act_last = 0;
  for (const Txn& t : got.txns) {
    if (t.channel == Channel::kSbufWrite) dma_first = std::min(dma_first, t.cycle);
    if (t.channel == Channel::kActWrite) act_last = std::max(act_last, t.cycle);
  }
  EXPECT_LT(dma_first, act_last);
}

// A DMA outside the window: DRAM_WINDOW at its index, after a load in the
// other queue that is still in flight drains.
TEST(ScCoreModel, DmaOutsideWindowError) {
  SKIP_IF_USED();
  CoreCase k;
  k.cfg = test::cfg("small");
  k.latency = 50;
  k.program = assemble(fmt::format(
      "dma.load q=1 dram=0x{:x} row_stride=8 rows=2 row_bytes=8 part=0 sbuf=0 signal=s0\n"
      "nop\n"
      "dma.load q=0 dram=0x{:x} row_stride=8 rows=1 row_bytes=8 part=0 sbuf=0\n"
      "end\n",
      kDataAddr, kWinBase + 0x20000));
  k.dram_init = {{kDataAddr, std::vector<uint8_t>(16, 0x5a)}};
  k.data_end = kDataAddr + 0x1000;
  const CorePrediction got = run_both(k);
  EXPECT_TRUE(got.error);
  EXPECT_FALSE(got.done);
  EXPECT_EQ(got.error_code, uint32_t(CoreError::kDramWindow));
  EXPECT_EQ(got.error_index, 2u);
  EXPECT_GT(count(got, Channel::kSbufWrite), 0u);  // the first load still ran
}

// An AXI SLVERR on a load's second burst: AXI_SLVERR at its index, the
// other queue's store still drains.
TEST(ScCoreModel, AxiSlvErrOnLoad) {
  SKIP_IF_USED();
  CoreCase k;
  k.cfg = test::cfg("tiny");
  k.latency = 30;
  k.program = assemble(fmt::format(
      "dma.store q=1 dram=0x{:x} row_stride=16 rows=4 row_bytes=16 part=0 sbuf=0x100\n"
      "dma.load q=0 dram=0x{:x} row_stride=64 rows=4 row_bytes=64 part=0 sbuf=0 signal=s0\n"
      "sync engine=seq wait=s0>=1\n"
      "end\n",
      kDataAddr + 0x800, kDataAddr));
  k.dram_init = {{kDataAddr, std::vector<uint8_t>(256, 0x3c)}};
  k.dram_errors = {{kDataAddr + 64, kDataAddr + 128, uint8_t(kAxiSlvErr), true, false}};
  k.data_end = kDataAddr + 0x1000;
  const CorePrediction got = run_both(k);
  EXPECT_TRUE(got.error);
  EXPECT_EQ(got.error_code, uint32_t(CoreError::kAxiSlvErr));
  EXPECT_EQ(got.error_index, 1u);
  EXPECT_GT(count(got, Channel::kDramWrite), 0u);  // the store ran
}

// A deadlock the watchdog reports: SEM_TIMEOUT at the waiting instruction.
TEST(ScCoreModel, SemaphoreTimeoutError) {
  SKIP_IF_USED();
  CoreCase k;
  k.cfg = test::cfg("tiny");
  k.watchdog = 300;
  k.program =
      assemble("sync engine=pe wait=s0>=1 signal=s1\nsync engine=act wait=s1>=1 signal=s0\nend\n");
  k.data_end = kDataAddr + 0x1000;
  const CorePrediction got = run_both(k);
  EXPECT_TRUE(got.error);
  EXPECT_EQ(got.error_code, uint32_t(CoreError::kSemTimeout));
  EXPECT_EQ(got.error_index, 0u);
}

TEST(ScCoreModel, MissingMemoryThrowsWithoutUsingTheRun) {
  SKIP_IF_USED();
  CoreModelRun r;
  EXPECT_THROW(run_systemc_core_model(test::cfg("tiny"), r), std::invalid_argument);
  EXPECT_FALSE(systemc_core_model_used());
}

TEST(ScCoreModel, SecondRunThrowsLogicError) {
  SKIP_IF_USED();
  CoreCase k;
  k.cfg = test::cfg("tiny");
  k.program = assemble("nop\nend\n");
  k.data_end = kDataAddr + 0x100;
  const Memories m = memories(k);
  const CoreModelRun r = model_run(k, m);
  const CorePrediction first = run_systemc_core_model(k.cfg, r);
  EXPECT_TRUE(first.done);
  EXPECT_TRUE(systemc_core_model_used());
  EXPECT_THROW(run_systemc_core_model(k.cfg, r), std::logic_error);
}

}  // namespace
}  // namespace loom

// Our own main(): libsystemc.so also defines main() (calling sc_main).
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
