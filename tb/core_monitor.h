// CoreMonitor: the whole core's pins of one cycle -> transactions (the
// channels of loom/txn.h, docs/core.md "Observation port"). It only
// observes. A tensor-engine command's acceptance and a descriptor's are the
// sequencer's issue from the PE / DMA queue (a SYNC at a queue head pops
// it too, so the program tells them apart); everything else is an event of
// the observation port or an AXI handshake on the DMA's port.
#pragma once

#include <cstdint>
#include <vector>

#include "core_dut.h"
#include "loom/dma_txns.h"
#include "loom/txn.h"

namespace loom {

class CoreMonitor {
 public:
  // sync[i]: instruction i of the program is a SYNC.
  CoreMonitor(const Config& cfg, std::vector<bool> sync)
      : cfg_(cfg), sync_(std::move(sync)), dma_(cfg.axi_data_bytes) {}
  // Appends the transactions of `cycle` (counted from the START cycle).
  void observe(uint64_t cycle, const CoreInputs& in, const CoreOutputs& o, std::vector<Txn>& out);

 private:
  bool is_sync(uint32_t index) const { return index < sync_.size() && sync_[index]; }
  const Config& cfg_;
  std::vector<bool> sync_;
  DmaTxnBuilder dma_;
  uint64_t pe_accepted_ = 0;
  bool first_ = true;
  uint32_t status_ = 0;
};

}  // namespace loom
