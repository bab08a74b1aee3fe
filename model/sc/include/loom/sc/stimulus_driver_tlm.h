// Plays a Stimulus like the RTL testbench's driver: SBUF preload write j in
// cycle j, then command i offered in cycle avail_i (stimulus.h) and held
// until the engine accepts it.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <systemc>
#include <tlm>

#include "loom/configs.h"
#include "loom/sc/tlm_common.h"
#include "loom/stimulus.h"

namespace loom::sc {

class StimulusDriverTlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<StimulusDriverTlm> sbuf_socket;
  tlm_utils::simple_initiator_socket<StimulusDriverTlm> cmd_socket;

  SC_HAS_PROCESS(StimulusDriverTlm);
  StimulusDriverTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim);

  bool done() const { return done_; }

 private:
  void play();  // SC_THREAD
  Config cfg_;
  const Stimulus& stim_;
  bool done_ = false;
};

}  // namespace loom::sc
