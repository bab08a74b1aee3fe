// One regression run (`loom-regress --one CONFIG SEED`): the seed's random
// program and memory behaviour, co-simulated on the configuration's core
// model. Prints the report of a failure and, last, one machine-readable line:
//   RESULT <tab> config seed instrs cycles seconds compared PASS|FAIL failure
// Returns the exit status: 0 pass, 1 fail.
#pragma once

#include "regress_options.h"

namespace loom::regress {

int run_one(const RunOptions& opt);

}  // namespace loom::regress
