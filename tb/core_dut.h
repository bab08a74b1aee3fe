// The whole Loom core (rtl/loom_core.sv) behind an interface free of
// Verilator types, like RtlDut for the tensor subsystem: the host's
// AXI4-Lite pins, the DMA's AXI4 master and the instruction-fetch read port.
#pragma once

#include <array>
#include <cstdint>
#include <vector>
#include <memory>
#include <string>
#include <string_view>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "rtl_dut.h"  // RtlOptions

namespace loom {

// What the host drives on the AXI4-Lite slave in one cycle.
struct AxilMasterOut {
  bool aw_valid = false;
  uint32_t aw_addr = 0;
  bool w_valid = false;
  uint32_t w_data = 0;
  uint32_t w_strb = 0xf;
  bool b_ready = false;
  bool ar_valid = false;
  uint32_t ar_addr = 0;
  bool r_ready = false;
};

// What the CSR block drives in one cycle.
struct AxilSlaveOut {
  bool aw_ready = false, w_ready = false;
  bool b_valid = false;
  uint32_t b_resp = 0;
  bool ar_ready = false;
  bool r_valid = false;
  uint32_t r_data = 0;
  uint32_t r_resp = 0;
};

// The backdoor read port (tensor_top.md "Debug read"), only while the core
// is idle.
struct CoreDbgIn {
  bool req = false;
  bool psum = false;
  uint32_t part = 0;
  uint32_t addr = 0;  // SBUF byte address, or PSUM bank * entries + entry
};

struct CoreInputs {
  AxilMasterOut host;
  CoreDbgIn dbg;
  AxiSlaveOut dram;    // the DRAM's outputs on the DMA port
  AxiSlaveOut ifetch;  // the DRAM's outputs on the fetch port (AR / R used)
};

// The core's observation port in one cycle (docs/core.md "Observation
// port"): the sequencer's dispatches, issues and semaphore changes, the
// tensor subsystem's events (RtlOutputs' observation fields: tensor-engine
// issue / retires, DMA SBUF writes and store reads, PSUM records), the ACT
// engine's issue and SBUF writes, and the completions the sequencer sees.
struct CoreObs {
  bool dispatch_valid = false;
  uint32_t dispatch_index = 0;
  uint32_t dispatch_queue = 0;           // 0 seq, 1 PE, 2 ACT, 3 DMA0, 4 DMA1
  std::array<bool, 4> issue_valid{};     // queue PE, ACT, DMA0, DMA1 pops its head
  std::array<uint32_t, 4> issue_index{};
  uint32_t sem_valid = 0;                // bit s: semaphore s changes at this edge
  std::vector<uint16_t> sem_value;       // values after the edge (Semaphores entries)
  RtlOutputs tensor;                     // observation fields only (cmd_ready, dbg_*: unused)
  bool act_issue_valid = false;
  uint32_t act_issue_tag = 0;
  std::vector<bool> act_wr_valid;        // P
  uint32_t act_wr_addr = 0;
  uint64_t act_wr_strb = 0;
  std::vector<std::array<uint8_t, 64>> act_wr_data;  // P words
  bool act_done = false;
  std::array<bool, 2> dma_cpl_valid{};
  std::array<uint32_t, 2> dma_cpl_err{};
};

struct CoreOutputs {
  AxilSlaveOut host;
  AxiMasterOut dram;
  AxiMasterOut ifetch;  // only ar_* and r_ready are driven
  bool irq = false;
  bool busy = false, done = false, error = false;
  bool dbg_rvalid = false;
  uint32_t dbg_rdata = 0;
  CoreObs obs;
};

class CoreDut {
 public:
  virtual ~CoreDut() = default;
  virtual const Config& config() const = 0;
  // Holds rst_ni low for a few cycles and releases it; after the first reset
  // the next cycle is 0, a later one keeps counting (VlModel::reset).
  virtual void reset() = 0;
  // Drives the inputs of the current cycle, settles the logic with the clock
  // low and samples every output.
  virtual const CoreOutputs& drive(const CoreInputs& in) = 0;
  // The rising edge that ends the current cycle.
  virtual void tick() = 0;
  virtual uint64_t cycle() const = 0;
  virtual void finish() = 0;
};

using CoreFactory = std::unique_ptr<CoreDut> (*)(const RtlOptions&);

// The coverage-instrumented core model of configuration `name`, or nullptr:
// defined by loom_core_rtl_cov (generated), or by a stub without any.
CoreFactory coverage_core_factory(std::string_view name);

}  // namespace loom
