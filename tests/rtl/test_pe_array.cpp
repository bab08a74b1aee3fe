// The bare pe_array of `make bench` (tb/pe_array_harness.h) at P = 4
// against the plain C++ reference of its timing (tb/pe_array_reference.h):
// the check every benchmark run of the array relies on.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "pe_array_dut.h"
#include "pe_array_reference.h"

namespace loom {
// In loom_pe_array_rtl (tb/CMakeLists.txt).
std::unique_ptr<PeArrayDut> make_pe_array_p4();
std::unique_ptr<PeArrayDut> make_pe_array_p4_fault_pe_stuck();
}  // namespace loom

namespace {

TEST(PeArray, MatchesReference) {
  auto dut = loom::make_pe_array_p4();
  ASSERT_EQ(dut->partitions(), 4u);
  // Shorter than the pipeline (2P - 1 cycles until every product of a
  // streamed element is out), exactly that, and long.
  for (uint64_t cycles : {0, 1, 5, 7, 8, 1000}) {
    for (uint64_t seed : {0, 1, 12345}) {
      EXPECT_EQ(dut->run(cycles, seed), loom::pe_array_reference_checksum(4, cycles, seed))
          << "cycles " << cycles << " seed " << seed;
    }
  }
}

// A run does not depend on what ran before it (the flush).
TEST(PeArray, RunsAreIndependent) {
  auto a = loom::make_pe_array_p4();
  auto b = loom::make_pe_array_p4();
  a->run(100, 7);
  EXPECT_EQ(a->run(50, 3), b->run(50, 3));
}

TEST(PeArray, ChecksumDependsOnSeedAndLength) {
  const uint64_t ref = loom::pe_array_reference_checksum(4, 100, 1);
  EXPECT_NE(ref, loom::pe_array_reference_checksum(4, 100, 2));
  EXPECT_NE(ref, loom::pe_array_reference_checksum(4, 99, 1));
  EXPECT_NE(ref, loom::pe_array_reference_checksum(8, 100, 1));
}

// PE (1, 1) loses its products (LOOM_FAULT_PE_STUCK): the check catches it.
TEST(PeArray, StuckPeIsCaught) {
  auto dut = loom::make_pe_array_p4_fault_pe_stuck();
  EXPECT_NE(dut->run(1000, 1), loom::pe_array_reference_checksum(4, 1000, 1));
}

}  // namespace
