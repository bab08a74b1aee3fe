// The order of one cycle in the whole-core TLM model (CoreTlm). Every clocked
// module runs once per cycle at its own phase inside the cycle's nanosecond,
// in the order of predict_core()'s loop, so each sees what the modules before
// it did in the same cycle (the RTL's combinational paths inside a cycle):
//   c + 0      SequencerTlm offers: the engine-facing outputs of the cycle
//              (state only) as command transactions to the engines;
//   c + 0.1    CoreTensorTlm: ready / retires / busy, the handshake, the
//              command's SBUF reads and PSUM writes;
//   c + 0.5    CoreDmaTlm: one DmaRun cycle (edge_phase(), as DmaTlm), its
//              SBUF word access;
//   c + 0.6    ActTlm: one ActEngineModel cycle (sees the DMA's SBUF write
//              port of this cycle as busy);
//   c + 0.9    SequencerTlm edge: SequencerModel steps with every engine
//              output of the cycle, the instruction memory's edge.
// All phases map to cycle c (to_cycle()).
#pragma once

#include <systemc>

namespace loom::sc::core_phase {

inline sc_core::sc_time at(uint64_t cycle, uint32_t phase_ps) {
  return sc_core::sc_time(double(cycle) * 1000.0 + phase_ps, sc_core::SC_PS);
}

inline constexpr uint32_t kSeqOffer = 0;
inline constexpr uint32_t kTensor = 100;
inline constexpr uint32_t kDma = 500;
inline constexpr uint32_t kAct = 600;
inline constexpr uint32_t kSeqEdge = 900;

// Waits until `phase` of `cycle` (which must not be in the past).
inline void wait_until(uint64_t cycle, uint32_t phase_ps) {
  const sc_core::sc_time t = at(cycle, phase_ps);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (t > now) sc_core::wait(t - now);
}

}  // namespace loom::sc::core_phase
