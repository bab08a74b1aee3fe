// loom_tensor_top at transaction level. Bindings:
//   driver.sbuf_socket      -> sbuf.wr_socket
//   driver.cmd_socket       -> engine.cmd_socket
//   engine.sbuf_stat_socket -> sbuf.rd_stat_socket
//   engine.sbuf_mov_socket  -> sbuf.rd_mov_socket
//   engine.psum_socket      -> psum.socket
#pragma once

#include <systemc>

#include "loom/configs.h"
#include "loom/prediction.h"
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
  Prediction result() const;

  TxnLog log;
  SbufTlm sbuf;
  PsumTlm psum;
  TensorEngineTlm engine;
  StimulusDriverTlm driver;
};

}  // namespace loom::sc
