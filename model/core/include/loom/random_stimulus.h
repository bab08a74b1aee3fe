// Random legal stimuli for tests (model-vs-model and RTL-vs-model).
#pragma once

#include <cstdint>

#include "loom/configs.h"
#include "loom/stimulus.h"

namespace loom {

struct RandomStimulusOptions {
  uint32_t num_cmds = 32;
  double ldw_prob = 0.35;          // probability a command is an LDW
  bool ldw_first = true;           // command 0 is an LDW (else MMs may use reset weights)
  double gap_prob = 0.25;          // probability a command has a non-zero gap
  uint32_t max_gap = 6;            // gaps are 1..max_gap when non-zero
  uint32_t max_free = 0;           // largest MM F; 0 means psum_entries
  uint32_t sbuf_span = 0;          // bytes preloaded (and read) per partition;
                                   // 0 means min(sbuf_bytes, 256)
  double partial_strb_prob = 0.1;  // probability a preload write has a random strobe
  double extreme_prob = 0.2;       // probability a preloaded byte is 127 or -128
};

// Deterministic for a given (cfg, seed, options) on every platform (uses its
// own integer distributions, not <random>'s).
Stimulus random_stimulus(const Config& cfg, uint64_t seed, const RandomStimulusOptions& opt = {});

}  // namespace loom
