// Timing rules of docs/timing.md: hand-computed cycles for small cases, and a
// cycle-stepped re-implementation of the queue cross-checked on random
// stimuli.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "loom/model.h"
#include "loom/random_stimulus.h"
#include "test_util.h"

namespace loom {
namespace {

using test::add_cmd;
using test::filled;
using test::preload_rows;

// tiny (P = 4, D = 4): 4 partitions x 16 bytes of ones = 8 preload writes
// (cycles 0..7), so command 0 is offered in cycle 8.
Stimulus tiny_base() {
  Stimulus st;
  preload_rows(st, test::cfg("tiny"), 0, filled(4, 16, 1));
  return st;
}

std::vector<uint64_t> accepts(const Prediction& p) {
  std::vector<uint64_t> a;
  for (const Txn& t : test::of_channel(p, Channel::kCmdAccept)) a.push_back(t.cycle);
  return a;
}

TEST(Timing, SingleLdwMmEventCycles) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 4, 1, 3, false));
  const Prediction p = predict(c, st);
  EXPECT_EQ(accepts(p), (std::vector<uint64_t>{8, 9}));
  EXPECT_EQ(p.issue_cycle, (std::vector<uint64_t>{9, 10}));  // s = a + 1; MM the cycle after LDW
  const auto ldw_ret = test::of_channel(p, Channel::kLdwRetire);
  ASSERT_EQ(ldw_ret.size(), 1u);
  EXPECT_EQ(ldw_ret[0].cycle, 9u + 2 * 4 - 1);
  EXPECT_EQ(ldw_ret[0].tag, 0u);
  const auto mm_ret = test::of_channel(p, Channel::kMmRetire);
  ASSERT_EQ(mm_ret.size(), 1u);
  EXPECT_EQ(mm_ret[0].cycle, 10u + 2 * 4 + 4 - 1);
  EXPECT_EQ(mm_ret[0].tag, 1u);
  // PSUM write (m, off + f) in cycle s + P + 1 + f + m = 15 + f + m.
  const auto writes = test::of_channel(p, Channel::kPsumWrite);
  ASSERT_EQ(writes.size(), 16u);
  for (const Txn& t : writes) {
    const uint32_t f = t.addr - 3;
    EXPECT_EQ(t.cycle, 15u + f + t.part) << t.to_string();
    EXPECT_EQ(t.bank, 1u);
    EXPECT_EQ(int32_t(t.data), 4);
  }
  const auto issues = test::of_channel(p, Channel::kIssue);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].data, uint64_t(PeOp::kLdw));
  EXPECT_EQ(issues[1].data, uint64_t(PeOp::kMm));
  EXPECT_EQ(p.end_cycle, 21u);
  // Preload writes in cycles 0..7.
  const auto sw = test::of_channel(p, Channel::kSbufWrite);
  ASSERT_EQ(sw.size(), 8u);
  for (size_t j = 0; j < sw.size(); ++j) EXPECT_EQ(sw[j].cycle, j);
}

TEST(Timing, GapsDelayTheOffer) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4), 3);
  add_cmd(st, PeCmd::mm(0, 4, 0, 0, false), 2);
  const Prediction p = predict(c, st);
  EXPECT_EQ(accepts(p), (std::vector<uint64_t>{11, 14}));
  EXPECT_EQ(p.issue_cycle, (std::vector<uint64_t>{12, 15}));
}

TEST(Timing, BackToBackMmsWithFAtLeastPHaveNoBubble) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  for (int i = 0; i < 3; ++i) add_cmd(st, PeCmd::mm(0, 8, 0, 8 * (i % 2), false));
  const Prediction p = predict(c, st);
  EXPECT_EQ(p.issue_cycle, (std::vector<uint64_t>{9, 10, 18, 26}));
  // Every partition writes in 24 consecutive cycles starting at 15 + m.
  for (uint32_t m = 0; m < 4; ++m) {
    std::vector<uint64_t> cyc;
    for (const Txn& t : test::of_channel(p, Channel::kPsumWrite))
      if (t.part == m) cyc.push_back(t.cycle);
    ASSERT_EQ(cyc.size(), 24u);
    for (size_t i = 0; i < cyc.size(); ++i) EXPECT_EQ(cyc[i], 15 + m + i);
  }
  EXPECT_EQ(p.end_cycle, 26u + 8 + 8 - 1);
}

TEST(Timing, SmallFIsLoaderLimited) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  for (int i = 0; i < 3; ++i) {
    add_cmd(st, PeCmd::ldw(0, 4, 4));
    add_cmd(st, PeCmd::mm(0, 2, 0, 0, false));
  }
  const Prediction p = predict(c, st);
  // LDWs P = 4 cycles apart (stationary port), each MM the cycle after its LDW.
  EXPECT_EQ(p.issue_cycle, (std::vector<uint64_t>{9, 10, 13, 14, 17, 18}));
  EXPECT_EQ(accepts(p), (std::vector<uint64_t>{8, 9, 10, 11, 12, 13}));
}

TEST(Timing, QueueFullStallsAccept) {
  Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  for (int i = 0; i < 6; ++i) add_cmd(st, PeCmd::mm(0, 16, 0, 0, false));
  const std::vector<uint64_t> issues{9, 10, 26, 42, 58, 74, 90};

  // D = 4: a_i >= s_{i-4} + 1 first binds for command 6 (s_2 + 1 = 27).
  Prediction p = predict(c, st);
  EXPECT_EQ(p.issue_cycle, issues);
  EXPECT_EQ(accepts(p), (std::vector<uint64_t>{8, 9, 10, 11, 12, 13, 27}));

  // D = 2: binds from command 4 on (s_2 + 1, s_3 + 1, s_4 + 1).
  c.cmd_depth = 2;
  p = predict(c, st);
  EXPECT_EQ(p.issue_cycle, issues);
  EXPECT_EQ(accepts(p), (std::vector<uint64_t>{8, 9, 10, 11, 27, 43, 59}));
}

TEST(Timing, BankFreeRuleDelaysLdwIntoBusyBank) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));            // bank 0, s = 9
  add_cmd(st, PeCmd::mm(0, 16, 0, 0, false));  // bank 0, s = 10, F = 16
  add_cmd(st, PeCmd::ldw(0, 4, 4));            // bank 1: only the loader, s = 9 + P = 13
  add_cmd(st, PeCmd::ldw(0, 4, 4));            // bank 0: s_MM + F - 1 = 25 (loader alone: 17)
  add_cmd(st, PeCmd::mm(0, 4, 1, 0, false));   // moving port: s_MM + F = 26
  const Schedule s = schedule(c, st);
  ASSERT_EQ(s.ops.size(), 5u);
  EXPECT_EQ(s.ops[2].issue, 13u);
  EXPECT_EQ(s.ops[2].bank, 1u);
  EXPECT_EQ(s.ops[3].issue, 25u);
  EXPECT_EQ(s.ops[3].bank, 0u);
  EXPECT_EQ(s.ops[4].issue, 26u);
  EXPECT_EQ(s.ops[4].bank, 0u);
  EXPECT_EQ(s.ops[4].retire, 26u + 8 + 4 - 1);
  EXPECT_EQ(s.end_cycle, 37u);
}

TEST(Timing, PairsOfLdwMmEndAtContractFormula) {
  // s0 + 1 + nF + 2P - 1 for n LDW+MM pairs with F >= P.
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = test::cfg(name);
    const uint32_t p = c.partitions;
    for (uint32_t f : {p, 2 * p, c.psum_entries}) {
      Stimulus st;
      preload_rows(st, c, 0, filled(p, std::max(p, f), 1));
      const uint64_t s0 = st.preload.size() + 1;
      const uint32_t n = 6;
      for (uint32_t i = 0; i < n; ++i) {
        add_cmd(st, PeCmd::ldw(0, p, p));
        add_cmd(st, PeCmd::mm(0, f, i % c.psum_banks, 0, false));
      }
      const Prediction pr = predict(c, st);
      EXPECT_EQ(pr.issue_cycle[0], s0);
      EXPECT_EQ(pr.end_cycle, s0 + 1 + uint64_t(n) * f + 2 * p - 1) << name << " F=" << f;
      // MMs back to back: the moving port never idles.
      for (uint32_t i = 1; i < n; ++i)
        EXPECT_EQ(pr.issue_cycle[2 * i + 1], pr.issue_cycle[2 * i - 1] + f);
    }
  }
}

TEST(Timing, F1AccumulationChainIssuesEveryCycle) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 1, 0, 0, false));
  for (int i = 0; i < 5; ++i) add_cmd(st, PeCmd::mm(0, 1, 0, 0, true));
  const Prediction p = predict(c, st);
  EXPECT_EQ(p.issue_cycle, (std::vector<uint64_t>{9, 10, 11, 12, 13, 14, 15}));
  // Partition 0 writes 4, 8, ..., 24 in consecutive cycles 15..20 (the
  // pre-read of one MM meets the write of the previous in the same cycle).
  std::vector<Txn> w0;
  for (const Txn& t : test::of_channel(p, Channel::kPsumWrite))
    if (t.part == 0) w0.push_back(t);
  ASSERT_EQ(w0.size(), 6u);
  for (size_t i = 0; i < w0.size(); ++i) {
    EXPECT_EQ(w0[i].cycle, 15 + i);
    EXPECT_EQ(int32_t(w0[i].data), int32_t(4 * (i + 1)));
  }
}

TEST(Timing, UtilizationOfWellTiledStream) {
  const Config c = test::cfg("small");
  Stimulus st;
  preload_rows(st, c, 0, filled(8, 64, 1));
  for (int i = 0; i < 16; ++i) {
    add_cmd(st, PeCmd::ldw(0, 8, 8));
    add_cmd(st, PeCmd::mm(0, 64, i % 4, 0, false));
  }
  const Prediction p = predict(c, st);
  EXPECT_EQ(p.macs, 16u * 8 * 8 * 64);
  // Compute window: first issue to last event inclusive (the preload is not
  // counted): s0 .. s0 + 1 + 16 * 64 + 2P - 1.
  const uint64_t s0 = st.preload.size() + 1;
  EXPECT_EQ(p.issue_cycle.front(), s0);
  EXPECT_EQ(compute_cycles(p), 1u + 16 * 64 + 2 * 8);
  EXPECT_DOUBLE_EQ(utilization(c, p), double(p.macs) / (64.0 * compute_cycles(p)));
  EXPECT_DOUBLE_EQ(utilization(c, p), 1024.0 / 1041.0);
  EXPECT_EQ(schedule(c, st).end_cycle, p.end_cycle);
  EXPECT_EQ(utilization(c, Prediction{}), 0.0);
}

// --- A cycle-stepped model of the queue, written independently -------------

std::vector<OpTiming> stepped(const Config& c, const Stimulus& st) {
  const size_t n = st.cmds.size();
  const uint32_t p = c.partitions;
  std::vector<OpTiming> out(n);
  if (n == 0) return out;
  size_t accepted = 0, issued = 0;
  uint64_t avail = st.preload.size() + st.cmds[0].gap;
  uint64_t ldw_port_free = 0, mm_port_free = 0, bank_free[2] = {0, 0};
  uint64_t ldws = 0;
  uint32_t cur_bank = 0;
  for (uint64_t cyc = 0; issued < n; ++cyc) {
    const size_t queued = accepted - issued;  // registered count at the start of the cycle
    bool issue = false;
    if (issued < accepted) {
      const PeCmd& cmd = st.cmds[issued].cmd;
      issue = cyc >= out[issued].accept + 1 && (issued == 0 || cyc >= out[issued - 1].issue + 1);
      if (cmd.op == PeOp::kLdw) {
        issue = issue && cyc >= ldw_port_free && cyc >= bank_free[ldws % 2];
      } else {
        issue = issue && cyc >= mm_port_free;
      }
    }
    const bool accept = accepted < n && cyc >= avail && queued < c.cmd_depth;
    if (issue) {
      const PeCmd& cmd = st.cmds[issued].cmd;
      OpTiming& t = out[issued];
      t.issue = cyc;
      if (cmd.op == PeOp::kLdw) {
        cur_bank = uint32_t(ldws++ % 2);
        ldw_port_free = cyc + p;
        t.retire = cyc + 2 * p - 1;
      } else {
        mm_port_free = cyc + cmd.cols;
        bank_free[cur_bank] = cyc + cmd.cols - 1;
        t.retire = cyc + 2 * p + cmd.cols - 1;
      }
      t.bank = cur_bank;
      ++issued;
    }
    if (accept) {
      out[accepted].accept = cyc;
      ++accepted;
      if (accepted < n) avail = cyc + 1 + st.cmds[accepted].gap;
    }
  }
  return out;
}

TEST(Timing, MatchesCycleSteppedQueueOnRandomStimuli) {
  const uint64_t seed = test::test_seed(20261121);
  int checked = 0;
  for (const char* name : {"tiny", "small", "medium"}) {
    for (uint32_t depth : {2u, 3u, 4u, 16u}) {
      Config c = test::cfg(name);
      c.cmd_depth = depth;
      for (uint64_t i = 0; i < 25; ++i) {
        RandomStimulusOptions opt;
        opt.num_cmds = 60;
        opt.ldw_prob = 0.2 + 0.1 * (i % 5);
        opt.gap_prob = 0.1 * (i % 4);
        opt.partial_strb_prob = 0;
        const uint64_t s = seed + 1000 * depth + i;
        const Stimulus st = random_stimulus(c, s, opt);
        const Schedule sch = schedule(c, st);
        const std::vector<OpTiming> ref = stepped(c, st);
        ASSERT_EQ(sch.ops.size(), ref.size());
        for (size_t k = 0; k < ref.size(); ++k) {
          ASSERT_EQ(sch.ops[k].accept, ref[k].accept)
              << name << " D=" << depth << " seed=" << s << " cmd " << k;
          ASSERT_EQ(sch.ops[k].issue, ref[k].issue)
              << name << " D=" << depth << " seed=" << s << " cmd " << k;
          ASSERT_EQ(sch.ops[k].retire, ref[k].retire);
          ASSERT_EQ(sch.ops[k].bank, ref[k].bank);
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 3 * 4 * 25);
}

TEST(Timing, PredictionInvariantsOnRandomStimuli) {
  const uint64_t seed = test::test_seed(7);
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = test::cfg(name);
    for (uint64_t i = 0; i < 20; ++i) {
      const Stimulus st = random_stimulus(c, seed + i);
      const Prediction p = predict(c, st);
      ASSERT_TRUE(std::is_sorted(p.txns.begin(), p.txns.end()));
      // At most one transaction per (cycle, channel, partition, address): the
      // order is total (an SBUF word wider than 8 bytes is several slices).
      std::set<std::tuple<uint64_t, Channel, uint32_t, uint32_t>> keys;
      uint64_t last_mm_retire = 0;
      for (const Txn& t : p.txns) {
        ASSERT_TRUE(keys.insert({t.cycle, t.channel, t.part, t.addr}).second) << t.to_string();
        EXPECT_LE(t.cycle, p.end_cycle);
        if (t.channel == Channel::kMmRetire) {
          EXPECT_GT(t.cycle, last_mm_retire);
          last_mm_retire = t.cycle;
        }
      }
      EXPECT_EQ(p.issue_cycle.size(), st.cmds.size());
      EXPECT_EQ(test::of_channel(p, Channel::kCmdAccept).size(), st.cmds.size());
      EXPECT_EQ(test::of_channel(p, Channel::kSbufWrite).size(),
                st.preload.size() * ((c.sbuf_word_bytes + 7) / 8));
      EXPECT_EQ(schedule(c, st).end_cycle, p.end_cycle);
    }
  }
}

TEST(Timing, ComparisonCatchesAnOffByOneCycle) {
  const Config c = test::cfg("tiny");
  Stimulus st = tiny_base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 4, 0, 0, false));
  const Prediction p = predict(c, st);
  EXPECT_TRUE(test::same_prediction(p, p));
  Prediction q = p;
  q.txns[12].cycle += 1;
  const auto r = test::same_prediction(p, q);
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("transaction 12 differs"), std::string::npos)
      << r.message();
  q = p;
  q.txns.pop_back();
  EXPECT_FALSE(test::same_prediction(p, q));
  q = p;
  q.final_state.psum[1][0] ^= 1;
  EXPECT_FALSE(test::same_prediction(p, q));
}

}  // namespace
}  // namespace loom
