#include "loom/sc/tlm_common.h"

#include <fmt/format.h>

#include <stdexcept>

namespace loom::sc {

sc_core::sc_time delay_until(uint64_t c) {
  const uint64_t now = to_cycle(sc_core::sc_time_stamp());
  if (c < now) {
    throw std::logic_error(
        fmt::format("loom TLM: event for cycle {} scheduled at cycle {}", c, now));
  }
  return cycles(c - now);
}

}  // namespace loom::sc
