#include "bench_util.h"

#include <fmt/format.h>

#include <fstream>
#include <map>

namespace loom::bench {
namespace {

uint64_t folds(uint32_t p, uint32_t m, uint32_t k) {
  return uint64_t((m + p - 1) / p) * ((k + p - 1) / p);
}

}  // namespace

uint64_t scalesim_gemm_cycles(uint32_t p, uint32_t m, uint32_t k, uint32_t n) {
  return folds(p, m, k) * (uint64_t(3) * p - 2 + n);
}

uint64_t overlapped_gemm_cycles(uint32_t p, uint32_t m, uint32_t k, uint32_t n) {
  return folds(p, m, k) * n + 3 * uint64_t(p) - 2;
}

double error_percent(uint64_t predicted, uint64_t rtl) {
  return rtl ? 100.0 * (double(predicted) - double(rtl)) / double(rtl) : 0.0;
}

bool UtilPoint::ok() const { return failure().empty(); }

std::string UtilPoint::failure() const {
  const std::pair<const char*, const RunFigures*> runs[] = {
      {"RTL", &rtl}, {"model", &predicted}, {"RTL (backpressure)", &rtl_bp},
      {"model (backpressure)", &predicted_bp}, {"model (backpressure, other seed)", &predicted_bp_other}};
  for (const auto& [what, r] : runs) {
    const bool measured = r != &rtl && r != &predicted ? backpressure : true;
    if (measured && !r->ok) return std::string(what) + ": " + r->message;
  }
  return "";
}

UtilPoint measure_util(CoreFactory factory, const Config& cfg, const Workload& w, uint32_t latency,
                       bool backpressure) {
  UtilPoint u;
  u.config = cfg.name;
  u.partitions = cfg.partitions;
  u.kind = w.kind;
  u.shape = w.shape;
  u.layout = w.layout;
  u.macs = w.macs;
  u.latency = latency;
  u.rtl = run_rtl(factory, cfg, w, bench_dram(cfg, latency, false, 1), &u.predicted);
  u.backpressure = backpressure;
  if (backpressure) {
    u.rtl_bp = run_rtl(factory, cfg, w, bench_dram(cfg, latency, true, 11), &u.predicted_bp);
    u.predicted_bp_other = run_model(cfg, w, bench_dram(cfg, latency, true, 12));
  }
  if (w.kind == "gemm") {
    u.scalesim = scalesim_gemm_cycles(cfg.partitions, w.gemm.m, w.gemm.k, w.gemm.n);
    u.overlapped = overlapped_gemm_cycles(cfg.partitions, w.gemm.m, w.gemm.k, w.gemm.n);
    u.tiling = w.gemm_tiling;
    u.tiling.program.clear();
  }
  return u;
}

namespace {

std::string err_or_fail(const RunFigures& model, const RunFigures& rtl) {
  if (!model.ok || !rtl.ok) return "FAIL";
  return fmt::format("{:+.2f}%", error_percent(model.cycles, rtl.cycles));
}

nlohmann::json run_json(const RunFigures& f) {
  return {{"ok", f.ok}, {"message", f.message}, {"cycles", f.cycles}, {"seconds", f.seconds}};
}

}  // namespace

void print_util(const std::vector<UtilPoint>& points) {
  fmt::print("\nArray utilization = MACs / (P^2 x PERF_CYCLES) on the RTL core, and the golden model's "
             "predicted cycles\n(error = (predicted - RTL) / RTL; backpressure: every DRAM channel ready "
             "/ valid with probability 0.8)\n\n");
  fmt::print("{:<7} {:>3} {:<30} {:>10} {:>9} {:>6} {:>8} {:>9} {:>8} {:>8}  {}\n", "config", "P",
             "workload", "MACs", "cycles", "util", "model", "bp cycles", "bp same", "bp other",
             "check");
  for (const UtilPoint& u : points) {
    fmt::print("{:<7} {:>3} {:<30} {:>10} {:>9} {:>5.1f}% {:>8} {:>9} {:>8} {:>8}  {}\n", u.config,
               u.partitions, u.kind + " " + u.shape, u.macs, u.rtl.cycles, 100 * u.utilization(),
               err_or_fail(u.predicted, u.rtl), u.backpressure ? std::to_string(u.rtl_bp.cycles) : "-",
               u.backpressure ? err_or_fail(u.predicted_bp, u.rtl_bp) : "-",
               u.backpressure ? err_or_fail(u.predicted_bp_other, u.rtl_bp) : "-",
               u.ok() ? "PASS" : "FAIL: " + u.failure());
  }
  bool any_gemm = false;
  for (const UtilPoint& u : points) any_gemm = any_gemm || u.kind == "gemm";
  if (!any_gemm) return;
  fmt::print("\nGEMM cycles against the analytic weight-stationary estimates (docs/performance.md)\n\n");
  fmt::print("{:<7} {:>3} {:<14} {:>9} {:>9} {:>9} {:>7} {:>10} {:>7} {:>7} {:>5} {:>6}\n", "config", "P",
             "M x K x N", "RTL", "PE idle", "SCALE-Sim", "RTL/SS", "overlapped", "RTL/ovl", "DMA", "Nt",
             "B res");
  for (const UtilPoint& u : points) {
    if (u.kind != "gemm") continue;
    fmt::print("{:<7} {:>3} {:<14} {:>9} {:>9} {:>9} {:>7.3f} {:>10} {:>7.3f} {:>6.1f}% {:>5} {:>6}\n",
               u.config, u.partitions, u.shape, u.rtl.cycles, u.rtl.cycles - u.rtl.busy_pe, u.scalesim,
               double(u.rtl.cycles) / double(u.scalesim), u.overlapped,
               double(u.rtl.cycles) / double(u.overlapped),
               100.0 * double(u.rtl.busy_dma) / double(u.rtl.cycles), u.tiling.tile_n,
               u.tiling.b_resident ? "yes" : "no");
  }
}

nlohmann::json util_json(const std::vector<UtilPoint>& points) {
  nlohmann::json j = nlohmann::json::array();
  for (const UtilPoint& u : points) {
    nlohmann::json e = {{"config", u.config},
                        {"partitions", u.partitions},
                        {"kind", u.kind},
                        {"shape", u.shape},
                        {"layout", u.layout},
                        {"macs", u.macs},
                        {"dram_latency", u.latency},
                        {"ok", u.ok()},
                        {"failure", u.failure()},
                        {"utilization", u.utilization()},
                        {"busy_pe", u.rtl.cycles ? double(u.rtl.busy_pe) / u.rtl.cycles : 0.0},
                        {"busy_dma", u.rtl.cycles ? double(u.rtl.busy_dma) / u.rtl.cycles : 0.0},
                        {"rtl", run_json(u.rtl)},
                        {"predicted", run_json(u.predicted)},
                        {"prediction_error_percent", error_percent(u.predicted.cycles, u.rtl.cycles)}};
    if (u.backpressure) {
      e["backpressure"] = {
          {"rtl", run_json(u.rtl_bp)},
          {"predicted_same_stalls", run_json(u.predicted_bp)},
          {"predicted_other_seed", run_json(u.predicted_bp_other)},
          {"error_percent_same_stalls", error_percent(u.predicted_bp.cycles, u.rtl_bp.cycles)},
          {"error_percent_other_seed", error_percent(u.predicted_bp_other.cycles, u.rtl_bp.cycles)}};
    }
    if (u.kind == "gemm") {
      e["analytic"] = {{"scalesim_cycles", u.scalesim}, {"overlapped_cycles", u.overlapped}};
      e["tiling"] = {{"tile_m", u.tiling.tile_m},       {"tile_k", u.tiling.tile_k},
                     {"tile_n", u.tiling.tile_n},       {"b_resident", u.tiling.b_resident},
                     {"operand_loads", u.tiling.operand_loads}, {"a_chunk", u.tiling.a_chunk},
                     {"b_group", u.tiling.b_group},     {"sbuf_used", u.tiling.sbuf_used}};
    }
    j.push_back(e);
  }
  return j;
}

void write_util_plot_data(const std::vector<UtilPoint>& points,
                          const std::vector<std::string>& configs, const std::string& path) {
  std::vector<std::string> rows;
  std::map<std::string, std::map<std::string, double>> util;  // workload -> config -> percent
  for (const UtilPoint& u : points) {
    const std::string label = u.kind + " " + u.shape;
    if (!util.count(label)) rows.push_back(label);
    util[label][u.config] = u.ok() ? 100 * u.utilization() : 0.0;
  }
  std::ofstream f(path);
  f << "workload";  // a header row: the plot takes its legend from it
  for (const std::string& c : configs) {
    const Config* cfg = nullptr;
    for (const Config& k : kConfigs)
      if (c == k.name) cfg = &k;
    f << fmt::format(" \"{} (P={})\"", c, cfg ? cfg->partitions : 0);
  }
  f << "\n";
  for (const std::string& r : rows) {
    f << '"' << r << '"';
    for (const std::string& c : configs) {
      const auto it = util[r].find(c);
      f << ' ' << (it == util[r].end() ? std::string("-") : fmt::format("{:.2f}", it->second));
    }
    f << "\n";
  }
}

}  // namespace loom::bench
