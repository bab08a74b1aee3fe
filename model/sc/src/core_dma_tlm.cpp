#include "loom/sc/core_dma_tlm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "loom/sc/core_phases.h"

namespace loom::sc {

CoreDmaTlm::CoreDmaTlm(sc_core::sc_module_name name, const Config& cfg, const AxiMem& dram,
                       uint64_t window_base, uint64_t window_limit, size_t ndesc, TxnLog& log,
                       RunErrors& errors)
    : sc_module(name),
      desc_socket("desc_socket"),
      sbuf_socket("sbuf_socket"),
      cfg_(cfg),
      log_(log),
      errors_(errors),
      run_(cfg, dram, window_base, window_limit, ndesc),
      word_(cfg.sbuf_word_bytes),
      be_(cfg.sbuf_word_bytes) {
  desc_socket.register_b_transport(this, &CoreDmaTlm::desc_b_transport);
  SC_THREAD(run);
}

void CoreDmaTlm::desc_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t a = gp.get_address();
  DmaDescIndexExt* ext = nullptr;
  gp.get_extension(ext);
  if (!gp.is_write() || gp.get_data_length() != 32 || a % 32 != 0 || a / 32 > 1 || !ext ||
      gp.get_byte_enable_ptr() != nullptr || delay != sc_core::SC_ZERO_TIME) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const int q = int(a / 32);
  std::array<uint64_t, 4> words{};
  for (int w = 0; w < 4; ++w)
    for (int b = 0; b < 8; ++b) words[w] |= uint64_t(gp.get_data_ptr()[8 * w + b]) << (8 * b);
  offer_[q].valid = true;
  offer_[q].desc = DmaDesc::unpack(words);
  offer_[q].index = ext->index;
  offer_cycle_[q] = to_cycle(sc_core::sc_time_stamp());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void CoreDmaTlm::run() {
  guarded(errors_, [&] {
    for (uint64_t c = 0;; ++c) {
      core_phase::wait_until(c, core_phase::kDma);
      if (run_.cycle() != c)
        throw std::logic_error(fmt::format("CoreDmaTlm: cycle {} stepped in {}", run_.cycle(), c));
      for (int q = 0; q < 2; ++q) {
        stepped_offers_[q] = DmaOffer{};
        if (offer_[q].valid && offer_cycle_[q] == c) stepped_offers_[q] = offer_[q];
        offer_[q].valid = false;  // the offer is this cycle's level only
      }
      txns_.clear();
      // The engine's SBUF accesses of the cycle are b_transports from inside step().
      pins_ = run_.step(stepped_offers_, *this, txns_);
      log_.insert(log_.end(), txns_.begin(), txns_.end());
    }
  });
}

void CoreDmaTlm::sbuf_access(tlm::tlm_command cmd, uint32_t part, uint32_t addr, uint8_t* data,
                             uint64_t strb) {
  const uint32_t wb = cfg_.sbuf_word_bytes;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  gp_.set_command(cmd);
  gp_.set_address(sbuf_address(cfg_.sbuf_bytes, part, addr));
  gp_.set_data_ptr(data);
  gp_.set_data_length(wb);
  gp_.set_streaming_width(wb);
  if (cmd == tlm::TLM_WRITE_COMMAND) {
    for (uint32_t i = 0; i < wb; ++i)
      be_[i] = ((strb >> i) & 1) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
    gp_.set_byte_enable_ptr(be_.data());
    gp_.set_byte_enable_length(wb);
  } else {
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_byte_enable_length(0);
  }
  gp_.set_dmi_allowed(false);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sbuf_socket->b_transport(gp_, delay);
  if (gp_.is_response_error())
    throw std::runtime_error(fmt::format("CoreDmaTlm: SBUF {} part={} addr={:#x}: {}",
                                         cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read", part,
                                         addr, gp_.get_response_string()));
}

void CoreDmaTlm::read_word(uint32_t part, uint32_t addr, uint8_t* out) {
  sbuf_access(tlm::TLM_READ_COMMAND, part, addr, out, 0);
}

void CoreDmaTlm::write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) {
  std::copy_n(data, cfg_.sbuf_word_bytes, word_.begin());
  sbuf_access(tlm::TLM_WRITE_COMMAND, part, addr, word_.data(), strb);
}

}  // namespace loom::sc
