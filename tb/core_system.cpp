#include "core_system.h"

#include <fmt/format.h>

#include <stdexcept>

#include "loom/csr_map.h"

namespace loom {

namespace {
constexpr int kAccessTimeout = 1000;  // cycles for one AXI4-Lite access
}  // namespace

CoreSystem::CoreSystem(std::unique_ptr<CoreDut> dut, const AxiMemConfig& dram,
                       const AxiMemConfig& ifetch)
    : dut_(std::move(dut)), dram_(dram), ifetch_(ifetch) {
  dut_->reset();
}

const CoreOutputs& CoreSystem::drive(const AxilMasterOut& host, const CoreDbgIn& dbg) {
  in_ = CoreInputs{};
  in_.host = host;
  in_.dbg = dbg;
  in_.dram = dram_.outputs();
  in_.ifetch = ifetch_.outputs();
  return dut_->drive(in_);
}

void CoreSystem::advance(const CoreOutputs& out) {
  if (observer_) observer_(dut_->cycle(), in_, out);
  // The memories see this cycle's master pins, then the core's edge.
  dram_.tick(out.dram);
  ifetch_.tick(out.ifetch);
  dut_->tick();
  if (start_countdown_ > 0 && --start_countdown_ == 0) {
    start_cycle_ = dut_->cycle();
    if (start_hook_) start_hook_(*this);
  }
}

uint32_t CoreSystem::dbg_read(bool psum, uint32_t part, uint32_t addr) {
  CoreDbgIn d;
  d.req = true;
  d.psum = psum;
  d.part = part;
  d.addr = addr;
  advance(drive(AxilMasterOut{}, d));
  const CoreOutputs& o = drive(AxilMasterOut{});
  if (!o.dbg_rvalid) throw std::runtime_error("debug read: no dbg_rvalid the cycle after the request");
  const uint32_t v = o.dbg_rdata;
  advance(o);
  return v;
}

void CoreSystem::hard_reset() {
  dut_->reset();
  dram_.reset();
  ifetch_.reset();
  start_countdown_ = 0;
}

void CoreSystem::step() { advance(drive(AxilMasterOut{})); }

uint32_t CoreSystem::csr_write(uint32_t offset, uint32_t value, uint32_t strb) {
  AxilMasterOut h;
  h.aw_valid = h.w_valid = true;
  h.aw_addr = offset;
  h.w_data = value;
  h.w_strb = strb;
  for (int i = 0; i < kAccessTimeout; ++i) {
    const CoreOutputs& o = drive(h);
    const bool aw = h.aw_valid && o.host.aw_ready, w = h.w_valid && o.host.w_ready;
    const bool b = h.b_ready && o.host.b_valid;
    const uint32_t resp = o.host.b_resp;
    // The cycle both halves of a START write are taken: csr_axil decodes the
    // held write in the next cycle and start_o is high in the one after.
    if ((aw || !h.aw_valid) && (w || !h.w_valid) && (aw || w) && offset == csr::kCtrl &&
        (value & csr::kCtrlStart))
      start_countdown_ = 2;
    advance(o);
    if (aw) h.aw_valid = false;
    if (w) h.w_valid = false;
    if (b) return resp;
    h.b_ready = !h.aw_valid && !h.w_valid;
  }
  throw std::runtime_error(
      fmt::format("CSR write 0x{:03x}: no response in {} cycles", offset, kAccessTimeout));
}

uint32_t CoreSystem::csr_read(uint32_t offset, uint32_t* data) {
  AxilMasterOut h;
  h.ar_valid = true;
  h.ar_addr = offset;
  for (int i = 0; i < kAccessTimeout; ++i) {
    const CoreOutputs& o = drive(h);
    const bool ar = h.ar_valid && o.host.ar_ready;
    const bool r = h.r_ready && o.host.r_valid;
    const uint32_t resp = o.host.r_resp, rdata = o.host.r_data;
    advance(o);
    if (ar) {
      h.ar_valid = false;
      h.r_ready = true;
    }
    if (r) {
      if (data) *data = rdata;
      return resp;
    }
  }
  throw std::runtime_error(
      fmt::format("CSR read 0x{:03x}: no response in {} cycles", offset, kAccessTimeout));
}

uint32_t CoreSystem::csr_read(uint32_t offset) {
  uint32_t v = 0;
  const uint32_t resp = csr_read(offset, &v);
  if (resp != csr::kRespOkay) {
    throw std::runtime_error(fmt::format("CSR read 0x{:03x}: response {}", offset, resp));
  }
  return v;
}

uint64_t CoreSystem::csr_read64(uint32_t offset_lo) {
  const uint64_t lo = csr_read(offset_lo);  // latches the high word
  return lo | uint64_t(csr_read(offset_lo + 4)) << 32;
}

CoreRunResult CoreSystem::run(const CoreRunRequest& req) {
  if (req.program.empty() || req.program.size() % 32 != 0) {
    throw std::invalid_argument("program size must be a positive multiple of 32 bytes");
  }
  // A soft reset first: after an error a DMA queue stays halted until reset
  // (sequencer.md), and it costs two cycles otherwise.
  if (csr_write(csr::kCtrl, csr::kCtrlSoftReset) != csr::kRespOkay) {
    throw std::runtime_error("CSR soft reset refused");
  }
  step();
  step();
  ifetch_.write(req.prog_base, req.program);
  dram_.write(req.prog_base, req.program);
  auto write_ok = [&](uint32_t off, uint32_t v) {
    const uint32_t resp = csr_write(off, v);
    if (resp != csr::kRespOkay) {
      throw std::runtime_error(
          fmt::format("CSR write 0x{:03x} = 0x{:x}: response {}", off, v, resp));
    }
  };
  write_ok(csr::kProgBaseLo, uint32_t(req.prog_base));
  write_ok(csr::kProgBaseHi, uint32_t(req.prog_base >> 32));
  write_ok(csr::kProgLen, uint32_t(req.program.size() / 32));
  write_ok(csr::kWatchdog, req.watchdog);
  write_ok(csr::kDramBaseLo, uint32_t(req.dram_base));
  write_ok(csr::kDramBaseHi, uint32_t(req.dram_base >> 32));
  write_ok(csr::kDramLimitLo, uint32_t(req.dram_limit));
  write_ok(csr::kDramLimitHi, uint32_t(req.dram_limit >> 32));
  write_ok(csr::kIrqStatus, csr::kIrqDone | csr::kIrqError);
  write_ok(csr::kIrqEnable, csr::kIrqDone | csr::kIrqError);

  CoreRunResult r;
  r.start_cycle = cycle();
  write_ok(csr::kCtrl, csr::kCtrlStart);
  const uint64_t deadline = cycle() + req.max_cycles;
  for (;;) {
    if (stop_at_ != 0 && cycle() >= stop_at_) {
      stop_at_ = 0;
      r.stopped = true;
      return r;
    }
    const CoreOutputs& o = drive(AxilMasterOut{});
    const bool irq = o.irq;
    advance(o);
    if (irq) {
      r.irq_cycle = cycle() - 1;
      break;
    }
    if (cycle() >= deadline) {
      throw std::runtime_error(
          fmt::format("no interrupt within {} cycles of START (status busy={} done={} error={})",
                      req.max_cycles, o.busy, o.done, o.error));
    }
  }
  const uint32_t status = csr_read(csr::kStatus);
  r.done = (status & csr::kStatusDone) != 0;
  r.error = (status & csr::kStatusError) != 0;
  r.error_code = csr_read(csr::kErrorCode);
  r.error_index = csr_read(csr::kErrorIndex);
  r.perf_cycles = csr_read64(csr::kPerfCycles);
  r.perf_busy_pe = csr_read64(csr::kPerfBusyPe);
  r.perf_busy_act = csr_read64(csr::kPerfBusyAct);
  r.perf_busy_dma = csr_read64(csr::kPerfBusyDma);
  r.perf_busy_seq = csr_read64(csr::kPerfBusySeq);
  r.perf_macs = csr_read64(csr::kPerfMacs);
  r.perf_dma_bytes = csr_read64(csr::kPerfDmaBytes);
  write_ok(csr::kIrqStatus, csr::kIrqDone | csr::kIrqError);
  return r;
}

}  // namespace loom
