// The SBUF of the whole core as a TLM-2.0 target. SbufTlm logs every write
// as kSbufWrite; in the core the ACT engine's writes are a channel of their
// own (kActWrite, docs/core.md "Observation port"), so this SBUF logs each
// write by the port it arrives on. One socket per port of loom_core's SBUF:
// the tensor engine's reads, the DMA's words (loads log kSbufWrite) and the
// ACT engine's words (kActWrite). Address = sbuf_address(part, byte); a
// write's byte enables are its strobes.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>

#include "loom/configs.h"
#include "loom/functional.h"
#include "loom/sc/tlm_common.h"
#include "loom/txn.h"

namespace loom::sc {

class CoreSbufTlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CoreSbufTlm> pe_socket;   // reads only
  tlm_utils::simple_target_socket<CoreSbufTlm> dma_socket;  // writes log kSbufWrite
  tlm_utils::simple_target_socket<CoreSbufTlm> act_socket;  // writes log kActWrite

  CoreSbufTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log);

  const SbufState& state() const { return state_; }

 private:
  void pe_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void dma_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    access(gp, delay, Channel::kSbufWrite);
  }
  void act_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    access(gp, delay, Channel::kActWrite);
  }
  void access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, Channel write_channel);

  Config cfg_;
  TxnLog& log_;
  SbufState state_;
};

}  // namespace loom::sc
