// Which command produced a transaction: by its tag, or for a PSUM write by
// the timing contract (loom/timing.h). Used by the triage report and by the
// GEMM result assembly.
#pragma once

#include <cstddef>
#include <optional>

#include "loom/configs.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"
#include "loom/txn.h"

namespace loom {

// The index of the command in `stim` that produced `t`, if any (none for an
// SBUF preload write).
std::optional<size_t> producing_command(const Config& cfg, const Stimulus& stim,
                                        const Prediction& pred, const Txn& t);

// The descriptor (index in stim.dmas) that produced a DMA transaction or an
// SBUF write of a load: the one running in the transaction's cycle (the
// engine runs one at a time), or for accepts and completions the tagged one.
std::optional<size_t> producing_descriptor(const Stimulus& stim, const Prediction& pred,
                                           const Txn& t);

}  // namespace loom
