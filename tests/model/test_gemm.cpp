// A tiled int8 GEMM through predict() against reference_matmul(): checks the
// operand layout (W[k][m] = A^T, X = B, PSUM[m][n] = C) and accumulation over
// K tiles.
#include <gtest/gtest.h>

#include "loom/model.h"
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

}  // namespace
}  // namespace loom
