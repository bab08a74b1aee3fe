// Random DMA stimuli: descriptors on both queues over random shapes, strides,
// offsets and directions, with a random DRAM (latency, backpressure on every
// channel, occasional error ranges) and occasional descriptors the DMA must
// reject, plus a few tensor-engine commands running beside them on SBUF bytes
// the DMA loads never touch (race-free by construction, stimulus.h). Each
// stimulus is a function of (configuration, seed) only.
#pragma once

#include <cstdint>

#include "loom/configs.h"
#include "loom/stimulus.h"

namespace loom {

struct RandomDmaOptions {
  uint32_t descriptors = 10;
  bool backpressure = true;   // random ready/valid probabilities on every channel
  bool errors = true;         // error ranges and rejected descriptors
  bool matmuls = true;        // tensor-engine commands beside the DMA
};

Stimulus random_dma_stimulus(const Config& cfg, uint64_t seed, const RandomDmaOptions& opt = {});

}  // namespace loom
