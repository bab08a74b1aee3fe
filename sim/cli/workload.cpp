// What the workload subcommands share.
#include "workload.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "command.h"
#include "error.h"
#include "io.h"

namespace loom::cli {

void add_run_options(CLI::App& sub, RunOptions& o) {
  add_config_option(sub, o.config,
                    fmt::format("the core configuration to run on, default {}", kDefaultConfig));
  sub.add_option("--mode", o.mode,
                 "model: the untimed functional model (the default for now); rtl, cosim: the "
                 "whole-core RTL alone or co-simulated against the model (not built yet: exit 2)")
      ->check(CLI::IsMember({"model", "rtl", "cosim"}))
      ->type_name("MODE");
  sub.add_option("--dram-latency", o.dram_latency,
                 "DRAM read latency in cycles for the timed modes (recorded in the report; the "
                 "untimed model does not use it)")
      ->type_name("CYCLES")
      ->check(CLI::Range(0u, 100000u));
  sub.add_option("--waves", o.waves,
                 "write an FST waveform (rtl and cosim modes only; rejected with --mode model)")
      ->type_name("FILE");
  sub.add_option("--json", o.json, "also write the report as JSON to this file")
      ->type_name("REPORT.json");
}

RunSetup setup_run(const RunOptions& o, const std::string& command) {
  RunSetup s;
  s.cfg = resolve_config(o.config, command);
  if (!s.cfg) s.cfg = &config_by_name(kDefaultConfig);
  s.mode = o.mode == "rtl" ? Mode::kRtl : o.mode == "cosim" ? Mode::kCosim : Mode::kModel;
  s.backend = make_backend(s.mode, command);
  if (!o.waves.empty() && s.mode == Mode::kModel)
    throw CliError(kExitUsage, fmt::format("{}: error: --waves needs --mode rtl or cosim (the "
                                           "untimed model has no waveforms) (see '{} --help')",
                                           command, command));
  if (!o.json.empty()) precheck_output(o.json);
  return s;
}

NpyArray read_npy(const std::string& path) {
  const std::string bytes = read_file(path);
  try {
    return npy_parse(bytes);
  } catch (const NpyError& e) {
    throw input_error(path, e.what());
  }
}

NpyArray read_int8_tensor(const std::string& path, const std::string& what, size_t rank) {
  NpyArray a = read_npy(path);
  if (a.dtype != NpyDtype::kInt8)
    throw input_error(path, fmt::format("{} must be int8 ('|i1'), the file holds {} ('{}')", what,
                                        npy_dtype_name(a.dtype), npy_dtype_descr(a.dtype)));
  if (a.shape.size() != rank)
    throw input_error(path, fmt::format("{} must have {} dimensions, the file's shape is {}", what,
                                        rank, a.shape_str()));
  for (size_t i = 0; i < rank; ++i)
    if (a.shape[i] == 0 || a.shape[i] > UINT32_MAX)
      throw input_error(path, fmt::format("{}: shape {}: every dimension must be 1..{}", what,
                                          a.shape_str(), UINT32_MAX));
  return a;
}

void check_dim(const NpyArray& a, const std::string& path, size_t dim, const CLI::Option* opt,
               int64_t value) {
  if (opt->count() == 0 || (value >= 0 && a.shape[dim] == uint64_t(value))) return;
  throw input_error(
      path, fmt::format("shape {} does not match {} {}", a.shape_str(), opt->get_name(), value));
}

std::vector<int8_t> InputGenerator::draw(uint64_t count) {
  std::vector<int8_t> v(count);
  for (auto& x : v) x = int8_t(uint8_t(rng_() >> 56));
  return v;
}

void precheck_output(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw input_error(path, "cannot write: is a directory");
    if (!S_ISREG(st.st_mode)) return;  // a device or a pipe
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  if (::stat(dir.c_str(), &st) != 0)
    throw input_error(path, std::string("cannot write: ") + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) throw input_error(path, "cannot write: Not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw input_error(path, std::string("cannot write: ") + std::strerror(errno));
}

void run_and_report(RunSetup& setup, const RunOptions& o, RunInput in, Report& r,
                    const std::function<void(Report&)>& check,
                    const std::function<void(Report&)>& write_outputs) {
  const auto t0 = std::chrono::steady_clock::now();
  Progress progress(r.command);
  r.cfg = setup.cfg;
  r.mode = setup.mode;
  r.backend = setup.backend->description();
  r.dram_latency = o.dram_latency;
  r.program_instructions = in.program.size() / 32;
  in.cfg = setup.cfg;
  in.dram_latency = o.dram_latency;
  in.waves = o.waves;
  progress.phase(
      fmt::format("running {} instructions ({})", r.program_instructions, mode_name(setup.mode)));
  r.run = setup.backend->run(in);
  progress.phase("checking the result");
  check(r);
  progress.done();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_outputs(r);
  if (!o.json.empty()) {
    r.outputs["json"] = o.json;
    write_file_atomic(o.json, report_json(r).dump(2) + "\n");
  }
  write_stdout(report_text(r));
  if (!r.pass()) throw CliError(kExitFail, fmt::format("{}: FAIL: {}", r.command, r.failure()));
}

}  // namespace loom::cli
