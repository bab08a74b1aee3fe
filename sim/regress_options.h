// The options of loom-regress (docs/verification.md "Regression"): those of
// one run (RunOptions, what `--one CONFIG SEED` takes and every child of a
// batch is given) and those of a batch (RegressOptions). run_args() writes a
// run's options back as arguments, so the batch driver starts its children
// and prints the reproducing command from one place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loom::regress {

struct RunOptions {
  std::string config = "tiny";
  uint64_t seed = 1;
  std::string out = "regress";  // reports, waveform windows, disassembly of failures
  std::string fault;            // a fault-injected core model (--fault NAME)
  bool illegal = false;         // one injected error per program (--illegal)
  // Coverage directory (--cov DIR): the run writes its Verilator coverage
  // (<run name>.dat, coverage-instrumented cores: loom-regress-cov) and its
  // functional-coverage hits (<run name>.func.json) there.
  std::string cov;
  bool x_random = false;        // uninitialised RTL state random, seeded from the run seed (--x-random)
  bool reset_mid = false;       // reset in the middle, then the program again (--reset-mid)
  std::string profile = "normal";  // memory latency / backpressure profile (--profile, regress_profile.h)
  // Waveform window of a failure: cycles before / after the mismatch (--window B[:A]).
  uint64_t window_before = 200, window_after = 50;

  // The arguments after `--one CONFIG SEED` that reproduce this run.
  std::vector<std::string> run_args() const;
};

struct RegressOptions {
  bool one = false;  // `--one CONFIG SEED`: a single run, in this process
  RunOptions run;    // config and seed unused in a batch
  uint64_t seeds = 20, first_seed = 1;
  uint64_t illegal_seeds = 0;  // per configuration, after the legal ones (--illegal-seeds N)
  std::vector<std::string> configs{"tiny", "small", "medium"};
  unsigned jobs = 1;
  std::string junit;
  // `--cov-merge DIR`: merge DIR/*.func.json, write DIR/func_coverage.json,
  // print the functional coverage report; no runs.
  std::string cov_merge;
  // `--mutate`: the mutation self-check, per fault of loom/core_faults.h a
  // short regression on its core model (regress_mutate.h); seeds per fault
  // mutate_seeds unless --seeds is given.
  bool mutate = false;
  std::vector<std::string> faults;  // --faults a,b (default: all)
  uint64_t mutate_seeds = 10;
  // --soak CYCLES: successive seeds (configurations in turn) until this many
  // cycles have been co-simulated; 0: SEEDS x CONFIGS.
  uint64_t soak_cycles = 0;
};

// Throws std::invalid_argument with a message for anything it does not know.
RegressOptions parse_regress_options(const std::vector<std::string>& args);

std::string regress_usage();

// `EXE --one CONFIG SEED <run_args()>`, the command that reproduces a run.
std::string reproduce_command(const std::string& exe, const RunOptions& run);

// "tiny-seed3" ("tiny-seed3-illegal"): the name of a run's logs, reports and
// waveforms.
std::string run_name(const RunOptions& run);

}  // namespace loom::regress
