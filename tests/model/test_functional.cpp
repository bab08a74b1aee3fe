// Bit-exact LDW/MM semantics, through FunctionalCore and through predict().
#include <gtest/gtest.h>

#include <climits>

#include "loom/functional.h"
#include "loom/model.h"
#include "test_util.h"

namespace loom {
namespace {

using test::add_cmd;
using test::filled;
using test::preload_rows;
using test::psum_at;

// SBUF rows for an LDW: rows[k][m] = W[k][m].
std::vector<std::vector<int8_t>> identity(uint32_t p) {
  auto w = filled(p, p, 0);
  for (uint32_t i = 0; i < p; ++i) w[i][i] = 1;
  return w;
}

TEST(Functional, ResetState) {
  const Config c = test::cfg("tiny");
  FunctionalCore core(c);
  EXPECT_EQ(core.weights().current(), 0u);
  EXPECT_EQ(core.weights().current_bank().k, 0u);
  EXPECT_EQ(core.weights().current_bank().m, 0u);
  for (uint32_t k = 0; k < c.partitions; ++k)
    for (uint32_t m = 0; m < c.partitions; ++m) EXPECT_EQ(core.weights().weight(0, k, m), 0);
  EXPECT_EQ(core.psum().value(0, 0, 0), 0);
  EXPECT_EQ(core.sbuf().byte(3, 100), 0);
}

TEST(Functional, IdentityWeightsCopyMovingData) {
  const Config c = test::cfg("small");
  const uint32_t p = c.partitions, f = 40;
  Stimulus st;
  preload_rows(st, c, 0, identity(p));
  std::vector<std::vector<int8_t>> x(p, std::vector<int8_t>(f));
  for (uint32_t k = 0; k < p; ++k)
    for (uint32_t i = 0; i < f; ++i) x[k][i] = int8_t(int(k * 37 + i * 11) - 128);
  preload_rows(st, c, 64, x);
  add_cmd(st, PeCmd::ldw(0, p, p));
  add_cmd(st, PeCmd::mm(64, f, 2, 7, false));
  const Prediction pr = predict(c, st);
  for (uint32_t m = 0; m < p; ++m)
    for (uint32_t i = 0; i < f; ++i)
      EXPECT_EQ(psum_at(pr, c, m, 2, 7 + i), x[m][i]) << m << "," << i;
  EXPECT_EQ(pr.macs, uint64_t(p) * p * f);
}

TEST(Functional, ExtremeValues) {
  const Config c = test::cfg("small");
  const uint32_t p = c.partitions;
  Stimulus st;
  preload_rows(st, c, 0, filled(p, p, -128));  // W
  preload_rows(st, c, 8, filled(p, 8, -128));  // X1 = -128
  preload_rows(st, c, 16, filled(p, 8, 127));  // X2 = 127
  add_cmd(st, PeCmd::ldw(0, p, p));
  add_cmd(st, PeCmd::mm(8, 8, 0, 0, false));
  add_cmd(st, PeCmd::mm(16, 8, 1, 0, false));
  const Prediction pr = predict(c, st);
  EXPECT_EQ(psum_at(pr, c, 0, 0, 0), int32_t(p) * 16384);
  EXPECT_EQ(psum_at(pr, c, p - 1, 0, 7), int32_t(p) * 16384);
  EXPECT_EQ(psum_at(pr, c, 3, 1, 5), int32_t(p) * -16256);
}

TEST(Functional, KSmallerThanPIgnoresRowsBeyondK) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 3));  // W rows 0..3 = 3, only K = 2 used
  preload_rows(st, c, 8, filled(4, 8, 5));  // X rows 0..3 = 5 (rows 2, 3 must not count)
  add_cmd(st, PeCmd::ldw(0, 2, 4));
  add_cmd(st, PeCmd::mm(8, 4, 0, 0, false));
  const Prediction pr = predict(c, st);
  for (uint32_t m = 0; m < 4; ++m) EXPECT_EQ(psum_at(pr, c, m, 0, 0), 2 * 15);
  EXPECT_EQ(pr.macs, 2u * 4 * 4);
}

TEST(Functional, MSmallerThanPWritesOnlyMPartitions) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 1));
  add_cmd(st, PeCmd::ldw(0, 4, 3));
  add_cmd(st, PeCmd::mm(0, 5, 1, 2, false));
  const Prediction pr = predict(c, st);
  const auto writes = test::of_channel(pr, Channel::kPsumWrite);
  ASSERT_EQ(writes.size(), 3u * 5);
  for (const Txn& t : writes) {
    EXPECT_LT(t.part, 3u);
    EXPECT_EQ(t.bank, 1u);
    EXPECT_GE(t.addr, 2u);
    EXPECT_LT(t.addr, 7u);
    EXPECT_EQ(int32_t(t.data), 4);
    EXPECT_EQ(t.strb, 0u);
  }
  EXPECT_FALSE(pr.final_state.psum_written[3][1 * c.psum_entries + 2]);
  EXPECT_TRUE(pr.final_state.psum_written[2][1 * c.psum_entries + 6]);
  EXPECT_EQ(pr.macs, 4u * 3 * 5);
}

TEST(Functional, WeightsPlacement) {
  // W[k][m] = SBUF[k][addr + m]; result[m][f] = sum_k W[k][m] X[k][f].
  const Config c = test::cfg("tiny");
  Stimulus st;
  std::vector<std::vector<int8_t>> w = {{1, 2, 3, 4, 0, 0, 0, 0},
                                        {5, 6, 7, 8, 0, 0, 0, 0},
                                        {9, 10, 11, 12, 0, 0, 0, 0},
                                        {13, 14, 15, 16, 0, 0, 0, 0}};
  preload_rows(st, c, 0, w);
  std::vector<std::vector<int8_t>> x = {{1, 0, 0, 0, 0, 0, 0, 0},
                                        {0, 1, 0, 0, 0, 0, 0, 0},
                                        {0, 0, 1, 0, 0, 0, 0, 0},
                                        {0, 0, 0, 1, 0, 0, 0, 0}};
  preload_rows(st, c, 8, x);
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(8, 4, 0, 0, false));
  const Prediction pr = predict(c, st);
  // X = I: result[m][f] = W[f][m].
  for (uint32_t m = 0; m < 4; ++m)
    for (uint32_t f = 0; f < 4; ++f) EXPECT_EQ(psum_at(pr, c, m, 0, f), w[f][m]);
}

TEST(Functional, SingleElementF1) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0,
               {{1, 0, 0, 0, 0, 0, 0, 0},
                {2, 0, 0, 0, 0, 0, 0, 0},
                {3, 0, 0, 0, 0, 0, 0, 0},
                {4, 0, 0, 0, 0, 0, 0, 0}});
  preload_rows(st, c, 8, filled(4, 8, -2));
  add_cmd(st, PeCmd::ldw(0, 4, 1));
  add_cmd(st, PeCmd::mm(8, 1, 1, 15, false));
  const Prediction pr = predict(c, st);
  const auto writes = test::of_channel(pr, Channel::kPsumWrite);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(int32_t(writes[0].data), -20);
  EXPECT_EQ(writes[0].addr, 15u);
}

TEST(Functional, AccumulateGroupThenOverwrite) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 1));    // W = 1
  preload_rows(st, c, 8, filled(4, 8, 2));    // X = 2  -> 8 per entry
  preload_rows(st, c, 16, filled(4, 8, -1));  // X = -1 -> -4 per entry
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(8, 4, 0, 0, false));   // 8
  add_cmd(st, PeCmd::mm(8, 4, 0, 0, true));    // 16
  add_cmd(st, PeCmd::mm(16, 4, 0, 0, true));   // 12
  add_cmd(st, PeCmd::mm(16, 2, 0, 1, false));  // entries 1, 2 overwritten: -4
  add_cmd(st, PeCmd::mm(8, 1, 0, 2, true));    // entry 2: -4 + 8 = 4
  const Prediction pr = predict(c, st);
  for (uint32_t m = 0; m < 4; ++m) {
    EXPECT_EQ(psum_at(pr, c, m, 0, 0), 12);
    EXPECT_EQ(psum_at(pr, c, m, 0, 1), -4);
    EXPECT_EQ(psum_at(pr, c, m, 0, 2), 4);
    EXPECT_EQ(psum_at(pr, c, m, 0, 3), 12);
  }
  // The PSUM write transactions carry the value after accumulation and the
  // accumulate flag in strb.
  const auto writes = test::of_channel(pr, Channel::kPsumWrite);
  ASSERT_EQ(writes.size(), 4u * (4 + 4 + 4 + 2 + 1));
  EXPECT_EQ(writes.back().strb, 1u);
  EXPECT_EQ(int32_t(writes.back().data), 4);
}

TEST(Functional, Int32Wraparound) {
  EXPECT_EQ(wrap_add(INT32_MAX, 1), INT32_MIN);
  EXPECT_EQ(wrap_add(INT32_MIN, -1), INT32_MAX);
  const Config c = test::cfg("tiny");
  PsumState ps(c);
  ps.update(0, 0, 0, INT32_MAX, false);
  EXPECT_EQ(ps.update(0, 0, 0, 5, true), INT32_MIN + 4);

  // End to end at P = 128: one F = 1 MM adds 128 * (-128 * -128) = 2^21, so
  // 1024 of them reach 2^31, which wraps to INT32_MIN.
  const Config t = test::cfg("trn");
  FunctionalCore core(t);
  const uint32_t p = t.partitions;
  for (uint32_t k = 0; k < p; ++k) {
    SbufWrite w;
    w.part = k;
    w.addr = 0;
    w.data.assign(t.sbuf_word_bytes, 0x80);
    w.strb = t.sbuf_word_bytes >= 64 ? ~uint64_t(0) : (uint64_t(1) << t.sbuf_word_bytes) - 1;
    core.sbuf_write(w);
  }
  core.ldw(PeCmd::ldw(0, p, 1));
  int32_t last = 0;
  for (int i = 0; i < 1025; ++i) {
    core.mm(PeCmd::mm(0, 1, 0, 0, i > 0), [&](uint32_t, uint32_t, int32_t v) { last = v; });
    if (i == 1022) {
      EXPECT_EQ(last, INT32_MAX - (1 << 21) + 1);
    }
    if (i == 1023) {
      EXPECT_EQ(last, INT32_MIN);
    }
  }
  EXPECT_EQ(last, INT32_MIN + (1 << 21));
}

TEST(Functional, WeightBanksAlternateAndMmUsesLatest) {
  const Config c = test::cfg("tiny");
  FunctionalCore core(c);
  auto put = [&](uint32_t addr, int8_t v) {
    for (uint32_t k = 0; k < c.partitions; ++k) {
      SbufWrite w;
      w.part = k;
      w.addr = addr;
      w.data.assign(8, uint8_t(v));
      w.strb = 0xff;
      core.sbuf_write(w);
    }
  };
  put(0, 1);
  put(8, 2);
  put(16, 1);  // moving data
  EXPECT_EQ(core.ldw(PeCmd::ldw(0, 4, 4)), 0u);
  EXPECT_EQ(core.ldw(PeCmd::ldw(8, 4, 2)), 1u);
  EXPECT_EQ(core.weights().current(), 1u);
  EXPECT_EQ(core.weights().weight(0, 3, 3), 1);
  EXPECT_EQ(core.weights().weight(1, 3, 1), 2);
  EXPECT_EQ(core.weights().weight(1, 3, 2), 0);  // m >= M is zero
  int writes = 0;
  EXPECT_EQ(core.mm(PeCmd::mm(16, 2, 0, 0, false),
                    [&](uint32_t m, uint32_t, int32_t v) {
                      ++writes;
                      EXPECT_LT(m, 2u);
                      EXPECT_EQ(v, 8);
                    }),
            1u);
  EXPECT_EQ(writes, 4);
  EXPECT_EQ(core.ldw(PeCmd::ldw(0, 1, 1)), 0u);  // third LDW: bank 0 again
  EXPECT_EQ(core.weights().weight(0, 0, 0), 1);
  EXPECT_EQ(core.weights().weight(0, 1, 0), 0);  // k >= K cleared
}

TEST(Functional, MmBeforeAnyLdwWritesNothing) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 1));
  add_cmd(st, PeCmd::mm(0, 4, 0, 0, false));
  const Prediction pr = predict(c, st);
  EXPECT_TRUE(test::of_channel(pr, Channel::kPsumWrite).empty());
  EXPECT_EQ(test::of_channel(pr, Channel::kMmRetire).size(), 1u);
  EXPECT_EQ(pr.macs, 0u);
}

TEST(Functional, SbufStrobesAndImage) {
  const Config c = test::cfg("tiny");
  Stimulus st;
  SbufWrite w;
  w.part = 2;
  w.addr = 16;
  w.data = {1, 2, 3, 4, 5, 6, 7, 8};
  w.strb = 0x5a;  // bytes 1, 3, 4, 6
  st.preload.push_back(w);
  const Prediction pr = predict(c, st);
  const auto& row = pr.final_state.sbuf[2];
  const auto& wr = pr.final_state.sbuf_written[2];
  EXPECT_EQ(row[16], 0);
  EXPECT_FALSE(wr[16]);
  EXPECT_EQ(row[17], 2);
  EXPECT_TRUE(wr[17]);
  EXPECT_EQ(row[19], 4);
  EXPECT_EQ(row[20], 5);
  EXPECT_EQ(row[22], 7);
  EXPECT_FALSE(wr[23]);
  ASSERT_EQ(pr.txns.size(), 1u);
  EXPECT_EQ(pr.txns[0].data, 0x0807060504030201ull);  // all bytes, whatever the strobe
  EXPECT_EQ(pr.txns[0].strb, 0x5au);
  EXPECT_EQ(pr.txns[0].cycle, 0u);
  EXPECT_EQ(pr.end_cycle, 0u);
}

}  // namespace
}  // namespace loom
