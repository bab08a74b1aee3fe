// RtlHarness<VTop>: the Verilated loom_tensor_top (in a VlModel: its own
// context and optional FST trace) behind the Verilator-free RtlDut
// interface. Included only by the generated per-model factories
// (tb/rtl_factory.cpp.in), never next to SystemC headers.
#pragma once

#include <stdexcept>
#include <string>

#include "rtl_dut.h"
#include "vl_axi.h"
#include "vl_bytes.h"
#include "vl_model.h"
#include "vl_tensor_obs.h"

namespace loom {

template <class VTop>
class RtlHarness final : public RtlDut {
 public:
  RtlHarness(const Config& cfg, const RtlOptions& opt) : cfg_(cfg), m_(opt, "tensor") {
    out_.psum.resize(cfg.partitions);
    // The AXI data ports (IData, QData or VlWide) are exactly DB bytes wide
    // for the bus widths 32..512 bits.
    if (cfg.axi_data_bytes != sizeof(m_.top().m_axi_rdata_i) ||
        cfg.axi_data_bytes > kAxiMaxDataBytes) {
      throw std::runtime_error("AXI data width of configuration " + std::string(cfg.name) +
                               " does not match the model's port");
    }
  }
  ~RtlHarness() override { finish(); }

  const Config& config() const override { return cfg_; }

  void reset() override {
    m_.reset([this] {
      VTop& t = m_.top();
      t.cmd_valid_i = 0;
      t.sbuf_wr_valid_i = 0;
      t.dbg_req_i = 0;
      t.dma_desc_valid_i = 0;
      t.act_cmd_valid_i = 0;  // ACT port tied off (not driven by this testbench)
      LOOM_VL_AXI_READ_SLAVE(&t, m_axi_, AxiSlaveOut{}, int(cfg_.axi_data_bytes));
      LOOM_VL_AXI_WRITE_SLAVE(&t, m_axi_, AxiSlaveOut{});
    });
  }

  const RtlOutputs& drive(const RtlInputs& in) override {
    VTop& t = m_.top();
    t.cmd_valid_i = in.cmd_valid;
    t.cmd_i = in.cmd;
    t.sbuf_wr_valid_i = in.sbuf_wr_valid;
    t.sbuf_wr_part_i = in.sbuf_wr_part;
    t.sbuf_wr_addr_i = in.sbuf_wr_addr;
    SetBytes(t.sbuf_wr_data_i, in.sbuf_wr_data.data(), int(cfg_.sbuf_word_bytes));
    t.sbuf_wr_strb_i = in.sbuf_wr_strb;
    t.dbg_req_i = in.dbg_req;
    t.dbg_psum_i = in.dbg_psum;
    t.dbg_part_i = in.dbg_part;
    t.dbg_addr_i = in.dbg_addr;
    // DMA: descriptor queues (each 256 bits, DmaDesc::pack() words, word 0 =
    // bits 63:0), DRAM window, and the DRAM's AXI4 slave outputs.
    t.dma_desc_valid_i = (in.dma_desc_valid[0] ? 1u : 0u) | (in.dma_desc_valid[1] ? 2u : 0u);
    for (int q = 0; q < 2; ++q) SetWords64(t.dma_desc_i, 4 * q, in.dma_desc[q].data(), 4);
    t.dram_base_i = in.dram_base;
    t.dram_limit_i = in.dram_limit;
    LOOM_VL_AXI_READ_SLAVE(&t, m_axi_, in.axi, int(cfg_.axi_data_bytes));
    LOOM_VL_AXI_WRITE_SLAVE(&t, m_axi_, in.axi);
    m_.low_phase();
    sample();
    return out_;
  }

  void tick() override { m_.edge(); }
  uint64_t cycle() const override { return m_.cycle(); }
  void finish() override { m_.finish(); }

 private:
  void sample() {
    VTop& t = m_.top();
    out_.cmd_ready = t.cmd_ready_o;
    out_.busy = t.busy_o;
    out_.dbg_rvalid = t.dbg_rvalid_o;
    out_.dbg_rdata = t.dbg_rdata_o;
    SampleTensorObs(t, cfg_, out_);
    for (int q = 0; q < 2; ++q) {
      out_.dma_desc_ready[q] = (t.dma_desc_ready_o >> q) & 1;
      out_.dma_cpl_valid[q] = (t.dma_cpl_valid_o >> q) & 1;
      out_.dma_cpl_err[q] = (t.dma_cpl_err_o >> (4 * q)) & 0xf;
      out_.dma_halted[q] = (t.dma_halted_o >> q) & 1;
    }
    out_.dma_busy = t.dma_busy_o;
    LOOM_VL_AXI_READ_MASTER(&t, m_axi_, out_.axi);
    LOOM_VL_AXI_WRITE_MASTER(&t, m_axi_, out_.axi, int(cfg_.axi_data_bytes));
  }

  const Config& cfg_;
  VlModel<VTop> m_;
  RtlOutputs out_;
};

}  // namespace loom
