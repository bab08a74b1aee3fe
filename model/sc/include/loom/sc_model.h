// Entry point of the SystemC/TLM-2.0 golden model. This header includes no
// SystemC header, so testbench code built without SystemC can call it (link
// loom_model_sc).
#pragma once

#include "loom/configs.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"

namespace loom {

// Elaborates the TLM model of the tensor subsystem (SbufTlm, PsumTlm,
// TensorEngineTlm, StimulusDriverTlm), plays `stim`, runs sc_start() to the
// end and returns the observed transactions and memories: bit-exact and
// cycle-exact equal to predict(cfg, stim).
//
// SystemC elaborates once per process: a second call throws
// std::logic_error, as does a call after anything else in the process
// started a SystemC simulation. Illegal stimulus throws
// std::invalid_argument (validate()'s message) before anything is
// elaborated, so it does not use up the process's one run.
Prediction run_systemc_model(const Config& cfg, const Stimulus& stim);

// True once run_systemc_model() has elaborated in this process.
bool systemc_model_used();

}  // namespace loom
