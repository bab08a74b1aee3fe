#include "bench_workload.h"

#include <fmt/format.h>

#include <random>

#include "loom/isa.h"
#include "loom/reference.h"

namespace loom::bench {
namespace {

constexpr uint64_t kBase = 0x80000000;
constexpr uint64_t kPage = 4096;

// DRAM regions one after the other, each on its own 4 KiB page.
class Layout {
 public:
  uint64_t place(uint64_t bytes) {
    const uint64_t at = next_;
    next_ += (std::max<uint64_t>(bytes, 1) + kPage - 1) / kPage * kPage;
    return at;
  }
  uint64_t end() const { return next_; }

 private:
  uint64_t next_ = kBase;
};

std::vector<int8_t> draw(std::mt19937_64& rng, uint64_t count) {
  std::vector<int8_t> v(count);
  for (auto& x : v) x = int8_t(rng() >> 56);
  return v;
}

std::vector<uint8_t> bytes_of(const std::vector<int8_t>& v) { return {v.begin(), v.end()}; }

// The program after the data; the window covers both.
void finish(Workload& w, Layout& lay, const std::vector<Instr>& program) {
  w.program = encode_program(program);
  w.prog_base = lay.place(w.program.size());
  w.dram_base = kBase;
  w.dram_limit = lay.end();
}

}  // namespace

AxiMemConfig ifetch_of(const AxiMemConfig& dram) {
  AxiMemConfig m = dram;
  m.seed = dram.seed + 1;  // its own stalls
  return m;
}

WorkloadMemories::WorkloadMemories(const Workload& w, const AxiMemConfig& dram_cfg)
    : dram(dram_cfg), ifetch(ifetch_of(dram_cfg)) {
  for (const auto& [addr, bytes] : w.dram_init) dram.write(addr, bytes);
  dram.write(w.prog_base, w.program);
  ifetch.write(w.prog_base, w.program);
}

CoreModelRun model_run(const Workload& w, const AxiMem& dram, const AxiMem& ifetch) {
  CoreModelRun run;
  run.prog_base = w.prog_base;
  run.prog_len = uint32_t(w.program.size() / 32);
  run.watchdog = 1u << 20;  // CoreRunRequest's default, as the RTL runs get
  run.dram_base = w.dram_base;
  run.dram_limit = w.dram_limit;
  run.dram = &dram;
  run.ifetch = &ifetch;
  run.dump_base = w.out_addr;
  run.dump_bytes = w.out_bytes;
  return run;
}

std::vector<int32_t> as_i32(const std::vector<uint8_t>& b) {
  std::vector<int32_t> v(b.size() / 4);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = int32_t(uint32_t(b[4 * i]) | uint32_t(b[4 * i + 1]) << 8 | uint32_t(b[4 * i + 2]) << 16 |
                   uint32_t(b[4 * i + 3]) << 24);
  return v;
}

Workload gemm_workload(const Config& cfg, uint32_t m, uint32_t k, uint32_t n, uint64_t seed) {
  Workload w;
  w.kind = "gemm";
  w.shape = fmt::format("{}x{}x{}", m, k, n);
  w.layout = "tiled A";
  std::mt19937_64 rng(seed);
  const std::vector<int8_t> a = draw(rng, uint64_t(m) * k), b = draw(rng, uint64_t(k) * n);
  const std::vector<uint8_t> a_tiled = pack_gemm_a(cfg, m, k, a);
  Layout lay;
  GemmParams& p = w.gemm;
  p.m = m;
  p.k = k;
  p.n = n;
  p.a_tiled = true;
  p.a_addr = lay.place(a_tiled.size());
  p.b_addr = lay.place(b.size());
  p.c_addr = lay.place(gemm_c_bytes(p));
  w.gemm_tiling = gemm_program(cfg, p);
  w.macs = w.gemm_tiling.macs;
  w.dram_init = {{p.a_addr, a_tiled}, {p.b_addr, bytes_of(b)}};
  w.out_addr = p.c_addr;
  w.out_bytes = gemm_c_bytes(p);
  w.expected = reference_matmul(a, b, m, k, n);
  finish(w, lay, w.gemm_tiling.program);
  return w;
}

Workload conv2d_workload(const Config& cfg, const ConvShape& s, uint64_t seed) {
  Workload w;
  w.kind = "conv2d";
  w.shape = fmt::format("{}x{}x{}->{} {}x{} pad {}", s.h, s.w, s.c, s.co, s.k, s.k, s.pad);
  w.layout = "channel-major";
  RefConv2d r;
  r.h = s.h;
  r.w = s.w;
  r.c = s.c;
  r.co = s.co;
  r.kh = r.kw = s.k;
  r.pad_top = r.pad_bottom = r.pad_left = r.pad_right = s.pad;
  std::mt19937_64 rng(seed);
  const std::vector<int8_t> in = draw(rng, uint64_t(s.h) * s.w * s.c);
  const std::vector<int8_t> wt = draw(rng, uint64_t(s.k) * s.k * s.c * s.co);

  Conv2dParams p;
  p.h = s.h;
  p.w = s.w;
  p.c = s.c;
  p.kh = p.kw = s.k;
  p.co = s.co;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = s.pad;
  p.channel_major = true;  // [C][N][H][W] in, [CO][N][HO][WO] out: contiguous DMA rows
  const uint64_t pixels = uint64_t(p.out_h()) * p.out_w();
  const uint64_t out_bytes = uint64_t(p.out_h()) * p.out_w() * s.co * 4;
  Layout lay;
  p.in_addr = lay.place(in.size());
  p.w_addr = lay.place(wt.size());
  p.zero_addr = lay.place(conv2d_zero_bytes(cfg));  // DRAM reads as zero where not written
  p.out_addr = lay.place(out_bytes);
  const Conv2dProgram g = conv2d_program(cfg, p);
  w.macs = g.macs;
  w.dram_init = {{p.in_addr, bytes_of(transpose(in, uint64_t(s.h) * s.w, s.c))}, {p.w_addr, bytes_of(wt)}};
  w.out_addr = p.out_addr;
  w.out_bytes = out_bytes;
  w.expected = transpose(reference_conv2d(in, wt, r), pixels, s.co);
  finish(w, lay, g.program);
  return w;
}

Workload mlp_workload(const Config& cfg, const MlpShape& s, uint64_t seed) {
  Workload w;
  w.kind = "mlp";
  w.shape = fmt::format("{}x{}-{}-{}", s.b, s.d0, s.d1, s.d2);
  w.layout = "feature-major";
  std::mt19937_64 rng(seed);
  const std::vector<int8_t> x = draw(rng, uint64_t(s.b) * s.d0);
  const std::vector<int8_t> w1 = draw(rng, uint64_t(s.d0) * s.d1);
  const std::vector<int8_t> w2 = draw(rng, uint64_t(s.d1) * s.d2);
  MlpParams p;  // hidden: ReLU, bias 0, scale 1, shift 0
  p.feature_major = true;  // X^T [D0 x B] in, Y^T [D2 x B] out: contiguous DMA rows
  p.b = s.b;
  p.d0 = s.d0;
  p.d1 = s.d1;
  p.d2 = s.d2;
  const uint64_t out_bytes = uint64_t(s.b) * s.d2 * 4;
  Layout lay;
  p.x_addr = lay.place(x.size());
  p.w1_addr = lay.place(w1.size());
  p.w2_addr = lay.place(w2.size());
  p.y_addr = lay.place(out_bytes);
  const MlpProgram g = mlp_program(cfg, p);
  w.macs = g.macs;
  w.dram_init = {{p.x_addr, bytes_of(transpose(x, s.b, s.d0))}, {p.w1_addr, bytes_of(w1)}, {p.w2_addr, bytes_of(w2)}};
  w.out_addr = p.y_addr;
  w.out_bytes = out_bytes;
  w.expected = transpose(reference_mlp(x, w1, w2, s.b, s.d0, s.d1, s.d2, std::vector<int32_t>(s.d1, 0),
                                       std::vector<int32_t>(s.d1, 1), 0, true),
                         s.b, s.d2);
  finish(w, lay, g.program);
  return w;
}

}  // namespace loom::bench
