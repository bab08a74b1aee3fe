// AxiMem's system reset (outstanding bursts dropped, memory kept) and its
// bursty on/off mode (docs/axi_mem.md "Reset", "Bursty mode").
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "loom/axi_mem.h"

namespace loom {
namespace {

AxiMasterOut idle_master() {
  AxiMasterOut in;
  in.r_ready = in.b_ready = true;
  return in;
}

AxiMasterOut read_req(uint64_t addr, uint32_t len) {
  AxiMasterOut in = idle_master();
  in.ar_valid = true;
  in.ar_addr = addr;
  in.ar_len = len;
  in.ar_size = 3;
  return in;
}

TEST(AxiMemReset, DropsOutstandingReadsAndWritesKeepsMemory) {
  AxiMemConfig cfg;
  cfg.read_latency = 20;
  cfg.write_latency = 20;
  AxiMem m(cfg);
  m.write(0x100, std::vector<uint8_t>(64, 0xab));
  m.tick(read_req(0x100, 3));  // a read in flight
  AxiMasterOut w = idle_master();
  w.aw_valid = true;
  w.aw_addr = 0x200;
  w.aw_len = 1;
  w.aw_size = 3;
  w.w_valid = true;
  w.w_strb = 0xff;
  w.w_data.fill(0x11);
  m.tick(w);  // AW and the first of two W beats: an unfinished write
  ASSERT_FALSE(m.idle());
  const uint64_t cycle = m.cycle();

  m.reset();
  EXPECT_TRUE(m.idle());
  EXPECT_EQ(m.outstanding_reads(), 0u);
  EXPECT_EQ(m.outstanding_writes(), 0u);
  EXPECT_FALSE(m.outputs().r_valid);
  EXPECT_FALSE(m.outputs().b_valid);
  EXPECT_EQ(m.cycle(), cycle);  // time carries on
  // The dropped read never answers; the unfinished write left no byte.
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(m.outputs().r_valid) << "cycle " << m.cycle();
    EXPECT_FALSE(m.outputs().b_valid) << "cycle " << m.cycle();
    m.tick(idle_master());
  }
  EXPECT_EQ(m.read(0x200, 8), std::vector<uint8_t>(8, 0));
  EXPECT_EQ(m.read(0x100, 64), std::vector<uint8_t>(64, 0xab));
  EXPECT_TRUE(m.violations().empty());

  // A new read after the reset is served normally, with the configured latency.
  const uint64_t hs = m.cycle();
  m.tick(read_req(0x100, 0));
  while (!m.outputs().r_valid) m.tick(idle_master());
  EXPECT_EQ(m.cycle(), hs + cfg.read_latency);
  EXPECT_EQ(m.outputs().r_data[0], 0xab);
}

TEST(AxiMemReset, NoStabilityViolationAcrossReset) {
  AxiMemConfig cfg;
  cfg.ar_ready = 0.0;  // the request waits on the bus
  AxiMem m(cfg);
  m.tick(read_req(0x40, 0));
  m.tick(read_req(0x40, 0));
  m.reset();
  m.tick(idle_master());  // the master dropped ARVALID: legal after a reset
  EXPECT_TRUE(m.violations().empty());
}

TEST(AxiMemBursty, RejectsOneSidedPeriods) {
  AxiMemConfig cfg;
  cfg.burst_on = 4;
  EXPECT_THROW(AxiMem{cfg}, std::invalid_argument);
}

// Ready runs and stall runs alternate; stalls hold every ready low and the
// mean lengths follow the configuration.
TEST(AxiMemBursty, AlternatesReadyAndStallPeriods) {
  AxiMemConfig cfg;
  cfg.burst_on = 8;
  cfg.burst_off = 24;
  cfg.seed = 5;
  AxiMem m(cfg);
  uint64_t ready = 0, stalled = 0, runs = 0;
  bool prev = true;
  for (int i = 0; i < 20000; ++i) {
    const AxiSlaveOut& o = m.outputs();
    // The channels switch together (all probabilities are 1).
    EXPECT_EQ(o.ar_ready, o.aw_ready);
    EXPECT_EQ(o.ar_ready, o.w_ready);
    (o.ar_ready ? ready : stalled)++;
    if (o.ar_ready != prev) ++runs;
    prev = o.ar_ready;
    m.tick(AxiMasterOut{});
  }
  const double on_share = double(ready) / double(ready + stalled);
  EXPECT_NEAR(on_share, 8.0 / 32.0, 0.05);
  EXPECT_GT(runs, 20000u / 32u);  // many periods, both kinds
}

// A held R beat stays offered through a stall (AXI: valid waits for ready);
// the read completes and the data is exact.
TEST(AxiMemBursty, HeldBeatSurvivesStallAndDataIsExact) {
  AxiMemConfig cfg;
  cfg.burst_on = 3;
  cfg.burst_off = 10;
  cfg.read_latency = 2;
  AxiMem m(cfg);
  std::vector<uint8_t> bytes(256);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(i * 7 + 1);
  m.write(0, bytes);
  std::vector<uint8_t> got;
  AxiMasterOut in = read_req(0, 31);
  in.r_ready = false;
  bool held = false;
  for (int c = 0; c < 5000 && got.size() < 256; ++c) {
    const AxiSlaveOut o = m.outputs();
    const bool was_valid = o.r_valid;
    in.r_ready = (c % 3) == 0;
    if (o.r_valid && in.r_ready) got.insert(got.end(), o.r_data.begin(), o.r_data.begin() + 8);
    const bool ar_hs = in.ar_valid && o.ar_ready;
    m.tick(in);
    if (ar_hs) in.ar_valid = false;
    if (was_valid && !in.r_ready) {
      EXPECT_TRUE(m.outputs().r_valid) << "R beat withdrawn at cycle " << m.cycle();
      held = true;
    }
  }
  EXPECT_TRUE(held);
  EXPECT_EQ(got, bytes);
  EXPECT_TRUE(m.violations().empty());
}

// Same configuration and master: the same outputs (the golden model runs a
// replica of the DRAM and must see the same stalls).
TEST(AxiMemBursty, SameSeedSameStalls) {
  AxiMemConfig cfg;
  cfg.burst_on = 5;
  cfg.burst_off = 5;
  cfg.ar_ready = 0.7;
  AxiMem a(cfg), b(cfg);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(a.outputs().ar_ready, b.outputs().ar_ready) << i;
    a.tick(AxiMasterOut{});
    b.tick(AxiMasterOut{});
  }
}

}  // namespace
}  // namespace loom
