// conv2d program generator (docs/kernels.md "conv2d"): NHWC or
// channel-major input, weights [KH][KW][C][CO] stationary (C on the
// partitions, CO the array columns), output pixels as the moving free
// dimension, zero padding loaded from a DRAM zero region.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "kernel_pipeline.h"
#include "loom/kernels.h"

namespace loom {

using detail::ceil_div;
using detail::round_up;

uint32_t Conv2dParams::out_h() const {
  const uint64_t ph = uint64_t(h) + pad_top + pad_bottom;
  if (stride_h == 0 || ph < kh) return 0;
  return uint32_t((ph - kh) / stride_h + 1);
}

uint32_t Conv2dParams::out_w() const {
  const uint64_t pw = uint64_t(w) + pad_left + pad_right;
  if (stride_w == 0 || pw < kw) return 0;
  return uint32_t((pw - kw) / stride_w + 1);
}

namespace {

// A piece of one moving tile: `len` bytes per partition at byte `off` of the
// tile, either zeros or gathered from the input starting at `src`.
struct Segment {
  uint32_t off, len;
  bool zero;
  uint64_t src;  // DRAM address of the first pixel's channel c0
};

}  // namespace

Conv2dProgram conv2d_program(const Config& cfg, const Conv2dParams& p) {
  const std::string what = "conv2d";
  if (!p.n || !p.h || !p.w || !p.c || !p.kh || !p.kw || !p.co)
    throw std::invalid_argument(
        fmt::format("conv2d: N={} H={} W={} C={} KH={} KW={} CO={}: every size must be >= 1", p.n,
                    p.h, p.w, p.c, p.kh, p.kw, p.co));
  if (!p.stride_h || !p.stride_w)
    throw std::invalid_argument(
        fmt::format("conv2d: stride {}x{}: strides must be >= 1", p.stride_h, p.stride_w));
  if (uint64_t(p.h) + p.pad_top + p.pad_bottom < p.kh ||
      uint64_t(p.w) + p.pad_left + p.pad_right < p.kw)
    throw std::invalid_argument(fmt::format(
        "conv2d: kernel {}x{} larger than the padded input {}x{}", p.kh, p.kw,
        uint64_t(p.h) + p.pad_top + p.pad_bottom, uint64_t(p.w) + p.pad_left + p.pad_right));
  const bool records = p.out_int8 && p.quant.per_channel;
  if (p.out_int8) detail::check_requant(p.quant, what);
  detail::check_semaphores(p.semaphores, records, what);
  const uint32_t es = p.out_int8 ? 1 : 4;
  if (uint64_t(p.co) * es > 0xffffffffull || uint64_t(p.c) * p.stride_w > 0xffffffffull)
    throw std::invalid_argument("conv2d: C or CO too large for the DMA's 32-bit strides");
  // Channel-major: a channel's pixels are one row of N H W (N HO WO) bytes.
  if (p.channel_major && (uint64_t(p.n) * p.h * p.w > 0xffffffffull ||
                          uint64_t(p.n) * p.out_h() * p.out_w() * es > 0xffffffffull))
    throw std::invalid_argument("conv2d: N H W too large for the DMA's 32-bit strides");

  Conv2dProgram g;
  g.out_h = p.out_h();
  g.out_w = p.out_w();
  const uint64_t HO = g.out_h, WO = g.out_w, NP = uint64_t(p.n) * HO * WO;
  g.in_addr = p.in_addr;
  g.in_bytes = uint64_t(p.n) * p.h * p.w * p.c;
  g.w_addr = p.w_addr;
  g.w_bytes = uint64_t(p.kh) * p.kw * p.c * p.co;
  g.bs_addr = p.bs_addr;
  g.bs_bytes = records ? 8ull * p.co : 0;
  g.zero_addr = p.zero_addr;
  g.out_addr = p.out_addr;
  g.out_elem_bytes = es;
  g.out_bytes = NP * p.co * es;
  g.macs = NP * p.co * p.kh * p.kw * p.c;

  // Tiling: K = C tile, M = CO tile, F = output pixels.
  const uint32_t P = cfg.partitions, wb = cfg.sbuf_word_bytes;
  KernelTiling& tl = g.tiling;
  tl.tile_k = std::min(P, p.c);
  tl.tile_m = std::min(P, p.co);
  tl.tiles_k = ceil_div(p.c, tl.tile_k);
  tl.tiles_m = ceil_div(p.co, tl.tile_m);
  tl.psum_banks = cfg.psum_banks;
  const uint32_t wbytes = round_up(tl.tile_m, wb);
  const uint32_t bsbytes = records ? round_up(8 * tl.tiles_m, wb) : 0;
  auto used = [&](uint64_t f) {
    return 2 * (uint64_t(wbytes) + round_up(uint32_t(f), wb) + round_up(uint32_t(es * f), wb)) +
           bsbytes;
  };
  uint32_t tf = uint32_t(std::min<uint64_t>(cfg.psum_entries, NP));
  while (tf > 0 && used(tf) > cfg.sbuf_bytes) --tf;
  if (tf == 0)
    throw std::invalid_argument(fmt::format(
        "conv2d: SBUF of {} bytes per partition too small for the buffers ({} bytes at one "
        "pixel per tile)",
        cfg.sbuf_bytes, used(1)));
  // Channel-major: whole output rows per tile when a row fits and the
  // pixels take several tiles. A row split between two tiles costs a run
  // (a descriptor) in each of them, which costs more than the pixels lost.
  if (p.channel_major && WO < tf && tf < NP) tf = uint32_t(tf / WO * WO);
  tl.tile_f = tf;
  tl.tiles_f = ceil_div(NP, tf);
  const uint32_t xbytes = round_up(tf, wb), cbytes = round_up(es * tf, wb);
  // Channel-major: M tiles in groups of G (up to the PSUM banks). The S
  // stationary tiles of each M tile of a group stay in SBUF, one slot of
  // Mt bytes each, loaded by the group's first pixel tile and reused by the
  // others; the G output tiles of a pixel tile run interleaved step by
  // step, one PSUM bank each, so one moving load serves G MMs. The DMA runs
  // one descriptor at a time, so this cuts its work per MM by about G
  // (docs/kernels.md "Channel-major layout"). G: the largest that fits.
  const uint64_t S = uint64_t(p.kh) * p.kw * tl.tiles_k;  // steps per output tile
  auto used_group = [&](uint32_t gs) {
    const uint64_t slots = gs * S * tl.tile_m;
    return slots > cfg.sbuf_bytes
               ? UINT64_MAX
               : round_up(uint32_t(slots), wb) + 2 * (uint64_t(xbytes) + cbytes) + bsbytes;
  };
  uint32_t G = 0;  // 0: stationary tiles reloaded every step, no groups
  if (p.channel_major && S >= 2)
    for (uint32_t gs = std::min(cfg.psum_banks, tl.tiles_m); gs >= 1 && G == 0; --gs)
      if (used_group(gs) <= cfg.sbuf_bytes) G = gs;
  const uint32_t warea = G ? round_up(uint32_t(G * S * tl.tile_m), wb) : 2 * wbytes;
  tl.w_slots = uint32_t(G * S);
  tl.m_group = G;
  tl.sbuf_w[0] = 0;
  tl.sbuf_w[1] = G ? 0 : wbytes;
  tl.sbuf_x[0] = warea;
  tl.sbuf_x[1] = warea + xbytes;
  tl.sbuf_c[0] = warea + 2 * xbytes;
  tl.sbuf_c[1] = warea + 2 * xbytes + cbytes;
  tl.sbuf_bs = warea + 2 * (xbytes + cbytes);
  tl.sbuf_used = uint32_t(G ? used_group(G) : used(tf));

  const uint64_t steps_total = uint64_t(tl.tiles_f) * tl.tiles_m * p.kh * p.kw * tl.tiles_k;
  if (2 * steps_total > kSemMax)
    throw std::invalid_argument(fmt::format(
        "conv2d: {} operand loads exceed the 16-bit semaphore ({}); split the convolution",
        2 * steps_total, kSemMax));

  // The segments of the moving tile of tap (kh, kw) for pixels
  // [q0, q0 + ft): one run per output row, split at the padding; adjacent
  // zero runs merged.
  const int64_t sh = p.stride_h, sw = p.stride_w;
  const uint64_t chan_bytes = uint64_t(p.n) * p.h * p.w;  // channel-major row stride
  auto in_at = [&](uint64_t img, uint64_t yi, uint64_t xi, uint32_t c0) {
    return p.channel_major ? p.in_addr + ((uint64_t(c0) * p.n + img) * p.h + yi) * p.w + xi
                           : p.in_addr + ((img * p.h + yi) * p.w + xi) * p.c + c0;
  };
  auto segments = [&](uint64_t q0, uint32_t ft, uint32_t kh, uint32_t kw, uint32_t c0) {
    std::vector<Segment> segs;
    auto add = [&](uint32_t off, uint32_t len, bool zero, uint64_t src) {
      if (len == 0) return;
      if (zero && !segs.empty() && segs.back().zero && segs.back().off + segs.back().len == off)
        segs.back().len += len;
      else
        segs.push_back({off, len, zero, src});
    };
    // Output columns wo whose input column wo*sw + kw - pad_left is inside [0, W).
    const int64_t dx = int64_t(kw) - p.pad_left;
    const int64_t lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
    const int64_t hi = int64_t(p.w) - 1 - dx < 0 ? -1 : (int64_t(p.w) - 1 - dx) / sw;
    for (uint64_t q = q0; q < q0 + ft;) {
      const uint64_t img = q / (HO * WO), rem = q % (HO * WO), ho = rem / WO, wo0 = rem % WO;
      const uint32_t run = uint32_t(std::min<uint64_t>(WO - wo0, q0 + ft - q));
      const uint32_t off = uint32_t(q - q0);
      const int64_t yi = int64_t(ho) * sh + kh - p.pad_top;
      const int64_t a = std::max<int64_t>(int64_t(wo0), lo);
      const int64_t b = std::min<int64_t>(int64_t(wo0) + run - 1, hi);
      if (yi < 0 || yi >= int64_t(p.h) || a > b) {
        add(off, run, true, 0);
      } else {
        add(off, uint32_t(a - int64_t(wo0)), true, 0);
        const uint64_t xi = uint64_t(a * sw + dx);
        add(off + uint32_t(a - int64_t(wo0)), uint32_t(b - a + 1), false,
            in_at(img, uint64_t(yi), xi, c0));
        add(off + uint32_t(b - int64_t(wo0) + 1), uint32_t(int64_t(wo0) + run - 1 - b), true, 0);
      }
      q += run;
    }
    return segs;
  };

  // Every partition reads the same zeros (row_stride 0).
  auto zeros = [&](uint32_t ct, uint32_t sbuf, uint32_t len) {
    DmaDesc x;
    x.rows = ct;
    x.sbuf_addr = sbuf;
    x.dram_addr = p.zero_addr;
    x.row_stride = 0;
    x.row_bytes = len;
    g.zero_bytes = std::max<uint64_t>(g.zero_bytes, len);
    return x;
  };
  // NHWC: a descriptor per segment; a pixel's channels are contiguous, so
  // plane j = pixel, row r = channel c0 + r, one byte.
  auto moving_nhwc = [&](const std::vector<Segment>& segs, uint32_t ct, uint32_t sbuf) {
    std::vector<DmaDesc> d;
    for (const Segment& sg : segs) {
      if (sg.zero) {
        d.push_back(zeros(ct, sbuf + sg.off, sg.len));
        continue;
      }
      DmaDesc x;
      x.rows = ct;
      x.sbuf_addr = sbuf + sg.off;
      x.dram_addr = sg.src;
      x.row_stride = 1;
      x.row_bytes = 1;
      x.planes = sg.len;
      x.plane_stride = uint32_t(sw * p.c);
      d.push_back(x);
    }
    return d;
  };
  // Channel-major: row r = channel c0 + r, a run of contiguous pixels (one
  // byte per plane when stride_w > 1). The DMA runs one descriptor at a
  // time and pays a DRAM round trip for each, so fewer is faster:
  // - the padding is one zero descriptor over the span of the zero runs,
  //   issued first; the valid runs after it (queue 0 completes in order)
  //   overwrite the bytes that are not padding;
  // - a valid run that continues the previous one both in the tile and in
  //   DRAM (the next output row, when WO = W) extends its row: one burst
  //   per channel, not one per output row (the DMA keeps only 8 bursts in
  //   flight, so short bursts cost ~100 / 8 cycles each);
  // - otherwise valid runs that follow each other in the tile with the same
  //   length and equally spaced sources are the planes of one descriptor.
  auto moving_channel_major = [&](const std::vector<Segment>& segs, uint32_t ct, uint32_t sbuf) {
    std::vector<DmaDesc> d;
    uint32_t z0 = UINT32_MAX, z1 = 0;
    for (const Segment& sg : segs)
      if (sg.zero) z0 = std::min(z0, sg.off), z1 = std::max(z1, sg.off + sg.len);
    if (z0 < z1) d.push_back(zeros(ct, sbuf + z0, z1 - z0));
    bool open = false;  // d.back() is a run further runs may join as planes
    uint32_t end = 0;   // its tile offset after the last plane
    for (const Segment& sg : segs) {
      if (sg.zero) continue;
      if (open && end == sg.off && d.back().planes == 1 &&
          sg.src == d.back().dram_addr + d.back().row_bytes) {
        d.back().row_bytes += sg.len;
        end += sg.len;
        continue;
      }
      if (open) {
        DmaDesc& x = d.back();
        const uint64_t stride = x.planes > 1 ? x.plane_stride : sg.src - x.dram_addr;
        if (x.row_bytes == sg.len && end == sg.off && x.planes < 0xffff && sg.src > x.dram_addr &&
            stride <= 0xffffffffull && sg.src == x.dram_addr + x.planes * stride) {
          x.plane_stride = uint32_t(stride);
          ++x.planes;
          end += sg.len;
          continue;
        }
      }
      DmaDesc x;
      x.rows = ct;
      x.row_stride = uint32_t(chan_bytes);
      x.sbuf_addr = sbuf + sg.off;
      x.dram_addr = sg.src;
      if (sw == 1) {
        x.row_bytes = sg.len;
      } else {  // strided pixels: one byte per plane
        x.row_bytes = 1;
        x.planes = sg.len;
        x.plane_stride = uint32_t(sw);
      }
      d.push_back(x);
      open = sw == 1;
      end = sg.off + sg.len;
    }
    return d;
  };

  // The parts of a step every order shares: LDW / MM shapes and, if
  // load_x, the moving tile's loads into SBUF x_sbuf.
  auto make_step = [&](uint64_t fi, uint32_t mi, uint64_t k, uint32_t x_sbuf, bool load_x) {
    const uint32_t ki = uint32_t(k % tl.tiles_k), kw = uint32_t(k / tl.tiles_k % p.kw),
                   kh = uint32_t(k / tl.tiles_k / p.kw);
    const uint64_t q0 = fi * tf;
    const uint32_t c0 = ki * tl.tile_k, ct = std::min(tl.tile_k, p.c - c0);
    const uint32_t co0 = mi * tl.tile_m, mt = std::min(tl.tile_m, p.co - co0);
    detail::PipeStep s;
    s.k = ct;
    s.m = mt;
    s.x_sbuf = x_sbuf;
    s.f = uint32_t(std::min<uint64_t>(tf, NP - q0));
    if (!load_x) return s;
    const std::vector<Segment> segs = segments(q0, s.f, kh, kw, c0);
    s.x_loads =
        p.channel_major ? moving_channel_major(segs, ct, x_sbuf) : moving_nhwc(segs, ct, x_sbuf);
    return s;
  };
  // W[kh][kw][c0 + r][co0 ..] -> partition r (k: the step of the output
  // tile), the stationary tiles of M tiles mi .. mi + n - 1 (contiguous).
  auto w_load = [&](uint32_t mi, uint64_t k, uint32_t sbuf, uint32_t n) {
    const uint64_t ki = k % tl.tiles_k, tap = k / tl.tiles_k;  // tap = kh KW + kw
    const uint32_t c0 = uint32_t(ki) * tl.tile_k, co0 = mi * tl.tile_m;
    DmaDesc w;
    w.dram_addr = p.w_addr + (tap * p.c + c0) * p.co + co0;
    w.row_stride = p.co;
    w.rows = std::min(tl.tile_k, p.c - c0);
    w.row_bytes = std::min(n * tl.tile_m, p.co - co0);
    w.sbuf_addr = sbuf;
    return w;
  };
  // The ACT and the store of output tile (fi, mi), C buffer u % 2.
  auto finish = [&](detail::PipeTile& tile, uint64_t fi, uint32_t mi, uint32_t u) {
    const uint64_t q0 = fi * tf;
    const uint32_t ft = uint32_t(std::min<uint64_t>(tf, NP - q0));
    const uint32_t co0 = mi * tl.tile_m, mt = std::min(tl.tile_m, p.co - co0);
    tile.act = detail::make_act(p.out_int8, p.quant, tl.sbuf_bs + 8 * mi);
    tile.act.dst_addr = tl.sbuf_c[u % 2];
    DmaDesc o;              // partition r = channel co0 + r
    if (p.channel_major) {  // the tile's ft pixels, contiguous
      o.dram_addr = p.out_addr + (co0 * NP + q0) * es;
      o.rows = mt;
      o.row_stride = uint32_t(NP * es);
      o.row_bytes = ft * es;
    } else {  // plane j = pixel q0 + j
      o.dram_addr = p.out_addr + (q0 * p.co + co0) * es;
      o.rows = mt;
      o.row_stride = es;
      o.row_bytes = es;
      o.planes = ft;
      o.plane_stride = p.co * es;
    }
    o.sbuf_addr = tl.sbuf_c[u % 2];
    tile.store = o;
  };

  std::vector<detail::PipeTile> tiles;
  if (G == 0) {
    // Output tiles pixel-tile-major, CO tiles inner; step t loads both
    // operands into buffers t % 2.
    uint64_t t = 0;
    for (uint32_t fi = 0; fi < tl.tiles_f; ++fi)
      for (uint32_t mi = 0; mi < tl.tiles_m; ++mi) {
        detail::PipeTile tile;
        for (uint64_t k = 0; k < S; ++k, ++t) {
          detail::PipeStep s = make_step(fi, mi, k, tl.sbuf_x[t % 2], true);
          s.w_sbuf = tl.sbuf_w[t % 2];
          s.w_loads.push_back(w_load(mi, k, s.w_sbuf, 1));
          tile.steps.push_back(std::move(s));
        }
        finish(tile, fi, mi, uint32_t(tiles.size()));
        tiles.push_back(std::move(tile));
      }
  } else {
    // Groups of G M tiles, each over all pixel tiles; per pixel tile its
    // tiles interleaved: step k of every tile of the group, then k + 1.
    // Step (k, g) reads slot k G + g: step (k, 0) of pixel tile 0 loads
    // the group's slots of step k with one descriptor (its M tiles are
    // contiguous in a row of W). Moving load j (step (k, 0)) goes to buffer
    // j % 2, whose last readers are the steps of load j - 2: it is issued
    // one group-step ahead (lead = the previous group-step's size). The
    // previous readers of the slots (the group before) are far enough back
    // for that too when S >= 2.
    uint64_t t = 0, j = 0;
    uint32_t lead = 1;
    for (uint32_t m0 = 0; m0 < tl.tiles_m; m0 += G) {
      const uint32_t gn = std::min(G, tl.tiles_m - m0);
      for (uint32_t fi = 0; fi < tl.tiles_f; ++fi) {
        std::vector<detail::PipeTile> run(gn);
        for (uint64_t k = 0; k < S; ++k, ++j) {
          const uint64_t first = t;  // step (k, 0): the moving load
          for (uint32_t g = 0; g < gn; ++g, ++t) {
            detail::PipeStep s = make_step(fi, m0 + g, k, tl.sbuf_x[j % 2], g == 0);
            s.w_sbuf = uint32_t(tl.sbuf_w[0] + (k * G + g) * tl.tile_m);
            if (fi == 0 && g == 0)
              s.w_loads.push_back(w_load(m0, k, s.w_sbuf, gn));
            else
              s.w_from = first - uint64_t(fi) * gn * S;  // step (k, 0) of pixel tile 0
            if (g == 0)
              s.lead = lead;
            else
              s.x_from = first;
            run[g].steps.push_back(std::move(s));
          }
          lead = gn;
        }
        for (uint32_t g = 0; g < gn; ++g) {
          finish(run[g], fi, m0 + g, uint32_t(tiles.size()));
          run[g].interleave = g > 0;
          tiles.push_back(std::move(run[g]));
        }
      }
    }
  }

  std::vector<DmaDesc> params;
  if (records)
    for (uint32_t mi = 0; mi < tl.tiles_m; ++mi) {
      DmaDesc d;
      d.dram_addr = p.bs_addr + 8ull * mi * tl.tile_m;
      d.rows = std::min(tl.tile_m, p.co - mi * tl.tile_m);
      d.row_stride = 8;
      d.row_bytes = 8;
      d.sbuf_addr = tl.sbuf_bs + 8 * mi;
      params.push_back(d);
    }
  const detail::PipeCounts n = detail::emit_pipeline(cfg, tiles, params, g.program, what);
  tl.steps = n.steps;
  tl.out_tiles = n.tiles;
  g.final_sems = detail::pipeline_final_sems(n, params.size(), p.semaphores);
  detail::check_program(cfg, g.program, p.semaphores, what);
  return g;
}

}  // namespace loom
