// Shared helpers of the co-simulation tests: run a stimulus on a named RTL
// model against the golden model, with files named after the test.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cosim.h"
#include "loom/configs.h"
#include "loom/rtl_models.h"
#include "loom/stimulus.h"
#include "common/test_seed.h"

namespace loom::test {

// "Suite.Test/param" with '/' replaced, usable as a file name.
std::string test_file_name();

using test::test_seed;  // common/test_seed.h

// Runs the co-simulation of `stim` on `factory` (configuration `cfg`). The
// waveform of the whole run is written when $LOOM_WAVES=1 (make waves).
CosimResult cosim(RtlFactory factory, const Config& cfg, const Stimulus& stim,
                  const std::string& repro_env = "");

// The whole text of a file ("" when it cannot be read).
std::string read_text(const std::string& path);

// Fails the test with the triage report when the run did not pass.
void expect_pass(const CosimResult& r);

// Parameter of the per-configuration tests: the configuration name.
class PerConfig : public ::testing::TestWithParam<const char*> {
 protected:
  const Config& cfg() const { return config_by_name(GetParam()); }
  RtlFactory rtl() const { return rtl_factory(GetParam()); }
  uint32_t P() const { return cfg().partitions; }
};

}  // namespace loom::test
