// The tensor engine inside the whole core. TensorEngineTlm fits a driver that
// offers a command once and waits the returned delay; the core's sequencer
// is clocked and needs the engine's ready, LDW / MM retires with their tags
// and busy_o in every cycle (its queues, in-flight lists and semaphores
// advance on them), and it offers a command as a level that it may hold for
// many cycles. This module is predict_core()'s PeEngine at transaction level:
// TimingCore for accept / issue / retire, WeightBanks for the array, the
// SBUF and PSUM as TLM targets.
//
// Each cycle at core_phase::kTensor: the pins of the cycle (ready while the
// queue has room, the retires of the cycle, busy = a command accepted before
// this cycle has not retired), then the handshake if the sequencer offered a
// command in this cycle and ready is high. An accepted command executes
// then, like predict_core()'s functional core: its SBUF rows are read with
// zero delay, and an MM's PSUM writes are sent with the delay to their
// contract cycle (s + P + 1 + f + m), where PsumTlm logs them.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <map>
#include <systemc>
#include <tlm>
#include <utility>
#include <vector>

#include "loom/configs.h"
#include "loom/functional.h"
#include "loom/pe_cmd.h"
#include "loom/sc/tlm_common.h"
#include "loom/timing.h"

namespace loom::sc {

// The tensor engine's outputs to the sequencer in one cycle.
struct TensorPins {
  bool ready = false;
  bool ldw_retire = false, mm_retire = false;
  uint16_t ldw_tag = 0, mm_tag = 0;
  bool busy = false;
  bool accepted = false;  // valid && ready this cycle
};

class CoreTensorTlm : public sc_core::sc_module {
 public:
  // Command port: the sequencer's pe_cmd_valid / pe_cmd of the current cycle,
  // a TLM_WRITE_COMMAND of 8 bytes (pe_cmd_t, little-endian) at address 0,
  // zero delay, sent in every cycle the command is offered (a held command
  // is sent again; the handshake comes back as pins().ready).
  tlm_utils::simple_target_socket<CoreTensorTlm> cmd_socket;
  tlm_utils::simple_initiator_socket<CoreTensorTlm> sbuf_socket;  // row reads
  tlm_utils::simple_initiator_socket<CoreTensorTlm> psum_socket;  // MM results

  SC_HAS_PROCESS(CoreTensorTlm);
  CoreTensorTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log, RunErrors& errors);
  ~CoreTensorTlm() override;

  // The pins of the current cycle (valid from core_phase::kTensor on).
  const TensorPins& pins() const { return pins_; }

 private:
  void run();  // SC_THREAD: one cycle per clock period
  void cycle(uint64_t c);
  void cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  std::vector<std::vector<uint8_t>> read_rows(uint32_t addr, uint32_t rows, uint32_t n);
  void execute(const PeCmd& cmd, const OpTiming& t, uint32_t tag);

  Config cfg_;
  TxnLog& log_;
  RunErrors& errors_;
  TimingCore timing_;
  WeightBanks weights_;
  TensorPins pins_;
  bool offer_valid_ = false;
  uint64_t offer_ = 0;
  uint64_t offer_cycle_ = 0;
  uint64_t pushed_ = 0;
  static constexpr uint64_t kNone = UINT64_MAX;
  uint64_t busy_until_ = kNone;
  std::multimap<uint64_t, std::pair<bool, uint16_t>> retires_;  // cycle -> (MM?, tag)
  tlm::tlm_generic_payload gp_;
  PsumAccExt acc_ext_;
};

}  // namespace loom::sc
