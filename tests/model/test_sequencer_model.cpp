// SequencerModel (loom/sequencer_model.h) against the timing contract of
// docs/sequencer.md, without the RTL: directed facts read straight from the
// doc (first AR at s + 2, dispatch at t + 1 and issue at t + 2 after the R
// beat t completing an instruction, completion c -> waiting head issues at
// c + 1, error_o at c + 2 with idle engines, done_o at c + 1), so the model
// is checked against the contract and not only against the RTL
// (tests/rtl/test_seq_lockstep.cpp). The fetch bus is 64 bits (4 beats per
// instruction), the DRAM a loom::AxiMem.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "loom/asm.h"
#include "loom/axi_mem.h"
#include "loom/isa.h"
#include "loom/sequencer_model.h"

namespace {

constexpr uint64_t kBase = 0x4000;

class Harness {
 public:
  explicit Harness(uint32_t latency = 10) : mem_(MemCfg(latency)), model_(loom::SequencerParams{}) {
    in_.dram_base = 0x1000;
    in_.dram_limit = 0x100000;
    in_.watchdog = 0;
    in_.pe_cmd_ready = in_.act_cmd_ready = true;
    in_.dma_desc_ready = {true, true};
  }
  static loom::AxiMemConfig MemCfg(uint32_t latency) {
    loom::AxiMemConfig c;
    c.data_bytes = 8;
    c.read_latency = latency;
    return c;
  }
  void Load(const std::string& text) {
    std::vector<uint8_t> bytes = loom::assemble_binary(text);
    len_ = uint32_t(bytes.size() / 32);
    mem_.write(kBase, bytes);
  }
  void LoadWords(const std::vector<loom::InstrWords>& prog) {
    std::vector<uint8_t> bytes;
    for (const auto& w : prog)
      for (uint64_t x : w)
        for (int b = 0; b < 8; ++b) bytes.push_back(uint8_t(x >> (8 * b)));
    len_ = uint32_t(prog.size());
    mem_.write(kBase, bytes);
  }
  // One cycle; `hook` may change this cycle's engine inputs first.
  const loom::SeqCycleOut& Step() {
    in_.axi = mem_.outputs();
    if (hook_) hook_(cycle_, in_);
    const loom::SeqCycleOut& o = model_.step(in_);
    if (o.axi.ar_valid && in_.axi.ar_ready) ar_.push_back(cycle_);
    if (in_.axi.r_valid && o.axi.r_ready) r_.push_back(cycle_);
    if (o.obs_dispatch_valid) dispatch_.push_back(cycle_);
    for (int e = 0; e < 4; ++e)
      if (o.obs_issue_valid[e]) issue_[e].push_back(cycle_);
    if (o.done_pulse) done_pulse_.push_back(cycle_);
    if (o.error_pulse) error_pulse_.push_back(cycle_);
    if (o.busy) last_busy_ = cycle_;
    mem_.tick(o.axi);
    in_.start = false;
    ++cycle_;
    return o;
  }
  uint64_t Start() {
    in_.start = true;
    in_.prog_base = kBase;
    in_.prog_len = len_;
    const uint64_t s = cycle_;
    Step();
    return s;
  }
  void Run(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) Step();
  }

  loom::AxiMem mem_;
  loom::SequencerModel model_;
  loom::SeqCycleIn in_;
  std::function<void(uint64_t, loom::SeqCycleIn&)> hook_;
  uint32_t len_ = 0;
  uint64_t cycle_ = 0, last_busy_ = 0;
  std::vector<uint64_t> ar_, r_, dispatch_, issue_[4], done_pulse_, error_pulse_;
};

// start in s: busy from s + 1, the first AR valid (and, with a ready slave,
// accepted) in s + 2 and not before.
TEST(SequencerModel, FirstArTwoCyclesAfterStart) {
  Harness h;
  h.Load("nop\nend\n");
  h.Run(3);
  const uint64_t s = h.Start();
  const loom::SeqCycleOut& o1 = h.Step();  // s + 1
  EXPECT_TRUE(o1.busy);
  EXPECT_FALSE(o1.axi.ar_valid);
  const loom::SeqCycleOut& o2 = h.Step();  // s + 2
  EXPECT_TRUE(o2.axi.ar_valid);
  EXPECT_EQ(o2.axi.ar_addr, kBase);
  EXPECT_EQ(o2.axi.ar_len, 4u * 2 - 1);  // two instructions of 4 beats (nf = 2 < burst)
  EXPECT_EQ(o2.axi.ar_size, 3u);
  ASSERT_EQ(h.ar_.size(), 1u);
  EXPECT_EQ(h.ar_[0], s + 2);
}

// R handshake completing instruction n in t -> dispatch t + 1 -> issue t + 2
// (engine ready, no wait), with the instruction's bits 127:64 on pe_cmd_o.
TEST(SequencerModel, DispatchAndIssueAfterTheLastBeat) {
  Harness h;
  h.Load("ldw sbuf=0x40 k=8 m=8\nend\n");
  h.Start();
  h.hook_ = [&](uint64_t c, loom::SeqCycleIn& in) {
    if (!h.issue_[0].empty() && c == h.issue_[0][0] + 3) {
      in.pe_ldw_retire = true;
      in.pe_ldw_retire_tag = 0;
    } else {
      in.pe_ldw_retire = false;
    }
  };
  h.Run(100);
  ASSERT_GE(h.r_.size(), 8u);
  const uint64_t t = h.r_[3];  // the 4th beat completes instruction 0
  ASSERT_GE(h.dispatch_.size(), 1u);
  EXPECT_EQ(h.dispatch_[0], t + 1);
  ASSERT_EQ(h.issue_[0].size(), 1u);
  EXPECT_EQ(h.issue_[0][0], t + 2);
  ASSERT_EQ(h.done_pulse_.size(), 1u);
  // END reaches the decode stage after its beat r_[7] and completes in the
  // first cycle with idle engines: after the retire in issue + 3 and the
  // registered empty in-flight list, so done_o in issue + 3 + 1 + 1.
  EXPECT_EQ(h.done_pulse_[0], std::max(h.r_[7] + 2, h.issue_[0][0] + 5));
}

// A head waiting on a semaphore issues in c + 1 after the completion in c
// that signals it; the semaphore change is visible on obs_sem in c.
TEST(SequencerModel, CompletionToIssueNextCycle) {
  Harness h;
  h.Load(
      "ldw sbuf=0 k=8 m=8 signal=s3\n"
      "act.copy bank=0 m=8 f=4 dst=0 wait=s3>=1 signal=s4\n"
      "end wait=s4>=1\n");
  uint64_t retire = 0, act_done = 0;
  bool sem_seen = false;
  h.hook_ = [&](uint64_t c, loom::SeqCycleIn& in) {
    in.pe_ldw_retire = !h.issue_[0].empty() && c == h.issue_[0][0] + 50;
    if (in.pe_ldw_retire) retire = c;
    in.pe_busy = !h.issue_[0].empty() && c > h.issue_[0][0] && c <= h.issue_[0][0] + 50;
    in.act_done = !h.issue_[1].empty() && c == h.issue_[1][0] + 7;
    in.act_busy = !h.issue_[1].empty() && c > h.issue_[1][0] && c <= h.issue_[1][0] + 7;
    if (in.act_done) act_done = c;
  };
  h.Start();
  for (int i = 0; i < 200; ++i) {
    const loom::SeqCycleOut& o = h.Step();
    if (retire != 0 && h.cycle_ - 1 == retire) {
      EXPECT_EQ(o.obs_sem_valid, 1u << 3);
      EXPECT_EQ(o.obs_sem_value[3], 1u);
      EXPECT_FALSE(o.act_cmd_valid);  // the wait sees the signal from c + 1
      sem_seen = true;
    }
  }
  EXPECT_TRUE(sem_seen);
  ASSERT_EQ(h.issue_[1].size(), 1u);
  EXPECT_EQ(h.issue_[1][0], retire + 1);
  ASSERT_EQ(h.done_pulse_.size(), 1u);
  EXPECT_EQ(h.done_pulse_[0], act_done + 2);  // END completes in act_done + 1 (s4 seen), done + 1
}

// END completing in c: done_o and done_pulse_o in c + 1, the pulse one cycle
// only, done_o held, busy low from c + 1.
TEST(SequencerModel, DoneOneCycleAfterEnd) {
  Harness h;
  h.Load("end\n");
  h.Start();
  bool held = true;
  for (int i = 0; i < 60; ++i) {
    const loom::SeqCycleOut& o = h.Step();
    if (!h.done_pulse_.empty() && h.cycle_ - 1 > h.done_pulse_[0]) held = held && o.done;
  }
  ASSERT_GE(h.r_.size(), 4u);
  const uint64_t c = h.r_[3] + 1;  // END at the decode stage, engines idle
  ASSERT_EQ(h.done_pulse_.size(), 1u);
  EXPECT_EQ(h.done_pulse_[0], c + 1);
  EXPECT_EQ(h.last_busy_, c);
  EXPECT_TRUE(held);
}

// An error detected in c with idle engines: error_o / error_pulse_o in
// c + 2, with the code and index. A static error (at the decode stage in
// t + 1) and a DMA completion error.
TEST(SequencerModel, ErrorTwoCyclesAfterDetection) {
  {
    Harness h;
    h.LoadWords({loom::encode(loom::Instr::nop()), loom::InstrWords{}});  // 0x00: ILLEGAL_OPCODE
    h.Start();
    h.Run(60);
    ASSERT_GE(h.r_.size(), 8u);
    const uint64_t c = h.r_[7] + 1;
    ASSERT_EQ(h.error_pulse_.size(), 1u);
    EXPECT_EQ(h.error_pulse_[0], c + 2);
    EXPECT_EQ(h.last_busy_, c + 1);
    const loom::SeqCycleOut& o = h.Step();
    EXPECT_TRUE(o.error);
    EXPECT_EQ(o.error_code, 1u);
    EXPECT_EQ(o.error_index, 1u);
  }
  {
    Harness h;
    h.Load(
        "dma.load q=1 dram=0x20000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0\n"
        "end wait=s0>=1\n");
    uint64_t cpl = 0;
    h.hook_ = [&](uint64_t c, loom::SeqCycleIn& in) {
      const bool issued = !h.issue_[3].empty();
      in.dma_cpl_valid[1] = issued && c == h.issue_[3][0] + 20;
      in.dma_cpl_err[1] = in.dma_cpl_valid[1] ? 4 : 0;  // SLVERR
      in.dma_busy = issued && c > h.issue_[3][0] && c <= h.issue_[3][0] + 20;
      if (in.dma_cpl_valid[1]) cpl = c;
    };
    h.Start();
    h.Run(150);
    ASSERT_NE(cpl, 0u);
    ASSERT_EQ(h.error_pulse_.size(), 1u);
    EXPECT_EQ(h.error_pulse_[0], cpl + 2);
    const loom::SeqCycleOut& o = h.Step();
    EXPECT_EQ(o.error_code, 7u);  // AXI_SLVERR
    EXPECT_EQ(o.error_index, 0u);
    EXPECT_EQ(h.done_pulse_.size(), 0u);
  }
}

// Parameters out of range are refused.
TEST(SequencerModel, BadParameters) {
  loom::SequencerParams p;
  p.semaphores = 33;
  EXPECT_THROW(loom::SequencerModel{p}, std::invalid_argument);
  p = {};
  p.axi_data_bytes = 12;
  EXPECT_THROW(loom::SequencerModel{p}, std::invalid_argument);
  p = {};
  p.fetch_buf_depth = 2;
  EXPECT_THROW(loom::SequencerModel{p}, std::invalid_argument);
  EXPECT_NO_THROW(loom::SequencerModel{loom::SequencerParams{}});
}

}  // namespace
