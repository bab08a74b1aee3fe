// Entry point of the whole core's SystemC/TLM-2.0 model (docs/model.md "The
// whole core"). This header includes no SystemC header, so testbench code
// built without SystemC can call it (link loom_model_sc).
#pragma once

#include "loom/configs.h"
#include "loom/core_model.h"

namespace loom {

// Elaborates CoreTlm (sequencer, tensor engine, DMA, ACT engine, SBUF and
// PSUM as TLM-2.0 modules), runs it from START to the end and returns what
// predict_core(cfg, run) returns: the same transactions, status, error,
// performance counters and final memories. The memories in `run` are copied
// (the model runs its own replicas).
//
// SystemC elaborates once per process: a second call throws
// std::logic_error, as does a call after anything else in the process
// started a SystemC simulation (run_systemc_model() included). A run
// without memories throws std::invalid_argument before anything is
// elaborated, so it does not use up the process's one run; a run beyond
// run.max_cycles throws std::runtime_error, as predict_core() does.
CorePrediction run_systemc_core_model(const Config& cfg, const CoreModelRun& run);

// True once run_systemc_core_model() has elaborated in this process.
bool systemc_core_model_used();

}  // namespace loom
