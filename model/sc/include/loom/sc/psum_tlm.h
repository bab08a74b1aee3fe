// PSUM as a TLM-2.0 target: int32 entries, written either as overwrite or as
// accumulate (PsumAccExt). Every write is logged as a kPsumWrite transaction
// (value after accumulation) at sc_time_stamp() + annotated delay.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>

#include "loom/configs.h"
#include "loom/functional.h"
#include "loom/sc/tlm_common.h"

namespace loom::sc {

class PsumTlm : public sc_core::sc_module {
 public:
  // Address = psum_address(...), 4-byte little-endian int32 per entry, one
  // entry per transaction. A write carries the partial sum; with
  // PsumAccExt::acc the entry becomes old + sum (int32 wraparound). After a
  // write the payload's data holds the value stored.
  tlm_utils::simple_target_socket<PsumTlm> socket;

  PsumTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log);

  const PsumState& state() const { return state_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  Config cfg_;
  TxnLog& log_;
  PsumState state_;
};

}  // namespace loom::sc
