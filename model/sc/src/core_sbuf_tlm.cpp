#include "loom/sc/core_sbuf_tlm.h"

namespace loom::sc {

CoreSbufTlm::CoreSbufTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log)
    : sc_module(name),
      pe_socket("pe_socket"),
      dma_socket("dma_socket"),
      act_socket("act_socket"),
      cfg_(cfg),
      log_(log),
      state_(cfg) {
  pe_socket.register_b_transport(this, &CoreSbufTlm::pe_b_transport);
  dma_socket.register_b_transport(this, &CoreSbufTlm::dma_b_transport);
  act_socket.register_b_transport(this, &CoreSbufTlm::act_b_transport);
}

void CoreSbufTlm::pe_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_read()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  access(gp, delay, Channel::kSbufWrite);
}

void CoreSbufTlm::access(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay,
                         Channel write_channel) {
  const uint64_t a = gp.get_address();
  const uint32_t n = gp.get_data_length();
  const uint32_t part = uint32_t(a / cfg_.sbuf_bytes);
  const uint32_t byte = uint32_t(a % cfg_.sbuf_bytes);
  if (part >= cfg_.partitions || uint64_t(byte) + n > cfg_.sbuf_bytes ||
      gp.get_streaming_width() < n) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (gp.is_read()) {
    state_.read(part, byte, gp.get_data_ptr(), n);
  } else if (gp.is_write()) {
    uint64_t strb = 0;
    const unsigned char* be = gp.get_byte_enable_ptr();
    const uint32_t be_len = gp.get_byte_enable_length();
    for (uint32_t i = 0; i < n && i < 64; ++i)
      if (!be || be[i % be_len] == TLM_BYTE_ENABLED) strb |= uint64_t(1) << i;
    state_.write(part, byte, gp.get_data_ptr(), n, strb);
    append_sbuf_write(log_, txn_cycle(delay), part, byte, gp.get_data_ptr(), n, strb,
                      write_channel);
  } else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace loom::sc
