// Functional coverage (tb/func_coverage.h): the bins a known program hits,
// the merge of runs, the JSON round trip and the report of bins not hit.
#include "func_coverage.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "loom/random_program.h"

namespace loom {
namespace {

const Config& small() { return config_by_name("small"); }  // P = 8, 64 PSUM entries, 8-byte bus

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// LDW K=P M=1, two MMs on it (F=1 overwrite, F=64 accumulate), a DMA load of
// two planes crossing 4 KiB at an unaligned address, an ACT copy from SBUF, a
// PE instruction behind a SYNC pe wait and its own wait (2 waits), a wait
// that only a later instruction satisfies, a signal by 2, END.
std::vector<Instr> known_program() {
  DmaDesc d;
  d.dram_addr = 0x80000ff9;  // 7 bytes before a 4 KiB boundary, not 8-aligned
  d.rows = 2;
  d.row_bytes = 16;
  d.row_stride = 16;
  d.planes = 2;
  d.plane_stride = 64;
  Instr::Act a;
  a.mode = ActMode::kCopy;
  a.src_sbuf = true;
  a.m = 3;
  a.f = 2;
  a.dst_addr = 0x100;
  return {
      Instr::dma(1, d).signal(0, 2),
      Instr::pe(PeCmd::ldw(0, 8, 1)).wait(4, 1),  // sem 4: signalled by the ACT below
      Instr::pe(PeCmd::mm(0, 1, 0, 0, false)),
      Instr::sync(Engine::kPe).wait(0, 2),
      Instr::pe(PeCmd::mm(0, 64, 3, 0, true)).wait(0, 1),
      Instr::act(a).signal(4, 1),
      Instr::end(),
  };
}

TEST(FuncCoverage, KnownProgramHitsItsBins) {
  FuncCoverage c;
  c.sample_program(small(), known_program());
  EXPECT_EQ(c.count("instr", "dma.load.q1"), 1u);
  EXPECT_EQ(c.count("instr", "ldw"), 1u);
  EXPECT_EQ(c.count("instr", "mm"), 2u);
  EXPECT_EQ(c.count("instr", "sync.pe"), 1u);
  EXPECT_EQ(c.count("instr", "act.copy"), 1u);
  EXPECT_EQ(c.count("instr", "end"), 1u);
  EXPECT_EQ(c.count("instr", "nop"), 0u);
  EXPECT_EQ(c.count("ldw.k_x_m", "full/one"), 1u);
  EXPECT_EQ(c.count("mm.f_x_acc", "one/ovw"), 1u);
  EXPECT_EQ(c.count("mm.f_x_acc", "full/acc"), 1u);
  EXPECT_EQ(c.count("mm.psum", "bank_last"), 1u);
  EXPECT_EQ(c.count("mm.psum", "to_last_entry"), 1u);
  EXPECT_EQ(c.count("pe.mm_per_ldw", "2+"), 1u);
  EXPECT_EQ(c.count("dma.shape", "planes_gt1"), 1u);
  EXPECT_EQ(c.count("dma.shape", "crosses_4k"), 1u);
  EXPECT_EQ(c.count("dma.dir_x_shape", "load/unaligned_addr"), 1u);
  EXPECT_EQ(c.count("dma.dir_x_shape", "store/unaligned_addr"), 0u);
  EXPECT_EQ(c.count("act.m_x_src", "odd/sbuf"), 1u);
  EXPECT_EQ(c.count("act.mode_x_src_x_bs", "copy.sbuf"), 1u);
  EXPECT_EQ(c.count("sem", "wait_before_signal"), 1u);
  EXPECT_EQ(c.count("sem", "signal_inc_gt1"), 1u);
  EXPECT_EQ(c.count("sem", "sync_chain"), 1u);
  EXPECT_EQ(c.count("sem.waits_per_instr", "2"), 1u);
  EXPECT_EQ(c.count("sem.waits_x_engine", "2+/pe"), 1u);
  EXPECT_EQ(c.count("sem.waits_per_instr", "0"), 3u);  // DMA, first MM, ACT
  EXPECT_THROW(c.count("instr", "no_such_bin"), std::out_of_range);
}

TEST(FuncCoverage, DramProfileAndErrorCode) {
  FuncCoverage c;
  AxiMemConfig m;
  m.read_latency = 50;
  m.write_latency = 2;
  m.ar_ready = m.r_valid = m.w_ready = 0.5;
  c.sample_dram(m);
  c.sample_end(CoreError::kSemTimeout);
  EXPECT_EQ(c.count("dram", "read_lat_high"), 1u);
  EXPECT_EQ(c.count("dram", "write_lat_low"), 1u);
  EXPECT_EQ(c.count("dram", "backpressure_heavy"), 1u);
  EXPECT_EQ(c.count("dram.lat_x_bp", "read_lat_high/heavy"), 1u);
  EXPECT_EQ(c.count("error", "SEM_TIMEOUT"), 1u);
  EXPECT_EQ(c.count("error", "OK"), 0u);
}

TEST(FuncCoverage, MergeAddsCountsAndSurvivesJson) {
  FuncCoverage a, b;
  a.sample_program(small(), known_program());
  a.sample_end(CoreError::kOk);
  b.sample_program(small(), random_program(small(), 3).program);
  b.sample_end(CoreError::kPsumRange);
  FuncCoverage m = FuncCoverage::from_json(a.to_json());
  m.merge(FuncCoverage::from_json(b.to_json()));
  EXPECT_EQ(m.count("instr", "mm"), a.count("instr", "mm") + b.count("instr", "mm"));
  EXPECT_EQ(m.count("error", "OK"), 1u);
  EXPECT_EQ(m.count("error", "PSUM_RANGE"), 1u);
  EXPECT_GE(m.bins_hit(), std::max(a.bins_hit(), b.bins_hit()));
  EXPECT_EQ(m.to_json(), FuncCoverage::from_json(m.to_json()).to_json());
  nlohmann::json bad = a.to_json();
  bad["instr"]["renamed_bin"] = 1;
  EXPECT_THROW(FuncCoverage::from_json(bad), std::runtime_error);
}

TEST(FuncCoverage, ReportListsTheBinsNotHit) {
  FuncCoverage c;
  EXPECT_EQ(c.bins_hit(), 0u);
  EXPECT_EQ(c.unhit().size(), c.bins());
  c.sample_program(small(), known_program());
  c.sample_end(CoreError::kOk);
  const std::vector<std::string> u = c.unhit();
  EXPECT_EQ(u.size(), c.bins() - c.bins_hit());
  EXPECT_FALSE(contains(u, "instr.ldw"));
  EXPECT_FALSE(contains(u, "error.OK"));
  EXPECT_TRUE(contains(u, "instr.nop"));
  EXPECT_TRUE(contains(u, "error.AXI_SLVERR"));
  const std::string r = c.report();
  EXPECT_NE(r.find("bins not hit"), std::string::npos);
  EXPECT_NE(r.find("  instr.nop\n"), std::string::npos);
  EXPECT_EQ(r.find("  instr.ldw\n"), std::string::npos);
}

}  // namespace
}  // namespace loom
