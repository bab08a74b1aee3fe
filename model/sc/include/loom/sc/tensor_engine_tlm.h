// The tensor engine (command queue, controller, P x P weight-stationary array)
// at transaction level. Commands arrive on cmd_socket (8-byte write of the
// packed pe_cmd_t); the timing core decides accept and issue cycles; at the
// issue cycle the engine reads SBUF and writes PSUM through its initiator
// sockets with delays annotated to the contract's event cycles.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <systemc>
#include <tlm>
#include <vector>

#include "loom/configs.h"
#include "loom/dma_run.h"
#include "loom/functional.h"
#include "loom/sc/tlm_common.h"
#include "loom/timing.h"

namespace loom::sc {

class TensorEngineTlm : public sc_core::sc_module {
 public:
  // Command port: TLM_WRITE_COMMAND of 8 bytes, pe_cmd_t little-endian, at
  // the cycle the driver first offers it (valid raised). The returned delay
  // is the wait until the command is accepted (cmd_ready_o backpressure);
  // the initiator must wait it before offering the next command.
  tlm_utils::simple_target_socket<TensorEngineTlm> cmd_socket;
  tlm_utils::simple_initiator_socket<TensorEngineTlm> sbuf_stat_socket;  // LDW reads
  tlm_utils::simple_initiator_socket<TensorEngineTlm> sbuf_mov_socket;   // MM reads
  tlm_utils::simple_initiator_socket<TensorEngineTlm> psum_socket;

  // checks: with DMA descriptors, the run's checks on every command's SBUF
  // reads when it is first offered (bytes written, race window up to its
  // retire); null without descriptors (validate() checked them statically).
  SC_HAS_PROCESS(TensorEngineTlm);
  TensorEngineTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log,
                  DmaRunChecks* checks, RunErrors& errors);
  ~TensorEngineTlm() override;

  uint64_t macs() const { return macs_; }
  // The issue cycle of every command, as seen by the engine's thread.
  const std::vector<uint64_t>& issue_cycles() const { return issue_cycles_; }
  // The retire cycle of every command accepted so far (index = accept order).
  // Issue is in order and depends only on earlier commands, so it is known
  // from the command's accept on.
  const std::vector<uint64_t>& retire_cycles() const { return retire_cycles_; }
  // Notified in every retire cycle (once per command; retires are not in
  // command order: an LDW can retire before the long MM issued ahead of it).
  const sc_core::sc_event& retire_event() const { return retired_.default_event(); }
  const WeightBanks& weights() const { return weights_; }

 private:
  struct Queued {
    PeCmd cmd;
    uint64_t index;  // accept order since reset; the tag is index mod 2^16
    OpTiming timing;
  };

  void cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void run();         // SC_THREAD: issue_loop() with its exceptions handed to the run
  void issue_loop();  // issues and executes queued commands in order
  std::vector<std::vector<uint8_t>> read_rows(
      tlm_utils::simple_initiator_socket<TensorEngineTlm>& port, uint32_t addr, uint32_t rows,
      uint32_t n, uint64_t issue);
  void execute_ldw(const Queued& q);
  void execute_mm(const Queued& q);

  Config cfg_;
  TxnLog& log_;
  DmaRunChecks* checks_;
  RunErrors& errors_;
  TimingCore timing_;
  WeightBanks weights_;
  std::deque<Queued> queue_;
  sc_core::sc_event queued_;
  uint64_t accepted_ = 0;
  uint64_t macs_ = 0;
  std::vector<uint64_t> issue_cycles_;
  std::vector<uint64_t> retire_cycles_;
  sc_core::sc_event_queue retired_;
  uint32_t last_ldw_rows_ = 0;  // K of the weights the next MM uses (0 before any LDW)
  tlm::tlm_generic_payload gp_;
  PsumAccExt acc_ext_;
};

}  // namespace loom::sc
