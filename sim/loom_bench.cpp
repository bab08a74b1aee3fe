// loom-bench: the measurements of `make bench` (docs/performance.md), in
// one run, as tables on stdout, one JSON file and the data of the plots:
//   speed  simulation speed of the RTL core alone, the golden model alone
//          (C++ and SystemC), co-simulation and the bare PE array, per P,
//          and Verilator --threads builds against single-threaded;
//   util   array utilization of GEMMs, conv2d layers and MLPs on the RTL
//          core, and the golden model's predicted cycles against the RTL's
//          (fixed DRAM latency and random backpressure), GEMMs against the
//          analytic weight-stationary estimate;
//   dma    DMA bandwidth against the bus peak.
// Then the targets of docs/performance.md, each met or not, with the
// figure. Every figure comes from a checked run (result == reference, or a
// passing co-simulation); a failing run fails the benchmark (exit 1).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_dma.h"
#include "bench_speed.h"
#include "bench_util.h"
#include "bench_workload.h"
#include "loom/bench_models.h"
#include "loom/rtl_models.h"

namespace {

using namespace loom;
using namespace loom::bench;

// A goal of docs/performance.md and how the run did against it.
struct Target {
  std::string name, goal, measured;
  bool met = false;
};

std::string self_path(const char* argv0) {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : p.string();
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The utilization workloads at one configuration.
std::vector<Workload> util_workloads(const Config& cfg, bool quick) {
  std::vector<Workload> w;
  const std::vector<uint32_t> cubes = quick ? std::vector<uint32_t>{64, 256}
                                            : std::vector<uint32_t>{64, 128, 256, 512};
  for (uint32_t s : cubes) w.push_back(gemm_workload(cfg, s, s, s));
  if (!quick) {
    // Skinny: one dimension 64, the others 512 (few stationary columns, a
    // short accumulation, short streams).
    w.push_back(gemm_workload(cfg, 64, 512, 512));
    w.push_back(gemm_workload(cfg, 512, 64, 512));
    w.push_back(gemm_workload(cfg, 512, 512, 64));
  }
  // ResNet-like 3x3 layers, stride 1, padding 1.
  const std::vector<ConvShape> convs =
      quick ? std::vector<ConvShape>{{14, 14, 64, 64, 3, 1}}
            : std::vector<ConvShape>{{28, 28, 32, 32, 3, 1}, {14, 14, 64, 64, 3, 1}, {7, 7, 128, 128, 3, 1}};
  for (const ConvShape& c : convs) w.push_back(conv2d_workload(cfg, c));
  w.push_back(mlp_workload(cfg, quick ? MlpShape{64, 128, 128, 64} : MlpShape{64, 256, 256, 64}));
  return w;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loom-bench: Loom's benchmarks (docs/performance.md)"};
  std::vector<std::string> sections{"speed", "util", "dma"};
  uint32_t latency = 100;
  std::string out_dir = "build/bench";
  std::string json_path;  // default: out_dir/bench.json
  SpeedOptions speed;
  std::vector<std::string> speed_models{"tiny", "small", "medium", "large", "large_mt2"};
  std::vector<std::string> util_configs{"small", "medium"};
  bool quick = false, no_backpressure = false;
  std::vector<std::string> dma_configs{"small", "tiny", "medium"};
  double dma_target = 0.90, gemm_target = 0.90;
  std::string systemc_config;
  app.add_option("--sections", sections, "what to measure: speed, util, dma")->delimiter(',');
  app.add_option("--latency", latency, "DRAM read and write latency in cycles (util, dma)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--out-dir", out_dir, "JSON, plot data, and reports of failing runs");
  app.add_option("--json", json_path, "the JSON results (default OUT_DIR/bench.json)");
  app.add_option("--speed-models", speed_models, "core models of the speed section")->delimiter(',');
  app.add_option("--speed-n", speed.n_at_p8, "N of the speed GEMM at P=8 (256 x 256 x N, N scaled by P^2/64)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--bare-cycles", speed.bare_cycles, "cycles of each bare PE array run")
      ->check(CLI::Range(1000, 100000000));
  app.add_option("--util-configs", util_configs, "configurations of the util section")->delimiter(',');
  app.add_flag("--quick", quick, "fewer and smaller util workloads (CI)");
  app.add_flag("--no-backpressure", no_backpressure, "util: skip the random-backpressure runs");
  app.add_option("--dma-configs", dma_configs, "configurations of the dma section")->delimiter(',');
  app.add_option("--dma-target", dma_target, "DMA goal, fraction of the bus peak")->check(CLI::Range(0.0, 1.0));
  app.add_option("--gemm-target", gemm_target, "256^3 GEMM utilization goal at P=8")->check(CLI::Range(0.0, 1.0));
  app.add_option("--systemc-child", systemc_config, "(internal) run the speed workload on the SystemC model")
      ->group("");
  CLI11_PARSE(app, argc, argv);
  if (!systemc_config.empty()) return systemc_child(systemc_config, speed.n_at_p8);
  for (const std::string& s : sections)
    if (s != "speed" && s != "util" && s != "dma") {
      fmt::print(stderr, "loom-bench: unknown section '{}' (speed, util, dma)\n", s);
      return 2;
    }
  if (json_path.empty()) json_path = out_dir + "/bench.json";
  std::filesystem::create_directories(out_dir);
  speed.self = self_path(argv[0]);
  speed.out_dir = out_dir;

  bool ok = true;
  std::vector<Target> targets;
  nlohmann::json j;
  j["dram_latency"] = latency;
  try {
    // --- speed -------------------------------------------------------------
    if (has(sections, "speed")) {
      std::vector<SpeedPoint> pts;
      for (const std::string& m : speed_models) pts.push_back(measure_speed(m, speed));
      print_speed(pts);
      j["speed"] = speed_json(pts);
      double worst_cosim = std::numeric_limits<double>::max(), worst_bare = worst_cosim,
             worst_model = worst_cosim;
      std::string at_cosim, at_bare, at_model;
      for (const SpeedPoint& s : pts) {
        ok = ok && s.rtl.ok && s.model_alone.ok && s.model_recording.ok && (!s.cosim.cycles || s.cosim.ok) &&
             (!s.systemc || s.systemc->ok) && (!s.bare.built || s.bare.ok);
        if (s.threads != 1) continue;
        const double rtl = s.rtl.cycles_per_second();
        auto worst = [&](double v, double& w, std::string& at) {
          if (v < w) w = v, at = fmt::format("{} (P={})", s.model, s.partitions);
        };
        if (s.cosim.cycles) worst(s.cosim.cycles_per_second() / rtl, worst_cosim, at_cosim);
        if (s.bare.built) worst(rtl / s.bare.cycles_per_second(), worst_bare, at_bare);
        worst(s.model_alone.cycles_per_second() / rtl, worst_model, at_model);
      }
      if (!at_cosim.empty())
        targets.push_back({"co-simulation speed", "co-sim >= 1/3 of RTL alone (cycles/s)",
                           fmt::format("worst {:.2f} at {}", worst_cosim, at_cosim), worst_cosim >= 1.0 / 3});
      if (!at_bare.empty())
        targets.push_back({"whole core vs bare array", "RTL core >= 1/3 of the bare array (PE-cycles/s)",
                           fmt::format("worst {:.2f} at {}", worst_bare, at_bare), worst_bare >= 1.0 / 3});
      if (!at_model.empty())
        targets.push_back({"golden model speed", "golden model alone >= 20x RTL alone (cycles/s)",
                           fmt::format("worst {:.1f}x at {}", worst_model, at_model), worst_model >= 20});
      // Threads: each threaded model against the single-threaded one of its configuration.
      bool any = false;
      for (const SpeedPoint& t : pts) {
        if (t.threads == 1) continue;
        for (const SpeedPoint& s : pts) {
          if (s.threads != 1 || s.config != t.config) continue;
          if (!any) {
            fmt::print("\nVerilator --threads against single-threaded (RTL alone, and the bare array)\n\n");
            fmt::print("{:<10} {:>3} {:>7} {:>12} {:>12} {:>8} {:>12} {:>12} {:>8}\n", "config", "P",
                       "threads", "core c/s", "1 thread", "speedup", "bare c/s", "1 thread", "speedup");
            any = true;
          }
          const bool bare = t.bare.built && s.bare.built;
          fmt::print("{:<10} {:>3} {:>7} {:>12.0f} {:>12.0f} {:>7.2f}x {:>12} {:>12} {:>8}\n", t.config,
                     t.partitions, t.threads, t.rtl.cycles_per_second(), s.rtl.cycles_per_second(),
                     t.rtl.cycles_per_second() / s.rtl.cycles_per_second(),
                     bare ? fmt::format("{:.0f}", t.bare.cycles_per_second()) : "-",
                     bare ? fmt::format("{:.0f}", s.bare.cycles_per_second()) : "-",
                     bare ? fmt::format("{:.2f}x", t.bare.cycles_per_second() / s.bare.cycles_per_second())
                          : "-");
        }
      }
      // The plot's data: cycles/s against P.
      std::ofstream f(out_dir + "/speed.dat");
      f << "# P rtl model systemc cosim bare (cycles/s, single-threaded)\n";
      for (const SpeedPoint& s : pts) {
        if (s.threads != 1) continue;
        auto v = [](bool have, double x) { return have ? fmt::format("{:.1f}", x) : std::string("-"); };
        f << s.partitions << ' ' << v(true, s.rtl.cycles_per_second()) << ' '
          << v(true, s.model_alone.cycles_per_second()) << ' '
          << v(bool(s.systemc), s.systemc ? s.systemc->cycles_per_second() : 0) << ' '
          << v(s.cosim.cycles != 0, s.cosim.cycles_per_second()) << ' '
          << v(s.bare.built, s.bare.cycles_per_second()) << "\n";
      }
    }

    // --- util --------------------------------------------------------------
    if (has(sections, "util")) {
      std::vector<UtilPoint> pts;
      for (const std::string& name : util_configs) {
        const Config& cfg = config_by_name(name);
        const CoreFactory factory = bench_core_factory(name);
        if (!factory) throw std::invalid_argument(fmt::format("no RTL core model for '{}' in this build", name));
        for (const Workload& w : util_workloads(cfg, quick)) {
          fmt::print(stderr, "loom-bench: util {} {} ...\n", name, w.label());
          pts.push_back(measure_util(factory, cfg, w, latency, !no_backpressure));
        }
      }
      print_util(pts);
      j["util"] = util_json(pts);
      write_util_plot_data(pts, util_configs, out_dir + "/utilization.dat");
      double worst_fixed = 0, worst_bp = 0;
      bool gemm_measured = false, gemm_met = false;
      std::string gemm_figure = "not measured";
      for (const UtilPoint& u : pts) {
        ok = ok && u.ok();
        worst_fixed = std::max(worst_fixed, std::abs(error_percent(u.predicted.cycles, u.rtl.cycles)));
        if (u.backpressure)
          worst_bp = std::max(worst_bp, std::abs(error_percent(u.predicted_bp_other.cycles, u.rtl_bp.cycles)));
        if (u.kind == "gemm" && u.shape == "256x256x256" && u.partitions == 8 && u.ok()) {
          gemm_measured = true;
          gemm_met = u.utilization() >= gemm_target;
          gemm_figure = fmt::format("{:.1f}% on {}", 100 * u.utilization(), u.config);
        }
      }
      targets.push_back({"prediction, fixed latency", "predicted cycles == RTL cycles",
                         fmt::format("worst abs. error {:.3f}%", worst_fixed), worst_fixed == 0});
      if (!no_backpressure)
        targets.push_back({"prediction, random backpressure",
                           "predicted within 2% of RTL (model on another seed of the same DRAM statistics)",
                           fmt::format("worst abs. error {:.2f}%", worst_bp), worst_bp <= 2.0});
      targets.push_back({"GEMM 256^3 utilization at P=8", fmt::format(">= {:.0f}%", 100 * gemm_target),
                         gemm_figure, gemm_measured && gemm_met});
    }

    // --- dma ---------------------------------------------------------------
    if (has(sections, "dma")) {
      std::vector<DmaPoint> pts;
      for (const std::string& name : dma_configs) {
        const Config& cfg = config_by_name(name);
        if (!rtl_factory(name))
          throw std::invalid_argument(fmt::format("no RTL tensor model for '{}' in this build", name));
        const std::vector<DmaPoint> p = measure_dma_bandwidth(cfg, latency, out_dir);
        pts.insert(pts.end(), p.begin(), p.end());
      }
      fmt::print("\n");
      const bool met = print_dma(pts, latency, dma_target);
      j["dma"] = dma_json(pts);
      for (const DmaPoint& d : pts) ok = ok && d.pass;
      double worst = 1;
      for (const DmaPoint& d : pts)
        if (d.counted()) worst = std::min(worst, d.of_bus);
      targets.push_back({"DMA bandwidth", fmt::format(">= {:.0f}% of the bus peak (>= 4 KiB per "
                                                      "partition, bus not wider than the SBUF word)",
                                                      100 * dma_target),
                         fmt::format("worst {:.1f}%", 100 * worst), met});
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "loom-bench: {}\n", e.what());
    return 2;
  }

  fmt::print("\nTargets (docs/performance.md)\n\n");
  for (const Target& t : targets) {
    fmt::print("  {:<6} {:<32} {:<58} {}\n", t.met ? "met" : "NOT MET", t.name, t.goal, t.measured);
    j["targets"].push_back({{"name", t.name}, {"goal", t.goal}, {"measured", t.measured}, {"met", t.met}});
  }
  j["all_runs_checked_ok"] = ok;
  std::ofstream(json_path) << j.dump(2) << "\n";
  fmt::print("\nresults: {}{}\n", json_path,
             ok ? "" : "\nFAIL: a run did not check (see the tables above)");
  return ok ? 0 : 1;
}
