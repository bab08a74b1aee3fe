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
                 "model: the untimed functional model (the default); rtl: the whole-core RTL "
                 "(Verilated loom_core, cycles from its counters); cosim: the RTL co-simulated "
                 "against the whole-core golden model, every transaction checked cycle by cycle")
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
  sub.add_option("--triage-dir", o.triage_dir,
                 "--mode cosim: write the report of a mismatch and a waveform window around it "
                 "into this directory (default: the report on standard error only)")
      ->type_name("DIR");
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
    if (a.shape[i] == 0 || a.shape[i] > 65535)
      throw input_error(
          path, fmt::format("{}: shape {}: every dimension must be 1..65535", what, a.shape_str()));
  return a;
}

void check_dim(const NpyArray& a, const std::string& path, size_t dim, const CLI::Option* opt,
               int64_t value) {
  if (opt->count() == 0 || (value >= 0 && a.shape[dim] == uint64_t(value))) return;
  throw input_error(
      path, fmt::format("shape {} does not match {} {}", a.shape_str(), opt->get_name(), value));
}

size_t Dims::add(const CLI::Option* opt, int64_t value, std::string files) {
  Dim d{opt, value, std::move(files), false, 0, ""};
  if (opt->count() != 0) {
    if (value < 1 || value > 65535)
      throw CliError(kExitUsage, fmt::format("{}: error: {} {} is out of range 1..65535 (see '{} "
                                             "--help')",
                                             command_, opt->get_name(), value, command_));
    d.known = true;
    d.v = uint64_t(value);
  }
  d_.push_back(d);
  return d_.size() - 1;
}

void Dims::from_file(const std::string& path, const NpyArray& a, const std::vector<size_t>& idx) {
  for (size_t j = 0; j < idx.size(); ++j) {
    Dim& d = d_[idx[j]];
    if (a.shape[j] > 65535)
      throw input_error(path, fmt::format("shape {}: dimension {} is more than 65535",
                                          a.shape_str(), a.shape[j]));
    if (d.known && d.v != a.shape[j])
      throw input_error(
          path, fmt::format("shape {} does not match {} {}{}", a.shape_str(), d.opt->get_name(),
                            d.v, d.source.empty() ? "" : " (from " + d.source + ")"));
    if (!d.known) {
      d.known = true;
      d.v = a.shape[j];
      d.source = path;
    }
  }
}

uint64_t Dims::get(size_t i, int64_t max) const {
  const Dim& d = d_[i];
  if (!d.known)
    throw CliError(kExitUsage, fmt::format("{}: error: {} is required without {} (see '{} --help')",
                                           command_, d.opt->get_name(), d.files, command_));
  if (d.v > uint64_t(max))
    throw CliError(kExitUsage,
                   fmt::format("{}: error: {} {} is out of range 1..{} (see '{} --help')", command_,
                               d.opt->get_name(), d.v, max, command_));
  return d.v;
}

std::vector<int8_t> InputGenerator::draw(uint64_t count) {
  std::vector<int8_t> v(count);
  for (auto& x : v) x = int8_t(uint8_t(rng_() >> 56));
  return v;
}

std::vector<int32_t> read_i32(const std::vector<uint8_t>& dram, size_t off, size_t count) {
  std::vector<int32_t> v(count);
  for (size_t i = 0; i < count; ++i) {
    uint32_t x = 0;
    for (size_t j = 0; j < 4; ++j) x |= uint32_t(dram[off + 4 * i + j]) << (8 * j);
    v[i] = int32_t(x);
  }
  return v;
}

Check compare_i32(const std::string& what, const std::vector<int32_t>& got,
                  const std::vector<int32_t>& want,
                  const std::function<std::string(size_t)>& where) {
  Check c{what, want.size(), 0, ""};
  for (size_t i = 0; i < want.size(); ++i)
    if (got[i] != want[i] && c.mismatches++ == 0)
      c.first = fmt::format("{} = {}, expected {}", where(i), got[i], want[i]);
  return c;
}

Check unchanged_outside(const std::string& what, const std::vector<uint8_t>& before,
                        const std::vector<uint8_t>& after, size_t off, size_t len, uint64_t base) {
  Check c{what, before.size() - len, 0, ""};
  for (size_t i = 0; i < before.size(); ++i) {
    if (i >= off && i < off + len) continue;
    if (after[i] != before[i] && c.mismatches++ == 0)
      c.first = fmt::format("byte {:#x} = {:#04x}, was {:#04x}", base + i, after[i], before[i]);
  }
  return c;
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
  in.out_dir = o.triage_dir;
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
