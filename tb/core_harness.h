// CoreHarness<VCore>: owns the VerilatedContext, the Verilated loom_core and
// its optional FST trace, behind the Verilator-free CoreDut interface.
// Included only by the generated per-model factories (tb/core_factory.cpp.in).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core_dut.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "vl_axi.h"

namespace loom {

template <class VCore>
class CoreHarness final : public CoreDut {
 public:
  CoreHarness(const Config& cfg, const RtlOptions& opt)
      : cfg_(cfg), opt_(opt), ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(opt.rand_reset);
    if (opt.rand_reset != 0) ctx_->randSeed(int(opt.seed & 0x7fffffff));
    ctx_->fatalOnError(false);  // an assertion ends the run through gotFinish()
    if (!opt.trace_path.empty()) ctx_->traceEverOn(true);
    top_ = std::make_unique<VCore>(ctx_.get(), "core");
    if (!opt.trace_path.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      trace_->set_time_unit("1ns");
      trace_->set_time_resolution("1ns");
      trace_->open(opt.trace_path.c_str());
      if (!trace_->isOpen()) throw std::runtime_error("cannot open trace " + opt.trace_path);
    }
    if (cfg.axi_data_bytes != sizeof(top_->m_axi_rdata_i) ||
        cfg.axi_data_bytes > kAxiMaxDataBytes) {
      throw std::runtime_error("AXI data width of configuration " + std::string(cfg.name) +
                               " does not match the core model's port");
    }
  }
  ~CoreHarness() override { finish(); }

  const Config& config() const override { return cfg_; }

  void reset() override {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    drive_pins(CoreInputs{});
    for (int i = 0; i < 4; ++i) {
      top_->clk_i = 0;
      top_->eval();
      top_->clk_i = 1;
      top_->eval();
    }
    top_->rst_ni = 1;
    top_->clk_i = 0;
    top_->eval();
    cycle_ = 0;
  }

  const CoreOutputs& drive(const CoreInputs& in) override {
    drive_pins(in);
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
  void drive_pins(const CoreInputs& in) {
    const int db = int(cfg_.axi_data_bytes);
    const AxilMasterOut& h = in.host;
    top_->s_axil_awvalid_i = h.aw_valid;
    top_->s_axil_awaddr_i = h.aw_addr;
    top_->s_axil_awprot_i = 0;
    top_->s_axil_wvalid_i = h.w_valid;
    top_->s_axil_wdata_i = h.w_data;
    top_->s_axil_wstrb_i = h.w_strb;
    top_->s_axil_bready_i = h.b_ready;
    top_->s_axil_arvalid_i = h.ar_valid;
    top_->s_axil_araddr_i = h.ar_addr;
    top_->s_axil_arprot_i = 0;
    top_->s_axil_rready_i = h.r_ready;
    top_->dbg_req_i = 0;
    LOOM_VL_AXI_READ_SLAVE(top_, m_axi_, in.dram, db);
    LOOM_VL_AXI_WRITE_SLAVE(top_, m_axi_, in.dram);
    LOOM_VL_AXI_READ_SLAVE(top_, m_axi_if_, in.ifetch, db);
  }

  void sample() {
    const int db = int(cfg_.axi_data_bytes);
    AxilSlaveOut& h = out_.host;
    h.aw_ready = top_->s_axil_awready_o;
    h.w_ready = top_->s_axil_wready_o;
    h.b_valid = top_->s_axil_bvalid_o;
    h.b_resp = top_->s_axil_bresp_o;
    h.ar_ready = top_->s_axil_arready_o;
    h.r_valid = top_->s_axil_rvalid_o;
    h.r_data = top_->s_axil_rdata_o;
    h.r_resp = top_->s_axil_rresp_o;
    LOOM_VL_AXI_READ_MASTER(top_, m_axi_, out_.dram);
    LOOM_VL_AXI_WRITE_MASTER(top_, m_axi_, out_.dram, db);
    LOOM_VL_AXI_READ_MASTER(top_, m_axi_if_, out_.ifetch);
    out_.irq = top_->irq_o;
    out_.busy = top_->busy_o;
    out_.done = top_->done_o;
    out_.error = top_->error_o;
  }

  void dump(uint64_t half) {
    if (!trace_) return;
    if (cycle_ < opt_.trace_from || cycle_ > opt_.trace_to) return;
    trace_->dump(half * 5);  // 10 ns per cycle
  }

  const Config& cfg_;
  RtlOptions opt_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<VCore> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  CoreOutputs out_;
  uint64_t cycle_ = 0;
  bool finished_ = false;
};

}  // namespace loom
