// The golden model's entry points: validation, the full prediction of a run,
// and the timing-only schedule for fast performance estimates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"
#include "loom/timing.h"

namespace loom {

// Empty string if `stim` is legal for `cfg` (docs/tensor_top.md field ranges,
// aligned in-range SBUF writes, ...), otherwise a one-line description of the
// first problem, naming the preload write or command index.
std::string validate(const Config& cfg, const Stimulus& stim);

// Empty string if one tensor-engine command's fields are legal for `cfg`
// (docs/tensor_top.md ranges: K, M, F, PSUM bank and offset, SBUF bounds),
// otherwise a one-line description. validate() applies it to every command.
std::string check_pe_cmd(const Config& cfg, const PeCmd& cmd);

// Empty string if the configuration itself is supported (parameter ranges of
// docs/tensor_top.md and the AXI width of docs/dma.md).
std::string validate_config(const Config& cfg);

// The complete expected transaction stream of a run, the final SBUF/PSUM
// image, the end cycle, the MAC count and the issue cycle of every command.
// Throws std::invalid_argument with validate()'s message on illegal input.
Prediction predict(const Config& cfg, const Stimulus& stim);

// Timing only (no arithmetic): accept/issue/retire of every command.
struct Schedule {
  std::vector<OpTiming> ops;
  uint64_t end_cycle = 0;  // the last event: last preload write or latest retire
};
// Throws std::invalid_argument on illegal input, like predict().
Schedule schedule(const Config& cfg, const Stimulus& stim);

// docs/timing.md "Utilization": MACs / (P * P * cycles), where cycles is the
// compute window from the first issue to the last event, inclusive (the SBUF
// preload before the first command is not counted).
double utilization(const Config& cfg, uint64_t macs, uint64_t first_issue, uint64_t end_cycle);
// The compute window of a prediction (0 without commands).
uint64_t compute_cycles(const Prediction& p);
// Utilization of a prediction (0 without commands).
double utilization(const Config& cfg, const Prediction& p);

}  // namespace loom
