// The sequencer as a cycle-stepped model (docs/sequencer.md): the fetch over
// its own read-only AXI4 master into the instruction buffer, the decode stage
// (static checks by loom::decode() + loom::validate()), the four engine
// queues, the in-flight lists, the semaphores, the watchdog, errors and
// status. step() takes every input pin of `sequencer` in one cycle and
// returns every output pin of that cycle, register for register like the
// RTL (the DmaEngineModel way: state, outputs from state and inputs, next
// state). Connected to an AxiMem with the testbench's configuration and
// seed, it makes the same handshakes in the same cycles as the RTL;
// tests/rtl/test_seq_lockstep.cpp compares every pin every cycle.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/isa.h"

namespace loom {

// The parameters of `sequencer` (docs/sequencer.md "Parameters"), with the
// RTL's defaults. AxiIdW is not needed: the fetch uses ID 0.
struct SequencerParams {
  uint32_t partitions = 8;  // P
  uint32_t sbuf_bytes = 4096;
  uint32_t psum_banks = 4;
  uint32_t psum_entries = 64;
  uint32_t semaphores = 16;     // 1..32
  uint32_t axi_data_bytes = 8;  // DB = AxiDataW / 8: 4..64, power of two
  uint32_t axi_addr_bits = 32;  // AxiAddrW: 32..64
  uint32_t fetch_buf_depth = 16;
  uint32_t fetch_burst_instrs = 4;
  uint32_t fetch_max_bursts = 8;
  uint32_t pe_queue_depth = 4;
  uint32_t act_queue_depth = 4;
  uint32_t dma_queue_depth = 4;  // each of the two
  uint32_t inflight_depth = 8;   // per completion stream
};

// The input pins of one cycle.
struct SeqCycleIn {
  bool start = false;
  uint64_t prog_base = 0;
  uint32_t prog_len = 0;
  uint32_t watchdog = 0;
  uint64_t dram_base = 0, dram_limit = 0;
  AxiSlaveOut axi;  // the fetch port's slave (ar_ready, r_*)
  bool pe_cmd_ready = false;
  bool pe_ldw_retire = false;
  uint16_t pe_ldw_retire_tag = 0;
  bool pe_mm_retire = false;
  uint16_t pe_mm_retire_tag = 0;
  bool pe_busy = false;
  bool act_cmd_ready = false;
  bool act_done = false;
  bool act_busy = false;
  std::array<bool, 2> dma_desc_ready{};
  std::array<bool, 2> dma_cpl_valid{};
  std::array<uint8_t, 2> dma_cpl_err{};  // 4-bit codes (dma.md)
  bool dma_busy = false;
  std::array<bool, 2> dma_halted{};
};

// The output pins of one cycle (what the RTL shows in that cycle, also the
// payloads while their valid is low: the queue storage the RTL shows).
struct SeqCycleOut {
  bool busy = false, done = false, done_pulse = false, error = false, error_pulse = false;
  uint8_t error_code = 0;
  uint32_t error_index = 0;
  AxiMasterOut axi;  // ar_* and r_ready; the write channels stay idle
  bool pe_cmd_valid = false;
  uint64_t pe_cmd = 0;  // instruction bits 127:64 (pe_cmd_t)
  bool act_cmd_valid = false;
  InstrWords act_cmd{};  // the instruction, bits 58:0 cleared
  std::array<bool, 2> dma_desc_valid{};
  std::array<InstrWords, 2> dma_desc{};  // dma_desc_o[256q +: 256], bits 58:0 cleared
  bool obs_dispatch_valid = false;
  uint32_t obs_dispatch_index = 0;
  uint32_t obs_dispatch_queue = 0;  // 0 seq, 1 PE, 2 ACT, 3 DMA0, 4 DMA1
  std::array<bool, 4> obs_issue_valid{};
  std::array<uint32_t, 4> obs_issue_index{};
  uint32_t obs_sem_valid = 0;           // bit s: semaphore s changes at this edge
  std::vector<uint16_t> obs_sem_value;  // the values after the edge
};

// The engine-facing command outputs of a cycle (a subset of SeqCycleOut):
// registered, they depend on the state only, not on the cycle's inputs.
struct SeqOffers {
  bool pe_cmd_valid = false;
  uint64_t pe_cmd = 0;
  bool act_cmd_valid = false;
  InstrWords act_cmd{};
  std::array<bool, 2> dma_desc_valid{};
  std::array<InstrWords, 2> dma_desc{};
  std::array<uint32_t, 2> dma_index{};  // obs_issue_index[2 + q]: the DMA heads' instruction indices
};

class SequencerModel {
 public:
  // Throws std::invalid_argument for parameters out of range.
  explicit SequencerModel(const SequencerParams& p);
  SequencerModel(const SequencerModel& o);
  SequencerModel& operator=(const SequencerModel& o);
  SequencerModel(SequencerModel&&) noexcept;
  SequencerModel& operator=(SequencerModel&&) noexcept;
  ~SequencerModel();

  // One cycle: the outputs of the current cycle from the state and `in`,
  // then the rising edge that ends it. The reference is valid until the next
  // step(). The model starts in the reset state.
  const SeqCycleOut& step(const SeqCycleIn& in);

  // What step() will show on the engine command ports in the coming cycle,
  // whatever its inputs (the whole-core model reads them before stepping the
  // engines, without copying and stepping the model ahead).
  SeqOffers offers() const;

  uint64_t cycle() const { return cycle_; }
  const SequencerParams& params() const { return p_; }
  // Semaphore values after the last step().
  std::vector<uint16_t> semaphores() const;

 private:
  SequencerParams p_;
  uint64_t cycle_ = 0;
  SeqCycleOut out_;
  struct State;  // private to sequencer_model.cpp
  std::unique_ptr<State> st_;
  // Per engine queue: the head is offered (valid) this cycle. Shared by
  // step() and offers(), so the two agree by construction.
  std::array<bool, 4> head_issue() const;
};

}  // namespace loom
