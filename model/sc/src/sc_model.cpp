// run_systemc_model(): elaborate once, run, collect.
#include "loom/sc_model.h"

#include <cstdlib>
#include <stdexcept>
#include <systemc>

#include "loom/model.h"
#include "loom/sc/tensor_top_tlm.h"

namespace loom {
namespace {
bool g_used = false;
}  // namespace

bool systemc_model_used() { return g_used; }

Prediction run_systemc_model(const Config& cfg, const Stimulus& stim) {
  if (g_used) {
    throw std::logic_error(
        "run_systemc_model: the SystemC model can run only once per process (SystemC elaborates "
        "once); run each model simulation in its own process, e.g. one test per process with "
        "gtest_discover_tests");
  }
  if (std::string e = validate(cfg, stim); !e.empty()) throw std::invalid_argument(e);
  if (sc_core::sc_start_of_simulation_invoked()) {
    throw std::logic_error(
        "run_systemc_model: a SystemC simulation already ran in this process; the model needs a "
        "fresh process");
  }
  g_used = true;
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  // A process' exception stops the run with sc_stop(); its "Simulation
  // stopped by user" note is noise (the exception is rethrown below).
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);

  // Copies owned by the hierarchy: the driver keeps a reference to the
  // stimulus. The hierarchy is deliberately never destroyed: SystemC's kernel
  // holds it until process exit.
  static Stimulus stim_copy;
  stim_copy = stim;
  auto* top = new sc::TensorTopTlm("loom_tensor_top", cfg, stim_copy);
  sc_core::sc_start();
  return top->result();  // rethrows a process' exception (std::invalid_argument for the
                         // stimulus errors predict() reports while it runs)
}

}  // namespace loom
