// The ACT engine as a cycle-stepped model (docs/act.md): the in-order
// command queue, the front end (one read step per cycle: record words, then
// the F elements, all M partitions in lockstep), the D stage (record words
// into per-partition bias / scale registers), P lanes of latency 3 with the
// write sideband beside them, the 4-entry stash and the write stage that
// packs results into SBUF words. The state is rtl/act_engine.sv's register
// for register (DmaEngineModel's shape: state, this cycle's outputs from the
// state and the inputs, the memory accesses, then the edge), so every
// output pin is reproduced in every cycle, payloads (addresses, strobes,
// data, tag) also while their valid is low. tests/rtl/test_act_engine.cpp
// compares every pin every cycle against the Verilated act_engine.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "loom/configs.h"
#include "loom/isa.h"

namespace loom {

// The memories the ACT engine reads and writes.
class ActMemPort {
 public:
  virtual ~ActMemPort() = default;
  // PSUM entry `entry` of bank `bank`, partition `part`, as it is at the
  // start of the current cycle.
  virtual uint32_t psum_read(uint32_t part, uint32_t bank, uint32_t entry) = 0;
  // The WB bytes of the SBUF word at (part, addr), addr aligned to WB.
  virtual void sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) = 0;
  // Writes the lanes of strb (bit i: data[i]) of the word at (part, addr).
  virtual void sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data,
                               uint64_t strb) = 0;
};

// The input pins of one cycle.
struct ActCycleIn {
  bool cmd_valid = false;
  InstrWords cmd{};                 // the ACT instruction word (isa.h), as the sequencer drives it
  std::vector<bool> sbuf_wr_busy;   // P entries (empty = none busy): partition k's
                                    // SBUF write port taken this cycle by the DMA / preload
};

// The output pins of one cycle (act_engine's ports, docs/act.md "Ports").
struct ActCycleOut {
  bool cmd_ready = false, busy = false, done = false;
  bool issue_valid = false;
  uint16_t issue_tag = 0;           // obs_issue_tag_o (the tag counter, also while !issue_valid)
  std::vector<bool> wr_valid;       // P: SBUF write of partition k this cycle
  uint32_t wr_addr = 0;             // common byte address (aligned to WB)
  uint64_t wr_strb = 0;             // common byte enables
  std::vector<std::array<uint8_t, 64>> wr_data;  // P words, bytes not enabled 0
  // Read ports (requests of this cycle; the data is used the next cycle).
  std::vector<bool> psum_rd_en;     // P: PSUM read of partition k
  uint32_t psum_rd_addr = 0;        // bank * E + entry, common (psum_rd_addr_o of every k)
  std::vector<bool> sbuf_rd_en;     // P: SBUF word read of partition k
  uint32_t sbuf_rd_addr = 0;        // byte address aligned to WB, common (sbuf_rd_addr_o of every k)
  // Not a pin: this cycle is a stall cycle (docs/act.md "Stall rule").
  bool stall = false;
};

class ActEngineModel {
 public:
  // cfg: the configuration (P, WB, banks, entries); queue_depth: QueueDepth.
  // Throws std::invalid_argument for values the RTL does not support.
  ActEngineModel(const Config& cfg, uint32_t queue_depth);
  ActEngineModel(const ActEngineModel& o);
  ActEngineModel& operator=(const ActEngineModel& o);
  ActEngineModel(ActEngineModel&&) noexcept;
  ActEngineModel& operator=(ActEngineModel&&) noexcept;
  ~ActEngineModel();

  // One cycle: this cycle's outputs from the state and `in`, this cycle's
  // memory reads and writes through `mem` (reads first), then the rising
  // edge. The reference is valid until the next step(). The model starts
  // in the reset state; registers the RTL does not reset start at 0 (as
  // Verilator's default initial values).
  const ActCycleOut& step(const ActCycleIn& in, ActMemPort& mem);
  bool busy() const;  // busy_o of the next cycle
  uint64_t cycle() const { return cycle_; }
  // ACTs issued / completed (done_o pulses) so far.
  uint64_t issued() const;
  uint64_t completed() const;

 private:
  uint64_t cycle_ = 0;
  ActCycleOut out_;
  // The last step() ran in the quiet state (nothing queued, active or in the
  // pipeline) without a command offered: such a step changes no register, so
  // the next one without a command shows the same outputs (step()'s fast path).
  bool quiet_ = false;
  struct State;  // private to act_engine_model.cpp
  std::unique_ptr<State> st_;
};

// loom_tensor_top's ActQueueDepth (rtl/loom_tensor_top.sv).
inline constexpr uint32_t kActQueueDepth = 2;

}  // namespace loom
