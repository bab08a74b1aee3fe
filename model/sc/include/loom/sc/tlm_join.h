// Two initiators onto one target: PsumTlm has a single target socket, and in
// the core both the tensor engine (writes) and the ACT engine (reads) use the
// PSUM. Each transaction is forwarded unchanged, delay included (the PSUM's
// two ports never collide in a cycle of the model: each engine accesses it
// in its own phase, core_phases.h).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>

namespace loom::sc {

class TlmJoin : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TlmJoin> in0, in1;
  tlm_utils::simple_initiator_socket<TlmJoin> out;

  explicit TlmJoin(sc_core::sc_module_name name)
      : sc_module(name), in0("in0"), in1("in1"), out("out") {
    in0.register_b_transport(this, &TlmJoin::forward);
    in1.register_b_transport(this, &TlmJoin::forward);
  }

 private:
  void forward(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    out->b_transport(gp, delay);
  }
};

}  // namespace loom::sc
