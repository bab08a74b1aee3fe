// loom-regress: the verification regression (docs/verification.md
// "Regression"). Runs SEEDS x CONFIGS constrained-random programs
// (loom/random_program.h) in whole-core co-simulation (tb/core_cosim.h),
// JOBS at a time, each in its own child process (this binary again, in
// `--one CONFIG SEED` mode, regress_run.h: a Verilated model per process,
// never threads), then prints a summary table, writes JUnit XML, and for
// every failure the report, waveform window, disassembly and the command
// that reproduces it. `--soak CYCLES` keeps starting seeds until that many
// cycles have been co-simulated. Exit status 1 if any run failed (or a soak
// fell short), 2 on a usage error.
// `--mutate` runs the mutation self-check instead (regress_mutate.h).
#include <fmt/format.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "func_coverage.h"
#include "loom/configs.h"
#include "regress_options.h"
#include "regress_mutate.h"
#include "regress_process.h"
#include "regress_run.h"

namespace {

using namespace loom;
using namespace loom::regress;
namespace fs = std::filesystem;

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '<') o += "&lt;";
    else if (ch == '>') o += "&gt;";
    else if (ch == '&') o += "&amp;";
    else if (ch == '"') o += "&quot;";
    else o += ch;
  }
  return o;
}

int run_batch(const RegressOptions& o) {
  const std::string& out = o.run.out;
  fs::create_directories(fs::path(out) / "logs");
  const std::string self = fs::canonical("/proc/self/exe").string();
  auto make_run = [&](const std::string& c, uint64_t s, bool illegal) {
    Run r;
    r.opt = o.run;
    r.opt.config = c;
    r.opt.seed = s;
    r.opt.illegal = r.opt.illegal || illegal;
    r.log = (fs::path(out) / "logs" / (run_name(r.opt) + ".log")).string();
    return r;
  };
  std::vector<Run> runs;
  for (const std::string& c : o.configs) {
    config_by_name(c);  // throws for an unknown name
    if (o.soak_cycles) continue;
    for (uint64_t s = o.first_seed; s < o.first_seed + o.seeds; ++s) runs.push_back(make_run(c, s, false));
    for (uint64_t s = o.first_seed; s < o.first_seed + o.illegal_seeds; ++s) runs.push_back(make_run(c, s, true));
  }
  // --soak: one more seed (configurations in turn) while the cycles of the
  // finished runs are short of the goal and none failed.
  uint64_t soak_done = 0;
  size_t soak_fails = 0;
  auto soak_more = [&] { return o.soak_cycles && soak_done < o.soak_cycles && soak_fails == 0; };
  const auto t0 = std::chrono::steady_clock::now();
  size_t next_run = 0, running = 0, finished = 0;
  std::map<pid_t, size_t> by_pid;
  while (finished < runs.size() || soak_more()) {
    while (running < o.jobs && (next_run < runs.size() || soak_more())) {
      if (next_run == runs.size()) {
        const size_t k = runs.size(), n = o.configs.size();
        runs.push_back(make_run(o.configs[k % n], o.first_seed + k / n, false));
      }
      Run& r = runs[next_run];
      r.pid = start(self, r);
      by_pid[r.pid] = next_run++;
      ++running;
    }
    int status = 0;
    const pid_t done = wait(&status);
    if (done < 0) throw std::runtime_error("wait failed");
    auto it = by_pid.find(done);
    if (it == by_pid.end()) continue;
    Run& r = runs[it->second];
    finish(r, status);
    --running;
    ++finished;
    soak_done += r.cycles;
    if (!r.pass) ++soak_fails;
    if (o.soak_cycles) {
      if (!r.pass || finished % 200 == 0)
        std::cerr << fmt::format("[soak {} runs, {} / {} cycles] {}: {}\n", finished, soak_done, o.soak_cycles,
                                 run_name(r.opt), r.pass ? "PASS" : "FAIL");
    } else {
      std::cerr << fmt::format("[{}/{}] {}: {}\n", finished, runs.size(), run_name(r.opt), r.pass ? "PASS" : "FAIL");
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  size_t fails = 0;
  uint64_t total_cycles = 0, total_compared = 0;
  std::cout << fmt::format("{:<8} {:>6} {:<8} {:>7} {:>9} {:>12} {:>12}  {}\n", "config", "seed", "program",
                           "instrs", "cycles", "sim cyc/s", "compared", "result");
  for (const Run& r : runs) {
    if (!r.pass) ++fails;
    total_cycles += r.cycles;
    total_compared += r.compared;
    if (o.soak_cycles) continue;  // thousands of rows: the totals say it
    std::cout << fmt::format("{:<8} {:>6} {:<8} {:>7} {:>9} {:>12.0f} {:>12}  {}\n", r.opt.config, r.opt.seed,
                             r.opt.illegal ? "illegal" : "legal", r.instrs, r.cycles,
                             r.secs > 0 ? r.cycles / r.secs : 0.0, r.compared, r.pass ? "PASS" : "FAIL");
  }
  std::cout << fmt::format("{} runs, {} passed, {} failed; {} cycles and {} transactions compared in {:.1f} s\n",
                           runs.size(), runs.size() - fails, fails, total_cycles, total_compared, wall);
  if (o.soak_cycles)
    std::cout << fmt::format("soak: {} of {} cycles in {:.1f} s wall, {:.0f} cycles/s, seeds {}..{}: {}\n",
                             total_cycles, o.soak_cycles, wall, wall > 0 ? total_cycles / wall : 0.0,
                             o.first_seed, o.first_seed + (runs.size() - 1) / o.configs.size(),
                             fails == 0 && total_cycles >= o.soak_cycles ? "PASS" : "FAIL");
  for (const Run& r : runs) {
    if (r.pass) continue;
    std::cout << fmt::format("FAIL {}: {}\n  reproduce: {}\n  log: {}\n", run_name(r.opt), r.failure,
                             reproduce_command(self, r.opt), r.log);
  }
  if (!o.junit.empty()) {
    std::ofstream x(o.junit);
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x << fmt::format("<testsuite name=\"loom-regress\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", runs.size(),
                     fails, wall);
    for (const Run& r : runs) {
      x << fmt::format("  <testcase classname=\"regress.{}\" name=\"seed{}{}\" time=\"{:.3f}\">", r.opt.config,
                       r.opt.seed, r.opt.illegal ? "-illegal" : "", r.secs);
      if (!r.pass)
        x << fmt::format("<failure message=\"{}\">reproduce: {}</failure>", xml_escape(r.failure),
                         xml_escape(reproduce_command(self, r.opt)));
      x << "</testcase>\n";
    }
    x << "</testsuite>\n";
  }
  return fails == 0 && (o.soak_cycles == 0 || total_cycles >= o.soak_cycles) ? 0 : 1;
}

// `--cov-merge DIR`: every run's functional coverage in DIR merged into
// DIR/func_coverage.json and DIR/func_coverage.txt (the report, printed too).
int cov_merge(const std::string& dir) {
  FuncCoverage all;
  size_t runs = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 10 || name.compare(name.size() - 10, 10, ".func.json") != 0) continue;
    std::ifstream in(e.path());
    all.merge(FuncCoverage::from_json(nlohmann::json::parse(in)));
    ++runs;
  }
  if (runs == 0) throw std::runtime_error("no *.func.json in " + dir);
  std::ofstream(fs::path(dir) / "func_coverage.json") << all.to_json().dump(1) << "\n";
  const std::string report = fmt::format("{} runs merged\n", runs) + all.report();
  std::ofstream(fs::path(dir) / "func_coverage.txt") << report;
  std::cout << report;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  RegressOptions o;
  try {
    o = parse_regress_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::cerr << "loom-regress: " << e.what() << "\n" << regress_usage();
    return 2;
  }
  try {
    if (o.run.fault == "list") return list_faults();
    if (o.mutate) return run_mutate(o);
    if (!o.cov_merge.empty()) return cov_merge(o.cov_merge);
    return o.one ? run_one(o.run) : run_batch(o);
  } catch (const std::exception& e) {
    std::cerr << "loom-regress: " << e.what() << "\n";
    return 2;
  }
}
