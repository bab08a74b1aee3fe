// What the sequencer's two benches share (test_sequencer.cpp: the
// sequencer against the program; test_seq_lockstep.cpp: in lock-step with
// SequencerModel): the parameters of their Verilated sequencer, program
// helpers, the reset, and the C++ engine stubs (PE, ACT, two DMA queues)
// with seeded random latencies and back-pressure. Include once per test
// file (everything is in an unnamed namespace); LOOM_UT_DB is the fetch bus
// width in bytes, set by the build.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/test_seed.h"
#include "loom/asm.h"
#include "loom/isa.h"

namespace {

constexpr uint32_t kDB = LOOM_UT_DB;  // fetch bus bytes
constexpr uint32_t kP = 8, kSb = 4096, kBanks = 4, kEntries = 64, kSems = 16;
constexpr uint64_t kProgBase = 0x4000;
constexpr uint64_t kWinBase = 0x1000, kWinLimit = 0x100000;

inline uint64_t Seed(uint64_t dflt) { return loom::test::test_seed(dflt); }

std::vector<loom::InstrWords> Words(const std::vector<loom::Instr>& prog) {
  std::vector<loom::InstrWords> out;
  for (const loom::Instr& i : prog) out.push_back(loom::encode(i));
  return out;
}
std::vector<loom::InstrWords> Asm(const std::string& text) { return Words(loom::assemble(text)); }

// The little-endian bytes of a program, as the sequencer fetches them.
std::vector<uint8_t> ProgramBytes(const std::vector<loom::InstrWords>& prog) {
  std::vector<uint8_t> bytes;
  for (const auto& w : prog)
    for (uint64_t x : w)
      for (int b = 0; b < 8; ++b) bytes.push_back(uint8_t(x >> (8 * b)));
  return bytes;
}

// Clock low, then a real falling edge of rst_ni (the asynchronous reset
// fires), one clock edge in reset, release.
template <class Dut>
void ResetSequencer(Dut& d) {
  d.clk_i = 0;
  d.rst_ni = 1;
  d.eval();
  d.rst_ni = 0;
  d.eval();
  d.clk_i = 1;
  d.eval();
  d.clk_i = 0;
  d.rst_ni = 1;
  d.eval();
}

// --- Engine stubs -----------------------------------------------------------

struct EngineCfg {
  uint32_t lat_min = 1, lat_max = 1;  // accept -> completion cycles
  double ready = 1.0;                 // probability of ready per cycle
  uint32_t capacity = 4;              // commands accepted and not completed
};

struct Pending {
  uint64_t done_at;
  uint32_t index;  // instruction index
  uint16_t tag;
  uint32_t err;  // DMA completion code
};

// The engines' side of the sequencer's ports. Each cycle: Drive() gives the
// stubs' outputs (completions due, ready drawn at random, busy); the bench
// reports the handshakes it saw with Accept*(); Edge() retires what Drive()
// completed. PE LDWs and MMs retire each in their own order, ACT in order,
// each DMA queue in order; a queue halts after an error completion.
class EngineStubs {
 public:
  struct Out {
    bool ldw_retire = false, mm_retire = false;
    uint16_t ldw_tag = 0, mm_tag = 0;
    bool pe_busy = false, pe_ready = false;
    bool act_done = false, act_busy = false, act_ready = false;
    bool cpl[2] = {false, false};
    uint8_t cpl_err[2] = {0, 0};
    bool dma_ready[2] = {false, false};
    bool dma_busy = false;
    bool halted[2] = {false, false};
  };

  EngineStubs(const EngineCfg& pe, const EngineCfg& act, const EngineCfg& dma, uint64_t seed)
      : pe_cfg_(pe), act_cfg_(act), dma_cfg_(dma), rng_(seed * 31 + 5) {}

  Out Drive(uint64_t cycle) {
    Out o;
    o.ldw_retire = !pe_ldw.empty() && pe_ldw.front().done_at <= cycle;
    o.mm_retire = !pe_mm.empty() && pe_mm.front().done_at <= cycle && !stall_mm;
    o.ldw_tag = o.ldw_retire ? pe_ldw.front().tag : 0;
    o.mm_tag = o.mm_retire ? pe_mm.front().tag : 0;
    o.pe_busy = !pe_ldw.empty() || !pe_mm.empty();
    o.pe_ready = pe_ldw.size() + pe_mm.size() < pe_cfg_.capacity && Chance(pe_cfg_.ready);
    o.act_done = !act.empty() && act.front().done_at <= cycle;
    o.act_busy = !act.empty();
    o.act_ready = act.size() < act_cfg_.capacity && Chance(act_cfg_.ready);
    for (int q = 0; q < 2; ++q) {
      o.cpl[q] = !dma[q].empty() && !halted[q] && dma[q].front().done_at <= cycle;
      o.cpl_err[q] = o.cpl[q] ? uint8_t(dma[q].front().err) : 0;
      if (!halted[q] && !dma[q].empty()) o.dma_busy = true;
      o.dma_ready[q] = !halted[q] && dma[q].size() < dma_cfg_.capacity && Chance(dma_cfg_.ready);
      o.halted[q] = halted[q];
    }
    return o;
  }

  void AcceptPe(uint64_t cycle, bool mm, uint32_t index) {
    Push(mm ? pe_mm : pe_ldw, cycle + Lat(pe_cfg_), index, pe_tag_++, 0);
  }
  void AcceptAct(uint64_t cycle, uint32_t index) { Push(act, cycle + Lat(act_cfg_), index, 0, 0); }
  void AcceptDma(uint64_t cycle, int q, uint32_t index) {
    const auto lat = dma_lat.find(index);
    const auto err = dma_err.find(index);
    Push(dma[q], cycle + (lat != dma_lat.end() ? lat->second : Lat(dma_cfg_)), index, 0,
         err != dma_err.end() ? err->second : 0u);
  }

  // The clock edge: what `o` completed leaves the stubs.
  void Edge(const Out& o) {
    if (o.ldw_retire) pe_ldw.pop_front();
    if (o.mm_retire) pe_mm.pop_front();
    if (o.act_done) act.pop_front();
    for (int q = 0; q < 2; ++q)
      if (o.cpl[q]) {
        if (dma[q].front().err != 0) halted[q] = true;
        dma[q].pop_front();
      }
  }

  std::deque<Pending> pe_ldw, pe_mm, act, dma[2];
  bool halted[2] = {false, false};
  bool stall_mm = false;                 // hold MM retires back
  std::map<uint32_t, uint32_t> dma_err;  // instruction index -> DMA completion code
  std::map<uint32_t, uint32_t> dma_lat;  // instruction index -> latency

 private:
  // In order: never before the previous command of the same list completed.
  static void Push(std::deque<Pending>& list, uint64_t t, uint32_t index, uint16_t tag,
                   uint32_t err) {
    if (!list.empty()) t = std::max(t, list.back().done_at + 1);
    list.push_back({t, index, tag, err});
  }
  bool Chance(double p) { return p >= 1.0 || std::uniform_real_distribution<>(0, 1)(rng_) < p; }
  uint32_t Lat(const EngineCfg& c) {
    return c.lat_min + uint32_t(rng_() % (c.lat_max - c.lat_min + 1));
  }

  EngineCfg pe_cfg_, act_cfg_, dma_cfg_;
  std::mt19937_64 rng_;
  uint16_t pe_tag_ = 0;
};

}  // namespace
