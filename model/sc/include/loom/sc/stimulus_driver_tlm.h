// Plays a Stimulus like the RTL testbench's driver (schedule of stimulus.h):
// SBUF preload write j in cycle j; command i offered in cycle avail_i and held
// until the engine accepts it, after its after_dma descriptor completed; and
// one thread per DMA queue offering that queue's descriptors in list order,
// each held until accepted, after its after_cmd command retired.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <systemc>
#include <tlm>

#include "loom/configs.h"
#include "loom/dma_run.h"
#include "loom/sc/dma_tlm.h"
#include "loom/sc/tensor_engine_tlm.h"
#include "loom/sc/tlm_common.h"
#include "loom/stimulus.h"

namespace loom::sc {

class StimulusDriverTlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<StimulusDriverTlm> sbuf_socket;
  tlm_utils::simple_initiator_socket<StimulusDriverTlm> cmd_socket;
  // Both queue threads offer through this socket (address 32 * queue).
  tlm_utils::simple_initiator_socket<StimulusDriverTlm> dma_socket;

  // engine, dma: observed for the dependencies (retire and completion
  // cycles, as the RTL testbench's driver observes the monitors), and the DMA
  // also for the deadlock check of a command waiting for a descriptor that
  // can never complete (checks: the run's checks, null without descriptors).
  SC_HAS_PROCESS(StimulusDriverTlm);
  StimulusDriverTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim,
                    const TensorEngineTlm& engine, const DmaTlm& dma, const DmaRunChecks* checks,
                    RunErrors& errors);

  // Every command accepted.
  bool done() const { return done_; }
  // Every descriptor of queue q accepted.
  bool queue_done(int q) const { return queue_next_[q] < 0; }

 private:
  void play();                           // SC_THREAD: preload and commands
  void play_queue0() { play_queue(0); }  // SC_THREADs: one per DMA queue
  void play_queue1() { play_queue(1); }
  void play_commands();
  void play_queue(int q);
  // Waits until descriptor j completed (command i depends on it); returns its
  // completion cycle. Throws std::invalid_argument if it never can.
  uint64_t wait_for_dma(size_t i, size_t j);
  // Waits until command i retired; returns its retire cycle.
  uint64_t wait_for_retire(size_t i);

  Config cfg_;
  const Stimulus& stim_;
  const TensorEngineTlm& engine_;
  const DmaTlm& dma_;
  const DmaRunChecks* checks_;
  RunErrors& errors_;
  bool done_ = false;
  // Descriptor index each queue offers next or waits to offer (-1: none left).
  std::array<int64_t, 2> queue_next_{-1, -1};
};

}  // namespace loom::sc
