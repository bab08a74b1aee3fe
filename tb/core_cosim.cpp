#include "core_cosim.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

#include "core_monitor.h"
#include "loom/asm.h"
#include "loom/core_model.h"
#include "loom/isa.h"
#include "scoreboard.h"

namespace loom {
namespace {

constexpr uint64_t kMaxCheckBytes = 16u << 20;
constexpr uint64_t kLateLookahead = 64;  // cycles a missing transaction is looked for

// The instruction a transaction belongs to, when its tag is an index.
std::string instruction_of(const Txn& t, const std::vector<uint8_t>& program) {
  const bool indexed = t.channel == Channel::kSeqDispatch || t.channel == Channel::kSeqIssue ||
                       t.channel == Channel::kDmaAccept || t.channel == Channel::kDmaComplete;
  if (!indexed || size_t(t.tag) * 32 + 32 > program.size()) return "";
  std::vector<uint8_t> word(program.begin() + t.tag * 32, program.begin() + t.tag * 32 + 32);
  try {
    std::string s = disassemble(word);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return fmt::format("instruction {}: {}", t.tag, s);
  } catch (const std::exception&) {
    return fmt::format("instruction {}: (not a legal instruction word)", t.tag);
  }
}

// The program on the system: once, or with req.reset_permille twice, a
// system reset between the runs (the caller has set sys.stop_at() for the
// first). Between them the DRAM window gets its starting contents back and
// `restart()` is called; if it returns false the first run's result is
// returned and there is no second run.
CoreRunResult run_program(CoreSystem& sys, const CoreCosimRequest& req, const CoreRunRequest& run,
                          const std::function<bool()>& restart) {
  if (req.reset_permille == 0) return sys.run(run);
  const std::vector<uint8_t> start_dram =
      req.check_bytes ? sys.dram().read(req.check_base, size_t(req.check_bytes)) : std::vector<uint8_t>{};
  const CoreRunResult first = sys.run(run);
  sys.hard_reset();
  if (req.check_bytes) sys.dram().write(req.check_base, start_dram);
  if (!restart()) return first;
  return sys.run(run);
}

// The run on the RTL alone with a trace window (deterministic: same inputs,
// same X seed, the reset at the same cycle).
std::string rerun_with_waves(CoreFactory factory, const CoreCosimRequest& req,
                             const CoreRunRequest& run, uint64_t stop_at, uint64_t from, uint64_t to,
                             const std::string& path) {
  RtlOptions opt = req.rtl;
  opt.trace_path = path;
  opt.trace_from = from;
  opt.trace_to = to;
  CoreSystem sys(factory(opt), req.dram, req.ifetch);
  for (const auto& [addr, bytes] : req.dram_init) sys.dram().write(addr, bytes);
  if (stop_at) sys.stop_at(stop_at);
  try {
    run_program(sys, req, run, [&] { return sys.cycle() <= to; });
  } catch (const std::exception&) {
    // The failing run may not finish; the window is written anyway.
  }
  sys.dut().finish();
  return path;
}

}  // namespace

CoreCosimResult core_cosim(CoreFactory factory, const Config& cfg, const CoreCosimRequest& req0) {
  CoreCosimRequest req = req0;
  req.dram.data_bytes = req.ifetch.data_bytes = cfg.axi_data_bytes;
  if (req.check_bytes == 0 && req.dram_limit > req.dram_base &&
      req.dram_limit - req.dram_base <= kMaxCheckBytes) {
    req.check_base = req.dram_base;
    req.check_bytes = req.dram_limit - req.dram_base;
  }
  std::vector<bool> sync(req.program.size() / 32);
  for (size_t i = 0; i < sync.size(); ++i) sync[i] = req.program[32 * i] == uint8_t(Opcode::kSync);

  CoreCosimResult res;
  // One Verilated model at a time (a second context deadlocks Verilator 5.006
  // at destruction): the waveform re-run comes after this one is gone.
  auto sys_owner = std::make_unique<CoreSystem>(factory(req.rtl), req.dram, req.ifetch);
  CoreSystem& sys = *sys_owner;
  for (const auto& [addr, bytes] : req.dram_init) sys.dram().write(addr, bytes);

  std::optional<CorePrediction> pred;
  std::unique_ptr<Scoreboard> sb;
  auto monitor = std::make_unique<CoreMonitor>(cfg, sync);
  std::vector<Txn> actual;
  std::string model_error;
  bool failed = false;
  uint64_t last_rel = 0;
  uint64_t stop_at = 0, compared_before_reset = 0;

  sys.set_start_hook([&](CoreSystem& s) {
    CoreModelRun run;
    run.prog_base = req.prog_base;
    run.prog_len = uint32_t(req.program.size() / 32);
    run.watchdog = req.watchdog;
    run.dram_base = req.dram_base;
    run.dram_limit = req.dram_limit;
    run.dram = &s.dram();
    run.ifetch = &s.ifetch();
    run.max_cycles = req.max_cycles;
    run.dump_base = req.check_base;
    run.dump_bytes = req.check_bytes;
    try {
      pred.emplace(predict_core(cfg, run));
      sb = std::make_unique<Scoreboard>(pred->txns);
      if (req.reset_permille && stop_at == 0) {
        stop_at = s.start_cycle() + std::max<uint64_t>(1, pred->perf_cycles * req.reset_permille / 1000);
        s.stop_at(stop_at);
      }
    } catch (const std::exception& e) {
      model_error = e.what();
      failed = true;
    }
  });
  sys.set_observer([&](uint64_t cycle, const CoreInputs& in, const CoreOutputs& out) {
    if (!sb || cycle < sys.start_cycle()) return;
    const uint64_t rel = cycle - sys.start_cycle();
    if (failed) {
      // A missing transaction that turns up within a few cycles is a
      // timing error: say how late it came.
      std::optional<Mismatch>& m = sb->mismatch();
      if (!m || m->kind != Mismatch::Kind::kMissing || rel > m->cycle + kLateLookahead) return;
      actual.clear();
      monitor->observe(rel, in, out, actual);
      for (const Txn& t : actual) {
        if (t.same_payload(*m->expected)) {
          m->kind = Mismatch::Kind::kCycle;
          m->actual = t;
          m->late_by = t.cycle - m->expected->cycle;
          break;
        }
      }
      return;
    }
    actual.clear();
    monitor->observe(rel, in, out, actual);
    last_rel = rel;
    if (!sb->check_cycle(rel, actual)) failed = true;
  });

  CoreRunRequest run;
  run.program = req.program;
  run.prog_base = req.prog_base;
  run.dram_base = req.dram_base;
  run.dram_limit = req.dram_limit;
  run.watchdog = req.watchdog;
  run.max_cycles = req.max_cycles;
  std::string rtl_error;
  // After the reset in the middle: the second run has its own prediction,
  // scoreboard and monitor; a mismatch before the reset ends the run there.
  auto restart = [&] {
    res.reset_cycle = stop_at;
    if (failed) return false;
    if (sb) compared_before_reset = sb->compared();
    pred.reset();
    sb.reset();
    monitor = std::make_unique<CoreMonitor>(cfg, sync);
    last_rel = 0;
    return true;
  };
  try {
    res.rtl = run_program(sys, req, run, restart);
  } catch (const std::exception& e) {
    rtl_error = e.what();
  }
  sys.set_observer(nullptr);

  // What went wrong first.
  std::optional<Mismatch> mm;
  if (!model_error.empty()) {
    res.failure = "golden model: " + model_error;
  } else if (sb && sb->mismatch()) {
    mm = sb->mismatch();
    res.failure = mm->summary();
    res.mismatch = mm;
  } else if (!rtl_error.empty()) {
    res.failure = "RTL run: " + rtl_error;
  } else if (!sb) {
    res.failure = "the core never saw START";
  } else if (!sb->check_end(last_rel)) {
    mm = sb->mismatch();
    res.failure = mm->summary();
    res.mismatch = mm;
  }
  if (sb) {
    res.compared = compared_before_reset + sb->compared();
    for (int c = 0; c < kNumChannels; ++c) res.compared_by_channel[c] = sb->compared(Channel(c));
  }
  if (pred) res.model_cycles = pred->perf_cycles;

  // Status, counters, memories.
  if (res.failure.empty()) {
    const CoreRunResult& r = res.rtl;
    auto differ = [&](const char* what, uint64_t rtl, uint64_t model) {
      if (res.failure.empty() && rtl != model)
        res.failure = fmt::format("{}: RTL {} != model {}", what, rtl, model);
    };
    differ("STATUS.DONE", r.done, pred->done);
    differ("STATUS.ERROR", r.error, pred->error);
    differ("ERROR_CODE", r.error_code, pred->error_code);
    differ("ERROR_INDEX", r.error_index, pred->error_index);
    differ("PERF_CYCLES", r.perf_cycles, pred->perf_cycles);
    differ("PERF_BUSY_PE", r.perf_busy_pe, pred->perf_busy_pe);
    differ("PERF_BUSY_ACT", r.perf_busy_act, pred->perf_busy_act);
    differ("PERF_BUSY_DMA", r.perf_busy_dma, pred->perf_busy_dma);
    differ("PERF_MACS", r.perf_macs, pred->perf_macs);
    differ("PERF_DMA_BYTES", r.perf_dma_bytes, pred->perf_dma_bytes);
  }
  res.check_base = req.check_base;
  if (req.check_bytes) res.final_dram = sys.dram().read(req.check_base, size_t(req.check_bytes));
  if (res.failure.empty() && req.check_bytes) {
    for (uint64_t i = 0; i < req.check_bytes; ++i) {
      if (res.final_dram[i] != pred->final_dram[i]) {
        res.failure = fmt::format("DRAM byte {:#x}: RTL {:#04x} != model {:#04x}",
                                  req.check_base + i, res.final_dram[i], pred->final_dram[i]);
        break;
      }
    }
    res.memory_compared += req.check_bytes;
  }
  if (res.failure.empty() && req.compare_sbuf_psum) {
    const MemImage& img = pred->final_state;
    for (uint32_t p = 0; p < cfg.partitions && res.failure.empty(); ++p) {
      for (uint32_t a = 0; a < cfg.sbuf_bytes; ++a) {
        if (!img.sbuf_written[p][a]) continue;
        const uint32_t v = sys.dbg_read(false, p, a) & 0xff;
        ++res.memory_compared;
        if (v != img.sbuf[p][a]) {
          res.failure = fmt::format("SBUF[{}][{:#x}]: RTL {:#04x} != model {:#04x}", p, a, v,
                                    img.sbuf[p][a]);
          break;
        }
      }
      const uint32_t entries = cfg.psum_banks * cfg.psum_entries;
      for (uint32_t e = 0; e < entries && res.failure.empty(); ++e) {
        if (!img.psum_written[p][e]) continue;
        const uint32_t v = sys.dbg_read(true, p, e);
        ++res.memory_compared;
        if (v != uint32_t(img.psum[p][e]))
          res.failure = fmt::format("PSUM[{}] bank {} entry {}: RTL {} != model {}", p,
                                    e / cfg.psum_entries, e % cfg.psum_entries, int32_t(v),
                                    img.psum[p][e]);
      }
    }
  }
  res.pass = res.failure.empty();
  if (res.pass) {
    sys.dut().finish();
    return res;
  }
  const uint64_t start_cycle = sys.start_cycle();
  sys.dut().finish();
  sys_owner.reset();

  // The triage report.
  std::string rep = fmt::format("Loom whole-core co-simulation FAILED: {}\n", req.name);
  rep += fmt::format("configuration {} (P={}), DRAM latency {}, program {} instructions at {:#x}\n",
                     cfg.name, cfg.partitions, req.dram.read_latency, req.program.size() / 32,
                     req.prog_base);
  if (req.reset_permille) {
    rep += fmt::format("reset in the middle: rst_ni fell at RTL cycle {} ({}/1000 of the program); ",
                       res.reset_cycle, req.reset_permille);
    rep += start_cycle > res.reset_cycle
               ? fmt::format("the problem is in the second run (START at RTL cycle {})\n", start_cycle)
               : std::string("the problem is in the first run, before the reset (no second run)\n");
  }
  rep += "first problem: " + res.failure + "\n";
  if (mm) {
    if (mm->expected) {
      rep += "  expected: " + mm->expected->to_string() + "\n";
      if (std::string i = instruction_of(*mm->expected, req.program); !i.empty())
        rep += "            " + i + "\n";
    }
    if (mm->actual) {
      rep += "  actual:   " + mm->actual->to_string() + "\n";
      if (std::string i = instruction_of(*mm->actual, req.program); !i.empty())
        rep += "            " + i + "\n";
    }
    rep += fmt::format("  cycles are counted from START (RTL cycle {} = cycle 0)\n", start_cycle);
  }
  rep += fmt::format("transactions compared before it: {}\n", res.compared);
  if (req.out_dir.empty() && !req.reproduce.empty()) rep += "reproduce: " + req.reproduce + "\n";
  if (!req.out_dir.empty()) {
    std::filesystem::create_directories(req.out_dir);
    if (mm) {
      const uint64_t at = start_cycle + mm->cycle;
      const uint64_t from = at > req.wave_before ? at - req.wave_before : 0;
      res.wave_path = rerun_with_waves(factory, req, run, stop_at, from, at + req.wave_after,
                                       req.out_dir + "/" + req.name + ".fst");
      rep += fmt::format("waveform: {} (RTL cycles {}..{}: {} before, {} after; open with gtkwave)\n",
                         res.wave_path, from, at + req.wave_after, at - from, req.wave_after);
    }
    if (!req.reproduce.empty()) rep += "reproduce: " + req.reproduce + "\n";
    res.report_path = req.out_dir + "/" + req.name + ".report.txt";
    std::ofstream(res.report_path) << rep;
  }
  res.report = rep;
  return res;
}

}  // namespace loom
