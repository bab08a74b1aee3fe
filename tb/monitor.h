// Monitor: turns the pins of one cycle into transactions. It only observes:
// a command acceptance is a valid && ready handshake, every other channel is
// an event on the observation port (docs/tensor_top.md).
#pragma once

#include <cstdint>
#include <vector>

#include "loom/txn.h"
#include "rtl_dut.h"

namespace loom {

class Monitor {
 public:
  // Appends this cycle's transactions to `out`, in the canonical order of
  // Txn::operator< (channel, then partition).
  void observe(uint64_t cycle, const RtlInputs& in, const RtlOutputs& o, std::vector<Txn>& out);
  uint64_t accepted() const { return accepted_; }

 private:
  uint64_t accepted_ = 0;
};

}  // namespace loom
