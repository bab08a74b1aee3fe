// CoreHarness<VCore>: the Verilated loom_core (in a VlModel: its own
// context and optional FST trace) behind the Verilator-free CoreDut
// interface.
// Included only by the generated per-model factories (tb/core_factory.cpp.in).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core_dut.h"
#include "vl_axi.h"
#include "vl_bytes.h"
#include "vl_model.h"
#include "vl_tensor_obs.h"

namespace loom {

template <class VCore>
class CoreHarness final : public CoreDut {
 public:
  // `threads`: the model's Verilator --threads (VlModel).
  CoreHarness(const Config& cfg, const RtlOptions& opt, unsigned threads = 1)
      : cfg_(cfg), m_(opt, "core", threads) {
    if (cfg.axi_data_bytes != sizeof(m_.top().m_axi_rdata_i) ||
        cfg.axi_data_bytes > kAxiMaxDataBytes) {
      throw std::runtime_error("AXI data width of configuration " + std::string(cfg.name) +
                               " does not match the core model's port");
    }
  }
  ~CoreHarness() override { finish(); }

  const Config& config() const override { return cfg_; }

  void reset() override {
    m_.reset([this] { drive_pins(CoreInputs{}); });
  }

  const CoreOutputs& drive(const CoreInputs& in) override {
    drive_pins(in);
    m_.low_phase();
    sample();
    return out_;
  }

  void tick() override { m_.edge(); }
  uint64_t cycle() const override { return m_.cycle(); }
  void finish() override { m_.finish(); }

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
    top_->dbg_req_i = in.dbg.req;
    top_->dbg_psum_i = in.dbg.psum;
    top_->dbg_part_i = in.dbg.part;
    top_->dbg_addr_i = in.dbg.addr;
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
    out_.dbg_rvalid = top_->dbg_rvalid_o;
    out_.dbg_rdata = top_->dbg_rdata_o;
    sample_obs();
  }

  // The observation port (CoreObs).
  void sample_obs() {
    const uint32_t p = cfg_.partitions, wb = cfg_.sbuf_word_bytes;
    CoreObs& o = out_.obs;
    o.dispatch_valid = top_->obs_seq_dispatch_valid_o;
    o.dispatch_index = top_->obs_seq_dispatch_index_o;
    o.dispatch_queue = top_->obs_seq_dispatch_queue_o;
    for (int e = 0; e < 4; ++e) {
      o.issue_valid[e] = (top_->obs_seq_issue_valid_o >> e) & 1;
      o.issue_index[e] = uint32_t(GetField(top_->obs_seq_issue_index_o, 32 * e, 32));
    }
    o.sem_valid = uint32_t(top_->obs_seq_sem_valid_o);
    // Semaphores x 16 bits (the core's Semaphores parameter).
    const uint32_t sem_count = uint32_t(sizeof(top_->obs_seq_sem_value_o) / 2);
    o.sem_value.resize(sem_count);
    for (uint32_t x = 0; x < sem_count; ++x)
      o.sem_value[x] = uint16_t(GetField(top_->obs_seq_sem_value_o, int(16 * x), 16));
    SampleTensorObs(*top_, cfg_, o.tensor);
    o.act_issue_valid = top_->obs_act_issue_valid_o;
    o.act_issue_tag = top_->obs_act_issue_tag_o;
    o.act_wr_valid.resize(p);
    o.act_wr_data.resize(p);
    for (uint32_t k = 0; k < p; ++k) {
      o.act_wr_valid[k] = GetField(top_->obs_act_wr_valid_o, int(k), 1) != 0;
      // The data only where valid (the monitor reads no other): P x WB
      // bytes every cycle were a fifth of the whole run's time at P = 16.
      if (!o.act_wr_valid[k]) continue;
      for (uint32_t i = 0; i < wb; ++i)
        o.act_wr_data[k][i] = uint8_t(GetField(top_->obs_act_wr_data_o, int(8 * (wb * k + i)), 8));
    }
    o.act_wr_addr = top_->obs_act_wr_addr_o;
    o.act_wr_strb = uint64_t(top_->obs_act_wr_strb_o);
    o.act_done = top_->obs_act_done_o;
    for (int q = 0; q < 2; ++q) {
      o.dma_cpl_valid[q] = (top_->obs_dma_cpl_valid_o >> q) & 1;
      o.dma_cpl_err[q] = (top_->obs_dma_cpl_err_o >> (4 * q)) & 0xf;
    }
  }

  const Config& cfg_;
  VlModel<VCore> m_;
  VCore* top_ = &m_.top();
  CoreOutputs out_;
};

}  // namespace loom
