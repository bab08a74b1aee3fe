// loom_tensor_top at transaction level, with the DMA and the testbench DRAM.
// Bindings:
//   driver.sbuf_socket      -> sbuf.wr_socket
//   driver.cmd_socket       -> engine.cmd_socket
//   driver.dma_socket       -> dma.desc_socket
//   engine.sbuf_stat_socket -> sbuf.rd_stat_socket
//   engine.sbuf_mov_socket  -> sbuf.rd_mov_socket
//   engine.psum_socket      -> psum.socket
//   dma.sbuf_socket         -> sbuf.dma_socket
#pragma once

#include <memory>
#include <systemc>

#include "loom/configs.h"
#include "loom/dma_run.h"
#include "loom/prediction.h"
#include "loom/sc/dma_tlm.h"
#include "loom/sc/psum_tlm.h"
#include "loom/sc/sbuf_tlm.h"
#include "loom/sc/stimulus_driver_tlm.h"
#include "loom/sc/tensor_engine_tlm.h"
#include "loom/stimulus.h"

namespace loom::sc {

class TensorTopTlm : public sc_core::sc_module {
 public:
  TensorTopTlm(sc_core::sc_module_name name, const Config& cfg, const Stimulus& stim);

  // After sc_start(): the run's transactions, memories and statistics.
  // Throws the first exception of a process (errors), if any, and
  // std::logic_error if the simulation ended with the stimulus unplayed.
  Prediction result() const;

  TxnLog log;
  RunErrors errors;
  SbufTlm sbuf;
  PsumTlm psum;
  // The run's checks of the stimulus' ordering rules (DmaRunChecks, as in
  // predict()): on the SBUF's written marks, made by the engine when a
  // command is offered and by the DMA on its SBUF writes and store
  // completions. Null without descriptors.
  std::unique_ptr<DmaRunChecks> checks;
  TensorEngineTlm engine;
  DmaTlm dma;
  StimulusDriverTlm driver;

 private:
  const Stimulus& stim_;
};

}  // namespace loom::sc
