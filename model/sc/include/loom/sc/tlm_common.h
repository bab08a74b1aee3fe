// Shared pieces of the TLM modules: time <-> cycle (1 ns = 1 cycle), the
// transaction log, the PSUM accumulate and DMA descriptor index extensions,
// the address maps and the run's error sink.
#pragma once

#include <cstdint>
#include <exception>
#include <systemc>
#include <tlm>
#include <vector>

#include "loom/txn.h"

namespace loom::sc {

// 1 ns = 1 cycle; cycle c starts at c ns.
inline sc_core::sc_time cycles(uint64_t c) { return sc_core::sc_time(double(c), sc_core::SC_NS); }
// Clocked models (DmaTlm) evaluate cycle c at c ns + half a period: after
// everything the other modules do at the start of the cycle (offers, command
// pushes), like the registers that sample their inputs at the edge that ends
// the cycle. The time still maps to cycle c.
inline sc_core::sc_time edge_phase() { return sc_core::sc_time(0.5, sc_core::SC_NS); }
inline uint64_t to_cycle(const sc_core::sc_time& t) {
  return t.value() / sc_core::sc_time(1.0, sc_core::SC_NS).value();
}
// The cycle a transaction happens in: now plus its annotated delay.
inline uint64_t txn_cycle(const sc_core::sc_time& delay) {
  return to_cycle(sc_core::sc_time_stamp() + delay);
}
// Delay from now until the start of cycle c (c must not be in the past; zero
// if now is later in cycle c, e.g. at its edge phase).
sc_core::sc_time delay_until(uint64_t c);

// Every module appends the observable events it sees; the top sorts them.
using TxnLog = std::vector<Txn>;

// PSUM write flavour: accumulate into the old value (true) or overwrite.
// Missing extension means overwrite.
struct PsumAccExt : tlm::tlm_extension<PsumAccExt> {
  bool acc = false;
  tlm::tlm_extension_base* clone() const override {
    auto* e = new PsumAccExt;
    e->acc = acc;
    return e;
  }
  void copy_from(const tlm::tlm_extension_base& o) override {
    acc = static_cast<const PsumAccExt&>(o).acc;
  }
};

// Which descriptor of the stimulus (index in Stimulus::dmas) a descriptor
// write carries. Testbench bookkeeping for the transactions' tags, like the
// index the RTL driver hands its monitor; the hardware does not see it.
struct DmaDescIndexExt : tlm::tlm_extension<DmaDescIndexExt> {
  uint32_t index = 0;
  tlm::tlm_extension_base* clone() const override {
    auto* e = new DmaDescIndexExt;
    e->index = index;
    return e;
  }
  void copy_from(const tlm::tlm_extension_base& o) override {
    index = static_cast<const DmaDescIndexExt&>(o).index;
  }
};

// The first exception of a run. A process that catches one hands it over
// and the simulation stops; run_systemc_model() rethrows it after sc_start()
// (an exception escaping a SystemC process would reach the caller as an
// sc_report, losing its type: predict()'s std::invalid_argument must stay
// one).
class RunErrors {
 public:
  void fail(std::exception_ptr e) {
    if (!first_) first_ = e;
    sc_core::sc_stop();
  }
  std::exception_ptr first() const { return first_; }

 private:
  std::exception_ptr first_;
};

// Runs a process body, handing any exception to `errors` (SystemC's own
// unwinding of killed processes passes through).
template <class F>
void guarded(RunErrors& errors, F&& body) {
  try {
    body();
  } catch (const sc_core::sc_unwind_exception&) {
    throw;
  } catch (...) {
    errors.fail(std::current_exception());
  }
}

// SBUF address map: partition p, byte b -> p * sbuf_bytes + b.
inline uint64_t sbuf_address(uint32_t sbuf_bytes, uint32_t part, uint32_t byte) {
  return uint64_t(part) * sbuf_bytes + byte;
}
// PSUM address map (4-byte int32 entries, little-endian):
// ((p * banks + bank) * entries + entry) * 4.
inline uint64_t psum_address(uint32_t banks, uint32_t entries, uint32_t part, uint32_t bank,
                             uint32_t entry) {
  return ((uint64_t(part) * banks + bank) * entries + entry) * 4;
}

}  // namespace loom::sc
