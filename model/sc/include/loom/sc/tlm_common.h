// Shared pieces of the TLM modules: time <-> cycle (1 ns = 1 cycle), the
// transaction log, the PSUM accumulate extension and the address maps.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "loom/txn.h"

namespace loom::sc {

// 1 ns = 1 cycle; cycle c starts at c ns.
inline sc_core::sc_time cycles(uint64_t c) { return sc_core::sc_time(double(c), sc_core::SC_NS); }
inline uint64_t to_cycle(const sc_core::sc_time& t) {
  return t.value() / sc_core::sc_time(1.0, sc_core::SC_NS).value();
}
// The cycle a transaction happens in: now plus its annotated delay.
inline uint64_t txn_cycle(const sc_core::sc_time& delay) {
  return to_cycle(sc_core::sc_time_stamp() + delay);
}
// Delay from now until cycle c (c must not be in the past).
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
