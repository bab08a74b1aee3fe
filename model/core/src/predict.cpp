// predict(): the full expected transaction stream of a run.
//
// Without DMA descriptors the tensor engine's schedule is computed command by
// command (the timing core is push-based). With descriptors, the run is
// stepped cycle by cycle: the DMA engine model drives a replica of the
// testbench DRAM (same AxiMem configuration and seed), the tensor-engine
// commands are pushed to the timing core in the cycle they are first offered,
// and the dependencies of stimulus.h (after_dma / after_cmd) are resolved as
// the events happen. Functional effects: a command reads the SBUF as it is
// when first offered; the race rule of stimulus.h makes that exact, and a DMA
// write that would break it is reported.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "loom/dma_run.h"
#include "loom/functional.h"
#include "loom/model.h"
#include "pe_side.h"

namespace loom {
namespace {

// A run that has not ended after this many cycles past its last progress is
// a model bug (the stimulus' own deadlocks are reported by name).
constexpr uint64_t kStallCycles = 1u << 24;

void check(const Config& cfg, const Stimulus& stim) {
  if (std::string e = validate(cfg, stim); !e.empty()) throw std::invalid_argument(e);
}

// The preload writes: cycle j, one per cycle.
void play_preload(const Stimulus& stim, FunctionalCore& core, std::vector<Txn>& txns) {
  for (size_t j = 0; j < stim.preload.size(); ++j) {
    const SbufWrite& w = stim.preload[j];
    core.sbuf_write(w);
    append_sbuf_write(txns, j, w.part, w.addr, w.data.data(), uint32_t(w.data.size()), w.strb);
  }
}

// The SBUF as the DMA engine model sees it: the functional core's SBUF, with
// the race check of every write.
class SbufForDma final : public DmaSbufPort {
 public:
  SbufForDma(const Config& cfg, FunctionalCore& core, DmaRunChecks& checks)
      : wb_(cfg.sbuf_word_bytes), core_(core), checks_(checks) {}
  uint64_t cycle = 0;
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    core_.sbuf().read(part, addr, out, wb_);
  }
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    checks_.check_dma_write(cycle, part, addr, strb);
    core_.sbuf().write(part, addr, data, wb_, strb);
  }

 private:
  uint32_t wb_;
  FunctionalCore& core_;
  DmaRunChecks& checks_;
};

// The cycle-stepped run with DMA descriptors.
void predict_with_dma(const Config& cfg, const Stimulus& stim, FunctionalCore& core, PeSide& pe,
                      Prediction& pred) {
  const size_t ncmd = stim.cmds.size(), ndesc = stim.dmas.size();
  const uint64_t start = stim.preload.size();
  DmaRun dma(cfg, stim.dram, ndesc);
  DmaRunChecks checks(cfg, stim, core.sbuf());
  SbufForDma sbuf(cfg, core, checks);

  std::array<std::vector<size_t>, 2> queue;  // descriptor indices of each queue, in order
  for (size_t j = 0; j < ndesc; ++j) queue[stim.dmas[j].queue].push_back(j);
  std::array<size_t, 2> next_desc{};  // position in queue[q] of the next offer
  std::array<uint64_t, 2> desc_base{start, start};
  size_t next_cmd = 0;
  uint64_t cmd_base = start;
  uint64_t last_progress = start;
  uint64_t last_retire = 0;

  // The first cycle descriptor j may be offered (kDmaNever while unknown).
  auto desc_avail = [&](int q) -> uint64_t {
    const TimedDesc& td = stim.dmas[queue[q][next_desc[q]]];
    return first_offer(desc_base[q], td.after_cmd, pred.retire_cycle, td.gap);
  };

  std::vector<Txn> dma_txns;
  for (uint64_t c = 0;; ++c) {
    // Tensor engine: the next command, in the cycle it is first offered.
    if (next_cmd < ncmd) {
      const TimedCmd& tc = stim.cmds[next_cmd];
      if (c == first_offer(cmd_base, tc.after_dma, dma.complete_cycles(), tc.gap)) {
        const OpTiming& t = pe.push(next_cmd, tc.cmd, c, &checks);
        cmd_base = t.accept + 1;
        last_retire = std::max(last_retire, t.retire);
        ++next_cmd;
        last_progress = c;
      }
    }
    // DMA: descriptor offers, one engine cycle, the replica DRAM's edge.
    std::array<DmaOffer, 2> offers;
    for (int q = 0; q < 2; ++q) {
      offers[q].valid = next_desc[q] < queue[q].size() && c >= desc_avail(q);
      if (offers[q].valid) {
        offers[q].index = uint32_t(queue[q][next_desc[q]]);
        offers[q].desc = stim.dmas[offers[q].index].desc;
      }
    }
    sbuf.cycle = c;
    dma_txns.clear();
    const DmaCycleOut& o = dma.step(offers, sbuf, dma_txns);
    if (o.sbuf_wr_valid) {
      append_sbuf_write(dma_txns, c, o.sbuf_wr_part, o.sbuf_wr_addr, o.sbuf_wr_data.data(),
                        cfg.sbuf_word_bytes, o.sbuf_wr_strb);
    }
    for (int q = 0; q < 2; ++q) {
      if (dma.accepted(q) >= 0) {
        desc_base[q] = c + 1;
        ++next_desc[q];
      }
      const int64_t j = dma.completed(q);
      if (j >= 0 && dma.codes()[j] == uint32_t(DmaCode::kOk) && stim.dmas[j].desc.is_store())
        checks.check_store_source(size_t(j));
    }
    for (const Txn& t : dma_txns) {
      if (t.channel != Channel::kDramRead && t.channel != Channel::kDramWriteReq) last_progress = c;
      pred.txns.push_back(t);
    }

    // The end: every command pushed and retired, the DMA idle, every
    // descriptor run or behind a halted queue, the DRAM quiet.
    const bool pe_done = next_cmd == ncmd && c >= last_retire;
    bool dma_done = dma.idle();
    for (int q = 0; q < 2; ++q)
      if (next_desc[q] < queue[q].size() && !dma.halted(q)) dma_done = false;
    if (pe_done && dma_done) break;
    // Stuck: nothing in flight and the next command waits for a descriptor
    // that can never complete.
    if (dma.idle() && next_cmd < ncmd && stim.cmds[next_cmd].after_dma >= 0 &&
        dma.complete_cycles()[stim.cmds[next_cmd].after_dma] == kDmaNever) {
      const int q = int(stim.dmas[size_t(stim.cmds[next_cmd].after_dma)].queue);
      const int64_t queue_next =
          next_desc[q] < queue[q].size() ? int64_t(queue[q][next_desc[q]]) : -1;
      if (std::string e = checks.deadlock(next_cmd, queue_next, dma.halted(q)); !e.empty())
        throw std::invalid_argument(e);
    }
    if (c > last_progress + kStallCycles)
      throw std::logic_error(fmt::format("predict: no progress since cycle {}", last_progress));
  }
  pred.dma_accept = dma.accept_cycles();
  pred.dma_complete = dma.complete_cycles();
  pred.dma_code = dma.codes();
  pred.dma_bytes = dma.bytes();
  pred.final_dram = dma.dram_window();
}

}  // namespace

Schedule schedule(const Config& cfg, const Stimulus& stim) {
  check(cfg, stim);
  Schedule out;
  if (!stim.dmas.empty()) {
    // The DMA is stepped cycle by cycle: take the schedule from the full run.
    FunctionalCore core(cfg);
    Prediction pred;
    PeSide pe(cfg, core, pred);
    play_preload(stim, core, pred.txns);
    predict_with_dma(cfg, stim, core, pe, pred);
    out.ops = pe.timing().ops();
    for (const Txn& t : pred.txns) out.end_cycle = std::max(out.end_cycle, t.cycle);
    return out;
  }
  TimingCore tc(cfg);
  uint64_t next = stim.preload.size();  // command 0 is offered after the preload
  if (!stim.preload.empty()) out.end_cycle = stim.preload.size() - 1;
  for (const TimedCmd& tcmd : stim.cmds) {
    const OpTiming& t = tc.push(tcmd.cmd, next + tcmd.gap);
    next = t.accept + 1;
    out.end_cycle = std::max(out.end_cycle, t.retire);
  }
  out.ops = tc.ops();
  return out;
}

Prediction predict(const Config& cfg, const Stimulus& stim) {
  check(cfg, stim);
  FunctionalCore core(cfg);
  Prediction pred;
  PeSide pe(cfg, core, pred);
  play_preload(stim, core, pred.txns);

  if (stim.dmas.empty()) {
    // validate() has checked statically that commands read written bytes.
    uint64_t next = stim.preload.size();
    for (size_t i = 0; i < stim.cmds.size(); ++i) {
      const OpTiming& t = pe.push(i, stim.cmds[i].cmd, next + stim.cmds[i].gap, nullptr);
      next = t.accept + 1;
    }
  } else {
    predict_with_dma(cfg, stim, core, pe, pred);
  }

  std::stable_sort(pred.txns.begin(), pred.txns.end());
  pred.end_cycle = pred.txns.empty() ? 0 : pred.txns.back().cycle;
  pred.final_state = core.image();
  return pred;
}

double utilization(const Config& cfg, uint64_t macs, uint64_t first_issue, uint64_t end_cycle) {
  if (end_cycle < first_issue) return 0.0;
  const double peak = double(cfg.partitions) * cfg.partitions * double(end_cycle + 1 - first_issue);
  return double(macs) / peak;
}

uint64_t compute_cycles(const Prediction& p) {
  if (p.issue_cycle.empty()) return 0;
  return p.end_cycle + 1 - p.issue_cycle.front();
}

double utilization(const Config& cfg, const Prediction& p) {
  if (p.issue_cycle.empty()) return 0.0;
  return utilization(cfg, p.macs, p.issue_cycle.front(), p.end_cycle);
}

}  // namespace loom
