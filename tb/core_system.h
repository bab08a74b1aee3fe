// CoreSystem: the whole core (a CoreDut) in its system: the DRAM behind the
// DMA port, the DRAM behind the instruction-fetch port, and a host that
// programs the CSRs over AXI4-Lite and waits for the interrupt. It runs a
// program end to end on the RTL alone (no golden model): what `loom ...
// --mode rtl` and the whole-core RTL tests use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core_dut.h"
#include "loom/axi_mem.h"

namespace loom {

struct CoreRunRequest {
  std::vector<uint8_t> program;  // binary program (32 bytes per instruction)
  uint64_t prog_base = 0;        // where it lives in DRAM
  uint64_t dram_base = 0;        // DRAM window [base, limit)
  uint64_t dram_limit = 0;
  uint32_t watchdog = 1u << 20;       // cycles
  uint64_t max_cycles = 100'000'000;  // the run fails (throws) beyond this
};

// What the host reads back after the interrupt.
struct CoreRunResult {
  bool stopped = false;  // abandoned at stop_at() before the interrupt (nothing read back)
  bool done = false, error = false;
  uint32_t error_code = 0, error_index = 0;
  uint64_t start_cycle = 0;  // cycle of the START write's handshake
  uint64_t irq_cycle = 0;    // first cycle irq_o was high
  uint64_t perf_cycles = 0, perf_busy_pe = 0, perf_busy_act = 0, perf_busy_dma = 0,
           perf_busy_seq = 0, perf_macs = 0, perf_dma_bytes = 0;
};

class CoreSystem {
 public:
  // Both memories take their latency / backpressure from their configs; the
  // fetch memory holds only the program (written by run()).
  CoreSystem(std::unique_ptr<CoreDut> dut, const AxiMemConfig& dram, const AxiMemConfig& ifetch);

  CoreDut& dut() { return *dut_; }
  AxiMem& dram() { return dram_; }
  AxiMem& ifetch() { return ifetch_; }
  uint64_t cycle() const { return dut_->cycle(); }

  // One cycle with the host idle.
  void step();
  // AXI4-Lite accesses (blocking: step until the response). Return the
  // response code (csr::kRespOkay / kRespSlvErr); a read's data in *data.
  uint32_t csr_write(uint32_t offset, uint32_t value, uint32_t strb = 0xf);
  uint32_t csr_read(uint32_t offset, uint32_t* data);
  uint32_t csr_read(uint32_t offset);  // throws on a non-OKAY response
  uint64_t csr_read64(uint32_t offset_lo);

  // Soft-resets the engines (a halted DMA queue stays halted until reset),
  // loads the program into both memories (the DMA's DRAM too, so a dump of
  // DRAM shows it), programs the CSRs, enables both interrupts, starts and
  // steps until irq_o; reads status, error and counters; clears the
  // interrupt. Throws std::runtime_error if irq_o does not come within
  // max_cycles or a memory sees a protocol violation.
  CoreRunResult run(const CoreRunRequest& req);

  // Makes the current (or next) run() return at the beginning of cycle
  // `cycle` without waiting for the interrupt (CoreRunResult::stopped); used
  // to reset the core in the middle of a program. One-shot.
  void stop_at(uint64_t cycle) { stop_at_ = cycle; }
  // The system reset in the middle of a run: rst_ni falls (CoreDut::reset,
  // the cycle count goes on) and both memories drop every outstanding
  // transaction (AxiMem::reset; their contents stay).
  void hard_reset();

  // Called every cycle with the pins of the cycle, before its edge.
  using Observer = std::function<void(uint64_t cycle, const CoreInputs&, const CoreOutputs&)>;
  void set_observer(Observer f) { observer_ = std::move(f); }
  // Called once per START, at the beginning of the cycle the sequencer sees
  // it (start_o of the CSR block high; both memories in that cycle's state).
  void set_start_hook(std::function<void(CoreSystem&)> f) { start_hook_ = std::move(f); }
  // That cycle, for the last START.
  uint64_t start_cycle() const { return start_cycle_; }
  // A backdoor read through the debug port (only while the core is idle):
  // an SBUF byte, or a PSUM entry (addr = bank * entries + entry).
  uint32_t dbg_read(bool psum, uint32_t part, uint32_t addr);

 private:
  const CoreOutputs& drive(const AxilMasterOut& host, const CoreDbgIn& dbg = CoreDbgIn{});
  void advance(const CoreOutputs& out);

  std::unique_ptr<CoreDut> dut_;
  AxiMem dram_;
  AxiMem ifetch_;
  CoreInputs in_;  // this cycle's inputs (for the observer)
  Observer observer_;
  std::function<void(CoreSystem&)> start_hook_;
  int start_countdown_ = 0;  // edges until start_o is high (after a START write)
  uint64_t start_cycle_ = 0;
  uint64_t stop_at_ = 0;  // 0: none
};

}  // namespace loom
