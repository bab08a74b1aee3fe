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
// `--mutate` runs the mutation self-check instead (run_mutate below).
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
#include "loom/core_faults.h"
#include "regress_options.h"
#include "regress_run.h"

namespace {

using namespace loom;
using namespace loom::regress;
namespace fs = std::filesystem;

struct Run {
  RunOptions opt;
  pid_t pid = -1;
  std::string log;
  // From the RESULT line.
  bool have = false, pass = false;
  uint64_t instrs = 0, cycles = 0, compared = 0;
  double secs = 0;
  std::string failure;
};

void parse_result(Run& r) {
  std::ifstream in(r.log);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("RESULT\t", 0) == 0) last = line;
  if (last.empty()) {
    r.failure = "no result line (crashed?), see " + r.log;
    return;
  }
  std::vector<std::string> f;
  std::stringstream ss(last);
  std::string tok;
  while (std::getline(ss, tok, '\t')) f.push_back(tok);
  if (f.size() < 8) {
    r.failure = "malformed result line in " + r.log;
    return;
  }
  r.have = true;
  r.instrs = std::stoull(f[3]);
  r.cycles = std::stoull(f[4]);
  r.secs = std::stod(f[5]);
  r.compared = std::stoull(f[6]);
  r.pass = f[7] == "PASS";
  r.failure = f.size() > 8 ? f[8] : "";
}

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

// `self --one CONFIG SEED <run options>`.
std::vector<std::string> child_args(const std::string& self, const RunOptions& o) {
  std::vector<std::string> a{self, "--one", o.config, std::to_string(o.seed)};
  for (const std::string& x : o.run_args()) a.push_back(x);
  return a;
}

pid_t start(const std::string& self, const Run& r) {
  std::vector<std::string> args = child_args(self, r.opt);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = open(r.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argp;
    for (std::string& x : args) argp.push_back(x.data());
    argp.push_back(nullptr);
    execv(self.c_str(), argp.data());
    _exit(127);
  }
  return pid;
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
    parse_result(r);
    if (r.pass && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      r.pass = false;
      r.failure = "non-zero exit";
    }
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

// --mutate (docs/verification.md "Mutation self-check"): per fault of
// loom/core_faults.h a short regression on its tiny core model. A fault's
// seeds run one after the other and stop at its first failing seed, which
// then runs on the fault-free core too: the fault counts as killed only if
// that passes (the failure is the fault's, not the seed's). Faults run JOBS
// at a time. Exit status 1 if any fault survived.
struct Mutant {
  const CoreFault* fault = nullptr;
  uint64_t next_seed = 0, seeds_run = 0;
  bool killed = false;
  uint64_t kill_seed = 0;
  std::string kill_failure, reproduce, note;
};

int run_mutate(const RegressOptions& o) {
  const std::string& out = o.run.out;
  const std::string self = fs::canonical("/proc/self/exe").string();
  std::vector<Mutant> muts;
  for (const CoreFault& f : kCoreFaults)
    if (o.faults.empty() || std::find(o.faults.begin(), o.faults.end(), f.name) != o.faults.end()) {
      if (core_fault_factory(f.name) == nullptr)
        throw std::invalid_argument(fmt::format("--mutate: fault {} is not linked into this executable; "
                                                "loom-regress-mutants has every fault (make mutate)", f.name));
      Mutant m;
      m.fault = &f;
      m.next_seed = o.first_seed;
      muts.push_back(m);
    }
  for (const std::string& n : o.faults)
    if (std::none_of(muts.begin(), muts.end(), [&](const Mutant& m) { return n == m.fault->name; }))
      throw std::invalid_argument("--faults: unknown fault '" + n + "' (--fault list names them)");

  // A run of mutant `m` (clean: the same seed on the fault-free core).
  struct Job {
    Run run;
    size_t m;
    bool clean;
  };
  std::vector<Job> ready;
  auto schedule = [&](size_t m, uint64_t seed, bool clean) {
    Job j{Run{}, m, clean};
    j.run.opt = o.run;
    j.run.opt.config = "tiny";
    j.run.opt.seed = seed;
    j.run.opt.fault = clean ? "" : muts[m].fault->name;
    j.run.opt.out = (fs::path(out) / (clean ? "fault-free" : muts[m].fault->name)).string();
    fs::create_directories(fs::path(j.run.opt.out) / "logs");
    j.run.log = (fs::path(j.run.opt.out) / "logs" / (run_name(j.run.opt) + ".log")).string();
    ready.push_back(j);
  };
  for (size_t m = 0; m < muts.size(); ++m)
    if (o.mutate_seeds > 0) schedule(m, muts[m].next_seed++, false);

  const auto t0 = std::chrono::steady_clock::now();
  std::map<pid_t, Job> running;
  while (!ready.empty() || !running.empty()) {
    while (running.size() < o.jobs && !ready.empty()) {
      Job j = ready.front();
      ready.erase(ready.begin());
      j.run.pid = start(self, j.run);
      running.emplace(j.run.pid, j);
    }
    int status = 0;
    const pid_t done = wait(&status);
    if (done < 0) throw std::runtime_error("wait failed");
    auto it = running.find(done);
    if (it == running.end()) continue;
    Job j = it->second;
    running.erase(it);
    Run& r = j.run;
    parse_result(r);
    if (r.pass && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      r.pass = false;
      r.failure = "non-zero exit";
    }
    Mutant& mu = muts[j.m];
    if (j.clean) {
      mu.killed = r.pass;
      if (!r.pass) mu.note = "seed " + std::to_string(r.opt.seed) + " fails on the fault-free core too: " + r.failure;
      std::cerr << fmt::format("{} seed {} on the fault-free core: {}\n", mu.fault->name, r.opt.seed,
                               r.pass ? "PASS" : "FAIL");
      continue;
    }
    ++mu.seeds_run;
    std::cerr << fmt::format("{} seed {}: {}\n", mu.fault->name, r.opt.seed, r.pass ? "PASS (survived)" : "FAIL (killed)");
    if (!r.pass) {
      mu.kill_seed = r.opt.seed;
      mu.kill_failure = r.failure;
      mu.reproduce = reproduce_command(self, r.opt);
      schedule(j.m, r.opt.seed, true);
    } else if (mu.seeds_run < o.mutate_seeds) {
      schedule(j.m, mu.next_seed++, false);
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::ostringstream t;
  size_t survived = 0;
  t << fmt::format("{:<15} {:<26} {:>5}  {:<72}  {}\n", "fault", "define", "seeds", "killed by (seed, first mismatch)",
                   "result");
  for (const Mutant& mu : muts) {
    if (!mu.killed) ++survived;
    std::string by = "-";
    if (mu.kill_seed != 0 || !mu.kill_failure.empty()) {
      by = fmt::format("seed {}: {}", mu.kill_seed, mu.kill_failure);
      if (by.size() > 72) by = by.substr(0, 69) + "...";
    }
    t << fmt::format("{:<15} {:<26} {:>5}  {:<72}  {}\n", mu.fault->name, mu.fault->define, mu.seeds_run, by,
                     mu.killed ? "KILLED" : "SURVIVED");
  }
  t << fmt::format("{} faults, {} killed, {} survived; {} seeds at most per fault, {:.1f} s\n", muts.size(),
                   muts.size() - survived, survived, o.mutate_seeds, wall);
  for (const Mutant& mu : muts) {
    if (!mu.kill_failure.empty())
      t << fmt::format("{} (seed {}): {}\n  reproduce: {}\n", mu.fault->name, mu.kill_seed, mu.kill_failure,
                       mu.reproduce);
    if (!mu.note.empty()) t << fmt::format("{}: NOT A KILL, {}\n", mu.fault->name, mu.note);
    if (!mu.killed && mu.kill_failure.empty())
      t << fmt::format("{}: SURVIVED {} seeds from {}\n", mu.fault->name, mu.seeds_run, o.first_seed);
  }
  std::cout << t.str();
  fs::create_directories(out);
  std::ofstream(fs::path(out) / "summary.txt") << t.str();
  return survived == 0 ? 0 : 1;
}

// --fault list: the faults, their defines and whether this executable has them.
int list_faults() {
  for (const CoreFault& f : kCoreFaults)
    std::cout << fmt::format("{:<15} {:<26} {}{}\n", f.name, f.define, f.model,
                             core_fault_factory(f.name) ? "" : " (in loom-regress-mutants)");
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
