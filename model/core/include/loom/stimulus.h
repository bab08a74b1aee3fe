// The stimulus of one run: what the testbench driver does to the RTL and what
// the golden model is told, identically.
//
// Schedule (docs/timing.md "Cycles"): SBUF preload write j is driven in cycle
// j (one per cycle, no gaps). Command i is first offered (valid raised) in
// cycle avail_i = (i == 0 ? preload.size() : a_{i-1} + 1) + gap_i, where a is
// the accept cycle, and stays valid until accepted.
#pragma once

#include <cstdint>
#include <vector>

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
  uint32_t gap = 0;  // idle cycles before the driver offers this command
};

struct Stimulus {
  std::vector<SbufWrite> preload;
  std::vector<TimedCmd> cmds;
};

}  // namespace loom
