// Scoreboard: compares the monitored transactions of every cycle with the
// golden model's prediction: payload exact, cycle exact, nothing missing,
// nothing extra. Transactions are matched in order per stream, a stream being
// a channel and a partition (PSUM partitions write in parallel); with every
// cycle exact, the order across streams is exact too. It stops at the first
// mismatch.
#pragma once

#include <array>
#include <map>
#include <utility>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "loom/txn.h"

namespace loom {

struct Mismatch {
  enum class Kind { kData, kCycle, kMissing, kExtra, kLeftOver };
  Kind kind = Kind::kData;
  Channel channel = Channel::kCmdAccept;
  uint64_t cycle = 0;              // the cycle the scoreboard noticed it
  std::optional<Txn> expected;
  std::optional<Txn> actual;
  // For kMissing: the same payload turned up this many cycles late (filled
  // in by the caller while it keeps simulating a few more cycles).
  std::optional<uint64_t> late_by;

  std::string kind_name() const;
  std::string summary() const;  // one line
};

class Scoreboard {
 public:
  explicit Scoreboard(const std::vector<Txn>& expected);

  // Checks the actual transactions of `cycle` (in monitor order), then that
  // nothing expected at or before `cycle` is still outstanding. Returns false
  // at the first mismatch, which mismatch() then describes.
  bool check_cycle(uint64_t cycle, const std::vector<Txn>& actual);
  // At the end: every queue must be empty.
  bool check_end(uint64_t cycle);

  const std::optional<Mismatch>& mismatch() const { return mismatch_; }
  std::optional<Mismatch>& mismatch() { return mismatch_; }
  uint64_t compared() const { return compared_; }
  uint64_t compared(Channel c) const { return per_channel_[size_t(c)]; }
  size_t outstanding() const;

 private:
  bool fail(Mismatch m);
  using StreamKey = std::pair<Channel, uint32_t>;  // channel, partition
  static StreamKey key(const Txn& t) { return {t.channel, t.part}; }
  std::map<StreamKey, std::deque<Txn>> queues_;
  std::array<uint64_t, kNumChannels> per_channel_{};
  uint64_t compared_ = 0;
  std::optional<Mismatch> mismatch_;
};

}  // namespace loom
