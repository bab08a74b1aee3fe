// Lock-step test of SequencerModel (loom/sequencer_model.h) against the
// Verilated sequencer (docs/sequencer.md): both get the same input pins
// every cycle and every output pin is compared every cycle (name, cycle,
// both values). The RTL fetches from one loom::AxiMem, the model from a
// replica with the same configuration and seed (AxiMem is deterministic for
// a given master behaviour, and the two slaves' outputs are compared too).
// C++ engine stubs (PE, ACT, two DMA queues) with seeded random latencies
// and back-pressure see only the RTL's outputs; their outputs feed both.
// Programs: the isa.md example, GEMM kernels (loom::gemm_program), random
// deadlock-free programs with random error injection, every error case,
// restarts. Built at three fetch widths (LOOM_UT_DB bytes). Random tests
// print their seed; LOOM_SEED overrides it.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vsequencer.h"
#include "loom/asm.h"
#include "loom/axi_mem.h"
#include "loom/isa.h"
#include "loom/kernels.h"
#include "loom/sequencer_model.h"
#include "verilated.h"
#include "seq_bench.h"
#include "vl_bytes.h"

namespace {

// Fetch and queue parameters: the RTL's defaults unless the build gives
// others (the same -G values as the Verilated model, seq_lockstep.cmake).
#ifndef LOOM_UT_FETCH
#define LOOM_UT_FETCH 16, 4, 8
#endif
#ifndef LOOM_UT_QUEUES
#define LOOM_UT_QUEUES 4, 4, 4, 8
#endif
constexpr uint32_t kFetch[3] = {LOOM_UT_FETCH};  // FetchBufDepth, FetchBurstInstrs, FetchMaxBursts
constexpr uint32_t kQueues[4] = {LOOM_UT_QUEUES};  // Pe/Act/DmaQueueDepth, InflightDepth
constexpr uint64_t kFb = std::max<uint64_t>(kFetch[1] * 32, kDB);  // fetch burst window

loom::SequencerParams ModelParams() {
  loom::SequencerParams p;  // the RTL's defaults, and the -G values of seq_lockstep.cmake
  p.partitions = kP;
  p.sbuf_bytes = kSb;
  p.psum_banks = kBanks;
  p.psum_entries = kEntries;
  p.semaphores = kSems;
  p.axi_data_bytes = kDB;
  p.fetch_buf_depth = kFetch[0];
  p.fetch_burst_instrs = kFetch[1];
  p.fetch_max_bursts = kFetch[2];
  p.pe_queue_depth = kQueues[0];
  p.act_queue_depth = kQueues[1];
  p.dma_queue_depth = kQueues[2];
  p.inflight_depth = kQueues[3];
  return p;
}

struct Cfg {
  loom::AxiMemConfig mem;
  EngineCfg pe, act, dma;
  uint64_t seed = 1;
  Cfg() {
    mem.data_bytes = kDB;
    mem.read_latency = 10;
  }
};

Cfg FastCfg(uint32_t latency = 10) {
  Cfg c;
  c.mem.read_latency = latency;
  return c;
}

class Lockstep {
 public:
  explicit Lockstep(const Cfg& cfg)
      : cfg_(cfg),
        mem_(cfg.mem),
        mmem_(cfg.mem),
        model_(ModelParams()),
        stubs_(cfg.pe, cfg.act, cfg.dma, cfg.seed) {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vsequencer>(ctx_.get(), "seq");
    ResetSequencer(*dut_);
  }
  ~Lockstep() { dut_->final(); }

  void Load(const std::vector<loom::InstrWords>& prog, uint64_t base = kProgBase) {
    const std::vector<uint8_t> bytes = ProgramBytes(prog);
    mem_.write(base, bytes);
    mmem_.write(base, bytes);
  }

  // start_i for one cycle with these control inputs (they stay driven).
  void Start(uint32_t len, uint64_t base = kProgBase, uint32_t watchdog = 100000,
             uint64_t win_base = kWinBase, uint64_t win_limit = kWinLimit) {
    ctl_.prog_base = base;
    ctl_.prog_len = len;
    ctl_.watchdog = watchdog;
    ctl_.dram_base = win_base;
    ctl_.dram_limit = win_limit;
    ctl_.start = true;
    Step();
    ctl_.start = false;
  }

  // Runs until done or error (and `extra` cycles more); false on timeout or
  // at the first pin mismatch.
  bool Run(uint64_t max_cycles = 300000, int extra = 5) {
    const uint64_t end = cycle_ + max_cycles;
    while (!dut_->done_o && !dut_->error_o && cycle_ < end && !failed_) Step();
    for (int i = 0; i < extra && !failed_; ++i) Step();
    return (dut_->done_o || dut_->error_o) && !failed_;
  }
  void Idle(int n) {
    for (int i = 0; i < n && !failed_; ++i) Step();
  }

  void Step() {
    // --- Inputs of this cycle (the stubs' state and random draws).
    loom::SeqCycleIn in = ctl_;
    const EngineStubs::Out st = stubs_.Drive(cycle_);
    in.pe_ldw_retire = st.ldw_retire;
    in.pe_ldw_retire_tag = st.ldw_tag;
    in.pe_mm_retire = st.mm_retire;
    in.pe_mm_retire_tag = st.mm_tag;
    in.pe_busy = st.pe_busy;
    in.pe_cmd_ready = st.pe_ready;
    in.act_done = st.act_done;
    in.act_busy = st.act_busy;
    in.act_cmd_ready = st.act_ready;
    in.dma_busy = st.dma_busy;
    for (int q = 0; q < 2; ++q) {
      in.dma_cpl_valid[q] = st.cpl[q];
      in.dma_cpl_err[q] = st.cpl_err[q];
      in.dma_desc_ready[q] = st.dma_ready[q];
      in.dma_halted[q] = st.halted[q];
    }
    const loom::AxiSlaveOut& so = mem_.outputs();
    in.axi = mmem_.outputs();
    // The two slaves stay identical as long as the masters do.
    Pin("slave ar_ready", so.ar_ready, in.axi.ar_ready);
    Pin("slave r_valid", so.r_valid, in.axi.r_valid);
    Pin("slave r_last", so.r_last, in.axi.r_last);
    Pin("slave r_resp", so.r_resp, in.axi.r_resp);
    for (uint32_t i = 0; i < kDB; ++i) Pin("slave r_data byte", so.r_data[i], in.axi.r_data[i]);

    Vsequencer& d = *dut_;
    d.start_i = in.start;
    d.prog_base_i = in.prog_base;
    d.prog_len_i = in.prog_len;
    d.watchdog_i = in.watchdog;
    d.dram_base_i = in.dram_base;
    d.dram_limit_i = in.dram_limit;
    d.m_axi_if_arready_i = so.ar_ready;
    d.m_axi_if_rvalid_i = so.r_valid;
    d.m_axi_if_rid_i = so.r_id;
    loom::SetBytes(d.m_axi_if_rdata_i, so.r_data.data(), kDB);
    d.m_axi_if_rresp_i = so.r_resp;
    d.m_axi_if_rlast_i = so.r_last;
    d.pe_cmd_ready_i = in.pe_cmd_ready;
    d.pe_ldw_retire_i = in.pe_ldw_retire;
    d.pe_ldw_retire_tag_i = in.pe_ldw_retire_tag;
    d.pe_mm_retire_i = in.pe_mm_retire;
    d.pe_mm_retire_tag_i = in.pe_mm_retire_tag;
    d.pe_busy_i = in.pe_busy;
    d.act_cmd_ready_i = in.act_cmd_ready;
    d.act_done_i = in.act_done;
    d.act_busy_i = in.act_busy;
    d.dma_desc_ready_i = uint32_t(in.dma_desc_ready[0]) | uint32_t(in.dma_desc_ready[1]) << 1;
    d.dma_cpl_valid_i = uint32_t(in.dma_cpl_valid[0]) | uint32_t(in.dma_cpl_valid[1]) << 1;
    d.dma_cpl_err_i = uint32_t(in.dma_cpl_err[0] & 15) | uint32_t(in.dma_cpl_err[1] & 15) << 4;
    d.dma_busy_i = in.dma_busy;
    d.dma_halted_i = uint32_t(in.dma_halted[0]) | uint32_t(in.dma_halted[1]) << 1;
    d.eval();

    const loom::SeqCycleOut& o = model_.step(in);
    Compare(o);

    // --- Stubs: accept on the RTL's handshakes, complete at the edge.
    if (d.pe_cmd_valid_o && d.pe_cmd_ready_i) {
      stubs_.AcceptPe(cycle_, ((d.pe_cmd_o >> 52) & 3) == 1, d.obs_issue_index_o[0]);
      ++accepted_;
    }
    if (d.act_cmd_valid_o && d.act_cmd_ready_i) {
      stubs_.AcceptAct(cycle_, d.obs_issue_index_o[1]);
      ++accepted_;
    }
    for (int q = 0; q < 2; ++q) {
      if (!((d.dma_desc_valid_o >> q) & 1) || !((d.dma_desc_ready_i >> q) & 1)) continue;
      stubs_.AcceptDma(cycle_, q, d.obs_issue_index_o[2 + q]);
      ++accepted_;
    }
    stubs_.Edge(st);
    if (d.done_pulse_o) ++done_pulses_;
    if (d.error_pulse_o) ++error_pulses_;
    if (d.obs_dispatch_valid_o) ++dispatches_;

    loom::AxiMasterOut mo;
    mo.ar_valid = d.m_axi_if_arvalid_o;
    mo.ar_id = d.m_axi_if_arid_o;
    mo.ar_addr = d.m_axi_if_araddr_o;
    mo.ar_len = d.m_axi_if_arlen_o;
    mo.ar_size = d.m_axi_if_arsize_o;
    mo.ar_burst = d.m_axi_if_arburst_o;
    mo.r_ready = d.m_axi_if_rready_o;
    mem_.tick(mo);
    mmem_.tick(o.axi);
    d.clk_i = 1;
    d.eval();
    d.clk_i = 0;
    ++cycle_;
  }

  void ExpectDone() const {
    EXPECT_FALSE(failed_);
    EXPECT_TRUE(dut_->done_o);
    EXPECT_FALSE(dut_->error_o) << "error " << int(dut_->error_code_o) << " at "
                                << dut_->error_index_o;
  }
  void ExpectError(uint32_t code, uint32_t index) const {
    EXPECT_FALSE(failed_);
    EXPECT_TRUE(dut_->error_o);
    EXPECT_EQ(uint32_t(dut_->error_code_o), code);
    EXPECT_EQ(uint32_t(dut_->error_index_o), index);
  }

  const Cfg cfg_;
  loom::AxiMem mem_, mmem_;  // the RTL's DRAM and the model's replica
  loom::SequencerModel model_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vsequencer> dut_;
  EngineStubs stubs_;
  loom::SeqCycleIn ctl_;  // start and the control inputs
  uint64_t cycle_ = 0;
  bool failed_ = false;
  uint64_t pins_ = 0;  // pin comparisons made
  uint64_t accepted_ = 0, dispatches_ = 0, done_pulses_ = 0, error_pulses_ = 0;

 private:
  void Pin(const char* name, uint64_t rtl, uint64_t model) {
    ++pins_;
    if (failed_ || rtl == model) return;
    failed_ = true;
    ADD_FAILURE() << "cycle " << cycle_ << ": pin " << name << " RTL 0x" << std::hex << rtl
                  << " model 0x" << model;
  }
  // A wide port: 32-bit words w[0..n-1] against the model's 64-bit words.
  template <std::size_t N>
  void Wide(const char* name, const VlWide<N>& rtl, int lsb_word64, const uint64_t* model,
            int n64) {
    for (int k = 0; k < n64; ++k) {
      const uint64_t r =
          uint64_t(rtl[2 * (lsb_word64 + k)]) | uint64_t(rtl[2 * (lsb_word64 + k) + 1]) << 32;
      std::ostringstream s;
      s << name << " word " << (lsb_word64 + k);
      const std::string label = s.str();
      Pin(label.c_str(), r, model[k]);
    }
  }

  void Compare(const loom::SeqCycleOut& o) {
    const Vsequencer& d = *dut_;
    Pin("busy_o", d.busy_o, o.busy);
    Pin("done_o", d.done_o, o.done);
    Pin("done_pulse_o", d.done_pulse_o, o.done_pulse);
    Pin("error_o", d.error_o, o.error);
    Pin("error_pulse_o", d.error_pulse_o, o.error_pulse);
    Pin("error_code_o", d.error_code_o, o.error_code);
    Pin("error_index_o", d.error_index_o, o.error_index);
    Pin("m_axi_if_arvalid_o", d.m_axi_if_arvalid_o, o.axi.ar_valid);
    Pin("m_axi_if_arid_o", d.m_axi_if_arid_o, o.axi.ar_id);
    Pin("m_axi_if_araddr_o", d.m_axi_if_araddr_o, o.axi.ar_addr);
    Pin("m_axi_if_arlen_o", d.m_axi_if_arlen_o, o.axi.ar_len);
    Pin("m_axi_if_arsize_o", d.m_axi_if_arsize_o, o.axi.ar_size);
    Pin("m_axi_if_arburst_o", d.m_axi_if_arburst_o, o.axi.ar_burst);
    Pin("m_axi_if_rready_o", d.m_axi_if_rready_o, o.axi.r_ready);
    Pin("pe_cmd_valid_o", d.pe_cmd_valid_o, o.pe_cmd_valid);
    Pin("pe_cmd_o", d.pe_cmd_o, o.pe_cmd);
    Pin("act_cmd_valid_o", d.act_cmd_valid_o, o.act_cmd_valid);
    Wide("act_cmd_o", d.act_cmd_o, 0, o.act_cmd.data(), 4);
    Pin("dma_desc_valid_o", d.dma_desc_valid_o,
        uint64_t(o.dma_desc_valid[0]) | uint64_t(o.dma_desc_valid[1]) << 1);
    Wide("dma_desc_o", d.dma_desc_o, 0, o.dma_desc[0].data(), 4);
    Wide("dma_desc_o", d.dma_desc_o, 4, o.dma_desc[1].data(), 4);
    Pin("obs_dispatch_valid_o", d.obs_dispatch_valid_o, o.obs_dispatch_valid);
    Pin("obs_dispatch_index_o", d.obs_dispatch_index_o, o.obs_dispatch_index);
    Pin("obs_dispatch_queue_o", d.obs_dispatch_queue_o, o.obs_dispatch_queue);
    uint64_t iv = 0;
    for (int e = 0; e < 4; ++e) iv |= uint64_t(o.obs_issue_valid[e]) << e;
    Pin("obs_issue_valid_o", d.obs_issue_valid_o, iv);
    for (int e = 0; e < 4; ++e) {
      static const char* kNames[4] = {"obs_issue_index_o[PE]", "obs_issue_index_o[ACT]",
                                      "obs_issue_index_o[DMA0]", "obs_issue_index_o[DMA1]"};
      Pin(kNames[e], d.obs_issue_index_o[e], o.obs_issue_index[e]);
    }
    Pin("obs_sem_valid_o", d.obs_sem_valid_o, o.obs_sem_valid);
    for (uint32_t s = 0; s < kSems; ++s) {
      const uint32_t r = (d.obs_sem_value_o[s / 2] >> (16 * (s % 2))) & 0xffff;
      static const std::array<std::string, kSems> kNames = [] {
        std::array<std::string, kSems> n;
        for (uint32_t i = 0; i < kSems; ++i) n[i] = "obs_sem_value_o[" + std::to_string(i) + "]";
        return n;
      }();
      Pin(kNames[s].c_str(), r, o.obs_sem_value[s]);
    }
  }
};

std::string DmaLoad(int q, const std::string& extra = "") {
  return "dma.load q=" + std::to_string(q) +
         " dram=0x20000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 " + extra + "\n";
}

// First program instruction of the fetch burst holding instruction n.
uint32_t BurstStart(uint32_t n, uint64_t base = kProgBase) {
  const uint64_t a = base + 32ull * n;
  const uint64_t b = std::max(base, a - a % kFb);
  return uint32_t((b - base) / 32);
}

// --- Programs that complete -------------------------------------------------

TEST(SeqLockstep, ResetIdle) {
  Lockstep b(FastCfg());
  b.Idle(20);
  EXPECT_FALSE(b.failed_);
  EXPECT_GT(b.pins_, 20u * 40);
  EXPECT_FALSE(b.dut_->busy_o);
}

// The comparison can fail: the model's DRAM replica holds one different
// instruction bit (a signal increment), so the pins disagree.
TEST(SeqLockstep, MismatchIsCaught) {
  Lockstep b(FastCfg());
  const auto prog = Asm("sync engine=seq signal=s2\nend wait=s2>=1\n");
  b.Load(prog);
  auto other = prog;
  other[0][0] ^= uint64_t(1) << 35;  // sig_inc 1 -> 3 in the model's copy
  std::vector<uint8_t> bytes;
  for (uint64_t x : other[0])
    for (int i = 0; i < 8; ++i) bytes.push_back(uint8_t(x >> (8 * i)));
  b.mmem_.write(kProgBase, bytes);
  EXPECT_NONFATAL_FAILURE(
      {
        b.Start(uint32_t(prog.size()));
        b.Run(2000);
      },
      "pin ");
  EXPECT_TRUE(b.failed_);
}

TEST(SeqLockstep, IsaExample) {
  Cfg c = FastCfg(30);
  c.pe = {5, 20, 1.0, 4};
  c.act = {3, 9, 1.0, 4};
  c.dma = {20, 60, 1.0, 4};
  Lockstep b(c);
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
  b.ExpectDone();
  EXPECT_EQ(b.accepted_, 6u);
  EXPECT_EQ(b.done_pulses_, 1u);
}

// GEMM kernels of loom::gemm_program at the small configuration (the
// parameters the sequencer is Verilated with), with random engine timing.
TEST(SeqLockstep, GemmPrograms) {
  const loom::Config& cfg = loom::config_by_name("small");
  ASSERT_EQ(cfg.partitions, kP);
  ASSERT_EQ(cfg.sbuf_bytes, kSb);
  ASSERT_EQ(cfg.psum_banks, kBanks);
  ASSERT_EQ(cfg.psum_entries, kEntries);
  const uint64_t seed = Seed(11);
  std::mt19937_64 rng(seed);
  struct Shape {
    uint32_t m, k, n;
    bool at, i8;
  };
  const std::vector<Shape> shapes = {{8, 8, 8, true, false},
                                     {16, 24, 40, true, false},
                                     {13, 7, 70, false, true},
                                     {32, 32, 64, true, true},
                                     {40, 17, 9, false, false}};
  for (size_t i = 0; i < shapes.size(); ++i) {
    const Shape& sh = shapes[i];
    SCOPED_TRACE("GEMM " + std::to_string(sh.m) + "x" + std::to_string(sh.k) + "x" +
                 std::to_string(sh.n));
    loom::GemmParams gp;
    gp.m = sh.m;
    gp.k = sh.k;
    gp.n = sh.n;
    gp.a_addr = 0x200000;
    gp.b_addr = 0x300000;
    gp.c_addr = 0x400000;
    gp.a_transposed = sh.at;
    gp.out_int8 = sh.i8;
    const loom::GemmProgram g = loom::gemm_program(cfg, gp);
    Cfg c;
    c.seed = seed + i;
    c.mem.seed = seed + i;
    c.mem.read_latency = 1 + uint32_t(rng() % 150);
    c.mem.ar_ready = 0.5;
    c.mem.r_valid = 0.7;
    c.pe = {2, 2 + uint32_t(rng() % 70), 0.8, 4};
    c.act = {2, 2 + uint32_t(rng() % 70), 0.8, 4};
    c.dma = {10, 10 + uint32_t(rng() % 150), 0.8, 4};
    Lockstep b(c);
    const auto words = Words(g.program);
    b.Load(words);
    b.Start(uint32_t(words.size()), kProgBase, 1u << 20);
    ASSERT_TRUE(b.Run(2000000)) << "no done, or a pin mismatch";
    b.ExpectDone();
    EXPECT_EQ(b.dispatches_, words.size() - 1);  // all but END
  }
}

// A random deadlock-free program: every wait is on signals of earlier
// instructions only (the idea of test_sequencer.cpp's generator).
std::vector<loom::InstrWords> RandomProgram(std::mt19937_64& rng, int n) {
  auto U = [&rng](uint32_t lo, uint32_t hi) { return lo + uint32_t(rng() % (hi - lo + 1)); };
  std::vector<uint32_t> avail(kSems, 0);
  std::vector<loom::Instr> prog;
  for (int k = 0; k < n; ++k) {
    loom::Instr in = loom::Instr::nop();
    const uint32_t kind = U(0, 12);
    if (kind == 1) {
      in = loom::Instr::sync(loom::Engine(U(0, 4)));
    } else if (kind >= 2 && kind <= 4) {
      loom::DmaDesc d;
      d.dram_addr = 0x20000 + 64 * U(0, 100);
      d.row_stride = 64;
      d.rows = U(1, kP);
      d.sbuf_part = U(0, kP - d.rows);
      d.row_bytes = U(1, 256);
      d.sbuf_addr = U(0, kSb - d.row_bytes);
      d.dir = U(0, 1);
      in = loom::Instr::dma(U(0, 1), d);
    } else if (kind >= 5 && kind <= 6) {
      loom::PeCmd c;
      c.op = loom::PeOp::kLdw;
      c.rows = U(1, kP);
      c.cols = U(1, kP);
      c.sbuf_addr = U(0, 1000);
      in = loom::Instr::pe(c);
    } else if (kind >= 7 && kind <= 9) {
      loom::PeCmd c;
      c.op = loom::PeOp::kMm;
      c.cols = U(1, kEntries);
      c.psum_bank = U(0, kBanks - 1);
      c.psum_off = U(0, kEntries - c.cols);
      c.sbuf_addr = U(0, 1000);
      in = loom::Instr::pe(c);
    } else if (kind >= 10) {
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
    if (kind != 0 && U(0, 9) < 5) {  // (NOP has no wait / signal)
      const uint32_t s = U(0, kSems - 1);
      if (avail[s] > 0) in.wait(s, U(1, avail[s]));
    }
    if (kind != 0 && U(0, 9) < 6) {
      const uint32_t s = U(0, kSems - 1), inc = U(1, 3);
      in.signal(s, inc);
      avail[s] += inc;
    }
    prog.push_back(in);
  }
  loom::Instr end = loom::Instr::end();
  const uint32_t s = U(0, kSems - 1);
  if (avail[s] > 0) end.wait(s, avail[s]);
  prog.push_back(end);
  return Words(prog);
}

// Random programs at DRAM latency 1..150 with back-pressure and random
// engines; one run in two also gets an injected failure (a DMA completion
// error, a fetch SLVERR / DECERR, a window that cuts the program, a bad
// word, a short watchdog) and then a restart of a clean program.
std::map<uint32_t, int> g_outcomes;  // error code (0 done) -> runs, first runs of RandomRun

void RandomRun(uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto U = [&rng](uint32_t lo, uint32_t hi) { return lo + uint32_t(rng() % (hi - lo + 1)); };
  Cfg c;
  c.seed = seed;
  c.mem.seed = seed;
  c.mem.read_latency = U(1, 150);
  c.mem.ar_ready = U(0, 1) ? 1.0 : 0.3 + 0.1 * U(0, 7);
  c.mem.r_valid = U(0, 1) ? 1.0 : 0.2 + 0.1 * U(0, 8);
  c.mem.max_reads = U(1, 16);
  c.pe = {1, U(1, 60), U(0, 1) ? 1.0 : 0.5, U(1, 6)};
  c.act = {1, U(1, 60), U(0, 1) ? 1.0 : 0.5, U(1, 6)};
  c.dma = {1, U(1, 120), U(0, 1) ? 1.0 : 0.5, U(1, 5)};
  auto prog = RandomProgram(rng, int(U(10, 160)));
  const uint64_t base = kProgBase + 32 * U(0, 300);
  const uint32_t fail = U(0, 9);  // 0..5: a failure
  uint64_t limit = kWinLimit;
  uint32_t watchdog = 1u << 20;
  const uint32_t at = U(0, uint32_t(prog.size()) - 1);
  if (fail == 1)
    c.mem.errors.push_back({base + 32 * at, base + 32 * at + 1, uint8_t(U(2, 3)), true, false});
  if (fail == 2) limit = base + 32 * at;
  if (fail == 3) prog[at][U(1, 3)] ^= uint64_t(1) << U(0, 63);  // likely RESERVED / range
  if (fail == 4) watchdog = U(1, 40);
  Lockstep b(c);
  if (fail == 0)
    for (uint32_t n = 0; n < prog.size(); ++n)
      if (U(0, 5) == 0) b.stubs_.dma_err[n] = U(1, 5);
  b.Load(prog, base);
  b.Start(uint32_t(prog.size()), base, watchdog, kWinBase, limit);
  ASSERT_TRUE(b.Run(600000)) << "no end after 600000 cycles, or a pin mismatch";
  ++g_outcomes[b.dut_->error_o ? uint32_t(b.dut_->error_code_o) : 0u];
  if (fail > 5) {
    b.ExpectDone();
  }
  if (fail == 1 || fail == 2) {
    EXPECT_TRUE(b.dut_->error_o);
  }
  // A restart right away (stale fetch bursts may still be on the bus).
  b.stubs_.dma_err.clear();
  for (int q = 0; q < 2; ++q) {  // a halted DMA queue is reset (its stranded descriptors go)
    if (b.stubs_.halted[q]) b.stubs_.dma[q].clear();
    b.stubs_.halted[q] = false;
  }
  auto prog2 = RandomProgram(rng, int(U(5, 40)));
  b.Load(prog2, kProgBase + 0x10000);
  b.Start(uint32_t(prog2.size()), kProgBase + 0x10000, 1u << 20);
  ASSERT_TRUE(b.Run(600000)) << "restart: no end, or a pin mismatch";
  b.ExpectDone();
}

TEST(SeqLockstep, RandomPrograms) {
  const uint64_t seed = Seed(2026);
  for (int i = 0; i < 60; ++i) {
    RandomRun(seed + i);
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("first runs ended with (code: runs):");
  for (auto [code, n] : g_outcomes) std::printf(" %u: %d", code, n);
  std::printf("\n");
  EXPECT_GE(g_outcomes[0], 10);      // most programs complete
  EXPECT_GE(g_outcomes.size(), 5u);  // and several kinds of error were met
}

// --- Errors -----------------------------------------------------------------

TEST(SeqLockstep, StaticErrors) {
  struct Case {
    std::string bad;
    uint32_t code;
  };
  const std::vector<Case> cases = {
      {"", 1},                          // zeroed word: ILLEGAL_OPCODE
      {"nop", 2},                       // (patched below) a reserved bit
      {"ldw sbuf=0 k=9 m=8", 3},        // K > P
      {"mm sbuf=4090 f=64 bank=0", 4},  // SBUF range
      {"mm sbuf=0 f=8 bank=4", 5},      // PSUM bank
      {"end wait=s16>=1", 3},           // semaphore id >= Semaphores
      {"dma.load q=1 dram=0xffffffffffffff00 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0",
       6},  // DRAM range past 2^64
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE(cs.bad);
    Lockstep b(FastCfg());
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
    EXPECT_EQ(b.error_pulses_, 1u);
  }
}

TEST(SeqLockstep, WindowMisalignedOverrun) {
  const auto prog = Asm("nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nend\n");
  struct Case {
    const char* what;
    uint64_t base, win_base, win_limit;
    uint32_t len, code, index;
  };
  const std::vector<Case> cases = {
      {"window cuts at 5", kProgBase, kWinBase, kProgBase + 5 * 32, 11, 6, 5},
      {"below the window", kProgBase, kProgBase + 32, kWinLimit, 11, 6, 0},
      {"misaligned base", kProgBase + 8, kWinBase, kWinLimit, 11, 6, 0},
      {"overrun", kProgBase, kWinBase, kWinLimit, 7, 11, 7},
      {"length 0", kProgBase, kWinBase, kWinLimit, 0, 11, 0},
      {"limit above 2^32 (AxiAddrW)", kProgBase, kWinBase, uint64_t(1) << 40, 11, 0, 0},
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE(cs.what);
    Lockstep b(FastCfg());
    b.Load(prog, cs.base);
    b.Start(cs.len, cs.base, 1000, cs.win_base, cs.win_limit);
    ASSERT_TRUE(b.Run());
    if (cs.code == 0)
      b.ExpectDone();
    else
      b.ExpectError(cs.code, cs.index);
  }
}

TEST(SeqLockstep, FetchAxiErrors) {
  for (uint8_t resp : {uint8_t(2), uint8_t(3)}) {
    for (uint32_t n : {0u, 5u, 9u, 14u, 17u}) {
      SCOPED_TRACE("resp " + std::to_string(resp) + " at " + std::to_string(n));
      Cfg c = FastCfg(15);
      c.mem.errors.push_back({kProgBase + 32 * n + 8, kProgBase + 32 * n + 9, resp, true, false});
      Lockstep b(c);
      std::string text;
      for (int i = 0; i < 19; ++i) text += "nop\n";
      const auto prog = Asm(text + "end\n");
      b.Load(prog);
      b.Start(uint32_t(prog.size()));
      ASSERT_TRUE(b.Run());
      b.ExpectError(resp == 2 ? 7 : 8, BurstStart(n));
      b.Idle(200);  // the dropped bursts drain in lock-step
      EXPECT_FALSE(b.failed_);
      EXPECT_TRUE(b.mem_.idle());
    }
  }
}

TEST(SeqLockstep, DmaErrors) {
  const std::map<uint32_t, uint32_t> map = {{1, 3}, {2, 6}, {3, 4}, {4, 7}, {5, 8}};
  for (auto [dma, core] : map) {
    SCOPED_TRACE("DMA code " + std::to_string(dma));
    Cfg c = FastCfg();
    c.dma = {30, 30, 1.0, 4};
    Lockstep b(c);
    const auto prog =
        Asm(DmaLoad(0, "signal=s0") + DmaLoad(1, "signal=s1") + DmaLoad(0, "signal=s0") +
            "ldw sbuf=0 k=8 m=8 wait=s0>=2\nend wait=s1>=1\n");
    b.stubs_.dma_err[2] = dma;
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    ASSERT_TRUE(b.Run());
    b.ExpectError(core, 2);
  }
  for (int first : {0, 1}) {  // two errors in one cycle: the lowest index wins
    SCOPED_TRACE("first queue " + std::to_string(first));
    Lockstep b(FastCfg());
    const auto prog = Asm(DmaLoad(first, "wait=s0>=1") + DmaLoad(1 - first, "wait=s0>=1") +
                          "sync engine=seq signal=s0\nend\n");
    b.stubs_.dma_err[0] = 4;
    b.stubs_.dma_err[1] = 5;
    b.stubs_.dma_lat[0] = 20;
    b.stubs_.dma_lat[1] = 20;
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    ASSERT_TRUE(b.Run());
    b.ExpectError(7, 0);
  }
}

TEST(SeqLockstep, Watchdog) {
  struct Case {
    std::string text;
    uint32_t watchdog, index;
  };
  const std::vector<Case> cases = {
      {"nop\nmm sbuf=0 f=16 bank=0 wait=s1>=1 signal=s0\n"
       "act.copy bank=0 m=8 f=4 dst=0 wait=s0>=1 signal=s1\nend\n",
       300, 1},
      {"ldw sbuf=0 k=8 m=8 signal=s2\nsync engine=seq wait=s2>=2\nend\n", 50, 1},
      {"ldw sbuf=0 k=8 m=8 signal=s2\nend wait=s2>=3\n", 50, 1},
      {"ldw sbuf=0 k=8 m=8 signal=s2\nend wait=s2>=3\n", 1, 1},
  };
  for (const Case& cs : cases) {
    SCOPED_TRACE(cs.text);
    Lockstep b(FastCfg());
    const auto prog = Asm(cs.text);
    b.Load(prog);
    b.Start(uint32_t(prog.size()), kProgBase, cs.watchdog);
    ASSERT_TRUE(b.Run());
    b.ExpectError(9, cs.index);
  }
  Lockstep b(FastCfg());  // watchdog 0: never fires
  b.Load(Asm("end wait=s2>=3\n"));
  b.Start(1, kProgBase, 0);
  EXPECT_FALSE(b.Run(3000));
  EXPECT_FALSE(b.failed_);
  EXPECT_TRUE(b.dut_->busy_o);
}

TEST(SeqLockstep, SemOverflow) {
  Lockstep b(FastCfg());
  std::string text;
  for (int i = 0; i < 258; ++i) text += "sync engine=seq signal=s7+255\n";
  const auto prog = Asm(text + "end\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectError(10, 257);
  EXPECT_EQ(b.model_.semaphores()[7], 65535u);
}

TEST(SeqLockstep, ErrorDrainsEngines) {
  Cfg c = FastCfg();
  c.pe = {300, 300, 1.0, 4};
  Lockstep b(c);
  auto words =
      Asm("ldw sbuf=0 k=8 m=8\nmm sbuf=0 f=16 bank=0\nmm sbuf=0 f=16 bank=0 wait=s9>=1\n"
          "mm sbuf=0 f=16 bank=0\nnop\n");
  words.push_back(loom::InstrWords{});  // ILLEGAL_OPCODE at 5
  b.Load(words);
  b.Start(uint32_t(words.size()), kProgBase, 3000);
  ASSERT_TRUE(b.Run());
  if (kQueues[0] >= 2) {
    b.ExpectError(1, 5);
  } else {  // a PE queue of 1: 3 cannot enter behind the waiting 2, 5 is never reached
    b.ExpectError(9, 2);
  }
  EXPECT_EQ(b.accepted_, 2u);
}

// Restart after done and after error; start while busy is ignored; a
// restart while stale bursts of the previous run are still on the bus.
TEST(SeqLockstep, Restart) {
  Lockstep b(FastCfg(60));
  const auto prog =
      Asm("sync engine=seq signal=s1\nldw sbuf=0 k=8 m=8 wait=s1>=1 signal=s1\nend wait=s1>=2\n");
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    b.Load(prog);
    b.Start(uint32_t(prog.size()));
    if (run == 1) b.Start(0);  // while busy: ignored (also its control inputs)
    ASSERT_TRUE(b.Run());
    b.ExpectDone();
  }
  b.Load(Asm("end wait=s3>=1\n"));
  b.Start(1, kProgBase, 20);
  ASSERT_TRUE(b.Run(100000, 0));
  b.ExpectError(9, 0);
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectDone();
  // A long program stopped by an early error with bursts in flight, then
  // restarted at once: the stale beats are dropped in both.
  std::string text;
  for (int i = 0; i < 60; ++i) text += i == 2 ? "end wait=s0>=1\n" : "nop\n";
  auto longp = Asm(text);
  longp[1] = loom::InstrWords{};
  b.Load(longp, kProgBase + 0x8000);
  b.Start(uint32_t(longp.size()), kProgBase + 0x8000);
  ASSERT_TRUE(b.Run(100000, 0));
  b.ExpectError(1, 1);
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectDone();
  EXPECT_FALSE(b.failed_);
}

// Tight engine queues and in-flight lists: many commands with no waits,
// engines that are slow to take them.
TEST(SeqLockstep, BackPressure) {
  Cfg c = FastCfg(1);
  c.pe = {1, 3, 0.2, 8};
  c.act = {1, 3, 0.2, 8};
  c.dma = {1, 3, 0.2, 8};
  Lockstep b(c);
  std::string text;
  for (int i = 0; i < 120; ++i) {
    switch (i % 4) {
      case 0:
        text += "mm sbuf=0 f=16 bank=0 signal=s1\n";
        break;
      case 1:
        text += "act.copy bank=0 m=8 f=4 dst=0 signal=s2\n";
        break;
      case 2:
        text += DmaLoad(i % 8 == 2 ? 0 : 1, "signal=s3");
        break;
      default:
        text += i % 16 == 3 ? "sync engine=pe signal=s4\n" : "ldw sbuf=0 k=8 m=8\n";
    }
  }
  const auto prog = Asm(text + "end wait=s1>=30\n");
  b.Load(prog);
  b.Start(uint32_t(prog.size()));
  ASSERT_TRUE(b.Run());
  b.ExpectDone();
}

}  // namespace
