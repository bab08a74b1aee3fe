// The batch drivers' side of a regression run (loom-regress, --mutate): a
// run is a child process, `loom-regress --one CONFIG SEED <run options>`
// (regress_run.h), with its output in a log file whose last RESULT line
// says how it went.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "regress_options.h"

namespace loom::regress {

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

// `self --one CONFIG SEED <run options>`.
std::vector<std::string> child_args(const std::string& self, const RunOptions& o);

// Forks and execs `self` for `r`, stdout and stderr to r.log.
pid_t start(const std::string& self, const Run& r);

// Reads r.log's last RESULT line into `r` (a missing or malformed one is a
// failure with the reason).
void parse_result(Run& r);

// After wait(): the result of the child that exited with `status`.
void finish(Run& r, int status);

}  // namespace loom::regress
