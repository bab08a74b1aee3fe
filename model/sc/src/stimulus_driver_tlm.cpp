#include "loom/sc/stimulus_driver_tlm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace loom::sc {

StimulusDriverTlm::StimulusDriverTlm(sc_core::sc_module_name name, const Config& cfg,
                                     const Stimulus& stim, const TensorEngineTlm& engine,
                                     const DmaTlm& dma, const DmaRunChecks* checks,
                                     RunErrors& errors)
    : sc_module(name),
      sbuf_socket("sbuf_socket"),
      cmd_socket("cmd_socket"),
      dma_socket("dma_socket"),
      cfg_(cfg),
      stim_(stim),
      engine_(engine),
      dma_(dma),
      checks_(checks),
      errors_(errors) {
  // The queues' first descriptors, known from the start (the deadlock check
  // may look at a queue before its thread ran).
  for (int q = 0; q < 2; ++q) {
    for (size_t j = 0; j < stim.dmas.size(); ++j) {
      if (stim.dmas[j].queue == uint32_t(q)) {
        queue_next_[q] = int64_t(j);
        break;
      }
    }
  }
  SC_THREAD(play);
  SC_THREAD(play_queue0);
  SC_THREAD(play_queue1);
}

void StimulusDriverTlm::play() {
  guarded(errors_, [&] { play_commands(); });
}

void StimulusDriverTlm::play_commands() {
  tlm::tlm_generic_payload gp;

  // SBUF preload: write j in cycle j.
  std::vector<uint8_t> data;
  std::vector<unsigned char> be;
  for (size_t j = 0; j < stim_.preload.size(); ++j) {
    const SbufWrite& w = stim_.preload[j];
    wait(delay_until(j));
    data = w.data;
    be.assign(data.size(), TLM_BYTE_DISABLED);
    for (size_t i = 0; i < be.size() && i < 64; ++i) {
      if ((w.strb >> i) & 1) be[i] = TLM_BYTE_ENABLED;
    }
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(sbuf_address(cfg_.sbuf_bytes, w.part, w.addr));
    gp.set_data_ptr(data.data());
    gp.set_data_length(uint32_t(data.size()));
    gp.set_streaming_width(uint32_t(data.size()));
    gp.set_byte_enable_ptr(be.data());
    gp.set_byte_enable_length(uint32_t(be.size()));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sbuf_socket->b_transport(gp, delay);
    if (gp.is_response_error()) {
      throw std::runtime_error(
          fmt::format("StimulusDriverTlm: preload write {}: {}", j, gp.get_response_string()));
    }
  }

  // Commands: offered in cycle avail_i = max(previous accept + 1, completion
  // of the after_dma descriptor + 1) + gap, held until accepted (the returned
  // delay).
  uint64_t next = stim_.preload.size();
  unsigned char raw[8];
  for (size_t i = 0; i < stim_.cmds.size(); ++i) {
    const TimedCmd& tc = stim_.cmds[i];
    uint64_t base = next;
    if (tc.after_dma >= 0) base = std::max(base, wait_for_dma(i, size_t(tc.after_dma)) + 1);
    wait(delay_until(base + tc.gap));
    const uint64_t v = tc.cmd.pack();
    for (int b = 0; b < 8; ++b) raw[b] = static_cast<unsigned char>(v >> (8 * b));
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(0);
    gp.set_data_ptr(raw);
    gp.set_data_length(8);
    gp.set_streaming_width(8);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cmd_socket->b_transport(gp, delay);
    if (gp.is_response_error()) {
      throw std::runtime_error(
          fmt::format("StimulusDriverTlm: command {}: {}", i, gp.get_response_string()));
    }
    wait(delay);  // now in the accept cycle
    next = to_cycle(sc_core::sc_time_stamp()) + 1;
  }
  done_ = true;
}

uint64_t StimulusDriverTlm::wait_for_dma(size_t i, size_t j) {
  // At the DMA's edge phase (or once its clock stopped) the DMA state is that
  // of the end of the cycle, where predict() checks for the deadlock.
  bool at_edge = false;
  for (;;) {
    const uint64_t e = dma_.complete_cycle(j);
    if (e != kDmaNever) return e;
    if ((at_edge || dma_.stopped()) && dma_.idle()) {
      const int q = int(stim_.dmas[j].queue);
      if (std::string msg = checks_->deadlock(i, queue_next_[q], dma_.halted(q)); !msg.empty())
        throw std::invalid_argument(msg);
      if (dma_.stopped())
        throw std::logic_error(fmt::format(
            "StimulusDriverTlm: cmd {} waits for descriptor {}, but the DMA stopped", i, j));
    }
    wait(dma_.edge_event());
    at_edge = true;
  }
}

uint64_t StimulusDriverTlm::wait_for_retire(size_t i) {
  for (;;) {
    const std::vector<uint64_t>& r = engine_.retire_cycles();
    if (i < r.size() && to_cycle(sc_core::sc_time_stamp()) >= r[i]) return r[i];
    wait(engine_.retire_event());
  }
}

void StimulusDriverTlm::play_queue(int q) {
  guarded(errors_, [&] {
    tlm::tlm_generic_payload gp;
    auto* ext = new DmaDescIndexExt;  // owned (and freed) by gp
    gp.set_extension(ext);
    unsigned char raw[32];
    // Descriptor j of the queue: offered in cycle max(previous accept of the
    // queue + 1 (the preload's end for the first), retire of its after_cmd
    // command + 1) + gap, held until accepted (b_transport returns in the
    // accept cycle; never for a halted queue).
    uint64_t next = stim_.preload.size();
    for (size_t j = 0; j < stim_.dmas.size(); ++j) {
      const TimedDesc& td = stim_.dmas[j];
      if (td.queue != uint32_t(q)) continue;
      queue_next_[q] = int64_t(j);
      uint64_t base = next;
      if (td.after_cmd >= 0) base = std::max(base, wait_for_retire(size_t(td.after_cmd)) + 1);
      wait(delay_until(base + td.gap));
      const std::array<uint64_t, 4> words = td.desc.pack();
      for (int w = 0; w < 4; ++w)
        for (int b = 0; b < 8; ++b)
          raw[8 * w + b] = static_cast<unsigned char>(words[w] >> (8 * b));
      ext->index = uint32_t(j);
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      gp.set_command(tlm::TLM_WRITE_COMMAND);
      gp.set_address(32 * uint64_t(q));
      gp.set_data_ptr(raw);
      gp.set_data_length(32);
      gp.set_streaming_width(32);
      gp.set_byte_enable_ptr(nullptr);
      gp.set_byte_enable_length(0);
      gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      dma_socket->b_transport(gp, delay);
      if (gp.is_response_error()) {
        throw std::runtime_error(
            fmt::format("StimulusDriverTlm: descriptor {}: {}", j, gp.get_response_string()));
      }
      wait(delay);
      next = to_cycle(sc_core::sc_time_stamp()) + 1;  // accepted in the current cycle
    }
    queue_next_[q] = -1;
  });
}

}  // namespace loom::sc
