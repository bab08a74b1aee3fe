// Two-layer MLP program generator (docs/kernels.md "MLP"): weights
// stationary, activations moving with the batch as the free dimension, so
// layer 1 leaves H^T (D1 on the partitions) in SBUF exactly where layer 2
// reads its moving operand.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "kernel_pipeline.h"
#include "loom/kernels.h"

namespace loom {

using detail::ceil_div;
using detail::round_up;

MlpProgram mlp_program(const Config& cfg, const MlpParams& p) {
  const std::string what = "mlp";
  if (!p.b || !p.d0 || !p.d1 || !p.d2)
    throw std::invalid_argument(
        fmt::format("mlp: B={} D0={} D1={} D2={}: every size must be >= 1", p.b, p.d0, p.d1, p.d2));
  detail::check_requant(p.hidden, "mlp hidden");
  if (p.out_int8) detail::check_requant(p.out, "mlp out");
  const bool rec1 = p.hidden.per_channel, rec2 = p.out_int8 && p.out.per_channel;
  detail::check_semaphores(p.semaphores, rec1 || rec2, what);
  const uint32_t es = p.out_int8 ? 1 : 4;
  if (uint64_t(p.d2) * es > 0xffffffffull)
    throw std::invalid_argument("mlp: D2 too large for the DMA's 32-bit strides");
  if (p.feature_major && uint64_t(p.b) * es > 0xffffffffull)
    throw std::invalid_argument("mlp: B too large for the DMA's 32-bit strides");

  MlpProgram g;
  g.x_addr = p.x_addr;
  g.x_bytes = uint64_t(p.b) * p.d0;
  g.w1_addr = p.w1_addr;
  g.w1_bytes = uint64_t(p.d0) * p.d1;
  g.w2_addr = p.w2_addr;
  g.w2_bytes = uint64_t(p.d1) * p.d2;
  g.bs1_addr = p.bs1_addr;
  g.bs1_bytes = rec1 ? 8ull * p.d1 : 0;
  g.bs2_addr = p.bs2_addr;
  g.bs2_bytes = rec2 ? 8ull * p.d2 : 0;
  g.y_addr = p.y_addr;
  g.y_elem_bytes = es;
  g.y_bytes = uint64_t(p.b) * p.d2 * es;
  g.macs = uint64_t(p.b) * p.d1 * (uint64_t(p.d0) + p.d2);

  const uint32_t P = cfg.partitions, wb = cfg.sbuf_word_bytes;
  KernelTiling& l1 = g.layer1;
  KernelTiling& l2 = g.layer2;
  l1.tile_k = std::min(P, p.d0);
  l1.tile_m = std::min(P, p.d1);
  l2.tile_k = l1.tile_m;
  l2.tile_m = std::min(P, p.d2);
  l1.tiles_k = ceil_div(p.d0, l1.tile_k);
  l1.tiles_m = ceil_div(p.d1, l1.tile_m);
  l2.tiles_k = l1.tiles_m;
  l2.tiles_m = ceil_div(p.d2, l2.tile_m);
  l1.psum_banks = l2.psum_banks = cfg.psum_banks;

  // SBUF: W0 W1 (both layers' stationary tiles), X0 X1 (layer-1 moving),
  // C0 C1 (output staging), H (D1 tiles of the batch chunk), records.
  const uint32_t wbytes = round_up(std::max(l1.tile_m, l2.tile_m), wb);
  const uint32_t bs1 = rec1 ? round_up(8 * l1.tiles_m, wb) : 0;
  const uint32_t bs2 = rec2 ? round_up(8 * l2.tiles_m, wb) : 0;
  auto used = [&](uint64_t f) {
    return 2 * (uint64_t(wbytes) + round_up(uint32_t(f), wb) + round_up(uint32_t(es * f), wb)) +
           uint64_t(l1.tiles_m) * round_up(uint32_t(f), wb) + bs1 + bs2;
  };
  uint32_t tf = std::min(cfg.psum_entries, p.b);
  while (tf > 0 && used(tf) > cfg.sbuf_bytes) --tf;
  if (tf == 0)
    throw std::invalid_argument(fmt::format(
        "mlp: SBUF of {} bytes per partition too small for the buffers and H ({} bytes at one "
        "batch row per tile; D1 = {} needs {} H tiles)",
        cfg.sbuf_bytes, used(1), p.d1, l1.tiles_m));
  const uint32_t xbytes = round_up(tf, wb), cbytes = round_up(es * tf, wb);
  for (KernelTiling* l : {&l1, &l2}) {
    l->tile_f = tf;
    l->tiles_f = ceil_div(p.b, tf);
    l->sbuf_w[0] = 0;
    l->sbuf_w[1] = wbytes;
    l->sbuf_x[0] = 2 * wbytes;
    l->sbuf_x[1] = 2 * wbytes + xbytes;
    l->sbuf_c[0] = 2 * (wbytes + xbytes);
    l->sbuf_c[1] = 2 * (wbytes + xbytes) + cbytes;
    l->sbuf_used = uint32_t(used(tf));
  }
  g.sbuf_h = 2 * (wbytes + xbytes + cbytes);
  l1.sbuf_bs = g.sbuf_h + l1.tiles_m * xbytes;
  l2.sbuf_bs = l1.sbuf_bs + bs1;
  g.sbuf_used = uint32_t(used(tf));
  // Feature-major: layer 1's D1 tiles in groups of G (up to the PSUM banks)
  // whose output tiles run interleaved and share each X^T load (as conv2d's
  // channel-major groups, docs/kernels.md "Channel-major layout"); their W1
  // tiles go to slots of their own (slot i G + v at l1.sbuf_w[0] +
  // (i G + v) Mt, K tile i of D1 tile v of the group) after the other
  // buffers, as the loads are issued a group-step ahead; one descriptor
  // loads the G tiles of K tile i (contiguous in a row of W1). G >= 2 (no
  // sharing otherwise) and TK >= 2 (a slot's previous reader is then far
  // enough back).
  uint32_t G = 0;
  if (p.feature_major && l1.tiles_k >= 2)
    for (uint32_t gs = std::min(cfg.psum_banks, l1.tiles_m); gs >= 2 && G == 0; --gs) {
      const uint64_t slots = uint64_t(gs) * l1.tiles_k * l1.tile_m;
      if (g.sbuf_used + slots <= cfg.sbuf_bytes) G = gs;
    }
  if (G) {
    const uint32_t slots = G * l1.tiles_k * l1.tile_m;
    l1.m_group = G;
    l1.w_slots = G * l1.tiles_k;
    l1.sbuf_w[0] = l1.sbuf_w[1] = round_up(g.sbuf_used, wb);
    g.sbuf_used = l1.sbuf_w[0] + slots;
    l1.sbuf_used = l2.sbuf_used = g.sbuf_used;
  }

  const uint64_t steps_total =
      uint64_t(l1.tiles_f) * l1.tiles_m * (uint64_t(l1.tiles_k) + l2.tiles_m);
  if (2 * steps_total > kSemMax)
    throw std::invalid_argument(
        fmt::format("mlp: {} operand loads exceed the 16-bit semaphore ({}); split the batch",
                    2 * steps_total, kSemMax));

  std::vector<detail::PipeTile> tiles;
  uint64_t t = 0;       // step index: buffers t % 2
  uint32_t stores = 0;  // C buffer stores % 2
  uint64_t xl = 0;      // X loads: buffer xl % 2 with groups
  std::optional<uint64_t> last_x;  // the step of the last X load (groups)
  for (uint32_t fi = 0; fi < l1.tiles_f; ++fi) {
    const uint32_t b0 = fi * tf, bt = std::min(tf, p.b - b0);
    // Layer 1: H^T[d1][b] = requant(sum_d0 W1[d0][d1] X[b][d0]) into H tile j.
    // Step (j, i) of H tile j, K tile i: W1 into w_sbuf; X into x_sbuf if load_x.
    // load_w: the W1 tiles of D1 tiles j .. j + load_w - 1 (0: none).
    auto l1_step = [&](uint32_t j, uint32_t i, uint32_t w_sbuf, uint32_t load_w, uint32_t x_sbuf,
                       bool load_x) {
      const uint32_t m0 = j * l1.tile_m, mt = std::min(l1.tile_m, p.d1 - m0);
      const uint32_t k0 = i * l1.tile_k, kt = std::min(l1.tile_k, p.d0 - k0);
      detail::PipeStep s;
      if (load_w) {
        DmaDesc w;  // W1[k0 + r][m0 ..] -> partition r
        w.dram_addr = p.w1_addr + uint64_t(k0) * p.d1 + m0;
        w.row_stride = p.d1;
        w.rows = kt;
        w.row_bytes = std::min(load_w * l1.tile_m, p.d1 - m0);
        w.sbuf_addr = w_sbuf;
        s.w_loads.push_back(w);
      }
      if (load_x) {
        DmaDesc x;              // partition r = feature k0 + r of batch rows b0 ..
        if (p.feature_major) {  // X^T row k0 + r: bt contiguous bytes
          x.dram_addr = p.x_addr + uint64_t(k0) * p.b + b0;
          x.rows = kt;
          x.row_stride = p.b;
          x.row_bytes = bt;
        } else {  // X: plane j = batch row b0 + j, one byte
          x.dram_addr = p.x_addr + uint64_t(b0) * p.d0 + k0;
          x.planes = bt;
          x.plane_stride = p.d0;
          x.rows = kt;
          x.row_stride = 1;
          x.row_bytes = 1;
        }
        x.sbuf_addr = x_sbuf;
        s.x_loads.push_back(x);
      }
      s.w_sbuf = w_sbuf;
      s.k = kt;
      s.m = mt;
      s.x_sbuf = x_sbuf;
      s.f = bt;
      return s;
    };
    // One H buffer is enough: the ACT of H tile j overwrites it only after
    // its own last MM, which the PE runs after every layer-2 MM of the
    // previous batch tile (one in-order queue), the last readers of H.
    auto h_act = [&](detail::PipeTile& tile, uint32_t j) {
      tile.act = detail::make_act(true, p.hidden, l1.sbuf_bs + 8 * j);
      tile.act.dst_addr = g.sbuf_h + j * xbytes;
    };
    if (G == 0) {
      for (uint32_t j = 0; j < l1.tiles_m; ++j) {
        detail::PipeTile tile;
        for (uint32_t i = 0; i < l1.tiles_k; ++i, ++t)
          tile.steps.push_back(l1_step(j, i, l1.sbuf_w[t % 2], 1, l1.sbuf_x[t % 2], true));
        h_act(tile, j);
        tiles.push_back(std::move(tile));
      }
    } else {
      // Step (i, v) of a group: K tile i of H tile j0 + v; X load xl (step
      // (i, 0)) into buffer xl % 2, whose last readers are the steps of load
      // xl - 2, all before the previous X load's step: issued from there.
      for (uint32_t j0 = 0; j0 < l1.tiles_m; j0 += G) {
        const uint32_t gn = std::min(G, l1.tiles_m - j0);
        std::vector<detail::PipeTile> run(gn);
        for (uint32_t i = 0; i < l1.tiles_k; ++i, ++xl) {
          const uint64_t first = t;
          for (uint32_t v = 0; v < gn; ++v, ++t) {
            const uint32_t slot = l1.sbuf_w[0] + (i * G + v) * l1.tile_m;
            detail::PipeStep s =
                l1_step(j0 + v, i, slot, v == 0 ? gn : 0, l1.sbuf_x[xl % 2], v == 0);
            if (v == 0) {
              s.lead = last_x ? uint32_t(std::min<uint64_t>(t - *last_x, 0xffffffffu)) : 1;
            } else {
              s.w_from = first;
              s.x_from = first;
            }
            run[v].steps.push_back(std::move(s));
          }
          last_x = first;
        }
        for (uint32_t v = 0; v < gn; ++v) {
          h_act(run[v], j0 + v);
          run[v].interleave = v > 0;
          tiles.push_back(std::move(run[v]));
        }
      }
    }
    const uint32_t h_ready = uint32_t(tiles.size());  // ACTs up to this chunk's last H tile
    // Layer 2: Y^T[d2][b] = sum_d1 W2[d1][d2] H^T[d1][b], H read in place.
    for (uint32_t l = 0; l < l2.tiles_m; ++l) {
      const uint32_t m0 = l * l2.tile_m, mt = std::min(l2.tile_m, p.d2 - m0);
      detail::PipeTile tile;
      for (uint32_t j = 0; j < l2.tiles_k; ++j, ++t) {
        const uint32_t k0 = j * l2.tile_k, kt = std::min(l2.tile_k, p.d1 - k0);
        detail::PipeStep s;
        DmaDesc w;  // W2[k0 + r][m0 ..] -> partition r
        w.dram_addr = p.w2_addr + uint64_t(k0) * p.d2 + m0;
        w.row_stride = p.d2;
        w.rows = kt;
        w.row_bytes = mt;
        w.sbuf_addr = l2.sbuf_w[t % 2];
        s.w_loads.push_back(w);
        s.w_sbuf = l2.sbuf_w[t % 2];
        s.k = kt;
        s.m = mt;
        s.x_sbuf = g.sbuf_h + j * xbytes;
        s.f = bt;
        if (l == 0 && j == 0) s.after_act = h_ready;
        tile.steps.push_back(std::move(s));
      }
      tile.act = detail::make_act(p.out_int8, p.out, l2.sbuf_bs + 8 * l);
      tile.act.dst_addr = l2.sbuf_c[stores % 2];
      DmaDesc o;              // partition r = Y column m0 + r
      if (p.feature_major) {  // Y^T row m0 + r: bt contiguous elements
        o.dram_addr = p.y_addr + (uint64_t(m0) * p.b + b0) * es;
        o.rows = mt;
        o.row_stride = p.b * es;
        o.row_bytes = bt * es;
      } else {  // plane j = batch row b0 + j
        o.dram_addr = p.y_addr + (uint64_t(b0) * p.d2 + m0) * es;
        o.rows = mt;
        o.row_stride = es;
        o.row_bytes = es;
        o.planes = bt;
        o.plane_stride = p.d2 * es;
      }
      o.sbuf_addr = l2.sbuf_c[stores % 2];
      tile.store = o;
      tiles.push_back(std::move(tile));
      ++stores;
    }
  }

  std::vector<DmaDesc> params;
  auto add_records = [&](bool on, uint64_t dram, uint32_t count, uint32_t tile, uint32_t sbuf) {
    if (!on) return;
    for (uint32_t i = 0; i * tile < count; ++i) {
      DmaDesc d;
      d.dram_addr = dram + 8ull * i * tile;
      d.rows = std::min(tile, count - i * tile);
      d.row_stride = 8;
      d.row_bytes = 8;
      d.sbuf_addr = sbuf + 8 * i;
      params.push_back(d);
    }
  };
  add_records(rec1, p.bs1_addr, p.d1, l1.tile_m, l1.sbuf_bs);
  add_records(rec2, p.bs2_addr, p.d2, l2.tile_m, l2.sbuf_bs);
  const detail::PipeCounts n = detail::emit_pipeline(cfg, tiles, params, g.program, what);
  l1.steps = uint64_t(l1.tiles_f) * l1.tiles_m * l1.tiles_k;
  l2.steps = n.steps - l1.steps;
  l1.out_tiles = uint64_t(l1.tiles_f) * l1.tiles_m;
  l2.out_tiles = n.tiles - l1.out_tiles;
  g.final_sems = detail::pipeline_final_sems(n, params.size(), p.semaphores);
  detail::check_program(cfg, g.program, p.semaphores, what);
  return g;
}

}  // namespace loom
