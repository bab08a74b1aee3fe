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
};

}  // namespace loom
