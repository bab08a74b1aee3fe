// SBUF as a TLM-2.0 target: byte reads and writes (with byte enables) of the
// partitioned scratchpad. It has one socket per port: the testbench's write
// port, the tensor engine's stationary (LDW) and moving (MM) read ports, and
// the DMA's word port (loads write words with their strobes as byte enables,
// stores read words); all accept reads and writes. Every write is logged as a
// kSbufWrite transaction at sc_time_stamp() + annotated delay.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>

#include "loom/configs.h"
#include "loom/functional.h"
#include "loom/sc/tlm_common.h"

namespace loom::sc {

class SbufTlm : public sc_core::sc_module {
 public:
  // Address = sbuf_address(partition, byte); a transfer stays inside one
  // partition. Writes from the testbench port are at most 8 bytes (one word).
  tlm_utils::simple_target_socket<SbufTlm> wr_socket;
  tlm_utils::simple_target_socket<SbufTlm> rd_stat_socket;
  tlm_utils::simple_target_socket<SbufTlm> rd_mov_socket;
  tlm_utils::simple_target_socket<SbufTlm> dma_socket;

  SbufTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log);

  const SbufState& state() const { return state_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  Config cfg_;
  TxnLog& log_;
  SbufState state_;
};

}  // namespace loom::sc
