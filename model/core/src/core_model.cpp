// predict_core(): the whole core, one cycle at a time, wired as
// rtl/loom_core.sv. In every cycle:
//   1. the sequencer's engine-facing outputs of the cycle (they depend on its
//      state only, so a copy stepped ahead shows them);
//   2. the tensor engine: a command offered for the first time is pushed to
//      the timing core (its accept, issue, retire cycles follow from the
//      contract) and executed by the functional core;
//   3. the DMA against its DRAM replica (its SBUF writes take partitions'
//      write ports, which the ACT engine sees as busy in the same cycle);
//   4. the ACT engine;
//   5. the sequencer's real step with every engine output of the cycle, and
//      the instruction memory's edge.
// Functional effects of a tensor-engine command happen when it is first
// offered (predict() does the same): the semaphores of a correct program
// order every reader after its writer.
#include "loom/core_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "loom/act_engine_model.h"
#include "loom/dma_run.h"
#include "loom/functional.h"
#include "loom/isa.h"
#include "loom/sequencer_model.h"
#include "pe_side.h"

namespace loom {

uint64_t clamp_window_address(uint64_t addr, uint32_t axi_addr_bits) {
  if (axi_addr_bits >= 64) return addr;
  const uint64_t top = (uint64_t(1) << axi_addr_bits) - 1;
  return addr > top ? top : addr;
}

SequencerParams core_sequencer_params(const Config& cfg, const CoreModelRun& run) {
  SequencerParams p;  // the RTL's defaults for what loom_core leaves at default
  p.partitions = cfg.partitions;
  p.sbuf_bytes = cfg.sbuf_bytes;
  p.psum_banks = cfg.psum_banks;
  p.psum_entries = cfg.psum_entries;
  p.semaphores = run.semaphores;
  p.axi_data_bytes = cfg.axi_data_bytes;
  p.axi_addr_bits = run.axi_addr_bits;
  return p;
}

namespace {

// The SBUF and PSUM as the DMA and ACT engines see them: the functional
// core's state.
class CoreMemPorts final : public DmaSbufPort, public ActMemPort {
 public:
  CoreMemPorts(const Config& cfg, FunctionalCore& core) : wb_(cfg.sbuf_word_bytes), core_(core) {}
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    core_.sbuf().read(part, addr, out, wb_);
  }
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    core_.sbuf().write(part, addr, data, wb_, strb);
  }
  uint32_t psum_read(uint32_t part, uint32_t bank, uint32_t entry) override {
    return uint32_t(core_.psum().value(part, bank, entry));
  }
  void sbuf_read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    read_word(part, addr, out);
  }
  void sbuf_write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    write_word(part, addr, data, strb);
  }

 private:
  uint32_t wb_;
  FunctionalCore& core_;
};

// The tensor engine seen from the sequencer: ready while its queue has room
// (the timing core's earliest accept), a command pushed to the timing core
// and executed by the functional core in its handshake cycle, retires and
// busy_o from the timing core's schedule (busy_o: a command accepted before
// this cycle has not retired yet; pe_ctrl.sv's queue + drain counter).
class PeEngine {
 public:
  PeEngine(const Config& cfg, FunctionalCore& core, Prediction& pred, bool record)
      : side_(cfg, core, pred, record) {}

  struct Pins {
    bool ready = false;
    bool ldw_retire = false, mm_retire = false;
    uint16_t ldw_tag = 0, mm_tag = 0;
    bool busy = false;
  };

  Pins cycle(uint64_t c, bool valid, uint64_t word) {
    Pins p;
    p.busy = busy_until_ != kNone && busy_until_ >= c;
    p.ready = c >= side_.timing().earliest_accept();
    for (auto it = retires_.begin(); it != retires_.end() && it->first <= c;) {
      if (it->first < c) throw std::logic_error("core model: a tensor-engine retire was skipped");
      if (it->second.first) {
        p.mm_retire = true;
        p.mm_tag = it->second.second;
      } else {
        p.ldw_retire = true;
        p.ldw_tag = it->second.second;
      }
      it = retires_.erase(it);
    }
    if (valid && p.ready) {
      const OpTiming& t = side_.push(pushed_, PeCmd::unpack(word), c, nullptr);
      if (t.accept != c) throw std::logic_error("core model: tensor-engine accept off its ready");
      retires_.emplace(t.retire, std::make_pair(is_mm(word), uint16_t(pushed_ & 0xffff)));
      busy_until_ = busy_until_ == kNone ? t.retire : std::max(busy_until_, t.retire);
      ++pushed_;
    }
    return p;
  }

  static bool is_mm(uint64_t word) { return PeCmd::unpack(word).op == PeOp::kMm; }
  uint64_t last_txn_cycle() const { return side_.last_txn_cycle(); }

 private:
  static constexpr uint64_t kNone = UINT64_MAX;
  PeSide side_;
  size_t pushed_ = 0;
  uint64_t busy_until_ = kNone;
  std::multimap<uint64_t, std::pair<bool, uint16_t>> retires_;
};

}  // namespace

CorePrediction predict_core(const Config& cfg, const CoreModelRun& run) {
  if (!run.dram || !run.ifetch) throw std::invalid_argument("predict_core: both memories needed");
  CorePrediction out(cfg);
  const uint64_t win_base = clamp_window_address(run.dram_base, run.axi_addr_bits);
  const uint64_t win_limit = clamp_window_address(run.dram_limit, run.axi_addr_bits);

  SequencerModel seq(core_sequencer_params(cfg, run));
  AxiMem ifetch(*run.ifetch);
  DmaRun dma(cfg, *run.dram, win_base, win_limit, std::max<size_t>(run.prog_len, 1));
  // Nobody reads the replicas' handshake history.
  ifetch.set_record_events(false);
  dma.record_dram_events(false);
  FunctionalCore core(cfg);
  CoreMemPorts mem(cfg, core);
  Prediction pe_pred;  // the tensor engine's transactions
  PeEngine pe(cfg, core, pe_pred, run.record_txns);
  ActEngineModel act(cfg, kActQueueDepth);
  // Without recording, the core's transactions of a cycle go to `scratch`
  // (the DMA run needs its accepts and completions), which keeps only the
  // last cycle any of them had.
  std::vector<Txn> scratch;
  uint64_t last_core_txn = 0;
  std::vector<Txn>& txns = run.record_txns ? out.txns : scratch;

  SeqCycleIn in;
  in.prog_base = run.prog_base;
  in.prog_len = run.prog_len;
  in.watchdog = run.watchdog;
  in.dram_base = win_base;
  in.dram_limit = win_limit;
  uint32_t status = 0;  // busy | done << 1 | error << 2 of the previous cycle
  uint32_t ldw_k = 0, ldw_m = 0;
  ActCycleIn ain;
  ain.sbuf_wr_busy.assign(cfg.partitions, false);

  for (uint64_t c = 0;; ++c) {
    if (c > run.max_cycles)
      throw std::runtime_error(fmt::format("core model: no end within {} cycles", run.max_cycles));
    in.start = c == 0;

    // 1. The sequencer's engine-facing outputs (state only).
    const SeqOffers peek = seq.offers();

    // 2. Tensor engine.
    const PeEngine::Pins pp = pe.cycle(c, peek.pe_cmd_valid, peek.pe_cmd);

    // 3. DMA: offers, one cycle against the replica, its SBUF writes.
    std::array<DmaOffer, 2> offers;
    for (int q = 0; q < 2; ++q) {
      offers[q].valid = peek.dma_desc_valid[q];
      if (offers[q].valid) {
        offers[q].desc = DmaDesc::unpack(peek.dma_desc[q]);
        offers[q].index = peek.dma_index[q];
      }
    }
    const DmaCycleOut& d = dma.step(offers, mem, txns);
    std::fill(ain.sbuf_wr_busy.begin(), ain.sbuf_wr_busy.end(), false);
    if (d.sbuf_wr_valid) {
      append_sbuf_write(txns, c, d.sbuf_wr_part, d.sbuf_wr_addr, d.sbuf_wr_data.data(),
                        cfg.sbuf_word_bytes, d.sbuf_wr_strb);
      ain.sbuf_wr_busy.at(d.sbuf_wr_part) = true;
    }

    // 4. ACT engine.
    ain.cmd_valid = peek.act_cmd_valid;
    ain.cmd = peek.act_cmd;
    const ActCycleOut& a = act.step(ain, mem);
    if (a.issue_valid) txns.push_back(make_txn(c, Channel::kActIssue, a.issue_tag));
    for (uint32_t k = 0; k < cfg.partitions; ++k)
      if (k < a.wr_valid.size() && a.wr_valid[k])
        append_sbuf_write(txns, c, k, a.wr_addr, a.wr_data[k].data(), cfg.sbuf_word_bytes,
                          a.wr_strb, Channel::kActWrite);
    if (a.done) txns.push_back(make_txn(c, Channel::kActDone));

    // 5. The sequencer with every engine output of the cycle.
    in.axi = ifetch.outputs();
    in.pe_cmd_ready = pp.ready;
    in.pe_ldw_retire = pp.ldw_retire;
    in.pe_ldw_retire_tag = pp.ldw_tag;
    in.pe_mm_retire = pp.mm_retire;
    in.pe_mm_retire_tag = pp.mm_tag;
    in.pe_busy = pp.busy;
    in.act_cmd_ready = a.cmd_ready;
    in.act_done = a.done;
    in.act_busy = a.busy;
    for (int q = 0; q < 2; ++q) {
      in.dma_desc_ready[q] = d.desc_ready[q];
      in.dma_cpl_valid[q] = d.cpl_valid[q];
      in.dma_cpl_err[q] = uint8_t(d.cpl_code[q]);
      in.dma_halted[q] = d.halted[q];
    }
    in.dma_busy = d.busy;
    const SeqCycleOut& s = seq.step(in);
    if (s.pe_cmd_valid != peek.pe_cmd_valid || s.act_cmd_valid != peek.act_cmd_valid ||
        s.dma_desc_valid != peek.dma_desc_valid)
      throw std::logic_error("core model: a sequencer output depends on an engine input");
    ifetch.tick(s.axi);

    // The sequencer's observation events.
    if (s.obs_dispatch_valid) {
      Txn t = make_txn(c, Channel::kSeqDispatch, s.obs_dispatch_index);
      t.part = s.obs_dispatch_queue;
      txns.push_back(t);
    }
    for (uint32_t e = 0; e < 4; ++e) {
      if (!s.obs_issue_valid[e]) continue;
      Txn t = make_txn(c, Channel::kSeqIssue, s.obs_issue_index[e]);
      t.part = e;
      txns.push_back(t);
    }
    for (uint32_t x = 0; x < run.semaphores; ++x) {
      if (!((s.obs_sem_valid >> x) & 1)) continue;
      Txn t = make_txn(c, Channel::kSemUpdate);
      t.part = x;
      t.data = s.obs_sem_value[x];
      txns.push_back(t);
    }
    const uint32_t st = uint32_t(s.busy) | uint32_t(s.done) << 1 | uint32_t(s.error) << 2;
    if (c == 0 || st != status) {
      Txn t = make_txn(c, Channel::kStatus);
      t.data = st;
      txns.push_back(t);
      if ((st & 6) && !(status & 6)) out.status_cycle = c;
      status = st;
    }

    // Performance counters (loom_core.sv): cleared by START, counting while busy.
    if (!in.start && s.busy) {
      ++out.perf_cycles;
      out.perf_busy_pe += pp.busy;
      out.perf_busy_act += a.busy;
      out.perf_busy_dma += d.busy;
      if (peek.pe_cmd_valid && pp.ready) {
        const PeCmd cmd = PeCmd::unpack(peek.pe_cmd);
        if (PeEngine::is_mm(peek.pe_cmd)) {
          out.perf_macs += uint64_t(ldw_k) * ldw_m * cmd.cols;
        } else {
          ldw_k = cmd.rows;
          ldw_m = cmd.cols;
        }
      }
      for (int q = 0; q < 2; ++q)
        if (offers[q].valid && d.desc_ready[q]) out.perf_dma_bytes += offers[q].desc.total_bytes();
    }

    if (!run.record_txns) {
      for (const Txn& t : scratch) last_core_txn = std::max(last_core_txn, t.cycle);
      scratch.clear();
    }

    // The end: the sequencer stopped, every engine and memory idle.
    if (!s.busy && (s.done || s.error) && !pp.busy && !a.busy && !act.busy() && dma.idle() &&
        ifetch.idle() && c >= out.status_cycle) {
      out.done = s.done;
      out.error = s.error;
      out.error_code = s.error_code;
      out.error_index = s.error_index;
      break;
    }
  }

  if (run.record_txns) {
    stable_sort_txns(txns, pe_pred.txns);  // the tensor engine's after the core's in a tie
    out.end_cycle = txns.empty() ? 0 : txns.back().cycle;
  } else {
    out.end_cycle = std::max(last_core_txn, pe.last_txn_cycle());
  }
  out.final_state = core.image();
  if (run.dump_bytes) out.final_dram = dma.dram().read(run.dump_base, size_t(run.dump_bytes));
  return out;
}

}  // namespace loom
