#include "loom/sc/act_tlm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "loom/sc/core_phases.h"

namespace loom::sc {

ActTlm::ActTlm(sc_core::sc_module_name name, const Config& cfg, const DmaCycleOut& dma, TxnLog& log,
               RunErrors& errors)
    : sc_module(name),
      cmd_socket("cmd_socket"),
      sbuf_socket("sbuf_socket"),
      psum_socket("psum_socket"),
      cfg_(cfg),
      dma_(dma),
      log_(log),
      errors_(errors),
      model_(cfg, kActQueueDepth),
      word_(cfg.sbuf_word_bytes),
      be_(cfg.sbuf_word_bytes) {
  cmd_socket.register_b_transport(this, &ActTlm::cmd_b_transport);
  in_.sbuf_wr_busy.assign(cfg.partitions, false);
  SC_THREAD(run);
}

void ActTlm::cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_write() || gp.get_data_length() != 32 || gp.get_address() != 0 ||
      gp.get_byte_enable_ptr() != nullptr || delay != sc_core::SC_ZERO_TIME) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  offer_ = {};
  for (int w = 0; w < 4; ++w)
    for (int b = 0; b < 8; ++b) offer_[w] |= uint64_t(gp.get_data_ptr()[8 * w + b]) << (8 * b);
  offer_valid_ = true;
  offer_cycle_ = to_cycle(sc_core::sc_time_stamp());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void ActTlm::run() {
  guarded(errors_, [&] {
    for (uint64_t c = 0;; ++c) {
      core_phase::wait_until(c, core_phase::kAct);
      in_.cmd_valid = offer_valid_ && offer_cycle_ == c;
      in_.cmd = in_.cmd_valid ? offer_ : InstrWords{};
      offer_valid_ = false;  // the offer is this cycle's level only
      std::fill(in_.sbuf_wr_busy.begin(), in_.sbuf_wr_busy.end(), false);
      if (dma_.sbuf_wr_valid) in_.sbuf_wr_busy.at(dma_.sbuf_wr_part) = true;
      pins_ = model_.step(in_, *this);
      if (pins_.issue_valid) {
        Txn t;
        t.cycle = c;
        t.channel = Channel::kActIssue;
        t.tag = pins_.issue_tag;
        log_.push_back(t);
      }
      if (pins_.done) {
        Txn t;
        t.cycle = c;
        t.channel = Channel::kActDone;
        log_.push_back(t);
      }
    }
  });
}

void ActTlm::access(tlm_utils::simple_initiator_socket<ActTlm>& port, tlm::tlm_command cmd,
                    uint64_t address, uint8_t* data, uint32_t n, uint64_t strb) {
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  gp_.set_command(cmd);
  gp_.set_address(address);
  gp_.set_data_ptr(data);
  gp_.set_data_length(n);
  gp_.set_streaming_width(n);
  if (cmd == tlm::TLM_WRITE_COMMAND) {
    for (uint32_t i = 0; i < n; ++i)
      be_[i] = ((strb >> i) & 1) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
    gp_.set_byte_enable_ptr(be_.data());
    gp_.set_byte_enable_length(n);
  } else {
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_byte_enable_length(0);
  }
  gp_.set_dmi_allowed(false);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  port->b_transport(gp_, delay);
  if (gp_.is_response_error())
    throw std::runtime_error(fmt::format("ActTlm: {} {:#x}: {}",
                                         cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read", address,
                                         gp_.get_response_string()));
}

uint32_t ActTlm::psum_read(uint32_t part, uint32_t bank, uint32_t entry) {
  uint8_t data[4] = {};
  access(psum_socket, tlm::TLM_READ_COMMAND,
         psum_address(cfg_.psum_banks, cfg_.psum_entries, part, bank, entry), data, 4, 0);
  return uint32_t(data[0]) | uint32_t(data[1]) << 8 | uint32_t(data[2]) << 16 |
         uint32_t(data[3]) << 24;
}

void ActTlm::sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) {
  access(sbuf_socket, tlm::TLM_READ_COMMAND, sbuf_address(cfg_.sbuf_bytes, part, addr), out,
         cfg_.sbuf_word_bytes, 0);
}

void ActTlm::sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) {
  std::copy_n(data, cfg_.sbuf_word_bytes, word_.begin());
  access(sbuf_socket, tlm::TLM_WRITE_COMMAND, sbuf_address(cfg_.sbuf_bytes, part, addr),
         word_.data(), cfg_.sbuf_word_bytes, strb);
}

}  // namespace loom::sc
