// Memory profiles of loom-regress (`--profile`, docs/verification.md
// "Robustness"): the latencies and backpressure of the DRAM and of the
// instruction-fetch memory pushed to an extreme instead of the seed's
// default draw. Values that vary are drawn from the run seed, so
// (configuration, seed, profile) still fixes the whole run.
#pragma once

#include <cstdint>
#include <string>

#include "loom/axi_mem.h"

namespace loom::regress {

// normal, fast, slow, starve, bursty, extreme.
bool is_profile(const std::string& name);
std::string profile_names();  // "normal, fast, ..." for messages

// Overrides the two memories' timing for `name` ("normal" leaves them as
// they are); memory contents, widths and seeds are not touched. Throws
// std::invalid_argument for an unknown name.
void apply_profile(const std::string& name, uint64_t seed, AxiMemConfig& dram, AxiMemConfig& ifetch);

}  // namespace loom::regress
