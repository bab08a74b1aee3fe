// The back ends of the workload subcommands: the untimed functional model
// (here) and the RTL (backend_rtl.cpp).
#include "backend.h"

#include <fmt/format.h>

#include <stdexcept>

#include "error.h"
#include "loom/isa.h"
#include "loom/program_exec.h"

namespace loom::cli {
namespace {

// --mode model: execute_binary() (docs/model.md "The functional executor"),
// bit-exact, no cycles.
class ModelBackend : public Backend {
 public:
  Mode mode() const override { return Mode::kModel; }
  std::string description() const override { return "untimed functional model"; }
  RunOutput run(const RunInput& in) override {
    ExecOptions opt;
    opt.semaphores = in.semaphores;
    RunOutput out;
    ExecResult r(*in.cfg);
    try {
      r = execute_binary(*in.cfg, in.program, in.dram, in.dram_base, opt);
    } catch (const std::invalid_argument& e) {
      out.error = "PROGRAM";
      out.message = e.what();
      out.dram = in.dram;
      return out;
    }
    out.done = r.ok();
    if (r.error != CoreError::kOk) {
      out.error = core_error_name(r.error);
      out.error_index = r.error_index;
    }
    out.message = r.message;
    out.dram = std::move(r.dram);
    out.executed = r.executed;
    for (uint32_t q = 0; q < kExecQueues; ++q)
      out.engines.push_back({exec_queue_name(ExecQueue(q)), r.instrs[q], std::nullopt});
    out.macs = r.macs;
    out.dma_load_bytes = r.dma_load_bytes;
    out.dma_store_bytes = r.dma_store_bytes;
    return out;
  }
};

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kModel:
      return "model";
    case Mode::kRtl:
      return "rtl";
    case Mode::kCosim:
      return "cosim";
  }
  return "?";
}

std::unique_ptr<Backend> make_backend(Mode mode, const std::string& command) {
  if (mode == Mode::kModel) return std::make_unique<ModelBackend>();
  return make_rtl_backend(command, mode == Mode::kCosim);
}

}  // namespace loom::cli
