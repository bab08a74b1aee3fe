// The first-mismatch report: what failed, where in the array, which
// operation, expected against actual, the waveform and how to reproduce.
#pragma once

#include <optional>
#include <string>

#include "cosim.h"

namespace loom {

std::string triage_report(const Config& cfg, const Stimulus& stim, const CosimResult& res,
                          const CosimOptions& opt);

// The index of the command that produced `t` (by tag, or for a PSUM write by
// the timing contract), if any.
std::optional<size_t> producing_command(const Config& cfg, const Stimulus& stim,
                                        const Prediction& pred, const Txn& t);

}  // namespace loom
