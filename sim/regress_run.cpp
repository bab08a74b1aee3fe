#include "regress_run.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <random>
#include <stdexcept>

#include "core_cosim.h"
#include "func_coverage.h"
#include "loom/core_faults.h"
#include "loom/core_models.h"
#include "loom/random_program.h"
#include "regress_profile.h"

namespace loom::regress {

namespace {

namespace fs = std::filesystem;

// The memories' latencies and backpressure, drawn from the seed too, so one
// seed reproduces the whole run.
CoreCosimRequest request_for(const Config& cfg, const RunOptions& opt, const RandomProgram& rp) {
  const uint64_t seed = opt.seed;
  std::mt19937_64 rng(seed * 0x2545f4914f6cdd1dull + 1);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  CoreCosimRequest r;
  r.name = run_name(opt);
  r.program = rp.program_bytes();
  r.prog_base = rp.prog_base;
  r.dram_base = rp.dram_base;
  r.dram_limit = rp.dram_limit;
  r.dram_init.push_back({rp.data_base, rp.data});
  r.dram.read_latency = uni(0, 3) == 0 ? uni(1, 8) : uni(1, 60);  // short latencies more often
  r.dram.write_latency = uni(1, 20);
  if (uni(0, 2) == 0) {  // backpressure on a third of the runs
    r.dram.ar_ready = r.dram.r_valid = r.dram.w_ready = 0.5 + 0.1 * uni(0, 5);
  }
  r.dram.seed = seed;
  if (rp.poison_bytes > 0)  // --illegal's AXI error kinds
    r.dram.errors.push_back({rp.poison_base, rp.poison_base + rp.poison_bytes,
                             uint8_t(rp.expected_error == CoreError::kAxiSlvErr ? 2 : 3), true, true});
  r.ifetch.read_latency = uni(1, 30);
  r.ifetch.seed = seed + 1;
  r.out_dir = opt.out;
  return r;
}

// The core model of the run: the configuration's, or a fault-injected one.
CoreFactory factory_for(const RunOptions& opt) {
  if (!opt.fault.empty()) {
    if (opt.config != "tiny") throw std::invalid_argument("--fault: the fault models are built at tiny only");
    if (const CoreFactory f = core_fault_factory(opt.fault)) return f;
    for (const CoreFault& cf : kCoreFaults)
      if (opt.fault == cf.name)
        throw std::invalid_argument("--fault " + opt.fault + ": its model is linked into loom-regress-mutants only");
    throw std::invalid_argument("--fault: unknown fault '" + opt.fault + "' (--fault list names them)");
  }
  // --cov: the coverage-instrumented core when this binary has one
  // (loom-regress-cov); loom-regress still records functional coverage.
  CoreFactory f = opt.cov.empty() ? nullptr : coverage_core_factory(opt.config);
  if (f == nullptr) f = core_factory(opt.config);
  if (f == nullptr) throw std::runtime_error("no Verilated core for configuration " + opt.config);
  return f;
}

}  // namespace

int run_one(const RunOptions& opt) {
  const Config& cfg = config_by_name(opt.config);
  RandomProgramOptions po;
  if (opt.illegal) po.illegal = kInjectedErrors[opt.seed % std::size(kInjectedErrors)];
  const RandomProgram rp = random_program(cfg, opt.seed, po);
  const CoreFactory f = factory_for(opt);
  CoreCosimRequest req = request_for(cfg, opt, rp);
  apply_profile(opt.profile, opt.seed, req.dram, req.ifetch);
  // Robustness draws from a generator of their own: the seed's program and
  // memory draws stay those of a plain run.
  std::mt19937_64 rob(opt.seed ^ 0x6a09e667f3bcc909ull);
  const uint64_t x_seed = 1 + rob() % 0x7ffffffe;  // non-zero: Verilator seeds 0 from the clock
  const uint32_t reset_permille = uint32_t(50 + rob() % 901);  // 5 % .. 95 % of the program
  if (opt.x_random) {
    req.rtl.rand_reset = 2;
    req.rtl.seed = x_seed;
  }
  if (opt.reset_mid) req.reset_permille = reset_permille;
  req.wave_before = opt.window_before;
  req.wave_after = opt.window_after;
  req.reproduce = reproduce_command(fs::canonical("/proc/self/exe").string(), opt);
  // Illegal runs: longer than any wait of these programs, short to simulate
  // (the watchdog kind waits it out); a slow memory profile stretches every
  // wait, up to some 8x under `extreme`.
  if (opt.illegal) req.watchdog = opt.profile == "normal" || opt.profile == "fast" ? 50000 : 400000;
  if (!opt.cov.empty()) {
    fs::create_directories(opt.cov);
    req.rtl.coverage_path = (fs::path(opt.cov) / (req.name + ".dat")).string();
  }
  const auto t0 = std::chrono::steady_clock::now();
  const CoreCosimResult res = core_cosim(f, cfg, req);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string failure = res.failure;
  bool pass = res.pass;
  if (pass && opt.illegal &&
      !(res.rtl.error && res.rtl.error_code == uint32_t(rp.expected_error) && res.rtl.error_index == rp.error_index)) {
    pass = false;
    failure = fmt::format("expected {} at instruction {}, the core reported error={} code {} at {}",
                          core_error_name(rp.expected_error), rp.error_index, res.rtl.error, res.rtl.error_code,
                          res.rtl.error_index);
  }
  if (!pass) {
    std::cout << res.report << "\n";
    if (!opt.out.empty()) {
      fs::create_directories(opt.out);
      std::ofstream asm_file(fs::path(opt.out) / (req.name + ".asm"));
      for (size_t i = 0; i < rp.program.size(); ++i)
        asm_file << to_string(rp.program[i]) << "  # " << i
                 << (i == rp.patch_index ? " (patched into a bad word: RandomProgram::patch_xor)" : "") << "\n";
    }
  }
  if (!opt.cov.empty()) {
    FuncCoverage fc;
    fc.sample_program(cfg, rp.program);
    fc.sample_dram(req.dram);
    fc.sample_end(res.rtl.error ? CoreError(res.rtl.error_code) : CoreError::kOk);
    std::ofstream(fs::path(opt.cov) / (req.name + ".func.json")) << fc.to_json().dump(1) << "\n";
  }
  for (char& ch : failure)
    if (ch == '\n' || ch == '\t') ch = ' ';
  std::cout << fmt::format("RESULT\t{}\t{}\t{}\t{}\t{:.3f}\t{}\t{}\t{}\n", opt.config, opt.seed, rp.program.size(),
                           res.rtl.perf_cycles, secs, res.compared, pass ? "PASS" : "FAIL", failure);
  return pass ? 0 : 1;
}

}  // namespace loom::regress
