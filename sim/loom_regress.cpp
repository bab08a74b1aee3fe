// loom-regress: the verification regression (docs/verification.md
// "Regression"). Runs SEEDS x CONFIGS constrained-random programs
// (loom/random_program.h) in whole-core co-simulation (tb/core_cosim.h),
// JOBS at a time, each in its own child process (this binary again, in
// `--one CONFIG SEED` mode: a Verilated model per process, never threads),
// then prints a summary table, writes JUnit XML, and for every failure the
// report, waveform window, disassembly and the command that reproduces it.
// Exit status 1 if any run failed.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core_cosim.h"
#include "loom/core_models.h"
#include "loom/random_program.h"

namespace {

using namespace loom;
namespace fs = std::filesystem;

std::string run_name(const std::string& config, uint64_t seed) { return fmt::format("{}-seed{}", config, seed); }

// The memories' latencies and backpressure, drawn from the seed too, so one
// seed reproduces the whole run.
CoreCosimRequest request_for(const Config& cfg, uint64_t seed, const RandomProgram& rp, const std::string& out) {
  std::mt19937_64 rng(seed * 0x2545f4914f6cdd1dull + 1);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  CoreCosimRequest r;
  r.name = run_name(cfg.name, seed);
  r.program = encode_program(rp.program);
  r.prog_base = rp.prog_base;
  r.dram_base = rp.dram_base;
  r.dram_limit = rp.dram_limit;
  r.dram_init.push_back({rp.data_base, rp.data});
  r.dram.read_latency = uni(1, 60);
  r.dram.write_latency = uni(1, 20);
  if (uni(0, 2) == 0) {  // backpressure on a third of the runs
    r.dram.ar_ready = r.dram.r_valid = r.dram.w_ready = 0.5 + 0.1 * uni(0, 5);
  }
  r.dram.seed = seed;
  r.ifetch.read_latency = uni(1, 30);
  r.ifetch.seed = seed + 1;
  r.out_dir = out;
  return r;
}

// `--one CONFIG SEED`: one run; the last stdout line is the machine-readable result.
// `fault` "psum_late": tiny's core built with LOOM_FAULT_PSUM_LATE, to show
// that the regression fails (and reports) when the RTL is wrong.
// `illegal`: the program carries one error, its kind drawn from the seed;
// the run passes if RTL and model agree and the core stops with that error.
int run_one(const std::string& config, uint64_t seed, const std::string& out, const std::string& fault,
            bool illegal) {
  const Config& cfg = config_by_name(config);
  RandomProgramOptions opt;
  if (illegal) {
    constexpr InjectedError kinds[] = {InjectedError::kSbufRange, InjectedError::kPsumRange,
                                       InjectedError::kDramWindow, InjectedError::kSemTimeout};
    opt.illegal = kinds[seed % 4];
  }
  const RandomProgram rp = random_program(cfg, seed, opt);
  CoreFactory f = core_factory(config);
  if (!fault.empty()) {
    if (fault != "psum_late" || config != "tiny")
      throw std::invalid_argument("--fault: only psum_late, on tiny");
    f = &make_core_dut_fault_core_psum_late;
  }
  if (f == nullptr) throw std::runtime_error("no Verilated core for configuration " + config);
  CoreCosimRequest req = request_for(cfg, seed, rp, out);
  if (illegal) req.watchdog = 50000;  // longer than any wait of these programs, short to simulate
  const auto t0 = std::chrono::steady_clock::now();
  const CoreCosimResult res = core_cosim(f, cfg, req);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string failure = res.failure;
  bool pass = res.pass;
  if (pass && illegal &&
      !(res.rtl.error && res.rtl.error_code == uint32_t(rp.expected_error) && res.rtl.error_index == rp.error_index)) {
    pass = false;
    failure = fmt::format("expected {} at instruction {}, the core reported error={} code {} at {}",
                          core_error_name(rp.expected_error), rp.error_index, res.rtl.error, res.rtl.error_code,
                          res.rtl.error_index);
  }
  if (!pass) {
    std::cout << res.report << "\n";
    if (!out.empty()) {
      fs::create_directories(out);
      std::ofstream asm_file(fs::path(out) / (req.name + ".asm"));
      for (size_t i = 0; i < rp.program.size(); ++i) asm_file << to_string(rp.program[i]) << "  # " << i << "\n";
    }
  }
  for (char& ch : failure)
    if (ch == '\n' || ch == '\t') ch = ' ';
  std::cout << fmt::format("RESULT\t{}\t{}\t{}\t{}\t{:.3f}\t{}\t{}\t{}\n", config, seed, rp.program.size(),
                           res.rtl.perf_cycles, secs, res.compared, pass ? "PASS" : "FAIL", failure);
  return pass ? 0 : 1;
}

struct Run {
  std::string config;
  uint64_t seed = 0;
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

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ','))
    if (!tok.empty()) v.push_back(tok);
  return v;
}

int usage() {
  std::cerr << "usage: loom-regress [--seeds N] [--first-seed S] [--configs tiny,small,medium] [--jobs J]\n"
               "                    [--out DIR] [--junit FILE] [--fault psum_late] [--illegal]\n"
               "       loom-regress --one CONFIG SEED [--out DIR] [--fault psum_late] [--illegal]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    uint64_t seeds = 20, first_seed = 1;
    std::string configs = "tiny,small,medium", out = "regress", junit, fault;
    bool illegal = false;
    unsigned jobs = std::max(1u, unsigned(sysconf(_SC_NPROCESSORS_ONLN)));
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--one") {
        if (i + 2 >= argc) return usage();
        const std::string config = argv[i + 1];
        const uint64_t seed = std::stoull(argv[i + 2]);
        i += 2;
        for (int j = i + 1; j + 1 < argc; ++j) {
          if (std::string(argv[j]) == "--out") out = argv[j + 1];
          if (std::string(argv[j]) == "--fault") fault = argv[j + 1];
        }
        for (int j = i + 1; j < argc; ++j)
          if (std::string(argv[j]) == "--illegal") illegal = true;
        return run_one(config, seed, out, fault, illegal);
      }
      if (a == "--seeds") seeds = std::stoull(next());
      else if (a == "--first-seed") first_seed = std::stoull(next());
      else if (a == "--configs") configs = next();
      else if (a == "--jobs") jobs = unsigned(std::max(1, std::stoi(next())));
      else if (a == "--out") out = next();
      else if (a == "--junit") junit = next();
      else if (a == "--fault") fault = next();
      else if (a == "--illegal") illegal = true;
      else return usage();
    }
    fs::create_directories(fs::path(out) / "logs");
    const std::string self = fs::canonical("/proc/self/exe").string();
    std::vector<Run> runs;
    for (const std::string& c : split(configs)) {
      config_by_name(c);  // throws for an unknown name
      for (uint64_t s = first_seed; s < first_seed + seeds; ++s) {
        Run r;
        r.config = c;
        r.seed = s;
        r.log = (fs::path(out) / "logs" / (run_name(c, s) + ".log")).string();
        runs.push_back(r);
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    size_t next_run = 0, running = 0, finished = 0;
    std::map<pid_t, size_t> by_pid;
    while (finished < runs.size()) {
      while (running < jobs && next_run < runs.size()) {
        Run& r = runs[next_run];
        const std::string seed = std::to_string(r.seed);
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
          const int fd = open(r.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
          if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
          }
          std::vector<std::string> args{self, "--one", r.config, seed, "--out", out};
          if (!fault.empty()) args.insert(args.end(), {"--fault", fault});
          if (illegal) args.push_back("--illegal");
          std::vector<char*> argp;
          for (std::string& x : args) argp.push_back(x.data());
          argp.push_back(nullptr);
          execv(self.c_str(), argp.data());
          _exit(127);
        }
        r.pid = pid;
        by_pid[pid] = next_run++;
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
      std::cerr << fmt::format("[{}/{}] {} seed {}: {}\n", finished, runs.size(), r.config, r.seed,
                               r.pass ? "PASS" : "FAIL");
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // The options a reproducing command needs besides config, seed and --out.
    const std::string extra = (fault.empty() ? "" : " --fault " + fault) + (illegal ? " --illegal" : "");
    size_t fails = 0;
    uint64_t total_cycles = 0, total_compared = 0;
    std::cout << fmt::format("{:<8} {:>6} {:>7} {:>9} {:>12} {:>12}  {}\n", "config", "seed", "instrs", "cycles",
                             "sim cyc/s", "compared", "result");
    for (const Run& r : runs) {
      if (!r.pass) ++fails;
      total_cycles += r.cycles;
      total_compared += r.compared;
      std::cout << fmt::format("{:<8} {:>6} {:>7} {:>9} {:>12.0f} {:>12}  {}\n", r.config, r.seed, r.instrs,
                               r.cycles, r.secs > 0 ? r.cycles / r.secs : 0.0, r.compared,
                               r.pass ? "PASS" : "FAIL");
    }
    std::cout << fmt::format("{} runs, {} passed, {} failed; {} cycles and {} transactions compared in {:.1f} s\n",
                             runs.size(), runs.size() - fails, fails, total_cycles, total_compared, wall);
    for (const Run& r : runs) {
      if (r.pass) continue;
      std::cout << fmt::format("FAIL {} seed {}: {}\n  reproduce: {} --one {} {} --out {}{}\n  log: {}\n", r.config,
                               r.seed, r.failure, self, r.config, r.seed, out,
                               extra, r.log);
    }
    if (!junit.empty()) {
      std::ofstream x(junit);
      x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
      x << fmt::format("<testsuite name=\"loom-regress\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                       runs.size(), fails, wall);
      for (const Run& r : runs) {
        x << fmt::format("  <testcase classname=\"regress.{}\" name=\"seed{}\" time=\"{:.3f}\">", r.config, r.seed,
                         r.secs);
        if (!r.pass)
          x << fmt::format("<failure message=\"{}\">reproduce: {} --one {} {} --out {}{}</failure>",
                           xml_escape(r.failure), self, r.config, r.seed, out,
                           extra);
        x << "</testcase>\n";
      }
      x << "</testsuite>\n";
    }
    return fails == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "loom-regress: " << e.what() << "\n";
    return 2;
  }
}
