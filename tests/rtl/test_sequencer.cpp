// Unit tests of the sequencer (docs/sequencer.md): the Verilated sequencer
// fetches programs assembled with loom::assemble() / encode() from
// loom::AxiMem and drives C++ engine stubs (PE, ACT, two DMA queues) with
// configurable latencies and back-pressure. The stubs check every command
// they receive (engine, bits, program order per engine); every cycle the
// bench checks the observation ports against the program: dispatch in
// program order, issue per queue in order with the wait satisfied, SYNC
// barriers, every semaphore change equal to the signals completed in that
// cycle; at the end done or the expected error (code, index). Built at
// three fetch widths (LOOM_UT_DB bytes). Random tests print their seed;
// LOOM_SEED overrides it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vsequencer.h"
#include "loom/asm.h"
#include "loom/axi_mem.h"
#include "loom/isa.h"
#include "verilated.h"
#include "seq_bench.h"
#include "vl_bytes.h"

namespace {

constexpr uint32_t kFetchBuf = 16, kBurstInstrs = 4;                  // sequencer defaults
constexpr uint64_t kFb = std::max<uint64_t>(kBurstInstrs * 32, kDB);  // fetch burst window

enum Q { kPe = 0, kAct = 1, kDma0 = 2, kDma1 = 3 };  // engine queues (obs_issue bit)

// --- The program as the bench sees it ---------------------------------------

struct Info {
  loom::InstrWords w{};
  uint8_t op = 0;
  int queue = -1;  // engine queue 0..3, or -1: the sequencer's own (NOP, END, SYNC seq)
  bool sync = false;
  uint32_t wait_sem = 0, wait_val = 0, sig_sem = 0, sig_inc = 0;
};

Info InfoOf(const loom::InstrWords& w) {
  Info i;
  i.w = w;
  i.op = uint8_t(w[0]);
  i.wait_sem = (w[0] >> 8) & 31;
  i.wait_val = (w[0] >> 13) & 0xffff;
  i.sig_sem = (w[0] >> 29) & 31;
  i.sig_inc = (w[0] >> 34) & 0xff;
  i.sync = i.op == 0x03;
  if (i.sync) {
    const int e = int(w[1] & 7);
    i.queue = e == 0 ? -1 : e - 1;
  }
  if (i.op == 0x20 || i.op == 0x21) i.queue = kPe;
  if (i.op == 0x30) i.queue = kAct;
  if (i.op == 0x10) i.queue = ((w[0] >> 42) & 1) ? kDma1 : kDma0;
  return i;
}

struct BenchCfg {
  loom::AxiMemConfig mem;
  EngineCfg pe, act, dma;
  uint64_t seed = 1;
  BenchCfg() {
    mem.data_bytes = kDB;
    mem.read_latency = 10;
  }
};

class Bench {
 public:
  explicit Bench(const BenchCfg& cfg) : cfg_(cfg), mem_(cfg.mem), stubs_(cfg.pe, cfg.act, cfg.dma, cfg.seed) {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vsequencer>(ctx_.get(), "seq");
    ResetSequencer(*dut_);
  }
  ~Bench() { dut_->final(); }

  // Program at `base` (also words past the length may be written, e.g. to
  // show they are never executed).
  void Load(const std::vector<loom::InstrWords>& prog, uint64_t base = kProgBase) {
    mem_.write(base, ProgramBytes(prog));
    prog_.clear();
    for (const auto& w : prog) prog_.push_back(InfoOf(w));
  }

  // Starts a run (start_i for one cycle) and resets the bench's view.
  void Start(uint32_t len, uint64_t base = kProgBase, uint32_t watchdog = 100000,
             uint64_t win_base = kWinBase, uint64_t win_limit = kWinLimit) {
    len_ = len;
    sem_.assign(kSems, 0);
    next_dispatch_ = 0;
    for (int e = 0; e < 4; ++e) {
      queue_list_[e].clear();
      cmd_list_[e].clear();
      next_issue_[e] = 0;
      accepted_[e] = 0;
    }
    for (uint32_t n = 0; n < prog_.size() && n < len; ++n) {
      const Info& i = prog_[n];
      if (i.queue >= 0) {
        queue_list_[i.queue].push_back(n);
        if (!i.sync) cmd_list_[i.queue].push_back(n);
      }
    }
    completed_.assign(prog_.size(), UINT64_MAX);
    issued_.assign(prog_.size(), UINT64_MAX);
    dispatched_.assign(prog_.size(), UINT64_MAX);
    start_cycle_ = cycle_;
    done_cycle_ = error_cycle_ = UINT64_MAX;
    start_ = true;
    dut_->prog_base_i = base;
    dut_->prog_len_i = len;
    dut_->watchdog_i = watchdog;
    dut_->dram_base_i = win_base;
    dut_->dram_limit_i = win_limit;
    Step();
    start_ = false;
  }

  // Runs until done or error (and `extra` cycles more); false on timeout.
  bool Run(uint64_t max_cycles = 200000, int extra = 3) {
    const uint64_t end = cycle_ + max_cycles;
    while (!dut_->done_o && !dut_->error_o && cycle_ < end) Step();
    for (int i = 0; i < extra; ++i) Step();
    return dut_->done_o || dut_->error_o;
  }
  void Idle(int n) {
    for (int i = 0; i < n; ++i) Step();
  }

  void Step() {
    // --- Inputs of this cycle.
    const loom::AxiSlaveOut& so = mem_.outputs();
    dut_->start_i = start_;
    dut_->m_axi_if_arready_i = so.ar_ready;
    dut_->m_axi_if_rvalid_i = so.r_valid;
    dut_->m_axi_if_rid_i = so.r_id;
    loom::SetBytes(dut_->m_axi_if_rdata_i, so.r_data.data(), kDB);
    dut_->m_axi_if_rresp_i = so.r_resp;
    dut_->m_axi_if_rlast_i = so.r_last;

    // The engines (seq_bench.h); a wrong LDW retire tag for the death test.
    const EngineStubs::Out st = stubs_.Drive(cycle_);
    const bool ldw_ret = st.ldw_retire, mm_ret = st.mm_retire, act_done = st.act_done;
    uint32_t cpl = 0, cpl_err = 0, dready = 0;
    for (int q = 0; q < 2; ++q) {
      cpl |= uint32_t(st.cpl[q]) << q;
      cpl_err |= uint32_t(st.cpl_err[q]) << (4 * q);
      dready |= uint32_t(st.dma_ready[q]) << q;
    }
    dut_->pe_ldw_retire_i = ldw_ret;
    dut_->pe_ldw_retire_tag_i = ldw_ret ? st.ldw_tag + tag_skew_ : 0;
    dut_->pe_mm_retire_i = mm_ret;
    dut_->pe_mm_retire_tag_i = st.mm_tag;
    dut_->pe_busy_i = st.pe_busy;
    dut_->pe_cmd_ready_i = st.pe_ready;
    dut_->act_done_i = act_done;
    dut_->act_busy_i = st.act_busy;
    dut_->act_cmd_ready_i = st.act_ready;
    dut_->dma_cpl_valid_i = cpl;
    dut_->dma_cpl_err_i = cpl_err;
    dut_->dma_busy_i = st.dma_busy;
    dut_->dma_halted_i = uint32_t(st.halted[0]) | uint32_t(st.halted[1]) << 1;
    dut_->dma_desc_ready_i = dready;
    dut_->eval();

    // --- Outputs of this cycle.
    loom::AxiMasterOut mo;
    mo.ar_valid = dut_->m_axi_if_arvalid_o;
    mo.ar_id = dut_->m_axi_if_arid_o;
    mo.ar_addr = dut_->m_axi_if_araddr_o;
    mo.ar_len = dut_->m_axi_if_arlen_o;
    mo.ar_size = dut_->m_axi_if_arsize_o;
    mo.ar_burst = dut_->m_axi_if_arburst_o;
    mo.r_ready = dut_->m_axi_if_rready_o;
    if (mo.ar_valid && so.ar_ready) ar_cycles_.push_back(cycle_);
    if (so.r_valid && mo.r_ready) r_cycles_.push_back(cycle_);

    CheckCycle(ldw_ret, mm_ret, act_done, cpl, cpl_err);

    // Engine handshakes: accept into the stubs (after the checks).
    if (dut_->pe_cmd_valid_o && dut_->pe_cmd_ready_i) {
      const uint64_t cmd = dut_->pe_cmd_o;
      const uint32_t n = Accept(kPe, [&](const Info& i) { return cmd == i.w[1]; });
      stubs_.AcceptPe(cycle_, ((cmd >> 52) & 3) == 1, n);
    }
    if (dut_->act_cmd_valid_o && dut_->act_cmd_ready_i) {
      loom::InstrWords got{};
      for (int k = 0; k < 4; ++k)
        got[k] = uint64_t(dut_->act_cmd_o[2 * k]) | uint64_t(dut_->act_cmd_o[2 * k + 1]) << 32;
      const uint32_t n = Accept(kAct, [&](const Info& i) { return got == Payload(i.w); });
      stubs_.AcceptAct(cycle_, n);
    }
    for (int q = 0; q < 2; ++q) {
      if (!((dut_->dma_desc_valid_o >> q) & 1) || !((dut_->dma_desc_ready_i >> q) & 1)) continue;
      loom::InstrWords got{};
      for (int k = 0; k < 4; ++k)
        got[k] = uint64_t(dut_->dma_desc_o[8 * q + 2 * k]) |
                 uint64_t(dut_->dma_desc_o[8 * q + 2 * k + 1]) << 32;
      const uint32_t n = Accept(kDma0 + q, [&](const Info& i) { return got == Payload(i.w); });
      stubs_.AcceptDma(cycle_, q, n);
    }
    stubs_.Edge(st);  // completions take effect at the edge

    mem_.tick(mo);
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    ++cycle_;
  }

  // The payload an engine gets: the word with the header (bits 58:0) cleared.
  static loom::InstrWords Payload(loom::InstrWords w) {
    w[0] &= ~((uint64_t(1) << 59) - 1);
    return w;
  }

  // Every command of the program reached its engine and completed.
  void ExpectAllCommandsDone() const {
    for (int e = 0; e < 4; ++e) {
      EXPECT_EQ(accepted_[e], cmd_list_[e].size()) << "engine " << e;
      EXPECT_EQ(next_issue_[e], queue_list_[e].size()) << "queue " << e;
    }
    for (uint32_t n = 0; n < prog_.size() && n < len_; ++n)
      if (prog_[n].queue >= 0) { EXPECT_NE(completed_[n], UINT64_MAX) << "instruction " << n; }
  }
  void ExpectError(uint32_t code, uint32_t index) const {
    EXPECT_TRUE(dut_->error_o);
    EXPECT_FALSE(dut_->done_o);
    EXPECT_EQ(uint32_t(dut_->error_code_o), code);
    EXPECT_EQ(uint32_t(dut_->error_index_o), index);
  }

  const BenchCfg cfg_;
  loom::AxiMem mem_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsequencer> dut_;
  EngineStubs stubs_;
  uint64_t cycle_ = 0;
  bool start_ = false;
  std::vector<Info> prog_;
  uint32_t len_ = 0;

  uint16_t tag_skew_ = 0;  // a wrong retire tag (death test)

  // What the bench saw.
  std::vector<uint64_t> ar_cycles_, r_cycles_;
  std::vector<uint64_t> completed_, issued_, dispatched_;
  std::vector<uint32_t> queue_list_[4], cmd_list_[4];
  size_t next_issue_[4] = {0, 0, 0, 0}, accepted_[4] = {0, 0, 0, 0};
  uint32_t next_dispatch_ = 0;
  std::vector<uint32_t> sem_;
  uint64_t start_cycle_ = 0, done_cycle_ = UINT64_MAX, error_cycle_ = UINT64_MAX;
  uint64_t sem_changes_ = 0;
  uint64_t waited_ = 0;  // issues with a wait that held the head back (or a busy engine)
  bool check_sems_ = true;

 private:
  // The k-th command of engine e is the k-th non-SYNC instruction of its
  // queue; its bits must be the instruction's.
  uint32_t Accept(int e, const std::function<bool(const Info&)>& same) {
    const size_t k = accepted_[e]++;
    if (k >= cmd_list_[e].size()) {
      ADD_FAILURE() << "engine " << e << ": unexpected command " << k << " at cycle " << cycle_;
      return 0;
    }
    const uint32_t n = cmd_list_[e][k];
    EXPECT_TRUE(same(prog_[n])) << "engine " << e << ": wrong bits for instruction " << n;
    EXPECT_EQ(issued_[n], cycle_) << "engine " << e << ": instruction " << n
                                  << " accepted without its obs_issue";
    return n;
  }

  uint32_t IssueIndex(int e) const { return dut_->obs_issue_index_o[e]; }

  void CheckCycle(bool ldw_ret, bool mm_ret, bool act_done, uint32_t cpl, uint32_t cpl_err) {
    // Completion events of this cycle (the stubs' view) and their signals.
    std::vector<uint32_t> delta(kSems, 0);
    auto complete = [&](uint32_t n) {
      if (n < completed_.size()) completed_[n] = cycle_;
      if (n < prog_.size() && prog_[n].sig_inc) delta[prog_[n].sig_sem] += prog_[n].sig_inc;
    };
    if (ldw_ret) complete(stubs_.pe_ldw.front().index);
    if (mm_ret) complete(stubs_.pe_mm.front().index);
    if (act_done) complete(stubs_.act.front().index);
    for (int q = 0; q < 2; ++q)
      if (((cpl >> q) & 1) && ((cpl_err >> (4 * q)) & 15) == 0) complete(stubs_.dma[q].front().index);

    // Dispatch: in program order, into the right queue.
    if (dut_->obs_dispatch_valid_o) {
      const uint32_t n = dut_->obs_dispatch_index_o;
      EXPECT_EQ(n, next_dispatch_) << "dispatch out of order at cycle " << cycle_;
      next_dispatch_ = n + 1;
      if (n < prog_.size()) {
        const Info& i = prog_[n];
        dispatched_[n] = cycle_;
        EXPECT_EQ(int(dut_->obs_dispatch_queue_o), i.queue + 1) << "instruction " << n;
        EXPECT_NE(i.op, 0x02) << "END is never dispatched";
        if (i.sync && i.queue < 0) {  // SYNC seq: wait satisfied, signals now
          EXPECT_GE(sem_[i.wait_sem], i.wait_val) << "SYNC seq " << n << " passed its wait";
          complete(n);
        }
      }
    }
    // Issue: per queue in order, wait satisfied; a SYNC after every earlier
    // instruction of its queue completed.
    for (int e = 0; e < 4; ++e) {
      if (!((dut_->obs_issue_valid_o >> e) & 1)) continue;
      const uint32_t n = IssueIndex(e);
      if (next_issue_[e] >= queue_list_[e].size()) {
        ADD_FAILURE() << "queue " << e << ": unexpected issue of " << n;
        continue;
      }
      EXPECT_EQ(n, queue_list_[e][next_issue_[e]]) << "queue " << e << " at cycle " << cycle_;
      ++next_issue_[e];
      const Info& i = prog_[n];
      issued_[n] = cycle_;
      EXPECT_GE(sem_[i.wait_sem], i.wait_val)
          << "instruction " << n << " issued at cycle " << cycle_ << " before s" << i.wait_sem
          << " >= " << i.wait_val;
      EXPECT_GT(issued_[n], dispatched_[n]) << "instruction " << n;
      if (i.wait_val != 0 && issued_[n] > dispatched_[n] + 1) ++waited_;
      if (i.sync) {
        for (uint32_t m : queue_list_[e]) {
          if (m >= n) break;
          EXPECT_LT(completed_[m], cycle_) << "SYNC " << n << " before " << m << " completed";
        }
        complete(n);
      }
      const bool hs = e == kPe ? dut_->pe_cmd_valid_o && dut_->pe_cmd_ready_i
                      : e == kAct
                          ? dut_->act_cmd_valid_o && dut_->act_cmd_ready_i
                          : ((dut_->dma_desc_valid_o & dut_->dma_desc_ready_i) >> (e - kDma0)) & 1;
      EXPECT_EQ(hs, !i.sync) << "queue " << e << ": obs_issue and the engine handshake differ";
    }
    // Semaphores: each change is exactly this cycle's signals.
    for (uint32_t s = 0; s < kSems; ++s) {
      const bool chg = (dut_->obs_sem_valid_o >> s) & 1;
      const uint32_t val = (dut_->obs_sem_value_o[s / 2] >> (16 * (s % 2))) & 0xffff;
      if (chg) {
        ++sem_changes_;
        EXPECT_GT(val, sem_[s]) << "s" << s << " at cycle " << cycle_;
        if (check_sems_) {
          EXPECT_EQ(val, sem_[s] + delta[s]) << "s" << s << " at cycle " << cycle_;
        }
        sem_[s] = val;
      } else if (check_sems_ && delta[s] != 0 && dut_->busy_o && error_cycle_ == UINT64_MAX &&
                 sem_[s] + delta[s] <= 0xffff) {
        ADD_FAILURE() << "s" << s << " not signalled at cycle " << cycle_ << " (+" << delta[s]
                      << ")";
      }
    }
    // Status.
    if (dut_->done_pulse_o) {
      EXPECT_EQ(done_cycle_, UINT64_MAX) << "second done pulse";
      done_cycle_ = cycle_;
    }
    if (dut_->error_pulse_o) {
      EXPECT_EQ(error_cycle_, UINT64_MAX) << "second error pulse";
      error_cycle_ = cycle_;
    }
    if (dut_->done_o || dut_->error_o) {
      EXPECT_FALSE(dut_->busy_o);
      EXPECT_FALSE(dut_->pe_cmd_valid_o || dut_->act_cmd_valid_o || dut_->dma_desc_valid_o);
    }
    if (dut_->done_o) {
      EXPECT_TRUE(stubs_.pe_ldw.empty() && stubs_.pe_mm.empty() && stubs_.act.empty() &&
                  stubs_.dma[0].empty() && stubs_.dma[1].empty())
          << "done while an engine is busy";
    }
  }
};

// --- Helpers for the directed tests -----------------------------------------

BenchCfg FastCfg(uint32_t latency = 10) {
  BenchCfg c;
  c.mem.read_latency = latency;
  return c;
}

// Index of the first program instruction of the fetch burst that holds
// instruction n (AxiMem fails every beat of a burst that touches an error
// range, so the fault is reported at the burst's first instruction).
uint32_t BurstStart(uint32_t n, uint64_t base = kProgBase) {
  const uint64_t a = base + 32ull * n;
  const uint64_t b = std::max(base, a - a % kFb);
  return uint32_t((b - base) / 32);
}

std::string DmaLoad(int q, const std::string& extra = "") {
  return "dma.load q=" + std::to_string(q) +
         " dram=0x20000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 " + extra + "\n";
}

// --- Tests ------------------------------------------------------------------

TEST(Sequencer, ResetIdle) {
  Bench b(FastCfg());
  b.Idle(5);
  EXPECT_FALSE(b.dut_->busy_o);
  EXPECT_FALSE(b.dut_->done_o);
  EXPECT_FALSE(b.dut_->error_o);
  EXPECT_TRUE(b.ar_cycles_.empty());
}

// The example program of docs/isa.md: every command reaches its engine with
// its bits, waits hold, signals count, END -> done.
TEST(Sequencer, IsaExample) {
  BenchCfg c = FastCfg(30);
  c.pe = {5, 20, 1.0, 4};
  c.act = {3, 9, 1.0, 4};
  c.dma = {20, 60, 1.0, 4};
  Bench b(c);
  const auto prog =
      Asm("dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0\n"
          "dma.load q=1 dram=0x20000 row_stride=8 rows=8 row_bytes=8 part=0 sbuf=0x200 signal=s0\n"
          "ldw sbuf=0x200 k=8 m=8 wait=s0>=2\n"
          "mm sbuf=0 f=64 bank=0 signal=s1\n"
          "act.requant bank=0 m=8 f=64 dst=0x400 bias=-3 scale=0x7fff shift=15 relu=1 wait=s1>=1 "
          "signal=s2\n"
          "dma.store q=0 dram=0x30000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0x400 "
          "wait=s2>=1 signal=s3\n"
          "end wait=s3>=1\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  EXPECT_TRUE(b.dut_->done_o);
  EXPECT_FALSE(b.dut_->error_o);
  b.ExpectAllCommandsDone();
  EXPECT_EQ(b.sem_, (std::vector<uint32_t>{2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_GE(b.sem_changes_, 4u);  // s0 (once or twice), s1, s2, s3
  EXPECT_NE(b.done_cycle_, UINT64_MAX);
  // The LDW waited for both loads; the ACT for the MM; the store for the ACT.
  EXPECT_GT(b.issued_[2], std::max(b.completed_[0], b.completed_[1]));
  EXPECT_GT(b.issued_[4], b.completed_[3]);
  EXPECT_GT(b.issued_[5], b.completed_[4]);
  EXPECT_GT(b.done_cycle_, b.completed_[5]);
}

// Timing contract (docs/sequencer.md), cycle-exact with a fixed-latency
// DRAM and engines that are always ready.
TEST(Sequencer, TimingContract) {
  BenchCfg c = FastCfg(20);
  c.pe = {6, 6, 1.0, 8};
  c.act = {4, 4, 1.0, 8};
  Bench b(c);
  const auto prog =
      Asm("nop\n"
          "ldw sbuf=0 k=8 m=8 signal=s3\n"
          "act.copy bank=0 m=8 f=4 dst=0 wait=s3>=1 signal=s4\n"
          "sync engine=seq wait=s4>=1 signal=s5\n"
          "nop\n"
          "end wait=s5>=1\n");
  b.Load(prog);
  const uint64_t s = b.cycle_;
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  ASSERT_TRUE(b.dut_->done_o);
  // First AR two cycles after start.
  ASSERT_FALSE(b.ar_cycles_.empty());
  EXPECT_EQ(b.ar_cycles_[0], s + 2);
  // Dispatch of an instruction: the cycle after the R beat that completes
  // it (DB <= 32), or after its slot is taken from the held beat (DB > 32).
  const auto& r = b.r_cycles_;
  // The cycle instruction n enters the instruction buffer.
  constexpr uint32_t kPerBeat = kDB > 32 ? kDB / 32 : 1;  // instructions per beat (DB > 32)
  auto push = [&](uint32_t n) -> uint64_t {
    if (kDB <= 32) return r.at((n + 1) * (32 / kDB) - 1);
    return r.at(n / kPerBeat) + 1 + n % kPerBeat;
  };
  if (kDB <= 32) {
    const uint32_t beats = 32 / kDB;
    ASSERT_GE(r.size(), 2 * beats);
    EXPECT_EQ(b.dispatched_[0], r[beats - 1] + 1);
    EXPECT_EQ(b.dispatched_[1], std::max(r[2 * beats - 1] + 1, b.dispatched_[0] + 1));
  } else {
    // Base 0x4000 is aligned to DB: slot j of the first beat is pushed in
    // r[0] + 1 + j and dispatched one cycle later.
    EXPECT_EQ(b.dispatched_[0], r[0] + 2);
    EXPECT_EQ(b.dispatched_[1], r[0] + 3);
  }
  // Issue one cycle after dispatch (engine ready, no wait).
  EXPECT_EQ(b.issued_[1], b.dispatched_[1] + 1);
  // Completion (LDW retire at accept + 6) -> signal in that cycle -> the
  // waiting ACT issues in the next cycle.
  EXPECT_EQ(b.completed_[1], b.issued_[1] + 6);
  EXPECT_EQ(b.issued_[2], std::max(b.completed_[1] + 1, b.dispatched_[2] + 1));
  // SYNC seq: dispatched (and signalling) in the cycle after the ACT's signal.
  EXPECT_EQ(b.completed_[2], b.issued_[2] + 4);
  EXPECT_EQ(b.dispatched_[3], std::max({b.completed_[2] + 1, push(3) + 1, b.dispatched_[2] + 1}));
  // END: it reaches the decode stage the cycle after its push into the
  // buffer (or after the NOP before it left) and completes there (s5
  // signalled by the SYNC seq is visible from the cycle after): done_o and
  // done_pulse_o one cycle later.
  const uint64_t end_push = push(5);
  EXPECT_EQ(b.done_cycle_,
            std::max({b.dispatched_[4] + 1, end_push + 1, b.dispatched_[3] + 1}) + 1);
}

// A SYNC on an engine queue waits for every earlier command of that queue.
TEST(Sequencer, SyncBarriers) {
  BenchCfg c = FastCfg(5);
  c.pe = {20, 40, 1.0, 4};
  c.dma = {30, 50, 1.0, 4};
  Bench b(c);
  const auto prog =
      Asm("ldw sbuf=0 k=8 m=8\n"
          "mm sbuf=0 f=16 bank=0\n"
          "ldw sbuf=8 k=8 m=8\n"
          "sync engine=pe signal=s1\n" +
          DmaLoad(1) + DmaLoad(1) +
          "sync engine=dma1 wait=s1>=1 signal=s2\n"
          "mm sbuf=0 f=16 bank=1 wait=s2>=1\n"
          "end\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  ASSERT_TRUE(b.dut_->done_o);
  b.ExpectAllCommandsDone();
  EXPECT_GT(b.issued_[3], std::max({b.completed_[0], b.completed_[1], b.completed_[2]}));
  EXPECT_GT(b.issued_[6], std::max(b.completed_[4], b.completed_[5]));
  EXPECT_GT(b.issued_[7], b.issued_[6]);
}

// Several signals in one cycle all count: two DMA completions and a SYNC
// seq signal s0 in the same cycle.
TEST(Sequencer, SignalsInOneCycle) {
  BenchCfg c = FastCfg();
  c.dma = {25, 25, 1.0, 4};
  Bench b(c);
  const auto prog =
      Asm(DmaLoad(0, "wait=s1>=1 signal=s0+3") + DmaLoad(1, "wait=s1>=1 signal=s0+5") +
          "sync engine=seq signal=s1\n"
          "ldw sbuf=0 k=8 m=8 wait=s0>=8\n"
          "end\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  ASSERT_TRUE(b.dut_->done_o);
  b.ExpectAllCommandsDone();
  ASSERT_EQ(b.completed_[0], b.completed_[1]);
  EXPECT_EQ(b.sem_[0], 8u);
  EXPECT_EQ(b.issued_[3], b.completed_[0] + 1);
}

// Instruction fetch at 100 cycles of DRAM latency keeps up with the GEMM
// kernel's rate, one instruction per 16 cycles (docs/sequencer.md).
TEST(Sequencer, FetchThroughput) {
  BenchCfg c = FastCfg(100);
  c.pe = {2, 4, 1.0, 8};
  Bench b(c);
  std::string text;
  const int n = 400;
  for (int i = 0; i < n - 1; ++i) text += (i % 2) ? "nop\n" : "mm sbuf=0 f=16 bank=0\n";
  text += "end\n";
  const auto prog = Asm(text);
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  ASSERT_TRUE(b.dut_->done_o);
  b.ExpectAllCommandsDone();
  const double rate = double(b.dispatched_[n - 2] - b.dispatched_[50]) / double(n - 2 - 50);
  std::printf("fetch at latency 100, %u-bit bus: %.2f cycles per instruction\n", 8 * kDB, rate);
  EXPECT_LE(rate, 16.0);
  // FetchBufDepth 16 instructions per round trip of ~100 + burst cycles.
  if (kDB >= 8) { EXPECT_LE(rate, 9.0); }
}

// --- Errors -----------------------------------------------------------------

// Codes 1..5 (static): reported at the instruction, which never reaches an
// engine; the instructions before it ran.
TEST(Sequencer, StaticErrors) {
  struct Case {
    std::string bad;
    uint32_t code;
  };
  const std::vector<Case> cases = {
      {"", 1},                          // zeroed word: ILLEGAL_OPCODE
      {"nop wait", 2},                  // (patched below) a reserved bit
      {"ldw sbuf=0 k=9 m=8", 3},        // K > P
      {"mm sbuf=4090 f=64 bank=0", 4},  // SBUF range
      {"mm sbuf=0 f=8 bank=4", 5},      // PSUM bank
      {"end wait=s16>=1", 3},           // semaphore id >= Semaphores
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE(cs.bad);
    Bench b(FastCfg());
    auto prog = Asm(DmaLoad(0, "signal=s0") + "ldw sbuf=0 k=8 m=8 wait=s0>=1\nnop\n");
    loom::InstrWords bad{};
    if (cs.code == 2) {
      bad = loom::encode(loom::Instr::nop());
      bad[2] |= uint64_t(1) << 5;
    } else if (!cs.bad.empty()) {
      bad = loom::encode(loom::assemble(cs.bad).at(0));
    }
    prog.push_back(bad);
    prog.push_back(loom::encode(loom::Instr::end()));
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    ASSERT_TRUE(b.Run());
    b.ExpectError(cs.code, 3);
    EXPECT_EQ(b.next_dispatch_, 3u);  // 0..2 dispatched, 3 never
    EXPECT_EQ(b.accepted_[kPe], 1u);
    EXPECT_EQ(b.accepted_[kDma0], 1u);
  }
}

// DRAM_WINDOW: the program leaves the window; a misaligned base; PROGRAM_OVERRUN.
TEST(Sequencer, WindowAndOverrun) {
  auto prog = Asm("nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nend\n");
  {
    Bench b(FastCfg());
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 1000, kWinBase, kProgBase + 5 * 32);
    ASSERT_TRUE(b.Run());
    b.ExpectError(6, 5);
    EXPECT_EQ(b.next_dispatch_, 5u);
    // No fetch outside the window (DB <= 32; a wider beat may read the rest
    // of its own beat).
    for (const auto& e : b.mem_.events())
      if (e.kind == loom::AxiEvent::kAr && kDB <= 32) {
        EXPECT_LE(e.addr + (e.len + 1) * kDB, kProgBase + 5 * 32);
      }
  }
  {
    Bench b(FastCfg());  // the program starts below the window
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 1000, kProgBase + 32, kWinLimit);
    ASSERT_TRUE(b.Run());
    b.ExpectError(6, 0);
    EXPECT_TRUE(b.ar_cycles_.empty());
  }
  {
    Bench b(FastCfg());  // misaligned base: DRAM_WINDOW at 0, no fetch
    b.Load(prog, kProgBase + 8);
    b.Start(uint32_t(prog.size()), kProgBase + 8);
    ASSERT_TRUE(b.Run());
    b.ExpectError(6, 0);
    EXPECT_TRUE(b.ar_cycles_.empty());
  }
  {
    Bench b(FastCfg());  // the length reached without END
    b.Load(prog);
    b.Start(7);
    ASSERT_TRUE(b.Run());
    b.ExpectError(11, 7);
    EXPECT_EQ(b.next_dispatch_, 7u);
  }
  {
    Bench b(FastCfg());  // length 0
    b.Load(prog);
    b.Start(0);
    ASSERT_TRUE(b.Run());
    b.ExpectError(11, 0);
  }
}

// Fetch SLVERR / DECERR at the instruction whose beat carried it.
TEST(Sequencer, FetchAxiErrors) {
  for (uint8_t resp : {uint8_t(2), uint8_t(3)}) {
    for (uint32_t n : {0u, 5u, 9u, 14u}) {
      SCOPED_TRACE("resp " + std::to_string(resp) + " at " + std::to_string(n));
      BenchCfg c = FastCfg(15);
      c.mem.errors.push_back({kProgBase + 32 * n + 8, kProgBase + 32 * n + 9, resp, true, false});
      Bench b(c);
      std::string text;
      for (int i = 0; i < 19; ++i) text += "nop\n";
      const auto prog = Asm(text + "end\n");
      b.Load(prog);
      b.Start(uint32_t(prog.size()));
      ASSERT_TRUE(b.Run());
      const uint32_t at = BurstStart(n);
      b.ExpectError(resp == 2 ? 7 : 8, at);
      EXPECT_EQ(b.next_dispatch_, at);
      b.Idle(200);  // the dropped bursts drain; no protocol violation
      EXPECT_TRUE(b.mem_.idle());
    }
  }
}

// DMA completion errors, mapped to isa.md codes, at the DMA instruction;
// the lowest index wins when two come in one cycle.
TEST(Sequencer, DmaErrors) {
  const std::map<uint32_t, uint32_t> map = {{1, 3}, {2, 6}, {3, 4}, {4, 7}, {5, 8}};
  for (auto [dma, core] : map) {
    SCOPED_TRACE("DMA code " + std::to_string(dma));
    BenchCfg c = FastCfg();
    c.dma = {30, 30, 1.0, 4};
    Bench b(c);
    const auto prog =
        Asm(DmaLoad(0, "signal=s0") + DmaLoad(1, "signal=s1") + DmaLoad(0, "signal=s0") +
            "ldw sbuf=0 k=8 m=8 wait=s0>=2\nend wait=s1>=1\n");
    b.stubs_.dma_err[2] = dma;
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    ASSERT_TRUE(b.Run());
    b.ExpectError(core, 2);
    EXPECT_EQ(b.accepted_[kPe], 0u);
  }
  for (int first : {0, 1}) {
    SCOPED_TRACE("first queue " + std::to_string(first));
    Bench b(FastCfg());
    // Both wait for the same signal, so both issue in one cycle and, with
    // equal latencies, complete in one cycle.
    const auto prog = Asm(DmaLoad(first, "wait=s0>=1") + DmaLoad(1 - first, "wait=s0>=1") +
                          "sync engine=seq signal=s0\nend\n");
    b.stubs_.dma_err[0] = 4;  // SLVERR
    b.stubs_.dma_err[1] = 5;  // DECERR
    b.stubs_.dma_lat[0] = 20;
    b.stubs_.dma_lat[1] = 20;
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    ASSERT_TRUE(b.Run());
    ASSERT_EQ(b.issued_[1], b.issued_[0]);
    b.ExpectError(7, 0);
  }
}

// SEM_TIMEOUT: a deadlock between two queues names the lowest waiting
// index; a SYNC seq and an END that wait forever; watchdog 0 disables it.
TEST(Sequencer, Watchdog) {
  {
    Bench b(FastCfg());
    const auto prog =
        Asm("nop\n"
            "mm sbuf=0 f=16 bank=0 wait=s1>=1 signal=s0\n"
            "act.copy bank=0 m=8 f=4 dst=0 wait=s0>=1 signal=s1\n"
            "end\n");
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 300);
    ASSERT_TRUE(b.Run());
    b.ExpectError(9, 1);
    // Fires in the 300th cycle of the PE head's wait (it is at the head
    // from its dispatch + 1); error_o two cycles later.
    EXPECT_EQ(b.error_cycle_, b.dispatched_[1] + 1 + 299 + 2);
    EXPECT_EQ(b.accepted_[kPe] + b.accepted_[kAct], 0u);
  }
  {
    Bench b(FastCfg());
    const auto prog = Asm("ldw sbuf=0 k=8 m=8 signal=s2\nsync engine=seq wait=s2>=2\nend\n");
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 50);
    ASSERT_TRUE(b.Run());
    b.ExpectError(9, 1);
  }
  {
    Bench b(FastCfg());
    const auto prog = Asm("ldw sbuf=0 k=8 m=8 signal=s2\nend wait=s2>=3\n");
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 50);
    ASSERT_TRUE(b.Run());
    b.ExpectError(9, 1);
  }
  {
    Bench b(FastCfg());  // watchdog 0: disabled, never fires
    const auto prog = Asm("end wait=s2>=3\n");
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, 0);
    EXPECT_FALSE(b.Run(3000));
    EXPECT_TRUE(b.dut_->busy_o);
  }
}

// SEM_OVERFLOW at the signal that would pass 65535; the counter keeps 65535.
TEST(Sequencer, SemOverflow) {
  Bench b(FastCfg());
  std::string text;
  for (int i = 0; i < 258; ++i) text += "sync engine=seq signal=s7+255\n";
  const auto prog = Asm(text + "end\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectError(10, 257);  // 257 * 255 = 65535 fits, the 258th does not
  EXPECT_EQ(b.sem_[7], 65535u);
}

// After an error the commands already handed to engines finish before the
// error is reported; queued instructions are dropped.
TEST(Sequencer, ErrorDrainsEngines) {
  BenchCfg c = FastCfg();
  c.pe = {300, 300, 1.0, 4};
  Bench b(c);
  const auto prog =
      Asm("ldw sbuf=0 k=8 m=8\nmm sbuf=0 f=16 bank=0\nmm sbuf=0 f=16 bank=0 "
          "wait=s9>=1\nmm sbuf=0 f=16 bank=0\nnop\n");
  auto words = prog;
  words.push_back(loom::InstrWords{});  // ILLEGAL_OPCODE at 5
  b.Load(words);
  b.Start(uint32_t(words.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectError(1, 5);
  EXPECT_EQ(b.accepted_[kPe], 2u);  // instruction 3 waits behind 2 and is dropped
  EXPECT_GT(b.error_cycle_, std::max(b.completed_[0], b.completed_[1]));
  EXPECT_EQ(b.error_cycle_, std::max(b.completed_[0], b.completed_[1]) + 2);
}

// A new start after done or error runs again from a clean state (semaphores
// 0); start while busy is ignored.
TEST(Sequencer, Restart) {
  Bench b(FastCfg());
  const auto prog =
      Asm("sync engine=seq signal=s1\nldw sbuf=0 k=8 m=8 wait=s1>=1 signal=s1\n"
          "end wait=s1>=2\n");
  for (int run = 0; run < 3; ++run) {
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    if (run == 1) {  // start while busy: ignored
      b.dut_->prog_len_i = 0;
      b.start_ = true;
      b.Step();
      b.start_ = false;
    }
    ASSERT_TRUE(b.Run());
    EXPECT_TRUE(b.dut_->done_o) << "run " << run;
    b.ExpectAllCommandsDone();
    EXPECT_EQ(b.sem_[1], 2u);
  }
  // After an error too.
  b.Load(Asm("end wait=s3>=1\n"));
  b.Start(1, kProgBase, 20);
  ASSERT_TRUE(b.Run());
  b.ExpectError(9, 0);
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  EXPECT_TRUE(b.dut_->done_o);
  EXPECT_EQ(b.dut_->error_code_o, 0u);
}

// Fetches still outstanding at done (prefetched past END) and an AR still
// waiting for arready are dropped, also after the next start: the next
// program, started at once elsewhere, runs correctly.
TEST(Sequencer, StaleFetchesDropped) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    BenchCfg c = FastCfg(40);
    c.mem.seed = seed;
    c.mem.ar_ready = 0.3;
    c.mem.r_valid = 0.7;
    Bench b(c);
    auto a = Asm("nop\nend\n");
    a.resize(40);  // zeroed words after END: ILLEGAL_OPCODE if ever decoded
    const auto p2 = Asm("ldw sbuf=0 k=8 m=8 signal=s2\nmm sbuf=0 f=16 bank=0 wait=s2>=1\nend\n");
    for (int run = 0; run < 4; ++run) {
      const bool first = run % 2 == 0;
      const uint64_t base = first ? kProgBase : kProgBase + 0x2000;
      b.Load(first ? a : p2, base);
      b.Start(first ? 40 : 3, base);
      ASSERT_TRUE(b.Run(20000, 1));
      ASSERT_TRUE(b.dut_->done_o) << "run " << run << ": error " << int(b.dut_->error_code_o);
      b.ExpectAllCommandsDone();
    }
    b.Idle(400);
    EXPECT_TRUE(b.mem_.idle());
  }
}

// --- Random programs ------------------------------------------------------

// A random deadlock-free program: every wait is on signals of earlier
// instructions only, so the earliest unfinished instruction can always run.
std::vector<loom::InstrWords> RandomProgram(std::mt19937_64& rng, int n) {
  auto U = [&rng](uint32_t lo, uint32_t hi) { return lo + uint32_t(rng() % (hi - lo + 1)); };
  std::vector<uint32_t> avail(kSems, 0);
  std::vector<loom::Instr> prog;
  for (int k = 0; k < n; ++k) {
    loom::Instr in = loom::Instr::nop();
    const uint32_t kind = U(0, 12);
    if (kind == 0) {
      prog.push_back(in);
      continue;
    }
    if (kind == 1) {
      in = loom::Instr::sync(loom::Engine(U(0, 4)));
    } else if (kind <= 4) {
      loom::DmaDesc d;
      d.dram_addr = 0x20000 + 64 * U(0, 100);
      d.row_stride = 64;
      d.rows = U(1, kP);
      d.sbuf_part = U(0, kP - d.rows);
      d.row_bytes = U(1, 256);
      d.sbuf_addr = U(0, kSb - d.row_bytes);
      d.dir = U(0, 1);
      in = loom::Instr::dma(U(0, 1), d);
    } else if (kind <= 6) {
      loom::PeCmd c;
      c.op = loom::PeOp::kLdw;
      c.rows = U(1, kP);
      c.cols = U(1, kP);
      c.sbuf_addr = U(0, 1000);
      in = loom::Instr::pe(c);
    } else if (kind <= 9) {
      loom::PeCmd c;
      c.op = loom::PeOp::kMm;
      c.cols = U(1, kEntries);
      c.psum_bank = U(0, kBanks - 1);
      c.psum_off = U(0, kEntries - c.cols);
      c.sbuf_addr = U(0, 1000);
      in = loom::Instr::pe(c);
    } else {
      loom::Instr::Act a;
      a.m = U(1, kP);
      a.f = U(1, kEntries);
      a.psum_bank = U(0, kBanks - 1);
      a.psum_off = U(0, kEntries - a.f);
      a.dst_addr = U(0, 2000);
      a.scale = int32_t(U(0, 200)) - 100;
      a.bias = int32_t(U(0, 2000)) - 1000;
      a.shift = U(0, 20);
      in = loom::Instr::act(a);
    }
    if (U(0, 9) < 5) {
      const uint32_t s = U(0, kSems - 1);
      if (avail[s] > 0) in.wait(s, U(1, avail[s]));
    }
    if (U(0, 9) < 6) {
      const uint32_t s = U(0, kSems - 1), inc = U(1, 3);
      in.signal(s, inc);
      avail[s] += inc;
    }
    prog.push_back(in);
  }
  loom::Instr end = loom::Instr::end();
  const uint32_t s = U(0, kSems - 1);
  if (avail[s] > 0) end.wait(s, avail[s]);  // every signal on s has come
  prog.push_back(end);
  return Words(prog);
}

struct RandomStats {
  uint64_t instrs = 0, commands = 0, waited = 0, sem_changes = 0, cycles = 0;
};

void RandomRun(uint64_t seed, RandomStats& st) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto U = [&rng](uint32_t lo, uint32_t hi) { return lo + uint32_t(rng() % (hi - lo + 1)); };
  BenchCfg c;
  c.seed = seed;
  c.mem.seed = seed;
  c.mem.read_latency = U(1, 120);
  c.mem.ar_ready = U(0, 1) ? 1.0 : 0.3 + 0.1 * U(0, 7);
  c.mem.r_valid = U(0, 1) ? 1.0 : 0.2 + 0.1 * U(0, 8);
  const uint32_t lmax = U(1, 60);
  c.pe = {1, lmax, U(0, 1) ? 1.0 : 0.5, U(1, 6)};
  c.act = {1, U(1, 60), U(0, 1) ? 1.0 : 0.5, U(1, 6)};
  c.dma = {1, U(1, 120), U(0, 1) ? 1.0 : 0.5, U(1, 5)};
  Bench b(c);
  const auto prog = RandomProgram(rng, int(U(10, 160)));
  const uint64_t base = kProgBase + 32 * U(0, 300);
  b.Load(prog, base);
  b.Start(uint32_t(prog.size()), base, 1u << 20);
  ASSERT_TRUE(b.Run(400000)) << "no done after 400000 cycles";
  ASSERT_TRUE(b.dut_->done_o) << "error " << int(b.dut_->error_code_o) << " at "
                              << b.dut_->error_index_o;
  b.ExpectAllCommandsDone();
  // Final semaphores: every signal counted.
  std::vector<uint32_t> want(kSems, 0);
  for (const Info& i : b.prog_)
    if (i.sig_inc) want[i.sig_sem] += i.sig_inc;
  EXPECT_EQ(b.sem_, want);
  EXPECT_EQ(b.next_dispatch_, prog.size() - 1);  // all but END
  st.instrs += prog.size();
  for (int e = 0; e < 4; ++e) st.commands += b.accepted_[e];
  st.waited += b.waited_;
  st.sem_changes += b.sem_changes_;
  st.cycles += b.cycle_;
}

TEST(Sequencer, RandomPrograms) {
  const uint64_t seed = Seed(2026);
  RandomStats st;
  for (int i = 0; i < 40; ++i) {
    RandomRun(seed + i, st);
    if (HasFailure()) break;
  }
  std::printf(
      "%llu instructions, %llu commands, %llu held-back waits, %llu semaphore changes, "
      "%llu cycles\n",
      (unsigned long long)st.instrs, (unsigned long long)st.commands, (unsigned long long)st.waited,
      (unsigned long long)st.sem_changes, (unsigned long long)st.cycles);
  // The programs exercise what they should: many commands, waits that
  // really held a head back, many signals.
  EXPECT_GT(st.commands, 1000u);
  EXPECT_GT(st.waited, 100u);
  EXPECT_GT(st.sem_changes, 500u);
}

// The assertions are live: an LDW retire with a tag the sequencer never
// handed out fires SeqLdwRetireTag_A (Verilator aborts).
TEST(SequencerDeathTest, AssertionFires) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Bench b(FastCfg());
        b.tag_skew_ = 5;
        b.Load(Asm("ldw sbuf=0 k=8 m=8\nend\n"));
        b.Start(2);
        b.Run(2000);
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGABRT), "");
}

}  // namespace
