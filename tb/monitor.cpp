#include "monitor.h"

namespace loom {

void observe_tensor_events(uint64_t cycle, const RtlOutputs& o, uint32_t word_bytes,
                           std::vector<Txn>& out) {
  auto event = [&](Channel ch) -> Txn& {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = ch;
    return t;
  };
  if (o.issue_valid) {
    Txn& t = event(Channel::kIssue);
    t.tag = o.issue_tag;
    t.data = o.issue_op;
  }
  if (o.ldw_retire_valid) event(Channel::kLdwRetire).tag = o.ldw_retire_tag;
  if (o.mm_retire_valid) event(Channel::kMmRetire).tag = o.mm_retire_tag;
  if (o.sbuf_wr_valid) {
    append_sbuf_write(out, cycle, o.sbuf_wr_part, o.sbuf_wr_addr, o.sbuf_wr_data.data(), word_bytes,
                      o.sbuf_wr_strb);
  }
  for (uint32_t m = 0; m < o.psum.size(); ++m) {
    const PsumObs& p = o.psum[m];
    if (!p.valid) continue;
    Txn& t = event(Channel::kPsumWrite);
    t.part = m;
    t.bank = p.bank;
    t.addr = p.entry;
    t.data = p.value;
    t.strb = p.acc ? 1 : 0;
  }
}

void Monitor::observe(uint64_t cycle, const RtlInputs& in, const RtlOutputs& o,
                      const std::array<uint32_t, 2>& desc_index, std::vector<Txn>& out) {
  auto event = [&](Channel ch) -> Txn& {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = ch;
    return t;
  };
  if (in.cmd_valid && o.cmd_ready) {
    event(Channel::kCmdAccept).tag = uint32_t(accepted_ & 0xffff);
    ++accepted_;
  }
  observe_tensor_events(cycle, o, word_bytes_, out);
  DmaPins pins;
  for (int q = 0; q < 2; ++q) {
    pins.desc_valid[q] = in.dma_desc_valid[q];
    pins.desc_ready[q] = o.dma_desc_ready[q];
    pins.desc_index[q] = desc_index[q];
    pins.cpl_valid[q] = o.dma_cpl_valid[q];
    pins.cpl_code[q] = o.dma_cpl_err[q];
  }
  pins.sbuf_rd_req = o.dma_rd_valid;
  pins.sbuf_rd_part = o.dma_rd_part;
  pins.sbuf_rd_addr = o.dma_rd_addr;
  pins.m = o.axi;
  pins.s = in.axi;
  dma_.observe(cycle, pins, out);
}

}  // namespace loom
