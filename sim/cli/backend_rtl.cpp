// --mode rtl: the program on the Verilated whole core (rtl/loom_core.sv) in
// its system (tb/core_system.h): a host programs the CSRs, the sequencer
// fetches the program, the DMA moves the data, the interrupt ends the run.
// Cycles, utilization and busy percentages come from the core's own
// performance counters (docs/core.md).
// --mode cosim: the same run, co-simulated against the whole-core golden
// model (tb/core_cosim.h): every transaction compared as it happens, then
// status, counters and memories; a mismatch fails the run.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "backend.h"
#include "core_cosim.h"
#include "core_system.h"
#include "error.h"
#include "loom/core_models.h"
#include "loom/isa.h"
#include "loom/program_exec.h"

namespace loom::cli {
namespace {

constexpr uint64_t kPage = 4096;

// Instructions per queue (seq, dma0, dma1, pe, act) and DMA bytes loaded /
// stored of a program that ran to its END: every instruction before END has
// completed. The RTL counts instructions nowhere and DMA bytes in one sum;
// this split is exact for a completed run only.
struct StaticCounts {
  std::array<uint64_t, kExecQueues> instrs{};
  uint64_t load_bytes = 0, store_bytes = 0;
};

StaticCounts static_counts(const std::vector<uint8_t>& program) {
  StaticCounts c;
  auto& n = c.instrs;
  for (const Instr& i : decode_program(program)) {
    // StaticCounts::instrs is indexed by ExecQueue (seq, dma0, dma1, pe, act).
    const size_t q = size_t(queue_of(i));
    if (const auto* d = std::get_if<Instr::Dma>(&i.op)) {
      const uint64_t bytes = uint64_t(d->desc.rows) * d->desc.row_bytes * d->desc.planes;
      (d->desc.dir == 0 ? c.load_bytes : c.store_bytes) += bytes;
    }
    ++n[q];
    if (std::holds_alternative<Instr::End>(i.op)) break;
  }
  return c;
}

class RtlBackend : public Backend {
 public:
  RtlBackend(std::string command, bool cosim) : command_(std::move(command)), cosim_(cosim) {}
  Mode mode() const override { return cosim_ ? Mode::kCosim : Mode::kRtl; }
  std::string description() const override {
    return cosim_ ? "RTL (Verilated loom_core) co-simulated against the whole-core golden model"
                  : "RTL (Verilated loom_core)";
  }

  RunOutput run(const RunInput& in) override {
    RunOutput out;
    out.dram = in.dram;
    if (in.program.empty() || in.program.size() % 32 != 0) {
      out.error = "PROGRAM";
      out.message =
          fmt::format("program size {} is not a positive multiple of 32 bytes", in.program.size());
      return out;
    }
    CoreFactory f = core_factory(in.cfg->name);
    if (f == nullptr) {
      throw CliError(kExitUsage,
                     fmt::format("{}: error: --mode rtl: configuration '{}' has no RTL model (RTL "
                                 "configurations: tiny, small, medium; see '{} --help')",
                                 command_, in.cfg->name, command_));
    }
    RtlOptions opt;
    opt.trace_path = in.waves;
    AxiMemConfig m;
    m.data_bytes = in.cfg->axi_data_bytes;
    m.read_latency = in.dram_latency;
    m.write_latency = std::max<uint32_t>(1, in.dram_latency / 4);

    // The program goes on the next page after the data window; the window
    // the core sees covers both.
    const uint64_t prog_base = in.dram_base + (in.dram.size() + kPage - 1) / kPage * kPage;
    CoreRunRequest req;
    req.program = in.program;
    req.prog_base = prog_base;
    req.dram_base = in.dram_base;
    req.dram_limit = prog_base + in.program.size();
    CoreRunResult r;
    if (cosim_) {
      CoreCosimRequest c;
      c.name = command_;
      c.program = in.program;
      c.prog_base = prog_base;
      c.dram_base = req.dram_base;
      c.dram_limit = req.dram_limit;
      c.watchdog = req.watchdog;
      c.dram_init = {{in.dram_base, in.dram}};
      c.dram = c.ifetch = m;
      c.out_dir = in.out_dir;
      c.rtl = opt;
      const CoreCosimResult res = core_cosim(f, *in.cfg, c);
      r = res.rtl;
      out.transactions_compared = res.compared;
      out.scoreboard_mismatches = res.pass ? 0 : 1;
      out.dram = std::vector<uint8_t>(res.final_dram.begin(),
                                      res.final_dram.begin() + std::min(res.final_dram.size(),
                                                                        in.dram.size()));
      if (!res.pass) {
        out.error = "MISMATCH";
        out.message = "co-simulation: " + res.failure +
                      (res.report_path.empty() ? "" : " (report: " + res.report_path + ")");
        if (!res.report.empty()) std::fputs(res.report.c_str(), stderr);
        return out;
      }
    } else {
      CoreSystem sys(f(opt), m, m);
      sys.dram().write(in.dram_base, in.dram);
      r = sys.run(req);
      sys.dut().finish();
      out.dram = sys.dram().read(in.dram_base, in.dram.size());
    }

    out.done = r.done && !r.error;
    if (r.error) {
      out.error = core_error_name(CoreError(r.error_code));
      out.error_index = r.error_index;
      out.message =
          fmt::format("the core stopped with {} at instruction {}", out.error, r.error_index);
    }
    out.macs = r.perf_macs;
    out.cycles = r.perf_cycles;
    const double cyc = r.perf_cycles ? double(r.perf_cycles) : 1.0;
    const double p = in.cfg->partitions;
    out.utilization_percent = 100.0 * double(r.perf_macs) / (p * p * cyc);
    auto pct = [&](uint64_t busy) { return std::optional<double>(100.0 * double(busy) / cyc); };
    StaticCounts sc;
    if (out.done) sc = static_counts(in.program);
    const std::array<uint64_t, 5>& n = sc.instrs;
    // One DMA engine serves both queues: both show its busy cycles.
    out.engines.push_back({"seq", n[0], pct(r.perf_busy_seq)});
    out.engines.push_back({"dma0", n[1], pct(r.perf_busy_dma)});
    out.engines.push_back({"dma1", n[2], pct(r.perf_busy_dma)});
    out.engines.push_back({"pe", n[3], pct(r.perf_busy_pe)});
    out.engines.push_back({"act", n[4], pct(r.perf_busy_act)});
    for (uint64_t k : n) out.executed += k;
    // The core counts the bytes of loads and stores together (PERF_DMA_BYTES);
    // a completed run splits them by its descriptors, whose sum must be the
    // counter's. A stopped run reports the counter as loads.
    if (out.done) {
      out.dma_load_bytes = sc.load_bytes;
      out.dma_store_bytes = sc.store_bytes;
      if (sc.load_bytes + sc.store_bytes != r.perf_dma_bytes) {
        out.done = false;
        out.error = "PERF_DMA_BYTES";
        out.message = fmt::format("PERF_DMA_BYTES {} != the program's {} DMA bytes",
                                  r.perf_dma_bytes, sc.load_bytes + sc.store_bytes);
      }
    } else {
      out.dma_load_bytes = r.perf_dma_bytes;
    }
    return out;
  }

 private:
  std::string command_;
  bool cosim_;
};

}  // namespace

std::unique_ptr<Backend> make_rtl_backend(const std::string& command, bool cosim) {
  return std::make_unique<RtlBackend>(command, cosim);
}

}  // namespace loom::cli
