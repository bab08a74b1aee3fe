// The tensor subsystem's observation port (tensor_top.md "Observation
// port") read into RtlOutputs: one sampler for every Verilated top that
// carries it (loom_tensor_top in RtlHarness, loom_core in CoreHarness).
// Verilator-only, like vl_bytes.h.
#pragma once

#include "loom/configs.h"
#include "rtl_dut.h"
#include "vl_bytes.h"

namespace loom {

template <class VTop>
void SampleTensorObs(const VTop& top, const Config& cfg, RtlOutputs& out) {
  out.issue_valid = top.obs_issue_valid_o;
  out.issue_tag = top.obs_issue_tag_o;
  out.issue_op = top.obs_issue_op_o;
  out.ldw_retire_valid = top.obs_ldw_retire_valid_o;
  out.ldw_retire_tag = top.obs_ldw_retire_tag_o;
  out.mm_retire_valid = top.obs_mm_retire_valid_o;
  out.mm_retire_tag = top.obs_mm_retire_tag_o;
  out.sbuf_wr_valid = top.obs_sbuf_wr_valid_o;
  out.sbuf_wr_part = top.obs_sbuf_wr_part_o;
  out.sbuf_wr_addr = top.obs_sbuf_wr_addr_o;
  GetBytes(top.obs_sbuf_wr_data_o, out.sbuf_wr_data.data(), int(cfg.sbuf_word_bytes));
  out.sbuf_wr_strb = top.obs_sbuf_wr_strb_o;
  // obs_psum_o: 64 bits per partition, i.e. 32-bit words 2m (value) and
  // 2m + 1 (entry [8:0], bank [11:9], acc [12], valid [13]).
  out.psum.resize(cfg.partitions);
  for (uint32_t m = 0; m < cfg.partitions; ++m) {
    const uint32_t value = uint32_t(GetField(top.obs_psum_o, int(64 * m), 32));
    const uint32_t meta = uint32_t(GetField(top.obs_psum_o, int(64 * m + 32), 32));
    PsumObs& o = out.psum[m];
    o.valid = (meta >> 13) & 1;
    o.acc = (meta >> 12) & 1;
    o.bank = (meta >> 9) & 0x7;
    o.entry = meta & 0x1ff;
    o.value = value;
  }
  out.dma_rd_valid = top.obs_dma_rd_valid_o;
  out.dma_rd_part = top.obs_dma_rd_part_o;
  out.dma_rd_addr = top.obs_dma_rd_addr_o;
}

}  // namespace loom
