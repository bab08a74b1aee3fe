#include "regress_mutate.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "loom/core_faults.h"
#include "regress_process.h"

namespace loom::regress {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

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
    finish(r, status);
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

}  // namespace loom::regress
