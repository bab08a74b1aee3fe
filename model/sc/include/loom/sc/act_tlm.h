// The ACT engine inside the whole core: ActEngineModel stepped once per
// cycle at core_phase::kAct, after the DMA (whose SBUF word write of the
// cycle takes that partition's write port: the ACT sees it as busy). Its
// PSUM reads and SBUF word reads / writes are TLM transactions to the PSUM
// and the SBUF in the cycle the model makes them; the SBUF logs the writes
// (kActWrite), this module logs kActIssue and kActDone.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>
#include <vector>

#include "loom/act_engine_model.h"
#include "loom/configs.h"
#include "loom/dma_engine_model.h"
#include "loom/isa.h"
#include "loom/sc/tlm_common.h"

namespace loom::sc {

class ActTlm : public sc_core::sc_module, private ActMemPort {
 public:
  // Command port: the sequencer's act_cmd_valid / act_cmd of the current
  // cycle, a TLM_WRITE_COMMAND of 32 bytes (the instruction's four 64-bit
  // words, little-endian) at address 0, zero delay, sent in every cycle the
  // command is offered; the handshake comes back as pins().cmd_ready.
  tlm_utils::simple_target_socket<ActTlm> cmd_socket;
  tlm_utils::simple_initiator_socket<ActTlm> sbuf_socket;  // word reads and writes
  tlm_utils::simple_initiator_socket<ActTlm> psum_socket;  // entry reads

  // dma: the DMA's outputs of the cycle (its SBUF write port use).
  SC_HAS_PROCESS(ActTlm);
  ActTlm(sc_core::sc_module_name name, const Config& cfg, const DmaCycleOut& dma, TxnLog& log,
         RunErrors& errors);

  // The outputs of the current cycle (valid from core_phase::kAct).
  const ActCycleOut& pins() const { return pins_; }
  bool busy() const { return model_.busy(); }  // busy_o of the next cycle

 private:
  void run();  // SC_THREAD
  void cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void access(tlm_utils::simple_initiator_socket<ActTlm>& port, tlm::tlm_command cmd,
              uint64_t address, uint8_t* data, uint32_t n, uint64_t strb);
  // ActMemPort
  uint32_t psum_read(uint32_t part, uint32_t bank, uint32_t entry) override;
  void sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) override;
  void sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override;

  Config cfg_;
  const DmaCycleOut& dma_;
  TxnLog& log_;
  RunErrors& errors_;
  ActEngineModel model_;
  ActCycleIn in_;
  bool offer_valid_ = false;
  uint64_t offer_cycle_ = 0;
  InstrWords offer_{};
  ActCycleOut pins_;
  tlm::tlm_generic_payload gp_;
  std::vector<uint8_t> word_;
  std::vector<unsigned char> be_;
};

}  // namespace loom::sc
