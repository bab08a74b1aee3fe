#include "regress_options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "regress_profile.h"

namespace loom::regress {

namespace {

uint64_t to_u64(const std::string& opt, const std::string& v) {
  size_t used = 0;
  uint64_t x = 0;
  try {
    x = std::stoull(v, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty() || v[0] == '-')
    throw std::invalid_argument(fmt::format("{}: '{}' is not a non-negative integer", opt, v));
  return x;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ','))
    if (!tok.empty()) v.push_back(tok);
  return v;
}

}  // namespace

std::string run_name(const RunOptions& run) {
  return fmt::format("{}-seed{}{}", run.config, run.seed, run.illegal ? "-illegal" : "");
}

std::vector<std::string> RunOptions::run_args() const {
  std::vector<std::string> a{"--out", out};
  if (!fault.empty()) a.insert(a.end(), {"--fault", fault});
  if (illegal) a.push_back("--illegal");
  if (!cov.empty()) a.insert(a.end(), {"--cov", cov});
  if (x_random) a.push_back("--x-random");
  if (reset_mid) a.push_back("--reset-mid");
  if (profile != "normal") a.insert(a.end(), {"--profile", profile});
  if (window_before != RunOptions{}.window_before || window_after != RunOptions{}.window_after)
    a.insert(a.end(), {"--window", fmt::format("{}:{}", window_before, window_after)});
  return a;
}

std::string reproduce_command(const std::string& exe, const RunOptions& run) {
  std::string s = fmt::format("{} --one {} {}", exe, run.config, run.seed);
  for (const std::string& x : run.run_args()) s += " " + x;
  return s;
}

std::string regress_usage() {
  return "usage: loom-regress [--seeds N] [--first-seed S] [--configs tiny,small,medium] [--jobs J]\n"
         "                    [--illegal-seeds N] [--junit FILE] [--soak CYCLES] [RUN OPTIONS]\n"
         "       loom-regress --one CONFIG SEED [RUN OPTIONS]\n"
         "       loom-regress --cov-merge DIR   (merge DIR/*.func.json, print the functional coverage)\n"
         "       loom-regress --mutate [--faults a,b] [--seeds N] [--jobs J] [--out DIR]\n"
         "                    (mutation self-check: each fault's core model must fail a seed;\n"
         "                    every fault is linked into loom-regress-mutants)\n"
         "  --illegal-seeds N  also N programs per configuration with an injected error (as --illegal)\n"
         "run options:\n"
         "  --out DIR        reports, waveform windows and disassembly of failures (default regress)\n"
         "  --fault NAME     run a fault-injected core model (on tiny); --fault list names them\n"
         "  --illegal        each program carries one injected error the core must stop on\n"
         "  --cov DIR        write the run's functional coverage (and, with loom-regress-cov, its\n"
         "                   Verilator line / toggle coverage) to DIR\n"
         "  --x-random       uninitialised flops and memories random, seeded from the run seed\n"
         "  --reset-mid      reset the core in the middle of the program, then run it again\n"
         "  --profile P      memory latency / backpressure: normal (the seed's), fast, slow,\n"
         "                   starve, bursty, extreme\n"
         "  --window B[:A]   waveform window of a failure: B cycles before, A after (200:50)\n"
         "batch options:\n"
         "  --soak CYCLES    successive seeds until CYCLES cycles are co-simulated\n";
}

RegressOptions parse_regress_options(const std::vector<std::string>& args) {
  RegressOptions o;
  o.jobs = unsigned(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
      return args[++i];
    };
    if (a == "--one") {
      if (i + 2 >= args.size()) throw std::invalid_argument("--one needs CONFIG and SEED");
      o.one = true;
      o.run.config = args[++i];
      o.run.seed = to_u64("--one", args[++i]);
    } else if (a == "--seeds") {
      o.seeds = o.mutate_seeds = to_u64(a, next());
    } else if (a == "--illegal-seeds") {
      o.illegal_seeds = to_u64(a, next());
    } else if (a == "--first-seed") {
      o.first_seed = to_u64(a, next());
    } else if (a == "--configs") {
      o.configs = split_list(next());
      if (o.configs.empty()) throw std::invalid_argument("--configs: no configuration named");
    } else if (a == "--jobs") {
      o.jobs = unsigned(std::max<uint64_t>(1, to_u64(a, next())));
    } else if (a == "--junit") {
      o.junit = next();
    } else if (a == "--out") {
      o.run.out = next();
    } else if (a == "--fault") {
      o.run.fault = next();
    } else if (a == "--mutate") {
      o.mutate = true;
    } else if (a == "--faults") {
      o.faults = split_list(next());
      if (o.faults.empty()) throw std::invalid_argument("--faults: no fault named");
    } else if (a == "--illegal") {
      o.run.illegal = true;
    } else if (a == "--cov") {
      o.run.cov = next();
    } else if (a == "--cov-merge") {
      o.cov_merge = next();
    } else if (a == "--x-random") {
      o.run.x_random = true;
    } else if (a == "--reset-mid") {
      o.run.reset_mid = true;
    } else if (a == "--profile") {
      o.run.profile = next();
      if (!is_profile(o.run.profile))
        throw std::invalid_argument("--profile: '" + o.run.profile + "' is not one of " + profile_names());
    } else if (a == "--window") {
      const std::string& v = next();
      const size_t colon = v.find(':');
      o.run.window_before = to_u64(a, v.substr(0, colon));
      if (colon != std::string::npos) o.run.window_after = to_u64(a, v.substr(colon + 1));
    } else if (a == "--soak") {
      o.soak_cycles = to_u64(a, next());
      if (o.soak_cycles == 0) throw std::invalid_argument("--soak: CYCLES must be > 0");
    } else {
      throw std::invalid_argument("unknown option '" + a + "'");
    }
  }
  return o;
}

}  // namespace loom::regress
