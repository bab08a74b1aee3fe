// predict(): the full expected transaction stream of a run.
#include <algorithm>
#include <stdexcept>

#include "loom/functional.h"
#include "loom/model.h"

namespace loom {
namespace {

void check(const Config& cfg, const Stimulus& stim) {
  if (std::string e = validate(cfg, stim); !e.empty()) throw std::invalid_argument(e);
}

Txn make_txn(uint64_t cycle, Channel ch, uint32_t tag = 0) {
  Txn t;
  t.cycle = cycle;
  t.channel = ch;
  t.tag = tag;
  return t;
}

}  // namespace

Schedule schedule(const Config& cfg, const Stimulus& stim) {
  check(cfg, stim);
  TimingCore tc(cfg);
  Schedule out;
  uint64_t next = stim.preload.size();  // command 0 is offered after the preload
  if (!stim.preload.empty()) out.end_cycle = stim.preload.size() - 1;
  for (const TimedCmd& tcmd : stim.cmds) {
    const OpTiming& t = tc.push(tcmd.cmd, next + tcmd.gap);
    next = t.accept + 1;
    out.end_cycle = std::max(out.end_cycle, t.retire);
  }
  out.ops = tc.ops();
  return out;
}

Prediction predict(const Config& cfg, const Stimulus& stim) {
  check(cfg, stim);
  const uint32_t p = cfg.partitions;
  FunctionalCore core(cfg);
  TimingCore tc(cfg);
  Prediction pred;
  std::vector<Txn>& txns = pred.txns;

  for (size_t j = 0; j < stim.preload.size(); ++j) {
    const SbufWrite& w = stim.preload[j];
    core.sbuf_write(w);
    Txn t = make_txn(j, Channel::kSbufWrite);
    t.part = w.part;
    t.addr = w.addr;
    t.data = pack_bytes_le(w.data);
    t.strb = w.strb;
    txns.push_back(t);
  }

  uint64_t next = stim.preload.size();
  for (size_t i = 0; i < stim.cmds.size(); ++i) {
    const PeCmd& cmd = stim.cmds[i].cmd;
    const uint32_t tag = uint32_t(i & 0xffff);
    const OpTiming t = tc.push(cmd, next + stim.cmds[i].gap);
    next = t.accept + 1;
    pred.issue_cycle.push_back(t.issue);

    txns.push_back(make_txn(t.accept, Channel::kCmdAccept, tag));
    Txn issue = make_txn(t.issue, Channel::kIssue, tag);
    issue.data = uint64_t(cmd.op);
    txns.push_back(issue);

    // Commands execute in issue order (= accept order); docs/timing.md shows
    // that the hardware's PSUM pre-reads and writes of consecutive MMs are
    // ordered the same way, so sequential execution is exact.
    if (cmd.op == PeOp::kLdw) {
      core.ldw(cmd);
      txns.push_back(make_txn(t.retire, Channel::kLdwRetire, tag));
    } else {
      const WeightBanks::Bank& w = core.weights().current_bank();
      pred.macs += uint64_t(w.k) * w.m * cmd.cols;
      core.mm(cmd, [&](uint32_t m, uint32_t f, int32_t value) {
        Txn pw = make_txn(timing::psum_write(p, t.issue, f, m), Channel::kPsumWrite);
        pw.part = m;
        pw.bank = cmd.psum_bank;
        pw.addr = cmd.psum_off + f;
        pw.data = uint32_t(value);
        pw.strb = cmd.acc ? 1 : 0;
        txns.push_back(pw);
      });
      txns.push_back(make_txn(t.retire, Channel::kMmRetire, tag));
    }
  }

  std::stable_sort(txns.begin(), txns.end());
  pred.end_cycle = txns.empty() ? 0 : txns.back().cycle;
  pred.final_state = core.image();
  return pred;
}

double utilization(const Config& cfg, uint64_t macs, uint64_t first_issue, uint64_t end_cycle) {
  if (end_cycle < first_issue) return 0.0;
  const double peak = double(cfg.partitions) * cfg.partitions * double(end_cycle + 1 - first_issue);
  return double(macs) / peak;
}

uint64_t compute_cycles(const Prediction& p) {
  if (p.issue_cycle.empty()) return 0;
  return p.end_cycle + 1 - p.issue_cycle.front();
}

double utilization(const Config& cfg, const Prediction& p) {
  if (p.issue_cycle.empty()) return 0.0;
  return utilization(cfg, p.macs, p.issue_cycle.front(), p.end_cycle);
}

}  // namespace loom
