// The DMA side of a run with descriptors, shared by predict() and the TLM
// model (model/sc DmaTlm): the engine model against a replica of the
// testbench DRAM, stepped one cycle at a time, with the transactions of every
// cycle; and the checks a run makes on the stimulus' ordering rules (race,
// unwritten SBUF bytes, deadlock; stimulus.h). Both models go through these
// classes, so they make the same transactions and report the same errors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/dma.h"
#include "loom/dma_engine_model.h"
#include "loom/dma_txns.h"
#include "loom/functional.h"
#include "loom/stimulus.h"
#include "loom/txn.h"

namespace loom {

// A descriptor that never ran (Prediction::dma_accept / dma_complete).
inline constexpr uint64_t kDmaNever = UINT64_MAX;

// What a queue's driver offers in one cycle (desc_valid, desc and the
// descriptor's index in Stimulus::dmas, which only the transactions use).
struct DmaOffer {
  bool valid = false;
  DmaDesc desc;
  uint32_t index = 0;
};

// DmaEngineModel + AxiMem (the stimulus' DramSetup) + DmaTxnBuilder, one
// cycle per step(), from cycle 0.
class DmaRun {
 public:
  // ndesc: Stimulus::dmas.size() (the size of the per-descriptor results).
  DmaRun(const Config& cfg, const DramSetup& dram, size_t ndesc);
  // The whole core's DMA: `replica` is a copy of the DRAM in the state it has
  // in the cycle the run starts (contents, configuration, seed state); the
  // window is [window_base, window_limit); descriptors are tagged with
  // indices below ndesc (the program's instruction indices).
  DmaRun(const Config& cfg, const AxiMem& replica, uint64_t window_base, uint64_t window_limit,
         size_t ndesc);
  const AxiMem& dram() const { return mem_; }
  // The replica's AxiEvent log (AxiMem::set_record_events; on by default).
  void record_dram_events(bool on) { mem_.set_record_events(on); }

  // Cycle cycle(): the engine's cycle against the DRAM's outputs (its SBUF
  // accesses through `sbuf`), then the DRAM's edge. Appends the cycle's DMA
  // transactions to `out`: accepts, completions, store SBUF read requests,
  // AR / AW handshakes and W beats, but not the SBUF writes of loads, which
  // the SBUF's owner logs like any other SBUF write (outputs().sbuf_wr_*).
  // Records accepts and completions (accepted() / completed()).
  const DmaCycleOut& step(const std::array<DmaOffer, 2>& offers, DmaSbufPort& sbuf,
                          std::vector<Txn>& out);

  uint64_t cycle() const { return cycle_; }  // the next cycle step() runs
  // Nothing runs or will run without a new accept, nothing is outstanding on
  // the bus: the engine is not busy, or every descriptor it still holds sits
  // in a halted queue (those never run; the engine's busy stays high for
  // them, as busy_o does).
  bool idle() const;
  bool halted(int q) const { return engine_.halted(q); }
  // Descriptor accepted / completed by queue q in the last step (-1 if none).
  int64_t accepted(int q) const { return accepted_[q]; }
  int64_t completed(int q) const { return completed_[q]; }

  // Per descriptor: accept and completion cycle (kDmaNever if not yet / never)
  // and code; bytes moved by descriptors completed with kOk.
  const std::vector<uint64_t>& accept_cycles() const { return accept_; }
  const std::vector<uint64_t>& complete_cycles() const { return complete_; }
  const std::vector<uint32_t>& codes() const { return code_; }
  uint64_t bytes() const { return bytes_; }
  // The DRAM window [base, limit) now.
  std::vector<uint8_t> dram_window() const;

 private:
  Config cfg_;
  DramSetup dram_;
  AxiMem mem_;
  DmaEngineModel engine_;
  DmaTxnBuilder builder_;
  uint64_t cycle_ = 0;
  std::array<int64_t, 2> accepted_{-1, -1}, completed_{-1, -1};
  std::array<uint64_t, 2> in_flight_{};  // accepted, not completed, per queue
  std::vector<uint64_t> accept_, complete_;
  std::vector<uint32_t> code_;
  std::vector<uint64_t> desc_bytes_;  // total_bytes() of each accepted descriptor
  uint64_t bytes_ = 0;
};

// The checks of a run with descriptors. Each throws std::invalid_argument
// naming the command or descriptor. `sbuf` is the SBUF of the run (its
// written marks); it must outlive the checker.
class DmaRunChecks {
 public:
  DmaRunChecks(const Config& cfg, const Stimulus& stim, const SbufState& sbuf);

  // Command i, first offered in cycle `avail`, reads partitions 0..rows-1,
  // bytes [sbuf_addr, sbuf_addr + cols) (rows: K of an LDW, or the K of the
  // weights an MM will use): each byte must have been written by then (the
  // RTL's SBUF is not initialised).
  void check_command_reads(size_t i, const PeCmd& cmd, uint32_t rows, uint64_t avail) const;
  // ... and no DMA write may touch them from `avail` up to its retire.
  void add_command_reads(size_t i, const PeCmd& cmd, uint32_t rows, uint64_t avail,
                         uint64_t retire);
  // A DMA SBUF word write in `cycle` (lanes of strb) against the read windows.
  void check_dma_write(uint64_t cycle, uint32_t part, uint32_t addr, uint64_t strb);
  // After descriptor j, a store, completed with kOk: every SBUF byte it read
  // must have been written.
  void check_store_source(size_t j) const;
  // Command `cmd` waits (after_dma) for a descriptor that has not completed,
  // and the DMA is idle. `queue_next`: the descriptor index the waited-for
  // descriptor's queue offers next (-1: none left); `halted`: that queue
  // halted. Returns the deadlock's description, or "" if the descriptor can
  // still run.
  std::string deadlock(size_t cmd, int64_t queue_next, bool halted) const;

 private:
  struct ReadWindow {
    size_t cmd = 0;
    uint64_t from = 0, to = 0;  // cycles: first offered .. retire
    uint32_t rows = 0, addr = 0, n = 0;
  };
  Config cfg_;
  const Stimulus& stim_;
  const SbufState& sbuf_;
  std::vector<ReadWindow> windows_;
};

// "descriptor j (queue q, load|store)".
std::string dma_desc_name(const Stimulus& stim, size_t j);

}  // namespace loom
