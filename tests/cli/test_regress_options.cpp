// loom-regress's options (sim/regress_options.h): every run option survives
// the round trip parse -> run_args() -> parse, so a batch's children and the
// printed reproduce command run exactly the failing run; bad values are
// refused; the memory profiles set what docs/verification.md says.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "regress_options.h"
#include "regress_profile.h"

namespace loom::regress {
namespace {

RunOptions round_trip(const RunOptions& r) {
  std::vector<std::string> args{"--one", r.config, std::to_string(r.seed)};
  for (const std::string& a : r.run_args()) args.push_back(a);
  const RegressOptions o = parse_regress_options(args);
  EXPECT_TRUE(o.one);
  return o.run;
}

void expect_same(const RunOptions& a, const RunOptions& b) {
  EXPECT_EQ(a.config, b.config);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.fault, b.fault);
  EXPECT_EQ(a.illegal, b.illegal);
  EXPECT_EQ(a.x_random, b.x_random);
  EXPECT_EQ(a.reset_mid, b.reset_mid);
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(a.window_before, b.window_before);
  EXPECT_EQ(a.window_after, b.window_after);
}

TEST(RegressOptions, DefaultsRoundTripWithoutExtraArguments) {
  RunOptions r;
  EXPECT_EQ(r.run_args(), (std::vector<std::string>{"--out", "regress"}));
  expect_same(round_trip(r), r);
}

TEST(RegressOptions, RobustnessOptionsRoundTrip) {
  const RegressOptions o = parse_regress_options({"--one", "small", "17", "--x-random", "--reset-mid", "--profile",
                                                  "extreme", "--window", "500:30", "--out", "o"});
  EXPECT_TRUE(o.run.x_random);
  EXPECT_TRUE(o.run.reset_mid);
  EXPECT_EQ(o.run.profile, "extreme");
  EXPECT_EQ(o.run.window_before, 500u);
  EXPECT_EQ(o.run.window_after, 30u);
  expect_same(round_trip(o.run), o.run);
  const std::string cmd = reproduce_command("build/loom-regress", o.run);
  EXPECT_EQ(cmd,
            "build/loom-regress --one small 17 --out o --x-random --reset-mid --profile extreme --window 500:30");
}

TEST(RegressOptions, EveryProfileRoundTrips) {
  for (const char* p : {"normal", "fast", "slow", "starve", "bursty", "extreme"}) {
    RunOptions r;
    r.profile = p;
    expect_same(round_trip(r), r);
  }
}

TEST(RegressOptions, WindowBeforeOnlyKeepsDefaultAfter) {
  const RegressOptions o = parse_regress_options({"--window", "1000"});
  EXPECT_EQ(o.run.window_before, 1000u);
  EXPECT_EQ(o.run.window_after, RunOptions{}.window_after);
  expect_same(round_trip(o.run), o.run);
}

TEST(RegressOptions, SoakIsABatchOption) {
  const RegressOptions o = parse_regress_options({"--soak", "10000000", "--configs", "tiny", "--reset-mid"});
  EXPECT_FALSE(o.one);
  EXPECT_EQ(o.soak_cycles, 10000000u);
  // Not a run option: a child never sees it.
  for (const std::string& a : o.run.run_args()) EXPECT_NE(a, "--soak");
}

TEST(RegressOptions, RefusesBadValues) {
  EXPECT_THROW(parse_regress_options({"--profile", "warp"}), std::invalid_argument);
  EXPECT_THROW(parse_regress_options({"--profile"}), std::invalid_argument);
  EXPECT_THROW(parse_regress_options({"--window", "x:3"}), std::invalid_argument);
  EXPECT_THROW(parse_regress_options({"--window", "10:"}), std::invalid_argument);
  EXPECT_THROW(parse_regress_options({"--soak", "0"}), std::invalid_argument);
  EXPECT_THROW(parse_regress_options({"--soak", "-5"}), std::invalid_argument);
}

TEST(RegressProfile, SetsTheExtremes) {
  AxiMemConfig d, f;
  apply_profile("fast", 3, d, f);
  EXPECT_EQ(d.read_latency, 1u);
  EXPECT_EQ(f.read_latency, 1u);
  EXPECT_EQ(d.ar_ready, 1.0);

  d = f = AxiMemConfig{};
  apply_profile("slow", 3, d, f);
  EXPECT_GE(d.read_latency, 300u);
  EXPECT_GE(f.read_latency, 300u);

  d = f = AxiMemConfig{};
  apply_profile("starve", 3, d, f);
  EXPECT_EQ(d.w_ready, 0.05);
  EXPECT_EQ(f.r_valid, 0.05);

  d = f = AxiMemConfig{};
  apply_profile("bursty", 3, d, f);
  EXPECT_GT(d.burst_on, 0u);
  EXPECT_GT(d.burst_off, d.burst_on - 1);

  d = f = AxiMemConfig{};
  apply_profile("extreme", 3, d, f);
  EXPECT_GE(d.read_latency, 300u);
  EXPECT_LT(d.ar_ready, 1.0);
  EXPECT_GT(d.burst_off, 0u);

  AxiMemConfig n, n2;
  n.read_latency = 42;
  apply_profile("normal", 3, n, n2);
  EXPECT_EQ(n.read_latency, 42u);
  EXPECT_THROW(apply_profile("warp", 3, n, n2), std::invalid_argument);
}

TEST(RegressProfile, SameSeedSameDraw) {
  AxiMemConfig a, b, c, d;
  apply_profile("extreme", 9, a, b);
  apply_profile("extreme", 9, c, d);
  EXPECT_EQ(a.read_latency, c.read_latency);
  EXPECT_EQ(a.burst_on, c.burst_on);
  EXPECT_EQ(b.burst_off, d.burst_off);
}

}  // namespace
}  // namespace loom::regress
