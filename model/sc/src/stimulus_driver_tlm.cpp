#include "loom/sc/stimulus_driver_tlm.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

namespace loom::sc {

StimulusDriverTlm::StimulusDriverTlm(sc_core::sc_module_name name, const Config& cfg,
                                     const Stimulus& stim)
    : sc_module(name),
      sbuf_socket("sbuf_socket"),
      cmd_socket("cmd_socket"),
      cfg_(cfg),
      stim_(stim) {
  SC_THREAD(play);
}

void StimulusDriverTlm::play() {
  tlm::tlm_generic_payload gp;

  // SBUF preload: write j in cycle j.
  std::vector<uint8_t> data;
  std::vector<unsigned char> be;
  for (size_t j = 0; j < stim_.preload.size(); ++j) {
    const SbufWrite& w = stim_.preload[j];
    wait(delay_until(j));
    data = w.data;
    be.assign(data.size(), TLM_BYTE_DISABLED);
    for (size_t i = 0; i < be.size() && i < 64; ++i) {
      if ((w.strb >> i) & 1) be[i] = TLM_BYTE_ENABLED;
    }
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(sbuf_address(cfg_.sbuf_bytes, w.part, w.addr));
    gp.set_data_ptr(data.data());
    gp.set_data_length(uint32_t(data.size()));
    gp.set_streaming_width(uint32_t(data.size()));
    gp.set_byte_enable_ptr(be.data());
    gp.set_byte_enable_length(uint32_t(be.size()));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sbuf_socket->b_transport(gp, delay);
    if (gp.is_response_error()) {
      throw std::runtime_error(
          fmt::format("StimulusDriverTlm: preload write {}: {}", j, gp.get_response_string()));
    }
  }

  // Commands: offered in cycle avail_i, held until accepted (the returned
  // delay), the next one offered gap cycles after the cycle following.
  uint64_t next = stim_.preload.size();
  unsigned char raw[8];
  for (size_t i = 0; i < stim_.cmds.size(); ++i) {
    wait(delay_until(next + stim_.cmds[i].gap));
    const uint64_t v = stim_.cmds[i].cmd.pack();
    for (int b = 0; b < 8; ++b) raw[b] = static_cast<unsigned char>(v >> (8 * b));
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(raw);
    gp.set_data_length(8);
    gp.set_streaming_width(8);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cmd_socket->b_transport(gp, delay);
    if (gp.is_response_error()) {
      throw std::runtime_error(
          fmt::format("StimulusDriverTlm: command {}: {}", i, gp.get_response_string()));
    }
    wait(delay);  // now in the accept cycle
    next = to_cycle(sc_core::sc_time_stamp()) + 1;
  }
  done_ = true;
}

}  // namespace loom::sc
