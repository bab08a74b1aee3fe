// The functional program executor (loom/program_exec.h) and the GEMM kernel
// generator (loom/kernels.h): GEMM programs executed and compared with
// reference_matmul, assembly round trips, semaphore balance, and the
// executor's error cases (docs/model.md, docs/kernels.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "kernel_test_util.h"
#include "loom/asm.h"
#include "loom/kernels.h"
#include "loom/program_exec.h"
#include "loom/reference.h"
#include "test_util.h"

namespace loom {
namespace {

using test::cfg;
using test::test_seed;

constexpr uint64_t kBase = 0x80000000;  // DRAM window base

struct GemmCase {
  GemmParams p;
  std::vector<int8_t> a, b;  // A [M x K] row-major, B [K x N]
  std::vector<uint8_t> dram;
};

// A, B (and A^T if a_transposed) in a DRAM window, C after them; the C
// region and a guard after it filled with 0xcd.
GemmCase make_case(GemmParams p, std::mt19937_64& rng) {
  GemmCase c;
  std::uniform_int_distribution<int> d(-128, 127);
  c.a.resize(size_t(p.m) * p.k);
  c.b.resize(size_t(p.k) * p.n);
  for (auto& x : c.a) x = int8_t(d(rng));
  for (auto& x : c.b) x = int8_t(d(rng));
  p.a_addr = kBase + 0x40;
  p.b_addr = p.a_addr + c.a.size() + 13;  // odd offsets: nothing relies on alignment
  p.c_addr = p.b_addr + c.b.size() + 7;
  const uint64_t end = p.c_addr + gemm_c_bytes(p) + 64;
  c.dram.assign(end - kBase, 0x5a);
  for (size_t i = 0; i < c.a.size(); ++i) {
    if (p.a_transposed) {
      const size_t m = i / p.k, k = i % p.k;
      c.dram[p.a_addr - kBase + k * p.m + m] = uint8_t(c.a[i]);
    } else {
      c.dram[p.a_addr - kBase + i] = uint8_t(c.a[i]);
    }
  }
  for (size_t i = 0; i < c.b.size(); ++i) c.dram[p.b_addr - kBase + i] = uint8_t(c.b[i]);
  std::fill(c.dram.begin() + (p.c_addr - kBase), c.dram.end(), 0xcd);
  c.p = p;
  return c;
}

// The largest wait threshold on every semaphore.
std::vector<uint32_t> max_waits(const std::vector<Instr>& prog, uint32_t sems) {
  std::vector<uint32_t> w(sems, 0);
  for (const Instr& i : prog)
    if (i.sem.has_wait()) w[i.sem.wait_sem] = std::max(w[i.sem.wait_sem], i.sem.wait_val);
  return w;
}

std::string shape(const Config& c, const GemmParams& p) {
  return fmt::format("{} M={} K={} N={} a_transposed={} out_int8={} reuse_b={} prefetch={}", c.name,
                     p.m, p.k, p.n, p.a_transposed, p.out_int8, p.reuse_b, p.prefetch);
}

// Generates, executes and checks one GEMM.
void check_gemm(const Config& c, GemmParams p, std::mt19937_64& rng) {
  SCOPED_TRACE(shape(c, p));
  GemmCase gc = make_case(p, rng);
  p = gc.p;
  const GemmProgram g = gemm_program(c, p);
  const ExecResult r = execute_program(c, g.program, gc.dram, kBase);
  ASSERT_TRUE(r.ok()) << r.message;

  // C against the reference computed outside the model.
  const std::vector<int32_t> ref = reference_matmul(gc.a, gc.b, p.m, p.k, p.n);
  const uint64_t c0 = p.c_addr - kBase;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (p.out_int8) {
      const int8_t want = act_requant(ref[i], p.bias, p.scale, p.shift, p.relu);
      ASSERT_EQ(int8_t(r.dram[c0 + i]), want) << "C[" << i / p.n << "][" << i % p.n << "]";
    } else {
      const uint8_t* q = &r.dram[c0 + 4 * i];
      const int32_t got = int32_t(uint32_t(q[0]) | uint32_t(q[1]) << 8 | uint32_t(q[2]) << 16 |
                                  uint32_t(q[3]) << 24);
      ASSERT_EQ(got, ref[i]) << "C[" << i / p.n << "][" << i % p.n << "]";
    }
  }
  // Nothing else in DRAM changed: A, B, the gaps and the guard after C.
  for (size_t i = 0; i < gc.dram.size(); ++i)
    if (i < c0 || i >= c0 + gemm_c_bytes(p)) {
      ASSERT_EQ(r.dram[i], gc.dram[i]) << "DRAM byte " << i;
    }

  // Semaphores balanced: each ends at the generator's count, which is also
  // the largest wait on it (every signal is awaited by someone, in
  // particular END waits for the last store).
  EXPECT_EQ(r.sems, g.final_sems);
  EXPECT_EQ(r.sems, max_waits(g.program, p.semaphores));

  // Every wait looks back, so the default order is program order.
  EXPECT_TRUE(std::is_sorted(r.order.begin(), r.order.end()));

  // Race-free: the other interleavings give the same memories and counters.
  // Orders: highest index first; each queue starved (lowest and highest
  // index first); two random ones.
  for (uint64_t i = 0; i < 1 + 2 * kExecQueues + 2; ++i) {
    ExecOptions opt;
    opt.semaphores = p.semaphores;
    if (i == 0) {
      opt.order = ExecOrder::kHighestIndex;
    } else if (i <= 2 * kExecQueues) {
      opt.order = i % 2 ? ExecOrder::kLowestIndex : ExecOrder::kHighestIndex;
      opt.queue_rank[(i - 1) / 2] = 1;
    } else {
      opt.order = ExecOrder::kRandom;
      opt.seed = rng();
    }
    const ExecResult o = execute_program(c, g.program, gc.dram, kBase, opt);
    SCOPED_TRACE(fmt::format("order {} seed {} starved {}", int(opt.order), opt.seed, (i - 1) / 2));
    ASSERT_TRUE(o.ok()) << o.message;
    ASSERT_TRUE(o.dram == r.dram) << "order " << int(opt.order) << " seed " << opt.seed;
    ASSERT_TRUE(o.core.image().sbuf == r.core.image().sbuf)
        << "order " << int(opt.order) << " seed " << opt.seed;
    ASSERT_TRUE(o.core.image().psum == r.core.image().psum)
        << "order " << int(opt.order) << " seed " << opt.seed;
    ASSERT_EQ(o.sems, r.sems);
  }

  // Statistics.
  EXPECT_EQ(r.macs, uint64_t(p.m) * p.k * p.n);
  EXPECT_EQ(r.executed, g.program.size());
  const uint64_t T = uint64_t(g.tiles_m) * g.tiles_k * g.tiles_n,
                 U = uint64_t(g.tiles_m) * g.tiles_n;
  // A tiles every step; B tiles every step, or once per panel when resident.
  const uint64_t b_tiles = g.b_resident ? uint64_t(g.tiles_n) * g.tiles_k : T;
  EXPECT_EQ(g.operand_loads, T + b_tiles);
  EXPECT_EQ(r.instrs[uint32_t(ExecQueue::kDma0)], T + b_tiles);
  EXPECT_EQ(r.instrs[uint32_t(ExecQueue::kDma1)], U);
  EXPECT_EQ(r.dma_load_bytes,
            uint64_t(g.tiles_n) * p.m * p.k + (g.b_resident ? 1 : uint64_t(g.tiles_m)) * p.k * p.n);
  EXPECT_EQ(g.b_resident && !p.reuse_b, false);
  EXPECT_EQ(r.dma_store_bytes, gemm_c_bytes(p));
  EXPECT_LE(g.sbuf_used, c.sbuf_bytes);

  // Assembly round trip: text -> assemble (with the configuration's checks)
  // gives the same program and the same bytes.
  const std::string text = disassemble(g.program);
  const std::vector<Instr> back = assemble(text, c, p.semaphores);
  ASSERT_EQ(back.size(), g.program.size());
  for (size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], g.program[i]) << "instruction " << i;
  EXPECT_EQ(encode_program(back), encode_program(g.program));
  EXPECT_EQ(decode_program(encode_program(g.program)), g.program);
}

TEST(GemmKernel, EdgeShapesAllConfigs) {
  std::mt19937_64 rng(test_seed(0x6e6d));
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    const uint32_t P = c.partitions;
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> shapes = {
        {1, 1, 1},
        {P, P, P},
        {P - 1, P + 1, 3},
        {P + 1, P - 1, 1},
        {1, 2 * P + 1, 1},
        {2 * P, 3 * P, 2},
        {3, 1, c.psum_entries + 1},
        {P, P, c.psum_entries},
        {2 * P + 3, 2 * P + 5, 2 * c.psum_entries + 7}};
    for (auto [m, k, n] : shapes)
      for (bool at : {false, true})
        for (bool reuse : {true, false})
          for (uint32_t depth : {2u, 4u}) {
            GemmParams p;
            p.m = m;
            p.k = k;
            p.n = n;
            p.a_transposed = at;
            p.reuse_b = reuse;
            p.prefetch = depth;
            check_gemm(c, p, rng);
            if (HasFatalFailure()) return;
          }
  }
}

TEST(GemmKernel, RandomShapesUpTo64) {
  std::mt19937_64 rng(test_seed(0x9e33));
  std::uniform_int_distribution<uint32_t> dim(1, 64);
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    for (int i = 0; i < 25; ++i) {
      GemmParams p;
      p.m = dim(rng);
      p.k = dim(rng);
      p.n = dim(rng);
      p.a_transposed = rng() & 1;
      p.reuse_b = rng() % 4 != 0;
      p.prefetch = 2 + uint32_t(rng() % 3);
      check_gemm(c, p, rng);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(GemmKernel, Int8Output) {
  std::mt19937_64 rng(test_seed(0x1807));
  std::uniform_int_distribution<uint32_t> dim(1, 40);
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    for (int i = 0; i < 10; ++i) {
      GemmParams p;
      p.m = dim(rng);
      p.k = dim(rng);
      p.n = dim(rng);
      p.a_transposed = rng() & 1;
      p.out_int8 = true;
      p.bias = int32_t(rng() % 2001) - 1000;
      p.scale = int32_t(rng() % 65536) - 32768;
      p.shift = 10 + uint32_t(rng() % 12);
      p.relu = rng() & 1;
      check_gemm(c, p, rng);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(GemmKernel, Tiling) {
  const Config c = cfg("small");
  GemmParams p;
  p.m = 17;
  p.k = 9;
  p.n = 130;
  const GemmProgram g = gemm_program(c, p);
  EXPECT_EQ(g.tile_m, 8u);
  EXPECT_EQ(g.tile_k, 8u);
  EXPECT_EQ(g.tile_n, 64u);
  EXPECT_EQ(g.tiles_m, 3u);
  EXPECT_EQ(g.tiles_k, 2u);
  EXPECT_EQ(g.tiles_n, 3u);
  // B resident: one panel of tiles_k = 2 B tiles (64 bytes each).
  EXPECT_TRUE(g.b_resident);
  EXPECT_EQ(g.panels, 1u);
  EXPECT_EQ(g.sbuf_b[0], g.sbuf_b[1]);
  EXPECT_EQ(g.operand_loads, 3u * 3 * 2 + 3 * 2);
  GemmParams q = p;
  q.reuse_b = false;
  const GemmProgram g2 = gemm_program(c, q);
  EXPECT_FALSE(g2.b_resident);
  EXPECT_EQ(g2.operand_loads, 2u * 3 * 3 * 2);
  // Buffers do not overlap and start on SBUF words.
  for (const GemmProgram* x : {&g, &g2}) {
    std::vector<std::pair<uint32_t, uint32_t>> bufs = {{x->sbuf_a[0], x->tile_m},
                                                       {x->sbuf_a[1], x->tile_m},
                                                       {x->sbuf_c[0], 4 * x->tile_n},
                                                       {x->sbuf_c[1], 4 * x->tile_n}};
    if (x->b_resident) {
      bufs.push_back({x->sbuf_b[0], x->tiles_k * x->tile_n});
    } else {
      bufs.push_back({x->sbuf_b[0], x->tile_n});
      bufs.push_back({x->sbuf_b[1], x->tile_n});
    }
    std::sort(bufs.begin(), bufs.end());
    for (size_t i = 0; i < bufs.size(); ++i) {
      EXPECT_EQ(bufs[i].first % c.sbuf_word_bytes, 0u);
      if (i + 1 < bufs.size()) {
        EXPECT_LE(bufs[i].first + bufs[i].second, bufs[i + 1].first);
      }
    }
    EXPECT_EQ(x->sbuf_used, bufs.back().first + 4 * x->tile_n);  // C1 last
  }
  // Every wait is on signals of earlier instructions (so in-order dispatch
  // with finite queues cannot deadlock): the signals before instruction i
  // reach its wait threshold.
  std::vector<uint32_t> s(p.semaphores, 0);
  for (size_t i = 0; i < g.program.size(); ++i) {
    const Instr& in = g.program[i];
    if (in.sem.has_wait()) {
      EXPECT_GE(s[in.sem.wait_sem], in.sem.wait_val) << "instruction " << i;
    }
    if (in.sem.has_signal()) s[in.sem.sig_sem] += in.sem.sig_inc;
  }
  // SBUF use at the largest tiles (docs/kernels.md), B reloaded and resident.
  for (auto [name, bytes, resident] :
       {std::tuple{"tiny", 176u, 656u}, {"small", 656u, 1552u}, {"medium", 1408u, 2176u}}) {
    GemmParams big;
    big.m = big.k = big.n = 128;
    EXPECT_EQ(gemm_program(cfg(name), big).sbuf_used, resident) << name;
    big.reuse_b = false;
    EXPECT_EQ(gemm_program(cfg(name), big).sbuf_used, bytes) << name;
  }
  // 512^3 at P = 4: 128 * 128 * 32 A loads alone exceed the 16-bit counter.
  GemmParams huge;
  huge.m = huge.k = huge.n = 512;
  EXPECT_THROW(gemm_program(cfg("tiny"), huge), std::invalid_argument);
  EXPECT_THROW(gemm_program(c, GemmParams{0, 1, 1}), std::invalid_argument);
  GemmParams few;
  few.semaphores = 3;
  EXPECT_THROW(gemm_program(c, few), std::invalid_argument);
  for (uint32_t depth : {0u, 1u, kGemmMaxPrefetch + 1}) {
    GemmParams bad;
    bad.prefetch = depth;
    EXPECT_THROW(gemm_program(c, bad), std::invalid_argument) << depth;
  }
}

TEST(GemmKernel, PrefetchBuffers) {
  // prefetch = 4: four A buffers (and four B buffers when B is reloaded),
  // loads issued 3 steps ahead: the first A load that waits is step 4's,
  // for MM 0 (s1 >= 1).
  const Config c = cfg("small");
  for (bool reuse : {true, false}) {
    GemmParams p;
    p.m = 20;
    p.k = 30;
    p.n = 100;
    p.prefetch = 4;
    p.reuse_b = reuse;
    const GemmProgram g = gemm_program(c, p);
    EXPECT_EQ(g.buffers, 4u);
    EXPECT_EQ(g.b_resident, reuse);
    if (reuse) {
      EXPECT_EQ(g.panels, 1u);  // tiles_k = 4 >= 4
    }
    std::vector<std::pair<uint32_t, uint32_t>> bufs = {{g.sbuf_c[0], 4 * g.tile_n},
                                                       {g.sbuf_c[1], 4 * g.tile_n}};
    for (uint32_t i = 0; i < 4; ++i) bufs.push_back({g.sbuf_a[i], g.tile_m});
    if (reuse) {
      bufs.push_back({g.sbuf_b[0], g.tiles_k * g.tile_n});
    } else {
      for (uint32_t i = 0; i < 4; ++i) bufs.push_back({g.sbuf_b[i], g.tile_n});
    }
    std::sort(bufs.begin(), bufs.end());
    for (size_t i = 0; i + 1 < bufs.size(); ++i) {
      EXPECT_EQ(bufs[i].first % c.sbuf_word_bytes, 0u);
      EXPECT_LE(bufs[i].first + bufs[i].second, bufs[i + 1].first);
    }
    EXPECT_EQ(g.sbuf_used, bufs.back().first + bufs.back().second);
    // The loads of steps 0..3 come before the first LDW (step t's loads are
    // emitted with step t - 3).
    size_t loads_before = 0;
    for (const Instr& i : g.program) {
      if (std::holds_alternative<Instr::Pe>(i.op)) break;
      ++loads_before;
    }
    EXPECT_EQ(loads_before, 8u);  // A and B of steps 0..3 (all in M tile 0)
    uint32_t first_wait = 0;
    for (const Instr& i : g.program)
      if (std::holds_alternative<Instr::Dma>(i.op) && i.sem.has_wait() && i.sem.wait_sem == 1) {
        first_wait = i.sem.wait_val;
        break;
      }
    EXPECT_EQ(first_wait, 1u);
  }
  // tiles_k = 1 < prefetch 3: two panels, resident when tiles_k (tiles_m + 1) >= 3.
  GemmParams two;
  two.m = 20;
  two.k = 5;
  two.n = 100;
  two.prefetch = 3;
  const GemmProgram g2 = gemm_program(c, two);
  EXPECT_TRUE(g2.b_resident);
  EXPECT_EQ(g2.panels, 2u);
  two.m = 3;  // tiles_m = 1: 1 x 2 < 3, B reloaded
  EXPECT_FALSE(gemm_program(c, two).b_resident);
}

TEST(GemmKernel, EveryWaitIsNeeded) {
  // 3 x 3 x 2 tiles on tiny (6 output tiles > 2 PSUM banks + 2 C buffers):
  // dropping any kind of wait breaks the result under some interleaving or
  // deadlocks, with B reloaded and with B resident.
  std::mt19937_64 rng(test_seed(0x6d07));
  const Config c = cfg("tiny");
  for (auto [reuse, depth] : {std::pair{true, 2u}, {false, 2u}, {true, 3u}, {false, 3u}}) {
    GemmParams p;
    p.m = 9;
    p.k = 10;
    p.n = 20;
    p.a_transposed = true;
    p.reuse_b = reuse;
    p.prefetch = depth;
    check_gemm(c, p, rng);  // the program is right for this shape
    if (HasFatalFailure()) return;
    GemmCase gc = make_case(p, rng);
    const GemmProgram g = gemm_program(c, gc.p);
    EXPECT_EQ(g.b_resident, reuse);
    const ExecResult r = execute_program(c, g.program, gc.dram, kBase);
    ASSERT_TRUE(r.ok()) << r.message;
    const std::vector<std::string> kinds =
        test::check_waits_needed(c, g.program, gc.dram, p.semaphores, r.dram, rng);
    EXPECT_EQ(kinds.size(), 7u);  // all but the per-channel records
  }
}

TEST(GemmKernel, OperandReuse256AtP8) {
  // The issue-4 target shape: 256 x 256 x 256 at P = 8 (small), A^T in
  // DRAM. Operand bytes DMA'd, counted from the descriptors
  // (docs/kernels.md "Operand reuse").
  GemmParams p;
  p.m = p.k = p.n = 256;
  p.a_transposed = true;
  auto load_bytes = [](const GemmProgram& g) {
    uint64_t b = 0;
    for (const Instr& i : g.program)
      if (const auto* d = std::get_if<Instr::Dma>(&i.op))
        if (!d->desc.is_store()) b += d->desc.total_bytes();
    return b;
  };
  const GemmProgram g = gemm_program(cfg("small"), p);
  EXPECT_TRUE(g.b_resident);
  EXPECT_EQ(g.tile_n, 64u);
  EXPECT_EQ(load_bytes(g), 4u * 65536 + 65536);  // A once per N tile, B once
  p.reuse_b = false;
  const GemmProgram old = gemm_program(cfg("small"), p);
  EXPECT_EQ(load_bytes(old), 4u * 65536 + 32u * 65536);  // B once per M tile
  EXPECT_EQ(g.macs, 256u * 256 * 256);
  // 0.0195 vs 0.1406 bytes per MAC.
  EXPECT_LT(double(load_bytes(g)) / double(g.macs), 0.02);
  EXPECT_GT(double(load_bytes(old)) / double(old.macs), 0.14);
}

// --- Executor ----------------------------------------------------------------

std::vector<Instr> asm_prog(const std::string& text) { return assemble(text); }

ExecResult run(const std::string& text, size_t dram_bytes = 4096, const Config& c = cfg("small")) {
  return execute_program(c, asm_prog(text), std::vector<uint8_t>(dram_bytes, 0), kBase);
}

TEST(ProgramExec, EmptyWaitAndSignalOrder) {
  const ExecResult r = run(R"(
    sync engine=seq signal=s1+3
    sync engine=pe wait=s1>=3 signal=s2
    sync engine=act wait=s2>=1 signal=s2
    end wait=s2>=2
  )");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.sems[1], 3u);
  EXPECT_EQ(r.sems[2], 2u);
  EXPECT_EQ(r.instrs[uint32_t(ExecQueue::kSeq)], 2u);
  EXPECT_EQ(r.instrs[uint32_t(ExecQueue::kPe)], 1u);
  EXPECT_EQ(r.instrs[uint32_t(ExecQueue::kAct)], 1u);
}

TEST(ProgramExec, LowestIndexFirst) {
  // Instruction 1 waits for instruction 3 (a later one in another queue):
  // the executor dispatches on, runs 3, then 1.
  const ExecResult r = run(R"(
    nop
    sync engine=pe wait=s0>=1 signal=s1
    sync engine=pe signal=s2
    sync engine=act signal=s0
    end wait=s2>=1
  )");
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.order, (std::vector<uint32_t>{0, 3, 1, 2, 4}));
}

TEST(ProgramExec, OtherOrders) {
  const std::string text = R"(
    nop
    sync engine=pe wait=s0>=1 signal=s1
    sync engine=pe signal=s2
    sync engine=act signal=s0
    end wait=s2>=1
  )";
  ExecOptions opt;
  opt.order = ExecOrder::kHighestIndex;
  ExecResult r = execute_program(cfg("small"), asm_prog(text), {}, kBase, opt);
  ASSERT_TRUE(r.ok()) << r.message;
  // Dispatch first (0 by the sequencer, 1..3 into queues), END waits for s2.
  EXPECT_EQ(r.order, (std::vector<uint32_t>{0, 3, 1, 2, 4}));
  opt.order = ExecOrder::kRandom;
  for (opt.seed = 0; opt.seed < 20; ++opt.seed) {
    r = execute_program(cfg("small"), asm_prog(text), {}, kBase, opt);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.sems[0] + r.sems[1] + r.sems[2], 3u);
  }
}

TEST(ProgramExec, DmaLoadActStore) {
  // The example of docs/isa.md "Assembly" on `small`, DRAM at kBase.
  const Config c = cfg("small");
  std::vector<uint8_t> dram(0x40000, 0);
  std::mt19937_64 rng(test_seed(0x51));
  for (auto& x : dram) x = uint8_t(rng());
  const std::string text = fmt::format(R"(
    dma.load q=0 dram={:#x} row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
    dma.load q=1 dram={:#x} row_stride=8 rows=8 row_bytes=8 part=0 sbuf=0x200 signal=s0
    ldw sbuf=0x200 k=8 m=8 wait=s0>=2
    mm sbuf=0 f=64 bank=0 signal=s1
    act.requant bank=0 m=8 f=64 dst=0x400 bias=-3 scale=0x7fff shift=15 relu=1 wait=s1>=1 signal=s2
    dma.store q=0 dram={:#x} row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0x400 wait=s2>=1 signal=s3
    end wait=s3>=1
  )",
                                       kBase + 0x10000, kBase + 0x20000, kBase + 0x30000);
  const ExecResult r = execute_program(c, asm_prog(text), dram, kBase);
  ASSERT_TRUE(r.ok()) << r.message;
  // out[m][f] = requant(sum_k W[k][m] X[k][f]), W[k][m] = B[k][m] (8x8 at
  // 0x20000), X[k][f] at 0x10000.
  for (uint32_t m = 0; m < 8; ++m)
    for (uint32_t f = 0; f < 64; ++f) {
      uint32_t s = 0;
      for (uint32_t k = 0; k < 8; ++k)
        s += uint32_t(int32_t(int8_t(dram[0x20000 + 8 * k + m])) *
                      int32_t(int8_t(dram[0x10000 + 64 * k + f])));
      const int8_t want = act_requant(int32_t(s), -3, 0x7fff, 15, true);
      ASSERT_EQ(int8_t(r.dram[0x30000 + 64 * m + f]), want) << m << "," << f;
    }
  EXPECT_EQ(r.macs, 8u * 8 * 64);
  EXPECT_EQ(r.dma_load_bytes, 512u + 64);
  EXPECT_EQ(r.dma_store_bytes, 512u);
}

TEST(ProgramExec, ActFromSbufWithSbufBiasScale) {
  // act.copy of PSUM into SBUF, then act.requant from SBUF with per-partition
  // bias / scale records loaded by DMA.
  const Config c = cfg("tiny");
  std::vector<uint8_t> dram(256, 0);
  // X: 4 partitions x 2 bytes at 0; W 4 x 4 identity at 16; records at 64.
  for (int k = 0; k < 4; ++k) {
    dram[2 * k] = uint8_t(10 * (k + 1));
    dram[2 * k + 1] = uint8_t(-5 * (k + 1));
    dram[16 + 4 * k + k] = 1;
    const int32_t bias = 100 * k - 150;
    const int16_t scale = int16_t(3 - 2 * k);
    for (int b = 0; b < 4; ++b) dram[64 + 8 * k + b] = uint8_t(uint32_t(bias) >> (8 * b));
    dram[64 + 8 * k + 4] = uint8_t(scale);
    dram[64 + 8 * k + 5] = uint8_t(uint16_t(scale) >> 8);
  }
  const std::string text = fmt::format(R"(
    dma.load q=0 dram={:#x} row_stride=2 rows=4 row_bytes=2 part=0 sbuf=0 signal=s0
    dma.load q=0 dram={:#x} row_stride=4 rows=4 row_bytes=4 part=0 sbuf=8 signal=s0
    dma.load q=1 dram={:#x} row_stride=8 rows=4 row_bytes=8 part=0 sbuf=16 signal=s0
    ldw sbuf=8 k=4 m=4 wait=s0>=3
    mm sbuf=0 f=2 bank=1 off=3 signal=s1
    act.copy bank=1 off=3 m=4 f=2 dst=32 wait=s1>=1 signal=s2
    act.requant src=32 part=1 m=3 f=2 dst=64 bs=16 shift=1 relu=0 wait=s2>=1 signal=s3
    end wait=s3>=1
  )",
                                       kBase, kBase + 16, kBase + 64);
  const ExecResult r = execute_program(c, asm_prog(text), dram, kBase);
  ASSERT_TRUE(r.ok()) << r.message;
  for (uint32_t p = 0; p < 4; ++p)
    for (uint32_t f = 0; f < 2; ++f) {
      const int32_t x = f == 0 ? 10 * int32_t(p + 1) : -5 * int32_t(p + 1);
      EXPECT_EQ(r.core.psum().value(p, 1, 3 + f), x);
      uint8_t b[4];
      r.core.sbuf().read(p, 32 + 4 * f, b, 4);
      EXPECT_EQ(int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
                        uint32_t(b[3]) << 24),
                x);
      if (p >= 1) {
        const int8_t want = act_requant(x, 100 * int32_t(p) - 150, 3 - 2 * int32_t(p), 1, false);
        EXPECT_EQ(int8_t(r.core.sbuf().byte(p, 64 + f)), want) << p << "," << f;
      } else {
        EXPECT_FALSE(r.core.sbuf().written(0, 64 + f));
      }
    }
}

TEST(ProgramExec, DeadlockIsSemTimeoutAtTheWaitingInstruction) {
  // A wait nobody signals enough: s0 reaches 1, the MM needs 2.
  ExecResult r = run(R"(
    sync engine=seq signal=s0
    ldw sbuf=0 k=8 m=8
    mm sbuf=0 f=8 bank=0 wait=s0>=2 signal=s1
    end wait=s1>=1
  )");
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.error, CoreError::kSemTimeout) << r.message;
  EXPECT_EQ(r.error_index, 2u) << r.message;
  // Two queues waiting for each other: PE (index 1) waits for ACT (index 2),
  // which waits for PE. The lowest-indexed waiting instruction is reported.
  r = run(R"(
    nop
    sync engine=pe wait=s1>=1 signal=s0
    sync engine=act wait=s0>=1 signal=s1
    end
  )");
  EXPECT_EQ(r.error, CoreError::kSemTimeout) << r.message;
  EXPECT_EQ(r.error_index, 1u) << r.message;
  // A SYNC on the sequencer that can never go: nothing after it dispatches.
  r = run(R"(
    sync engine=act signal=s3
    sync engine=seq wait=s3>=2
    end
  )");
  EXPECT_EQ(r.error, CoreError::kSemTimeout) << r.message;
  EXPECT_EQ(r.error_index, 1u) << r.message;
  EXPECT_EQ(r.sems[3], 1u);
  // END's own wait.
  r = run("sync engine=dma1 signal=s4\nend wait=s4>=2\n");
  EXPECT_EQ(r.error, CoreError::kSemTimeout) << r.message;
  EXPECT_EQ(r.error_index, 1u) << r.message;
}

TEST(ProgramExec, DramWindow) {
  // The window is [kBase, kBase + 4096): the second load's last row ends
  // one byte past it. Nothing of it is copied; the first load happened.
  std::vector<uint8_t> dram(4096, 0x11);
  const std::string text = fmt::format(R"(
    dma.load q=0 dram={:#x} row_stride=16 rows=2 row_bytes=16 part=0 sbuf=0
    dma.load q=1 dram={:#x} row_stride=16 rows=2 row_bytes=16 part=0 sbuf=64 signal=s0
    end wait=s0>=1
  )",
                                       kBase, kBase + 4096 - 31);
  const ExecResult r = execute_program(cfg("small"), asm_prog(text), dram, kBase);
  EXPECT_EQ(r.error, CoreError::kDramWindow) << r.message;
  EXPECT_EQ(r.error_index, 1u);
  EXPECT_EQ(r.core.sbuf().byte(1, 15), 0x11);
  EXPECT_FALSE(r.core.sbuf().written(0, 64));
  // Below the base, and a store.
  ExecResult r2 = run(fmt::format(
      "nop\ndma.store q=1 dram={:#x} row_stride=8 rows=1 row_bytes=8 part=0 sbuf=0\nend\n",
      kBase - 1));
  EXPECT_EQ(r2.error, CoreError::kDramWindow) << r2.message;
  EXPECT_EQ(r2.error_index, 1u);
}

TEST(ProgramExec, StaticErrors) {
  const Config c = cfg("small");
  auto one = [&](Instr bad, CoreError code) {
    std::vector<Instr> prog = {Instr::nop(), Instr::nop(), bad, Instr::end()};
    const ExecResult r = execute_program(c, prog, std::vector<uint8_t>(64, 0), kBase);
    EXPECT_EQ(r.error, code) << r.message;
    EXPECT_EQ(r.error_index, 2u) << r.message;
    EXPECT_EQ(r.executed, 2u);
  };
  one(Instr::pe(PeCmd::ldw(0, 9, 8)), CoreError::kIllegalField);           // K > P
  one(Instr::pe(PeCmd::mm(0, 0, 0, 0, false)), CoreError::kIllegalField);  // F = 0
  one(Instr::pe(PeCmd::mm(4090, 8, 0, 0, false)), CoreError::kSbufRange);
  one(Instr::pe(PeCmd::mm(0, 8, 4, 0, false)), CoreError::kPsumRange);  // bank 4 of 4
  one(Instr::pe(PeCmd::mm(0, 8, 0, 60, false)), CoreError::kPsumRange);
  one(Instr::sync(Engine::kPe).wait(16, 1), CoreError::kIllegalField);  // s16 of 16
  one(Instr::sync(Engine::kPe).signal(20), CoreError::kIllegalField);
  DmaDesc d;
  d.rows = 0;
  one(Instr::dma(0, d), CoreError::kIllegalField);
  d.rows = 9;
  one(Instr::dma(0, d), CoreError::kSbufRange);
  Instr::Act a;
  a.mode = ActMode::kCopy;
  a.f = 1;
  a.scale = 0;
  a.shift = 3;  // must be 0 in a copy
  one(Instr::act(a), CoreError::kReserved);
  Instr::Act big;
  big.scale = 40000;  // not int16
  one(Instr::act(big), CoreError::kIllegalField);
  // An error stops everything: the instruction after the bad one never runs
  // even if it could.
  std::vector<Instr> prog = {Instr::sync(Engine::kSeq).signal(0), Instr::pe(PeCmd::ldw(0, 0, 1)),
                             Instr::sync(Engine::kSeq).signal(0), Instr::end()};
  const ExecResult r = execute_program(c, prog, {}, kBase);
  EXPECT_EQ(r.error, CoreError::kIllegalField);
  EXPECT_EQ(r.error_index, 1u);
  EXPECT_EQ(r.sems[0], 1u);
}

TEST(ProgramExec, SemaphoreOverflow) {
  // 257 signals of 255 reach 65535 exactly; the 258th overflows.
  std::string text;
  for (int i = 0; i < 258; ++i) text += "sync engine=act signal=s7+255\n";
  text += "end\n";
  const ExecResult r = run(text);
  EXPECT_EQ(r.error, CoreError::kSemOverflow) << r.message;
  EXPECT_EQ(r.error_index, 257u);
  EXPECT_EQ(r.sems[7], 65535u);  // the counter never wraps
}

TEST(ProgramExec, ProgramOverrun) {
  ExecResult r = run("nop\nsync engine=pe signal=s0\n");
  EXPECT_EQ(r.error, CoreError::kProgramOverrun) << r.message;
  EXPECT_EQ(r.error_index, 2u);
  EXPECT_EQ(r.sems[0], 1u);
  r = execute_program(cfg("small"), {}, {}, kBase);
  EXPECT_EQ(r.error, CoreError::kProgramOverrun);
  EXPECT_EQ(r.error_index, 0u);
}

TEST(ProgramExec, BinaryProgram) {
  const Config c = cfg("small");
  std::mt19937_64 rng(test_seed(0xb1));
  GemmParams gp;
  gp.m = 11;
  gp.k = 19;
  gp.n = 70;
  GemmCase gc = make_case(gp, rng);
  const GemmProgram g = gemm_program(c, gc.p);
  const ExecResult a = execute_program(c, g.program, gc.dram, kBase);
  const ExecResult b = execute_binary(c, encode_program(g.program), gc.dram, kBase);
  ASSERT_TRUE(a.ok()) << a.message;
  ASSERT_TRUE(b.ok()) << b.message;
  EXPECT_TRUE(a.dram == b.dram);
  EXPECT_EQ(a.order, b.order);

  // A zero word (opcode 0x00) at index 2 and a reserved bit at index 3:
  // the first is reported when the sequencer reaches it, after 0 and 1 ran.
  std::vector<uint8_t> bin = encode_program(
      asm_prog("sync engine=seq signal=s0\nsync engine=pe signal=s0\nnop\nnop\nend\n"));
  std::fill(bin.begin() + 64, bin.begin() + 96, 0);
  bin[3 * 32 + 31] = 0x80;
  ExecResult r = execute_binary(c, bin, {}, kBase);
  EXPECT_EQ(r.error, CoreError::kIllegalOpcode) << r.message;
  EXPECT_EQ(r.error_index, 2u);
  EXPECT_EQ(r.sems[0], 2u);
  bin[64] = 0x01;  // a NOP again
  r = execute_binary(c, bin, {}, kBase);
  EXPECT_EQ(r.error, CoreError::kReserved) << r.message;
  EXPECT_EQ(r.error_index, 3u);
  bin.pop_back();
  EXPECT_THROW(execute_binary(c, bin, {}, kBase), std::invalid_argument);
}

TEST(GemmKernel, TrnOnce) {
  // P = 128: M, K > P, N > PsumEntries (default order only: the memories are large).
  const Config c = cfg("trn");
  std::mt19937_64 rng(test_seed(0x128));
  GemmParams gp;
  gp.m = 130;
  gp.k = 257;
  gp.n = 515;
  gp.a_transposed = true;
  GemmCase gc = make_case(gp, rng);
  const GemmProgram g = gemm_program(c, gc.p);
  EXPECT_EQ(g.tiles_m * g.tiles_k * g.tiles_n, 2u * 3 * 2);
  const ExecResult r = execute_program(c, g.program, gc.dram, kBase);
  ASSERT_TRUE(r.ok()) << r.message;
  const std::vector<int32_t> ref = reference_matmul(gc.a, gc.b, gp.m, gp.k, gp.n);
  const uint64_t c0 = gc.p.c_addr - kBase;
  for (size_t i = 0; i < ref.size(); ++i) {
    const uint8_t* q = &r.dram[c0 + 4 * i];
    ASSERT_EQ(
        int32_t(uint32_t(q[0]) | uint32_t(q[1]) << 8 | uint32_t(q[2]) << 16 | uint32_t(q[3]) << 24),
        ref[i])
        << i;
  }
  EXPECT_EQ(r.sems, g.final_sems);
}

TEST(GemmKernel, FourSemaphores) {
  const Config c = cfg("tiny");
  std::mt19937_64 rng(test_seed(0x4));
  GemmParams gp;
  gp.m = 9;
  gp.k = 9;
  gp.n = 33;
  gp.semaphores = 4;
  GemmCase gc = make_case(gp, rng);
  const GemmProgram g = gemm_program(c, gc.p);
  ExecOptions opt;
  opt.semaphores = 4;
  const ExecResult r = execute_program(c, g.program, gc.dram, kBase, opt);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.sems, g.final_sems);
  GemmParams wide;
  wide.n = 0x40000000;
  EXPECT_THROW(gemm_program(c, wide), std::invalid_argument);
}

TEST(ProgramExec, FewerSemaphores) {
  ExecOptions opt;
  opt.semaphores = 4;
  const ExecResult r =
      execute_program(cfg("small"), asm_prog("sync engine=pe signal=s4\nend\n"), {}, kBase, opt);
  EXPECT_EQ(r.error, CoreError::kIllegalField) << r.message;
  EXPECT_EQ(r.error_index, 0u);
  EXPECT_EQ(r.sems.size(), 4u);
}

}  // namespace
}  // namespace loom
