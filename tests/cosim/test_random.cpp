// Seeded random co-simulation: random legal programs (shapes, addresses,
// banks, offsets, accumulate flags, idle gaps) at every RTL configuration.
// Each instance prints its seed; LOOM_SEED=<n> reruns one with that seed.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "cosim_fixture.h"
#include "loom/random_stimulus.h"

namespace loom::test {
namespace {

constexpr uint64_t kBaseSeed = 0x4c6f6f6d;  // "Loom"
constexpr int kSeedsPerConfig = 6;

class Random : public ::testing::TestWithParam<std::tuple<const char*, int>> {};

TEST_P(Random, Program) {
  const auto [name, index] = GetParam();
  const Config& cfg = config_by_name(name);
  const uint64_t seed = test_seed(kBaseSeed + uint64_t(index) * 7919);
  RandomStimulusOptions opt;
  opt.num_cmds = 24;
  opt.gap_prob = index % 2 ? 0.25 : 0.0;  // half the seeds offer commands back to back
  const Stimulus stim = random_stimulus(cfg, seed, opt);
  expect_pass(cosim(rtl_factory(name), cfg, stim, "LOOM_SEED=" + std::to_string(seed)));
}

INSTANTIATE_TEST_SUITE_P(Configs, Random,
                         ::testing::Combine(::testing::Values("tiny", "small", "medium"),
                                            ::testing::Range(0, kSeedsPerConfig)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace loom::test
