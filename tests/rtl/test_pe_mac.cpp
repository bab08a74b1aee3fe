// Unit tests of pe_mac: signed int8 x int8 MAC with two weight banks.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>

#include "Vpe_mac.h"
#include "verilated.h"

namespace {

class PeMacTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vpe_mac>(ctx_.get(), "pe");
    dut_->clk_i = 0;
    Drive(0, 0, 0);
    dut_->eval();
  }
  void TearDown() override { dut_->final(); }

  // Inputs of the coming cycle (no weight write).
  void Drive(int8_t x, bool sel, int32_t psum) {
    dut_->x_i = uint8_t(x);
    dut_->sel_i = sel;
    dut_->psum_i = uint32_t(psum);
    dut_->w_we_i = 0;
    dut_->w_bank_i = 0;
    dut_->w_data_i = 0;
  }
  void WriteWeight(bool bank, int8_t w) {
    dut_->w_we_i = 1;
    dut_->w_bank_i = bank;
    dut_->w_data_i = uint8_t(w);
  }
  // One clock cycle: evaluate the inputs, then the rising edge.
  void Tick() {
    dut_->clk_i = 0;
    dut_->eval();
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->eval();
  }
  void LoadWeights(int8_t w0, int8_t w1) {
    Drive(0, 0, 0);
    WriteWeight(false, w0);
    Tick();
    Drive(0, 0, 0);
    WriteWeight(true, w1);
    Tick();
  }
  int32_t Psum() const { return int32_t(dut_->psum_o); }
  int8_t X() const { return int8_t(dut_->x_o); }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpe_mac> dut_;
};

TEST_F(PeMacTest, SignedCornerProducts) {
  const int8_t vals[] = {127, -128, -1, 1, 0};
  for (int8_t w : vals) {
    for (int8_t x : vals) {
      LoadWeights(w, 0);
      Drive(x, false, 0);
      Tick();
      EXPECT_EQ(Psum(), int32_t(w) * int32_t(x)) << "w=" << int(w) << " x=" << int(x);
    }
  }
  LoadWeights(-128, -128);
  Drive(-128, true, 0);
  Tick();
  EXPECT_EQ(Psum(), 16384);
  LoadWeights(127, -128);
  Drive(127, true, 0);
  Tick();
  EXPECT_EQ(Psum(), -16256);
}

TEST_F(PeMacTest, BothBanksAndSelect) {
  LoadWeights(3, -7);
  Drive(5, false, 100);
  Tick();
  EXPECT_EQ(Psum(), 100 + 15);
  Drive(5, true, 100);
  Tick();
  EXPECT_EQ(Psum(), 100 - 35);
  // Writing bank 0 leaves bank 1 alone, and vice versa.
  Drive(0, 0, 0);
  WriteWeight(false, 9);
  Tick();
  Drive(2, true, 0);
  Tick();
  EXPECT_EQ(Psum(), -14);
  Drive(2, false, 0);
  WriteWeight(true, 11);
  Tick();
  EXPECT_EQ(Psum(), 18);
  Drive(2, true, 0);
  Tick();
  EXPECT_EQ(Psum(), 22);
}

TEST_F(PeMacTest, WeightWriteIsReadFirst) {
  LoadWeights(4, 0);
  // The multiply in the cycle of the write still sees the old weight.
  Drive(3, false, 0);
  WriteWeight(false, -2);
  Tick();
  EXPECT_EQ(Psum(), 12);
  Drive(3, false, 0);
  Tick();
  EXPECT_EQ(Psum(), -6);
}

TEST_F(PeMacTest, PassThroughIsOneRegister) {
  LoadWeights(1, 1);
  const int8_t xs[] = {-128, 127, 0, 55, -3};
  for (int i = 0; i < 5; ++i) {
    Drive(xs[i], i & 1, 7 * i);
    Tick();
    EXPECT_EQ(X(), xs[i]);
    EXPECT_EQ(bool(dut_->sel_o), bool(i & 1));
    EXPECT_EQ(Psum(), 7 * i + xs[i]);
  }
}

TEST_F(PeMacTest, Int32Wraparound) {
  LoadWeights(127, -128);
  Drive(127, false, INT32_MAX);
  Tick();
  EXPECT_EQ(uint32_t(dut_->psum_o), uint32_t(INT32_MAX) + 127u * 127u);
  Drive(127, true, INT32_MIN);
  Tick();
  EXPECT_EQ(uint32_t(dut_->psum_o), uint32_t(INT32_MIN) - 127u * 128u);
}

TEST_F(PeMacTest, RandomAgainstReference) {
  std::mt19937 rng(12345);
  int8_t w[2] = {0, 0};
  LoadWeights(0, 0);
  for (int i = 0; i < 5000; ++i) {
    const int8_t x = int8_t(rng());
    const bool sel = rng() & 1;
    const int32_t p = int32_t(rng());
    Drive(x, sel, p);
    const bool we = (rng() % 4) == 0;
    const bool bank = rng() & 1;
    const int8_t wd = int8_t(rng());
    if (we) WriteWeight(bank, wd);
    const uint32_t expect = uint32_t(p) + uint32_t(int32_t(w[sel]) * int32_t(x));
    Tick();
    ASSERT_EQ(uint32_t(dut_->psum_o), expect) << "step " << i;
    ASSERT_EQ(X(), x);
    if (we) w[bank] = wd;
  }
}

}  // namespace
