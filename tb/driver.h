// Driver: plays a Stimulus on the RTL pins with the schedule of stimulus.h.
// Dependencies (after_dma / after_cmd) are resolved from what the RTL does:
// the transactions the monitor saw, handed to settle().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "loom/stimulus.h"
#include "loom/txn.h"
#include "rtl_dut.h"

namespace loom {

class Driver {
 public:
  explicit Driver(const Stimulus& stim);
  // The pins for `cycle`: a preload write, a command offer, descriptor
  // offers, the DRAM window; in.axi is the DRAM's (the caller's).
  RtlInputs inputs(uint64_t cycle) const;
  // Stimulus index of the descriptor queue q offers (valid when in.dma_desc_valid[q]).
  uint32_t offered_desc(int q) const;
  // Bookkeeping after the outputs of `cycle` were sampled and monitored.
  void settle(uint64_t cycle, const RtlInputs& in, const RtlOutputs& out,
              const std::vector<Txn>& observed);
  // Everything played: the preload, every command accepted, every
  // descriptor accepted or behind a queue the RTL halted.
  bool done() const;

 private:
  uint64_t cmd_avail() const;       // UINT64_MAX while a dependency is pending
  uint64_t desc_avail(int q) const;

  const Stimulus& stim_;
  size_t next_write_ = 0;
  size_t next_cmd_ = 0;
  uint64_t cmd_base_ = 0;                 // previous accept + 1 (preload size at first)
  std::array<std::vector<size_t>, 2> queue_;  // descriptor indices per queue
  std::array<size_t, 2> next_desc_{};
  std::array<uint64_t, 2> desc_base_{};
  std::array<bool, 2> halted_{};
  std::vector<uint64_t> retired_;         // per command: retire cycle, UINT64_MAX until seen
  std::vector<uint64_t> completed_;       // per descriptor: completion cycle
  std::vector<std::vector<size_t>> by_tag_;  // command indices per 16-bit tag, accepted, not retired
};

}  // namespace loom
