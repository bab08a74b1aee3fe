// The DMA engine as a cycle-stepped model (docs/dma.md): two descriptor
// queues served round robin, one descriptor at a time, and the AXI4 master
// behaviour of the timing contract, reacting to whatever the slave does. It
// is bit-exact through the bus: a load writes the SBUF with the R data, a
// store sends the SBUF bytes it read on W. Connected to an AxiMem with the
// testbench's configuration and seed, it makes the same handshakes in the
// same cycles as the RTL, backpressure included (AxiMem is deterministic for
// a given master behaviour), so the co-simulation compares every DMA event
// cycle-exactly. dma_timing() (loom/dma.h) is the same contract written as
// formulas for a fixed-latency DRAM; the two are cross-checked in
// tests/model.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/dma.h"

namespace loom {

// The SBUF as the DMA sees it: word-wide accesses, WB = sbuf_word_bytes.
class DmaSbufPort {
 public:
  virtual ~DmaSbufPort() = default;
  // The WB bytes of the word at (part, addr), addr aligned to WB, as they are
  // at the start of the current cycle (a write in the same cycle is not seen).
  virtual void read_word(uint32_t part, uint32_t addr, uint8_t* out) = 0;
  // Writes the lanes of `strb` (bit i: data[i]) of the word at (part, addr).
  virtual void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) = 0;
};

// The pins of one cycle into the engine.
struct DmaCycleIn {
  std::array<bool, 2> desc_valid{};
  std::array<DmaDesc, 2> desc{};
  uint64_t dram_base = 0;   // window [base, limit), sampled at each check
  uint64_t dram_limit = 0;
  AxiSlaveOut axi;          // the slave's outputs in this cycle
};

// The pins of one cycle out of the engine (what the RTL shows in that cycle).
struct DmaCycleOut {
  std::array<bool, 2> desc_ready{};
  AxiMasterOut axi;                  // master outputs; ids 0, bready 1
  bool sbuf_wr_valid = false;        // load: SBUF word write
  uint32_t sbuf_wr_part = 0;
  uint32_t sbuf_wr_addr = 0;         // aligned to WB
  std::array<uint8_t, 64> sbuf_wr_data{};  // lanes outside strb: 0
  uint64_t sbuf_wr_strb = 0;
  bool sbuf_rd_req = false;          // store: SBUF word read request
  uint32_t sbuf_rd_part = 0;
  uint32_t sbuf_rd_addr = 0;
  std::array<bool, 2> cpl_valid{};   // completion event, one cycle
  std::array<DmaCode, 2> cpl_code{};
  std::array<bool, 2> halted{};
  bool busy = false;                 // a descriptor queued or running
};

class DmaEngineModel {
 public:
  // queue_depth: descriptors per queue (QueueDepth).
  DmaEngineModel(const DmaParams& p, uint32_t queue_depth);
  // A copy is an independent engine in the same state (the state is deep
  // copied, never shared).
  DmaEngineModel(const DmaEngineModel& o);
  DmaEngineModel& operator=(const DmaEngineModel& o);
  DmaEngineModel(DmaEngineModel&&) noexcept;
  DmaEngineModel& operator=(DmaEngineModel&&) noexcept;
  ~DmaEngineModel();

  // One cycle: computes the outputs of the current cycle from the state and
  // `in` (nothing in the outputs depends combinationally on `in`, as in the
  // RTL), makes this cycle's SBUF accesses through `sbuf`, then applies the
  // rising edge that ends the cycle (handshakes with in.axi, queue pushes of
  // desc_valid && desc_ready). The returned reference is valid until the next
  // step().
  const DmaCycleOut& step(const DmaCycleIn& in, DmaSbufPort& sbuf);

  uint64_t cycle() const { return cycle_; }  // cycles stepped so far
  // The state after the last step(): busy_o / halted_o[q] of the next cycle.
  bool busy() const;
  bool halted(int q) const;

 private:
  DmaParams p_;
  uint32_t queue_depth_;
  uint64_t cycle_ = 0;
  DmaCycleOut out_;
  std::array<std::deque<DmaDesc>, 2> queues_;
  std::array<bool, 2> halted_{};
  // Implementation state is private to dma_engine_model.cpp.
  struct State;
  std::unique_ptr<State> st_;
};

// The DmaParams of a configuration (bus width from cfg, the RTL's defaults
// for the outstanding limits).
struct Config;
DmaParams dma_params(const Config& cfg);
inline constexpr uint32_t kDmaQueueDepth = 4;  // loom_tensor_top's DmaQueueDepth

}  // namespace loom
