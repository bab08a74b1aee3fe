// Accept and issue rules of docs/timing.md, one command at a time.
#include "loom/timing.h"

#include <algorithm>
#include <stdexcept>

namespace loom {

TimingCore::TimingCore(const Config& cfg) : p_(cfg.partitions), d_(cfg.cmd_depth) {
  if (d_ == 0) throw std::invalid_argument("TimingCore: cmd_depth must be at least 1");
}

uint64_t TimingCore::earliest_accept() const {
  const size_t i = ops_.size();
  uint64_t a = 0;
  if (i > 0) a = ops_[i - 1].accept + 1;                 // one accept per cycle
  if (i >= d_) a = std::max(a, ops_[i - d_].issue + 1);  // queue full until s_{i-D} frees a slot
  return a;
}

const OpTiming& TimingCore::push(const PeCmd& cmd, uint64_t avail) {
  OpTiming t;
  t.op = cmd.op;
  t.avail = avail;
  t.accept = std::max(avail, earliest_accept());

  uint64_t s = t.accept + 1;                                  // one cycle through the queue
  if (!ops_.empty()) s = std::max(s, ops_.back().issue + 1);  // in order, one per cycle
  if (cmd.op == PeOp::kLdw) {
    const uint32_t b = uint32_t(ldw_count_ % 2);
    if (have_ldw_) s = std::max(s, prev_ldw_issue_ + p_);  // stationary port busy P cycles
    const LastMm& last = last_mm_of_bank_[b];
    // The last MM on bank b has streamed past every PE of the bank. F >= 1,
    // so s_lastMM + F - 1 >= s_lastMM and the subtraction cannot underflow.
    if (last.valid) s = std::max(s, last.issue + last.free - 1);
    t.bank = b;
    t.retire = timing::ldw_retire(p_, s);
    have_ldw_ = true;
    prev_ldw_issue_ = s;
    ++ldw_count_;
    cur_bank_ = b;
  } else if (cmd.op == PeOp::kMm) {
    if (cmd.cols == 0) throw std::invalid_argument("TimingCore: MM with F = 0");
    if (prev_mm_.valid) s = std::max(s, prev_mm_.issue + prev_mm_.free);  // moving port busy F
    t.bank = cur_bank_;
    t.free = cmd.cols;
    t.retire = timing::mm_retire(p_, s, cmd.cols);
    prev_mm_ = {true, s, cmd.cols};
    last_mm_of_bank_[cur_bank_] = prev_mm_;
  } else {
    throw std::invalid_argument("TimingCore: unknown op " + cmd.to_string());
  }
  t.issue = s;
  ops_.push_back(t);
  return ops_.back();
}

}  // namespace loom
