// ActEngineModel (loom/act_engine_model.h) alone, against the timing facts
// of docs/act.md "Timing contract": issue = accept + 1, element f read in
// s + B + f, the word completed by element f written in s + B + f + 4 (so
// ceil(bytes / WB) writes, the last in s + B + F + 3), done_o in
// s + B + F + 4 and busy_o low from it; back-to-back PSUM ACTs with
// immediates (s_{i+1} = s_i + F_i) and an SBUF reader waiting for the done
// of the previous ACT; the queue (cmd_ready_o, a_i >= s_{i-D} + 1); a stall
// shifting everything after it by one cycle, a conflict outside the ACT's
// partitions not stalling; the data against act_requant. The lock-step test
// against the RTL itself is tests/rtl/test_act_engine.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "loom/act_engine_model.h"
#include "loom/configs.h"
#include "loom/isa.h"

namespace {

// P = 4, SbufBytes 512, WB 8, 2 banks of 16 entries (and WB = 4 for records
// in two words).
const loom::Config kW8{"act_w8", 4, 512, 8, 2, 16, 4, 8};
const loom::Config kW4{"act_w4", 4, 512, 4, 2, 16, 4, 8};

struct Write {
  uint64_t cycle;
  uint32_t addr;
  uint64_t strb;
  uint32_t parts;  // partition mask
};

// Flat memories with a log of the engine's accesses.
class Mem : public loom::ActMemPort {
 public:
  explicit Mem(const loom::Config& c)
      : cfg(c),
        psum(c.partitions, std::vector<uint32_t>(c.psum_banks * c.psum_entries)),
        sbuf(c.partitions, std::vector<uint8_t>(c.sbuf_bytes)) {
    for (uint32_t p = 0; p < c.partitions; ++p) {
      for (uint32_t i = 0; i < psum[p].size(); ++i) psum[p][i] = uint32_t(i * 977 + p * 131) - 5000;
      for (uint32_t i = 0; i < sbuf[p].size(); ++i) sbuf[p][i] = uint8_t(i * 7 + p);
    }
  }
  uint32_t psum_read(uint32_t part, uint32_t bank, uint32_t entry) override {
    return psum.at(part).at(bank * cfg.psum_entries + entry);
  }
  void sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    for (uint32_t b = 0; b < cfg.sbuf_word_bytes; ++b) out[b] = sbuf.at(part).at(addr + b);
  }
  void sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    for (uint32_t b = 0; b < cfg.sbuf_word_bytes; ++b)
      if ((strb >> b) & 1) sbuf.at(part).at(addr + b) = data[b];
  }
  loom::Config cfg;
  std::vector<std::vector<uint32_t>> psum;
  std::vector<std::vector<uint8_t>> sbuf;
};

// Offers the ACTs in order (each from its `offer` cycle on) with `busy(c)`
// on sbuf_wr_busy, until every ACT is done and the engine is idle; records
// every event cycle.
struct Bench {
  Bench(const loom::Config& c, uint32_t qd = 2) : cfg(c), model(c, qd), mem(c) {}
  void Run(const std::vector<loom::Instr::Act>& acts, const std::vector<uint64_t>& offer,
           const std::function<uint32_t(uint64_t)>& busy = nullptr) {
    size_t next = 0;
    loom::ActCycleIn in;
    in.sbuf_wr_busy.assign(cfg.partitions, false);
    for (const auto& a : acts) {
      const loom::InstrCheck chk = loom::validate(cfg, loom::Instr::act(a));
      ASSERT_TRUE(chk.ok()) << chk.message;
    }
    for (uint64_t c = 0; c < 10000; ++c) {
      if (next == acts.size() && done.size() == acts.size() && !model.busy()) return;
      in.cmd_valid = next < acts.size() && c >= offer[next];
      in.cmd = in.cmd_valid ? loom::encode(loom::Instr::act(acts[next])) : loom::InstrWords{};
      in.cmd[0] &= ~((uint64_t(1) << 59) - 1);
      const uint32_t bz = busy ? busy(c) : 0;
      for (uint32_t p = 0; p < cfg.partitions; ++p) in.sbuf_wr_busy[p] = (bz >> p) & 1;
      const loom::ActCycleOut& o = model.step(in, mem);
      EXPECT_EQ(model.cycle(), c + 1);
      if (in.cmd_valid && o.cmd_ready) {
        accept.push_back(c);
        ++next;
      }
      ready.push_back(o.cmd_ready);
      busy_o.push_back(o.busy);
      if (o.issue_valid) {
        EXPECT_EQ(o.issue_tag, issue.size());
        issue.push_back(c);
      }
      if (o.done) done.push_back(c);
      if (o.stall) stalls.push_back(c);
      uint32_t pr = 0, sr = 0, wr = 0;
      for (uint32_t p = 0; p < cfg.partitions; ++p) {
        pr |= uint32_t(o.psum_rd_en[p]) << p;
        sr |= uint32_t(o.sbuf_rd_en[p]) << p;
        wr |= uint32_t(o.wr_valid[p]) << p;
      }
      if (pr) psum_reads.push_back({c, o.psum_rd_addr, 0, pr});
      if (sr) sbuf_reads.push_back({c, o.sbuf_rd_addr, 0, sr});
      if (wr) writes.push_back({c, o.wr_addr, o.wr_strb, wr});
    }
    ADD_FAILURE() << "did not finish";
  }
  loom::Config cfg;
  loom::ActEngineModel model;
  Mem mem;
  std::vector<uint64_t> accept, issue, done, stalls;
  std::vector<bool> ready, busy_o;
  std::vector<Write> psum_reads, sbuf_reads, writes;
};

loom::Instr::Act PsumAct(uint32_t f, uint32_t dst, uint32_t part = 0, uint32_t m = 4) {
  loom::Instr::Act a;
  a.mode = loom::ActMode::kRequant;
  a.psum_bank = 1;
  a.psum_off = 16 - f;
  a.part = part;
  a.m = m;
  a.f = f;
  a.dst_addr = dst;
  a.bias = -7;
  a.scale = 300;
  a.shift = 6;
  a.relu = false;
  return a;
}

// One PSUM ACT alone: every event at its formula cycle, the bytes written
// equal to act_requant of the PSUM entries.
TEST(ActEngineModel, SingleActEventsAndData) {
  Bench b(kW8);
  const loom::Instr::Act a = PsumAct(13, 5);  // bytes 5..17: words 0, 8, 16
  b.Run({a}, {2});
  ASSERT_EQ(b.accept.size(), 1u);
  EXPECT_EQ(b.accept[0], 2u);
  ASSERT_EQ(b.issue.size(), 1u);
  const uint64_t s = b.issue[0];
  EXPECT_EQ(s, b.accept[0] + 1);
  ASSERT_EQ(b.psum_reads.size(), 13u);
  for (uint32_t f = 0; f < 13; ++f) {
    EXPECT_EQ(b.psum_reads[f].cycle, s + f);  // B = 0
    EXPECT_EQ(b.psum_reads[f].addr, 1 * 16 + 3 + f);
    EXPECT_EQ(b.psum_reads[f].parts, 0xfu);
  }
  ASSERT_EQ(b.writes.size(), 3u);
  // words end with elements 2 (byte 7), 10 (byte 15) and 12 (the last)
  EXPECT_EQ(b.writes[0].cycle, s + 2 + 4);
  EXPECT_EQ(b.writes[1].cycle, s + 10 + 4);
  EXPECT_EQ(b.writes[2].cycle, s + 13 + 3);
  EXPECT_EQ(b.writes[0].addr, 0u);
  EXPECT_EQ(b.writes[0].strb, 0xe0u);
  EXPECT_EQ(b.writes[1].strb, 0xffu);
  EXPECT_EQ(b.writes[2].addr, 16u);
  EXPECT_EQ(b.writes[2].strb, 0x03u);
  ASSERT_EQ(b.done.size(), 1u);
  EXPECT_EQ(b.done[0], s + 13 + 4);
  EXPECT_TRUE(b.busy_o[b.done[0] - 1]);
  EXPECT_FALSE(b.busy_o[b.done[0]]);  // low from the done cycle
  for (uint32_t p = 0; p < 4; ++p)
    for (uint32_t f = 0; f < 13; ++f)
      EXPECT_EQ(int8_t(b.mem.sbuf[p][5 + f]),
                loom::act_requant(int32_t(b.mem.psum[p][16 + 3 + f]), -7, 300, 6, false))
          << p << " " << f;
}

// Records: B = 1 word at WB = 8, 2 at WB = 4, read in s .. s + B - 1 before
// the SBUF elements; done in s + B + F + 4.
TEST(ActEngineModel, RecordWordsThenSbufElements) {
  for (const loom::Config* cfg : {&kW8, &kW4}) {
    const uint32_t wb = cfg->sbuf_word_bytes, nb = wb >= 8 ? 1 : 2;
    Bench b(*cfg);
    loom::Instr::Act a;
    a.src_sbuf = true;
    a.src_addr = 64;
    a.part = 1;
    a.m = 2;
    a.f = 6;
    a.dst_addr = 200;
    a.bs_sbuf = true;
    a.bs_addr = 400;
    a.shift = 3;
    ASSERT_TRUE(loom::validate(*cfg, loom::Instr::act(a)).ok());
    // the record of partitions 1, 2: bias 1000, scale -2
    for (uint32_t p = 1; p <= 2; ++p) {
      const int32_t bias = 1000;
      for (int i = 0; i < 4; ++i) b.mem.sbuf[p][400 + i] = uint8_t(uint32_t(bias) >> (8 * i));
      b.mem.sbuf[p][404] = uint8_t(uint16_t(-2));
      b.mem.sbuf[p][405] = uint8_t(uint16_t(-2) >> 8);
    }
    const Mem before = b.mem;
    b.Run({a}, {0});
    ASSERT_EQ(b.issue.size(), 1u);
    const uint64_t s = b.issue[0];
    EXPECT_EQ(s, 1u);
    ASSERT_EQ(b.sbuf_reads.size(), nb + 6) << wb;
    for (uint32_t j = 0; j < nb; ++j) {
      EXPECT_EQ(b.sbuf_reads[j].cycle, s + j);
      EXPECT_EQ(b.sbuf_reads[j].addr, 400 + j * wb);
      EXPECT_EQ(b.sbuf_reads[j].parts, 0x6u);
    }
    for (uint32_t f = 0; f < 6; ++f) {
      EXPECT_EQ(b.sbuf_reads[nb + f].cycle, s + nb + f);
      EXPECT_EQ(b.sbuf_reads[nb + f].addr, (64 + 4 * f) / wb * wb);
    }
    EXPECT_TRUE(b.psum_reads.empty());
    ASSERT_EQ(b.done.size(), 1u);
    EXPECT_EQ(b.done[0], s + nb + 6 + 4) << wb;
    ASSERT_FALSE(b.writes.empty());
    EXPECT_EQ(b.writes.back().cycle, s + nb + 6 + 3);
    for (uint32_t p = 1; p <= 2; ++p)
      for (uint32_t f = 0; f < 6; ++f) {
        const auto& sb = before.sbuf[p];
        const int32_t x = int32_t(uint32_t(sb[64 + 4 * f]) | uint32_t(sb[65 + 4 * f]) << 8 |
                                  uint32_t(sb[66 + 4 * f]) << 16 | uint32_t(sb[67 + 4 * f]) << 24);
        EXPECT_EQ(int8_t(b.mem.sbuf[p][200 + f]), loom::act_requant(x, 1000, -2, 3, false));
      }
    EXPECT_EQ(b.mem.sbuf[0], before.sbuf[0]);  // partitions outside the ACT untouched
    EXPECT_EQ(b.mem.sbuf[3], before.sbuf[3]);
  }
}

// Issue rule: PSUM ACTs with immediates overlap (s1 = s0 + F0); an SBUF
// reader waits for the previous done (s2 = d1); the queue holds D = 2, so
// the third offer is accepted only after the first issue.
TEST(ActEngineModel, IssueRuleAndQueue) {
  Bench b(kW8);
  loom::Instr::Act sb = PsumAct(4, 300);
  sb.src_sbuf = true;
  sb.src_addr = 32;
  sb.psum_bank = 0;
  sb.psum_off = 0;
  b.Run({PsumAct(9, 0), PsumAct(7, 100), sb, PsumAct(2, 400)}, {0, 0, 0, 0});
  ASSERT_EQ(b.issue.size(), 4u);
  ASSERT_EQ(b.done.size(), 4u);
  EXPECT_EQ(b.accept[0], 0u);
  EXPECT_EQ(b.accept[1], 1u);
  EXPECT_EQ(b.issue[0], 1u);
  EXPECT_EQ(b.issue[1], b.issue[0] + 9);  // right after the last step of ACT 0
  EXPECT_EQ(b.done[0], b.issue[0] + 9 + 4);
  EXPECT_EQ(b.done[1], b.issue[1] + 7 + 4);
  // ACT 0 issues in 1 (freeing its slot from 2), so ACT 2 is accepted in 2;
  // then the queue holds ACTs 1 and 2 until ACT 1 issues: a_3 = s_1 + 1
  EXPECT_EQ(b.accept[2], 2u);
  EXPECT_FALSE(b.ready[3]);
  EXPECT_FALSE(b.ready[b.issue[1]]);
  EXPECT_EQ(b.accept[3], b.issue[1] + 1);
  EXPECT_EQ(b.issue[2], b.done[1]);  // the SBUF reader waits for the engine to drain
  EXPECT_EQ(b.issue[3], b.issue[2] + 4);
  EXPECT_EQ(b.done[3], b.issue[3] + 2 + 4);
  EXPECT_TRUE(b.stalls.empty());
}

// One conflict in a write cycle delays that write and everything after it by
// one cycle; a conflict on partitions outside the ACT never stalls.
TEST(ActEngineModel, StallShiftsByOneCycle) {
  Bench ref(kW8);
  ref.Run({PsumAct(16, 0)}, {0});
  ASSERT_EQ(ref.writes.size(), 2u);
  const uint64_t w0 = ref.writes[0].cycle;
  EXPECT_EQ(w0, ref.issue[0] + 7 + 4);

  Bench b(kW8);
  b.Run({PsumAct(16, 0)}, {0}, [&](uint64_t c) { return c == w0 ? 0x4u : 0u; });
  ASSERT_EQ(b.stalls.size(), 1u);
  EXPECT_EQ(b.stalls[0], w0);
  ASSERT_EQ(b.writes.size(), 2u);
  EXPECT_EQ(b.writes[0].cycle, w0 + 1);
  EXPECT_EQ(b.writes[1].cycle, ref.writes[1].cycle + 1);
  EXPECT_EQ(b.done[0], ref.done[0] + 1);
  // no read step in the stall cycle: the reads after it move by one
  ASSERT_EQ(b.psum_reads.size(), 16u);
  for (size_t f = 0; f < 16; ++f)
    EXPECT_EQ(b.psum_reads[f].cycle, ref.psum_reads[f].cycle + (ref.psum_reads[f].cycle >= w0))
        << f;
  EXPECT_EQ(b.mem.sbuf, ref.mem.sbuf);

  Bench o(kW8);  // the ACT uses partitions 0, 1; 2 and 3 are always busy
  o.Run({PsumAct(16, 0, 0, 2)}, {0}, [](uint64_t) { return 0xcu; });
  EXPECT_TRUE(o.stalls.empty());
  EXPECT_EQ(o.done[0], ref.done[0]);
}

// A stall lasting several cycles holds the write as long as it lasts; the
// engine loses nothing (the stash absorbs the lanes).
TEST(ActEngineModel, LongStallLosesNothing) {
  Bench ref(kW8);
  ref.Run({PsumAct(16, 3), PsumAct(16, 40)}, {0, 0});
  Bench b(kW8);
  const uint64_t w0 = ref.writes[0].cycle;
  b.Run({PsumAct(16, 3), PsumAct(16, 40)}, {0, 0},
        [&](uint64_t c) { return c >= w0 && c < w0 + 9 ? 0xfu : 0u; });
  EXPECT_EQ(b.stalls.size(), 9u);
  EXPECT_EQ(b.done.back(), ref.done.back() + 9);
  EXPECT_EQ(b.writes.size(), ref.writes.size());
  EXPECT_EQ(b.mem.sbuf, ref.mem.sbuf);
}

TEST(ActEngineModel, RejectsUnsupportedParameters) {
  EXPECT_THROW(loom::ActEngineModel(kW8, 1), std::invalid_argument);
  EXPECT_THROW(loom::ActEngineModel(kW8, 17), std::invalid_argument);
  loom::Config c = kW8;
  c.sbuf_word_bytes = 2;
  EXPECT_THROW(loom::ActEngineModel(c, 2), std::invalid_argument);
  c = kW8;
  c.psum_entries = 24;
  EXPECT_THROW(loom::ActEngineModel(c, 2), std::invalid_argument);
  EXPECT_NO_THROW(loom::ActEngineModel(kW8, loom::kActQueueDepth));
  for (const loom::Config& cfg : loom::kConfigs)
    EXPECT_NO_THROW(loom::ActEngineModel(cfg, loom::kActQueueDepth)) << cfg.name;
}

}  // namespace
