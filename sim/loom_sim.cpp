// loom-sim: runs a tiled int8 GEMM on the RTL in co-simulation with the
// golden model and prints the report (`make sim`).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cosim.h"
#include "loom/rtl_models.h"
#include "workloads.h"

namespace {

struct Args {
  std::string config{loom::kDefaultConfig};
  uint32_t m = 64, k = 64, n = 64;
  uint64_t seed = 1;
  bool waves = false;
  std::string out_dir;
  std::string json;
};

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"Loom co-simulation: a tiled int8 GEMM C = A x B on the RTL, checked cycle by "
               "cycle against the SystemC golden model"};
  app.add_option("--config", a.config, "configuration (tiny, small, medium)")->capture_default_str();
  app.add_option("--m", a.m, "rows of A and C")->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--k", a.k, "columns of A, rows of B")->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--n", a.n, "columns of B and C")->capture_default_str()->check(CLI::Range(1, 4096));
  app.add_option("--seed", a.seed, "seed of the random A and B")->capture_default_str();
  app.add_flag("--waves", a.waves, "write an FST waveform of the whole run");
  app.add_option("--out-dir", a.out_dir, "where waves and reports go (default $LOOM_OUT_DIR or loom-out)");
  app.add_option("--json", a.json, "also write the report as JSON to this file");
  CLI11_PARSE(app, argc, argv);

  try {
    const loom::Config& cfg = loom::config_by_name(a.config);
    const loom::RtlFactory rtl = loom::rtl_factory(a.config);
    if (!rtl) throw std::invalid_argument("no RTL model is built for configuration " + a.config);
    const loom::GemmProblem g = loom::random_gemm(a.m, a.k, a.n, a.seed);
    const loom::GemmProgram prog = loom::build_gemm(cfg, g);

    loom::CosimOptions opt;
    opt.name = fmt::format("sim_gemm_{}x{}x{}_{}", a.m, a.k, a.n, cfg.name);
    opt.out_dir = a.out_dir;
    opt.waves = a.waves;
    opt.repro = fmt::format("build/loom-sim --config {} --m {} --k {} --n {} --seed {}", a.config,
                            a.m, a.k, a.n, a.seed);
    fmt::print("loom-sim: GEMM {} x {} x {} (int8, seed {}) on configuration {} (P = {}), {} "
               "commands\n",
               a.m, a.k, a.n, a.seed, cfg.name, cfg.partitions, prog.stim.cmds.size());
    std::fflush(stdout);
    const loom::CosimResult r = loom::run_cosim(rtl, cfg, prog.stim, opt);
    const bool gemm_ok = r.pass && loom::gemm_result(cfg, prog, r.prediction, r.psum_writes) ==
                                       loom::reference_gemm(g);
    const bool pass = r.pass && gemm_ok;

    const double util = r.utilization(cfg);
    auto row = [](const char* k, const std::string& v) { fmt::print("  {:<34} {:>14}\n", k, v); };
    fmt::print("\n  {:-<50}\n", "");
    row("configuration", fmt::format("{} (P={})", cfg.name, cfg.partitions));
    row("workload", fmt::format("GEMM {}x{}x{}", a.m, a.k, a.n));
    row("cycles simulated (all)", fmt::format("{}", r.rtl_cycles));
    row("compute cycles (first issue..end)", fmt::format("{}", r.compute_cycles()));
    row("MACs", fmt::format("{}", r.prediction.macs));
    row("array utilization", fmt::format("{:.1f} %", 100.0 * util));
    row("transactions compared", fmt::format("{}", r.compared));
    row("  issue / retire / accept", fmt::format("{}", r.compared_by_channel[int(loom::Channel::kIssue)] +
                                                          r.compared_by_channel[int(loom::Channel::kLdwRetire)] +
                                                          r.compared_by_channel[int(loom::Channel::kMmRetire)] +
                                                          r.compared_by_channel[int(loom::Channel::kCmdAccept)]));
    row("  SBUF writes", fmt::format("{}", r.compared_by_channel[int(loom::Channel::kSbufWrite)]));
    row("  PSUM writes", fmt::format("{}", r.compared_by_channel[int(loom::Channel::kPsumWrite)]));
    row("final memory locations compared", fmt::format("{}", r.mem_compared));
    row("mismatches", fmt::format("{}", (r.mismatch ? 1 : 0) + r.mem_mismatches.size()));
    row("C == reference GEMM", gemm_ok ? "yes" : "no");
    row("wall time", fmt::format("{:.2f} s", r.wall_seconds));
    row("simulated cycles / s", fmt::format("{:.0f}", r.rtl_cycles / std::max(r.wall_seconds, 1e-9)));
    fmt::print("  {:-<50}\n", "");
    row("result", pass ? "PASS" : "FAIL");
    if (!r.wave_path.empty()) fmt::print("  waveform: {}\n", r.wave_path);
    if (!r.report_path.empty()) fmt::print("  triage report: {}\n", r.report_path);
    if (!r.error.empty()) fmt::print("  RTL error: {}\n", r.error);
    if (r.mismatch) fmt::print("  first mismatch: {}\n", r.mismatch->summary());

    if (!a.json.empty()) {
      nlohmann::json j = {{"config", cfg.name},
                          {"partitions", cfg.partitions},
                          {"m", a.m}, {"k", a.k}, {"n", a.n}, {"seed", a.seed},
                          {"cycles", r.rtl_cycles},
                          {"compute_cycles", r.compute_cycles()},
                          {"macs", r.prediction.macs},
                          {"utilization", util},
                          {"transactions_compared", r.compared},
                          {"memory_compared", r.mem_compared},
                          {"gemm_matches_reference", gemm_ok},
                          {"wall_seconds", r.wall_seconds},
                          {"pass", pass}};
      std::ofstream(a.json) << j.dump(2) << '\n';
    }
    return pass ? 0 : 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "loom-sim: error: {}\n", e.what());
    return 2;
  }
}
