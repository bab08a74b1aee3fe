// Monitor: turns the pins of one cycle into transactions. It only observes:
// a command acceptance is a valid && ready handshake, every other channel is
// an event on the observation port (docs/tensor_top.md).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "loom/dma_txns.h"
#include "loom/txn.h"
#include "rtl_dut.h"

namespace loom {

// The tensor subsystem's observation events of one cycle (issue, retires,
// SBUF writes of the DMA / preload port, PSUM records): the part of the
// port the whole core shows too (CoreMonitor).
void observe_tensor_events(uint64_t cycle, const RtlOutputs& o, uint32_t word_bytes,
                           std::vector<Txn>& out);

class Monitor {
 public:
  // The AXI data width and the SBUF word in bytes.
  Monitor(uint32_t bus_bytes, uint32_t word_bytes) : word_bytes_(word_bytes), dma_(bus_bytes) {}
  // Appends this cycle's transactions to `out`. desc_index[q]: the stimulus
  // index of the descriptor queue q offers this cycle (the driver knows).
  void observe(uint64_t cycle, const RtlInputs& in, const RtlOutputs& o,
               const std::array<uint32_t, 2>& desc_index, std::vector<Txn>& out);
  uint64_t accepted() const { return accepted_; }

 private:
  uint64_t accepted_ = 0;
  uint32_t word_bytes_;
  DmaTxnBuilder dma_;
};

}  // namespace loom
