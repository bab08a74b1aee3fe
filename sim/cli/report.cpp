// The report of a workload run: text and JSON.
#include "report.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#ifndef LOOM_VERSION
#error "LOOM_VERSION must be defined by the build (the CMake project version)"
#endif

namespace loom::cli {
namespace {

constexpr int kLabel = 34;
constexpr int kValue = 36;

std::string row(const std::string& label, const std::string& value) {
  return fmt::format("  {:<{}}{:>{}}\n", label, kLabel, value, kValue);
}

// "n/a (untimed model)" and the like: why a figure is missing.
std::string missing(Mode m) { return m == Mode::kModel ? "n/a (untimed model)" : "n/a"; }

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

uint64_t Report::mismatches() const {
  uint64_t n = run.scoreboard_mismatches.value_or(0);
  for (const Check& c : checks) n += c.mismatches;
  return n;
}

bool Report::pass() const { return run.done && run.error.empty() && mismatches() == 0; }

std::string Report::failure() const {
  if (!run.done || !run.error.empty())
    return run.message.empty() ? "the program did not complete" : run.message;
  if (run.scoreboard_mismatches.value_or(0) != 0)
    return fmt::format("{} scoreboard mismatches", *run.scoreboard_mismatches);
  for (const Check& c : checks)
    if (c.mismatches != 0)
      return fmt::format("{}: {} of {} differ, first {}", c.what, c.mismatches, c.compared,
                         c.first);
  return "";
}

std::string report_text(const Report& r) {
  const std::string na = missing(r.mode);
  std::string s = fmt::format("{}: {} on configuration {} (P = {}), mode {}\n\n", r.command,
                              r.workload, r.cfg->name, r.cfg->partitions, mode_name(r.mode));
  const std::string rule = "  " + std::string(kLabel + kValue, '-') + "\n";
  s += rule;
  s += row("configuration", fmt::format("{} (P={})", r.cfg->name, r.cfg->partitions));
  s += row("mode", fmt::format("{}: {}", mode_name(r.mode), r.backend));
  s += row("program instructions", fmt::format("{}", r.program_instructions));
  s += row("instructions executed", fmt::format("{}", r.run.executed));
  std::string per_engine, busy;
  for (const EngineStats& e : r.run.engines) {
    per_engine += fmt::format("{}{} {}", per_engine.empty() ? "" : ", ", e.name, e.instructions);
    if (e.busy_percent)
      busy += fmt::format("{}{} {:.1f} %", busy.empty() ? "" : ", ", e.name, *e.busy_percent);
  }
  s += row("  per engine", per_engine);
  s += row("cycles", r.run.cycles ? fmt::format("{}", *r.run.cycles) : na);
  s += row("MACs", fmt::format("{}", r.run.macs));
  s += row("array utilization",
           r.run.utilization_percent ? fmt::format("{:.1f} %", *r.run.utilization_percent) : na);
  s += row("busy per engine", busy.empty() ? na : busy);
  s += row("DMA bytes loaded", fmt::format("{}", r.run.dma_load_bytes));
  s += row("DMA bytes stored", fmt::format("{}", r.run.dma_store_bytes));
  s += row(
      "DRAM read latency (cycles)",
      fmt::format("{}{}", r.dram_latency, r.mode == Mode::kModel ? " (not used: untimed)" : ""));
  s += row("transactions compared", r.run.transactions_compared
                                        ? fmt::format("{}", *r.run.transactions_compared)
                                        : std::string("n/a (no co-simulation)"));
  s +=
      row("core status", r.run.error.empty()
                             ? (r.run.done ? std::string("END, no error") : "did not complete")
                             : fmt::format("{} at instruction {}", r.run.error, r.run.error_index));
  for (const Check& c : r.checks)
    s += row(c.what, fmt::format("{} compared, {} differ", c.compared, c.mismatches));
  s += row("mismatches", fmt::format("{}", r.mismatches()));
  s += row("wall time", fmt::format("{:.2f} s", r.wall_seconds));
  s += rule;
  s += row("result", r.pass() ? "PASS" : "FAIL");
  return s;
}

nlohmann::json report_json(const Report& r) {
  nlohmann::json engines = nlohmann::json::object();
  for (const EngineStats& e : r.run.engines)
    engines[e.name] = {{"instructions", e.instructions}, {"busy_percent", opt(e.busy_percent)}};
  nlohmann::json checks = nlohmann::json::array();
  for (const Check& c : r.checks)
    checks.push_back(
        {{"what", c.what},
         {"compared", c.compared},
         {"mismatches", c.mismatches},
         {"first_mismatch", c.first.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.first)}});
  nlohmann::json status = {
      {"done", r.run.done},
      {"error", r.run.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.run.error)},
      {"error_index",
       r.run.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.run.error_index)},
      {"message", r.run.message}};
  return {{"loom_version", LOOM_VERSION},
          {"command", r.command},
          {"workload", r.workload_json},
          {"config", {{"name", r.cfg->name}, {"partitions", r.cfg->partitions}}},
          {"mode", mode_name(r.mode)},
          {"backend", r.backend},
          {"timed", r.run.cycles.has_value()},
          {"dram_latency", r.dram_latency},
          {"program_instructions", r.program_instructions},
          {"instructions_executed", r.run.executed},
          {"engines", engines},
          {"cycles", opt(r.run.cycles)},
          {"macs", r.run.macs},
          {"utilization_percent", opt(r.run.utilization_percent)},
          {"dma",
           {{"load_bytes", r.run.dma_load_bytes},
            {"store_bytes", r.run.dma_store_bytes},
            {"bytes", r.run.dma_load_bytes + r.run.dma_store_bytes}}},
          {"transactions_compared", opt(r.run.transactions_compared)},
          {"core_status", status},
          {"checks", checks},
          {"mismatches", r.mismatches()},
          {"outputs", r.outputs},
          {"wall_time_s", r.wall_seconds},
          {"result", r.pass() ? "PASS" : "FAIL"}};
}

Progress::Progress(std::string command) : command_(std::move(command)), tty_(::isatty(2) == 1) {}

Progress::~Progress() { done(); }

void Progress::phase(const std::string& what) {
  if (!tty_) return;
  fmt::print(stderr, "\r{}: {}...\x1b[K", command_, what);
  std::fflush(stderr);
  shown_ = true;
}

void Progress::done() {
  if (!shown_) return;
  fmt::print(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace loom::cli
