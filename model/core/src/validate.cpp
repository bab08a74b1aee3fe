// Legality of a configuration and of a stimulus, checked before anything is
// simulated so a bad test fails with a message instead of an RTL assertion.
#include <fmt/format.h>

#include <vector>

#include "loom/model.h"

namespace loom {
namespace {

bool pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Field widths of pe_cmd_t (docs/tensor_top.md).
constexpr uint32_t kAddrBits = 18;
constexpr uint32_t kRowsBits = 8;
constexpr uint32_t kColsBits = 10;
constexpr uint32_t kBankBits = 3;
constexpr uint32_t kOffBits = 9;
constexpr uint32_t kPartBits = 8;

bool fits(uint32_t v, uint32_t bits) { return (uint64_t(v) >> bits) == 0; }

std::string check_cmd_fields(const Config& c, const PeCmd& cmd) {
  if (!fits(cmd.sbuf_addr, kAddrBits) || !fits(cmd.rows, kRowsBits) || !fits(cmd.cols, kColsBits) ||
      !fits(cmd.psum_bank, kBankBits) || !fits(cmd.psum_off, kOffBits)) {
    return "a field does not fit its pe_cmd_t bits";
  }
  if (cmd.op == PeOp::kLdw) {
    if (cmd.rows < 1 || cmd.rows > c.partitions)
      return fmt::format("K={} out of range 1..{}", cmd.rows, c.partitions);
    if (cmd.cols < 1 || cmd.cols > c.partitions)
      return fmt::format("M={} out of range 1..{}", cmd.cols, c.partitions);
    if (uint64_t(cmd.sbuf_addr) + cmd.cols > c.sbuf_bytes)
      return fmt::format("sbuf_addr + M = {} exceeds SbufBytes {}",
                         uint64_t(cmd.sbuf_addr) + cmd.cols, c.sbuf_bytes);
    if (cmd.acc || cmd.psum_bank != 0 || cmd.psum_off != 0)
      return "LDW must have acc = 0, psum_bank = 0, psum_off = 0";
    return "";
  }
  if (cmd.op == PeOp::kMm) {
    if (cmd.rows != 0)
      return fmt::format("MM rows must be 0 (K comes from the weights), is {}", cmd.rows);
    if (cmd.cols < 1 || cmd.cols > c.psum_entries)
      return fmt::format("F={} out of range 1..{}", cmd.cols, c.psum_entries);
    if (cmd.psum_bank >= c.psum_banks)
      return fmt::format("psum_bank={} out of range 0..{}", cmd.psum_bank, c.psum_banks - 1);
    if (uint64_t(cmd.psum_off) + cmd.cols > c.psum_entries)
      return fmt::format("psum_off + F = {} exceeds PsumEntries {}",
                         uint64_t(cmd.psum_off) + cmd.cols, c.psum_entries);
    if (uint64_t(cmd.sbuf_addr) + cmd.cols > c.sbuf_bytes)
      return fmt::format("sbuf_addr + F = {} exceeds SbufBytes {}",
                         uint64_t(cmd.sbuf_addr) + cmd.cols, c.sbuf_bytes);
    return "";
  }
  return fmt::format("op {} is not LDW (0) or MM (1)", unsigned(cmd.op));
}

// Descriptors, their dependencies and the DRAM setup (stimulus.h). What a
// descriptor asks for is the DMA's own check (it may be rejected with a code
// on purpose); here only that it can be represented and offered.
std::string check_dma(const Config& c, const Stimulus& stim) {
  for (size_t i = 0; i < stim.cmds.size(); ++i) {
    const int32_t a = stim.cmds[i].after_dma;
    if (a < -1 || a >= int64_t(stim.dmas.size()))
      return fmt::format("cmd {}: after_dma {} is not a descriptor index", i, a);
  }
  if (stim.dmas.empty()) return "";  // the DRAM setup is not used
  const DramSetup& d = stim.dram;
  if (d.mem.data_bytes != c.axi_data_bytes)
    return fmt::format("dram: AxiMem data_bytes {} differs from the configuration's AXI width {}",
                       d.mem.data_bytes, c.axi_data_bytes);
  if (d.window_base >= d.window_limit || d.window_limit > (uint64_t(1) << 32))
    return fmt::format("dram: window [{:#x}, {:#x}) empty or beyond the 32-bit AXI address",
                       d.window_base, d.window_limit);
  if (d.window_limit - d.window_base > (uint64_t(64) << 20))
    return "dram: window larger than 64 MiB (the end-of-run comparison reads all of it)";
  if (d.init.size() > d.window_limit - d.window_base)
    return fmt::format("dram: {} initial bytes do not fit the window", d.init.size());
  for (size_t j = 0; j < stim.dmas.size(); ++j) {
    const TimedDesc& t = stim.dmas[j];
    const DmaDesc& x = t.desc;
    auto bad = [&](const std::string& what) { return fmt::format("descriptor {}: {}", j, what); };
    if (t.queue > 1) return bad(fmt::format("queue {} is not 0 or 1", t.queue));
    if (t.after_cmd < -1 || t.after_cmd >= int64_t(stim.cmds.size()))
      return bad(fmt::format("after_cmd {} is not a command index", t.after_cmd));
    if (!fits(x.planes, 16) || !fits(x.row_bytes, 18) || !fits(x.rows, 8) || !fits(x.sbuf_part, 8) ||
        !fits(x.sbuf_addr, 18) || x.dir > 1 || (x.reserved >> 59) != 0)
      return bad("a field does not fit its dma_desc_t bits");
  }
  return "";
}

}  // namespace

std::string check_pe_cmd(const Config& c, const PeCmd& cmd) { return check_cmd_fields(c, cmd); }

std::string validate_config(const Config& c) {
  const std::string name = c.name ? c.name : "?";
  auto bad = [&](const std::string& what) { return "config " + name + ": " + what; };
  if (c.partitions < 4 || c.partitions > 128 || !pow2(c.partitions))
    return bad(fmt::format("P={} not a power of two in 4..128", c.partitions));
  if (c.sbuf_word_bytes < 4 || c.sbuf_word_bytes > 64 || !pow2(c.sbuf_word_bytes))
    return bad(fmt::format("SbufWordBytes={} not a power of two in 4..64", c.sbuf_word_bytes));
  if (c.sbuf_bytes < 1024 || c.sbuf_bytes > 196608 || c.sbuf_bytes % c.sbuf_word_bytes != 0)
    return bad(fmt::format("SbufBytes={} not a multiple of {} in 1024..196608", c.sbuf_bytes,
                           c.sbuf_word_bytes));
  if (c.psum_banks < 2 || c.psum_banks > 8)
    return bad(fmt::format("PsumBanks={} out of range 2..8", c.psum_banks));
  if (c.psum_entries < 16 || c.psum_entries > 512 || !pow2(c.psum_entries))
    return bad(fmt::format("PsumEntries={} not a power of two in 16..512", c.psum_entries));
  if (c.cmd_depth < 2 || c.cmd_depth > 16)
    return bad(fmt::format("CmdDepth={} out of range 2..16", c.cmd_depth));
  if (c.axi_data_bytes < 4 || c.axi_data_bytes > 64 || !pow2(c.axi_data_bytes))
    return bad(fmt::format("AxiBytes={} not a power of two in 4..64", c.axi_data_bytes));
  return "";
}

std::string validate(const Config& c, const Stimulus& stim) {
  if (std::string e = validate_config(c); !e.empty()) return e;
  if (std::string e = check_dma(c, stim); !e.empty()) return e;
  // With DMA descriptors, which SBUF bytes are written before a command
  // reads them depends on timing: predict() checks it as it runs.
  const bool check_written = stim.dmas.empty();

  // Bytes written by the preload: the RTL's SBUF is not initialised, so a
  // command may only read bytes the preload wrote.
  std::vector<std::vector<bool>> sbuf_ok(c.partitions, std::vector<bool>(c.sbuf_bytes, false));
  for (size_t j = 0; j < stim.preload.size(); ++j) {
    const SbufWrite& w = stim.preload[j];
    auto bad = [&](const std::string& what) {
      return fmt::format("preload write {} (part={} addr={:#x}): {}", j, w.part, w.addr, what);
    };
    if (w.part >= c.partitions || !fits(w.part, kPartBits))
      return bad(fmt::format("partition out of range 0..{}", c.partitions - 1));
    if (w.addr % c.sbuf_word_bytes != 0)
      return bad(fmt::format("address not aligned to SbufWordBytes {}", c.sbuf_word_bytes));
    if (uint64_t(w.addr) + c.sbuf_word_bytes > c.sbuf_bytes || !fits(w.addr, kAddrBits))
      return bad(fmt::format("address beyond SbufBytes {}", c.sbuf_bytes));
    if (w.data.size() != c.sbuf_word_bytes)
      return bad(fmt::format("{} data bytes, the word is {}", w.data.size(), c.sbuf_word_bytes));
    if (c.sbuf_word_bytes < 64 && (w.strb >> c.sbuf_word_bytes) != 0)
      return bad(
          fmt::format("strb {:#x} has bits beyond the {}-byte word", w.strb, c.sbuf_word_bytes));
    for (uint32_t i = 0; i < c.sbuf_word_bytes; ++i) {
      if ((w.strb >> i) & 1) sbuf_ok[w.part][w.addr + i] = true;
    }
  }

  // Commands, tracking the current weights' K and M and which PSUM entries
  // hold a value (accumulating into a never-written entry reads an
  // uninitialised RTL PSUM).
  std::vector<std::vector<bool>> psum_ok(
      c.partitions, std::vector<bool>(size_t(c.psum_banks) * c.psum_entries, false));
  uint32_t cur_k = 0, cur_m = 0;
  for (size_t i = 0; i < stim.cmds.size(); ++i) {
    const PeCmd& cmd = stim.cmds[i].cmd;
    auto bad = [&](const std::string& what) {
      return fmt::format("cmd {} ({}): {}", i, cmd.to_string(), what);
    };
    if (std::string e = check_cmd_fields(c, cmd); !e.empty()) return bad(e);
    const uint32_t rows = cmd.op == PeOp::kLdw ? cmd.rows : cur_k;
    for (uint32_t k = 0; k < rows; ++k) {
      for (uint32_t b = 0; b < cmd.cols; ++b) {
        if (check_written && !sbuf_ok[k][cmd.sbuf_addr + b]) {
          return bad(fmt::format("reads SBUF[{}][{:#x}], which the preload never wrote", k,
                                 cmd.sbuf_addr + b));
        }
      }
    }
    if (cmd.op == PeOp::kLdw) {
      cur_k = cmd.rows;
      cur_m = cmd.cols;
      continue;
    }
    for (uint32_t m = 0; m < cur_m; ++m) {
      for (uint32_t f = 0; f < cmd.cols; ++f) {
        const size_t e = size_t(cmd.psum_bank) * c.psum_entries + cmd.psum_off + f;
        if (cmd.acc && !psum_ok[m][e]) {
          return bad(fmt::format("accumulates into PSUM[{}][bank {}][{}], never written before", m,
                                 cmd.psum_bank, cmd.psum_off + f));
        }
        psum_ok[m][e] = true;
      }
    }
  }
  return "";
}

}  // namespace loom
