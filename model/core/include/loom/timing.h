// The timing core: accept and issue cycles of every tensor-engine command and
// the cycle of every event, exactly as docs/timing.md states them.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/configs.h"
#include "loom/pe_cmd.h"

namespace loom {

// Event cycles of one operation (docs/timing.md "Events of an operation").
namespace timing {
// Weight W[k][m] is written into PE (k, m) at the end of this cycle.
inline uint64_t weight_write(uint64_t s, uint32_t k, uint32_t m) { return s + 1 + k + m; }
inline uint64_t ldw_retire(uint32_t p, uint64_t s) { return s + 2 * uint64_t(p) - 1; }
// SBUF moving read of row k, element f.
inline uint64_t mm_sbuf_read(uint64_t s, uint32_t f, uint32_t k) { return s + f + k; }
// PSUM accumulate pre-read of partition m, entry off + f.
inline uint64_t psum_preread(uint32_t p, uint64_t s, uint32_t f, uint32_t m) {
  return s + p + f + m;
}
// PSUM write of partition m, entry off + f.
inline uint64_t psum_write(uint32_t p, uint64_t s, uint32_t f, uint32_t m) {
  return s + p + 1 + f + m;
}
inline uint64_t mm_retire(uint32_t p, uint64_t s, uint32_t f) {
  return s + 2 * uint64_t(p) + f - 1;
}
}  // namespace timing

// When one command was offered, accepted, issued and retired.
struct OpTiming {
  PeOp op = PeOp::kLdw;
  uint64_t avail = 0;   // first cycle the driver raised valid
  uint64_t accept = 0;  // a_i
  uint64_t issue = 0;   // s_i
  uint64_t retire = 0;  // LDW: s + 2P - 1; MM: s + 2P + F - 1
  uint32_t bank = 0;    // weight bank written (LDW) or used (MM)
  uint32_t free = 0;    // MM: F; LDW: 0
};

// Incremental scheduler. Commands are pushed in accept order with the cycle
// they are first offered; since issue is in order and depends only on earlier
// commands, each command's issue cycle is known when it is accepted.
class TimingCore {
 public:
  explicit TimingCore(const Config& cfg);

  // Schedules the next command (index ops().size()), offered from cycle
  // `avail` on: a_i = max(avail, a_{i-1} + 1, s_{i-D} + 1), then s_i by the
  // issue rules. Returns its timing (also appended to ops()).
  const OpTiming& push(const PeCmd& cmd, uint64_t avail);

  // First cycle the queue can accept the next command (ignoring avail).
  uint64_t earliest_accept() const;

  const std::vector<OpTiming>& ops() const { return ops_; }
  uint32_t partitions() const { return p_; }
  uint32_t depth() const { return d_; }

 private:
  struct LastMm {
    bool valid = false;
    uint64_t issue = 0;
    uint32_t free = 0;
  };
  uint32_t p_;
  uint32_t d_;
  std::vector<OpTiming> ops_;
  bool have_ldw_ = false;
  uint64_t prev_ldw_issue_ = 0;
  LastMm prev_mm_;
  LastMm last_mm_of_bank_[2];
  uint64_t ldw_count_ = 0;
  uint32_t cur_bank_ = 0;
};

}  // namespace loom
