// loom_core at transaction level (docs/model.md "The whole core"): the
// sequencer, the tensor engine, the DMA with its DRAM replica, the ACT
// engine, the SBUF and the PSUM, wired as rtl/loom_core.sv wires the blocks.
// Bindings:
//   seq.pe_socket    -> pe.cmd_socket
//   seq.act_socket   -> act.cmd_socket
//   seq.dma_socket   -> dma.desc_socket
//   pe.sbuf_socket   -> sbuf.pe_socket
//   dma.sbuf_socket  -> sbuf.dma_socket
//   act.sbuf_socket  -> sbuf.act_socket
//   pe.psum_socket   -> psum_join.in0 -> psum.socket
//   act.psum_socket  -> psum_join.in1
// The cycle's order is core_phases.h's.
#pragma once

#include <systemc>

#include "loom/configs.h"
#include "loom/core_model.h"
#include "loom/sc/act_tlm.h"
#include "loom/sc/core_dma_tlm.h"
#include "loom/sc/core_sbuf_tlm.h"
#include "loom/sc/core_tensor_tlm.h"
#include "loom/sc/psum_tlm.h"
#include "loom/sc/sequencer_tlm.h"
#include "loom/sc/tlm_common.h"
#include "loom/sc/tlm_join.h"

namespace loom::sc {

class CoreTlm : public sc_core::sc_module {
 public:
  // run: the CSRs and both memories as they are in the START cycle (copied).
  CoreTlm(sc_core::sc_module_name name, const Config& cfg, const CoreModelRun& run);

  // After sc_start(): what predict_core() returns. Throws the first
  // exception of a process, and std::logic_error if the simulation ended
  // before the run did.
  CorePrediction result() const;

  TxnLog log;
  RunErrors errors;
  CoreSbufTlm sbuf;
  PsumTlm psum;
  TlmJoin psum_join;
  CoreTensorTlm pe;
  CoreDmaTlm dma;
  ActTlm act;
  SequencerTlm seq;

 private:
  Config cfg_;
  uint64_t dump_base_, dump_bytes_;
};

}  // namespace loom::sc
