#include "driver.h"

#include <algorithm>

namespace loom {
Driver::Driver(const Stimulus& stim)
    : stim_(stim),
      cmd_base_(stim.preload.size()),
      retired_(stim.cmds.size(), kOfferUnknown),
      completed_(stim.dmas.size(), kOfferUnknown),
      by_tag_(1 << 16) {
  for (size_t j = 0; j < stim.dmas.size(); ++j) queue_[stim.dmas[j].queue & 1].push_back(j);
  desc_base_ = {stim.preload.size(), stim.preload.size()};
}

uint64_t Driver::cmd_avail() const {
  const TimedCmd& c = stim_.cmds[next_cmd_];
  return first_offer(cmd_base_, c.after_dma, completed_, c.gap);
}

uint64_t Driver::desc_avail(int q) const {
  const TimedDesc& d = stim_.dmas[queue_[q][next_desc_[q]]];
  return first_offer(desc_base_[q], d.after_cmd, retired_, d.gap);
}

uint32_t Driver::offered_desc(int q) const {
  return next_desc_[q] < queue_[q].size() ? uint32_t(queue_[q][next_desc_[q]]) : 0;
}

RtlInputs Driver::inputs(uint64_t cycle) const {
  RtlInputs in;
  if (next_write_ < stim_.preload.size() && cycle == next_write_) {
    const SbufWrite& w = stim_.preload[next_write_];
    in.sbuf_wr_valid = true;
    in.sbuf_wr_part = w.part;
    in.sbuf_wr_addr = w.addr;
    std::copy(w.data.begin(), w.data.end(), in.sbuf_wr_data.begin());
    in.sbuf_wr_strb = w.strb;
  }
  if (next_cmd_ < stim_.cmds.size()) {
    const uint64_t a = cmd_avail();
    if (a != kOfferUnknown && cycle >= a) {
      in.cmd_valid = true;
      in.cmd = stim_.cmds[next_cmd_].cmd.pack();
    }
  }
  for (int q = 0; q < 2; ++q) {
    if (next_desc_[q] >= queue_[q].size()) continue;
    const uint64_t a = desc_avail(q);
    if (a != kOfferUnknown && cycle >= a) {
      in.dma_desc_valid[q] = true;
      in.dma_desc[q] = stim_.dmas[queue_[q][next_desc_[q]]].desc.pack();
    }
  }
  in.dram_base = stim_.dram.window_base;
  in.dram_limit = stim_.dram.window_limit;
  return in;
}

void Driver::settle(uint64_t cycle, const RtlInputs& in, const RtlOutputs& out,
                    const std::vector<Txn>& observed) {
  if (in.sbuf_wr_valid) ++next_write_;
  if (in.cmd_valid && out.cmd_ready) {
    by_tag_[next_cmd_ & 0xffff].push_back(next_cmd_);
    ++next_cmd_;
    cmd_base_ = cycle + 1;
  }
  for (int q = 0; q < 2; ++q) {
    if (in.dma_desc_valid[q] && out.dma_desc_ready[q]) {
      ++next_desc_[q];
      desc_base_[q] = cycle + 1;
    }
    halted_[q] = out.dma_halted[q];
  }
  for (const Txn& t : observed) {
    if (t.channel == Channel::kLdwRetire || t.channel == Channel::kMmRetire) {
      std::vector<size_t>& v = by_tag_[t.tag & 0xffff];
      if (!v.empty()) {
        retired_[v.front()] = cycle;
        v.erase(v.begin());
      }
    } else if (t.channel == Channel::kDmaComplete && t.tag < completed_.size()) {
      completed_[t.tag] = cycle;
    }
  }
}

bool Driver::done() const {
  if (next_write_ < stim_.preload.size() || next_cmd_ < stim_.cmds.size()) return false;
  for (int q = 0; q < 2; ++q)
    if (next_desc_[q] < queue_[q].size() && !halted_[q]) return false;
  return true;
}

}  // namespace loom
