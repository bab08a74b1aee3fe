#include "scoreboard.h"

#include <fmt/format.h>

namespace loom {

std::string Mismatch::kind_name() const {
  switch (kind) {
    case Kind::kData: return "data mismatch";
    case Kind::kCycle: return "wrong cycle";
    case Kind::kMissing: return "missing transaction";
    case Kind::kExtra: return "unexpected transaction";
    case Kind::kLeftOver: return "expected transactions never seen";
  }
  return "?";
}

std::string Mismatch::summary() const {
  std::string s = fmt::format("{} on {} at cycle {}", kind_name(), channel_name(channel), cycle);
  if (kind == Kind::kCycle && expected && actual) {
    const int64_t d = int64_t(actual->cycle) - int64_t(expected->cycle);
    s += fmt::format(" ({} cycle{} {})", d < 0 ? -d : d, (d == 1 || d == -1) ? "" : "s",
                     d < 0 ? "early" : "late");
  }
  if (late_by && kind != Kind::kCycle) s += fmt::format(" (it appeared {} cycles late)", *late_by);
  return s;
}

Scoreboard::Scoreboard(const std::vector<Txn>& expected) {
  for (const Txn& t : expected) queues_[key(t)].push_back(t);
}

size_t Scoreboard::outstanding() const {
  size_t n = 0;
  for (const auto& [k, q] : queues_) n += q.size();
  return n;
}

bool Scoreboard::fail(Mismatch m) {
  mismatch_ = std::move(m);
  return false;
}

bool Scoreboard::check_cycle(uint64_t cycle, const std::vector<Txn>& actual) {
  if (mismatch_) return false;
  for (const Txn& a : actual) {
    auto& q = queues_[key(a)];
    if (q.empty()) {
      return fail({Mismatch::Kind::kExtra, a.channel, cycle, std::nullopt, a, std::nullopt});
    }
    const Txn& e = q.front();
    if (!a.same_payload(e)) {
      // An event the model expected earlier than now is missing, not wrong.
      if (e.cycle < a.cycle) {
        return fail({Mismatch::Kind::kMissing, e.channel, cycle, e, a, std::nullopt});
      }
      return fail({Mismatch::Kind::kData, a.channel, cycle, e, a, std::nullopt});
    }
    if (a.cycle != e.cycle) {
      return fail({Mismatch::Kind::kCycle, a.channel, cycle, e, a, std::nullopt});
    }
    q.pop_front();
    ++compared_;
    ++per_channel_[size_t(a.channel)];
  }
  for (auto& [k, q] : queues_) {
    if (!q.empty() && q.front().cycle <= cycle) {
      return fail({Mismatch::Kind::kMissing, q.front().channel, cycle, q.front(), std::nullopt,
                   std::nullopt});
    }
  }
  return true;
}

bool Scoreboard::check_end(uint64_t cycle) {
  if (mismatch_) return false;
  for (auto& [k, q] : queues_) {
    if (!q.empty()) {
      return fail({Mismatch::Kind::kLeftOver, q.front().channel, cycle, q.front(), std::nullopt,
                   std::nullopt});
    }
  }
  return true;
}

}  // namespace loom
