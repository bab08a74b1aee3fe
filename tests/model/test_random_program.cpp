// The constrained-random program generator (loom/random_program.h): every
// program is statically legal and runs to END on the functional executor,
// its result does not depend on the order the engines run in (the waits
// order every dependent pair), and (config, seed) fixes every byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "loom/program_exec.h"
#include "loom/random_program.h"

namespace loom {
namespace {

constexpr uint32_t kSeeds = 200;

class RandomProgramTest : public ::testing::TestWithParam<std::string> {
 public:
  const Config& cfg() const { return config_by_name(GetParam()); }
};

TEST_P(RandomProgramTest, EverySeedRunsToEnd) {
  uint64_t instrs = 0, macs = 0, stores = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const RandomProgram rp = random_program(cfg(), seed);
    for (size_t i = 0; i < rp.program.size(); ++i) {
      const InstrCheck chk = validate(cfg(), rp.program[i]);
      ASSERT_TRUE(chk.ok()) << "seed " << seed << " instruction " << i << ": " << chk.message;
    }
    ASSERT_EQ(rp.program.back().opcode(), Opcode::kEnd);
    const ExecResult r = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << core_error_name(r.error) << " at instruction "
                        << r.error_index << ": " << r.message;
    instrs += r.executed;
    macs += r.macs;
    stores += r.dma_store_bytes;
  }
  // The mix reaches every engine.
  EXPECT_GT(instrs, kSeeds * 20);
  EXPECT_GT(macs, 0u);
  EXPECT_GT(stores, 0u);
}

TEST_P(RandomProgramTest, ResultDoesNotDependOnEngineOrder) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const RandomProgram rp = random_program(cfg(), seed);
    const ExecResult lo = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base);
    ASSERT_TRUE(lo.ok());
    ExecOptions hi_opt;
    hi_opt.order = ExecOrder::kHighestIndex;
    ExecOptions rnd_opt;
    rnd_opt.order = ExecOrder::kRandom;
    rnd_opt.seed = seed;
    for (const ExecOptions& o : {hi_opt, rnd_opt}) {
      const ExecResult r = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base, o);
      ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.message;
      EXPECT_EQ(r.dram, lo.dram) << "seed " << seed;
      EXPECT_EQ(r.sems, lo.sems) << "seed " << seed;
    }
  }
}

TEST_P(RandomProgramTest, WholeSbufSpanRunsToEnd) {
  RandomProgramOptions opt;
  opt.sbuf_span = cfg().sbuf_bytes;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const RandomProgram rp = random_program(cfg(), seed, opt);
    const ExecResult r = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.message;
  }
  opt.sbuf_span = 32;
  EXPECT_THROW(random_program(cfg(), 1, opt), std::invalid_argument);
}

TEST_P(RandomProgramTest, InjectedErrorStopsThere) {
  for (InjectedError e : {InjectedError::kSbufRange, InjectedError::kPsumRange, InjectedError::kDramWindow,
                          InjectedError::kSemTimeout, InjectedError::kIllegalField, InjectedError::kSemOverflow,
                          InjectedError::kProgramOverrun}) {
    RandomProgramOptions opt;
    opt.illegal = e;
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      const RandomProgram rp = random_program(cfg(), seed, opt);
      ASSERT_NE(rp.expected_error, CoreError::kOk);
      EXPECT_EQ(rp.poison_bytes, 0u);
      const ExecResult r = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base);
      ASSERT_FALSE(r.ok()) << "seed " << seed;
      EXPECT_EQ(r.error, rp.expected_error) << "seed " << seed << ": " << r.message;
      EXPECT_EQ(r.error_index, rp.error_index) << "seed " << seed << ": " << r.message;
    }
  }
}

// A bad word (what Instr cannot hold) patched into the encoding: the
// binary executor decodes it and stops there; the Instr program is legal.
TEST_P(RandomProgramTest, InjectedBadWordStopsThere) {
  for (InjectedError e : {InjectedError::kIllegalOpcode, InjectedError::kReserved}) {
    RandomProgramOptions opt;
    opt.illegal = e;
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      const RandomProgram rp = random_program(cfg(), seed, opt);
      EXPECT_EQ(rp.expected_error, e == InjectedError::kIllegalOpcode ? CoreError::kIllegalOpcode : CoreError::kReserved);
      ASSERT_EQ(rp.patch_index, rp.error_index);
      const std::vector<uint8_t> bytes = rp.program_bytes();
      EXPECT_NE(bytes, encode_program(rp.program));
      const std::vector<uint8_t> img = rp.window_image();
      EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), img.begin() + long(rp.prog_base - rp.dram_base)));
      const ExecResult r = execute_binary(cfg(), bytes, img, rp.dram_base);
      ASSERT_FALSE(r.ok()) << "seed " << seed;
      EXPECT_EQ(r.error, rp.expected_error) << "seed " << seed << ": " << r.message;
      EXPECT_EQ(r.error_index, rp.error_index) << "seed " << seed << ": " << r.message;
      EXPECT_TRUE(execute_program(cfg(), rp.program, img, rp.dram_base).ok()) << "seed " << seed;
    }
  }
}

// The executor has no AXI errors: check the load reads only the poison
// area, which the regression's DRAM answers with SLVERR / DECERR, and that
// the program runs to END on the executor (the load aside, it is legal).
TEST_P(RandomProgramTest, InjectedAxiErrorLoadsThePoisonArea) {
  for (InjectedError e : {InjectedError::kAxiSlvErr, InjectedError::kAxiDecErr}) {
    RandomProgramOptions opt;
    opt.illegal = e;
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      const RandomProgram rp = random_program(cfg(), seed, opt);
      EXPECT_EQ(rp.expected_error, e == InjectedError::kAxiSlvErr ? CoreError::kAxiSlvErr : CoreError::kAxiDecErr);
      ASSERT_EQ(rp.poison_bytes, 64u);
      EXPECT_EQ(rp.poison_base + rp.poison_bytes, rp.dram_limit);
      const auto* d = std::get_if<Instr::Dma>(&rp.program.at(rp.error_index).op);
      ASSERT_NE(d, nullptr) << "seed " << seed;
      EXPECT_FALSE(d->desc.is_store());
      EXPECT_GE(d->desc.dram_addr, rp.poison_base);
      EXPECT_LE(d->desc.dram_addr + d->desc.total_bytes(), rp.poison_base + rp.poison_bytes);
      const ExecResult r = execute_program(cfg(), rp.program, rp.window_image(), rp.dram_base);
      EXPECT_TRUE(r.ok()) << "seed " << seed << ": " << r.message;
    }
  }
}

TEST_P(RandomProgramTest, SameSeedSameBytes) {
  for (uint64_t seed : {1ull, 7ull, 123456789ull}) {
    const RandomProgram a = random_program(cfg(), seed), b = random_program(cfg(), seed);
    EXPECT_EQ(encode_program(a.program), encode_program(b.program));
    EXPECT_EQ(a.window_image(), b.window_image());
    EXPECT_EQ(a.dram_limit, b.dram_limit);
  }
  EXPECT_NE(encode_program(random_program(cfg(), 1).program), encode_program(random_program(cfg(), 2).program));
}

INSTANTIATE_TEST_SUITE_P(Configs, RandomProgramTest, ::testing::Values("tiny", "small", "medium"),
                         [](const auto& i) { return i.param; });

}  // namespace
}  // namespace loom
