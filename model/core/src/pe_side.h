// The tensor engine's half of a cycle-stepped run, shared by predict() and
// the whole-core model (core_model.cpp): functional execution, the timing
// core and the transactions of every command. Internal to the model library.
#pragma once

#include <algorithm>
#include <cstdint>

#include "loom/dma_run.h"
#include "loom/functional.h"
#include "loom/prediction.h"
#include "loom/timing.h"
#include "loom/txn.h"

namespace loom {

inline Txn make_txn(uint64_t cycle, Channel ch, uint32_t tag = 0) {
  Txn t;
  t.cycle = cycle;
  t.channel = ch;
  t.tag = tag;
  return t;
}

// The tensor-engine half: functional execution, timing, transactions. With
// descriptors, `checks` makes the run's checks on the commands' SBUF reads.
class PeSide {
 public:
  // record = false: no transactions in pred.txns, only the cycle of the
  // last one they would have had (last_txn_cycle()).
  PeSide(const Config& cfg, FunctionalCore& core, Prediction& pred, bool record = true)
      : p_(cfg.partitions), record_(record), core_(core), tc_(cfg), pred_(pred) {}

  // Command i offered from cycle `avail`: executes it, emits its events.
  const OpTiming& push(size_t i, const PeCmd& cmd, uint64_t avail, DmaRunChecks* checks) {
    const uint32_t tag = uint32_t(i & 0xffff);
    const uint32_t rows = cmd.op == PeOp::kLdw ? cmd.rows : core_.weights().current_bank().k;
    if (checks) checks->check_command_reads(i, cmd, rows, avail);
    const OpTiming& t = tc_.push(cmd, avail);
    pred_.issue_cycle.push_back(t.issue);
    pred_.retire_cycle.push_back(t.retire);
    if (checks) checks->add_command_reads(i, cmd, rows, avail, t.retire);
    if (!record_) {
      execute_quiet(cmd, t);
      return t;
    }
    auto& txns = pred_.txns;
    txns.push_back(make_txn(t.accept, Channel::kCmdAccept, tag));
    Txn issue = make_txn(t.issue, Channel::kIssue, tag);
    issue.data = uint64_t(cmd.op);
    txns.push_back(issue);
    // Commands execute in issue order (= accept order); docs/timing.md shows
    // that the hardware's PSUM pre-reads and writes of consecutive MMs are
    // ordered the same way, so sequential execution is exact.
    if (cmd.op == PeOp::kLdw) {
      core_.ldw(cmd);
      txns.push_back(make_txn(t.retire, Channel::kLdwRetire, tag));
    } else {
      const WeightBanks::Bank& w = core_.weights().current_bank();
      pred_.macs += uint64_t(w.k) * w.m * cmd.cols;
      core_.mm_each(cmd, [&](uint32_t m, uint32_t f, int32_t value) {
        Txn pw = make_txn(timing::psum_write(p_, t.issue, f, m), Channel::kPsumWrite);
        pw.part = m;
        pw.bank = cmd.psum_bank;
        pw.addr = cmd.psum_off + f;
        pw.data = uint32_t(value);
        pw.strb = cmd.acc ? 1 : 0;
        txns.push_back(pw);
      });
      txns.push_back(make_txn(t.retire, Channel::kMmRetire, tag));
    }
    return t;
  }

  const TimingCore& timing() const { return tc_; }
  // Without recording: the largest cycle of the transactions push() would
  // have recorded (0 if none).
  uint64_t last_txn_cycle() const { return last_; }

 private:
  // push() without transactions: the same execution, the same MACs, the
  // last cycle of its transactions (accept, issue, retire, and the PSUM
  // writes' cycles one by one, as the transactions would have them; with
  // M <= P none is after the retire, but nothing here relies on it).
  void execute_quiet(const PeCmd& cmd, const OpTiming& t) {
    last_ = std::max({last_, t.accept, t.issue, t.retire});
    if (cmd.op == PeOp::kLdw) {
      core_.ldw(cmd);
      return;
    }
    const WeightBanks::Bank& w = core_.weights().current_bank();
    pred_.macs += uint64_t(w.k) * w.m * cmd.cols;
    uint64_t last = last_;
    core_.mm_each(cmd, [&](uint32_t m, uint32_t f, int32_t) {
      last = std::max(last, timing::psum_write(p_, t.issue, f, m));
    });
    last_ = last;
  }

  uint32_t p_;
  bool record_;
  uint64_t last_ = 0;
  FunctionalCore& core_;
  TimingCore tc_;
  Prediction& pred_;
};

}  // namespace loom
