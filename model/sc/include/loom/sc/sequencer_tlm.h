// The sequencer inside the whole-core TLM model: SequencerModel clocked once
// per cycle, owning the replica of the instruction memory (an AxiMem copied
// in the START cycle) that its fetch master drives pin-accurately, as DmaTlm
// keeps the DRAM (the fetch's handshakes depend cycle by cycle on the
// memory's seeded backpressure and latency).
//
// Two phases per cycle (core_phases.h):
//   kSeqOffer  the engine-facing outputs of the cycle (they depend on the
//              state only, so a copy stepped ahead shows them) go out as
//              command transactions: one write on pe_socket / act_socket /
//              dma_socket for every queue head offered (valid) in the cycle;
//   kSeqEdge   SequencerModel steps with every engine output of the cycle
//              (the engines' pins()), then the instruction memory's edge;
//              the sequencer's observation events, the status levels and
//              loom_core's performance counters are recorded, and the run
//              ends (sc_stop()) once the sequencer stopped and every engine
//              and both memories are idle, as predict_core() ends.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <systemc>
#include <tlm>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/core_model.h"
#include "loom/sc/act_tlm.h"
#include "loom/sc/core_dma_tlm.h"
#include "loom/sc/core_tensor_tlm.h"
#include "loom/sc/tlm_common.h"
#include "loom/sequencer_model.h"

namespace loom::sc {

class SequencerTlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<SequencerTlm> pe_socket;   // 8 bytes: pe_cmd_t
  tlm_utils::simple_initiator_socket<SequencerTlm> act_socket;  // 32 bytes: the instruction
  tlm_utils::simple_initiator_socket<SequencerTlm> dma_socket;  // 32 bytes at 32 * queue

  // run: the CSRs and the instruction memory (copied); win_base / win_limit:
  // the window as loom_core presents it (clamp_window_address()).
  SC_HAS_PROCESS(SequencerTlm);
  SequencerTlm(sc_core::sc_module_name name, const Config& cfg, const CoreModelRun& run,
               uint64_t win_base, uint64_t win_limit, const CoreTensorTlm& pe,
               const CoreDmaTlm& dma, const ActTlm& act, TxnLog& log, RunErrors& errors);

  bool finished() const { return finished_; }
  // Status, error, status cycle and the performance counters of the run
  // (the other fields of `out` untouched).
  void export_to(CorePrediction& out) const;

 private:
  void run();  // SC_THREAD: the clock of the whole core
  void offer(uint64_t c);
  void edge(uint64_t c);
  void send(tlm_utils::simple_initiator_socket<SequencerTlm>& port, uint64_t address,
            const uint64_t* words, int nwords, DmaDescIndexExt* ext);

  Config cfg_;
  CoreModelRun run_;
  const CoreTensorTlm& pe_;
  const CoreDmaTlm& dma_;
  const ActTlm& act_;
  TxnLog& log_;
  RunErrors& errors_;
  SequencerModel seq_;
  AxiMem ifetch_;
  SeqCycleIn in_;
  SeqCycleOut peek_;
  uint32_t status_ = 0;  // busy | done << 1 | error << 2 of the previous cycle
  uint32_t ldw_k_ = 0, ldw_m_ = 0;
  bool finished_ = false;
  CorePrediction stats_;  // status and counters only
  tlm::tlm_generic_payload gp_;
  DmaDescIndexExt index_ext_;
  unsigned char buf_[32];
};

}  // namespace loom::sc
