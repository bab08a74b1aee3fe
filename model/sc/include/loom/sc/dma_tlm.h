// The DMA engine (docs/dma.md) and the testbench DRAM behind it, as a clocked
// TLM module. An SC_THREAD steps the core's DmaRun (DmaEngineModel against an
// AxiMem with the stimulus' DramSetup, transactions through DmaTxnBuilder,
// exactly as predict() does) one cycle per clock period, at the edge phase of
// the cycle (tlm_common.h): the cycle's offers and command pushes, made at the
// start of the cycle by the other modules, are in place.
//
// The DRAM side stays pin-accurate inside the module: the DMA's timing
// contract is stated per AXI handshake, and the handshakes depend cycle by
// cycle on the slave's seeded backpressure, latencies and outstanding limits
// (AxiMem draws its random choices every cycle), so an abstracted DRAM
// transport could not reproduce the RTL's cycles. The SBUF side is
// transaction level: every word the engine model reads (stores) or writes
// (loads) is a b_transport on sbuf_socket in the cycle it happens; loads'
// strobes are the byte enables, and the SBUF logs those writes.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "loom/configs.h"
#include "loom/dma_run.h"
#include "loom/prediction.h"
#include "loom/sc/tlm_common.h"
#include "loom/stimulus.h"

namespace loom::sc {

class DmaTlm : public sc_core::sc_module, private DmaSbufPort {
 public:
  // Descriptor port (desc_valid_i / desc_ready_o of both queues):
  // TLM_WRITE_COMMAND of 32 bytes, DmaDesc::pack() words 0..3 little-endian,
  // at address 32 * q for queue q, with a DmaDescIndexExt. The annotated delay
  // is waited first; then the descriptor is offered (valid) and b_transport
  // blocks until the queue accepts it, returning in the accept cycle (at its
  // edge phase). For a halted queue it never returns, like a valid that is
  // never taken. One offer per queue at a time.
  tlm_utils::simple_target_socket<DmaTlm> desc_socket;
  // SBUF word port: SbufWordBytes-byte reads (stores) and writes with byte
  // enables (loads), at sbuf_address(part, addr), zero delay.
  tlm_utils::simple_initiator_socket<DmaTlm> sbuf_socket;

  // checks: the run's checks (race on every SBUF write, store source at a
  // successful store's completion); null without descriptors. The module
  // runs only if the stimulus has descriptors: a run without them has no
  // DMA activity and, like predict(), no DMA results.
  SC_HAS_PROCESS(DmaTlm);
  DmaTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim, TxnLog& log,
         DmaRunChecks* checks, RunErrors& errors);
  ~DmaTlm() override;

  // Notified (delta) at the edge phase of every cycle stepped, after the step.
  const sc_core::sc_event& edge_event() const { return edge_ev_; }
  // Descriptor j's completion cycle, kDmaNever until it completes.
  uint64_t complete_cycle(size_t j) const;
  // Nothing queued, running or outstanding on the bus (true without descriptors).
  bool idle() const { return !run_ || run_->idle(); }
  bool halted(int q) const { return run_ && run_->halted(q); }
  // The clock stopped: every descriptor of the stimulus was accepted or is
  // behind a halted queue, and the DMA is idle; nothing can happen any more.
  bool stopped() const { return stopped_; }

  // After the run: dma_accept, dma_complete, dma_code, dma_bytes, final_dram
  // (left empty without descriptors, as predict() does).
  void export_to(Prediction& p) const;

 private:
  void run();  // SC_THREAD: the clock
  void desc_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void sbuf_access(tlm::tlm_command cmd, uint32_t part, uint32_t addr, uint8_t* data,
                   uint64_t strb);
  // DmaSbufPort: the engine model's SBUF accesses of the current cycle.
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override;
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override;

  Config cfg_;
  const Stimulus& stim_;
  TxnLog& log_;
  DmaRunChecks* checks_;
  RunErrors& errors_;
  std::unique_ptr<DmaRun> run_;       // null without descriptors
  std::array<size_t, 2> expected_{};  // descriptors of each queue in the stimulus
  std::array<size_t, 2> accepted_{};  // ... accepted so far
  std::array<DmaOffer, 2> offer_;     // desc_valid / desc of each queue
  std::array<sc_core::sc_event, 2> accepted_ev_;
  sc_core::sc_event edge_ev_;
  bool stopped_ = false;
  uint64_t last_offer_ = 0;  // cycle of the latest offer
  std::vector<Txn> txns_;    // one cycle's transactions
  tlm::tlm_generic_payload gp_;
  std::vector<uint8_t> word_;
  std::vector<unsigned char> be_;
};

}  // namespace loom::sc
