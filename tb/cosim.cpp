#include "cosim.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "driver.h"
#include "loom/model.h"
#include "loom/sc_model.h"
#include "monitor.h"
#include "triage.h"

namespace loom {
namespace {

// Cycles simulated past the last predicted event, to catch extra events.
constexpr uint64_t kDrainCycles = 16;
// Cycles simulated after a missing event, to tell how late it was.
constexpr uint64_t kLookahead = 64;
// Cycles allowed for busy_o to fall after the last event.
constexpr uint64_t kIdleTimeout = 1000;

// Reads every SBUF byte and PSUM entry the model wrote, through the debug
// port, and compares. The engine must be idle.
void compare_memories(RtlDut& dut, const Prediction& pred, CosimResult& r) {
  const Config& cfg = dut.config();
  struct Probe {
    bool psum;
    uint32_t part, addr;
    int64_t expected;
  };
  std::vector<Probe> probes;
  const MemImage& m = pred.final_state;
  for (uint32_t p = 0; p < cfg.partitions; ++p) {
    for (uint32_t a = 0; a < cfg.sbuf_bytes; ++a) {
      if (m.sbuf_written[p][a]) probes.push_back({false, p, a, m.sbuf[p][a]});
    }
    for (uint32_t a = 0; a < m.psum[p].size(); ++a) {
      if (m.psum_written[p][a]) probes.push_back({true, p, a, m.psum[p][a]});
    }
  }
  // One request per cycle; the data comes back the next cycle.
  for (size_t i = 0; i <= probes.size(); ++i) {
    RtlInputs in;
    if (i < probes.size()) {
      in.dbg_req = true;
      in.dbg_psum = probes[i].psum;
      in.dbg_part = probes[i].part;
      in.dbg_addr = probes[i].addr;
    }
    const RtlOutputs& out = dut.drive(in);
    if (i > 0) {
      const Probe& pr = probes[i - 1];
      const int64_t actual = pr.psum ? int64_t(int32_t(out.dbg_rdata)) : int64_t(out.dbg_rdata & 0xff);
      if (!out.dbg_rvalid) {
        throw std::runtime_error("debug read returned no rvalid");
      }
      ++r.mem_compared;
      if (actual != pr.expected && r.mem_mismatches.size() < 64) {
        MemMismatch mm;  // by name: the struct also has a `dram` flag
        mm.psum = pr.psum;
        mm.part = pr.part;
        mm.addr = pr.addr;
        mm.expected = pr.expected;
        mm.actual = actual;
        r.mem_mismatches.push_back(mm);
      }
    }
    dut.tick();
  }
}

// The DRAM window after the run against the model's.
void compare_dram(const AxiMem& mem, const Stimulus& stim, const Prediction& pred, CosimResult& r) {
  if (stim.dmas.empty()) return;
  const std::vector<uint8_t> actual = mem.read(stim.dram.window_base, pred.final_dram.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ++r.mem_compared;
    ++r.dram_compared;
    if (actual[i] != pred.final_dram[i] && r.mem_mismatches.size() < 64) {
      MemMismatch m;
      m.dram = true;
      m.addr = uint32_t(stim.dram.window_base + i);
      m.expected = pred.final_dram[i];
      m.actual = actual[i];
      r.mem_mismatches.push_back(m);
    }
  }
}

// The testbench DRAM of a run: the stimulus' setup, on the configuration's bus.
AxiMemConfig dram_config(const Config& cfg, const Stimulus& stim) {
  AxiMemConfig mc = stim.dram.mem;
  mc.data_bytes = cfg.axi_data_bytes;  // validate() checked it when descriptors are used
  return mc;
}

// Runs the RTL against `pred` and fills the RTL half of `r` (everything but
// the prediction, the file paths and the wall time).
void run_rtl(RtlFactory factory, const Stimulus& stim, const Prediction& pred,
             const RtlOptions& ropt, CosimResult& r) {
  r.first_issue = UINT64_MAX;
  std::unique_ptr<RtlDut> dut = factory(ropt);
  try {
    dut->reset();
    const Config& cfg = dut->config();
    AxiMem mem(dram_config(cfg, stim));
    mem.write(stim.dram.window_base, stim.dram.init);
    Driver driver(stim);
    Monitor monitor(cfg.axi_data_bytes, cfg.sbuf_word_bytes);
    Scoreboard sb(pred.txns);
    std::vector<Txn> actual;
    const uint64_t last = pred.end_cycle + kDrainCycles;
    uint64_t stop_at = UINT64_MAX;  // set by a mismatch: the end of the lookahead
    // One cycle of DUT and DRAM together; the monitor's transactions in `actual`.
    auto cycle = [&](uint64_t c, RtlInputs in) -> const RtlOutputs& {
      in.axi = mem.outputs();
      const RtlOutputs& out = dut->drive(in);
      actual.clear();
      monitor.observe(c, in, out, {driver.offered_desc(0), driver.offered_desc(1)}, actual);
      driver.settle(c, in, out, actual);
      mem.tick(out.axi);
      return out;
    };
    for (uint64_t c = 0;; ++c) {
      const RtlInputs in = driver.inputs(c);
      cycle(c, in);
      for (const Txn& t : actual) {
        if (t.channel == Channel::kPsumWrite) r.psum_writes.push_back(t);
        if (t.channel == Channel::kIssue && r.first_issue == UINT64_MAX) r.first_issue = c;
      }
      if (!sb.mismatch()) {
        if (!sb.check_cycle(c, actual)) {
          const Mismatch& mm = *sb.mismatch();
          stop_at = mm.kind == Mismatch::Kind::kMissing ? c + kLookahead : c;
        }
      } else if (sb.mismatch()->kind == Mismatch::Kind::kMissing && !sb.mismatch()->late_by) {
        // Keep looking for the missing payload to report how late it was.
        const Txn& e = *sb.mismatch()->expected;
        for (const Txn& t : actual) {
          if (t.same_payload(e)) {  // it came, late: a timing error
            sb.mismatch()->kind = Mismatch::Kind::kCycle;
            sb.mismatch()->actual = t;
            sb.mismatch()->late_by = t.cycle - e.cycle;
            stop_at = c;
          }
        }
      }
      dut->tick();
      r.rtl_cycles = c + 1;
      if (c >= stop_at) break;
      if (!sb.mismatch() && c >= last && driver.done()) {
        sb.check_end(c);
        break;
      }
    }
    r.mismatch = sb.mismatch();
    r.compared = sb.compared();
    for (int ch = 0; ch < kNumChannels; ++ch) r.compared_by_channel[ch] = sb.compared(Channel(ch));
    if (!r.mismatch) {
      uint64_t waited = 0;
      for (;;) {
        const uint64_t c = dut->cycle();
        RtlInputs idle = driver.inputs(c);  // descriptors of halted queues stay offered
        idle.cmd_valid = false;
        const RtlOutputs& out = cycle(c, idle);
        // dma_busy_o ignores descriptors stranded in a halted queue (dma.md).
        const bool busy = out.busy || out.dma_busy || !mem.idle();
        if (!actual.empty()) {
          throw std::runtime_error(fmt::format("cycle {}: {} after the last predicted event", c,
                                               actual.front().to_string()));
        }
        dut->tick();
        if (!busy) break;
        if (++waited > kIdleTimeout) {
          throw std::runtime_error(fmt::format(
              "busy_o / dma_busy_o / DRAM still busy {} cycles after the last event", kIdleTimeout));
        }
      }
      mem.check_end();
      compare_memories(*dut, pred, r);
      compare_dram(mem, stim, pred, r);
      r.rtl_cycles = dut->cycle();
    }
  } catch (const std::exception& e) {
    r.error = e.what();
    r.rtl_cycles = dut->cycle();
  }
  if (r.first_issue == UINT64_MAX) r.first_issue = 0;
  r.pass = !r.mismatch && r.mem_mismatches.empty() && r.error.empty();
  dut->finish();
}

}  // namespace

std::string output_dir(const CosimOptions& opt) {
  if (!opt.out_dir.empty()) return opt.out_dir;
  if (const char* e = std::getenv("LOOM_OUT_DIR"); e && *e) return e;
  return "loom-out";
}

CosimResult run_cosim(RtlFactory rtl, const Config& cfg, const Stimulus& stim,
                      const CosimOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  if (std::string why = validate(cfg, stim); !why.empty()) {
    throw std::invalid_argument("invalid stimulus: " + why);
  }
  CosimResult res;
  res.prediction = opt.use_systemc ? run_systemc_model(cfg, stim) : predict(cfg, stim);

  const std::string dir = output_dir(opt);
  std::filesystem::create_directories(dir);
  RtlOptions ropt;
  ropt.rand_reset = opt.rand_reset;
  ropt.seed = opt.seed;
  if (opt.waves) {
    ropt.trace_path = dir + "/" + opt.name + ".fst";
    res.wave_path = ropt.trace_path;
  }
  run_rtl(rtl, stim, res.prediction, ropt, res);

  if (!res.pass) {
    // Re-run with tracing on a window around the failure (the run is
    // deterministic), unless the whole run was traced already.
    const uint64_t fail_cycle =
        res.mismatch ? res.mismatch->cycle : (res.rtl_cycles ? res.rtl_cycles - 1 : 0);
    if (!opt.waves) {
      RtlOptions wopt = ropt;
      wopt.trace_path = dir + "/" + opt.name + ".fst";
      wopt.trace_from = fail_cycle > opt.window_before ? fail_cycle - opt.window_before : 0;
      wopt.trace_to = fail_cycle + opt.window_after;
      CosimResult rerun;
      run_rtl(rtl, stim, res.prediction, wopt, rerun);
      res.wave_path = wopt.trace_path;
    }
    res.report_path = dir + "/" + opt.name + ".triage.txt";
    std::ofstream(res.report_path) << triage_report(cfg, stim, res, opt);
  }
  res.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace loom
