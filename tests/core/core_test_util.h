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

#include "common/test_seed.h"

namespace loom {

using test::test_seed;

struct CoreParam {
  const char* config;
  uint32_t dram_latency;
};

inline std::string param_name(const ::testing::TestParamInfo<CoreParam>& i) {
  return fmt::format("{}_lat{}", i.param.config, i.param.dram_latency);
}

}  // namespace loom
