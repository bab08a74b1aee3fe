// The RTL behind an interface free of Verilator types, so that code compiled
// with SystemC headers can drive it (Verilator's --cc headers and <systemc>
// clash in one translation unit).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"

namespace loom {

// Pins driven in one cycle.
struct RtlInputs {
  bool cmd_valid = false;
  uint64_t cmd = 0;
  bool sbuf_wr_valid = false;
  uint32_t sbuf_wr_part = 0;
  uint32_t sbuf_wr_addr = 0;
  std::array<uint8_t, 64> sbuf_wr_data{};  // SbufWordBytes bytes, byte i = lane i
  uint64_t sbuf_wr_strb = 0;
  bool dbg_req = false;
  bool dbg_psum = false;
  uint32_t dbg_part = 0;
  uint32_t dbg_addr = 0;
  // DMA descriptor queues (loom_pkg::dma_desc_t as DmaDesc::pack() words)
  bool dma_desc_valid[2] = {false, false};
  std::array<uint64_t, 4> dma_desc[2] = {};
  uint64_t dram_base = 0;   // DMA window [base, limit)
  uint64_t dram_limit = 0;
  AxiSlaveOut axi;          // the DRAM's outputs in this cycle
};

// One partition's PSUM observation record.
struct PsumObs {
  bool valid = false;
  bool acc = false;
  uint32_t bank = 0;
  uint32_t entry = 0;
  uint32_t value = 0;
};

// Pins sampled in one cycle, before the edge that ends it.
struct RtlOutputs {
  bool cmd_ready = false;
  bool busy = false;
  bool dbg_rvalid = false;
  uint32_t dbg_rdata = 0;
  bool issue_valid = false;
  uint32_t issue_tag = 0;
  uint32_t issue_op = 0;
  bool ldw_retire_valid = false;
  uint32_t ldw_retire_tag = 0;
  bool mm_retire_valid = false;
  uint32_t mm_retire_tag = 0;
  bool sbuf_wr_valid = false;
  uint32_t sbuf_wr_part = 0;
  uint32_t sbuf_wr_addr = 0;
  std::array<uint8_t, 64> sbuf_wr_data{};
  uint64_t sbuf_wr_strb = 0;
  std::vector<PsumObs> psum;  // one per partition
  // DMA
  bool dma_desc_ready[2] = {false, false};
  bool dma_cpl_valid[2] = {false, false};
  uint32_t dma_cpl_err[2] = {0, 0};
  bool dma_halted[2] = {false, false};
  bool dma_busy = false;
  AxiMasterOut axi;          // the DMA's AXI4 master outputs
  bool dma_rd_valid = false; // obs: the DMA's SBUF word read request
  uint32_t dma_rd_part = 0;
  uint32_t dma_rd_addr = 0;
};

struct RtlOptions {
  std::string trace_path;        // FST file; empty: no tracing
  uint64_t trace_from = 0;       // first cycle dumped
  uint64_t trace_to = UINT64_MAX;  // last cycle dumped
  // X randomisation of uninitialised state (models are built with
  // --x-initial unique): 0 zeros, 2 random from seed.
  int rand_reset = 0;
  uint64_t seed = 0;
  // Verilator coverage file written at finish() by coverage-instrumented
  // models (loom_core_rtl_cov); empty: none.
  std::string coverage_path;
};

class RtlDut {
 public:
  virtual ~RtlDut() = default;
  virtual const Config& config() const = 0;
  // Holds rst_ni low for a few cycles and releases it; the next cycle is 0.
  virtual void reset() = 0;
  // Drives the inputs of the current cycle, settles the logic with the clock
  // low and samples every output.
  virtual const RtlOutputs& drive(const RtlInputs& in) = 0;
  // The rising edge that ends the current cycle.
  virtual void tick() = 0;
  virtual uint64_t cycle() const = 0;
  // Flushes and closes the trace; the model's final() is called.
  virtual void finish() = 0;
};

using RtlFactory = std::unique_ptr<RtlDut> (*)(const RtlOptions&);

}  // namespace loom
