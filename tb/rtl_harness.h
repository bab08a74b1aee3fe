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
#include "vl_bytes.h"
#include "vl_tensor_obs.h"

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
    // The AXI data ports (IData, QData or VlWide) are exactly DB bytes wide
    // for the bus widths 32..512 bits.
    if (cfg.axi_data_bytes != sizeof(top_->m_axi_rdata_i) ||
        cfg.axi_data_bytes > kAxiMaxDataBytes) {
      throw std::runtime_error("AXI data width of configuration " + std::string(cfg.name) +
                               " does not match the model's port");
    }
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
    SetBytes(top_->sbuf_wr_data_i, in.sbuf_wr_data.data(), int(cfg_.sbuf_word_bytes));
    top_->sbuf_wr_strb_i = in.sbuf_wr_strb;
    top_->dbg_req_i = in.dbg_req;
    top_->dbg_psum_i = in.dbg_psum;
    top_->dbg_part_i = in.dbg_part;
    top_->dbg_addr_i = in.dbg_addr;
    // DMA: descriptor queues (each 256 bits, DmaDesc::pack() words, word 0 =
    // bits 63:0), DRAM window, and the DRAM's AXI4 slave outputs.
    top_->dma_desc_valid_i = (in.dma_desc_valid[0] ? 1u : 0u) | (in.dma_desc_valid[1] ? 2u : 0u);
    for (int q = 0; q < 2; ++q) SetWords64(top_->dma_desc_i, 4 * q, in.dma_desc[q].data(), 4);
    top_->dram_base_i = in.dram_base;
    top_->dram_limit_i = in.dram_limit;
    const AxiSlaveOut& so = in.axi;
    top_->m_axi_arready_i = so.ar_ready;
    top_->m_axi_awready_i = so.aw_ready;
    top_->m_axi_wready_i = so.w_ready;
    top_->m_axi_rvalid_i = so.r_valid;
    top_->m_axi_rid_i = so.r_id;
    SetBytes(top_->m_axi_rdata_i, so.r_data.data(), int(cfg_.axi_data_bytes));
    top_->m_axi_rresp_i = so.r_resp;
    top_->m_axi_rlast_i = so.r_last;
    top_->m_axi_bvalid_i = so.b_valid;
    top_->m_axi_bid_i = so.b_id;
    top_->m_axi_bresp_i = so.b_resp;
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
    top_->dma_desc_valid_i = 0;
    top_->act_cmd_valid_i = 0;  // ACT port tied off (not driven by this testbench yet)
    top_->m_axi_arready_i = 0;
    top_->m_axi_awready_i = 0;
    top_->m_axi_wready_i = 0;
    top_->m_axi_rvalid_i = 0;
    top_->m_axi_bvalid_i = 0;
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
    SampleTensorObs(*top_, cfg_, out_);
    // DMA
    for (int q = 0; q < 2; ++q) {
      out_.dma_desc_ready[q] = (top_->dma_desc_ready_o >> q) & 1;
      out_.dma_cpl_valid[q] = (top_->dma_cpl_valid_o >> q) & 1;
      out_.dma_cpl_err[q] = (top_->dma_cpl_err_o >> (4 * q)) & 0xf;
      out_.dma_halted[q] = (top_->dma_halted_o >> q) & 1;
    }
    out_.dma_busy = top_->dma_busy_o;
    AxiMasterOut& mo = out_.axi;
    mo.ar_valid = top_->m_axi_arvalid_o;
    mo.ar_id = top_->m_axi_arid_o;
    mo.ar_addr = top_->m_axi_araddr_o;
    mo.ar_len = top_->m_axi_arlen_o;
    mo.ar_size = top_->m_axi_arsize_o;
    mo.ar_burst = top_->m_axi_arburst_o;
    mo.r_ready = top_->m_axi_rready_o;
    mo.aw_valid = top_->m_axi_awvalid_o;
    mo.aw_id = top_->m_axi_awid_o;
    mo.aw_addr = top_->m_axi_awaddr_o;
    mo.aw_len = top_->m_axi_awlen_o;
    mo.aw_size = top_->m_axi_awsize_o;
    mo.aw_burst = top_->m_axi_awburst_o;
    mo.w_valid = top_->m_axi_wvalid_o;
    GetBytes(top_->m_axi_wdata_o, mo.w_data.data(), int(cfg_.axi_data_bytes));
    mo.w_strb = uint64_t(top_->m_axi_wstrb_o);
    mo.w_last = top_->m_axi_wlast_o;
    mo.b_ready = top_->m_axi_bready_o;
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
