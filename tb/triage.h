// The first-mismatch report: what failed, where in the array, which
// operation, expected against actual, the waveform and how to reproduce.
#pragma once

#include <string>

#include "cosim.h"

namespace loom {

std::string triage_report(const Config& cfg, const Stimulus& stim, const CosimResult& res,
                          const CosimOptions& opt);

}  // namespace loom
