#include "producer.h"

#include "loom/timing.h"

namespace loom {

namespace {
bool is_dma_channel(Channel c) {
  return c == Channel::kDmaAccept || c == Channel::kDmaComplete || c == Channel::kDmaSbufRead ||
         c == Channel::kDramRead || c == Channel::kDramWriteReq || c == Channel::kDramWrite;
}
}  // namespace

std::optional<size_t> producing_descriptor(const Stimulus& stim, const Prediction& pred,
                                           const Txn& t) {
  if (t.channel == Channel::kDmaAccept || t.channel == Channel::kDmaComplete)
    return t.tag < stim.dmas.size() ? std::optional<size_t>(t.tag) : std::nullopt;
  if (!is_dma_channel(t.channel) && t.channel != Channel::kSbufWrite) return std::nullopt;
  if (t.channel == Channel::kSbufWrite && t.cycle < stim.preload.size()) return std::nullopt;
  // Dispatched after its accept, done at its completion; one at a time, so
  // the latest accepted descriptor not completed before the cycle ran it.
  std::optional<size_t> best;
  for (size_t j = 0; j < pred.dma_accept.size(); ++j) {
    if (pred.dma_accept[j] == UINT64_MAX || pred.dma_accept[j] >= t.cycle) continue;
    if (pred.dma_complete[j] < t.cycle) continue;
    if (!best || pred.dma_complete[j] < pred.dma_complete[*best]) best = j;
  }
  return best;
}

std::optional<size_t> producing_command(const Config& cfg, const Stimulus& stim,
                                        const Prediction& pred, const Txn& t) {
  if (t.channel == Channel::kSbufWrite || is_dma_channel(t.channel)) return std::nullopt;
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
