// RtlHarness<VTop>: owns the VerilatedContext, the Verilated loom_tensor_top
// and its optional FST trace. Included only by the generated per-model
// factories (tb/rtl_factory.cpp.in), never next to SystemC headers.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "rtl_dut.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace loom {

template <class VTop>
class RtlHarness final : public RtlDut {
 public:
  RtlHarness(const Config& cfg, const RtlOptions& opt)
      : cfg_(cfg), opt_(opt), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(opt.rand_reset);
    if (opt.rand_reset != 0) ctx_->randSeed(int(opt.seed & 0x7fffffff));
    ctx_->fatalOnError(false);  // an assertion ends the run through gotFinish()
    if (!opt.trace_path.empty()) ctx_->traceEverOn(true);
    top_ = std::make_unique<VTop>(ctx_.get(), "tensor");
    if (!opt.trace_path.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      // 10 ns per cycle (100 MHz) on the waveform's time axis.
      trace_->set_time_unit("1ns");
      trace_->set_time_resolution("1ns");
      trace_->open(opt.trace_path.c_str());
      if (!trace_->isOpen()) throw std::runtime_error("cannot open trace " + opt.trace_path);
    }
    out_.psum.resize(cfg.partitions);
  }
  ~RtlHarness() override { finish(); }

  const Config& config() const override { return cfg_; }

  void reset() override {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    clear_inputs();
    for (int i = 0; i < 4; ++i) reset_cycle();
    top_->rst_ni = 1;
    top_->clk_i = 0;
    top_->eval();
    cycle_ = 0;
  }

  const RtlOutputs& drive(const RtlInputs& in) override {
    top_->cmd_valid_i = in.cmd_valid;
    top_->cmd_i = in.cmd;
    top_->sbuf_wr_valid_i = in.sbuf_wr_valid;
    top_->sbuf_wr_part_i = in.sbuf_wr_part;
    top_->sbuf_wr_addr_i = in.sbuf_wr_addr;
    top_->sbuf_wr_data_i = in.sbuf_wr_data;
    top_->sbuf_wr_strb_i = in.sbuf_wr_strb;
    top_->dbg_req_i = in.dbg_req;
    top_->dbg_psum_i = in.dbg_psum;
    top_->dbg_part_i = in.dbg_part;
    top_->dbg_addr_i = in.dbg_addr;
    top_->clk_i = 0;
    top_->eval();
    dump(2 * cycle_);
    sample();
    return out_;
  }

  void tick() override {
    top_->clk_i = 1;
    top_->eval();
    dump(2 * cycle_ + 1);
    ++cycle_;
    if (ctx_->gotFinish()) {
      throw std::runtime_error("RTL stopped at cycle " + std::to_string(cycle_ - 1) +
                               " ($finish or a failed assertion, see the log above)");
    }
  }

  uint64_t cycle() const override { return cycle_; }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    top_->final();
    if (trace_) trace_->close();
  }

 private:
  void clear_inputs() {
    top_->cmd_valid_i = 0;
    top_->sbuf_wr_valid_i = 0;
    top_->dbg_req_i = 0;
  }
  void reset_cycle() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }
  void dump(uint64_t half) {
    if (!trace_) return;
    if (cycle_ < opt_.trace_from || cycle_ > opt_.trace_to) return;
    // 10 ns per cycle: the low phase at 10c, the edge at 10c + 5.
    trace_->dump(half * 5);
  }
  void sample() {
    out_.cmd_ready = top_->cmd_ready_o;
    out_.busy = top_->busy_o;
    out_.dbg_rvalid = top_->dbg_rvalid_o;
    out_.dbg_rdata = top_->dbg_rdata_o;
    out_.issue_valid = top_->obs_issue_valid_o;
    out_.issue_tag = top_->obs_issue_tag_o;
    out_.issue_op = top_->obs_issue_op_o;
    out_.ldw_retire_valid = top_->obs_ldw_retire_valid_o;
    out_.ldw_retire_tag = top_->obs_ldw_retire_tag_o;
    out_.mm_retire_valid = top_->obs_mm_retire_valid_o;
    out_.mm_retire_tag = top_->obs_mm_retire_tag_o;
    out_.sbuf_wr_valid = top_->obs_sbuf_wr_valid_o;
    out_.sbuf_wr_part = top_->obs_sbuf_wr_part_o;
    out_.sbuf_wr_addr = top_->obs_sbuf_wr_addr_o;
    out_.sbuf_wr_data = top_->obs_sbuf_wr_data_o;
    out_.sbuf_wr_strb = top_->obs_sbuf_wr_strb_o;
    // obs_psum_o: 64 bits per partition, i.e. 32-bit words 2m (value) and
    // 2m + 1 (entry [8:0], bank [11:9], acc [12], valid [13]).
    for (uint32_t m = 0; m < cfg_.partitions; ++m) {
      const uint32_t value = top_->obs_psum_o[2 * m];
      const uint32_t meta = top_->obs_psum_o[2 * m + 1];
      PsumObs& o = out_.psum[m];
      o.valid = (meta >> 13) & 1;
      o.acc = (meta >> 12) & 1;
      o.bank = (meta >> 9) & 0x7;
      o.entry = meta & 0x1ff;
      o.value = value;
    }
  }

  const Config& cfg_;
  RtlOptions opt_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<VTop> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  RtlOutputs out_;
  uint64_t cycle_ = 0;
  bool finished_ = false;
};

}  // namespace loom
