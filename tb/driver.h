// Driver: plays a Stimulus on the RTL pins with the schedule of stimulus.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "loom/stimulus.h"
#include "rtl_dut.h"

namespace loom {

class Driver {
 public:
  explicit Driver(const Stimulus& stim);
  // The pins for `cycle`: a preload write, a command offer, or idle.
  RtlInputs inputs(uint64_t cycle) const;
  // Bookkeeping after the outputs of `cycle` were sampled.
  void settle(uint64_t cycle, const RtlInputs& in, const RtlOutputs& out);
  bool done() const { return next_cmd_ >= stim_.cmds.size() && next_write_ >= stim_.preload.size(); }

 private:
  const Stimulus& stim_;
  size_t next_write_ = 0;
  size_t next_cmd_ = 0;
  uint64_t cmd_avail_ = 0;  // cycle the next command is first offered
};

// Little-endian packing of an SBUF word, as on the write port.
uint64_t pack_word(const std::vector<uint8_t>& bytes);

}  // namespace loom
