// What the golden model predicts for one stimulus.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/mem_image.h"
#include "loom/txn.h"

namespace loom {

struct Prediction {
  std::vector<Txn> txns;     // every observable event, sorted by Txn::operator<
  MemImage final_state;      // SBUF and PSUM after the last operation retired
  uint64_t end_cycle = 0;    // cycle of the last event
  uint64_t macs = 0;         // sum of K * M * F over MM operations
  std::vector<uint64_t> issue_cycle;  // per command index
  std::vector<uint64_t> retire_cycle; // per command index
  // DMA: per descriptor (index in Stimulus::dmas) its accept and completion
  // cycle and code; UINT64_MAX for a descriptor that never ran (its queue
  // halted before it).
  std::vector<uint64_t> dma_accept, dma_complete;
  std::vector<uint32_t> dma_code;
  uint64_t dma_bytes = 0;             // bytes moved by completed descriptors
  std::vector<uint8_t> final_dram;    // the DRAM window [base, limit) at the end
};

}  // namespace loom
