#include "loom/sc/psum_tlm.h"

#include <cstring>

namespace loom::sc {

PsumTlm::PsumTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log)
    : sc_module(name), socket("socket"), cfg_(cfg), log_(log), state_(cfg) {
  socket.register_b_transport(this, &PsumTlm::b_transport);
}

void PsumTlm::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t a = gp.get_address();
  const uint64_t per_part = uint64_t(cfg_.psum_banks) * cfg_.psum_entries;
  if (gp.get_data_length() != 4 || a % 4 != 0 || a / 4 >= per_part * cfg_.partitions ||
      gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const uint64_t idx = a / 4;
  const uint32_t part = uint32_t(idx / per_part);
  const uint32_t bank = uint32_t(idx % per_part / cfg_.psum_entries);
  const uint32_t entry = uint32_t(idx % cfg_.psum_entries);
  unsigned char* data = gp.get_data_ptr();
  auto load = [&] {
    uint32_t u = 0;
    for (int i = 0; i < 4; ++i) u |= uint32_t(data[i]) << (8 * i);
    return static_cast<int32_t>(u);
  };
  auto store = [&](int32_t v) {
    const uint32_t u = static_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) data[i] = static_cast<unsigned char>(u >> (8 * i));
  };
  if (gp.is_read()) {
    store(state_.value(part, bank, entry));
  } else if (gp.is_write()) {
    PsumAccExt* ext = nullptr;
    gp.get_extension(ext);
    const bool acc = ext && ext->acc;
    const int32_t v = state_.update(part, bank, entry, load(), acc);
    store(v);
    Txn t;
    t.cycle = txn_cycle(delay);
    t.channel = Channel::kPsumWrite;
    t.part = part;
    t.bank = bank;
    t.addr = entry;
    t.data = static_cast<uint32_t>(v);
    t.strb = acc ? 1 : 0;
    log_.push_back(t);
  } else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace loom::sc
