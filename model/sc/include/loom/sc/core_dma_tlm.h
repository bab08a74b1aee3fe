// The DMA inside the whole core. DmaTlm plays a Stimulus' descriptors (its
// DRAM comes from the stimulus' DramSetup and its descriptor port blocks the
// offering thread until the accept); in the core the sequencer offers
// descriptors as levels every cycle and reads desc_ready, completions,
// halted and busy every cycle, and the DRAM is the replica of the
// testbench's AxiMem with the CSR window. So this module steps a DmaRun
// built with the core's constructor (DmaRun(cfg, replica, base, limit,
// ndesc)) once per cycle at core_phase::kDma (the edge phase, as DmaTlm),
// with the offers the sequencer sent in that cycle.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <systemc>
#include <tlm>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/dma_run.h"
#include "loom/sc/tlm_common.h"

namespace loom::sc {

class CoreDmaTlm : public sc_core::sc_module, private DmaSbufPort {
 public:
  // Descriptor port: the sequencer's dma_desc_valid[q] / dma_desc[q] of the
  // current cycle, a TLM_WRITE_COMMAND of 32 bytes (the four 64-bit words of
  // the DMA instruction, little-endian) at address 32 * q, zero delay, with a
  // DmaDescIndexExt carrying the instruction's program index (the
  // transactions' tags); sent in every cycle the descriptor is offered.
  tlm_utils::simple_target_socket<CoreDmaTlm> desc_socket;
  // SBUF word port: WB-byte reads (stores) and writes with byte enables
  // (loads), zero delay, in the cycle the engine model makes them.
  tlm_utils::simple_initiator_socket<CoreDmaTlm> sbuf_socket;

  SC_HAS_PROCESS(CoreDmaTlm);
  CoreDmaTlm(sc_core::sc_module_name name, const Config& cfg, const AxiMem& dram,
             uint64_t window_base, uint64_t window_limit, size_t ndesc, TxnLog& log,
             RunErrors& errors);

  // The engine's outputs of the current cycle (valid from core_phase::kDma).
  const DmaCycleOut& pins() const { return pins_; }
  // The offers of the current cycle (valid from core_phase::kDma).
  const std::array<DmaOffer, 2>& offers() const { return stepped_offers_; }
  bool idle() const { return run_.idle(); }
  const AxiMem& dram() const { return run_.dram(); }

 private:
  void run();  // SC_THREAD: one DmaRun cycle per clock period
  void desc_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void sbuf_access(tlm::tlm_command cmd, uint32_t part, uint32_t addr, uint8_t* data,
                   uint64_t strb);
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override;
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override;

  Config cfg_;
  TxnLog& log_;
  RunErrors& errors_;
  DmaRun run_;
  std::array<DmaOffer, 2> offer_;  // this cycle's levels
  std::array<uint64_t, 2> offer_cycle_{};
  std::array<DmaOffer, 2> stepped_offers_;
  DmaCycleOut pins_;
  std::vector<Txn> txns_;
  tlm::tlm_generic_payload gp_;
  std::vector<uint8_t> word_;
  std::vector<unsigned char> be_;
};

}  // namespace loom::sc
