// The report of a workload run (gemm, conv2d, mlp, run): the text table on
// stdout and the same figures as JSON (--json), docs/cli.md "The report".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backend.h"
#include "loom/configs.h"

namespace loom::cli {

// A comparison of the run's result with a reference computed outside the
// core (e.g. C against reference_matmul, DRAM outside C unchanged).
struct Check {
  std::string what;         // "C == reference_matmul"
  uint64_t compared = 0;    // elements (or bytes) compared
  uint64_t mismatches = 0;  // of them, different
  std::string first;        // the first mismatch, "" if none
};

struct Report {
  std::string command;   // "loom gemm"
  std::string workload;  // one line, e.g. "GEMM 64x64x64 (int8 x int8 -> int32)"
  nlohmann::json workload_json = nlohmann::json::object();
  const Config* cfg = nullptr;
  Mode mode = Mode::kModel;
  std::string backend;  // Backend::description()
  uint32_t dram_latency = 0;
  uint64_t program_instructions = 0;
  RunOutput run;
  std::vector<Check> checks;
  nlohmann::json outputs = nlohmann::json::object();  // files written: role -> path
  double wall_seconds = 0;

  // PASS: the program completed without a core error, every check and the
  // scoreboard (when there is one) found no mismatch.
  bool pass() const;
  uint64_t mismatches() const;  // checks + scoreboard
  // Why it failed, one line ("" on PASS).
  std::string failure() const;
};

std::string report_text(const Report& r);
nlohmann::json report_json(const Report& r);

// A progress line on stderr while a workload runs, only when stderr is a
// terminal: "\r" + "loom gemm: PHASE..." rewritten in place, erased by
// done() or the destructor, so captured stderr holds only errors.
class Progress {
 public:
  explicit Progress(std::string command);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void phase(const std::string& what);
  void done();

 private:
  std::string command_;
  bool tty_ = false;
  bool shown_ = false;
};

}  // namespace loom::cli
