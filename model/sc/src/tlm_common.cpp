#include "loom/sc/tlm_common.h"

#include <fmt/format.h>

#include <stdexcept>

namespace loom::sc {

sc_core::sc_time delay_until(uint64_t c) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (c < to_cycle(now)) {
    throw std::logic_error(
        fmt::format("loom TLM: event for cycle {} scheduled at cycle {}", c, to_cycle(now)));
  }
  return cycles(c) > now ? cycles(c) - now : sc_core::SC_ZERO_TIME;
}

}  // namespace loom::sc
