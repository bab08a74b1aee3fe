// A tiled int8 GEMM through predict() against reference_matmul(): checks the
// operand layout (W[k][m] = A^T, X = B, PSUM[m][n] = C) and accumulation over
// K tiles. Then the GEMM kernel with tiled A (docs/kernels.md "Tiled A"):
// pack_gemm_a's layout, programs run by the functional executor against
// reference_matmul under many interleavings, every kind of wait needed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "kernel_test_util.h"
#include "loom/kernels.h"
#include "loom/model.h"
#include "loom/program_exec.h"
#include "loom/reference.h"
#include "test_util.h"

namespace loom {
namespace {

TEST(Reference, SmallByHand) {
  // [1 2; 3 4] * [5 6; 7 8] = [19 22; 43 50]
  EXPECT_EQ(reference_matmul({1, 2, 3, 4}, {5, 6, 7, 8}, 2, 2, 2),
            (std::vector<int32_t>{19, 22, 43, 50}));
  EXPECT_EQ(reference_matmul({-128, -128}, {-128, 127}, 1, 2, 1), (std::vector<int32_t>{128}));
  std::vector<int32_t> c{1};
  reference_matmul_acc(c, {-128}, {-128}, 1, 1, 1);
  EXPECT_EQ(c[0], 16385);
  EXPECT_THROW(reference_matmul({1}, {1, 2}, 1, 1, 1), std::invalid_argument);
}

// C[M x N] = A[M x K] * B[K x N], with M <= banks * P and N <= PsumEntries.
void run_gemm(const Config& c, uint32_t M, uint32_t K, uint32_t N, uint64_t seed) {
  const uint32_t p = c.partitions, wb = c.sbuf_word_bytes;
  const uint32_t mt = (M + p - 1) / p, kt = (K + p - 1) / p;
  ASSERT_LE(mt, c.psum_banks);
  ASSERT_LE(N, c.psum_entries);
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  auto rnd = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return int8_t(x);
  };
  std::vector<int8_t> a(size_t(M) * K), b(size_t(K) * N);
  for (auto& v : a) v = rnd();
  for (auto& v : b) v = rnd();

  // SBUF layout: B's K tile t at b_addr(t) (N bytes per partition), then the
  // weight tile (t, i) = A[i*P.., t*P..]^T at w_addr(t, i).
  const uint32_t n_pad = (N + wb - 1) / wb * wb, p_pad = (p + wb - 1) / wb * wb;
  auto b_addr = [&](uint32_t t) { return t * n_pad; };
  auto w_addr = [&](uint32_t t, uint32_t i) { return kt * n_pad + (t * mt + i) * p_pad; };
  Stimulus st;
  for (uint32_t t = 0; t < kt; ++t) {
    const uint32_t kk = std::min(p, K - t * p);
    std::vector<std::vector<int8_t>> rows(kk, std::vector<int8_t>(N));
    for (uint32_t k = 0; k < kk; ++k)
      for (uint32_t n = 0; n < N; ++n) rows[k][n] = b[size_t(t * p + k) * N + n];
    test::preload_rows(st, c, b_addr(t), rows);
    for (uint32_t i = 0; i < mt; ++i) {
      const uint32_t mm = std::min(p, M - i * p);
      std::vector<std::vector<int8_t>> w(kk, std::vector<int8_t>(mm));
      for (uint32_t k = 0; k < kk; ++k)
        for (uint32_t m = 0; m < mm; ++m) w[k][m] = a[size_t(i * p + m) * K + t * p + k];
      test::preload_rows(st, c, w_addr(t, i), w);
    }
  }
  for (uint32_t i = 0; i < mt; ++i) {
    for (uint32_t t = 0; t < kt; ++t) {
      test::add_cmd(st, PeCmd::ldw(w_addr(t, i), std::min(p, K - t * p), std::min(p, M - i * p)));
      test::add_cmd(st, PeCmd::mm(b_addr(t), N, i, 0, t > 0));
    }
  }
  const Prediction pr = predict(c, st);
  const std::vector<int32_t> ref = reference_matmul(a, b, M, K, N);
  for (uint32_t m = 0; m < M; ++m)
    for (uint32_t n = 0; n < N; ++n)
      ASSERT_EQ(test::psum_at(pr, c, m % p, m / p, n), ref[size_t(m) * N + n])
          << "C[" << m << "][" << n << "]";
  EXPECT_EQ(pr.macs, uint64_t(M) * K * N);
}

TEST(Gemm, TiledMatchesReferenceSmall) {
  run_gemm(test::cfg("small"), 30, 20, 50, test::test_seed(1));
}
TEST(Gemm, TiledMatchesReferenceTiny) { run_gemm(test::cfg("tiny"), 7, 9, 16, test::test_seed(2)); }
TEST(Gemm, TiledMatchesReferenceMedium) {
  run_gemm(test::cfg("medium"), 64, 48, 128, test::test_seed(3));
}
TEST(Gemm, TrnSingleTile) { run_gemm(test::cfg("trn"), 128, 256, 512, test::test_seed(4)); }


// --- GEMM kernel with tiled A -------------------------------------------------

using test::kKernelBase;

TEST(GemmTiledA, PackLayout) {
  // small (P = 8), A 10 x 19: Mt = Kt = 8, 2 M tiles, 3 K tiles; the byte of
  // A[i][j] at ((mi Kt + r) TK + ki) Mt + i mod Mt, the rest zero.
  const Config c = test::cfg("small");
  const uint32_t m = 10, k = 19;
  std::vector<int8_t> a(m * k);
  for (size_t i = 0; i < a.size(); ++i) a[i] = int8_t(i % 251 + 1);  // never 0
  const std::vector<uint8_t> t = pack_gemm_a(c, m, k, a);
  ASSERT_EQ(t.size(), gemm_a_tiled_bytes(c, m, k));
  EXPECT_EQ(t.size(), 2u * 8 * 3 * 8);
  EXPECT_EQ(t[0], uint8_t(a[0]));                           // A[0][0]: mi 0, r 0, ki 0
  EXPECT_EQ(t[1], uint8_t(a[1 * k]));                       // A[1][0]: next column of the tile
  EXPECT_EQ(t[8], uint8_t(a[8]));                           // A[0][8]: K tile 1, same row r 0
  EXPECT_EQ(t[3 * 8], uint8_t(a[1]));                       // A[0][1]: row r 1
  EXPECT_EQ(t[((8 + 2) * 3 + 0) * 8 + 1], uint8_t(a[9 * k + 2]));  // A[9][2]: mi 1, r 2, j 1
  size_t nonzero = 0;
  for (uint8_t x : t) nonzero += x != 0;
  EXPECT_EQ(nonzero, a.size());  // every element once, padding zero
  // Shapes below P: one tile of M x K.
  EXPECT_EQ(gemm_a_tiled_bytes(c, 3, 5), 15u);
  EXPECT_THROW(pack_gemm_a(c, m, k, std::vector<int8_t>(5)), std::invalid_argument);
  EXPECT_THROW(pack_gemm_a(c, 0, k, {}), std::invalid_argument);
}

struct TiledCase {
  GemmParams p;
  std::vector<int8_t> a, b;
  std::vector<uint8_t> dram;
};

// Tiled A, B and the C region (0xcd) in a DRAM window at odd offsets.
TiledCase make_tiled_case(const Config& c, GemmParams p, std::mt19937_64& rng) {
  TiledCase tc;
  std::uniform_int_distribution<int> d(-128, 127);
  tc.a.resize(size_t(p.m) * p.k);
  tc.b.resize(size_t(p.k) * p.n);
  for (auto& x : tc.a) x = int8_t(d(rng));
  for (auto& x : tc.b) x = int8_t(d(rng));
  p.a_tiled = true;
  test::DramBuilder db;
  p.a_addr = db.add(pack_gemm_a(c, p.m, p.k, tc.a));
  p.b_addr = db.add(tc.b);
  p.c_addr = db.add(std::vector<uint8_t>(gemm_c_bytes(p), 0xcd));
  tc.dram = db.image();
  tc.p = p;
  return tc;
}

// The program against reference_matmul (all interleavings, balanced
// semaphores, waits looking back) and nothing but C written.
void check_tiled(const Config& c, const GemmParams& p0, std::mt19937_64& rng) {
  SCOPED_TRACE(fmt::format("{} M={} K={} N={} prefetch={} reuse_b={} out_int8={}", c.name, p0.m,
                           p0.k, p0.n, p0.prefetch, p0.reuse_b, p0.out_int8));
  const TiledCase tc = make_tiled_case(c, p0, rng);
  const GemmParams& p = tc.p;
  const GemmProgram g = gemm_program(c, p);
  EXPECT_LE(g.sbuf_used, c.sbuf_bytes);
  ExecResult r(c);
  test::run_all_orders(c, g.program, tc.dram, p.semaphores, g.final_sems, rng, &r);
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<int32_t> ref = reference_matmul(tc.a, tc.b, p.m, p.k, p.n);
  const uint64_t c0 = p.c_addr - kKernelBase;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (p.out_int8) {
      ASSERT_EQ(int8_t(r.dram[c0 + i]), act_requant(ref[i], p.bias, p.scale, p.shift, p.relu))
          << "C[" << i / p.n << "][" << i % p.n << "]";
    } else {
      ASSERT_EQ(test::le32(r.dram, c0 + 4 * i), ref[i]) << "C[" << i / p.n << "][" << i % p.n << "]";
    }
  }
  for (size_t i = 0; i < tc.dram.size(); ++i) {
    if (i < c0 || i >= c0 + gemm_c_bytes(p)) {
      ASSERT_EQ(r.dram[i], tc.dram[i]) << "DRAM byte " << i;
    }
  }
}

TEST(GemmTiledA, MatchesReference) {
  std::mt19937_64 rng(test::test_seed(0x7a11));
  struct Shape {
    const char* cfg;
    uint32_t m, k, n;
  };
  // Odd shapes (M, K, N not multiples of P), one tile, many K tiles, several
  // N tiles (panel switches), N beyond a PSUM bank.
  for (const Shape& s : {Shape{"tiny", 9, 10, 20}, Shape{"tiny", 3, 2, 5}, Shape{"tiny", 13, 30, 37},
                         Shape{"small", 30, 20, 50}, Shape{"small", 17, 67, 150},
                         Shape{"small", 8, 8, 200}, Shape{"medium", 33, 45, 300},
                         Shape{"medium", 100, 37, 129}}) {
    const Config c = test::cfg(s.cfg);
    for (uint32_t depth : {2u, 3u})
      for (bool reuse : {true, false}) {
        GemmParams p;
        p.m = s.m;
        p.k = s.k;
        p.n = s.n;
        p.prefetch = depth;
        p.reuse_b = reuse;
        check_tiled(c, p, rng);
        if (HasFatalFailure()) return;
      }
  }
  GemmParams q;  // int8 C through act.requant
  q.m = 21;
  q.k = 19;
  q.n = 70;
  q.out_int8 = true;
  q.bias = -300;
  q.scale = 77;
  q.shift = 9;
  q.relu = true;
  check_tiled(test::cfg("small"), q, rng);
}

TEST(GemmTiledA, ChunksAndPanels) {
  // 256 x 256 x 256 on small: the whole K of an M tile is one A load (256
  // bytes per partition), one B panel reloaded in groups of 8 tiles.
  const Config c = test::cfg("small");
  GemmParams p;
  p.m = p.k = p.n = 256;
  p.a_tiled = true;
  const GemmProgram g = gemm_program(c, p);
  EXPECT_EQ(g.a_chunk, 32u);
  EXPECT_TRUE(g.b_resident);
  EXPECT_EQ(g.panels, 1u);
  EXPECT_EQ(g.b_group, 8u);
  EXPECT_EQ(g.sbuf_used, 2u * 256 + 32 * 64 + 2 * 256);
  // 4 x 32 A loads, 4 x 4 B loads; A once per N tile, B once.
  EXPECT_EQ(g.operand_loads, 128u + 16u);
  p.b_addr = 0x100000;  // A at 0, B above it
  const GemmProgram g2 = gemm_program(c, p);
  uint64_t a_bytes = 0, b_bytes = 0, a_loads = 0;
  for (const Instr& i : g2.program)
    if (const auto* d = std::get_if<Instr::Dma>(&i.op))
      if (!d->desc.is_store()) {
        const bool is_a = d->desc.dram_addr < p.b_addr;
        (is_a ? a_bytes : b_bytes) += d->desc.total_bytes();
        if (is_a) {
          ++a_loads;
          EXPECT_EQ(d->desc.rows, 8u);
          EXPECT_EQ(d->desc.row_bytes, 256u);  // one contiguous row per partition
        }
      }
  EXPECT_EQ(a_loads, 128u);
  EXPECT_EQ(a_bytes, 4u * 65536);
  EXPECT_EQ(b_bytes, 65536u);
  // A large K with a small SBUF: chunks of fewer K tiles (tiny, 1 KiB).
  GemmParams q;
  q.m = 8;
  q.k = 1000;
  q.n = 16;
  q.a_tiled = true;
  q.reuse_b = false;
  const GemmProgram h = gemm_program(test::cfg("tiny"), q);
  EXPECT_LT(h.a_chunk, h.tiles_k);
  EXPECT_GE(h.a_chunk, 2u);
  std::mt19937_64 rng(test::test_seed(0x7a12));
  check_tiled(test::cfg("tiny"), q, rng);

  // A panel too large at the bank's Nt: Nt lowered (in whole words) so that
  // B stays resident with whole-K chunks, rather than B reloaded every step.
  GemmParams w;
  w.m = w.k = w.n = 512;
  w.a_tiled = true;
  const GemmProgram big = gemm_program(c, w);
  EXPECT_TRUE(big.b_resident);
  EXPECT_EQ(big.a_chunk, big.tiles_k);
  EXPECT_LT(big.tile_n, 64u);
  EXPECT_GE(big.tile_n, 8u);
  EXPECT_EQ(big.tile_n % 8, 0u);
  EXPECT_LE(big.sbuf_used, c.sbuf_bytes);
  GemmParams v;  // the same on tiny, run: 40 K tiles, Nt 16 -> 8
  v.m = 9;
  v.k = 157;
  v.n = 37;
  v.a_tiled = true;
  const GemmProgram narrow = gemm_program(test::cfg("tiny"), v);
  EXPECT_TRUE(narrow.b_resident);
  EXPECT_EQ(narrow.tile_n, 8u);
  EXPECT_EQ(narrow.a_chunk, narrow.tiles_k);
  check_tiled(test::cfg("tiny"), v, rng);
  v.k = 243;  // 61 K tiles: only Nt = P (4, half a word) fits
  v.n = 9;
  const GemmProgram p4 = gemm_program(test::cfg("tiny"), v);
  EXPECT_TRUE(p4.b_resident);
  EXPECT_EQ(p4.tile_n, 4u);
  EXPECT_EQ(p4.b_group, 1u);  // a slot is a whole word, not Nt bytes: no planes
  check_tiled(test::cfg("tiny"), v, rng);
}

TEST(GemmTiledA, EveryWaitIsNeeded) {
  // Tiny, several output tiles per PSUM bank and C buffer, B resident with
  // one panel (reloaded slot by slot after its last reader) and reloaded:
  // dropping any kind of wait breaks the result under some interleaving.
  std::mt19937_64 rng(test::test_seed(0x7a13));
  const Config c = test::cfg("tiny");
  // tiles_m is no multiple of the depth, so that chunk c and c - D (the
  // previous user of its buffer) hold different M tiles.
  for (auto [reuse, depth, m, n] :
       {std::tuple{true, 2u, 9u, 40u}, {false, 2u, 9u, 20u}, {true, 3u, 14u, 40u}}) {
    SCOPED_TRACE(fmt::format("reuse_b {} prefetch {} M {} N {}", reuse, depth, m, n));
    GemmParams p;
    p.m = m;
    p.k = 10;
    p.n = n;
    p.prefetch = depth;
    p.reuse_b = reuse;
    check_tiled(c, p, rng);
    if (HasFatalFailure()) return;
    const TiledCase tc = make_tiled_case(c, p, rng);
    const GemmProgram g = gemm_program(c, tc.p);
    EXPECT_EQ(g.b_resident, reuse);
    const ExecResult r = execute_program(c, g.program, tc.dram, kKernelBase);
    ASSERT_TRUE(r.ok()) << r.message;
    const std::vector<std::string> kinds =
        test::check_waits_needed(c, g.program, tc.dram, p.semaphores, r.dram, rng);
    EXPECT_EQ(kinds.size(), 7u);  // all but the per-channel records
    // The two load waits one at a time: A chunks (buffer free) and B
    // (resident slot's last reader done / B buffer free).
    const uint64_t b0 = tc.p.b_addr, b1 = tc.p.b_addr + uint64_t(p.k) * p.n;
    for (bool b_side : {false, true}) {
      int dropped = 0;
      const std::vector<Instr> m = test::drop_waits(
          g.program,
          [&](const Instr& i) {
            const auto* d = std::get_if<Instr::Dma>(&i.op);
            if (d == nullptr || d->queue != 0 || i.sem.wait_sem != kGemmSemMm) return false;
            return (d->desc.dram_addr >= b0 && d->desc.dram_addr < b1) == b_side;
          },
          &dropped);
      ASSERT_GT(dropped, 0);
      EXPECT_TRUE(test::some_order_breaks(c, m, tc.dram, p.semaphores, r.dram, rng))
          << (b_side ? "B" : "A") << " load waits dropped, nothing breaks";
    }
  }
}

TEST(GemmTiledA, WaitsLookBackAndRunInOrder) {
  // The 256^3 program at small: every wait is reached by the signals before
  // it (no deadlock in an in-order sequencer), the executor runs it in
  // program order, and C equals the reference.
  std::mt19937_64 rng(test::test_seed(0x7a14));
  const Config c = test::cfg("small");
  GemmParams p;
  p.m = p.k = p.n = 256;
  const TiledCase tc = make_tiled_case(c, p, rng);
  const GemmProgram g = gemm_program(c, tc.p);
  const ExecResult r = execute_program(c, g.program, tc.dram, kKernelBase);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(std::is_sorted(r.order.begin(), r.order.end()));
  EXPECT_EQ(r.sems, g.final_sems);
  const std::vector<int32_t> ref = reference_matmul(tc.a, tc.b, p.m, p.k, p.n);
  const uint64_t c0 = tc.p.c_addr - kKernelBase;
  for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(test::le32(r.dram, c0 + 4 * i), ref[i]) << i;
}

}  // namespace
}  // namespace loom
