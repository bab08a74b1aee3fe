// One cycle of DMA pins -> the DMA transactions of loom/txn.h. The golden
// model and the RTL monitor both go through this one builder, so the two
// streams are built the same way and differ only where the pins differ.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/txn.h"

namespace loom {

// The DMA's side of one cycle, as the RTL ports (or the engine model) show it.
struct DmaPins {
  std::array<bool, 2> desc_valid{};
  std::array<bool, 2> desc_ready{};
  std::array<uint32_t, 2> desc_index{};  // stimulus index of the descriptor offered
  std::array<bool, 2> cpl_valid{};
  std::array<uint32_t, 2> cpl_code{};
  bool sbuf_rd_req = false;
  uint32_t sbuf_rd_part = 0;
  uint32_t sbuf_rd_addr = 0;
  AxiMasterOut m;  // the DMA's AXI master outputs
  AxiSlaveOut s;   // the DRAM's outputs
};

class DmaTxnBuilder {
 public:
  explicit DmaTxnBuilder(uint32_t bus_bytes) : bus_bytes_(bus_bytes) {}

  // Appends this cycle's transactions: accepts, completions (tagged with the
  // oldest accepted, uncompleted descriptor of the queue), SBUF read
  // requests, AR and AW handshakes and W beats (8-byte slices with a strobe).
  // Throws std::logic_error for a completion without an accepted descriptor
  // or a W beat without an AW.
  void observe(uint64_t cycle, const DmaPins& pins, std::vector<Txn>& out);

  // Descriptor index of the oldest accepted, uncompleted descriptor of queue q
  // (-1 if none).
  int64_t running(int q) const {
    return in_flight_[q].empty() ? -1 : int64_t(in_flight_[q].front());
  }

 private:
  struct WBurst {
    uint64_t addr = 0;  // aligned to the bus
    uint32_t beats_left = 0;
  };
  uint32_t bus_bytes_;
  std::array<std::deque<uint32_t>, 2> in_flight_;
  std::deque<WBurst> w_bursts_;  // AWs whose W beats are not all sent
  uint32_t w_beat_ = 0;          // beats sent of w_bursts_.front()
};

}  // namespace loom
