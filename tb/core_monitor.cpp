#include "core_monitor.h"

#include "monitor.h"

namespace loom {

void CoreMonitor::observe(uint64_t cycle, const CoreInputs& in, const CoreOutputs& o,
                          std::vector<Txn>& out) {
  const CoreObs& b = o.obs;
  auto event = [&](Channel ch, uint32_t part = 0, uint32_t tag = 0) -> Txn& {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = ch;
    t.part = part;
    t.tag = tag;
    return t;
  };
  // The tensor engine's accepts (the model's kCmdAccept: tag = accept count).
  if (b.issue_valid[0] && !is_sync(b.issue_index[0])) {
    event(Channel::kCmdAccept, 0, uint32_t(pe_accepted_ & 0xffff));
    ++pe_accepted_;
  }
  observe_tensor_events(cycle, b.tensor, cfg_.sbuf_word_bytes, out);

  DmaPins pins;
  for (int q = 0; q < 2; ++q) {
    const bool accept = b.issue_valid[2 + q] && !is_sync(b.issue_index[2 + q]);
    pins.desc_valid[q] = pins.desc_ready[q] = accept;
    pins.desc_index[q] = b.issue_index[2 + q];
    pins.cpl_valid[q] = b.dma_cpl_valid[q];
    pins.cpl_code[q] = b.dma_cpl_err[q];
  }
  pins.sbuf_rd_req = b.tensor.dma_rd_valid;
  pins.sbuf_rd_part = b.tensor.dma_rd_part;
  pins.sbuf_rd_addr = b.tensor.dma_rd_addr;
  pins.m = o.dram;
  pins.s = in.dram;
  dma_.observe(cycle, pins, out);

  if (b.act_issue_valid) event(Channel::kActIssue, 0, b.act_issue_tag);
  for (uint32_t k = 0; k < b.act_wr_valid.size(); ++k)
    if (b.act_wr_valid[k])
      append_sbuf_write(out, cycle, k, b.act_wr_addr, b.act_wr_data[k].data(),
                        cfg_.sbuf_word_bytes, b.act_wr_strb, Channel::kActWrite);
  if (b.act_done) event(Channel::kActDone);

  if (b.dispatch_valid) event(Channel::kSeqDispatch, b.dispatch_queue, b.dispatch_index);
  for (uint32_t e = 0; e < 4; ++e)
    if (b.issue_valid[e]) event(Channel::kSeqIssue, e, b.issue_index[e]);
  for (uint32_t x = 0; x < b.sem_value.size() && x < 32; ++x)
    if ((b.sem_valid >> x) & 1) event(Channel::kSemUpdate, x).data = b.sem_value[x];
  const uint32_t st = uint32_t(o.busy) | uint32_t(o.done) << 1 | uint32_t(o.error) << 2;
  if (first_ || st != status_) event(Channel::kStatus).data = st;
  first_ = false;
  status_ = st;
}

}  // namespace loom
