#include "loom/sc/tensor_top_tlm.h"

#include <algorithm>

namespace loom::sc {

TensorTopTlm::TensorTopTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim)
    : sc_module(name),
      sbuf("sbuf", cfg, log),
      psum("psum", cfg, log),
      engine("engine", cfg, log),
      driver("driver", cfg, stim) {
  driver.sbuf_socket.bind(sbuf.wr_socket);
  driver.cmd_socket.bind(engine.cmd_socket);
  engine.sbuf_stat_socket.bind(sbuf.rd_stat_socket);
  engine.sbuf_mov_socket.bind(sbuf.rd_mov_socket);
  engine.psum_socket.bind(psum.socket);
}

Prediction TensorTopTlm::result() const {
  Prediction p;
  p.txns = log;
  std::stable_sort(p.txns.begin(), p.txns.end());
  p.end_cycle = p.txns.empty() ? 0 : p.txns.back().cycle;
  sbuf.state().export_to(p.final_state);
  psum.state().export_to(p.final_state);
  p.macs = engine.macs();
  p.issue_cycle = engine.issue_cycles();
  return p;
}

}  // namespace loom::sc
