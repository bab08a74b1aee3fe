#include "loom/sc/dma_tlm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace loom::sc {
namespace {
// No DMA event (other than AR / AW handshakes) and no new offer for this many
// cycles while the clock runs is a model bug (the stimulus' own deadlocks are
// reported by the driver, by name).
constexpr uint64_t kStallCycles = 1u << 24;
}  // namespace

DmaTlm::DmaTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim, TxnLog& log,
               DmaRunChecks* checks, RunErrors& errors)
    : sc_module(name),
      desc_socket("desc_socket"),
      sbuf_socket("sbuf_socket"),
      cfg_(cfg),
      stim_(stim),
      log_(log),
      checks_(checks),
      errors_(errors),
      word_(cfg.sbuf_word_bytes),
      be_(cfg.sbuf_word_bytes) {
  desc_socket.register_b_transport(this, &DmaTlm::desc_b_transport);
  if (!stim.dmas.empty()) {
    if (!checks) throw std::logic_error("DmaTlm: a run with descriptors needs its checks");
    run_ = std::make_unique<DmaRun>(cfg, stim.dram, stim.dmas.size());
    for (const TimedDesc& d : stim.dmas) ++expected_.at(d.queue);
  }
  SC_THREAD(run);
}

DmaTlm::~DmaTlm() = default;

uint64_t DmaTlm::complete_cycle(size_t j) const {
  return run_ ? run_->complete_cycles().at(j) : kDmaNever;
}

void DmaTlm::run() {
  guarded(errors_, [&] {
    if (!run_) {
      stopped_ = true;
      return;
    }
    wait(edge_phase());  // cycle 0
    uint64_t last_progress = 0;
    for (;;) {
      const uint64_t c = run_->cycle();
      if (c != to_cycle(sc_core::sc_time_stamp()))
        throw std::logic_error(
            fmt::format("DmaTlm: cycle {} stepped at {}", c, sc_core::sc_time_stamp().to_string()));
      txns_.clear();
      // The engine's SBUF accesses of this cycle happen inside step(), as
      // b_transport calls through read_word() / write_word().
      const DmaCycleOut& o = run_->step(offer_, *this, txns_);
      if (o.sbuf_wr_valid) last_progress = c;
      for (int q = 0; q < 2; ++q) {
        if (run_->accepted(q) >= 0) {  // desc_valid && desc_ready: the offer is taken
          offer_[q].valid = false;
          ++accepted_[q];
          accepted_ev_[q].notify(sc_core::SC_ZERO_TIME);
        }
        const int64_t j = run_->completed(q);
        if (j >= 0 && run_->codes()[size_t(j)] == uint32_t(DmaCode::kOk) &&
            stim_.dmas[size_t(j)].desc.is_store())
          checks_->check_store_source(size_t(j));
      }
      for (const Txn& t : txns_) {
        if (t.channel != Channel::kDramRead && t.channel != Channel::kDramWriteReq)
          last_progress = c;
        log_.push_back(t);
      }
      last_progress = std::max(last_progress, last_offer_);
      edge_ev_.notify(sc_core::SC_ZERO_TIME);

      // The clock stops when nothing can happen any more: every descriptor
      // accepted or behind a halted queue (its offer is never taken), the
      // engine idle, the DRAM quiet. The DRAM's random backpressure draws
      // every cycle, so until then the clock never skips a cycle.
      bool done = run_->idle();
      for (int q = 0; q < 2; ++q)
        if (accepted_[q] < expected_[q] && !run_->halted(q)) done = false;
      if (done) {
        stopped_ = true;
        return;
      }
      if (c > last_progress + kStallCycles)
        throw std::logic_error(fmt::format("DmaTlm: no progress since cycle {}", last_progress));
      wait(cycles(1));
    }
  });
}

void DmaTlm::desc_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t a = gp.get_address();
  DmaDescIndexExt* ext = nullptr;
  gp.get_extension(ext);
  if (!gp.is_write() || gp.get_data_length() != 32 || a % 32 != 0 || a / 32 > 1 || !ext ||
      gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (!run_ || ext->index >= stim_.dmas.size()) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const int q = int(a / 32);
  if (offer_[q].valid)
    throw std::logic_error(fmt::format("DmaTlm: queue {} offered two descriptors at once", q));
  if (delay > sc_core::SC_ZERO_TIME) wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  std::array<uint64_t, 4> words{};
  for (int w = 0; w < 4; ++w)
    for (int b = 0; b < 8; ++b) words[w] |= uint64_t(gp.get_data_ptr()[8 * w + b]) << (8 * b);
  offer_[q].desc = DmaDesc::unpack(words);
  offer_[q].index = ext->index;
  offer_[q].valid = true;  // held until accepted
  last_offer_ = to_cycle(sc_core::sc_time_stamp());
  while (run_->accept_cycles()[ext->index] == kDmaNever) wait(accepted_ev_[q]);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void DmaTlm::sbuf_access(tlm::tlm_command cmd, uint32_t part, uint32_t addr, uint8_t* data,
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
  if (gp_.is_response_error()) {
    throw std::runtime_error(fmt::format("DmaTlm: SBUF {} part={} addr={:#x}: {}",
                                         cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read", part,
                                         addr, gp_.get_response_string()));
  }
}

void DmaTlm::read_word(uint32_t part, uint32_t addr, uint8_t* out) {
  sbuf_access(tlm::TLM_READ_COMMAND, part, addr, out, 0);
}

void DmaTlm::write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) {
  // The stimulus' race rule: no command in flight may read these bytes.
  checks_->check_dma_write(run_->cycle(), part, addr, strb);
  std::copy_n(data, cfg_.sbuf_word_bytes, word_.begin());
  sbuf_access(tlm::TLM_WRITE_COMMAND, part, addr, word_.data(), strb);
}

void DmaTlm::export_to(Prediction& p) const {
  if (!run_) return;
  p.dma_accept = run_->accept_cycles();
  p.dma_complete = run_->complete_cycles();
  p.dma_code = run_->codes();
  p.dma_bytes = run_->bytes();
  p.final_dram = run_->dram_window();
}

}  // namespace loom::sc
