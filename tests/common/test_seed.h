// test_seed(): the seed of a random test, shared by every test directory.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

namespace loom::test {

// LOOM_SEED if set, else the test's default; printed (and recorded in the
// test's XML properties) so a failure can be reproduced.
inline uint64_t test_seed(uint64_t dflt) {
  uint64_t seed = dflt;
  if (const char* s = std::getenv("LOOM_SEED"); s && *s) seed = std::strtoull(s, nullptr, 0);
  std::cout << "LOOM_SEED=" << seed << " (override with the LOOM_SEED environment variable)\n";
  ::testing::Test::RecordProperty("loom_seed", std::to_string(seed));
  return seed;
}

}  // namespace loom::test
