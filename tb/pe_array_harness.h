// PeArrayHarness<VArray>: the Verilated bare pe_array behind the
// Verilator-free PeArrayDut interface. Not a VlModel: the array has no
// reset and is built without tracing, but it is clocked the same way (drive
// the inputs, clock low and eval, sample, clock high and eval: two evals per
// cycle), so its speed is comparable with the whole core's.
// Included only by the generated per-model factories
// (tb/pe_array_factory.cpp.in).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "pe_array_dut.h"
#include "verilated.h"
#include "vl_bytes.h"

namespace loom {

namespace pe_array_detail {

// Every row's `width`-bit field of a per-row port = value (p rows).
template <class T>
void SetRows(T& v, uint32_t p, int width, uint64_t value) {
  uint64_t x = 0;
  for (uint32_t k = 0; k < p; ++k) x |= value << (int(k) * width);
  v = T(x);
}
template <std::size_t N>
void SetRows(VlWide<N>& w, uint32_t p, int width, uint64_t value) {
  for (uint32_t k = 0; k < p; ++k) SetField(w, int(k) * width, width, value);
}

// A one-bit-per-row port (sel_i, w_we_i, w_bank_i): all p rows high.
template <class T>
void SetAllRows(T& v, uint32_t p) {
  v = T(p >= 64 ? ~uint64_t(0) : (uint64_t(1) << p) - 1);
}

// A byte-per-row port (x_i, w_data_i) from PeArrayStimulus words.
template <class T>
void SetOperands(T& v, const uint64_t* w) {
  v = T(w[0]);  // P <= 8: the low P bytes of the first word
}
template <std::size_t N>
void SetOperands(VlWide<N>& v, const uint64_t* w) {
  SetWords64(v, 0, w, int(N / 2));
}

}  // namespace pe_array_detail

template <class VArray>
class PeArrayHarness final : public PeArrayDut {
 public:
  // `threads`: the model's Verilator --threads (see VlModel).
  PeArrayHarness(uint32_t p, unsigned threads) : p_(p), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->threads(threads);
    top_ = std::make_unique<VArray>(ctx_.get(), "pe_array");
    while ((1u << col_w_) < p) ++col_w_;
    if (sizeof(top_->col_o) != 4 * size_t(p) || sizeof(top_->x_i) < size_t(p) ||
        p > 8 * kMaxWords) {
      throw std::runtime_error("pe_array model does not have P = " + std::to_string(p));
    }
    top_->clk_i = 0;
    top_->eval();
  }
  ~PeArrayHarness() override { top_->final(); }

  uint32_t partitions() const override { return p_; }

  uint64_t run(uint64_t cycles, uint64_t seed) override {
    using namespace pe_array_detail;
    PeArrayStimulus stim(p_, seed);
    PeArrayChecksum sum(p_);
    uint64_t w[kMaxWords] = {};
    VArray& t = *top_;
    // Flush: P cycles of x_i = 0 with the old weights.
    SetOperands(t.x_i, w);
    SetOperands(t.w_data_i, w);
    SetAllRows(t.sel_i, p_);
    SetAllRows(t.w_bank_i, p_);
    t.w_we_i = 0;
    for (uint32_t c = 0; c < p_; ++c) cycle();
    // Weights: column c of every row in cycle c, into bank 1.
    SetAllRows(t.w_we_i, p_);
    for (uint32_t c = 0; c < p_; ++c) {
      stim.next(w);
      SetOperands(t.w_data_i, w);
      SetRows(t.w_col_i, p_, col_w_, c);
      cycle();
    }
    t.w_we_i = 0;
    // Stream: the hot loop the benchmark measures.
    for (uint64_t i = 0; i < cycles; ++i) {
      stim.next(w);
      SetOperands(t.x_i, w);
      t.clk_i = 0;
      t.eval();
      sum.add_cycle(t.col_o.data());
      t.clk_i = 1;
      t.eval();
    }
    return sum.value();
  }

 private:
  static constexpr uint32_t kMaxWords = 16;  // P <= 128, the RTL's limit

  void cycle() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  uint32_t p_;
  int col_w_ = 0;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<VArray> top_;
};

}  // namespace loom
