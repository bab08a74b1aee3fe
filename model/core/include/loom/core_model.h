// The whole core as a cycle-stepped golden model (docs/model.md "The whole
// core"): the sequencer (SequencerModel) fetching from a replica of the
// instruction memory, the tensor engine (timing core + functional core),
// the ACT engine (ActEngineModel) and the DMA (DmaEngineModel against a
// replica of the DRAM), wired as rtl/loom_core.sv wires them, one cycle at a
// time. It predicts every transaction of the core's observation port with
// its cycle, the final status, the performance counters and the final
// memories; tb/core_cosim compares them with the RTL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/mem_image.h"
#include "loom/sequencer_model.h"
#include "loom/txn.h"

namespace loom {

// What the host programmed, and the two memories as they are in the cycle
// the sequencer sees START (model cycle 0).
struct CoreModelRun {
  uint64_t prog_base = 0;
  uint32_t prog_len = 0;  // instructions
  uint32_t watchdog = 0;
  uint64_t dram_base = 0, dram_limit = 0;  // the CSR values (clamped like loom_core)
  uint32_t semaphores = 16;                // loom_core's Semaphores
  uint32_t axi_addr_bits = 32;             // loom_core's AxiAddrW
  const AxiMem* dram = nullptr;            // copied: the model runs its own replica
  const AxiMem* ifetch = nullptr;
  uint64_t max_cycles = 100'000'000;       // throws std::runtime_error beyond
  // The DRAM range returned in CorePrediction::final_dram.
  uint64_t dump_base = 0, dump_bytes = 0;
  // false: the performance-only mode (a fast cycle predictor, not the
  // co-simulation reference): CorePrediction::txns stays empty; everything
  // else (status, error, status_cycle, end_cycle, counters, final SBUF /
  // PSUM / DRAM) is what the default mode returns.
  bool record_txns = true;
};

struct CorePrediction {
  explicit CorePrediction(const Config& cfg) : final_state(cfg) {}
  // Every observable event, sorted by Txn::operator<, cycles counted from
  // the START cycle (0). Empty without CoreModelRun::record_txns.
  std::vector<Txn> txns;
  bool done = false, error = false;
  uint32_t error_code = 0, error_index = 0;
  uint64_t status_cycle = 0;  // the first cycle DONE or ERROR is set
  uint64_t end_cycle = 0;     // the cycle of the last transaction (all idle after)
  // The performance counters of docs/core.md as the core counts them.
  uint64_t perf_cycles = 0, perf_busy_pe = 0, perf_busy_act = 0, perf_busy_dma = 0, perf_macs = 0,
           perf_dma_bytes = 0;
  MemImage final_state;              // SBUF and PSUM (written bytes marked)
  std::vector<uint8_t> final_dram;   // DRAM [dump_base, dump_base + dump_bytes) at the end
};

// Runs the model from START until the sequencer has stopped (done or error)
// and every engine and both memories are idle. Throws std::invalid_argument
// for a run without memories, std::runtime_error beyond max_cycles.
CorePrediction predict_core(const Config& cfg, const CoreModelRun& run);

// The parameters of loom_core's sequencer: the configuration's and the
// run's, the RTL's defaults for the rest.
SequencerParams core_sequencer_params(const Config& cfg, const CoreModelRun& run);

// The DRAM window as loom_core presents it to the engines: an address at or
// above 2^axi_addr_bits is clamped to all ones (docs/core.md).
uint64_t clamp_window_address(uint64_t addr, uint32_t axi_addr_bits);

}  // namespace loom
