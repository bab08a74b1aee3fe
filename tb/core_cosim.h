// Whole-core co-simulation: a program runs on the Verilated core (CoreSystem:
// host, DRAM and instruction memory) while the whole-core golden model
// (loom/core_model.h) predicts it from the same starting state; every
// transaction of the core's observation port is compared as it happens
// (payload, order and cycle exact, nothing missing, nothing extra), then
// the status, the performance counters, the DRAM and the SBUF / PSUM
// contents. The first mismatch stops the comparison and is reported, with
// the instruction it belongs to, and (with an output directory) a waveform
// window around it from a deterministic re-run.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core_dut.h"
#include "core_system.h"
#include "loom/axi_mem.h"
#include "loom/txn.h"
#include "scoreboard.h"

namespace loom {

struct CoreCosimRequest {
  std::string name = "core";      // names the report and waveform files
  std::vector<uint8_t> program;   // binary program, 32 bytes per instruction
  uint64_t prog_base = 0;
  uint64_t dram_base = 0, dram_limit = 0;  // the DRAM window
  uint32_t watchdog = 1u << 20;
  // DRAM contents before the run: (address, bytes).
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dram_init;
  AxiMemConfig dram, ifetch;      // data_bytes is set from the configuration
  // DRAM compared at the end (default: the window, when it is at most 16 MiB).
  uint64_t check_base = 0, check_bytes = 0;
  bool compare_sbuf_psum = true;  // read back every written SBUF byte and PSUM entry
  std::string out_dir;            // report + waveform on failure ("": none)
  RtlOptions rtl;                 // the RTL run's options (e.g. a trace of the whole run)
  uint64_t max_cycles = 50'000'000;
  // > 0: rst_ni falls this many thousandths of the way through the program
  // (of the model's cycle count), the memories drop what is outstanding, the
  // DRAM window gets its starting contents back and the same program runs
  // again from START; the model restarts with it. Both runs are compared
  // (the first up to the reset), the second to the end.
  uint32_t reset_permille = 0;
  // The waveform window of a failure, in cycles before and after it.
  uint64_t wave_before = 200, wave_after = 50;
  std::string reproduce;          // the command that reproduces this run, for the report
};

struct CoreCosimResult {
  bool pass = false;
  std::string failure;        // one line: what went wrong first ("" on pass)
  std::optional<Mismatch> mismatch;  // when it was the scoreboard's
  std::string report;         // the triage report ("" on pass)
  std::string report_path, wave_path;
  CoreRunResult rtl;          // what the host read back
  uint64_t model_cycles = 0;  // the model's PERF_CYCLES
  uint64_t compared = 0;      // transactions compared (both runs with reset_permille)
  uint64_t reset_cycle = 0;   // with reset_permille: RTL cycle at which rst_ni fell
  std::array<uint64_t, kNumChannels> compared_by_channel{};
  uint64_t memory_compared = 0;  // DRAM bytes + SBUF bytes + PSUM entries
  uint64_t check_base = 0;          // the checked DRAM range's first address
  std::vector<uint8_t> final_dram;  // the RTL's DRAM over the checked range
};

CoreCosimResult core_cosim(CoreFactory factory, const Config& cfg, const CoreCosimRequest& req);

}  // namespace loom
