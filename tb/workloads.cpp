#include "workloads.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>

#include "loom/reference.h"
#include "producer.h"

namespace loom {

StimBuilder::StimBuilder(const Config& cfg)
    : cfg_(cfg),
      image_(cfg.partitions, std::vector<uint8_t>(cfg.sbuf_bytes, 0)),
      written_(cfg.partitions, std::vector<bool>(cfg.sbuf_bytes, false)) {}

StimBuilder& StimBuilder::matrix(uint32_t part0, uint32_t addr, uint32_t rows, uint32_t cols,
                                 const std::vector<int8_t>& data) {
  if (part0 + rows > cfg_.partitions || addr + cols > cfg_.sbuf_bytes ||
      data.size() != size_t(rows) * cols) {
    throw std::invalid_argument(fmt::format(
        "matrix {}x{} at partition {} byte {} does not fit SBUF ({} x {} B) or has {} elements",
        rows, cols, part0, addr, cfg_.partitions, cfg_.sbuf_bytes, data.size()));
  }
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) {
      image_[part0 + r][addr + c] = uint8_t(data[size_t(r) * cols + c]);
      written_[part0 + r][addr + c] = true;
    }
  }
  return *this;
}

StimBuilder& StimBuilder::ldw(uint32_t addr, uint32_t k, uint32_t m, uint32_t gap) {
  cmds_.push_back({PeCmd::ldw(addr, k, m), gap});
  return *this;
}

StimBuilder& StimBuilder::mm(uint32_t addr, uint32_t f, uint32_t bank, uint32_t off, bool acc,
                             uint32_t gap) {
  cmds_.push_back({PeCmd::mm(addr, f, bank, off, acc), gap});
  return *this;
}

StimBuilder& StimBuilder::after_dma(size_t desc) {
  if (cmds_.empty()) throw std::logic_error("after_dma: no command yet");
  cmds_.back().after_dma = int32_t(desc);
  return *this;
}

StimBuilder& StimBuilder::dram(uint64_t addr, const std::vector<uint8_t>& bytes) {
  if (addr < dram_.window_base || addr + bytes.size() > dram_.window_limit)
    throw std::invalid_argument(fmt::format("dram: {} bytes at {:#x} outside the window [{:#x}, {:#x})",
                                            bytes.size(), addr, dram_.window_base, dram_.window_limit));
  const size_t off = size_t(addr - dram_.window_base);
  if (dram_.init.size() < off + bytes.size()) dram_.init.resize(off + bytes.size(), 0);
  std::copy(bytes.begin(), bytes.end(), dram_.init.begin() + off);
  return *this;
}

StimBuilder& StimBuilder::dram_window(uint64_t base, uint64_t limit) {
  if (base >= limit || dram_.init.size() > limit - base)
    throw std::invalid_argument(fmt::format("dram_window [{:#x}, {:#x}): empty or smaller than the {} "
                                            "initial bytes", base, limit, dram_.init.size()));
  dram_.window_base = base;
  dram_.window_limit = limit;
  return *this;
}

StimBuilder& StimBuilder::dram_setup(const AxiMemConfig& mem) {
  dram_.mem = mem;
  return *this;
}

StimBuilder& StimBuilder::dma(const DmaDesc& d, uint32_t queue, uint32_t gap, int32_t after_cmd) {
  dmas_.push_back({d, queue, gap, after_cmd});
  return *this;
}

DmaDesc dma_load(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows,
                 uint32_t row_bytes, uint32_t stride) {
  DmaDesc d;
  d.dram_addr = dram;
  d.row_stride = stride ? stride : row_bytes;
  d.plane_stride = 0;
  d.planes = 1;
  d.row_bytes = row_bytes;
  d.rows = rows;
  d.sbuf_part = part;
  d.sbuf_addr = sbuf_addr;
  d.dir = 0;
  return d;
}

DmaDesc dma_store(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows,
                  uint32_t row_bytes, uint32_t stride) {
  DmaDesc d = dma_load(dram, part, sbuf_addr, rows, row_bytes, stride);
  d.dir = 1;
  return d;
}

Stimulus StimBuilder::build() const {
  Stimulus s;
  const uint32_t w = cfg_.sbuf_word_bytes;
  for (uint32_t p = 0; p < cfg_.partitions; ++p) {
    for (uint32_t a = 0; a < cfg_.sbuf_bytes; a += w) {
      SbufWrite wr;
      wr.part = p;
      wr.addr = a;
      wr.data.assign(image_[p].begin() + a, image_[p].begin() + a + w);
      for (uint32_t i = 0; i < w; ++i) {
        if (written_[p][a + i]) wr.strb |= uint64_t(1) << i;
      }
      if (wr.strb != 0) s.preload.push_back(std::move(wr));
    }
  }
  s.cmds = cmds_;
  s.dmas = dmas_;
  s.dram = dram_;
  s.dram.mem.data_bytes = cfg_.axi_data_bytes;
  return s;
}

GemmProblem random_gemm(uint32_t m, uint32_t k, uint32_t n, uint64_t seed) {
  GemmProblem g{m, k, n, {}, {}};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> d(-128, 127);
  g.a.resize(size_t(m) * k);
  g.b.resize(size_t(k) * n);
  for (auto& x : g.a) x = int8_t(d(rng));
  for (auto& x : g.b) x = int8_t(d(rng));
  return g;
}

std::vector<int32_t> reference_gemm(const GemmProblem& g) {
  return reference_matmul(g.a, g.b, g.m, g.k, g.n);
}

namespace {
uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }
}  // namespace

GemmProgram build_gemm(const Config& cfg, const GemmProblem& g) {
  const uint32_t P = cfg.partitions;
  const uint32_t kt_n = ceil_div(g.k, P), mt_n = ceil_div(g.m, P);
  const uint32_t ft = cfg.psum_entries, nt_n = ceil_div(g.n, ft);
  // SBUF layout per partition p: for each K tile kt, row kt*P + p of B (N
  // bytes), then for each (kt, mt) the A^T tile row: A[mt*P + m][kt*P + p].
  const uint32_t b_base = 0;
  const uint32_t a_base = b_base + kt_n * g.n;
  const uint32_t bytes = a_base + kt_n * mt_n * P;
  if (bytes > cfg.sbuf_bytes) {
    throw std::invalid_argument(fmt::format(
        "GEMM {}x{}x{} needs {} SBUF bytes per partition, configuration {} has {}", g.m, g.k,
        g.n, bytes, cfg.name, cfg.sbuf_bytes));
  }
  StimBuilder sb(cfg);
  for (uint32_t kt = 0; kt < kt_n; ++kt) {
    const uint32_t k0 = kt * P, kr = std::min(P, g.k - k0);
    std::vector<int8_t> brows(g.b.begin() + size_t(k0) * g.n, g.b.begin() + size_t(k0 + kr) * g.n);
    sb.matrix(0, b_base + kt * g.n, kr, g.n, brows);
    for (uint32_t mt = 0; mt < mt_n; ++mt) {
      const uint32_t m0 = mt * P, mr = std::min(P, g.m - m0);
      std::vector<int8_t> at(size_t(kr) * mr);
      for (uint32_t k = 0; k < kr; ++k) {
        for (uint32_t m = 0; m < mr; ++m) at[size_t(k) * mr + m] = g.a[size_t(m0 + m) * g.k + k0 + k];
      }
      sb.matrix(0, a_base + (kt * mt_n + mt) * P, kr, mr, at);
    }
  }
  GemmProgram prog;
  prog.m = g.m;
  prog.n = g.n;
  size_t cmd = 0;
  uint32_t tile = 0;
  for (uint32_t mt = 0; mt < mt_n; ++mt) {
    const uint32_t m0 = mt * P, mr = std::min(P, g.m - m0);
    for (uint32_t nt = 0; nt < nt_n; ++nt, ++tile) {
      const uint32_t n0 = nt * ft, nr = std::min(ft, g.n - n0);
      const uint32_t bank = tile % cfg.psum_banks;
      for (uint32_t kt = 0; kt < kt_n; ++kt) {
        const uint32_t kr = std::min(P, g.k - kt * P);
        sb.ldw(a_base + (kt * mt_n + mt) * P, kr, mr);
        sb.mm(b_base + kt * g.n + n0, nr, bank, 0, kt > 0);
        cmd += 2;
      }
      prog.tiles.push_back({cmd - 1, m0, n0, mr, nr, bank});
    }
  }
  prog.stim = sb.build();
  return prog;
}

std::vector<int32_t> gemm_result(const Config& cfg, const GemmProgram& prog,
                                 const Prediction& pred, const std::vector<Txn>& psum_writes) {
  std::map<size_t, const GemmProgram::OutTile*> tile_of_last_mm;
  for (const auto& t : prog.tiles) tile_of_last_mm[t.last_mm] = &t;
  std::vector<int32_t> c(size_t(prog.m) * prog.n, 0);
  for (const Txn& w : psum_writes) {
    const auto cmd = producing_command(cfg, prog.stim, pred, w);
    const auto it = cmd ? tile_of_last_mm.find(*cmd) : tile_of_last_mm.end();
    if (it == tile_of_last_mm.end()) continue;  // an earlier MM of the group
    const GemmProgram::OutTile& t = *it->second;
    c[size_t(t.m0 + w.part) * prog.n + t.n0 + w.addr] = int32_t(uint32_t(w.data));
  }
  return c;
}

}  // namespace loom
