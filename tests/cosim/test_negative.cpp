// The scoreboard must be shown to catch bugs: RTL built with a deliberate
// fault (tb/CMakeLists.txt, defines never set in a normal build) must fail
// the co-simulation, with the right diagnosis, a report and a waveform.
#include <gtest/gtest.h>

#include <filesystem>

#include "cosim_fixture.h"
#include "workloads.h"

namespace loom::test {
namespace {

// A small matmul at the tiny configuration with every product non-zero.
Stimulus all_ones_matmul(const Config& cfg) {
  const uint32_t p = cfg.partitions, f = 8;
  StimBuilder sb(cfg);
  sb.matrix(0, 0, p, p, std::vector<int8_t>(size_t(p) * p, 1));
  sb.matrix(0, 64, p, f, std::vector<int8_t>(size_t(p) * f, 3));
  sb.ldw(0, p, p).mm(64, f, 0, 0, false);
  return sb.build();
}

void expect_report_and_waves(const CosimResult& r) {
  ASSERT_FALSE(r.report_path.empty());
  EXPECT_TRUE(std::filesystem::exists(r.report_path));
  EXPECT_NE(read_text(r.report_path).find("first mismatch"), std::string::npos);
  ASSERT_FALSE(r.wave_path.empty());
  ASSERT_TRUE(std::filesystem::exists(r.wave_path));
  EXPECT_GT(std::filesystem::file_size(r.wave_path), 100u);
}

TEST(Negative, BrokenPeIsCaught) {
  const Config& cfg = config_by_name("tiny");
  const CosimResult r = cosim(&make_rtl_dut_fault_pe_stuck, cfg, all_ones_matmul(cfg));
  ASSERT_FALSE(r.pass) << "a PE that loses its product went unnoticed";
  ASSERT_TRUE(r.mismatch.has_value());
  EXPECT_EQ(r.mismatch->kind, Mismatch::Kind::kData);
  EXPECT_EQ(r.mismatch->channel, Channel::kPsumWrite);
  ASSERT_TRUE(r.mismatch->actual.has_value());
  EXPECT_EQ(r.mismatch->actual->part, 1u) << "the broken PE sits in column 1";
  expect_report_and_waves(r);
}

TEST(Negative, LateOutputIsCaught) {
  const Config& cfg = config_by_name("tiny");
  const CosimResult r = cosim(&make_rtl_dut_fault_psum_late, cfg, all_ones_matmul(cfg));
  ASSERT_FALSE(r.pass) << "a PSUM write one cycle late went unnoticed";
  ASSERT_TRUE(r.mismatch.has_value());
  EXPECT_EQ(r.mismatch->kind, Mismatch::Kind::kCycle);
  EXPECT_EQ(r.mismatch->channel, Channel::kPsumWrite);
  ASSERT_TRUE(r.mismatch->late_by.has_value());
  EXPECT_EQ(*r.mismatch->late_by, 1u);
  EXPECT_EQ(r.mismatch->expected->part, 0u);
  expect_report_and_waves(r);
}

// A load of 4 rows x 40 bytes, then a matmul on part of it.
Stimulus dma_load_then_matmul(const Config& cfg) {
  StimBuilder sb(cfg);
  std::vector<uint8_t> bytes(0x400);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(i * 7 + 1);
  sb.dram(0x10000, bytes);
  sb.dma(dma_load(0x10000, 0, 0, cfg.partitions, 40, 64));
  sb.ldw(0, cfg.partitions, cfg.partitions).after_dma(0).mm(8, 8, 0, 0, false);
  return sb.build();
}

TEST(Negative, DroppedDmaBeatIsCaught) {
  const Config& cfg = config_by_name("tiny");
  const CosimResult r = cosim(&make_rtl_dut_fault_dma_drop_beat, cfg, dma_load_then_matmul(cfg));
  ASSERT_FALSE(r.pass) << "a DMA beat that never reached the SBUF went unnoticed";
  ASSERT_TRUE(r.mismatch.has_value());
  EXPECT_EQ(r.mismatch->kind, Mismatch::Kind::kMissing);
  EXPECT_EQ(r.mismatch->channel, Channel::kSbufWrite);
  ASSERT_TRUE(r.mismatch->expected.has_value());
  EXPECT_EQ(r.mismatch->expected->addr, 16u) << "the third SBUF word of the descriptor";
  EXPECT_NE(read_text(r.report_path).find("descriptor: #0"), std::string::npos);
  expect_report_and_waves(r);
}

TEST(Negative, FaultFreeDmaPasses) {
  const Config& cfg = config_by_name("tiny");
  expect_pass(cosim(rtl_factory("tiny"), cfg, dma_load_then_matmul(cfg)));
}

// The same stimulus passes on the fault-free model: the failures above are
// the faults', not the stimulus'.
TEST(Negative, FaultFreeTinyPasses) {
  const Config& cfg = config_by_name("tiny");
  expect_pass(cosim(rtl_factory("tiny"), cfg, all_ones_matmul(cfg)));
}

// An RTL assertion fires on an illegal command (F = 0) and stops the run
// with an error instead of carrying on silently.
TEST(Negative, AssertionFiresOnIllegalCommand) {
  auto dut = rtl_factory("tiny")(RtlOptions{});
  dut->reset();
  RtlInputs in;
  in.cmd_valid = true;
  in.cmd = PeCmd::mm(0, 0, 0, 0, false).pack();
  EXPECT_THROW(
      {
        for (int c = 0; c < 20; ++c) {
          dut->drive(in);
          dut->tick();
          in.cmd_valid = false;
        }
      },
      std::runtime_error);
  dut->finish();
}

}  // namespace
}  // namespace loom::test
