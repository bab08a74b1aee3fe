#include "bench_speed.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "loom/bench_models.h"
#include "pe_array_reference.h"

namespace loom::bench {

Workload speed_workload(const Config& cfg, uint32_t n_at_p8) {
  const uint64_t p = cfg.partitions;
  const uint32_t n = uint32_t(std::max<uint64_t>(1, uint64_t(n_at_p8) * p * p / 64));
  return gemm_workload(cfg, 256, 256, n, 3);
}

BareArray measure_bare_array(uint32_t p, uint32_t threads, uint64_t cycles) {
  BareArray b;
  std::unique_ptr<PeArrayDut> dut = make_pe_array(p, threads);
  if (!dut) return b;
  b.built = true;
  b.cycles = cycles;
  const uint64_t seed = 5;
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t sum = dut->run(cycles, seed);
  b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  b.ok = sum == pe_array_reference_checksum(p, cycles, seed);
  return b;
}

namespace {

// The SystemC model's figures from a child process (one JSON line).
RunFigures systemc_in_child(const SpeedOptions& o, const std::string& config) {
  RunFigures f;
  const std::string cmd = fmt::format("'{}' --systemc-child {} --speed-n {} 2>&1", o.self, config,
                                      o.n_at_p8);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    f.message = "cannot start " + cmd;
    return f;
  }
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  const size_t at = out.rfind("{\"systemc\"");
  if (at == std::string::npos) {
    f.message = fmt::format("the SystemC child (status {}) printed no result: {}", status, out);
    return f;
  }
  const nlohmann::json j = nlohmann::json::parse(out.substr(at))["systemc"];
  f.ok = j["ok"];
  f.message = j["message"];
  f.cycles = j["cycles"];
  f.macs = j["macs"];
  f.seconds = j["seconds"];
  return f;
}

}  // namespace

int systemc_child(const std::string& config, uint32_t n_at_p8) {
  const Config& cfg = config_by_name(config);
  const Workload w = speed_workload(cfg, n_at_p8);
  const RunFigures f = run_systemc(cfg, w, bench_dram(cfg, 100, false, 1));
  const nlohmann::json j = {{"systemc",
                             {{"ok", f.ok},
                              {"message", f.message},
                              {"cycles", f.cycles},
                              {"macs", f.macs},
                              {"seconds", f.seconds}}}};
  fmt::print("{}\n", j.dump());
  return f.ok ? 0 : 1;
}

SpeedPoint measure_speed(const std::string& model, const SpeedOptions& o) {
  const BenchCoreModel* m = nullptr;
  for (const BenchCoreModel& b : kBenchCoreModels)
    if (model == b.model) m = &b;
  const CoreFactory factory = bench_core_factory(model);
  if (!m || !factory) {
    std::string known;
    for (const BenchCoreModel& b : kBenchCoreModels) known += std::string(known.empty() ? "" : ", ") + b.model;
    throw std::invalid_argument(fmt::format("no core model '{}' in this build (models: {})", model, known));
  }
  const Config& cfg = config_by_name(m->config);
  SpeedPoint s;
  s.model = model;
  s.config = m->config;
  s.partitions = cfg.partitions;
  s.threads = m->threads;
  const Workload w = speed_workload(cfg, o.n_at_p8);
  s.workload = w.label();
  const AxiMemConfig dram = bench_dram(cfg, 100, false, 1);
  fmt::print(stderr, "loom-bench: speed {} (P={}, {} thread{}): {} ...\n", model, cfg.partitions,
             m->threads, m->threads > 1 ? "s" : "", s.workload);
  s.rtl = run_rtl(factory, cfg, w, dram, &s.model_alone);
  s.model_recording = run_model(cfg, w, dram, true);
  // The threaded models measure the RTL alone; the rest once, single-threaded.
  if (m->threads == 1) {
    if (o.cosim) s.cosim = run_cosim(factory, cfg, w, dram, o.out_dir);
    if (o.systemc) s.systemc = systemc_in_child(o, m->config);
  }
  s.bare = measure_bare_array(cfg.partitions, m->threads, o.bare_cycles);
  return s;
}

namespace {

std::string rate(double cps) {
  if (cps >= 1e9) return fmt::format("{:.2f} G", cps / 1e9);
  if (cps >= 1e6) return fmt::format("{:.2f} M", cps / 1e6);
  if (cps >= 1e3) return fmt::format("{:.1f} k", cps / 1e3);
  return fmt::format("{:.0f}", cps);
}

std::string rate_of(const RunFigures& f) { return f.ok ? rate(f.cycles_per_second()) : "FAIL"; }

}  // namespace

void print_speed(const std::vector<SpeedPoint>& points) {
  fmt::print("\nSimulation speed, cycles/s (PE-cycles/s = cycles/s x P^2), DRAM latency 100, "
             "GEMM 256 x 256 x N\n\n");
  fmt::print("(model: the golden model as a cycle predictor, no transaction list; +txns: with it, as "
             "co-simulation runs it)\n\n");
  fmt::print("{:<10} {:>3} {:>3} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>11} {:>11}\n", "model",
             "P", "thr", "cycles", "RTL", "model", "+txns", "SystemC", "co-sim", "bare array", "RTL PE-c/s",
             "bare PE-c/s");
  for (const SpeedPoint& s : points) {
    const double p2 = double(s.partitions) * s.partitions;
    fmt::print("{:<10} {:>3} {:>3} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>11} {:>11}\n",
               s.model, s.partitions, s.threads, s.rtl.cycles, rate_of(s.rtl),
               rate_of(s.model_alone), rate_of(s.model_recording), s.systemc ? rate_of(*s.systemc) : "-",
               s.cosim.cycles ? rate_of(s.cosim) : "-",
               s.bare.built ? (s.bare.ok ? rate(s.bare.cycles_per_second()) : "FAIL") : "-",
               rate(s.rtl.cycles_per_second() * p2),
               s.bare.built ? rate(s.bare.cycles_per_second() * p2) : "-");
  }
  fmt::print("\n{:<10} {:>3} {:>16} {:>20} {:>18}\n", "model", "P", "co-sim / RTL",
             "RTL / bare (PE-c/s)", "model / RTL");
  for (const SpeedPoint& s : points) {
    if (s.threads != 1) continue;
    const double rtl = s.rtl.cycles_per_second();
    fmt::print("{:<10} {:>3} {:>16} {:>20} {:>18}\n", s.model, s.partitions,
               s.cosim.cycles && rtl ? fmt::format("{:.2f}", s.cosim.cycles_per_second() / rtl) : "-",
               s.bare.built && s.bare.ok ? fmt::format("{:.2f}", rtl / s.bare.cycles_per_second()) : "-",
               rtl ? fmt::format("{:.1f}x", s.model_alone.cycles_per_second() / rtl) : "-");
  }
}

namespace {

nlohmann::json figures_json(const RunFigures& f) {
  return {{"ok", f.ok},
          {"message", f.message},
          {"cycles", f.cycles},
          {"seconds", f.seconds},
          {"cycles_per_second", f.cycles_per_second()}};
}

}  // namespace

nlohmann::json speed_json(const std::vector<SpeedPoint>& points) {
  nlohmann::json j = nlohmann::json::array();
  for (const SpeedPoint& s : points) {
    const double p2 = double(s.partitions) * s.partitions;
    nlohmann::json e = {{"model", s.model},
                        {"config", s.config},
                        {"partitions", s.partitions},
                        {"threads", s.threads},
                        {"workload", s.workload},
                        {"rtl", figures_json(s.rtl)},
                        {"rtl_pe_cycles_per_second", s.rtl.cycles_per_second() * p2},
                        {"golden_model", figures_json(s.model_alone)},
                        {"golden_model_with_txns", figures_json(s.model_recording)}};
    if (s.cosim.cycles) e["cosim"] = figures_json(s.cosim);
    if (s.systemc) e["systemc"] = figures_json(*s.systemc);
    if (s.bare.built)
      e["bare_array"] = {{"ok", s.bare.ok},
                         {"cycles", s.bare.cycles},
                         {"seconds", s.bare.seconds},
                         {"cycles_per_second", s.bare.cycles_per_second()},
                         {"pe_cycles_per_second", s.bare.cycles_per_second() * p2}};
    j.push_back(e);
  }
  return j;
}

}  // namespace loom::bench
