#include "dma_workloads.h"

#include <algorithm>
#include <random>

#include "workloads.h"

namespace loom {
namespace {

constexpr uint64_t kBase = 0x10000;
constexpr uint64_t kWindow = 0x10000;
constexpr uint32_t kPeBytes = 64;     // SBUF [0, 64): tensor-engine operands, never loaded
constexpr uint32_t kStoreSrc = 256;   // SBUF [0, 256): preloaded, what stores read

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t below(uint64_t n) { return n ? g_() % n : 0; }
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g_) < p; }
  template <class T>
  T pick(std::initializer_list<T> v) { return *(v.begin() + below(v.size())); }

 private:
  std::mt19937_64 g_;
};

// DRAM bytes spanned by a descriptor from dram_addr.
uint64_t extent(const DmaDesc& d) {
  return uint64_t(d.planes - 1) * d.plane_stride + uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
}

// A legal descriptor: SBUF [lo, hi) of some partitions, inside the window.
DmaDesc random_desc(const Config& cfg, Rng& r, bool store, uint32_t lo, uint32_t hi) {
  for (;;) {
    DmaDesc d;
    d.dir = store ? 1 : 0;
    d.sbuf_part = uint32_t(r.below(cfg.partitions));
    d.rows = uint32_t(r.range(1, cfg.partitions - d.sbuf_part));
    d.sbuf_addr = uint32_t(r.range(lo, hi - 1));
    d.planes = r.chance(0.25) ? uint32_t(r.range(2, 3)) : 1;
    const uint32_t room = (hi - d.sbuf_addr) / d.planes;
    if (room == 0) continue;
    d.row_bytes = uint32_t(r.range(1, std::min<uint32_t>(room, r.chance(0.2) ? 2048 : 300)));
    d.row_stride = r.pick<uint32_t>({d.row_bytes, d.row_bytes + uint32_t(r.range(1, 100)), 0x1000,
                                     d.row_bytes + uint32_t(r.range(0, 8)) * cfg.axi_data_bytes});
    d.plane_stride = d.planes > 1 ? d.rows * d.row_stride + uint32_t(r.range(0, 64)) : 0;
    const uint64_t span = extent(d);
    if (span > kWindow) continue;
    d.dram_addr = kBase + r.below(kWindow - span + 1);
    return d;
  }
}

}  // namespace

Stimulus random_dma_stimulus(const Config& cfg, uint64_t seed, const RandomDmaOptions& opt) {
  Rng r(seed);
  StimBuilder sb(cfg);
  std::vector<uint8_t> dram(kWindow);
  for (auto& b : dram) b = uint8_t(r.below(256));
  sb.dram(kBase, dram);

  AxiMemConfig mem;
  mem.read_latency = uint32_t(r.range(1, 150));
  mem.write_latency = uint32_t(r.range(1, 40));
  mem.seed = seed ^ 0x5eed;
  if (opt.backpressure) {
    auto p = [&] { return r.pick<double>({1.0, 0.9, 0.6, 0.3}); };
    mem.ar_ready = p();
    mem.aw_ready = p();
    mem.w_ready = p();
    mem.r_valid = p();
    mem.b_valid = p();
  }
  // A third of the stimuli exercise errors; the rest run every descriptor.
  const bool errors = opt.errors && r.chance(0.35);
  if (errors && r.chance(0.6)) {
    const uint64_t a = kBase + r.below(kWindow - 256);
    mem.errors.push_back({a, a + r.range(1, 256), uint8_t(r.range(2, 3)), r.chance(0.7), r.chance(0.7)});
  }
  sb.dram_setup(mem);

  // SBUF [0, kStoreSrc) of every partition is preloaded; the tensor engine
  // reads [0, kPeBytes), which loads never write.
  const uint32_t src = std::min(kStoreSrc, cfg.sbuf_bytes);
  std::vector<int8_t> pre(size_t(cfg.partitions) * src);
  for (auto& b : pre) b = int8_t(r.below(256));
  sb.matrix(0, 0, cfg.partitions, src, pre);

  const uint32_t ncmd = opt.matmuls ? uint32_t(r.range(1, 4)) : 0;
  if (ncmd) sb.ldw(0, cfg.partitions, cfg.partitions, uint32_t(r.below(20)));
  for (uint32_t i = 1; i < ncmd; ++i) {
    const uint32_t f = uint32_t(r.range(1, std::min<uint32_t>(kPeBytes - 16, cfg.psum_entries)));
    sb.mm(16, f, uint32_t(r.below(cfg.psum_banks)), 0, false, uint32_t(r.below(30)));
  }

  for (uint32_t j = 0; j < opt.descriptors; ++j) {
    const bool store = r.chance(0.5);
    DmaDesc d = store ? random_desc(cfg, r, true, 0, src)
                      : random_desc(cfg, r, false, kPeBytes, cfg.sbuf_bytes);
    if (errors) {
      const uint64_t k = r.below(100);
      if (k < 4) d.dram_addr = kBase + kWindow - extent(d) / 2 - 1;  // beyond the window: code 2
      else if (k < 7) d.rows = cfg.partitions - d.sbuf_part + 1;  // past the last partition: code 3
      else if (k < 9) d.reserved = 1;                             // reserved bit: code 1
    }
    const int32_t after = ncmd && r.chance(0.2) ? int32_t(r.below(ncmd)) : -1;
    sb.dma(d, uint32_t(r.below(2)), uint32_t(r.below(r.chance(0.5) ? 4 : 60)), after);
  }
  return sb.build();
}

}  // namespace loom
