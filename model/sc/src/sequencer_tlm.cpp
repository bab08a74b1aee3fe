#include "loom/sc/sequencer_tlm.h"

#include <fmt/format.h>

#include <stdexcept>

#include "loom/dma.h"
#include "loom/pe_cmd.h"
#include "loom/sc/core_phases.h"

namespace loom::sc {
namespace {

Txn txn(uint64_t cycle, Channel ch, uint32_t tag = 0) {
  Txn t;
  t.cycle = cycle;
  t.channel = ch;
  t.tag = tag;
  return t;
}

}  // namespace

SequencerTlm::SequencerTlm(sc_core::sc_module_name name, const Config& cfg, const CoreModelRun& run,
                           uint64_t win_base, uint64_t win_limit, const CoreTensorTlm& pe,
                           const CoreDmaTlm& dma, const ActTlm& act, TxnLog& log, RunErrors& errors)
    : sc_module(name),
      pe_socket("pe_socket"),
      act_socket("act_socket"),
      dma_socket("dma_socket"),
      cfg_(cfg),
      run_(run),
      pe_(pe),
      dma_(dma),
      act_(act),
      log_(log),
      errors_(errors),
      seq_(core_sequencer_params(cfg, run)),
      ifetch_(*run.ifetch),
      stats_(cfg) {
  run_.dram = run_.ifetch = nullptr;  // copied: nothing refers to the caller's memories
  in_.prog_base = run.prog_base;
  in_.prog_len = run.prog_len;
  in_.watchdog = run.watchdog;
  in_.dram_base = win_base;
  in_.dram_limit = win_limit;
  SC_THREAD(run);
}

void SequencerTlm::export_to(CorePrediction& out) const {
  out.done = stats_.done;
  out.error = stats_.error;
  out.error_code = stats_.error_code;
  out.error_index = stats_.error_index;
  out.status_cycle = stats_.status_cycle;
  out.perf_cycles = stats_.perf_cycles;
  out.perf_busy_pe = stats_.perf_busy_pe;
  out.perf_busy_act = stats_.perf_busy_act;
  out.perf_busy_dma = stats_.perf_busy_dma;
  out.perf_macs = stats_.perf_macs;
  out.perf_dma_bytes = stats_.perf_dma_bytes;
}

void SequencerTlm::run() {
  guarded(errors_, [&] {
    for (uint64_t c = 0; !finished_; ++c) {
      if (c > run_.max_cycles)
        throw std::runtime_error(
            fmt::format("core model: no end within {} cycles", run_.max_cycles));
      core_phase::wait_until(c, core_phase::kSeqOffer);
      offer(c);
      core_phase::wait_until(c, core_phase::kSeqEdge);
      edge(c);
    }
    sc_core::sc_stop();  // the clocked engines would tick forever
  });
}

void SequencerTlm::send(tlm_utils::simple_initiator_socket<SequencerTlm>& port, uint64_t address,
                        const uint64_t* words, int nwords, DmaDescIndexExt* ext) {
  for (int w = 0; w < nwords; ++w)
    for (int b = 0; b < 8; ++b) buf_[8 * w + b] = static_cast<unsigned char>(words[w] >> (8 * b));
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  gp_.set_command(tlm::TLM_WRITE_COMMAND);
  gp_.set_address(address);
  gp_.set_data_ptr(buf_);
  gp_.set_data_length(uint32_t(8 * nwords));
  gp_.set_streaming_width(uint32_t(8 * nwords));
  gp_.set_byte_enable_ptr(nullptr);
  gp_.set_dmi_allowed(false);
  gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (ext) gp_.set_extension(ext);
  port->b_transport(gp_, delay);
  if (ext) gp_.clear_extension(ext);
  if (gp_.is_response_error())
    throw std::logic_error(fmt::format("SequencerTlm: command write at {:#x}: {}", address,
                                       gp_.get_response_string()));
}

void SequencerTlm::offer(uint64_t c) {
  // The engine-facing outputs depend on the state only: a copy stepped with
  // the previous cycle's inputs shows them (predict_core() step 1).
  in_.start = c == 0;
  SequencerModel ahead(seq_);
  peek_ = ahead.step(in_);
  if (peek_.pe_cmd_valid) send(pe_socket, 0, &peek_.pe_cmd, 1, nullptr);
  if (peek_.act_cmd_valid) send(act_socket, 0, peek_.act_cmd.data(), 4, nullptr);
  for (int q = 0; q < 2; ++q) {
    if (!peek_.dma_desc_valid[q]) continue;
    index_ext_.index = peek_.obs_issue_index[2 + q];
    send(dma_socket, 32 * uint64_t(q), peek_.dma_desc[q].data(), 4, &index_ext_);
  }
}

void SequencerTlm::edge(uint64_t c) {
  const TensorPins& pp = pe_.pins();
  const DmaCycleOut& d = dma_.pins();
  const ActCycleOut& a = act_.pins();
  in_.axi = ifetch_.outputs();
  in_.pe_cmd_ready = pp.ready;
  in_.pe_ldw_retire = pp.ldw_retire;
  in_.pe_ldw_retire_tag = pp.ldw_tag;
  in_.pe_mm_retire = pp.mm_retire;
  in_.pe_mm_retire_tag = pp.mm_tag;
  in_.pe_busy = pp.busy;
  in_.act_cmd_ready = a.cmd_ready;
  in_.act_done = a.done;
  in_.act_busy = a.busy;
  for (int q = 0; q < 2; ++q) {
    in_.dma_desc_ready[q] = d.desc_ready[q];
    in_.dma_cpl_valid[q] = d.cpl_valid[q];
    in_.dma_cpl_err[q] = uint8_t(d.cpl_code[q]);
    in_.dma_halted[q] = d.halted[q];
  }
  in_.dma_busy = d.busy;
  const SeqCycleOut& s = seq_.step(in_);
  if (s.pe_cmd_valid != peek_.pe_cmd_valid || s.act_cmd_valid != peek_.act_cmd_valid ||
      s.dma_desc_valid != peek_.dma_desc_valid)
    throw std::logic_error("SequencerTlm: a sequencer output depends on an engine input");
  ifetch_.tick(s.axi);

  // Observation events of the sequencer.
  if (s.obs_dispatch_valid) {
    Txn t = txn(c, Channel::kSeqDispatch, s.obs_dispatch_index);
    t.part = s.obs_dispatch_queue;
    log_.push_back(t);
  }
  for (uint32_t e = 0; e < 4; ++e) {
    if (!s.obs_issue_valid[e]) continue;
    Txn t = txn(c, Channel::kSeqIssue, s.obs_issue_index[e]);
    t.part = e;
    log_.push_back(t);
  }
  for (uint32_t x = 0; x < run_.semaphores; ++x) {
    if (!((s.obs_sem_valid >> x) & 1)) continue;
    Txn t = txn(c, Channel::kSemUpdate);
    t.part = x;
    t.data = s.obs_sem_value[x];
    log_.push_back(t);
  }
  const uint32_t st = uint32_t(s.busy) | uint32_t(s.done) << 1 | uint32_t(s.error) << 2;
  if (c == 0 || st != status_) {
    Txn t = txn(c, Channel::kStatus);
    t.data = st;
    log_.push_back(t);
    if ((st & 6) && !(status_ & 6)) stats_.status_cycle = c;
    status_ = st;
  }

  // loom_core's performance counters: cleared by START, counting while busy.
  if (!in_.start && s.busy) {
    ++stats_.perf_cycles;
    stats_.perf_busy_pe += pp.busy;
    stats_.perf_busy_act += a.busy;
    stats_.perf_busy_dma += d.busy;
    if (pp.accepted) {
      const PeCmd cmd = PeCmd::unpack(peek_.pe_cmd);
      if (cmd.op == PeOp::kMm) {
        stats_.perf_macs += uint64_t(ldw_k_) * ldw_m_ * cmd.cols;
      } else {
        ldw_k_ = cmd.rows;
        ldw_m_ = cmd.cols;
      }
    }
    const std::array<DmaOffer, 2>& offers = dma_.offers();
    for (int q = 0; q < 2; ++q)
      if (offers[q].valid && d.desc_ready[q]) stats_.perf_dma_bytes += offers[q].desc.total_bytes();
  }

  // The end: the sequencer stopped, every engine and memory idle.
  if (!s.busy && (s.done || s.error) && !pp.busy && !a.busy && !act_.busy() && dma_.idle() &&
      ifetch_.idle() && c >= stats_.status_cycle) {
    stats_.done = s.done;
    stats_.error = s.error;
    stats_.error_code = s.error_code;
    stats_.error_index = s.error_index;
    finished_ = true;
  }
}

}  // namespace loom::sc
