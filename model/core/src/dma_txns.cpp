#include "loom/dma_txns.h"

#include <fmt/format.h>

#include <stdexcept>

namespace loom {

void DmaTxnBuilder::observe(uint64_t cycle, const DmaPins& p, std::vector<Txn>& out) {
  auto event = [&](Channel ch) -> Txn& {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = ch;
    return t;
  };
  for (int q = 0; q < 2; ++q) {
    if (p.cpl_valid[q]) {
      if (in_flight_[q].empty())
        throw std::logic_error(fmt::format("cycle {}: DMA completion on queue {} with no descriptor", cycle, q));
      Txn& t = event(Channel::kDmaComplete);
      t.part = uint32_t(q);
      t.tag = in_flight_[q].front();
      t.data = p.cpl_code[q];
      in_flight_[q].pop_front();
    }
  }
  for (int q = 0; q < 2; ++q) {
    if (p.desc_valid[q] && p.desc_ready[q]) {
      Txn& t = event(Channel::kDmaAccept);
      t.part = uint32_t(q);
      t.tag = p.desc_index[q];
      in_flight_[q].push_back(p.desc_index[q]);
    }
  }
  if (p.sbuf_rd_req) {
    Txn& t = event(Channel::kDmaSbufRead);
    t.part = p.sbuf_rd_part;
    t.addr = p.sbuf_rd_addr;
  }
  if (p.m.ar_valid && p.s.ar_ready) {
    Txn& t = event(Channel::kDramRead);
    t.addr = uint32_t(p.m.ar_addr);
    t.data = p.m.ar_len;
  }
  if (p.m.aw_valid && p.s.aw_ready) {
    Txn& t = event(Channel::kDramWriteReq);
    t.addr = uint32_t(p.m.aw_addr);
    t.data = p.m.aw_len;
    w_bursts_.push_back({p.m.aw_addr - p.m.aw_addr % bus_bytes_, p.m.aw_len + 1});
  }
  if (p.m.w_valid && p.s.w_ready) {
    // The W beat of an AW handshaking in the same cycle belongs to it: the
    // DMA never sends a beat before its AW (asserted in the RTL).
    if (w_bursts_.empty())
      throw std::logic_error(fmt::format("cycle {}: W beat without an AW", cycle));
    WBurst& b = w_bursts_.front();
    const uint64_t beat_addr = b.addr + uint64_t(w_beat_) * bus_bytes_;
    for (uint32_t s = 0; s * 8 < bus_bytes_; ++s) {
      const uint64_t strb = (p.m.w_strb >> (8 * s)) & 0xff;
      if (!strb) continue;
      uint64_t data = 0;
      for (uint32_t i = 0; i < 8 && 8 * s + i < bus_bytes_; ++i)
        data |= uint64_t(p.m.w_data[8 * s + i]) << (8 * i);
      Txn& t = event(Channel::kDramWrite);
      t.addr = uint32_t(beat_addr + 8 * s);
      t.data = data;
      t.strb = strb;
      t.tag = p.m.w_last ? 1 : 0;
    }
    if (++w_beat_ == b.beats_left) {
      w_bursts_.pop_front();
      w_beat_ = 0;
    }
  }
}

}  // namespace loom
