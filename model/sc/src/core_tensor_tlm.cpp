#include "loom/sc/core_tensor_tlm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "loom/sc/core_phases.h"

namespace loom::sc {

CoreTensorTlm::CoreTensorTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log,
                             RunErrors& errors)
    : sc_module(name),
      cmd_socket("cmd_socket"),
      sbuf_socket("sbuf_socket"),
      psum_socket("psum_socket"),
      cfg_(cfg),
      log_(log),
      errors_(errors),
      timing_(cfg),
      weights_(cfg.partitions) {
  cmd_socket.register_b_transport(this, &CoreTensorTlm::cmd_b_transport);
  gp_.set_extension(&acc_ext_);
  SC_THREAD(run);
}

CoreTensorTlm::~CoreTensorTlm() { gp_.clear_extension(&acc_ext_); }

void CoreTensorTlm::cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_write() || gp.get_data_length() != 8 || gp.get_address() != 0 ||
      delay != sc_core::SC_ZERO_TIME) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  offer_ = 0;
  for (int i = 0; i < 8; ++i) offer_ |= uint64_t(gp.get_data_ptr()[i]) << (8 * i);
  offer_valid_ = true;
  offer_cycle_ = to_cycle(sc_core::sc_time_stamp());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void CoreTensorTlm::run() {
  guarded(errors_, [&] {
    for (uint64_t c = 0;; ++c) {
      core_phase::wait_until(c, core_phase::kTensor);
      cycle(c);
    }
  });
}

void CoreTensorTlm::cycle(uint64_t c) {
  TensorPins p;
  p.busy = busy_until_ != kNone && busy_until_ >= c;
  p.ready = c >= timing_.earliest_accept();
  for (auto it = retires_.begin(); it != retires_.end() && it->first <= c;) {
    if (it->first < c) throw std::logic_error("CoreTensorTlm: a retire was skipped");
    if (it->second.first) {
      p.mm_retire = true;
      p.mm_tag = it->second.second;
    } else {
      p.ldw_retire = true;
      p.ldw_tag = it->second.second;
    }
    it = retires_.erase(it);
  }
  const bool valid = offer_valid_ && offer_cycle_ == c;
  offer_valid_ = false;  // the offer is this cycle's level only
  if (valid && p.ready) {
    const PeCmd cmd = PeCmd::unpack(offer_);
    const OpTiming t = timing_.push(cmd, c);
    if (t.accept != c) throw std::logic_error("CoreTensorTlm: accept off its ready");
    const uint16_t tag = uint16_t(pushed_ & 0xffff);
    retires_.emplace(t.retire, std::make_pair(cmd.op == PeOp::kMm, tag));
    busy_until_ = busy_until_ == kNone ? t.retire : std::max(busy_until_, t.retire);
    ++pushed_;
    p.accepted = true;
    execute(cmd, t, tag);
  }
  pins_ = p;
}

std::vector<std::vector<uint8_t>> CoreTensorTlm::read_rows(uint32_t addr, uint32_t rows,
                                                           uint32_t n) {
  std::vector<std::vector<uint8_t>> out(rows, std::vector<uint8_t>(n));
  for (uint32_t k = 0; k < rows; ++k) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp_.set_command(tlm::TLM_READ_COMMAND);
    gp_.set_address(sbuf_address(cfg_.sbuf_bytes, k, addr));
    gp_.set_data_ptr(out[k].data());
    gp_.set_data_length(n);
    gp_.set_streaming_width(n);
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_dmi_allowed(false);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sbuf_socket->b_transport(gp_, delay);
    if (gp_.is_response_error())
      throw std::runtime_error(fmt::format("CoreTensorTlm: SBUF read part={} addr={:#x}: {}", k,
                                           addr, gp_.get_response_string()));
  }
  return out;
}

void CoreTensorTlm::execute(const PeCmd& cmd, const OpTiming& t, uint32_t tag) {
  Txn accept;
  accept.cycle = t.accept;
  accept.channel = Channel::kCmdAccept;
  accept.tag = tag;
  log_.push_back(accept);
  Txn issue;
  issue.cycle = t.issue;
  issue.channel = Channel::kIssue;
  issue.tag = tag;
  issue.data = uint64_t(cmd.op);
  log_.push_back(issue);
  Txn retire;
  retire.cycle = t.retire;
  retire.tag = tag;
  if (cmd.op == PeOp::kLdw) {
    weights_.load(cmd.rows, cmd.cols, read_rows(cmd.sbuf_addr, cmd.rows, cmd.cols));
    retire.channel = Channel::kLdwRetire;
    log_.push_back(retire);
    return;
  }
  const WeightBanks::Bank& w = weights_.current_bank();
  const uint32_t f_size = cmd.cols;
  const std::vector<int32_t> sums =
      weights_.multiply(f_size, read_rows(cmd.sbuf_addr, w.k, f_size));
  acc_ext_.acc = cmd.acc;
  unsigned char data[4];
  for (uint32_t m = 0; m < w.m; ++m) {
    for (uint32_t f = 0; f < f_size; ++f) {
      const uint32_t u = uint32_t(sums[size_t(m) * f_size + f]);
      for (int i = 0; i < 4; ++i) data[i] = static_cast<unsigned char>(u >> (8 * i));
      sc_core::sc_time delay = delay_until(timing::psum_write(cfg_.partitions, t.issue, f, m));
      gp_.set_command(tlm::TLM_WRITE_COMMAND);
      gp_.set_address(
          psum_address(cfg_.psum_banks, cfg_.psum_entries, m, cmd.psum_bank, cmd.psum_off + f));
      gp_.set_data_ptr(data);
      gp_.set_data_length(4);
      gp_.set_streaming_width(4);
      gp_.set_byte_enable_ptr(nullptr);
      gp_.set_dmi_allowed(false);
      gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      psum_socket->b_transport(gp_, delay);
      if (gp_.is_response_error())
        throw std::runtime_error(fmt::format("CoreTensorTlm: PSUM write m={} f={}: {}", m, f,
                                             gp_.get_response_string()));
    }
  }
  acc_ext_.acc = false;
  retire.channel = Channel::kMmRetire;
  log_.push_back(retire);
}

}  // namespace loom::sc
