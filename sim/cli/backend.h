// The back ends the workload subcommands (gemm, conv2d, mlp, run) run a
// program on: a program and a DRAM image in, the final DRAM and the
// statistics out (docs/cli.md "Modes"): the untimed functional model
// (--mode model), the Verilated whole core (--mode rtl) and the two in
// co-simulation (--mode cosim).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loom/configs.h"

namespace loom::cli {

enum class Mode { kModel, kRtl, kCosim };
const char* mode_name(Mode m);

// What a back end runs.
struct RunInput {
  const Config* cfg = nullptr;
  std::vector<uint8_t> program;  // the binary program (docs/isa.md "Program format")
  uint64_t dram_base = 0;        // the DRAM window [dram_base, dram_base + dram.size())
  std::vector<uint8_t> dram;     // its initial contents
  uint32_t semaphores = 16;
  uint32_t dram_latency = 100;  // cycles; the timed back ends' AXI memory read latency
  std::string waves;            // waveform file (timed RTL back ends), empty: none
  std::string out_dir;          // co-simulation failure report + waveform window, empty: none
};

// One engine queue of the core.
struct EngineStats {
  std::string name;                    // seq, dma0, dma1, pe, act
  uint64_t instructions;               // completed
  std::optional<double> busy_percent;  // of the cycles; none from an untimed back end
};

// What a back end gives back. The optional figures are those a back end may
// not be able to measure (the untimed model has no cycles): they are
// reported as "n/a" / null, never estimated.
struct RunOutput {
  bool done = false;          // END reached, every queue drained, no error
  std::string error;          // the core error's name (docs/isa.md "Errors"), "" if none
  uint64_t error_index = 0;   // the instruction it names
  std::string message;        // one line
  std::vector<uint8_t> dram;  // the final DRAM window

  uint64_t executed = 0;  // instructions completed, all queues
  std::vector<EngineStats> engines;
  uint64_t macs = 0;
  uint64_t dma_load_bytes = 0, dma_store_bytes = 0;
  std::optional<uint64_t> cycles;
  std::optional<double> utilization_percent;      // MACs / (P * P * compute cycles)
  std::optional<uint64_t> transactions_compared;  // co-simulation scoreboard
  std::optional<uint64_t> scoreboard_mismatches;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Mode mode() const = 0;
  // One line for the report, e.g. "untimed functional model".
  virtual std::string description() const = 0;
  // Never throws for a bad program: the error is in the output.
  virtual RunOutput run(const RunInput& in) = 0;
};

// --mode rtl, or with cosim --mode cosim (backend_rtl.cpp).
std::unique_ptr<Backend> make_rtl_backend(const std::string& command, bool cosim);

// The back end of `mode`.
std::unique_ptr<Backend> make_backend(Mode mode, const std::string& command);

}  // namespace loom::cli
