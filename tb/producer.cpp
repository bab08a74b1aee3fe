#include "producer.h"

#include "loom/timing.h"

namespace loom {

std::optional<size_t> producing_command(const Config& cfg, const Stimulus& stim,
                                        const Prediction& pred, const Txn& t) {
  if (t.channel == Channel::kSbufWrite) return std::nullopt;
  if (t.channel != Channel::kPsumWrite) {
    // Tags count accepted commands mod 2^16; runs here stay below that.
    return t.tag < stim.cmds.size() ? std::optional<size_t>(t.tag) : std::nullopt;
  }
  for (size_t i = 0; i < stim.cmds.size() && i < pred.issue_cycle.size(); ++i) {
    const PeCmd& c = stim.cmds[i].cmd;
    if (c.op != PeOp::kMm || c.psum_bank != t.bank) continue;
    const int64_t first = int64_t(timing::psum_write(cfg.partitions, pred.issue_cycle[i], 0, t.part));
    const int64_t f = int64_t(t.cycle) - first;
    if (f >= 0 && f < int64_t(c.cols) && c.psum_off + f == t.addr) return i;
  }
  return std::nullopt;
}

}  // namespace loom
