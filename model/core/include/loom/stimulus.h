// The stimulus of one run: what the testbench driver does to the RTL and what
// the golden model is told, identically.
//
// Schedule (docs/timing.md "Cycles"): SBUF preload write j is driven in cycle
// j (one per cycle, no gaps). Command i is first offered (valid raised) in
// cycle avail_i = max(i == 0 ? preload.size() : a_{i-1} + 1, dep_i) + gap_i,
// where a is the accept cycle, and stays valid until accepted. dep_i is 0, or
// with after_dma = j the cycle after descriptor j's completion event.
//
// DMA descriptors (docs/dma.md) go to their queue in list order: descriptor
// j of queue q is offered in cycle max(previous accept of queue q + 1 (or
// preload.size() for the first), dep_j) + gap_j, where dep_j is 0, or with
// after_cmd = i the cycle after command i's retire, and stays valid until
// accepted (forever if the queue halted on an error). The testbench DRAM is an
// AxiMem with `dram` as its configuration and `dram_init` as its contents.
//
// Race rule: the stimulus must order, through after_dma / after_cmd, every
// DMA SBUF write against the tensor-engine commands that read the same bytes;
// predict() rejects a DMA SBUF write that lands while a command reading that
// byte is between issue and retire.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/dma.h"
#include "loom/pe_cmd.h"

namespace loom {

struct SbufWrite {
  uint32_t part = 0;
  uint32_t addr = 0;           // byte address, aligned to sbuf_word_bytes
  std::vector<uint8_t> data;   // sbuf_word_bytes bytes
  uint64_t strb = 0;           // byte enables, bit i for data[i]
};

struct TimedCmd {
  PeCmd cmd;
  uint32_t gap = 0;       // idle cycles before the driver offers this command
  int32_t after_dma = -1; // offered only after this descriptor (index in dmas) completed
};

struct TimedDesc {
  DmaDesc desc;
  uint32_t queue = 0;     // 0 or 1
  uint32_t gap = 0;       // idle cycles before the driver offers it
  int32_t after_cmd = -1; // offered only after this command (index in cmds) retired
};

// The DRAM as the testbench builds it: the AxiMem configuration (latency,
// backpressure, errors, seed; data_bytes is the configuration's bus width),
// the DRAM window given to the DMA, and the initial contents at window_base.
struct DramSetup {
  AxiMemConfig mem;
  uint64_t window_base = 0x10000;
  uint64_t window_limit = 0x20000;  // exclusive
  std::vector<uint8_t> init;        // bytes from window_base
};

// The first cycle a command or descriptor is offered, by the schedule above:
// `base` is the previous accept of its queue + 1 (the preload's end for the
// first), `after` the index it waits for (-1: none) and `events[after]` the
// cycle of that retire / completion. kOfferUnknown while the event has not
// happened yet (an index past the end of `events`, or kOfferUnknown in it).
inline constexpr uint64_t kOfferUnknown = UINT64_MAX;
inline uint64_t first_offer(uint64_t base, int32_t after, const std::vector<uint64_t>& events,
                            uint32_t gap) {
  if (after >= 0) {
    if (size_t(after) >= events.size() || events[size_t(after)] == kOfferUnknown)
      return kOfferUnknown;
    if (events[size_t(after)] + 1 > base) base = events[size_t(after)] + 1;
  }
  return base + gap;
}

struct Stimulus {
  std::vector<SbufWrite> preload;
  std::vector<TimedCmd> cmds;
  std::vector<TimedDesc> dmas;
  DramSetup dram;
};

}  // namespace loom
