#include "loom/sc/tensor_engine_tlm.h"

#include <fmt/format.h>

#include <stdexcept>

namespace loom::sc {

TensorEngineTlm::TensorEngineTlm(sc_core::sc_module_name name, const Config& cfg, TxnLog& log,
                                 DmaRunChecks* checks, RunErrors& errors)
    : sc_module(name),
      cmd_socket("cmd_socket"),
      sbuf_stat_socket("sbuf_stat_socket"),
      sbuf_mov_socket("sbuf_mov_socket"),
      psum_socket("psum_socket"),
      cfg_(cfg),
      log_(log),
      checks_(checks),
      errors_(errors),
      timing_(cfg),
      weights_(cfg.partitions) {
  cmd_socket.register_b_transport(this, &TensorEngineTlm::cmd_b_transport);
  gp_.set_extension(&acc_ext_);
  SC_THREAD(run);
}

TensorEngineTlm::~TensorEngineTlm() {
  gp_.clear_extension(&acc_ext_);  // member, not heap: the payload must not free it
}

void TensorEngineTlm::cmd_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_write() || gp.get_data_length() != 8 || gp.get_address() != 0) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  uint64_t raw = 0;
  for (int i = 0; i < 8; ++i) raw |= uint64_t(gp.get_data_ptr()[i]) << (8 * i);
  const PeCmd cmd = PeCmd::unpack(raw);
  const uint64_t offered = txn_cycle(delay);
  const uint64_t index = accepted_;
  // The SBUF rows the command reads: K of an LDW, or the K of the weights an
  // MM will use (those of the last LDW accepted before it).
  const uint32_t rows = cmd.op == PeOp::kLdw ? cmd.rows : last_ldw_rows_;
  if (checks_) checks_->check_command_reads(index, cmd, rows, offered);
  const OpTiming t = timing_.push(cmd, offered);
  ++accepted_;
  if (checks_) checks_->add_command_reads(index, cmd, rows, offered, t.retire);
  if (cmd.op == PeOp::kLdw) last_ldw_rows_ = cmd.rows;
  retire_cycles_.push_back(t.retire);
  retired_.notify(cycles(t.retire) - sc_core::sc_time_stamp());

  // Cross-check of the queue rule in another form: in the accept cycle fewer
  // than D earlier commands are still queued (a command holds its slot up to
  // and including its issue cycle).
  uint32_t occupied = 0;
  const std::vector<OpTiming>& ops = timing_.ops();
  for (size_t j = 0; j + 1 < ops.size(); ++j) occupied += ops[j].issue >= t.accept ? 1 : 0;
  if (occupied >= cfg_.cmd_depth) {
    throw std::logic_error(
        fmt::format("TensorEngineTlm: command {} accepted at cycle {} with {} "
                    "commands queued (depth {})",
                    index, t.accept, occupied, cfg_.cmd_depth));
  }

  Txn acc;
  acc.cycle = t.accept;
  acc.channel = Channel::kCmdAccept;
  acc.tag = uint32_t(index & 0xffff);
  log_.push_back(acc);

  queue_.push_back({cmd, index, t});
  queued_.notify(sc_core::SC_ZERO_TIME);
  // cmd_ready_o: the initiator holds the command until the accept cycle.
  delay = cycles(t.accept) - sc_core::sc_time_stamp();
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void TensorEngineTlm::run() {
  guarded(errors_, [&] { issue_loop(); });
}

void TensorEngineTlm::issue_loop() {
  for (;;) {
    while (queue_.empty()) wait(queued_);
    const Queued q = queue_.front();
    wait(delay_until(q.timing.issue));
    queue_.pop_front();
    const uint64_t s = to_cycle(sc_core::sc_time_stamp());
    if (issue_cycles_.size() != q.index)
      throw std::logic_error("TensorEngineTlm: issue out of order");
    issue_cycles_.push_back(s);

    Txn issue;
    issue.cycle = s;
    issue.channel = Channel::kIssue;
    issue.tag = uint32_t(q.index & 0xffff);
    issue.data = uint64_t(q.cmd.op);
    log_.push_back(issue);

    if (q.cmd.op == PeOp::kLdw) {
      execute_ldw(q);
    } else {
      execute_mm(q);
    }
  }
}

std::vector<std::vector<uint8_t>> TensorEngineTlm::read_rows(
    tlm_utils::simple_initiator_socket<TensorEngineTlm>& port, uint32_t addr, uint32_t rows,
    uint32_t n, uint64_t issue) {
  std::vector<std::vector<uint8_t>> out(rows, std::vector<uint8_t>(n));
  for (uint32_t k = 0; k < rows; ++k) {
    // Row k is skewed by k cycles: its element f is read in cycle s + f + k
    // (docs/timing.md); the transaction is annotated with its first element.
    sc_core::sc_time delay = delay_until(timing::mm_sbuf_read(issue, 0, k));
    gp_.set_command(tlm::TLM_READ_COMMAND);
    gp_.set_address(sbuf_address(cfg_.sbuf_bytes, k, addr));
    gp_.set_data_ptr(out[k].data());
    gp_.set_data_length(n);
    gp_.set_streaming_width(n);
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_dmi_allowed(false);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    port->b_transport(gp_, delay);
    if (gp_.is_response_error()) {
      throw std::runtime_error(fmt::format("TensorEngineTlm: SBUF read part={} addr={:#x}: {}", k,
                                           addr, gp_.get_response_string()));
    }
  }
  return out;
}

void TensorEngineTlm::execute_ldw(const Queued& q) {
  const uint64_t s = q.timing.issue;
  // W[k][m] is read in cycle s + k + m and written into PE (k, m) at the end
  // of s + 1 + k + m; nothing of it is observable but the retire.
  const uint32_t bank =
      weights_.load(q.cmd.rows, q.cmd.cols,
                    read_rows(sbuf_stat_socket, q.cmd.sbuf_addr, q.cmd.rows, q.cmd.cols, s));
  if (bank != q.timing.bank) throw std::logic_error("TensorEngineTlm: LDW bank mismatch");
  Txn r;
  r.cycle = timing::ldw_retire(cfg_.partitions, s);
  r.channel = Channel::kLdwRetire;
  r.tag = uint32_t(q.index & 0xffff);
  log_.push_back(r);
}

void TensorEngineTlm::execute_mm(const Queued& q) {
  const uint64_t s = q.timing.issue;
  const uint32_t p = cfg_.partitions;
  const uint32_t f_size = q.cmd.cols;
  const WeightBanks::Bank& w = weights_.current_bank();
  if (weights_.current() != q.timing.bank)
    throw std::logic_error("TensorEngineTlm: MM bank mismatch");
  const std::vector<int32_t> sums =
      weights_.multiply(f_size, read_rows(sbuf_mov_socket, q.cmd.sbuf_addr, w.k, f_size, s));
  macs_ += uint64_t(w.k) * w.m * f_size;

  // Column m's result for element f leaves the array and is written in cycle
  // s + P + 1 + f + m; with acc the PSUM adds it to the old value.
  acc_ext_.acc = q.cmd.acc;
  unsigned char data[4];
  for (uint32_t m = 0; m < w.m; ++m) {
    for (uint32_t f = 0; f < f_size; ++f) {
      const uint32_t u = static_cast<uint32_t>(sums[size_t(m) * f_size + f]);
      for (int i = 0; i < 4; ++i) data[i] = static_cast<unsigned char>(u >> (8 * i));
      sc_core::sc_time delay = delay_until(timing::psum_write(p, s, f, m));
      gp_.set_command(tlm::TLM_WRITE_COMMAND);
      gp_.set_address(
          psum_address(cfg_.psum_banks, cfg_.psum_entries, m, q.cmd.psum_bank, q.cmd.psum_off + f));
      gp_.set_data_ptr(data);
      gp_.set_data_length(4);
      gp_.set_streaming_width(4);
      gp_.set_byte_enable_ptr(nullptr);
      gp_.set_dmi_allowed(false);
      gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      psum_socket->b_transport(gp_, delay);
      if (gp_.is_response_error()) {
        throw std::runtime_error(fmt::format("TensorEngineTlm: PSUM write m={} f={}: {}", m, f,
                                             gp_.get_response_string()));
      }
    }
  }
  acc_ext_.acc = false;

  Txn r;
  r.cycle = timing::mm_retire(p, s, f_size);
  r.channel = Channel::kMmRetire;
  r.tag = uint32_t(q.index & 0xffff);
  log_.push_back(r);
}

}  // namespace loom::sc
