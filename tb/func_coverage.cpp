#include "func_coverage.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace loom {

namespace {

constexpr CoreError kAllErrors[] = {
    CoreError::kOk,         CoreError::kIllegalOpcode, CoreError::kReserved,   CoreError::kIllegalField,
    CoreError::kSbufRange,  CoreError::kPsumRange,     CoreError::kDramWindow, CoreError::kAxiSlvErr,
    CoreError::kAxiDecErr,  CoreError::kSemTimeout,    CoreError::kSemOverflow, CoreError::kProgramOverrun};

const std::vector<std::string> kShape{"one", "even", "odd", "full"};

// The shape class of a size in [1, max]: the edges (1 and max) and the
// parity of the rest, which decides partial SBUF words and array columns.
std::string shape(uint32_t v, uint32_t max) {
  if (v == max) return "full";
  if (v == 1) return "one";
  return v % 2 ? "odd" : "even";
}

const char* engine_name(Engine e) {
  switch (e) {
    case Engine::kSeq: return "seq";
    case Engine::kPe: return "pe";
    case Engine::kAct: return "act";
    case Engine::kDma0: return "dma0";
    case Engine::kDma1: return "dma1";
  }
  return "?";
}

// The queue an instruction executes in (SYNC: the one it names).
Engine queue_of_instr(const Instr& ins) {
  if (const auto* s = std::get_if<Instr::Sync>(&ins.op)) return s->engine;
  if (const auto* d = std::get_if<Instr::Dma>(&ins.op)) return d->queue ? Engine::kDma1 : Engine::kDma0;
  if (std::holds_alternative<Instr::Pe>(ins.op)) return Engine::kPe;
  if (std::holds_alternative<Instr::Act>(ins.op)) return Engine::kAct;
  return Engine::kSeq;
}

}  // namespace

FuncCoverage::FuncCoverage() {
  declare("instr", {"nop", "end", "sync.seq", "sync.pe", "sync.act", "sync.dma0", "sync.dma1", "dma.load.q0",
                    "dma.load.q1", "dma.store.q0", "dma.store.q1", "ldw", "mm", "act.requant", "act.copy"});
  declare_cross("ldw.k_x_m", kShape, kShape);
  declare_cross("mm.f_x_acc", kShape, {"ovw", "acc"});
  declare("mm.psum", {"bank0", "bank_last", "off0", "to_last_entry"});
  declare("pe.mm_per_ldw", {"0", "1", "2+"});
  declare_cross("act.m_x_src", kShape, {"psum", "sbuf"});
  declare("act.f", kShape);
  declare("act.mode_x_src_x_bs", {"requant.psum.imm", "requant.psum.sbuf", "requant.sbuf.imm", "requant.sbuf.sbuf",
                                  "copy.psum", "copy.sbuf"});
  declare("act.flags", {"relu", "no_relu", "shift0", "shift_ge32", "int8_out", "int32_out", "part_offset"});
  declare("dma.shape", {"rows_one", "rows_full", "planes_gt1", "row_stride0", "plane_stride0", "contiguous",
                        "gapped", "crosses_4k", "unaligned_addr", "row_bytes_one", "row_bytes_ge256", "part_offset"});
  declare_cross("dma.dir_x_shape", {"load", "store"}, {"rows_full", "planes_gt1", "crosses_4k", "unaligned_addr"});
  declare("dram", {"read_lat_low", "read_lat_mid", "read_lat_high", "write_lat_low", "write_lat_high",
                   "backpressure_none", "backpressure_light", "backpressure_heavy"});
  declare_cross("dram.lat_x_bp", {"read_lat_low", "read_lat_high"}, {"none", "heavy"});
  declare("sem", {"wait_on_instr", "sync_chain", "sync_seq_wait", "end_wait", "signal_inc1", "signal_inc_gt1",
                  "wait_before_signal"});
  declare("sem.waits_per_instr", {"0", "1", "2", "3+"});
  declare_cross("sem.waits_x_engine", {"1", "2+"}, {"pe", "act", "dma0", "dma1"});
  std::vector<std::string> errs;
  for (CoreError e : kAllErrors) errs.push_back(core_error_name(e));
  declare("error", errs);
}

void FuncCoverage::declare(const std::string& group, const std::vector<std::string>& bins) {
  groups_.push_back({group, bins, std::vector<uint64_t>(bins.size(), 0)});
}

void FuncCoverage::declare_cross(const std::string& group, const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  std::vector<std::string> bins;
  for (const auto& x : a)
    for (const auto& y : b) bins.push_back(x + "/" + y);
  declare(group, bins);
}

uint64_t& FuncCoverage::slot(const std::string& group, const std::string& bin) {
  for (Group& g : groups_) {
    if (g.name != group) continue;
    for (size_t i = 0; i < g.bins.size(); ++i)
      if (g.bins[i] == bin) return g.counts[i];
  }
  throw std::out_of_range("functional coverage: no bin " + group + "." + bin);
}

void FuncCoverage::hit(const std::string& group, const std::string& bin) { ++slot(group, bin); }

uint64_t FuncCoverage::count(const std::string& group, const std::string& bin) const {
  return const_cast<FuncCoverage*>(this)->slot(group, bin);
}

void FuncCoverage::sample_program(const Config& cfg, const std::vector<Instr>& program) {
  const uint32_t P = cfg.partitions;
  // Total signalled per semaphore so far in program order: a wait for more
  // than that is satisfied only by an instruction further down.
  std::array<uint64_t, kMaxSemaphores> signalled{}, total{};
  for (const Instr& ins : program)
    if (ins.sem.has_signal()) total[ins.sem.sig_sem % kMaxSemaphores] += ins.sem.sig_inc;
  std::array<uint32_t, 5> pending_syncs{};  // waits on SYNCs ahead of the next instruction, per queue
  int mms_since_ldw = -1;  // -1: no LDW yet
  auto close_ldw = [&] {
    if (mms_since_ldw >= 0) hit("pe.mm_per_ldw", mms_since_ldw == 0 ? "0" : mms_since_ldw == 1 ? "1" : "2+");
  };
  for (const Instr& ins : program) {
    const Engine q = queue_of_instr(ins);
    if (ins.sem.has_wait()) {
      // Reached only by a later instruction (a never-reached wait is an error, not a pattern).
      const uint32_t w = ins.sem.wait_sem % kMaxSemaphores;
      if (ins.sem.wait_val > signalled[w] && ins.sem.wait_val <= total[w]) hit("sem", "wait_before_signal");
    }
    if (ins.sem.has_signal()) {
      hit("sem", ins.sem.sig_inc == 1 ? "signal_inc1" : "signal_inc_gt1");
      signalled[ins.sem.sig_sem % kMaxSemaphores] += ins.sem.sig_inc;
    }
    const bool work = std::holds_alternative<Instr::Dma>(ins.op) || std::holds_alternative<Instr::Pe>(ins.op) ||
                      std::holds_alternative<Instr::Act>(ins.op);
    if (work) {
      const uint32_t waits = pending_syncs[size_t(q)] + (ins.sem.has_wait() ? 1 : 0);
      pending_syncs[size_t(q)] = 0;
      hit("sem.waits_per_instr", waits >= 3 ? "3+" : std::to_string(waits));
      if (waits > 0) hit("sem.waits_x_engine", std::string(waits == 1 ? "1" : "2+") + "/" + engine_name(q));
      if (ins.sem.has_wait()) hit("sem", "wait_on_instr");
      if (waits >= 2) hit("sem", "sync_chain");
    }

    if (std::holds_alternative<Instr::Nop>(ins.op)) {
      hit("instr", "nop");
    } else if (std::holds_alternative<Instr::End>(ins.op)) {
      hit("instr", "end");
      if (ins.sem.has_wait()) hit("sem", "end_wait");
    } else if (const auto* s = std::get_if<Instr::Sync>(&ins.op)) {
      hit("instr", std::string("sync.") + engine_name(s->engine));
      if (s->engine == Engine::kSeq) {
        if (ins.sem.has_wait()) hit("sem", "sync_seq_wait");
      } else if (ins.sem.has_wait()) {
        ++pending_syncs[size_t(s->engine)];
      }
    } else if (const auto* d = std::get_if<Instr::Dma>(&ins.op)) {
      const DmaDesc& x = d->desc;
      const std::string dir = x.is_store() ? "store" : "load";
      hit("instr", fmt::format("dma.{}.q{}", dir, d->queue));
      std::vector<std::string> shapes;
      if (x.rows == 1) shapes.push_back("rows_one");
      if (x.rows == P) shapes.push_back("rows_full");
      if (x.planes > 1) shapes.push_back("planes_gt1");
      if (x.row_stride == 0 && x.rows > 1) shapes.push_back("row_stride0");
      if (x.plane_stride == 0 && x.planes > 1) shapes.push_back("plane_stride0");
      if (x.row_stride == x.row_bytes) shapes.push_back("contiguous");
      if (x.row_stride > x.row_bytes) shapes.push_back("gapped");
      bool crosses = false;
      for (uint32_t p = 0; p < x.planes && !crosses; ++p)
        for (uint32_t r = 0; r < x.rows && !crosses; ++r) {
          const uint64_t a = x.dram_addr + uint64_t(p) * x.plane_stride + uint64_t(r) * x.row_stride;
          crosses = a / 4096 != (a + x.row_bytes - 1) / 4096;
        }
      if (crosses) shapes.push_back("crosses_4k");
      if (x.dram_addr % cfg.axi_data_bytes) shapes.push_back("unaligned_addr");
      if (x.row_bytes == 1) shapes.push_back("row_bytes_one");
      if (x.row_bytes >= 256) shapes.push_back("row_bytes_ge256");
      if (x.sbuf_part > 0) shapes.push_back("part_offset");
      for (const std::string& s : shapes) {
        hit("dma.shape", s);
        if (s == "rows_full" || s == "planes_gt1" || s == "crosses_4k" || s == "unaligned_addr")
          hit("dma.dir_x_shape", dir + "/" + s);
      }
    } else if (const auto* pe = std::get_if<Instr::Pe>(&ins.op)) {
      const PeCmd& c = pe->cmd;
      if (c.op == PeOp::kLdw) {
        hit("instr", "ldw");
        hit("ldw.k_x_m", shape(c.rows, P) + "/" + shape(c.cols, P));
        close_ldw();
        mms_since_ldw = 0;
      } else {
        hit("instr", "mm");
        hit("mm.f_x_acc", shape(c.cols, cfg.psum_entries) + (c.acc ? "/acc" : "/ovw"));
        if (c.psum_bank == 0) hit("mm.psum", "bank0");
        if (c.psum_bank + 1 == cfg.psum_banks) hit("mm.psum", "bank_last");
        if (c.psum_off == 0) hit("mm.psum", "off0");
        if (c.psum_off + c.cols == cfg.psum_entries) hit("mm.psum", "to_last_entry");
        if (mms_since_ldw >= 0) ++mms_since_ldw;
      }
    } else if (const auto* a = std::get_if<Instr::Act>(&ins.op)) {
      const bool copy = a->mode == ActMode::kCopy;
      const std::string src = a->src_sbuf ? "sbuf" : "psum";
      hit("instr", copy ? "act.copy" : "act.requant");
      hit("act.m_x_src", shape(a->m, P) + "/" + src);
      hit("act.f", shape(a->f, cfg.psum_entries));
      hit("act.mode_x_src_x_bs", copy ? "copy." + src : "requant." + src + (a->bs_sbuf ? ".sbuf" : ".imm"));
      hit("act.flags", copy ? "int32_out" : "int8_out");
      if (!copy) {
        hit("act.flags", a->relu ? "relu" : "no_relu");
        if (a->shift == 0) hit("act.flags", "shift0");
        if (a->shift >= 32) hit("act.flags", "shift_ge32");
      }
      if (a->part > 0) hit("act.flags", "part_offset");
    }
  }
  close_ldw();
}

void FuncCoverage::sample_dram(const AxiMemConfig& dram) {
  const std::string rl = dram.read_latency <= 8 ? "read_lat_low" : dram.read_latency >= 40 ? "read_lat_high"
                                                                                            : "read_lat_mid";
  hit("dram", rl);
  if (dram.write_latency <= 4) hit("dram", "write_lat_low");
  if (dram.write_latency >= 15) hit("dram", "write_lat_high");
  const double ready = std::min({dram.ar_ready, dram.r_valid, dram.w_ready, dram.aw_ready, dram.b_valid});
  const std::string bp = ready >= 1.0 ? "none" : ready >= 0.75 ? "light" : ready < 0.65 ? "heavy" : "";
  if (!bp.empty()) hit("dram", "backpressure_" + bp);
  if (rl != "read_lat_mid" && (bp == "none" || bp == "heavy")) hit("dram.lat_x_bp", rl + "/" + bp);
}

void FuncCoverage::sample_end(CoreError code) { hit("error", core_error_name(code)); }

void FuncCoverage::merge(const FuncCoverage& o) {
  for (const Group& g : o.groups_)
    for (size_t i = 0; i < g.bins.size(); ++i) slot(g.name, g.bins[i]) += g.counts[i];
}

nlohmann::json FuncCoverage::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const Group& g : groups_) {
    nlohmann::json b = nlohmann::json::object();
    for (size_t i = 0; i < g.bins.size(); ++i) b[g.bins[i]] = g.counts[i];
    j[g.name] = b;
  }
  return j;
}

FuncCoverage FuncCoverage::from_json(const nlohmann::json& j) {
  FuncCoverage c;
  for (const auto& [group, bins] : j.items())
    for (const auto& [bin, n] : bins.items()) {
      try {
        c.slot(group, bin) += n.get<uint64_t>();
      } catch (const std::out_of_range&) {
        throw std::runtime_error("functional coverage: unknown bin " + group + "." + bin);
      }
    }
  return c;
}

size_t FuncCoverage::bins() const {
  size_t n = 0;
  for (const Group& g : groups_) n += g.bins.size();
  return n;
}

size_t FuncCoverage::bins_hit() const {
  size_t n = 0;
  for (const Group& g : groups_) n += size_t(std::count_if(g.counts.begin(), g.counts.end(), [](uint64_t c) { return c > 0; }));
  return n;
}

std::vector<std::string> FuncCoverage::unhit() const {
  std::vector<std::string> v;
  for (const Group& g : groups_)
    for (size_t i = 0; i < g.bins.size(); ++i)
      if (g.counts[i] == 0) v.push_back(g.name + "." + g.bins[i]);
  return v;
}

std::string FuncCoverage::report() const {
  std::string s = fmt::format("{:<22} {:>9}\n", "group", "hit/bins");
  for (const Group& g : groups_) {
    const size_t hit = size_t(std::count_if(g.counts.begin(), g.counts.end(), [](uint64_t c) { return c > 0; }));
    s += fmt::format("{:<22} {:>4}/{:<4}\n", g.name, hit, g.bins.size());
  }
  s += fmt::format("functional coverage: {} of {} bins hit ({:.1f} %)\n", bins_hit(), bins(), percent());
  const std::vector<std::string> u = unhit();
  s += fmt::format("bins not hit ({}):\n", u.size());
  for (const std::string& b : u) s += "  " + b + "\n";
  return s;
}

}  // namespace loom
