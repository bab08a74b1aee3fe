// Unit tests of act_engine (docs/act.md) on a standalone Verilated model
// with C++ PSUM and SBUF memories behind its ports, in lock-step with
// loom::ActEngineModel (loom/act_engine_model.h): both get the same input
// pins every cycle, the model works on its own copy of the memories, and
// every output pin of act_engine is compared with the model's every cycle
// (cmd_ready_o, busy_o, done_o, obs_issue_*, the PSUM / SBUF read enables
// and every partition's address, the SBUF write enables, address, strobes
// and every partition's data word; payloads also while their valid is low).
// The data are checked independently against a sequential execution of the
// ACTs with loom::act_requant (loom/isa.h): every SBUF word write, and the
// final SBUF of both the RTL's and the model's memories.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "Vact_engine.h"
#include "loom/act_engine_model.h"
#include "loom/configs.h"
#include "loom/isa.h"
#include "verilated.h"

namespace {

constexpr uint32_t kP = LOOM_UT_P;
constexpr uint32_t kSbufBytes = LOOM_UT_SB;
constexpr uint32_t kWb = LOOM_UT_WB;
constexpr uint32_t kBanks = LOOM_UT_BANKS;
constexpr uint32_t kEntries = LOOM_UT_ENTRIES;
constexpr uint32_t kQueueDepth = LOOM_UT_QD;
constexpr uint32_t kAw = 18;
constexpr uint32_t Log2(uint32_t v) { return v <= 1 ? 0 : 1 + Log2(v / 2); }
constexpr uint32_t kPaw = Log2(kBanks) + Log2(kEntries);
constexpr uint32_t kBsWords = kWb >= 8 ? 1 : 2;
constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();

const loom::Config kCfg{"act_ut", kP, kSbufBytes, kWb, kBanks, kEntries, 4, 8};

uint64_t Seed(uint64_t dflt) {
  uint64_t seed = dflt;
  if (const char* s = std::getenv("LOOM_SEED"); s && *s) seed = std::strtoull(s, nullptr, 0);
  std::cout << "LOOM_SEED=" << seed << " (override with the LOOM_SEED environment variable)\n";
  return seed;
}

// --- bit access on Verilator ports (integral or VlWide) -----------------------
template <class T>
uint32_t Word32(const T& v, uint32_t i) {
  if constexpr (std::is_integral_v<T>) {
    return i * 32 < sizeof(T) * 8 ? uint32_t(uint64_t(v) >> (32 * i)) : 0u;
  } else {
    return i < sizeof(T) / 4 ? v[i] : 0u;
  }
}
template <class T>
uint32_t GetBits(const T& v, uint32_t lo, uint32_t w) {  // w <= 32
  const uint64_t win = uint64_t(Word32(v, lo / 32)) | (uint64_t(Word32(v, lo / 32 + 1)) << 32);
  const uint64_t x = win >> (lo % 32);
  return w == 32 ? uint32_t(x) : uint32_t(x & ((uint64_t(1) << w) - 1));
}
template <class T>
void SetBits(T& v, uint32_t lo, uint32_t w, uint32_t val) {  // w <= 32
  for (uint32_t b = 0; b < w; ++b) {
    const uint32_t bit = lo + b, on = (val >> b) & 1u;
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      v = T((U(v) & ~(U(1) << bit)) | (U(on) << bit));
    } else {
      v[bit / 32] = (v[bit / 32] & ~(1u << (bit % 32))) | (on << (bit % 32));
    }
  }
}

// --- the memories behind the ports -------------------------------------------
struct Mem {
  std::vector<std::vector<int32_t>> psum;  // [p][bank * E + entry]
  std::vector<std::vector<uint8_t>> sbuf;  // [p][byte]
  int32_t Src(const loom::Instr::Act& a, uint32_t p, uint32_t f) const {
    if (!a.src_sbuf) return psum[p][a.psum_bank * kEntries + a.psum_off + f];
    uint32_t v = 0;
    for (uint32_t i = 0; i < 4; ++i) v |= uint32_t(sbuf[p][a.src_addr + 4 * f + i]) << (8 * i);
    return int32_t(v);
  }
};

// One expected SBUF write of an ACT (one word, every partition of the ACT).
struct WordWrite {
  uint32_t f_end;  // the element that completes the word
  uint32_t addr;
  uint64_t strb;
  std::vector<std::vector<uint8_t>> data;  // [p - part][byte], 0 where not strobed
};

struct Cmd {
  loom::Instr::Act a;
  loom::InstrWords words{};
  uint32_t gap = 0;         // offered gap cycles after the previous accept
  bool after_done = false;  // offered only after the previous ACT's done_o
  std::vector<WordWrite> writes;
  uint32_t esize() const { return a.mode == loom::ActMode::kCopy ? 4 : 1; }
  uint32_t b() const { return a.bs_sbuf ? kBsWords : 0; }
  uint32_t n() const { return b() + a.f; }
  bool reads_sbuf() const { return a.src_sbuf || a.bs_sbuf; }
  bool active(uint32_t p) const { return p >= a.part && p < a.part + a.m; }
};

// Executes ACT c on mem (docs/isa.md semantics) and records its word writes.
void Execute(Cmd& c, Mem& mem) {
  const auto& a = c.a;
  std::vector<std::vector<uint8_t>> out(a.m);
  for (uint32_t i = 0; i < a.m; ++i) {
    const uint32_t p = a.part + i;
    int32_t bias = a.bias, scale = a.scale;
    if (a.bs_sbuf) {
      const auto& s = mem.sbuf[p];
      bias = int32_t(uint32_t(s[a.bs_addr]) | uint32_t(s[a.bs_addr + 1]) << 8 |
                     uint32_t(s[a.bs_addr + 2]) << 16 | uint32_t(s[a.bs_addr + 3]) << 24);
      scale = int16_t(uint16_t(s[a.bs_addr + 4] | s[a.bs_addr + 5] << 8));
    }
    for (uint32_t f = 0; f < a.f; ++f) {
      const int32_t x = mem.Src(a, p, f);
      if (a.mode == loom::ActMode::kCopy) {
        for (uint32_t k = 0; k < 4; ++k) out[i].push_back(uint8_t(uint32_t(x) >> (8 * k)));
      } else {
        out[i].push_back(uint8_t(loom::act_requant(x, bias, scale, a.shift, a.relu)));
      }
    }
  }
  c.writes.clear();
  const uint32_t es = c.esize();
  WordWrite w;
  w.strb = 0;
  w.data.assign(a.m, std::vector<uint8_t>(kWb, 0));
  for (uint32_t f = 0; f < a.f; ++f) {
    const uint32_t pos = a.dst_addr + es * f, off = pos % kWb;
    w.addr = pos - off;
    for (uint32_t k = 0; k < es; ++k) {
      w.strb |= uint64_t(1) << (off + k);
      for (uint32_t i = 0; i < a.m; ++i) w.data[i][off + k] = out[i][es * f + k];
    }
    if (off + es == kWb || f + 1 == a.f) {
      w.f_end = f;
      c.writes.push_back(w);
      w.strb = 0;
      w.data.assign(a.m, std::vector<uint8_t>(kWb, 0));
    }
  }
  for (uint32_t i = 0; i < a.m; ++i)
    for (uint32_t k = 0; k < a.f * es; ++k) mem.sbuf[a.part + i][a.dst_addr + k] = out[i][k];
}

// --- the bench ------------------------------------------------------------------
// The model's memories: the same layout as the RTL's (Mem), read-first.
struct ModelMem : loom::ActMemPort {
  Mem& m;
  explicit ModelMem(Mem& mem) : m(mem) {}
  uint32_t psum_read(uint32_t part, uint32_t bank, uint32_t entry) override {
    return uint32_t(m.psum.at(part).at(bank * kEntries + entry));
  }
  void sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    for (uint32_t b = 0; b < kWb; ++b) out[b] = m.sbuf.at(part).at(addr + b);
  }
  void sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    for (uint32_t b = 0; b < kWb; ++b)
      if ((strb >> b) & 1) m.sbuf.at(part).at(addr + b) = data[b];
  }
};

struct Stats {
  uint64_t cycles = 0, writes = 0, stalls = 0, issues = 0;
  std::vector<uint64_t> accept, issue, done;  // per command
};

class ActEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);  // a failing assertion sets gotError()
    dut_ = std::make_unique<Vact_engine>(ctx_.get(), "act");
    dut_->clk_i = 0;
    dut_->rst_ni = 1;
    dut_->cmd_valid_i = 0;
    dut_->sbuf_wr_busy_i = 0;
    dut_->eval();
    dut_->rst_ni = 0;  // a real falling edge: the asynchronous reset fires
    dut_->eval();
    for (int i = 0; i < 2; ++i) {
      dut_->clk_i = 1;
      dut_->eval();
      dut_->clk_i = 0;
      dut_->eval();
    }
    dut_->rst_ni = 1;
    dut_->eval();
    rng_.seed(Seed(0xAC7E));
    InitMem();
    model_ = std::make_unique<loom::ActEngineModel>(kCfg, kQueueDepth);
  }
  void TearDown() override { dut_->final(); }

  int32_t EdgeOrRandom(int edge_pct) {
    static const int32_t kEdges[] = {0,           1,       -1,        127,     -128,
                                     128,         -129,    kI32Max,   kI32Min, kI32Max - 1,
                                     kI32Min + 1, 1 << 16, -(1 << 16)};
    if (int(rng_() % 100) < edge_pct) return kEdges[rng_() % std::size(kEdges)];
    return int32_t(uint32_t(rng_()));
  }

  void InitMem() {
    mem_.psum.assign(kP, std::vector<int32_t>(kBanks * kEntries));
    mem_.sbuf.assign(kP, std::vector<uint8_t>(kSbufBytes));
    for (auto& v : mem_.psum)
      for (auto& x : v) x = EdgeOrRandom(20);
    for (auto& v : mem_.sbuf)
      for (auto& x : v) x = uint8_t(rng_());
    // bias / scale records with edge values at some 8-byte places
    for (uint32_t p = 0; p < kP; ++p)
      for (uint32_t a = 0; a + 8 <= kSbufBytes; a += 8) {
        if (rng_() % 4) continue;
        const int32_t b = EdgeOrRandom(60);
        static const int16_t kScales[] = {0, 1, -1, 32767, -32768, 2, 256};
        const int16_t s = (rng_() % 2) ? kScales[rng_() % std::size(kScales)] : int16_t(rng_());
        for (int i = 0; i < 4; ++i) mem_.sbuf[p][a + i] = uint8_t(uint32_t(b) >> (8 * i));
        mem_.sbuf[p][a + 4] = uint8_t(uint16_t(s));
        mem_.sbuf[p][a + 5] = uint8_t(uint16_t(s) >> 8);
      }
    prd_.assign(kP, 0);
    srd_.assign(kP, std::vector<uint8_t>(kWb, 0));
    model_mem_ = mem_;  // the model starts from the same memories
  }

  // A random legal ACT (validate() against the unit-test configuration).
  loom::Instr::Act RandomAct() {
    for (;;) {
      loom::Instr::Act a;
      a.mode = rng_() % 2 ? loom::ActMode::kCopy : loom::ActMode::kRequant;
      a.m = 1 + rng_() % kP;
      if (rng_() % 3 == 0) a.m = kP;
      a.part = rng_() % (kP - a.m + 1);
      a.f = 1 + rng_() % kEntries;
      if (rng_() % 6 == 0) a.f = kEntries;
      if (rng_() % 6 == 0) a.f = 1;
      a.src_sbuf = rng_() % 2;
      const uint32_t es = a.mode == loom::ActMode::kCopy ? 4 : 1;
      if (a.src_sbuf) {
        a.src_addr = 4 * (rng_() % ((kSbufBytes - 4 * a.f) / 4 + 1));
      } else {
        a.psum_bank = rng_() % kBanks;
        a.psum_off = rng_() % (kEntries - a.f + 1);
      }
      a.dst_addr = rng_() % (kSbufBytes - es * a.f + 1);
      if (es == 4) a.dst_addr &= ~3u;
      if (a.mode == loom::ActMode::kRequant) {
        a.bs_sbuf = rng_() % 2;
        if (a.bs_sbuf) {
          a.bs_addr = 8 * (rng_() % (kSbufBytes / 8));
        } else {
          a.bias = EdgeOrRandom(30);
          static const int16_t kScales[] = {0, 1, -1, 32767, -32768, 3};
          a.scale = rng_() % 3 == 0 ? kScales[rng_() % std::size(kScales)] : int16_t(rng_());
        }
        a.shift = rng_() % 64;
        if (rng_() % 3 == 0) a.shift = rng_() % 20;
        a.relu = rng_() % 2;
      }
      if (loom::validate(kCfg, loom::Instr::act(a)).ok()) return a;
    }
  }

  Cmd MakeCmd(const loom::Instr::Act& a, uint32_t gap = 0, bool after_done = false) {
    Cmd c;
    c.a = a;
    c.gap = gap;
    c.after_done = after_done;
    const loom::InstrCheck chk = loom::validate(kCfg, loom::Instr::act(a));
    EXPECT_TRUE(chk.ok()) << chk.message;
    c.words = loom::encode(loom::Instr::act(a));
    c.words[0] &= ~((uint64_t(1) << 59) - 1);  // header cleared
    return c;
  }

  // Plays cmds (offered in order) with busy(c) on sbuf_wr_busy_i, the RTL
  // and the model in lock-step (every output pin compared every cycle);
  // checks every SBUF write against the sequential execution and the final
  // SBUF of both; returns the statistics (from the RTL's pins).
  Stats Run(std::vector<Cmd>& cmds, const std::function<uint64_t(uint64_t)>& busy,
            uint64_t max_cycles = 200000) {
    Mem func = mem_;
    for (auto& c : cmds) Execute(c, func);
    ModelMem mmem{model_mem_};
    Stats st;
    st.accept.assign(cmds.size(), 0);
    st.issue.assign(cmds.size(), 0);
    st.done.assign(cmds.size(), 0);
    size_t next = 0;
    uint64_t offer_from = cmds.empty() ? 0 : cmds[0].gap;
    uint32_t issued = 0, dones = 0;
    size_t w_cmd = 0, w_word = 0;  // the next expected word write
    bool waiting_done = false;
    loom::ActCycleIn in;
    in.sbuf_wr_busy.assign(kP, false);
    for (uint64_t c = 0; c < max_cycles; ++c) {
      if (dones == cmds.size() && !dut_->busy_o && c > 0) break;
      cycle_ = c;
      // inputs of cycle c, to both
      const int offer = (next < cmds.size() && c >= offer_from && !waiting_done) ? int(next) : -1;
      dut_->cmd_valid_i = offer >= 0;
      for (uint32_t i = 0; i < 8; ++i)
        dut_->cmd_i[i] = offer >= 0 ? uint32_t(cmds[offer].words[i / 2] >> (32 * (i % 2)))
                                    : uint32_t(rng_());  // junk while not valid
      in.cmd_valid = offer >= 0;
      for (uint32_t i = 0; i < 4; ++i)
        in.cmd[i] = uint64_t(dut_->cmd_i[2 * i]) | uint64_t(dut_->cmd_i[2 * i + 1]) << 32;
      const uint64_t bz = busy(c) & ((uint64_t(1) << kP) - 1);
      dut_->sbuf_wr_busy_i = bz;
      for (uint32_t p = 0; p < kP; ++p) in.sbuf_wr_busy[p] = (bz >> p) & 1;
      for (uint32_t p = 0; p < kP; ++p) {
        SetBits(dut_->psum_rd_data_i, 32 * p, 32, uint32_t(prd_[p]));
        for (uint32_t b = 0; b < kWb; ++b)
          SetBits(dut_->sbuf_rd_data_i, 8 * (kWb * p + b), 8, srd_[p][b]);
      }
      dut_->clk_i = 0;
      dut_->eval();
      const loom::ActCycleOut& o = model_->step(in, mmem);
      Compare(o);
      // events, from the RTL's pins
      const bool accept = offer >= 0 && dut_->cmd_ready_o;
      if (dut_->obs_issue_valid_o) {
        if (issued < cmds.size()) st.issue.at(issued) = c;
        ++issued;
      }
      if (dut_->done_o) {
        if (dones < cmds.size()) st.done.at(dones) = c;
        ++dones;
      }
      st.stalls += o.stall;
      const uint64_t prd = GetBits(dut_->psum_rd_en_o, 0, kP),
                     srd = GetBits(dut_->sbuf_rd_en_o, 0, kP);
      const uint64_t wr = GetBits(dut_->sbuf_wr_en_o, 0, kP);
      const uint32_t waddr = dut_->sbuf_wr_addr_o;
      const uint64_t wstrb = Strobes();
      // every word write against the sequential execution (act_requant / copy)
      if (wr != 0 && !failed_) {
        ++st.writes;
        CheckWrite(cmds, w_cmd, w_word, wr, waddr, wstrb);
      }
      if (accept) {
        st.accept.at(next) = c;
        ++next;
        if (next < cmds.size()) {
          offer_from = c + 1 + cmds[next].gap;
          waiting_done = cmds[next].after_done;
        }
      }
      if (dut_->done_o && waiting_done) {
        waiting_done = false;
        offer_from = std::max<uint64_t>(offer_from, c + cmds[next].gap);
      }
      // memories: reads (read-first), then writes, at the edge
      for (uint32_t p = 0; p < kP; ++p) {
        if ((prd >> p) & 1)
          prd_[p] = mem_.psum[p].at(GetBits(dut_->psum_rd_addr_o, kPaw * p, kPaw));
        if ((srd >> p) & 1) {
          const uint32_t a = GetBits(dut_->sbuf_rd_addr_o, kAw * p, kAw);
          for (uint32_t b = 0; b < kWb; ++b) srd_[p][b] = mem_.sbuf[p].at(a + b);
        }
      }
      for (uint32_t p = 0; p < kP; ++p) {
        if (!((wr >> p) & 1)) continue;
        for (uint32_t b = 0; b < kWb; ++b)
          if ((wstrb >> b) & 1)
            mem_.sbuf[p].at(waddr + b) =
                uint8_t(GetBits(dut_->sbuf_wr_data_o, 8 * (kWb * p + b), 8));
      }
      dut_->clk_i = 1;
      dut_->eval();
      EXPECT_FALSE(ctx_->gotError()) << "assertion failed at cycle " << c;
      st.cycles = c + 1;
      if (failed_ || ::testing::Test::HasFailure()) {
        ADD_FAILURE() << "stopping at cycle " << c;
        break;
      }
    }
    dut_->clk_i = 0;
    dut_->eval();
    EXPECT_EQ(dones, cmds.size()) << "not every ACT completed";
    EXPECT_EQ(issued, cmds.size());
    EXPECT_EQ(model_->completed(), cmds.size());
    EXPECT_EQ(model_->issued(), cmds.size());
    EXPECT_EQ(w_cmd, cmds.size()) << "not every expected word was written";
    EXPECT_FALSE(dut_->busy_o);
    EXPECT_FALSE(model_->busy());
    for (uint32_t p = 0; p < kP; ++p) {
      EXPECT_EQ(mem_.sbuf[p], func.sbuf[p]) << "final SBUF of the RTL, partition " << p;
      EXPECT_EQ(model_mem_.sbuf[p], func.sbuf[p]) << "final SBUF of the model, partition " << p;
    }
    st.issues = issued;
    return st;
  }

  uint64_t Strobes() const {
    return GetBits(dut_->sbuf_wr_strb_o, 0, kWb > 32 ? 32 : kWb) |
           (kWb > 32 ? uint64_t(GetBits(dut_->sbuf_wr_strb_o, 32, kWb - 32)) << 32 : 0);
  }

  // One pin (or one partition's slice of a port): RTL against the model.
  void Pin(const std::string& name, uint64_t rtl, uint64_t model) {
    ++pins_;
    if (failed_ || rtl == model) return;
    failed_ = true;
    ADD_FAILURE() << "cycle " << cycle_ << ": pin " << name << " RTL 0x" << std::hex << rtl
                  << " model 0x" << model;
  }
  static uint64_t Mask(const std::vector<bool>& v) {
    uint64_t m = 0;
    for (size_t k = 0; k < v.size(); ++k) m |= uint64_t(v[k]) << k;
    return m;
  }

  // Every output pin of act_engine in this cycle against the model's.
  void Compare(const loom::ActCycleOut& o) {
    const Vact_engine& d = *dut_;
    Pin("cmd_ready_o", d.cmd_ready_o, o.cmd_ready);
    Pin("busy_o", d.busy_o, o.busy);
    Pin("done_o", d.done_o, o.done);
    Pin("obs_issue_valid_o", d.obs_issue_valid_o, o.issue_valid);
    Pin("obs_issue_tag_o", d.obs_issue_tag_o, o.issue_tag);
    Pin("psum_rd_en_o", GetBits(d.psum_rd_en_o, 0, kP), Mask(o.psum_rd_en));
    Pin("sbuf_rd_en_o", GetBits(d.sbuf_rd_en_o, 0, kP), Mask(o.sbuf_rd_en));
    Pin("sbuf_wr_en_o", GetBits(d.sbuf_wr_en_o, 0, kP), Mask(o.wr_valid));
    Pin("sbuf_wr_addr_o", d.sbuf_wr_addr_o, o.wr_addr);
    Pin("sbuf_wr_strb_o", Strobes(), o.wr_strb);
    for (uint32_t p = 0; p < kP; ++p) {
      const std::string k = "[" + std::to_string(p) + "]";
      Pin("psum_rd_addr_o" + k, GetBits(d.psum_rd_addr_o, kPaw * p, kPaw), o.psum_rd_addr);
      Pin("sbuf_rd_addr_o" + k, GetBits(d.sbuf_rd_addr_o, kAw * p, kAw), o.sbuf_rd_addr);
      for (uint32_t b = 0; b < kWb; ++b)
        Pin("sbuf_wr_data_o" + k + " byte " + std::to_string(b),
            GetBits(d.sbuf_wr_data_o, 8 * (kWb * p + b), 8), o.wr_data[p][b]);
    }
  }

  // The RTL's word write of this cycle is the next word of the sequential
  // execution (ACTs complete in order, each ACT's words in order).
  void CheckWrite(const std::vector<Cmd>& cmds, size_t& w_cmd, size_t& w_word, uint64_t wr,
                  uint32_t waddr, uint64_t wstrb) {
    if (w_cmd >= cmds.size()) {
      ADD_FAILURE() << "cycle " << cycle_ << ": a write after the last expected one";
      return;
    }
    const Cmd& cmd = cmds[w_cmd];
    const WordWrite& w = cmd.writes.at(w_word);
    uint64_t mask = 0;
    for (uint32_t p = 0; p < kP; ++p)
      if (cmd.active(p)) mask |= uint64_t(1) << p;
    const std::string what = "cycle " + std::to_string(cycle_) + " (" +
                             loom::to_string(loom::Instr::act(cmd.a)) + ")";
    EXPECT_EQ(wr, mask) << what;
    EXPECT_EQ(waddr, w.addr) << what;
    EXPECT_EQ(wstrb, w.strb) << what;
    for (uint32_t p = 0; p < kP; ++p) {
      if (!((wr & mask) >> p & 1)) continue;
      for (uint32_t b = 0; b < kWb; ++b) {
        const uint32_t got = GetBits(dut_->sbuf_wr_data_o, 8 * (kWb * p + b), 8);
        const uint32_t exp = w.data[p - cmd.a.part][b];
        if (got != exp) {
          ADD_FAILURE() << what << " p" << p << " byte " << b << " addr " << waddr << ": got "
                        << got << " expected " << exp;
          return;
        }
      }
    }
    if (++w_word == cmd.writes.size()) {
      ++w_cmd;
      w_word = 0;
    }
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vact_engine> dut_;
  std::unique_ptr<loom::ActEngineModel> model_;
  std::mt19937_64 rng_;
  Mem mem_;         // behind the RTL's ports
  Mem model_mem_;   // behind the model's ActMemPort (a copy of mem_ at the start)
  uint64_t cycle_ = 0;
  uint64_t pins_ = 0;  // pin comparisons made
  bool failed_ = false;  // a pin differed (the first one is reported)
  std::vector<int32_t> prd_;
  std::vector<std::vector<uint8_t>> srd_;
};

const auto kNoBusy = [](uint64_t) { return uint64_t(0); };

// Formula of docs/act.md for one ACT alone (no stall): issue s = accept + 1,
// element f read in s + B + f, the word ending with element f written in
// s + B + f + 4, done_o in s + B + F + 4.
TEST_F(ActEngineTest, SingleActMatchesTheFormula) {
  loom::Instr::Act a;
  a.mode = loom::ActMode::kRequant;
  a.m = kP;
  a.f = kEntries;
  a.psum_bank = kBanks - 1;
  a.dst_addr = 3;
  a.bias = -3;
  a.scale = 0x7fff;
  a.shift = 15;
  a.relu = true;
  std::vector<Cmd> cmds{MakeCmd(a)};
  const Stats st = Run(cmds, kNoBusy);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(st.accept[0], 0u);
  EXPECT_EQ(st.issue[0], 1u);
  EXPECT_EQ(st.done[0], 1u + kEntries + 4);
  // words: bytes 3 .. 3+F-1, so ceil((3 + F) / WB) writes
  EXPECT_EQ(st.writes, (3 + kEntries + kWb - 1) / kWb);
  EXPECT_EQ(st.stalls, 0u);
  // every pin of every cycle was compared (5 + 5 ports + 2 addresses and WB
  // data bytes per partition)
  EXPECT_EQ(pins_, st.cycles * (10 + kP * (2 + kWb)));
}

// The lock-step comparison can fail: the model's PSUM copy differs in one
// bit of one element, so its write data (and only that) differs.
TEST_F(ActEngineTest, MismatchIsCaught) {
  loom::Instr::Act a;
  a.mode = loom::ActMode::kCopy;
  a.m = kP;
  a.f = kEntries;
  std::vector<Cmd> cmds{MakeCmd(a)};
  model_mem_.psum[kP - 1][kEntries / 2] ^= 1 << 9;
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter catcher(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    Run(cmds, kNoBusy);
  }
  ASSERT_GT(failures.size(), 0);
  // the first failure is the first differing pin: partition P-1's data
  const std::string first = failures.GetTestPartResult(0).message();
  EXPECT_NE(first.find("pin sbuf_wr_data_o[" + std::to_string(kP - 1) + "]"), std::string::npos)
      << first;
  EXPECT_TRUE(failed_);
}

TEST_F(ActEngineTest, SbufSourceWithRecordMatchesTheFormula) {
  loom::Instr::Act a;
  a.mode = loom::ActMode::kRequant;
  a.src_sbuf = true;
  a.src_addr = 4 * 5;
  a.part = 1;
  a.m = kP - 1;
  a.f = 7;
  a.dst_addr = kSbufBytes - 7;
  a.bs_sbuf = true;
  a.bs_addr = kSbufBytes - 64;
  a.shift = 9;
  std::vector<Cmd> cmds{MakeCmd(a, 3)};
  const Stats st = Run(cmds, kNoBusy);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(st.accept[0], 3u);
  EXPECT_EQ(st.issue[0], 4u);
  EXPECT_EQ(st.done[0], 4u + kBsWords + 7 + 4);
}

TEST_F(ActEngineTest, CopyEveryShiftAndEdges) {
  // act.copy of PSUM and SBUF, then requant at every shift 0..63 with edge
  // bias / scale, each alone.
  std::vector<Cmd> cmds;
  loom::Instr::Act c;
  c.mode = loom::ActMode::kCopy;
  c.m = kP;
  c.f = kEntries;
  c.dst_addr = 0;
  cmds.push_back(MakeCmd(c));
  c.src_sbuf = true;
  c.src_addr = 0;
  c.dst_addr = 4 * kEntries + 4;
  c.part = kP / 2;
  c.m = kP / 2;
  cmds.push_back(MakeCmd(c, 0, true));
  const int32_t biases[] = {0, kI32Min, kI32Max, -1};
  const int16_t scales[] = {-32768, 32767, 1, -1};
  for (uint32_t s = 0; s < 64; ++s) {
    loom::Instr::Act a;
    a.m = kP;
    a.f = 1 + s % kEntries;
    a.psum_off = kEntries - a.f;
    a.dst_addr = 8 * kEntries + s;
    a.bias = biases[s % 4];
    a.scale = scales[(s / 4) % 4];
    a.shift = s;
    a.relu = s % 3 == 0;
    cmds.push_back(MakeCmd(a, 0, true));
  }
  Run(cmds, kNoBusy);
}

TEST_F(ActEngineTest, RandomIsolated) {
  std::vector<Cmd> cmds;
  for (int i = 0; i < 150; ++i) cmds.push_back(MakeCmd(RandomAct(), rng_() % 3, true));
  const Stats st = Run(cmds, kNoBusy);
  ASSERT_FALSE(HasFailure());
  // every ACT alone: the formula directly
  for (size_t i = 0; i < cmds.size(); ++i) {
    EXPECT_EQ(st.issue[i], st.accept[i] + 1) << i;
    EXPECT_EQ(st.done[i], st.issue[i] + cmds[i].n() + 4) << i;
  }
}

TEST_F(ActEngineTest, RandomBackToBack) {
  std::vector<Cmd> cmds;
  for (int i = 0; i < 300; ++i)
    cmds.push_back(MakeCmd(RandomAct(), rng_() % 4 == 0 ? rng_() % 6 : 0));
  const Stats st = Run(cmds, kNoBusy);
  ASSERT_FALSE(HasFailure());
  // overlap: a PSUM-source ACT with immediates issues right after the
  // previous one's last read step when it is waiting
  uint32_t overlapped = 0;
  for (size_t i = 1; i < cmds.size(); ++i) {
    EXPECT_GE(st.issue[i], st.issue[i - 1] + cmds[i - 1].n()) << i;
    if (!cmds[i].reads_sbuf() && st.accept[i] < st.issue[i - 1] + cmds[i - 1].n()) {
      EXPECT_EQ(st.issue[i], st.issue[i - 1] + cmds[i - 1].n()) << i;
      ++overlapped;
    }
    if (cmds[i].reads_sbuf()) {
      EXPECT_GE(st.issue[i], st.done[i - 1]) << i;
    }
  }
  EXPECT_GT(overlapped, 20u);
}

TEST_F(ActEngineTest, RandomWithWritePortConflicts) {
  std::vector<Cmd> cmds;
  for (int i = 0; i < 300; ++i)
    cmds.push_back(MakeCmd(RandomAct(), rng_() % 4 == 0 ? rng_() % 6 : 0));
  // busy pattern: single-partition DMA-like bursts (one partition for a run
  // of cycles, like a load row) and random scattered cycles
  std::vector<uint64_t> pattern(400000, 0);
  for (size_t c = 0; c < pattern.size();) {
    const uint32_t kind = rng_() % 10;
    if (kind < 2) {  // burst on one partition
      const uint64_t p = rng_() % kP;
      const size_t len = 1 + rng_() % 12;
      for (size_t i = 0; i < len && c < pattern.size(); ++i) pattern[c++] = uint64_t(1) << p;
    } else if (kind < 5) {  // one random partition, one cycle
      pattern[c++] = uint64_t(1) << (rng_() % kP);
    } else {
      c += 1 + rng_() % 6;
    }
  }
  const Stats st = Run(cmds, [&](uint64_t c) { return c < pattern.size() ? pattern[c] : 0; });
  EXPECT_GT(st.stalls, 50u);
  std::cout << "cycles " << st.cycles << ", writes " << st.writes << ", stalls " << st.stalls
            << "\n";
}

TEST_F(ActEngineTest, LongStallsOnEveryPartition) {
  // busy on every partition for up to 9 cycles in a row: the engine holds
  // its writes for as long as the conflict lasts and loses nothing
  std::vector<Cmd> cmds;
  for (int i = 0; i < 80; ++i) cmds.push_back(MakeCmd(RandomAct()));
  const uint64_t all = (uint64_t(1) << kP) - 1;
  std::vector<uint64_t> pattern(100000, 0);
  for (size_t c = 0; c < pattern.size();) {
    const size_t len = rng_() % 10;
    for (size_t i = 0; i < len && c < pattern.size(); ++i) pattern[c++] = all;
    c += rng_() % 8;
  }
  const Stats st = Run(cmds, [&](uint64_t c) { return c < pattern.size() ? pattern[c] : 0; });
  EXPECT_GT(st.stalls, 50u);
}

TEST_F(ActEngineTest, ConflictOutsideThePartitionsDoesNotStall) {
  // the ACT uses partitions 0 .. P/2-1; the port is busy on the others always
  loom::Instr::Act a;
  a.m = kP / 2;
  a.f = kEntries;
  a.scale = 1;
  std::vector<Cmd> cmds{MakeCmd(a), MakeCmd(a)};
  const uint64_t upper = ((uint64_t(1) << kP) - 1) & ~((uint64_t(1) << (kP / 2)) - 1);
  const Stats st = Run(cmds, [&](uint64_t) { return upper; });
  EXPECT_EQ(st.stalls, 0u);
  EXPECT_EQ(st.done[1], st.issue[0] + 2 * kEntries + 4);
}

TEST_F(ActEngineTest, OneConflictDelaysEverythingAfterItByOneCycle) {
  loom::Instr::Act a;
  a.m = kP;
  a.f = kEntries;
  a.scale = 1;
  a.dst_addr = 0;
  std::vector<Cmd> cmds{MakeCmd(a)};
  // first write of the ACT alone: element WB-1 read in 1 + WB-1, written 4 later
  const uint64_t first_write = 1 + (kWb - 1) + 4;
  const Stats st =
      Run(cmds, [&](uint64_t c) { return c == first_write ? uint64_t(1) << (kP - 1) : 0; });
  EXPECT_EQ(st.stalls, 1u);
  EXPECT_EQ(st.done[0], 1u + kEntries + 4 + 1);
}

}  // namespace
