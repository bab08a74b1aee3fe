#include "loom/txn.h"

namespace loom {

void append_sbuf_write(std::vector<Txn>& out, uint64_t cycle, uint32_t part, uint32_t addr,
                       const uint8_t* data, uint32_t word_bytes, uint64_t strb, Channel channel) {
  for (uint32_t s = 0; s * 8 < word_bytes; ++s) {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = channel;
    t.part = part;
    t.addr = addr + 8 * s;
    for (uint32_t i = 0; i < 8 && 8 * s + i < word_bytes; ++i) {
      t.data |= uint64_t(data[8 * s + i]) << (8 * i);
      t.strb |= ((strb >> (8 * s + i)) & 1) << i;
    }
  }
}

}  // namespace loom
