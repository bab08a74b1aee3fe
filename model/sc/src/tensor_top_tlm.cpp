#include "loom/sc/tensor_top_tlm.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace loom::sc {
namespace {
std::unique_ptr<DmaRunChecks> make_checks(const Config& cfg, const Stimulus& stim,
                                          const SbufTlm& sbuf) {
  if (stim.dmas.empty()) return nullptr;
  return std::make_unique<DmaRunChecks>(cfg, stim, sbuf.state());
}
}  // namespace

TensorTopTlm::TensorTopTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim)
    : sc_module(name),
      sbuf("sbuf", cfg, log),
      psum("psum", cfg, log),
      checks(make_checks(cfg, stim, sbuf)),
      engine("engine", cfg, log, checks.get(), errors),
      dma("dma", cfg, stim, log, checks.get(), errors),
      driver("driver", cfg, stim, engine, dma, checks.get(), errors),
      stim_(stim) {
  driver.sbuf_socket.bind(sbuf.wr_socket);
  driver.cmd_socket.bind(engine.cmd_socket);
  driver.dma_socket.bind(dma.desc_socket);
  engine.sbuf_stat_socket.bind(sbuf.rd_stat_socket);
  engine.sbuf_mov_socket.bind(sbuf.rd_mov_socket);
  engine.psum_socket.bind(psum.socket);
  dma.sbuf_socket.bind(sbuf.dma_socket);
}

Prediction TensorTopTlm::result() const {
  if (errors.first()) std::rethrow_exception(errors.first());
  if (!driver.done()) {
    throw std::logic_error(
        "run_systemc_model: simulation ended before the driver played every command");
  }
  for (int q = 0; q < 2; ++q) {
    // A queue's thread may wait forever only for a halted queue.
    if (!driver.queue_done(q) && !dma.halted(q)) {
      throw std::logic_error(
          "run_systemc_model: simulation ended before the driver offered every descriptor");
    }
  }
  Prediction p;
  p.txns = log;
  std::stable_sort(p.txns.begin(), p.txns.end());
  p.end_cycle = p.txns.empty() ? 0 : p.txns.back().cycle;
  sbuf.state().export_to(p.final_state);
  psum.state().export_to(p.final_state);
  p.macs = engine.macs();
  p.issue_cycle = engine.issue_cycles();
  p.retire_cycle = engine.retire_cycles();
  dma.export_to(p);
  return p;
}

}  // namespace loom::sc
