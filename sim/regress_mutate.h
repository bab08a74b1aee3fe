// The mutation self-check (docs/verification.md "Mutation self-check"):
// `loom-regress-mutants --mutate` and `loom-regress --fault list`.
#pragma once

#include "regress_options.h"

namespace loom::regress {

// Per fault of loom/core_faults.h a short regression on its tiny core
// model; prints the table, writes <out>/summary.txt. Exit status 1 if any
// fault survived.
int run_mutate(const RegressOptions& o);

// The faults, their defines and whether this executable has them.
int list_faults();

}  // namespace loom::regress
