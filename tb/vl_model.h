// VlModel<VTop>: one Verilated top with its own VerilatedContext and
// optional FST trace, clocked by clk_i with an active-low rst_ni — what the
// tensor-subsystem harness (rtl_harness.h) and the whole-core harness
// (core_harness.h) both own. Each cycle: drive the inputs, low_phase()
// (clock low, settle, trace), sample the outputs, then edge() (the rising
// edge that ends the cycle). Verilator-only.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "rtl_dut.h"  // RtlOptions
#include "verilated.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif
#include "verilated_fst_c.h"

namespace loom {

template <class VTop>
class VlModel {
 public:
  // `name`: the top's instance name in the trace. `threads`: the model's
  // Verilator --threads; the context's thread pool gets exactly that many
  // (Verilator's default, one per hardware thread, would start idle threads
  // for a single-threaded model and fail a threaded one on a smaller host).
  VlModel(const RtlOptions& opt, const char* name, unsigned threads = 1)
      : opt_(opt), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->threads(threads);
    ctx_->randReset(opt.rand_reset);
    if (opt.rand_reset != 0) ctx_->randSeed(int(opt.seed & 0x7fffffff));
    ctx_->fatalOnError(false);  // an assertion ends the run through gotFinish()
    if (!opt.trace_path.empty()) ctx_->traceEverOn(true);
    top_ = std::make_unique<VTop>(ctx_.get(), name);
    if (!opt.trace_path.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      // 10 ns per cycle (100 MHz) on the waveform's time axis.
      trace_->set_time_unit("1ns");
      trace_->set_time_resolution("1ns");
      trace_->open(opt.trace_path.c_str());
      if (!trace_->isOpen()) throw std::runtime_error("cannot open trace " + opt.trace_path);
    }
  }
  ~VlModel() { finish(); }

  VTop& top() { return *top_; }
  uint64_t cycle() const { return cycle_; }

  // A real falling edge of rst_ni (the asynchronous reset fires), four
  // clocked cycles in reset with the inputs `clear_inputs` sets, release.
  // After the first reset the next cycle is 0; a later reset (in the middle
  // of a run) keeps counting, its four cycles included, so cycle numbers and
  // the trace's time axis only go forward.
  template <class ClearInputs>
  void reset(ClearInputs clear_inputs) {
    const bool first = !was_reset_;
    was_reset_ = true;
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    clear_inputs();
    for (int i = 0; i < 4; ++i) {
      top_->clk_i = 0;
      top_->eval();
      if (!first) dump(2 * cycle_);
      top_->clk_i = 1;
      top_->eval();
      if (!first) {
        dump(2 * cycle_ + 1);
        ++cycle_;
      }
    }
    top_->rst_ni = 1;
    top_->clk_i = 0;
    top_->eval();
    if (first) cycle_ = 0;
  }

  // The inputs of the current cycle are driven: settle with the clock low.
  void low_phase() {
    top_->clk_i = 0;
    top_->eval();
    dump(2 * cycle_);
  }

  // The rising edge that ends the current cycle. Throws when the RTL called
  // $finish or an assertion failed.
  void edge() {
    top_->clk_i = 1;
    top_->eval();
    dump(2 * cycle_ + 1);
    ++cycle_;
    if (ctx_->gotFinish()) {
      throw std::runtime_error("RTL stopped at cycle " + std::to_string(cycle_ - 1) +
                               " ($finish or a failed assertion, see the log above)");
    }
  }

  // Flushes and closes the trace; the model's final() is called. Idempotent.
  void finish() {
    if (finished_) return;
    finished_ = true;
    top_->final();
    if (trace_) trace_->close();
#if VM_COVERAGE  // set by verilate() for instrumented models only
    if (!opt_.coverage_path.empty()) ctx_->coveragep()->write(opt_.coverage_path.c_str());
#endif
  }

 private:
  void dump(uint64_t half) {
    if (!trace_) return;
    if (cycle_ < opt_.trace_from || cycle_ > opt_.trace_to) return;
    trace_->dump(half * 5);  // 10 ns per cycle: low phase at 10c, edge at 10c + 5
  }

  RtlOptions opt_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<VTop> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  uint64_t cycle_ = 0;
  bool finished_ = false;
  bool was_reset_ = false;
};

}  // namespace loom
