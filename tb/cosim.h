// One co-simulation run: the golden model predicts, the RTL runs the same
// stimulus, the scoreboard checks every transaction as it happens, and the
// final SBUF and PSUM are compared through the debug port. On the first
// mismatch it writes a triage report and re-runs the RTL to write a waveform
// window around the failing cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"
#include "rtl_dut.h"
#include "scoreboard.h"

namespace loom {

struct CosimOptions {
  std::string name = "run";  // names the report and waveform files
  std::string out_dir;       // empty: $LOOM_OUT_DIR, else "loom-out"
  bool waves = false;        // trace the whole run to <out_dir>/<name>.fst
  bool use_systemc = true;   // golden model: SystemC TLM (once per process) or predict()
  uint64_t window_before = 200;  // waveform window on failure, in cycles
  uint64_t window_after = 20;
  int rand_reset = 0;        // X randomisation of the RTL (0 off, 2 random)
  uint64_t seed = 0;
  std::string repro;         // the command that reproduces this run, for the report
};

// A difference in the final memories.
struct MemMismatch {
  bool psum = false;
  bool dram = false;  // a DRAM byte (addr is the byte address, part 0)
  uint32_t part = 0;
  uint32_t addr = 0;  // SBUF byte, PSUM bank * entries + entry, or DRAM address
  int64_t expected = 0;
  int64_t actual = 0;
};

struct CosimResult {
  bool pass = false;
  Prediction prediction;
  std::vector<Txn> psum_writes;       // every PSUM write the RTL made
  uint64_t rtl_cycles = 0;            // cycles simulated
  uint64_t first_issue = 0;           // cycle of the first issue (start of compute)
  uint64_t compared = 0;              // transactions compared by the scoreboard
  uint64_t compared_by_channel[kNumChannels] = {};
  uint64_t mem_compared = 0;          // SBUF bytes + PSUM entries + DRAM bytes compared at the end
  uint64_t dram_compared = 0;         // of which DRAM window bytes
  std::optional<Mismatch> mismatch;
  std::vector<MemMismatch> mem_mismatches;
  std::string error;                  // RTL assertion or harness error
  std::string report_path;            // written on failure
  std::string wave_path;              // written on failure or with waves
  double wall_seconds = 0;

  // Compute window: from the first issue to the last predicted event.
  uint64_t compute_cycles() const { return prediction.end_cycle + 1 - first_issue; }
  double utilization(const Config& c) const {
    return double(prediction.macs) / (double(c.partitions) * c.partitions * compute_cycles());
  }
};

// Runs one co-simulation. Throws std::invalid_argument for a stimulus the
// model rejects (with the model's reason).
CosimResult run_cosim(RtlFactory rtl, const Config& cfg, const Stimulus& stim,
                      const CosimOptions& opt);

// Where reports and waves go: opt.out_dir, else $LOOM_OUT_DIR, else "loom-out".
std::string output_dir(const CosimOptions& opt);

}  // namespace loom
