#include "triage.h"

#include <fmt/format.h>

#include "producer.h"

namespace loom {

std::string triage_report(const Config& cfg, const Stimulus& stim, const CosimResult& res,
                          const CosimOptions& opt) {
  std::string s;
  auto line = [&](auto&&... args) {
    s += fmt::format(std::forward<decltype(args)>(args)...);
    s += '\n';
  };
  line("LOOM CO-SIMULATION FAILURE: {}", opt.name);
  line("configuration {}: P={} SBUF={} B/partition PSUM={} banks x {} entries", cfg.name,
       cfg.partitions, cfg.sbuf_bytes, cfg.psum_banks, cfg.psum_entries);
  line("transactions compared before the failure: {}", res.compared);
  if (!res.error.empty()) line("RTL error: {}", res.error);
  if (res.mismatch) {
    const Mismatch& m = *res.mismatch;
    line("");
    line("first mismatch: {}", m.summary());
    const Txn& t = m.expected ? *m.expected : *m.actual;
    if (t.channel == Channel::kPsumWrite) {
      line("  where:    PSUM bank {}, partition {} (array column {}), entry {}", t.bank, t.part,
           t.part, t.addr);
    } else if (t.channel == Channel::kSbufWrite) {
      line("  where:    SBUF partition {}, byte address {:#x}", t.part, t.addr);
    } else if (t.channel == Channel::kDramWrite || t.channel == Channel::kDramRead ||
               t.channel == Channel::kDramWriteReq) {
      line("  where:    DRAM address {:#x}", t.addr);
    }
    line("  expected: {}", m.expected ? m.expected->to_string() : "(nothing)");
    line("  actual:   {}", m.actual ? m.actual->to_string() : "(nothing)");
    if (auto i = producing_command(cfg, stim, res.prediction, t)) {
      const PeCmd& c = stim.cmds[*i].cmd;
      const uint64_t s_i = *i < res.prediction.issue_cycle.size() ? res.prediction.issue_cycle[*i] : 0;
      line("  operation: #{} {} (expected issue at cycle {})", *i, c.to_string(), s_i);
      if (t.channel == Channel::kPsumWrite) {
        line("  element:  f = {} of F = {}, from PE column {} after {} array rows", t.addr - c.psum_off,
             c.cols, t.part, cfg.partitions);
      }
    }
    if (auto j = producing_descriptor(stim, res.prediction, t)) {
      const TimedDesc& d = stim.dmas[*j];
      line("  descriptor: #{} on queue {}: {} {} x {} x {} bytes, DRAM {:#x} (row stride {}, plane "
           "stride {}), SBUF partition {} byte {:#x}",
           *j, d.queue, d.desc.is_store() ? "store SBUF -> DRAM" : "load DRAM -> SBUF",
           d.desc.planes, d.desc.rows, d.desc.row_bytes, d.desc.dram_addr, d.desc.row_stride,
           d.desc.plane_stride, d.desc.sbuf_part, d.desc.sbuf_addr);
      line("              expected accept at cycle {}, completion at cycle {}", res.prediction.dma_accept[*j],
           res.prediction.dma_complete[*j]);
    }
  }
  if (!res.mem_mismatches.empty()) {
    line("");
    line("final memory differs in {}{} places; first:", res.mem_mismatches.size(),
         res.mem_mismatches.size() >= 64 ? "+" : "");
    for (size_t i = 0; i < res.mem_mismatches.size() && i < 8; ++i) {
      const MemMismatch& mm = res.mem_mismatches[i];
      if (mm.dram) {
        line("  DRAM byte {:#x}: expected {:#04x} actual {:#04x}", mm.addr, mm.expected, mm.actual);
      } else if (mm.psum) {
        line("  PSUM partition {} bank {} entry {}: expected {} actual {}", mm.part,
             mm.addr / cfg.psum_entries, mm.addr % cfg.psum_entries, mm.expected, mm.actual);
      } else {
        line("  SBUF partition {} byte {:#x}: expected {:#04x} actual {:#04x}", mm.part, mm.addr,
             mm.expected, mm.actual);
      }
    }
  }
  line("");
  if (!res.wave_path.empty()) {
    if (opt.waves) {
      line("waveform: {} (whole run)", res.wave_path);
    } else {
      const uint64_t c = res.mismatch ? res.mismatch->cycle : res.rtl_cycles;
      line("waveform: {} (cycles {} to {}; cycle c starts at 10c ns)", res.wave_path,
           c > opt.window_before ? c - opt.window_before : 0, c + opt.window_after);
    }
    line("view:     gtkwave {} waves/loom.gtkw", res.wave_path);
    line("          (or make waves TEST=... for a whole run with the save file adapted to P)");
  }
  if (!opt.repro.empty()) line("reproduce: {}", opt.repro);
  return s;
}

}  // namespace loom
