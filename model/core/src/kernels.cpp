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

// Steps: output tiles N-major (ni outer, mi inner), K innermost.
std::vector<Step> make_steps(const GemmProgram& g, const GemmParams& p) {
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
  return steps;
}

// The tile is complete in PSUM after step t: ACT into staging buffer u % 2,
// which the store of tile u - 2 must have read, then the store (queue 1).
void emit_output(std::vector<Instr>& prog, const GemmParams& p, const GemmProgram& g,
                 const Step& s, uint64_t t, uint32_t bank) {
  const uint32_t esize = p.out_int8 ? 1 : 4;
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

// Every instruction must be legal for the configuration.
void check_program(const Config& cfg, const std::vector<Instr>& prog, uint32_t sems) {
  for (size_t i = 0; i < prog.size(); ++i) {
    const InstrCheck chk = validate(cfg, prog[i], sems);
    if (!chk.ok())
      throw std::logic_error(
          fmt::format("gemm: generated instruction {} illegal: {}", i, chk.message));
  }
}

GemmProgram gemm_program_tiled(const Config& cfg, const GemmParams& p);

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
  if (p.a_tiled) return gemm_program_tiled(cfg, p);
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

  const std::vector<Step> steps = make_steps(g, p);
  const uint64_t T = steps.size(), U = uint64_t(g.tiles_m) * g.tiles_n;
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

    emit_output(prog, p, g, s, t, bank);
  }
  prog.push_back(Instr::end().wait(kGemmSemStore, uint32_t(U)));

  check_program(cfg, prog, p.semaphores);
  return g;
}

namespace {

// GEMM with A pre-tiled (docs/kernels.md "Tiled A"). The steps, PSUM banks,
// ACT and stores are those of gemm_program(); what differs is how the
// operands arrive:
// - A in chunks: one descriptor loads kc K tiles of an M tile (one
//   contiguous row of kc Mt bytes per partition) into A buffer c % D; the
//   LDW of step t reads its K tile's Mt bytes inside the chunk. Chunk c is
//   issued with the first step of chunk c - D + 1, after the MM of the last
//   step of chunk c - D (the last reader of its buffer).
// - B resident: a panel slot (N tile ni, K tile ki) is reloaded for N tile
//   ni + panels right after the MM of its last reader (ni, last M tile, ki),
//   in groups of up to b_group slots per descriptor (planes), so the panel
//   switch overlaps the last M tile instead of waiting for a buffer. B
//   reloaded (it does not fit): B(t) in buffer t % D, issued D - 1 steps
//   ahead, as in gemm_program().
GemmProgram gemm_program_tiled(const Config& cfg, const GemmParams& p) {
  const uint32_t P = cfg.partitions;
  const uint32_t D = p.prefetch;
  const uint32_t esize = p.out_int8 ? 1 : 4;
  const uint32_t wb = cfg.sbuf_word_bytes;

  GemmProgram g;
  g.tile_m = std::min(P, p.m);
  g.tile_k = std::min(P, p.k);
  g.tiles_m = (p.m + g.tile_m - 1) / g.tile_m;
  g.tiles_k = (p.k + g.tile_k - 1) / g.tile_k;
  const uint32_t tn_full = std::min(cfg.psum_entries, p.n);
  const uint32_t tiles_n_full = (p.n + tn_full - 1) / tn_full;
  auto a_buf = [&](uint32_t kc) { return round_up(kc * g.tile_m, wb); };
  auto resident_bytes = [&](uint32_t panels, uint32_t kc, uint32_t t) {
    return uint64_t(D) * a_buf(kc) + uint64_t(panels) * g.tiles_k * round_up(t, wb) +
           2ull * round_up(esize * t, wb);
  };
  auto reload_bytes = [&](uint32_t kc, uint32_t t) {
    return uint64_t(D) * (a_buf(kc) + round_up(t, wb)) + 2ull * round_up(esize * t, wb);
  };
  // SBUF, the first that fits: whole-K chunks and two panels (no panel
  // switch waits); whole-K chunks and one panel, with the N tile lowered
  // (in whole words, then P: an MM of F >= P columns keeps the array busy)
  // until the panel fits; one panel with the largest chunk; else B
  // reloaded with the largest N tile, then the largest chunk, that fit.
  // Reloading B costs a descriptor (a DRAM round trip) per step, which a
  // narrower panel avoids.
  uint32_t kc = 0, tn = tn_full, panels = 0;
  if (p.reuse_b) {
    const uint32_t fits = cfg.sbuf_bytes;
    if (tiles_n_full > 1 && resident_bytes(2, g.tiles_k, tn_full) <= fits) {
      panels = 2;
      kc = g.tiles_k;
    }
    for (uint32_t t = tn_full; t >= std::min(P, tn_full) && kc == 0; --t)
      if ((t == tn_full || t % wb == 0 || t == P) && resident_bytes(1, g.tiles_k, t) <= fits) {
        panels = 1;
        kc = g.tiles_k;
        tn = t;
      }
    for (uint32_t c = g.tiles_k; c >= 1 && kc == 0; --c)
      if (resident_bytes(1, c, tn_full) <= fits) {
        panels = 1;
        kc = c;
      }
  }
  g.b_resident = panels > 0;
  if (!g.b_resident) {
    for (tn = tn_full; tn >= 1; --tn) {
      for (uint32_t c = g.tiles_k; c >= 1 && kc == 0; --c)
        if (reload_bytes(c, tn) <= cfg.sbuf_bytes) kc = c;
      if (kc != 0) break;
    }
    if (kc == 0)
      throw std::invalid_argument(
          fmt::format("gemm: SBUF of {} bytes too small for the buffers", cfg.sbuf_bytes));
  }
  g.tile_n = tn;
  g.tiles_n = (p.n + g.tile_n - 1) / g.tile_n;
  g.psum_banks = cfg.psum_banks;
  g.buffers = D;
  g.a_chunk = kc;
  const uint32_t a_bytes = a_buf(kc), b_bytes = round_up(tn, wb);
  const uint32_t c_bytes = round_up(esize * tn, wb);
  for (uint32_t i = 0; i < D; ++i) g.sbuf_a[i] = i * a_bytes;
  if (g.b_resident) {
    g.panels = panels;
    for (uint32_t i = 0; i < panels; ++i) g.sbuf_b[i] = D * a_bytes + i * g.tiles_k * b_bytes;
    g.sbuf_c[0] = D * a_bytes + panels * g.tiles_k * b_bytes;
    g.sbuf_used = uint32_t(resident_bytes(panels, kc, tn));
    // Slots of a group are the planes of one descriptor, which land
    // row_bytes apart: only when a slot is exactly Nt bytes (and never the
    // short last K tile, whose rows past K are not B's).
    g.b_group = b_bytes == tn ? std::max(1u, (g.tiles_k + 3) / 4) : 1;
  } else {
    for (uint32_t i = 0; i < D; ++i) g.sbuf_b[i] = D * a_bytes + i * b_bytes;
    g.sbuf_c[0] = D * (a_bytes + b_bytes);
    g.sbuf_used = uint32_t(reload_bytes(kc, tn));
  }
  g.sbuf_c[1] = g.sbuf_c[0] + c_bytes;
  g.macs = uint64_t(p.m) * p.k * p.n;

  const std::vector<Step> steps = make_steps(g, p);
  const uint64_t T = steps.size(), U = uint64_t(g.tiles_m) * g.tiles_n;
  const uint32_t NC = (g.tiles_k + kc - 1) / kc;  // chunks per output tile
  const uint64_t C = U * NC;
  auto chunk_of = [&](uint64_t t) { return steps[t].u * uint64_t(NC) + steps[t].ki / kc; };
  auto chunk_first = [&](uint64_t c) { return (c / NC) * g.tiles_k + (c % NC) * kc; };
  auto chunk_last = [&](uint64_t c) {
    return (c / NC) * g.tiles_k + std::min(g.tiles_k, uint32_t(c % NC + 1) * kc) - 1;
  };
  const uint64_t a_row = uint64_t(g.tiles_k) * g.tile_m;  // bytes of a partition's row in DRAM

  std::vector<Instr>& prog = g.program;
  uint64_t loads = 0;  // s0 after the last load emitted (queue 0 completes in order)
  std::vector<uint64_t> a_done(C, 0), b_done(T, 0);  // s0 once chunk c / step t's B is in
  // Resident: s0 once slot ki of N tile ni is in, indexed ni * tiles_k + ki.
  std::vector<uint64_t> slot_done(g.b_resident ? size_t(g.tiles_n) * g.tiles_k : 0, 0);

  auto emit_a = [&](uint64_t c) {
    const Step& s = steps[chunk_first(c)];
    const uint32_t nk = uint32_t(chunk_last(c) - chunk_first(c) + 1);
    DmaDesc a;  // partition r <- row (mi, r): K tiles ki .. ki + nk - 1
    a.dram_addr = p.a_addr + uint64_t(s.mi) * g.tile_k * a_row + uint64_t(s.ki) * g.tile_m;
    a.row_stride = uint32_t(a_row);
    a.rows = g.tile_k;
    a.row_bytes = nk * g.tile_m;
    a.sbuf_part = 0;
    a.sbuf_addr = g.sbuf_a[c % D];
    Instr ia = Instr::dma(0, a);
    if (c >= D) ia.wait(kGemmSemMm, uint32_t(chunk_last(c - D) + 1));
    prog.push_back(ia.signal(kGemmSemLoad));
    a_done[c] = ++loads;
  };
  // B rows k0.., columns n0.. of nk K tiles (planes) -> partition r, slot by slot.
  auto b_desc = [&](uint32_t ni, uint32_t ki, uint32_t nk, uint32_t sbuf) {
    const uint32_t n0 = ni * g.tile_n, k0 = ki * g.tile_k;
    DmaDesc b;
    b.dram_addr = p.b_addr + uint64_t(k0) * p.n + n0;
    b.row_stride = p.n;
    b.rows = std::min(g.tile_k, p.k - k0);
    b.row_bytes = std::min(g.tile_n, p.n - n0);
    b.planes = nk;
    b.plane_stride = nk > 1 ? g.tile_k * p.n : 0;
    b.sbuf_part = 0;
    b.sbuf_addr = sbuf;
    return b;
  };
  // Resident groups: slots ki .. group_end(ki) - 1, up to b_group K tiles of
  // Kt rows aligned to b_group (the short last K tile alone). The loads of
  // a group of N tile ni wait for MM `after` (-1: none), its last reader.
  auto group_end = [&](uint32_t ki) {
    const uint32_t full_k = p.k / g.tile_k;  // K tiles with Kt rows
    if (ki >= full_k) return ki + 1;
    return std::min(full_k, (ki / g.b_group + 1) * g.b_group);
  };
  auto emit_b_group = [&](uint32_t ni, uint32_t ki, int64_t after) {
    const uint32_t end = group_end(ki);
    const bool full_n = (ni + 1) * g.tile_n <= p.n;
    const uint32_t nk = full_n ? end - ki : 1;
    const uint32_t sbuf = g.sbuf_b[ni % g.panels] + ki * b_bytes;
    Instr ib = Instr::dma(0, b_desc(ni, ki, nk, sbuf));
    if (after >= 0) ib.wait(kGemmSemMm, uint32_t(after + 1));
    prog.push_back(ib.signal(kGemmSemLoad));
    ++loads;
    for (uint32_t j = 0; j < nk; ++j) slot_done[size_t(ni) * g.tiles_k + ki + j] = loads;
    return ki + nk;
  };
  // After the MM of slot ki: the group of N tile ni that ends at slot ki.
  auto emit_b_after = [&](uint32_t ni, uint32_t ki, int64_t after) {
    const bool full_n = (ni + 1) * g.tile_n <= p.n;
    const uint32_t first = full_n && ki < p.k / g.tile_k ? ki / g.b_group * g.b_group : ki;
    if (!full_n || group_end(first) == ki + 1) emit_b_group(ni, first, after);
  };
  auto emit_panel = [&](uint32_t ni) {
    for (uint32_t ki = 0; ki < g.tiles_k;) ki = emit_b_group(ni, ki, -1);
  };
  auto emit_b_step = [&](uint64_t t) {  // B reloaded: step t's tile -> buffer t % D
    const Step& s = steps[t];
    Instr ib = Instr::dma(0, b_desc(s.ni, s.ki, 1, g.sbuf_b[t % D]));
    if (t >= D) ib.wait(kGemmSemMm, uint32_t(t - D + 1));
    prog.push_back(ib.signal(kGemmSemLoad));
    b_done[t] = ++loads;
  };

  // Start: chunk 0, its B (the first panel, or the first steps' tiles),
  // then the other chunks D - 1 ahead.
  emit_a(0);
  if (g.b_resident) {
    emit_panel(0);
  } else {
    for (uint64_t t = 0; t + 1 < D && t < T; ++t) emit_b_step(t);
  }
  for (uint64_t c = 1; c + 1 < D && c < C; ++c) emit_a(c);

  const uint32_t NB = g.psum_banks;
  for (uint64_t t = 0; t < T; ++t) {
    const Step& s = steps[t];
    const uint64_t c = chunk_of(t);
    if (t == chunk_first(c) && c + D - 1 < C) emit_a(c + D - 1);  // D - 1 chunks ahead
    if (!g.b_resident && t + D - 1 < T) emit_b_step(t + D - 1);
    const uint32_t bank = s.u % NB;
    const uint32_t ldw_addr = g.sbuf_a[c % D] + (s.ki - steps[chunk_first(c)].ki) * g.tile_m;
    prog.push_back(
        Instr::pe(PeCmd::ldw(ldw_addr, s.kt, s.mt)).wait(kGemmSemLoad, uint32_t(a_done[c])));
    if (s.ki == 0 && s.u >= NB)
      prog.push_back(Instr::sync(Engine::kPe).wait(kGemmSemAct, s.u - NB + 1));
    // The MM waits for its B tile unless it came before the chunk the LDW
    // waited for (queue 0 completes in order).
    const uint64_t b_in =
        g.b_resident ? slot_done[size_t(s.ni) * g.tiles_k + s.ki] : b_done[t];
    const uint32_t b_sbuf =
        g.b_resident ? g.sbuf_b[s.ni % g.panels] + s.ki * b_bytes : g.sbuf_b[t % D];
    Instr mm = Instr::pe(PeCmd::mm(b_sbuf, s.nt, bank, 0, s.ki > 0));
    if (b_in > a_done[c]) mm.wait(kGemmSemLoad, uint32_t(b_in));
    prog.push_back(mm.signal(kGemmSemMm));
    // Resident: this MM is the last reader of its slot for N tile ni; the
    // slot's group for N tile ni + panels follows its last slot's MM. The
    // second panel's first load (a free slot, no wait) follows the first M
    // tile's MMs, so that it does not delay the first A chunks.
    if (g.b_resident && s.mi + 1 == g.tiles_m && s.ni + g.panels < g.tiles_n)
      emit_b_after(s.ni + g.panels, s.ki, int64_t(t));
    if (g.b_resident && s.mi == 0 && s.ni + 1 < g.panels && s.ni + 1 < g.tiles_n)
      emit_b_after(s.ni + 1, s.ki, -1);
    if (s.last_k) emit_output(prog, p, g, s, t, bank);
  }
  prog.push_back(Instr::end().wait(kGemmSemStore, uint32_t(U)));

  if (loads > kSemMax)
    throw std::invalid_argument(fmt::format(
        "gemm: {} operand loads exceed the 16-bit semaphore ({}); split the GEMM", loads, kSemMax));
  g.operand_loads = loads;
  g.final_sems.assign(p.semaphores, 0);
  g.final_sems[kGemmSemLoad] = uint32_t(loads);
  g.final_sems[kGemmSemMm] = uint32_t(T);
  g.final_sems[kGemmSemAct] = uint32_t(U);
  g.final_sems[kGemmSemStore] = uint32_t(U);
  check_program(cfg, prog, p.semaphores);
  return g;
}

}  // namespace

uint64_t gemm_a_tiled_bytes(const Config& cfg, uint32_t m, uint32_t k) {
  const uint32_t mt = std::min(cfg.partitions, m), kt = std::min(cfg.partitions, k);
  if (m == 0 || k == 0) return 0;
  return uint64_t((m + mt - 1) / mt) * kt * ((k + kt - 1) / kt) * mt;
}

std::vector<uint8_t> pack_gemm_a(const Config& cfg, uint32_t m, uint32_t k,
                                 const std::vector<int8_t>& a) {
  if (m == 0 || k == 0 || a.size() != uint64_t(m) * k)
    throw std::invalid_argument(fmt::format(
        "pack_gemm_a: {} elements for A of {} x {} (M, K >= 1)", a.size(), m, k));
  const uint32_t mt = std::min(cfg.partitions, m), kt = std::min(cfg.partitions, k);
  const uint64_t tk = (k + kt - 1) / kt;
  std::vector<uint8_t> out(gemm_a_tiled_bytes(cfg, m, k), 0);
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = 0; j < k; ++j) {
      const uint64_t mi = i / mt, ki = j / kt, r = j % kt;
      out[((mi * kt + r) * tk + ki) * mt + i % mt] = uint8_t(a[uint64_t(i) * k + j]);
    }
  return out;
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
