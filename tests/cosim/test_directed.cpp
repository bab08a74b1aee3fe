// Directed co-simulation tests of LoadStationary / MultiplyMoving at every
// RTL configuration. Each checks the co-simulation (RTL against the golden
// model, every transaction and the final memories) and, where the result is
// known independently, the values against a plain C++ reference.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cosim_fixture.h"
#include "workloads.h"

namespace loom::test {
namespace {

class Directed : public PerConfig {};

std::vector<int8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(rng());
  return v;
}

// The last value the RTL wrote to every (bank, partition, entry).
std::map<std::tuple<uint32_t, uint32_t, uint32_t>, int32_t> final_psum(const CosimResult& r) {
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, int32_t> m;
  for (const Txn& t : r.psum_writes) m[{t.bank, t.part, t.addr}] = int32_t(uint32_t(t.data));
  return m;
}

// Result [M x F] of stationary W [K x M] and moving X [K x F], row-major.
std::vector<int32_t> matmul_t(const std::vector<int8_t>& w, const std::vector<int8_t>& x,
                              uint32_t k, uint32_t m, uint32_t f) {
  std::vector<int32_t> y(size_t(m) * f, 0);
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = 0; j < f; ++j)
      for (uint32_t r = 0; r < k; ++r) y[size_t(i) * f + j] += int32_t(w[size_t(r) * m + i]) * x[size_t(r) * f + j];
  return y;
}

// One LDW [K x M] + one MM [K x F] into bank 1, values checked.
void single_matmul(const Config& cfg, RtlFactory rtl, uint32_t k, uint32_t m,
                   uint32_t f, const std::vector<int8_t>& w, const std::vector<int8_t>& x) {
  StimBuilder sb(cfg);
  sb.matrix(0, 0, k, m, w).matrix(0, 256, k, f, x).ldw(0, k, m).mm(256, f, 1, 0, false);
  const CosimResult r = cosim(rtl, cfg, sb.build());
  expect_pass(r);
  const auto got = final_psum(r);
  const auto want = matmul_t(w, x, k, m, f);
  ASSERT_EQ(got.size(), size_t(m) * f) << "PSUM writes other than the M x F result";
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = 0; j < f; ++j)
      ASSERT_EQ(got.at({1, i, j}), want[size_t(i) * f + j]) << "partition " << i << " entry " << j;
}

TEST_P(Directed, Identity) {
  const uint32_t f = std::min<uint32_t>(cfg().psum_entries, 24);
  std::vector<int8_t> w(size_t(P()) * P(), 0);
  for (uint32_t i = 0; i < P(); ++i) w[size_t(i) * P() + i] = 1;
  single_matmul(cfg(), rtl(), P(), P(), f, w, random_bytes(size_t(P()) * f, 1));
}

TEST_P(Directed, ExtremeValues) {
  // -128 * -128 summed over all rows is the largest product sum; mix in 127.
  const uint32_t f = 8;
  std::vector<int8_t> w(size_t(P()) * P(), -128), x(size_t(P()) * f, -128);
  for (size_t i = 0; i < x.size(); i += 3) x[i] = 127;
  for (size_t i = 0; i < w.size(); i += 5) w[i] = 127;
  single_matmul(cfg(), rtl(), P(), P(), f, w, x);
}

TEST_P(Directed, KSmallerThanP) {
  const uint32_t k = P() / 2 + 1, f = 16;
  single_matmul(cfg(), rtl(), k, P(), f, random_bytes(size_t(k) * P(), 2),
                random_bytes(size_t(k) * f, 3));
}

TEST_P(Directed, MSmallerThanP) {
  const uint32_t m = P() - 1;
  single_matmul(cfg(), rtl(), P(), m, 12, random_bytes(size_t(P()) * m, 4),
                random_bytes(size_t(P()) * 12, 5));
}

TEST_P(Directed, MEqualsOne) {
  single_matmul(cfg(), rtl(), P(), 1, 12, random_bytes(P(), 6), random_bytes(size_t(P()) * 12, 7));
}

TEST_P(Directed, FEqualsOne) {
  single_matmul(cfg(), rtl(), P(), P(), 1, random_bytes(size_t(P()) * P(), 8),
                random_bytes(P(), 9));
}

TEST_P(Directed, FEqualsMax) {
  const uint32_t f = cfg().psum_entries;
  single_matmul(cfg(), rtl(), P(), P(), f, random_bytes(size_t(P()) * P(), 10),
                random_bytes(size_t(P()) * f, 11));
}

// K = 3P as an accumulation group of three K tiles, checked against a plain
// GEMM.
TEST_P(Directed, AccumulationGroup) {
  const GemmProblem g = random_gemm(P(), 3 * P(), std::min<uint32_t>(cfg().psum_entries, 20), 12);
  const GemmProgram prog = build_gemm(cfg(), g);
  const CosimResult r = cosim(rtl(), cfg(), prog.stim);
  expect_pass(r);
  EXPECT_EQ(gemm_result(cfg(), prog, r.prediction, r.psum_writes), reference_gemm(g));
}

// Accumulate, then overwrite the same entries: only the last product stays.
TEST_P(Directed, OverwriteAfterAccumulate) {
  const uint32_t f = 10;
  const auto w = random_bytes(size_t(P()) * P(), 13), x = random_bytes(size_t(P()) * f, 14);
  const auto x2 = random_bytes(size_t(P()) * f, 15);
  StimBuilder sb(cfg());
  sb.matrix(0, 0, P(), P(), w).matrix(0, 128, P(), f, x).matrix(0, 256, P(), f, x2);
  const uint32_t bank = cfg().psum_banks - 1;
  sb.ldw(0, P(), P()).mm(128, f, bank, 3, false).mm(128, f, bank, 3, true).mm(256, f, bank, 3, false);
  const CosimResult r = cosim(rtl(), cfg(), sb.build());
  expect_pass(r);
  const auto got = final_psum(r);
  const auto want = matmul_t(w, x2, P(), P(), f);
  for (uint32_t i = 0; i < P(); ++i)
    for (uint32_t j = 0; j < f; ++j) ASSERT_EQ(got.at({bank, i, 3 + j}), want[size_t(i) * f + j]);
}

// LDW / MM pairs back to back: each LDW loads the other weight bank while the
// previous MM streams, so with F >= P the MMs issue exactly F cycles apart.
TEST_P(Directed, BackToBackWithBackgroundLoad) {
  const uint32_t f = cfg().psum_entries;  // >= P in every configuration
  ASSERT_GE(f, P());
  StimBuilder sb(cfg());
  sb.matrix(0, 0, P(), 4 * P(), random_bytes(size_t(P()) * 4 * P(), 16));
  sb.matrix(0, 4 * P(), P(), f, random_bytes(size_t(P()) * f, 17));
  for (uint32_t i = 0; i < 4; ++i) sb.ldw(i * P(), P(), P()).mm(4 * P(), f, 0, 0, i > 0);
  const CosimResult r = cosim(rtl(), cfg(), sb.build());
  expect_pass(r);
  const auto& s = r.prediction.issue_cycle;
  ASSERT_EQ(s.size(), 8u);
  for (size_t i = 3; i < 8; i += 2) EXPECT_EQ(s[i] - s[i - 2], f) << "bubble before MM " << i;
  EXPECT_EQ(s[1] - s[0], 1u) << "MM issues the cycle after its LDW";
}

// F < P: the LDW (P cycles on the stationary port) limits the rate.
TEST_P(Directed, BackToBackShortF) {
  StimBuilder sb(cfg());
  sb.matrix(0, 0, P(), 2 * P(), random_bytes(size_t(P()) * 2 * P(), 18));
  sb.matrix(0, 2 * P(), P(), 2, random_bytes(size_t(P()) * 2, 19));
  for (uint32_t i = 0; i < 6; ++i) sb.ldw((i % 2) * P(), P(), P()).mm(2 * P(), 2, 0, 0, i > 0);
  const CosimResult r = cosim(rtl(), cfg(), sb.build());
  expect_pass(r);
  const auto& s = r.prediction.issue_cycle;
  for (size_t i = 2; i < s.size(); i += 2) EXPECT_EQ(s[i] - s[i - 2], P()) << "LDW " << i;
}

// Commands offered with idle gaps and a full queue in between.
TEST_P(Directed, GapsAndQueueFull) {
  StimBuilder sb(cfg());
  sb.matrix(0, 0, P(), P(), random_bytes(size_t(P()) * P(), 20));
  sb.matrix(0, 64, P(), 16, random_bytes(size_t(P()) * 16, 21));
  sb.ldw(0, P(), P(), 5);
  for (uint32_t i = 0; i < 12; ++i) sb.mm(64, 16, i % cfg().psum_banks, 0, i >= cfg().psum_banks, i % 4 == 3 ? 7 : 0);
  expect_pass(cosim(rtl(), cfg(), sb.build()));
}

// A GEMM with odd sizes: partial tiles in M, K and N.
TEST_P(Directed, GemmOddSizes) {
  const GemmProblem g = random_gemm(P() + 3, 2 * P() + 1, cfg().psum_entries + 5, 22);
  const GemmProgram prog = build_gemm(cfg(), g);
  const CosimResult r = cosim(rtl(), cfg(), prog.stim);
  expect_pass(r);
  EXPECT_EQ(gemm_result(cfg(), prog, r.prediction, r.psum_writes), reference_gemm(g));
}

INSTANTIATE_TEST_SUITE_P(Configs, Directed, ::testing::Values("tiny", "small", "medium"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace loom::test
