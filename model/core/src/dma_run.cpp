#include "loom/dma_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace loom {

DmaRun::DmaRun(const Config& cfg, const DramSetup& dram, size_t ndesc)
    : DmaRun(cfg, AxiMem(dram.mem), dram.window_base, dram.window_limit, ndesc) {
  dram_ = dram;
  mem_.write(dram.window_base, dram.init);
}

DmaRun::DmaRun(const Config& cfg, const AxiMem& replica, uint64_t window_base,
               uint64_t window_limit, size_t ndesc)
    : cfg_(cfg),
      mem_(replica),
      engine_(dma_params(cfg), kDmaQueueDepth),
      builder_(cfg.axi_data_bytes),
      accept_(ndesc, kDmaNever),
      complete_(ndesc, kDmaNever),
      code_(ndesc, 0),
      desc_bytes_(ndesc, 0) {
  dram_.mem = replica.config();
  dram_.window_base = window_base;
  dram_.window_limit = window_limit;
}

const DmaCycleOut& DmaRun::step(const std::array<DmaOffer, 2>& offers, DmaSbufPort& sbuf,
                                std::vector<Txn>& out) {
  const uint64_t c = cycle_;
  DmaCycleIn in;
  in.dram_base = dram_.window_base;
  in.dram_limit = dram_.window_limit;
  DmaPins pins;
  for (int q = 0; q < 2; ++q) {
    in.desc_valid[q] = offers[q].valid;
    if (offers[q].valid) {
      in.desc[q] = offers[q].desc;
      pins.desc_index[q] = offers[q].index;
    }
  }
  in.axi = mem_.outputs();
  const DmaCycleOut& o = engine_.step(in, sbuf);
  pins.desc_valid = in.desc_valid;
  pins.desc_ready = o.desc_ready;
  pins.cpl_valid = o.cpl_valid;
  for (int q = 0; q < 2; ++q) pins.cpl_code[q] = uint32_t(o.cpl_code[q]);
  pins.sbuf_rd_req = o.sbuf_rd_req;
  pins.sbuf_rd_part = o.sbuf_rd_part;
  pins.sbuf_rd_addr = o.sbuf_rd_addr;
  pins.m = o.axi;
  pins.s = in.axi;
  const size_t first = out.size();
  builder_.observe(c, pins, out);
  accepted_ = {-1, -1};
  completed_ = {-1, -1};
  for (size_t i = first; i < out.size(); ++i) {
    const Txn& t = out[i];
    if (t.channel == Channel::kDmaAccept) {
      accept_.at(t.tag) = c;
      desc_bytes_[t.tag] = offers[t.part].desc.total_bytes();
      accepted_[t.part] = t.tag;
      ++in_flight_[t.part];
    } else if (t.channel == Channel::kDmaComplete) {
      complete_.at(t.tag) = c;
      code_[t.tag] = uint32_t(t.data);
      if (t.data == uint64_t(DmaCode::kOk)) bytes_ += desc_bytes_[t.tag];
      completed_[t.part] = t.tag;
      --in_flight_[t.part];
    }
  }
  mem_.tick(o.axi);
  ++cycle_;
  return o;
}

bool DmaRun::idle() const {
  if (!mem_.idle()) return false;
  if (!engine_.busy()) return true;
  for (int q = 0; q < 2; ++q)
    if (in_flight_[q] > 0 && !engine_.halted(q)) return false;
  return true;
}

std::vector<uint8_t> DmaRun::dram_window() const {
  return mem_.read(dram_.window_base, size_t(dram_.window_limit - dram_.window_base));
}

std::string dma_desc_name(const Stimulus& stim, size_t j) {
  return fmt::format("descriptor {} (queue {}, {})", j, stim.dmas[j].queue,
                     stim.dmas[j].desc.is_store() ? "store" : "load");
}

DmaRunChecks::DmaRunChecks(const Config& cfg, const Stimulus& stim, const SbufState& sbuf)
    : cfg_(cfg), stim_(stim), sbuf_(sbuf) {}

void DmaRunChecks::check_command_reads(size_t i, const PeCmd& cmd, uint32_t rows,
                                       uint64_t avail) const {
  for (uint32_t k = 0; k < rows; ++k)
    for (uint32_t b = 0; b < cmd.cols; ++b)
      if (!sbuf_.written(k, cmd.sbuf_addr + b))
        throw std::invalid_argument(
            fmt::format("cmd {} ({}): reads SBUF[{}][{:#x}], which nothing wrote before it "
                        "was offered in cycle {}",
                        i, cmd.to_string(), k, cmd.sbuf_addr + b, avail));
}

void DmaRunChecks::add_command_reads(size_t i, const PeCmd& cmd, uint32_t rows, uint64_t avail,
                                     uint64_t retire) {
  windows_.push_back({i, avail, retire, rows, cmd.sbuf_addr, cmd.cols});
}

void DmaRunChecks::check_dma_write(uint64_t cycle, uint32_t part, uint32_t addr, uint64_t strb) {
  const uint32_t wb = cfg_.sbuf_word_bytes;
  windows_.erase(std::remove_if(windows_.begin(), windows_.end(),
                                [&](const ReadWindow& w) { return w.to < cycle; }),
                 windows_.end());
  for (const ReadWindow& w : windows_) {
    if (cycle < w.from || part >= w.rows) continue;
    for (uint32_t i = 0; i < wb; ++i) {
      const uint32_t a = addr + i;
      if (((strb >> i) & 1) && a >= w.addr && a < w.addr + w.n)
        throw std::invalid_argument(fmt::format(
            "race: a DMA load writes SBUF[{}][{:#x}] in cycle {} while cmd {} ({}) reads it "
            "(offered in cycle {}, retires in cycle {}); order them with after_dma / after_cmd",
            part, a, cycle, w.cmd, stim_.cmds[w.cmd].cmd.to_string(), w.from, w.to));
    }
  }
}

void DmaRunChecks::check_store_source(size_t j) const {
  const DmaDesc& d = stim_.dmas[j].desc;
  for (uint32_t r = 0; r < d.rows; ++r)
    for (uint64_t b = 0; b < uint64_t(d.planes) * d.row_bytes; ++b) {
      const uint64_t a = d.sbuf_addr + b;
      if (d.sbuf_part + r >= cfg_.partitions || a >= cfg_.sbuf_bytes)
        return;  // rejected by the check
      if (!sbuf_.written(d.sbuf_part + r, uint32_t(a)))
        throw std::invalid_argument(fmt::format("{} stores SBUF[{}][{:#x}], which nothing wrote",
                                                dma_desc_name(stim_, j), d.sbuf_part + r, a));
    }
}

std::string DmaRunChecks::deadlock(size_t cmd, int64_t queue_next, bool halted) const {
  const size_t j = size_t(stim_.cmds[cmd].after_dma);
  const bool blocked_by_cmd =
      queue_next >= 0 && stim_.dmas[size_t(queue_next)].after_cmd >= int32_t(cmd);
  if (!halted && !blocked_by_cmd) return "";
  return fmt::format("cmd {} waits for {}, which never completes ({})", cmd,
                     dma_desc_name(stim_, j),
                     halted ? "its queue halted on an error" : "it waits for a later command");
}

}  // namespace loom
