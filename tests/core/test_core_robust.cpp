// Robustness of the whole-core co-simulation (docs/verification.md
// "Robustness"): a reset in the middle of a program, then the program again
// from START with the model restarted; random X initial values; extreme
// memory profiles; the triage report's waveform window and reproduce line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core_cosim.h"
#include "loom/core_models.h"
#include "loom/random_program.h"
#include "regress_profile.h"

namespace loom {
namespace {

CoreCosimRequest random_request(const Config& cfg, uint64_t seed, const RandomProgram& rp) {
  CoreCosimRequest r;
  r.name = fmt::format("robust-{}-seed{}", cfg.name, seed);
  r.program = encode_program(rp.program);
  r.prog_base = rp.prog_base;
  r.dram_base = rp.dram_base;
  r.dram_limit = rp.dram_limit;
  r.dram_init.push_back({rp.data_base, rp.data});
  r.dram.read_latency = 17;
  r.dram.write_latency = 5;
  r.ifetch.read_latency = 9;
  r.out_dir = "core_robust_failures";
  return r;
}

CoreCosimResult run(const char* config, const CoreCosimRequest& r) {
  return core_cosim(core_factory(config), config_by_name(config), r);
}

// The second run starts from the same DRAM, with idle memories and a reset
// core: without backpressure it takes exactly the cycles of a run without
// the reset and leaves the same DRAM.
TEST(CoreRobust, ResetInTheMiddleThenTheSameRunAgain) {
  const Config& cfg = config_by_name("tiny");
  for (uint64_t seed : {3u, 8u}) {
    const RandomProgram rp = random_program(cfg, seed);
    const CoreCosimResult plain = run("tiny", random_request(cfg, seed, rp));
    ASSERT_TRUE(plain.pass) << plain.report;
    for (uint32_t permille : {50u, 500u, 950u}) {
      SCOPED_TRACE(fmt::format("seed {} reset at {}/1000", seed, permille));
      CoreCosimRequest r = random_request(cfg, seed, rp);
      r.reset_permille = permille;
      const CoreCosimResult res = run("tiny", r);
      ASSERT_TRUE(res.pass) << res.report;
      EXPECT_GT(res.reset_cycle, 0u);
      EXPECT_GT(res.rtl.start_cycle, res.reset_cycle);  // cycles count on across the reset
      EXPECT_TRUE(res.rtl.done);
      EXPECT_EQ(res.rtl.perf_cycles, plain.rtl.perf_cycles);
      EXPECT_GT(res.compared, plain.compared);  // the first run's transactions too
      EXPECT_EQ(res.final_dram, plain.final_dram);
    }
  }
}

// Under backpressure the reset drops transactions in flight on both ports;
// the model's memory replica restarts from the same state.
TEST(CoreRobust, ResetInTheMiddleUnderBackpressure) {
  const Config& cfg = config_by_name("tiny");
  const RandomProgram rp = random_program(cfg, 5);
  CoreCosimRequest r = random_request(cfg, 5, rp);
  r.dram.ar_ready = r.dram.r_valid = r.dram.w_ready = 0.4;
  r.ifetch.r_valid = 0.5;
  r.reset_permille = 400;
  const CoreCosimResult res = run("tiny", r);
  ASSERT_TRUE(res.pass) << res.report;
}

// Random initial values of every flop and memory without a reset: the
// result does not depend on them.
// A trace of the whole run goes on through the reset (the reset's cycles
// are counted, the time axis only goes forward).
TEST(CoreRobust, TraceAcrossTheReset) {
  const Config& cfg = config_by_name("tiny");
  const RandomProgram rp = random_program(cfg, 6);
  CoreCosimRequest r = random_request(cfg, 6, rp);
  r.reset_permille = 300;
  std::filesystem::create_directories("core_robust_failures");
  r.rtl.trace_path = "core_robust_failures/TraceAcrossTheReset.fst";
  const CoreCosimResult res = run("tiny", r);
  ASSERT_TRUE(res.pass) << res.report;
  EXPECT_GT(res.rtl.start_cycle, res.reset_cycle + 4);
  EXPECT_GT(std::filesystem::file_size(r.rtl.trace_path), 0u);
}

TEST(CoreRobust, XRandomSeedsGiveTheSameResult) {
  const Config& cfg = config_by_name("tiny");
  const RandomProgram rp = random_program(cfg, 11);
  CoreCosimRequest r = random_request(cfg, 11, rp);
  const CoreCosimResult zero = run("tiny", r);
  ASSERT_TRUE(zero.pass) << zero.report;
  for (uint64_t x : {1u, 12345u, 0x7ffffffeu}) {
    r.rtl.rand_reset = 2;
    r.rtl.seed = x;
    const CoreCosimResult res = run("tiny", r);
    ASSERT_TRUE(res.pass) << "X seed " << x << "\n" << res.report;
    EXPECT_EQ(res.final_dram, zero.final_dram);
    EXPECT_EQ(res.rtl.perf_cycles, zero.rtl.perf_cycles);
  }
}

TEST(CoreRobust, ExtremeMemoryProfilesPass) {
  const Config& cfg = config_by_name("tiny");
  const RandomProgram rp = random_program(cfg, 2);
  const CoreCosimResult plain = run("tiny", random_request(cfg, 2, rp));
  ASSERT_TRUE(plain.pass) << plain.report;
  for (const char* profile : {"fast", "starve", "bursty", "extreme"}) {
    CoreCosimRequest r = random_request(cfg, 2, rp);
    regress::apply_profile(profile, 2, r.dram, r.ifetch);
    const CoreCosimResult res = run("tiny", r);
    ASSERT_TRUE(res.pass) << profile << "\n" << res.report;
    EXPECT_EQ(res.final_dram, plain.final_dram) << profile;
    if (std::string(profile) == "fast")
      EXPECT_LT(res.rtl.perf_cycles, plain.rtl.perf_cycles);
    else
      EXPECT_GT(res.rtl.perf_cycles, plain.rtl.perf_cycles) << profile;
  }
}

// Found by `loom-regress --one tiny 10 --illegal` (a robustness run): a DMA
// load past the DRAM window halts DMA queue 1 while the sequencer offers
// the queue's next descriptor, which the queue is full for; the drain
// waited for that offer to be accepted, which a halted queue never does, so
// the core never reported the error (RTL and model alike: busy forever,
// the watchdog does not run in the drain). Now the offer to a halted queue
// lapses (docs/sequencer.md "Errors") and the core stops with DRAM_WINDOW
// at that load.
TEST(CoreRobust, ErrorWhileOfferingToTheHaltedDmaQueueEnds) {
  const Config& cfg = config_by_name("tiny");
  RandomProgramOptions po;
  po.illegal = InjectedError::kDramWindow;
  const RandomProgram rp = random_program(cfg, 10, po);
  CoreCosimRequest r = random_request(cfg, 10, rp);
  // The memories of that run (loom-regress's draw for seed 10).
  r.dram.read_latency = 33;
  r.dram.write_latency = 20;
  r.dram.ar_ready = r.dram.r_valid = r.dram.w_ready = 0.9;
  r.dram.seed = 10;
  r.ifetch.read_latency = 19;
  r.ifetch.seed = 11;
  r.watchdog = 50000;
  r.max_cycles = 200000;  // it used to never end
  const CoreCosimResult res = run("tiny", r);
  ASSERT_TRUE(res.pass) << res.report;
  EXPECT_TRUE(res.rtl.error);
  EXPECT_EQ(res.rtl.error_code, uint32_t(rp.expected_error));
  EXPECT_EQ(res.rtl.error_index, rp.error_index);
}

// Triage after a reset in the middle: the late PSUM write of the faulty core
// is found, the report says which run it is in, names the chosen waveform
// window and the command, and the window's re-run (reset at the same cycle)
// writes the waveform.
TEST(CoreRobust, TriageAfterResetHasWindowAndReproduce) {
  const Config& cfg = config_by_name("tiny");
  const RandomProgram rp = random_program(cfg, 4);
  CoreCosimRequest r = random_request(cfg, 4, rp);
  r.name = "TriageAfterReset";
  r.reset_permille = 950;
  r.wave_before = 30;
  r.wave_after = 7;
  r.reproduce = "loom-regress --one tiny 4 --fault psum_late --reset-mid --window 30:7";
  const CoreCosimResult res = core_cosim(&make_core_dut_fault_core_psum_late, cfg, r);
  ASSERT_FALSE(res.pass);
  ASSERT_TRUE(res.mismatch.has_value());
  EXPECT_NE(res.report.find("reset in the middle: rst_ni fell at RTL cycle"), std::string::npos) << res.report;
  EXPECT_NE(res.report.find("30 before, 7 after"), std::string::npos) << res.report;
  EXPECT_NE(res.report.find("reproduce: " + r.reproduce), std::string::npos) << res.report;
  ASSERT_FALSE(res.wave_path.empty());
  EXPECT_GT(std::filesystem::file_size(res.wave_path), 0u);
  std::cout << res.report;
}

}  // namespace
}  // namespace loom
