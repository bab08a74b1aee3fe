// GEMM program generator (docs/kernels.md).
#include "loom/kernels.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace loom {

namespace {

uint32_t round_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

// One step of the PE: one (output tile, K tile) pair.
struct Step {
  uint32_t u;           // output tile
  uint32_t mi, ki, ni;  // tile indices
  uint32_t m0, k0, n0, mt, kt, nt;
  bool last_k;
};

}  // namespace

GemmProgram gemm_program(const Config& cfg, const GemmParams& p) {
  if (p.m == 0 || p.k == 0 || p.n == 0)
    throw std::invalid_argument(
        fmt::format("gemm: M={} K={} N={}: every dimension must be >= 1", p.m, p.k, p.n));
  if (p.semaphores < 4 || p.semaphores > kMaxSemaphores)
    throw std::invalid_argument(
        fmt::format("gemm: needs 4 semaphores, the core has {}", p.semaphores));
  if (p.out_int8 && (p.scale < -32768 || p.scale > 32767 || p.shift > 63))
    throw std::invalid_argument(
        fmt::format("gemm: scale {} not int16 or shift {} > 63", p.scale, p.shift));

  if (uint64_t(p.n) * 4 > 0xffffffffull || p.m > 0xffffffffu / 4)
    throw std::invalid_argument(
        fmt::format("gemm: M={} or N={} too large for the DMA's 32-bit strides", p.m, p.n));
  if (p.prefetch < 2 || p.prefetch > kGemmMaxPrefetch)
    throw std::invalid_argument(
        fmt::format("gemm: prefetch {} not in 2..{}", p.prefetch, kGemmMaxPrefetch));
  const uint32_t P = cfg.partitions;
  const uint32_t D = p.prefetch;  // A (and reloaded B) buffers: step t uses t % D
  const uint32_t esize = p.out_int8 ? 1 : 4;
  const uint32_t wb = cfg.sbuf_word_bytes;  // buffers start on SBUF words

  GemmProgram g;
  g.tile_m = std::min(P, p.m);
  g.tile_k = std::min(P, p.k);
  g.tiles_m = (p.m + g.tile_m - 1) / g.tile_m;
  g.tiles_k = (p.k + g.tile_k - 1) / g.tile_k;
  const uint32_t a_bytes = round_up(g.tile_m, wb);
  // B resident: the tiles_k B tiles of one N tile column (a panel) stay in
  // SBUF for all M tiles, loaded with the first. Slot ki of panel ni + 1 is
  // loaded with step t (its first M tile), whose A load waits until MM
  // t - D is done; the slot's last reader (M tile tiles_m - 1 of panel ni)
  // is step t - tiles_k, so one panel needs tiles_k >= D. Otherwise two
  // panels alternate, and the last reader (panel ni - 1) is step
  // t - tiles_k (tiles_m + 1). Used when that is far enough and the panels
  // fit at the largest N tile (a bank's entries); otherwise both tiles are
  // loaded every step.
  const uint32_t tn_full = std::min(cfg.psum_entries, p.n);
  const uint32_t panels = g.tiles_k >= D ? 1 : 2;
  const uint64_t used_resident = uint64_t(D) * a_bytes +
                                 uint64_t(panels) * g.tiles_k * round_up(tn_full, wb) +
                                 2ull * round_up(esize * tn_full, wb);
  g.b_resident = p.reuse_b && (panels == 1 || uint64_t(g.tiles_k) * (g.tiles_m + 1) >= D) &&
                 used_resident <= cfg.sbuf_bytes;
  // N tile: a PSUM bank's entries, fewer if the buffers do not fit.
  uint32_t tn = tn_full;
  auto used = [&](uint32_t t) {
    return D * (a_bytes + round_up(t, wb)) + 2 * round_up(esize * t, wb);
  };
  if (!g.b_resident) {
    while (tn > 0 && used(tn) > cfg.sbuf_bytes) --tn;
    if (tn == 0)
      throw std::invalid_argument(
          fmt::format("gemm: SBUF of {} bytes too small for the buffers", cfg.sbuf_bytes));
  }
  g.tile_n = tn;
  g.tiles_n = (p.n + g.tile_n - 1) / g.tile_n;
  g.psum_banks = cfg.psum_banks;
  const uint32_t b_bytes = round_up(tn, wb), c_bytes = round_up(esize * tn, wb);
  g.buffers = D;
  for (uint32_t i = 0; i < D; ++i) g.sbuf_a[i] = i * a_bytes;
  if (g.b_resident) {
    g.panels = panels;
    g.sbuf_b[0] = D * a_bytes;
    g.sbuf_b[1] = D * a_bytes + (panels - 1) * g.tiles_k * b_bytes;
    g.sbuf_c[0] = D * a_bytes + panels * g.tiles_k * b_bytes;
    g.sbuf_used = uint32_t(used_resident);
  } else {
    for (uint32_t i = 0; i < D; ++i) g.sbuf_b[i] = D * a_bytes + i * b_bytes;
    g.sbuf_c[0] = D * (a_bytes + b_bytes);
    g.sbuf_used = used(tn);
  }
  g.sbuf_c[1] = g.sbuf_c[0] + c_bytes;
  g.macs = uint64_t(p.m) * p.k * p.n;

  // Steps: output tiles N-major (ni outer, mi inner), K innermost.
  std::vector<Step> steps;
  uint32_t u = 0;
  for (uint32_t ni = 0; ni < g.tiles_n; ++ni)
    for (uint32_t mi = 0; mi < g.tiles_m; ++mi, ++u)
      for (uint32_t ki = 0; ki < g.tiles_k; ++ki) {
        Step s;
        s.u = u;
        s.mi = mi;
        s.ki = ki;
        s.ni = ni;
        s.m0 = mi * g.tile_m;
        s.k0 = ki * g.tile_k;
        s.n0 = ni * g.tile_n;
        s.mt = std::min(g.tile_m, p.m - s.m0);
        s.kt = std::min(g.tile_k, p.k - s.k0);
        s.nt = std::min(g.tile_n, p.n - s.n0);
        s.last_k = ki + 1 == g.tiles_k;
        steps.push_back(s);
      }
  const uint64_t T = steps.size(), U = u;
  // Load signals: every A tile; the B tile of every step, or, resident,
  // only of the first M tile's steps.
  auto loads_b = [&](const Step& s) { return !g.b_resident || s.mi == 0; };
  std::vector<uint64_t> after_a(T), after_b(T);
  uint64_t loads = 0;
  for (uint64_t t = 0; t < T; ++t) {
    after_a[t] = ++loads;
    if (loads_b(steps[t])) ++loads;
    after_b[t] = loads;
  }
  if (loads > kSemMax)
    throw std::invalid_argument(fmt::format(
        "gemm: {} operand loads exceed the 16-bit semaphore ({}); split the GEMM", loads, kSemMax));
  g.operand_loads = loads;
  g.final_sems.assign(p.semaphores, 0);
  g.final_sems[kGemmSemLoad] = uint32_t(loads);
  g.final_sems[kGemmSemMm] = uint32_t(T);
  g.final_sems[kGemmSemAct] = uint32_t(U);
  g.final_sems[kGemmSemStore] = uint32_t(U);

  std::vector<Instr>& prog = g.program;
  const uint32_t NB = g.psum_banks;
  // Where step t's B tile is in SBUF.
  auto b_addr = [&](uint64_t t) {
    const Step& s = steps[t];
    return g.b_resident ? g.sbuf_b[s.ni % g.panels] + s.ki * b_bytes : g.sbuf_b[t % D];
  };

  // Loads of step t (DMA queue 0), A then B; each signals s_load. A goes to
  // buffer t % D, last read by step t - D, whose MM (the PE's last read of
  // both buffers, and of a resident B slot being replaced) must have
  // completed.
  auto emit_loads = [&](uint64_t t) {
    const Step& s = steps[t];
    DmaDesc a;
    if (p.a_transposed) {  // A^T [K x M]: row k0 + r -> partition r
      a.dram_addr = p.a_addr + uint64_t(s.k0) * p.m + s.m0;
      a.row_stride = p.m;
      a.rows = s.kt;
      a.row_bytes = s.mt;
    } else {  // A [M x K]: plane j = row m0 + j of A, one byte per partition
      a.dram_addr = p.a_addr + uint64_t(s.m0) * p.k + s.k0;
      a.planes = s.mt;
      a.plane_stride = p.k;
      a.rows = s.kt;
      a.row_stride = 1;
      a.row_bytes = 1;
    }
    a.sbuf_part = 0;
    a.sbuf_addr = g.sbuf_a[t % D];
    Instr ia = Instr::dma(0, a);
    if (t >= D) ia.wait(kGemmSemMm, uint32_t(t - D + 1));
    prog.push_back(ia.signal(kGemmSemLoad));
    if (!loads_b(s)) return;

    DmaDesc b;  // B [K x N]: row k0 + r, columns n0.. -> partition r
    b.dram_addr = p.b_addr + uint64_t(s.k0) * p.n + s.n0;
    b.row_stride = p.n;
    b.rows = s.kt;
    b.row_bytes = s.nt;
    b.sbuf_part = 0;
    b.sbuf_addr = b_addr(t);
    prog.push_back(Instr::dma(0, b).signal(kGemmSemLoad));
  };

  for (uint64_t t = 0; t + 1 < D && t < T; ++t) emit_loads(t);
  for (uint64_t t = 0; t < T; ++t) {
    const Step& s = steps[t];
    if (t + D - 1 < T) emit_loads(t + D - 1);  // prefetch D - 1 steps ahead
    const uint32_t bank = s.u % NB;
    prog.push_back(Instr::pe(PeCmd::ldw(g.sbuf_a[t % D], s.kt, s.mt))
                       .wait(kGemmSemLoad, uint32_t(after_a[t])));
    // First MM of an output tile overwrites its bank: the ACT of the tile
    // that last used the bank (u - NB) must have read it.
    if (s.ki == 0 && s.u >= NB)
      prog.push_back(Instr::sync(Engine::kPe).wait(kGemmSemAct, s.u - NB + 1));
    // The MM waits for its B tile when this step loaded it; a resident B
    // tile was loaded before this step's A tile, which the LDW waited for
    // (queue 0 completes in order).
    Instr mm = Instr::pe(PeCmd::mm(b_addr(t), s.nt, bank, 0, s.ki > 0));
    if (loads_b(s)) mm.wait(kGemmSemLoad, uint32_t(after_b[t]));
    prog.push_back(mm.signal(kGemmSemMm));
    if (!s.last_k) continue;

    // The tile is complete in PSUM: ACT into staging buffer u % 2, which the
    // store of tile u - 2 must have read.
    if (s.u >= 2) prog.push_back(Instr::sync(Engine::kAct).wait(kGemmSemStore, s.u - 1));
    Instr::Act act;
    act.mode = p.out_int8 ? ActMode::kRequant : ActMode::kCopy;
    act.psum_bank = bank;
    act.psum_off = 0;
    act.part = 0;
    act.m = s.mt;
    act.f = s.nt;
    act.dst_addr = g.sbuf_c[s.u % 2];
    if (p.out_int8) {
      act.bias = p.bias;
      act.scale = p.scale;
      act.shift = p.shift;
      act.relu = p.relu;
    }
    prog.push_back(Instr::act(act).wait(kGemmSemMm, uint32_t(t + 1)).signal(kGemmSemAct));

    DmaDesc c;  // partition m -> row m0 + m of C, columns n0..
    c.dram_addr = p.c_addr + (uint64_t(s.m0) * p.n + s.n0) * esize;
    c.row_stride = p.n * esize;
    c.rows = s.mt;
    c.row_bytes = s.nt * esize;
    c.sbuf_part = 0;
    c.sbuf_addr = g.sbuf_c[s.u % 2];
    c.dir = 1;
    prog.push_back(Instr::dma(1, c).wait(kGemmSemAct, s.u + 1).signal(kGemmSemStore));
  }
  prog.push_back(Instr::end().wait(kGemmSemStore, uint32_t(U)));

  // Every instruction must be legal for the configuration.
  for (size_t i = 0; i < prog.size(); ++i) {
    const InstrCheck chk = validate(cfg, prog[i], p.semaphores);
    if (!chk.ok())
      throw std::logic_error(
          fmt::format("gemm: generated instruction {} illegal: {}", i, chk.message));
  }
  return g;
}

std::vector<uint8_t> pack_bias_scale(const std::vector<int32_t>& bias,
                                     const std::vector<int16_t>& scale) {
  if (bias.size() != scale.size())
    throw std::invalid_argument(
        fmt::format("pack_bias_scale: {} biases but {} scales", bias.size(), scale.size()));
  std::vector<uint8_t> out(8 * bias.size(), 0);
  for (size_t c = 0; c < bias.size(); ++c) {
    for (int b = 0; b < 4; ++b) out[8 * c + b] = uint8_t(uint32_t(bias[c]) >> (8 * b));
    out[8 * c + 4] = uint8_t(uint16_t(scale[c]));
    out[8 * c + 5] = uint8_t(uint16_t(scale[c]) >> 8);
  }
  return out;
}

}  // namespace loom
