// What the bare pe_array computes in PeArrayDut::run(), in plain C++ from
// the array's timing (rtl/pe_array.sv, docs/timing.md) rather than from its
// registers: `make bench` checks every run of the Verilated array against
// it, and a unit test checks it against the Verilated array at P = 4.
#pragma once

#include <cstdint>

namespace loom {

// The checksum PeArrayDut::run(cycles, seed) returns for a P x P array.
uint64_t pe_array_reference_checksum(uint32_t p, uint64_t cycles, uint64_t seed);

}  // namespace loom
