// The whole Loom core (rtl/loom_core.sv) behind an interface free of
// Verilator types, like RtlDut for the tensor subsystem: the host's
// AXI4-Lite pins, the DMA's AXI4 master and the instruction-fetch read port.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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

struct CoreInputs {
  AxilMasterOut host;
  AxiSlaveOut dram;    // the DRAM's outputs on the DMA port
  AxiSlaveOut ifetch;  // the DRAM's outputs on the fetch port (AR / R used)
};

struct CoreOutputs {
  AxilSlaveOut host;
  AxiMasterOut dram;
  AxiMasterOut ifetch;  // only ar_* and r_ready are driven
  bool irq = false;
  bool busy = false, done = false, error = false;
};

class CoreDut {
 public:
  virtual ~CoreDut() = default;
  virtual const Config& config() const = 0;
  // Holds rst_ni low for a few cycles and releases it; the next cycle is 0.
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

}  // namespace loom
