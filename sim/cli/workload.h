// What the workload subcommands (gemm, conv2d, mlp, run) share: the run
// options (--config, --mode, --dram-latency, --waves, --json), .npy inputs
// and outputs, the DRAM layout helpers, and running a program on a back end
// through to the report and the exit code (docs/cli.md).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend.h"
#include "loom/configs.h"
#include "loom/npy.h"
#include "report.h"

namespace loom::cli {

// A completed run whose result is wrong (FAIL): the report is printed, then
// one line on stderr and this exit code.
inline constexpr int kExitFail = 3;

// Where the generated programs put their DRAM window (the kernels' operands
// are laid out from here, each region on a 64-byte boundary).
inline constexpr uint64_t kDramBase = 0x80000000;
// The largest DRAM window a workload may need (the host memory the model
// allocates for it).
inline constexpr uint64_t kMaxDramBytes = uint64_t(1) << 30;
// The most MACs a workload may ask for: the untimed model runs some 10^8 MACs
// per second, and the reference as many again.
inline constexpr uint64_t kMaxMacs = uint64_t(1) << 32;

struct RunOptions {
  std::string config;
  std::string mode = "model";
  uint32_t dram_latency = 100;
  std::string waves;
  std::string json;
  std::string triage_dir;  // --mode cosim: failure report + waveform window
};

// Adds --config, --mode, --dram-latency, --waves, --triage-dir and --json to `sub`.
void add_run_options(CLI::App& sub, RunOptions& o);

// The configuration (the default one if not named) and the back end, or a
// CliError (kExitUsage) for an unknown configuration, a mode not built yet,
// or --waves with an untimed back end.
struct RunSetup {
  const Config* cfg = nullptr;
  Mode mode = Mode::kModel;
  std::unique_ptr<Backend> backend;
};
RunSetup setup_run(const RunOptions& o, const std::string& command);

// A .npy file: CliError (kExitInput) "PATH: error: ..." if it cannot be
// read or is malformed.
NpyArray read_npy(const std::string& path);
// An int8 array of `rank` dimensions from `path`, named `what` in errors
// ("A"); CliError (kExitInput) for another dtype or rank.
NpyArray read_int8_tensor(const std::string& path, const std::string& what, size_t rank);
// Checks dimension `dim` of `a` (from `path`) against an option's value,
// if that option was given.
void check_dim(const NpyArray& a, const std::string& path, size_t dim, const CLI::Option* opt,
               int64_t value);

// The dimensions of a workload, each from its option or from the shape of an
// input file (conv2d, mlp): a file's dimension must agree with the option
// and with the other files that give it (CliError kExitInput naming the
// file); a dimension no file gives needs its option (CliError kExitUsage).
class Dims {
 public:
  explicit Dims(std::string command) : command_(std::move(command)) {}
  // Dimension `i` (the order of the calls): `opt` holds `value` when given;
  // `files` names the file options that can give it, for the message.
  size_t add(const CLI::Option* opt, int64_t value, std::string files);
  // `a` (from `path`) gives the dimensions idx[0], idx[1], ... of its shape.
  void from_file(const std::string& path, const NpyArray& a, const std::vector<size_t>& idx);
  // The value, checked against 1..max.
  uint64_t get(size_t i, int64_t max = 65535) const;

 private:
  struct Dim {
    const CLI::Option* opt;
    int64_t value;
    std::string files;
    bool known = false;
    uint64_t v = 0;
    std::string source;  // the file it came from, "" if the option
  };
  std::string command_;
  std::vector<Dim> d_;
};

// Reproducible inputs (docs/cli.md "Generated inputs"): each element is the
// top 8 bits of the next 64-bit output of std::mt19937_64 seeded with the
// seed, read as two's-complement int8.
class InputGenerator {
 public:
  explicit InputGenerator(uint64_t seed) : rng_(seed) {}
  std::vector<int8_t> draw(uint64_t count);

 private:
  std::mt19937_64 rng_;
};

// Fails early (CliError kExitInput "PATH: error: cannot write: ...") if an
// output file obviously cannot be written: its directory is missing or not
// writable, or the path is a directory. Called before the run, so a long
// run is not wasted; the write itself can still fail later.
void precheck_output(const std::string& path);

// `count` little-endian int32 values of `dram` from byte `off`.
std::vector<int32_t> read_i32(const std::vector<uint8_t>& dram, size_t off, size_t count);
// "what": got against want, element by element; `where(i)` names element i
// in the first mismatch ("Y[2][5]").
Check compare_i32(const std::string& what, const std::vector<int32_t>& got,
                  const std::vector<int32_t>& want,
                  const std::function<std::string(size_t)>& where);
// "DRAM outside OUT unchanged": every byte of `after` outside [off, off +
// len) equals `before`.
Check unchanged_outside(const std::string& what, const std::vector<uint8_t>& before,
                        const std::vector<uint8_t>& after, size_t off, size_t len, uint64_t base);

// Rounds up to a multiple of 64.
inline uint64_t align64(uint64_t x) { return (x + 63) / 64 * 64; }

// Runs `in` on the back end, then `check` (which fills r.checks from the
// final DRAM), `write_outputs` (after a completed run, PASS or FAIL), the
// --json report, and prints the report. Throws CliError(kExitFail) on FAIL
// after printing the report.
void run_and_report(RunSetup& setup, const RunOptions& o, RunInput in, Report& r,
                    const std::function<void(Report&)>& check,
                    const std::function<void(Report&)>& write_outputs);

}  // namespace loom::cli
