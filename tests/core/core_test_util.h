// What the whole-core tests share: the seed (LOOM_SEED overrides it, and
// it is printed so a failure can be rerun) and the test parameter (a
// configuration with an RTL core model, and the DRAM latency).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

namespace loom {

inline uint64_t test_seed(uint64_t dflt) {
  uint64_t seed = dflt;
  if (const char* s = std::getenv("LOOM_SEED"); s && *s) seed = std::strtoull(s, nullptr, 0);
  std::cout << "LOOM_SEED=" << seed << " (override with the LOOM_SEED environment variable)\n";
  return seed;
}

struct CoreParam {
  const char* config;
  uint32_t dram_latency;
};

inline std::string param_name(const ::testing::TestParamInfo<CoreParam>& i) {
  return fmt::format("{}_lat{}", i.param.config, i.param.dram_latency);
}

}  // namespace loom
