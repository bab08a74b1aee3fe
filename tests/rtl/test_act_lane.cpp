// Unit tests of act_lane, the arithmetic lane of the ACT engine: every output
// compared, cycle for cycle at the documented latency (3), with
// loom::act_requant (act.requant) and y = x (act.copy) from loom/isa.h.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "Vact_lane.h"
#include "loom/isa.h"
#include "verilated.h"

namespace {

constexpr int kLatency = 3;  // docs/rtl.md, act_lane
constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();

struct Elem {
  int32_t x = 0;
  int32_t bias = 0;
  int16_t scale = 0;
  uint8_t shift = 0;  // 0..63
  bool relu = false;
  uint8_t mode = 0;  // 0 requant, 1 copy
};

std::ostream& operator<<(std::ostream& os, const Elem& e) {
  return os << "{x=" << e.x << " bias=" << e.bias << " scale=" << e.scale
            << " shift=" << int(e.shift) << " relu=" << e.relu << " mode=" << int(e.mode) << "}";
}

// The golden result, as the 32-bit lane carries it (int8 sign-extended).
int32_t Golden(const Elem& e) {
  if (e.mode == 1) return e.x;
  return int32_t(loom::act_requant(e.x, e.bias, e.scale, e.shift, e.relu));
}

uint64_t Seed(uint64_t dflt) {
  uint64_t seed = dflt;
  if (const char* s = std::getenv("LOOM_SEED"); s && *s) seed = std::strtoull(s, nullptr, 0);
  std::cout << "LOOM_SEED=" << seed << " (override with the LOOM_SEED environment variable)\n";
  return seed;
}

class ActLaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);  // a failing assertion sets gotError()
    dut_ = std::make_unique<Vact_lane>(ctx_.get(), "act");
    dut_->clk_i = 0;
    // A real falling edge of rst_ni (Verilator sees no edge on a signal that
    // starts low), so the asynchronous reset does fire.
    dut_->rst_ni = 1;
    DriveIdle();
    dut_->eval();
    dut_->rst_ni = 0;
    dut_->eval();
    dut_->rst_ni = 1;  // asynchronous reset released before the first edge
    dut_->eval();
  }
  void TearDown() override { dut_->final(); }

  void Drive(const Elem& e) {
    dut_->valid_i = 1;
    dut_->x_i = uint32_t(e.x);
    dut_->bias_i = uint32_t(e.bias);
    dut_->scale_i = uint16_t(e.scale);
    dut_->shift_i = e.shift;
    dut_->relu_i = e.relu;
    dut_->mode_i = e.mode;
  }
  // valid_i low; the payload is whatever junk the caller gives (default 0s).
  void DriveIdle(const Elem& junk = Elem{}) {
    Drive(junk);
    dut_->valid_i = 0;
  }
  void Tick() {
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->eval();
  }

  // Runs a stream (nullopt = valid low, payload from `junk`) and checks, in
  // every cycle t, valid_o == valid_i of cycle t - kLatency and y_o ==
  // Golden(element of cycle t - kLatency); while valid_o is low, y_o holds
  // its last value. Outputs are checked before and after the inputs of the
  // cycle are driven (they are registered). Returns the elements checked.
  size_t Run(const std::vector<std::optional<Elem>>& stream, std::mt19937_64* junk = nullptr) {
    std::deque<std::optional<Elem>> pipe(kLatency);  // inputs of t-3 .. t-1
    size_t checked = 0;
    const size_t cycles = stream.size() + kLatency;
    for (size_t t = 0; t < cycles; ++t) {
      const std::optional<Elem>& out = pipe.front();
      for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) {
          if (t < stream.size() && stream[t]) {
            Drive(*stream[t]);
          } else {
            DriveIdle(junk ? RandomElem(*junk) : Elem{});
          }
          dut_->eval();
        }
        const bool v = dut_->valid_o;
        const int32_t y = int32_t(dut_->y_o);
        if (out) {
          EXPECT_TRUE(v) << "cycle " << t << ": no output for " << *out;
          EXPECT_EQ(y, Golden(*out)) << "cycle " << t << ": " << *out;
          if (!v || y != Golden(*out)) return checked;  // one report, not thousands
        } else {
          EXPECT_FALSE(v) << "cycle " << t << ": output without an input " << kLatency
                          << " cycles before";
          if (have_last_) {
            EXPECT_EQ(y, last_y_) << "cycle " << t << ": y_o changed while idle";
          }
          if (v || (have_last_ && y != last_y_)) return checked;
        }
      }
      if (out) {
        ++checked;
        last_y_ = Golden(*out);
        have_last_ = true;
      }
      Tick();
      pipe.pop_front();
      pipe.push_back(t < stream.size() ? stream[t] : std::nullopt);
    }
    EXPECT_FALSE(ctx_->gotError()) << "an assertion fired";
    return checked;
  }

  static Elem RandomElem(std::mt19937_64& rng) {
    Elem e;
    e.x = int32_t(uint32_t(rng()));
    e.bias = int32_t(uint32_t(rng()));
    e.scale = int16_t(uint16_t(rng()));
    e.shift = uint8_t(rng() % 64);
    e.relu = rng() & 1;
    e.mode = uint8_t(rng() % 2);
    return e;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vact_lane> dut_;
  bool have_last_ = false;
  int32_t last_y_ = 0;
};

Elem Req(int32_t x, int32_t bias, int16_t scale, uint8_t shift, bool relu = false) {
  return Elem{x, bias, scale, shift, relu, 0};
}

// Hand-computed results (independent of act_requant, which must agree).
struct Known {
  Elem e;
  int32_t y;
};

const std::vector<Known>& KnownAnswers() {
  static const std::vector<Known> k = {
      // Round half up, s = 1 (docs/isa.md): 2.5 -> 3, -2.5 -> -2, -3.5 -> -3, 1.5 -> 2, -1.5 -> -1.
      {Req(5, 0, 1, 1), 3},
      {Req(-5, 0, 1, 1), -2},
      {Req(-7, 0, 1, 1), -3},
      {Req(3, 0, 1, 1), 2},
      {Req(-3, 0, 1, 1), -1},
      // Ties and near-ties at s = 4: 40/16 = 2.5 -> 3, -40/16 = -2.5 -> -2,
      // 39/16 -> 2, -41/16 -> -3, -24/16 = -1.5 -> -1, 8/16 = 0.5 -> 1, -8/16 -> 0.
      {Req(40, 0, 1, 4), 3},
      {Req(-40, 0, 1, 4), -2},
      {Req(39, 0, 1, 4), 2},
      {Req(-41, 0, 1, 4), -3},
      {Req(-24, 0, 1, 4), -1},
      {Req(8, 0, 1, 4), 1},
      {Req(-8, 0, 1, 4), 0},
      {Req(-9, 0, 1, 4), -1},
      // Bias and scale: (10 + (-4)) * 3 = 18, >> 2 = 4.5 -> 5; (-10 + 4) * 3 = -18 -> -4.5 -> -4.
      {Req(10, -4, 3, 2), 5},
      {Req(-10, 4, 3, 2), -4},
      {Req(10, -4, -3, 2), -4},
      // Saturation at 127 / -128, with the rounding carrying over the edge.
      {Req(127, 0, 1, 0), 127},
      {Req(128, 0, 1, 0), 127},
      {Req(-128, 0, 1, 0), -128},
      {Req(-129, 0, 1, 0), -128},
      {Req(253, 0, 1, 1), 127},    // 126.5 -> 127
      {Req(255, 0, 1, 1), 127},    // 127.5 -> 128 -> 127
      {Req(-257, 0, 1, 1), -128},  // -128.5 -> -128
      {Req(-259, 0, 1, 1), -128},  // -129.5 -> -129 -> -128
      {Req(1000, 0, 1, 0), 127},
      {Req(-1000, 0, 1, 0), -128},
      // ReLU on negatives, zero, and a negative tie that rounds to 0.
      {Req(-5, 0, 1, 0, true), 0},
      {Req(0, 0, 1, 0, true), 0},
      {Req(-1, 0, 1, 1, true), 0},
      {Req(5, 0, 1, 0, true), 5},
      {Req(-1000, 0, 1, 0, true), 0},
      {Req(1000, 0, 1, 0, true), 127},
      // Scale 0 and -1.
      {Req(kI32Max, kI32Max, 0, 0), 0},
      {Req(7, 0, -1, 0), -7},
      {Req(kI32Min, 0, -1, 24), 127},  // 2^31 / 2^24 = 128 -> 127
      // Bias overflow: x + bias leaves int32 (33 bits) before the scale.
      {Req(kI32Max, kI32Max, 1, 25), 127},  // (2^32 - 2) / 2^25 = 127.99.. -> 128 -> 127
      {Req(kI32Max, kI32Max, 1, 26), 64},   // 63.99.. -> 64
      {Req(kI32Min, kI32Min, 1, 26), -64},  // -2^32 / 2^26
      {Req(kI32Min, kI32Min, 1, 33), 0},    // -0.5 -> 0
      {Req(kI32Min, kI32Min, 1, 32), -1},
      // |v| at its maximum 2^47: (-2^31 - 2^31) * -2^15.
      {Req(kI32Min, kI32Min, -32768, 40), 127},  // 128 -> 127
      {Req(kI32Min, kI32Min, -32768, 41), 64},
      {Req(kI32Min, kI32Min, -32768, 47), 1},
      {Req(kI32Min, kI32Min, -32768, 48), 1},  // 0.5 -> 1
      {Req(kI32Min, kI32Min, -32768, 49), 0},  // 0.25 -> 0
      {Req(kI32Min, kI32Min, -32768, 63), 0},
      // Most negative v = (2^32 - 2) * -2^15 = -2^47 + 2^16.
      {Req(kI32Max, kI32Max, -32768, 47), -1},  // -0.99.. -> -1
      {Req(kI32Max, kI32Max, -32768, 48), 0},   // -0.49.. -> 0
      {Req(kI32Max, kI32Max, -32768, 0), -128},
      {Req(kI32Max, kI32Max, 32767, 0), 127},
      {Req(-1, 0, 1, 63), 0},
      // Copy: y = x, every other field ignored.
      {Elem{kI32Min, 5, 7, 3, true, 1}, kI32Min},
      {Elem{kI32Max, kI32Max, -32768, 63, true, 1}, kI32Max},
      {Elem{-1, 0, 0, 0, false, 1}, -1},
      {Elem{123456789, -1, -1, 1, false, 1}, 123456789},
  };
  return k;
}

TEST_F(ActLaneTest, ReferenceAgreesWithHandComputedAnswers) {
  for (const Known& k : KnownAnswers()) EXPECT_EQ(Golden(k.e), k.y) << k.e;
}

TEST_F(ActLaneTest, HandComputedAnswersBackToBack) {
  std::vector<std::optional<Elem>> s;
  for (const Known& k : KnownAnswers()) s.push_back(k.e);
  EXPECT_EQ(Run(s), s.size());
  // And each one alone, against the hand value itself.
  for (const Known& k : KnownAnswers()) {
    Drive(k.e);
    Tick();
    DriveIdle();
    for (int i = 1; i < kLatency; ++i) {
      EXPECT_FALSE(dut_->valid_o) << k.e;
      Tick();
    }
    ASSERT_TRUE(dut_->valid_o) << k.e;
    EXPECT_EQ(int32_t(dut_->y_o), k.y) << k.e;
    Tick();
    EXPECT_FALSE(dut_->valid_o) << k.e;
  }
  EXPECT_FALSE(ctx_->gotError());
}

TEST_F(ActLaneTest, EdgeCrossProduct) {
  const int32_t xs[] = {kI32Min, kI32Min + 1, -1, 0, 1, kI32Max};
  const int32_t biases[] = {kI32Min, -1, 0, 1, kI32Max};
  const int16_t scales[] = {-32768, -32767, -1, 0, 1, 32767};
  const uint8_t shifts[] = {0, 1, 2, 7, 8, 15, 16, 24, 31, 32, 33, 40, 46, 47, 48, 49, 50, 62, 63};
  std::vector<std::optional<Elem>> s;
  for (int32_t x : xs)
    for (int32_t b : biases)
      for (int16_t sc : scales)
        for (uint8_t sh : shifts)
          for (int relu = 0; relu < 2; ++relu)
            for (uint8_t mode = 0; mode < 2; ++mode)
              s.push_back(Elem{x, b, sc, sh, bool(relu), mode});
  EXPECT_EQ(Run(s), s.size());
  std::cout << "edge vectors: " << s.size() << "\n";
}

// Every shift and both rounding directions around each tie: v = k * 2^(s-1) + d.
TEST_F(ActLaneTest, TiesAtEveryShift) {
  std::vector<std::optional<Elem>> s;
  for (uint8_t sh = 1; sh <= 31; ++sh) {
    const int64_t half = int64_t(1) << (sh - 1);
    for (int64_t k : {-9, -7, -5, -3, -1, 1, 3, 5, 255, -255, -257, 257}) {
      for (int64_t d : {-1, 0, 1}) {
        const int64_t v = k * half + d;
        if (v < kI32Min || v > kI32Max) continue;
        s.push_back(Req(int32_t(v), 0, 1, sh));
        s.push_back(Req(int32_t(v), 0, 1, sh, true));
      }
    }
  }
  EXPECT_EQ(Run(s), s.size());
}

TEST_F(ActLaneTest, IdleCyclesProduceNothingAndHold) {
  std::mt19937_64 rng(7);
  std::vector<std::optional<Elem>> s;
  // Gaps of 1..5 cycles between single elements and short bursts; the
  // payload inputs carry random junk while valid_i is low.
  for (int i = 0; i < 200; ++i) {
    const int burst = 1 + int(rng() % 3);
    for (int j = 0; j < burst; ++j) s.push_back(RandomElem(rng));
    const int gap = 1 + int(rng() % 5);
    for (int j = 0; j < gap; ++j) s.push_back(std::nullopt);
  }
  size_t n = 0;
  for (const auto& e : s) n += e.has_value();
  EXPECT_EQ(Run(s, &rng), n);
}

TEST_F(ActLaneTest, NothingAfterResetWithoutInput) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(dut_->valid_o) << "cycle " << i;
    DriveIdle(Elem{1, 2, 3, 4, true, 0});
    Tick();
  }
}

TEST_F(ActLaneTest, ResetDropsElementsInFlight) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < kLatency; ++i) {
    Drive(RandomElem(rng));
    Tick();
  }
  DriveIdle();
  dut_->rst_ni = 0;  // asynchronous: valid_o falls without an edge
  dut_->eval();
  EXPECT_FALSE(dut_->valid_o);
  Tick();
  dut_->rst_ni = 1;
  dut_->eval();
  for (int i = 0; i < kLatency + 2; ++i) {
    EXPECT_FALSE(dut_->valid_o) << "cycle " << i;
    Tick();
  }
  // The lane works again after the reset.
  EXPECT_EQ(Run({Req(5, 0, 1, 1), std::nullopt, Req(-5, 0, 1, 1)}), 2u);
}

TEST_F(ActLaneTest, RandomStreams) {
  std::mt19937_64 rng(Seed(20261122));
  constexpr size_t kVectors = 250000;
  size_t total = 0;
  size_t gaps = 0;
  size_t copies = 0;
  size_t sat = 0;
  size_t relu_zero = 0;
  size_t inside = 0;  // requant results strictly inside the int8 range, not 0
  while (total < kVectors) {
    // Streams of varying density: back-to-back (p = 1) to sparse.
    const double p = (rng() % 4 == 0) ? 1.0 : double(rng() % 1000) / 1000.0;
    std::vector<std::optional<Elem>> s;
    for (int i = 0; i < 4096 && total + s.size() < kVectors + 16; ++i) {
      if (double(rng() % 1000) / 1000.0 >= p) {
        s.push_back(std::nullopt);
        ++gaps;
        continue;
      }
      Elem e = RandomElem(rng);
      // Fields biased towards values that do not simply saturate: small
      // x / bias / scale and shifts near the product's magnitude.
      switch (rng() % 4) {
        case 0:
          break;  // all fields uniform
        case 1:
          e.x = int32_t(rng() % 2001) - 1000;
          e.bias = int32_t(rng() % 201) - 100;
          e.scale = int16_t(int(rng() % 513) - 256);
          e.shift = uint8_t(rng() % 12);
          break;
        case 2: {
          // Shift chosen so that |r| lands around the int8 range.
          e.shift = uint8_t(24 + rng() % 26);
          break;
        }
        default: {
          // Exact ties: v = odd * 2^(s-1), |v| < 2^29.
          e.shift = uint8_t(1 + rng() % 20);
          e.scale = 1;
          e.bias = 0;
          const int64_t k = int64_t(rng() % 511) - 255;
          e.x = int32_t((2 * k + 1) * (int64_t(1) << (e.shift - 1)));
          break;
        }
      }
      e.mode = (rng() % 10 == 0) ? 1 : 0;
      const int32_t g = Golden(e);
      copies += e.mode == 1;
      sat += e.mode == 0 && (g == 127 || g == -128);
      relu_zero += e.mode == 0 && e.relu && g == 0;
      inside += e.mode == 0 && g != 127 && g != -128 && g != 0;
      s.push_back(e);
    }
    size_t n = 0;
    for (const auto& e : s) n += e.has_value();
    const size_t got = Run(s, &rng);
    ASSERT_EQ(got, n);
    total += n;
  }
  std::cout << "random vectors: " << total << " (idle cycles " << gaps << ", copies " << copies
            << ", saturated " << sat << ", ReLU zeros " << relu_zero << ", other nonzero int8 "
            << inside << ")\n";
  EXPECT_GE(total, 200000u);
}

// ActModeLegal_A: a valid element with a reserved mode (2..7) fires the
// assertion; a reserved mode while valid_i is low does not.
TEST_F(ActLaneTest, ReservedModeFiresAssertion) {
  DriveIdle(Elem{1, 0, 1, 0, false, 5});
  Tick();
  Tick();
  EXPECT_FALSE(ctx_->gotError());
  Elem e = Req(1, 0, 1, 0);
  e.mode = 2;
  Drive(e);
  Tick();
  DriveIdle();
  Tick();
  EXPECT_TRUE(ctx_->gotError());
}

}  // namespace
