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

#include "loom/dma_engine_model.h"
#include "loom/dma_txns.h"
#include "loom/functional.h"
#include "loom/model.h"

namespace loom {
namespace {

constexpr uint64_t kNever = UINT64_MAX;
// A run that has not ended after this many cycles past its last progress is
// a model bug (the stimulus' own deadlocks are reported by name).
constexpr uint64_t kStallCycles = 1u << 24;

void check(const Config& cfg, const Stimulus& stim) {
  if (std::string e = validate(cfg, stim); !e.empty()) throw std::invalid_argument(e);
}

Txn make_txn(uint64_t cycle, Channel ch, uint32_t tag = 0) {
  Txn t;
  t.cycle = cycle;
  t.channel = ch;
  t.tag = tag;
  return t;
}

// The preload writes: cycle j, one per cycle.
void play_preload(const Stimulus& stim, FunctionalCore& core, std::vector<Txn>& txns) {
  for (size_t j = 0; j < stim.preload.size(); ++j) {
    const SbufWrite& w = stim.preload[j];
    core.sbuf_write(w);
    Txn t = make_txn(j, Channel::kSbufWrite);
    t.part = w.part;
    t.addr = w.addr;
    t.data = pack_bytes_le(w.data);
    t.strb = w.strb;
    txns.push_back(t);
  }
}

// SBUF bytes a command reads: partitions 0..rows-1, bytes [addr, addr + n).
struct ReadWindow {
  size_t cmd = 0;
  uint64_t from = 0, to = 0;  // cycles: first offered .. retire
  uint32_t rows = 0, addr = 0, n = 0;
};

// The tensor-engine half: functional execution, timing, transactions.
class PeSide {
 public:
  PeSide(const Config& cfg, FunctionalCore& core, Prediction& pred)
      : p_(cfg.partitions), core_(core), tc_(cfg), pred_(pred) {}

  // Command i offered from cycle `avail`: executes it, emits its events.
  const OpTiming& push(size_t i, const PeCmd& cmd, uint64_t avail, bool check_written) {
    const uint32_t tag = uint32_t(i & 0xffff);
    const uint32_t rows = cmd.op == PeOp::kLdw ? cmd.rows : core_.weights().current_bank().k;
    if (check_written) {
      for (uint32_t k = 0; k < rows; ++k)
        for (uint32_t b = 0; b < cmd.cols; ++b)
          if (!core_.sbuf().written(k, cmd.sbuf_addr + b))
            throw std::invalid_argument(
                fmt::format("cmd {} ({}): reads SBUF[{}][{:#x}], which nothing wrote before it "
                            "was offered in cycle {}",
                            i, cmd.to_string(), k, cmd.sbuf_addr + b, avail));
    }
    const OpTiming& t = tc_.push(cmd, avail);
    pred_.issue_cycle.push_back(t.issue);
    pred_.retire_cycle.push_back(t.retire);
    windows_.push_back({i, avail, t.retire, rows, cmd.sbuf_addr, cmd.cols});
    auto& txns = pred_.txns;
    txns.push_back(make_txn(t.accept, Channel::kCmdAccept, tag));
    Txn issue = make_txn(t.issue, Channel::kIssue, tag);
    issue.data = uint64_t(cmd.op);
    txns.push_back(issue);
    // Commands execute in issue order (= accept order); docs/timing.md shows
    // that the hardware's PSUM pre-reads and writes of consecutive MMs are
    // ordered the same way, so sequential execution is exact.
    if (cmd.op == PeOp::kLdw) {
      core_.ldw(cmd);
      txns.push_back(make_txn(t.retire, Channel::kLdwRetire, tag));
    } else {
      const WeightBanks::Bank& w = core_.weights().current_bank();
      pred_.macs += uint64_t(w.k) * w.m * cmd.cols;
      core_.mm(cmd, [&](uint32_t m, uint32_t f, int32_t value) {
        Txn pw = make_txn(timing::psum_write(p_, t.issue, f, m), Channel::kPsumWrite);
        pw.part = m;
        pw.bank = cmd.psum_bank;
        pw.addr = cmd.psum_off + f;
        pw.data = uint32_t(value);
        pw.strb = cmd.acc ? 1 : 0;
        txns.push_back(pw);
      });
      txns.push_back(make_txn(t.retire, Channel::kMmRetire, tag));
    }
    return t;
  }

  // A DMA SBUF write in `cycle` must not touch a byte a command in flight reads.
  void check_race(uint64_t cycle, uint32_t part, uint32_t addr, uint32_t wb, uint64_t strb,
                  const std::vector<TimedCmd>& cmds) {
    windows_.erase(std::remove_if(windows_.begin(), windows_.end(),
                                  [&](const ReadWindow& w) { return w.to < cycle; }),
                   windows_.end());
    for (const ReadWindow& w : windows_) {
      if (cycle < w.from || part >= w.rows) continue;
      for (uint32_t i = 0; i < wb; ++i) {
        const uint32_t a = addr + i;
        if (((strb >> i) & 1) && a >= w.addr && a < w.addr + w.n)
          throw std::invalid_argument(fmt::format(
              "race: a DMA load writes SBUF[{}][{:#x}] in cycle {} while cmd {} ({}) reads it "
              "(offered in cycle {}, retires in cycle {}); order them with after_dma / after_cmd",
              part, a, cycle, w.cmd, cmds[w.cmd].cmd.to_string(), w.from, w.to));
      }
    }
  }

  const TimingCore& timing() const { return tc_; }

 private:
  uint32_t p_;
  FunctionalCore& core_;
  TimingCore tc_;
  Prediction& pred_;
  std::vector<ReadWindow> windows_;
};

// The SBUF as the DMA engine model sees it: the functional core's SBUF, plus
// the race check and the transaction of every write.
class SbufForDma final : public DmaSbufPort {
 public:
  SbufForDma(const Config& cfg, FunctionalCore& core, PeSide& pe, const Stimulus& stim)
      : wb_(cfg.sbuf_word_bytes), core_(core), pe_(pe), stim_(stim) {}
  uint64_t cycle = 0;
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    core_.sbuf().read(part, addr, out, wb_);
  }
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    pe_.check_race(cycle, part, addr, wb_, strb, stim_.cmds);
    core_.sbuf().write(part, addr, data, wb_, strb);
  }

 private:
  uint32_t wb_;
  FunctionalCore& core_;
  PeSide& pe_;
  const Stimulus& stim_;
};

std::string queue_state(const Stimulus& stim, size_t j) {
  return fmt::format("descriptor {} (queue {}, {})", j, stim.dmas[j].queue,
                     stim.dmas[j].desc.is_store() ? "store" : "load");
}

// Every SBUF byte a store reads must have been written (the RTL's SBUF is
// not initialised).
void check_store_source(const Stimulus& stim, size_t j, const FunctionalCore& core,
                        const Config& cfg) {
  const DmaDesc& d = stim.dmas[j].desc;
  for (uint32_t r = 0; r < d.rows; ++r)
    for (uint64_t b = 0; b < uint64_t(d.planes) * d.row_bytes; ++b) {
      const uint64_t a = d.sbuf_addr + b;
      if (d.sbuf_part + r >= cfg.partitions || a >= cfg.sbuf_bytes) return;  // rejected by the check
      if (!core.sbuf().written(d.sbuf_part + r, uint32_t(a)))
        throw std::invalid_argument(fmt::format(
            "{} stores SBUF[{}][{:#x}], which nothing wrote", queue_state(stim, j), d.sbuf_part + r, a));
    }
}

// The cycle-stepped run with DMA descriptors.
void predict_with_dma(const Config& cfg, const Stimulus& stim, FunctionalCore& core, PeSide& pe,
                      Prediction& pred) {
  const size_t ncmd = stim.cmds.size(), ndesc = stim.dmas.size();
  const uint64_t start = stim.preload.size();
  AxiMem mem(stim.dram.mem);
  mem.write(stim.dram.window_base, stim.dram.init);
  DmaEngineModel dma(dma_params(cfg), kDmaQueueDepth);
  DmaTxnBuilder builder(cfg.axi_data_bytes);
  SbufForDma sbuf(cfg, core, pe, stim);

  pred.dma_accept.assign(ndesc, kNever);
  pred.dma_complete.assign(ndesc, kNever);
  pred.dma_code.assign(ndesc, 0);
  std::array<std::vector<size_t>, 2> queue;  // descriptor indices of each queue, in order
  for (size_t j = 0; j < ndesc; ++j) queue[stim.dmas[j].queue].push_back(j);
  std::array<size_t, 2> next_desc{};         // position in queue[q] of the next offer
  std::array<uint64_t, 2> desc_base{start, start};
  size_t next_cmd = 0;
  uint64_t cmd_base = start;
  uint64_t last_progress = start;
  uint64_t last_retire = 0;

  // The first cycle descriptor j may be offered (kNever while unknown).
  auto desc_avail = [&](int q) -> uint64_t {
    const TimedDesc& td = stim.dmas[queue[q][next_desc[q]]];
    uint64_t base = desc_base[q];
    if (td.after_cmd >= 0) {
      if (size_t(td.after_cmd) >= pred.retire_cycle.size()) return kNever;
      base = std::max(base, pred.retire_cycle[td.after_cmd] + 1);
    }
    return base + td.gap;
  };

  DmaCycleIn in;
  in.dram_base = stim.dram.window_base;
  in.dram_limit = stim.dram.window_limit;
  std::vector<Txn> dma_txns;
  for (uint64_t c = 0;; ++c) {
    // Tensor engine: the next command, in the cycle it is first offered.
    if (next_cmd < ncmd) {
      const TimedCmd& tc = stim.cmds[next_cmd];
      bool known = true;
      uint64_t base = cmd_base;
      if (tc.after_dma >= 0) {
        const uint64_t e = pred.dma_complete[tc.after_dma];
        known = e != kNever;
        if (known) base = std::max(base, e + 1);
      }
      if (known && c == base + tc.gap) {
        const OpTiming& t = pe.push(next_cmd, tc.cmd, c, true);
        cmd_base = t.accept + 1;
        last_retire = std::max(last_retire, t.retire);
        ++next_cmd;
        last_progress = c;
      }
    }
    // DMA: descriptor offers, one engine cycle, the replica DRAM's edge.
    DmaPins pins;
    for (int q = 0; q < 2; ++q) {
      in.desc_valid[q] = next_desc[q] < queue[q].size() && c >= desc_avail(q);
      if (in.desc_valid[q]) {
        in.desc[q] = stim.dmas[queue[q][next_desc[q]]].desc;
        pins.desc_index[q] = uint32_t(queue[q][next_desc[q]]);
      }
    }
    in.axi = mem.outputs();
    sbuf.cycle = c;
    const DmaCycleOut& o = dma.step(in, sbuf);
    pins.desc_valid = in.desc_valid;
    pins.desc_ready = o.desc_ready;
    pins.cpl_valid = o.cpl_valid;
    for (int q = 0; q < 2; ++q) pins.cpl_code[q] = uint32_t(o.cpl_code[q]);
    pins.sbuf_rd_req = o.sbuf_rd_req;
    pins.sbuf_rd_part = o.sbuf_rd_part;
    pins.sbuf_rd_addr = o.sbuf_rd_addr;
    pins.m = o.axi;
    pins.s = in.axi;
    dma_txns.clear();
    builder.observe(c, pins, dma_txns);
    if (o.sbuf_wr_valid) {
      Txn t = make_txn(c, Channel::kSbufWrite);
      t.part = o.sbuf_wr_part;
      t.addr = o.sbuf_wr_addr;
      t.data = pack_bytes_le(o.sbuf_wr_data.data(), cfg.sbuf_word_bytes);
      t.strb = o.sbuf_wr_strb;
      dma_txns.push_back(t);
    }
    for (const Txn& t : dma_txns) {
      if (t.channel == Channel::kDmaAccept) {
        pred.dma_accept[t.tag] = c;
        desc_base[t.part] = c + 1;
        ++next_desc[t.part];
      } else if (t.channel == Channel::kDmaComplete) {
        pred.dma_complete[t.tag] = c;
        pred.dma_code[t.tag] = uint32_t(t.data);
        const DmaDesc& d = stim.dmas[t.tag].desc;
        if (t.data == uint64_t(DmaCode::kOk)) {
          pred.dma_bytes += d.total_bytes();
          if (d.is_store()) check_store_source(stim, t.tag, core, cfg);
        }
      }
      if (t.channel != Channel::kDramRead && t.channel != Channel::kDramWriteReq) last_progress = c;
      pred.txns.push_back(t);
    }
    mem.tick(o.axi);

    // The end: every command pushed and retired, the DMA idle, every
    // descriptor run or behind a halted queue, the DRAM quiet.
    const bool pe_done = next_cmd == ncmd && c >= last_retire;
    bool dma_done = !dma.busy() && mem.idle();
    for (int q = 0; q < 2; ++q)
      if (next_desc[q] < queue[q].size() && !dma.halted(q)) dma_done = false;
    if (pe_done && dma_done) break;
    // Stuck: nothing in flight and the next command waits for a descriptor
    // that can never complete.
    if (!dma.busy() && mem.idle() && next_cmd < ncmd && stim.cmds[next_cmd].after_dma >= 0 &&
        pred.dma_complete[stim.cmds[next_cmd].after_dma] == kNever) {
      const size_t j = size_t(stim.cmds[next_cmd].after_dma);
      const int q = int(stim.dmas[j].queue);
      const bool blocked_by_cmd = next_desc[q] < queue[q].size() &&
                                  stim.dmas[queue[q][next_desc[q]]].after_cmd >= int32_t(next_cmd);
      if (dma.halted(q) || blocked_by_cmd)
        throw std::invalid_argument(fmt::format(
            "cmd {} waits for {}, which never completes ({})", next_cmd, queue_state(stim, j),
            dma.halted(q) ? "its queue halted on an error" : "it waits for a later command"));
    }
    if (c > last_progress + kStallCycles)
      throw std::logic_error(fmt::format("predict: no progress since cycle {}", last_progress));
  }
  pred.final_dram =
      mem.read(stim.dram.window_base, size_t(stim.dram.window_limit - stim.dram.window_base));
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
      const OpTiming& t = pe.push(i, stim.cmds[i].cmd, next + stim.cmds[i].gap, false);
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
