// run_systemc_core_model(): elaborate CoreTlm once, run, collect.
#include "loom/sc_core_model.h"

#include <cstdlib>
#include <stdexcept>
#include <systemc>

#include "loom/sc/core_tlm.h"

namespace loom {
namespace {
bool g_used = false;
}  // namespace

bool systemc_core_model_used() { return g_used; }

CorePrediction run_systemc_core_model(const Config& cfg, const CoreModelRun& run) {
  if (g_used) {
    throw std::logic_error(
        "run_systemc_core_model: the SystemC model can run only once per process (SystemC "
        "elaborates once); run each model simulation in its own process, e.g. one test per "
        "process with gtest_discover_tests");
  }
  if (!run.dram || !run.ifetch)
    throw std::invalid_argument("run_systemc_core_model: both memories needed");
  if (sc_core::sc_start_of_simulation_invoked()) {
    throw std::logic_error(
        "run_systemc_core_model: a SystemC simulation already ran in this process; the model "
        "needs a fresh process");
  }
  g_used = true;
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  // The end (and a process' exception) stops the run with sc_stop(); its
  // "Simulation stopped by user" note is noise.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  // The hierarchy copies the memories; it is deliberately never destroyed
  // (SystemC's kernel holds it until process exit).
  auto* top = new sc::CoreTlm("loom_core", cfg, run);
  sc_core::sc_start();
  return top->result();
}

}  // namespace loom
