#include "loom/sc/core_tlm.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace loom::sc {

CoreTlm::CoreTlm(sc_core::sc_module_name name, const Config& cfg, const CoreModelRun& run)
    : sc_module(name),
      sbuf("sbuf", cfg, log),
      psum("psum", cfg, log),
      psum_join("psum_join"),
      pe("pe", cfg, log, errors),
      dma("dma", cfg, *run.dram, clamp_window_address(run.dram_base, run.axi_addr_bits),
          clamp_window_address(run.dram_limit, run.axi_addr_bits),
          std::max<size_t>(run.prog_len, 1), log, errors),
      act("act", cfg, dma.pins(), log, errors),
      seq("seq", cfg, run, clamp_window_address(run.dram_base, run.axi_addr_bits),
          clamp_window_address(run.dram_limit, run.axi_addr_bits), pe, dma, act, log, errors),
      cfg_(cfg),
      dump_base_(run.dump_base),
      dump_bytes_(run.dump_bytes) {
  seq.pe_socket.bind(pe.cmd_socket);
  seq.act_socket.bind(act.cmd_socket);
  seq.dma_socket.bind(dma.desc_socket);
  pe.sbuf_socket.bind(sbuf.pe_socket);
  dma.sbuf_socket.bind(sbuf.dma_socket);
  act.sbuf_socket.bind(sbuf.act_socket);
  pe.psum_socket.bind(psum_join.in0);
  act.psum_socket.bind(psum_join.in1);
  psum_join.out.bind(psum.socket);
}

CorePrediction CoreTlm::result() const {
  if (errors.first()) std::rethrow_exception(errors.first());
  if (!seq.finished())
    throw std::logic_error("run_systemc_core_model: the simulation ended before the run did");
  CorePrediction out(cfg_);
  seq.export_to(out);
  out.txns = log;
  std::stable_sort(out.txns.begin(), out.txns.end());
  out.end_cycle = out.txns.empty() ? 0 : out.txns.back().cycle;
  out.final_state = MemImage{};
  sbuf.state().export_to(out.final_state);
  psum.state().export_to(out.final_state);
  if (dump_bytes_) out.final_dram = dma.dram().read(dump_base_, size_t(dump_bytes_));
  return out;
}

}  // namespace loom::sc
