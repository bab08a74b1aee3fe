#include "driver.h"

namespace loom {

uint64_t pack_word(const std::vector<uint8_t>& bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) v |= uint64_t(bytes[i]) << (8 * i);
  return v;
}

Driver::Driver(const Stimulus& stim) : stim_(stim) {
  if (!stim.cmds.empty()) cmd_avail_ = stim.preload.size() + stim.cmds[0].gap;
}

RtlInputs Driver::inputs(uint64_t cycle) const {
  RtlInputs in;
  if (next_write_ < stim_.preload.size() && cycle == next_write_) {
    const SbufWrite& w = stim_.preload[next_write_];
    in.sbuf_wr_valid = true;
    in.sbuf_wr_part = w.part;
    in.sbuf_wr_addr = w.addr;
    in.sbuf_wr_data = pack_word(w.data);
    in.sbuf_wr_strb = w.strb;
  }
  if (next_cmd_ < stim_.cmds.size() && cycle >= cmd_avail_) {
    in.cmd_valid = true;
    in.cmd = stim_.cmds[next_cmd_].cmd.pack();
  }
  return in;
}

void Driver::settle(uint64_t cycle, const RtlInputs& in, const RtlOutputs& out) {
  if (in.sbuf_wr_valid) ++next_write_;
  if (in.cmd_valid && out.cmd_ready) {
    ++next_cmd_;
    if (next_cmd_ < stim_.cmds.size()) cmd_avail_ = cycle + 1 + stim_.cmds[next_cmd_].gap;
  }
}

}  // namespace loom
