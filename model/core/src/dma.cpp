// The DMA engine of docs/dma.md: descriptor layout, check, burst plan,
// functional effect and the timing contract (fixed latency, no backpressure).
#include "loom/dma.h"

#include <algorithm>
#include <stdexcept>

namespace loom {

namespace {

uint64_t mask(uint32_t width) { return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1; }

// Bits [lsb, lsb + width) of the 256-bit descriptor.
void set_bits(std::array<uint64_t, 4>& w, uint32_t lsb, uint32_t width, uint64_t v) {
  v &= mask(width);
  for (uint32_t i = 0; i < width; ++i) {
    const uint32_t b = lsb + i;
    const uint64_t bit = uint64_t(1) << (b % 64);
    if ((v >> i) & 1)
      w[b / 64] |= bit;
    else
      w[b / 64] &= ~bit;
  }
}
uint64_t get_bits(const std::array<uint64_t, 4>& w, uint32_t lsb, uint32_t width) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < width; ++i) {
    const uint32_t b = lsb + i;
    v |= ((w[b / 64] >> (b % 64)) & 1) << i;
  }
  return v;
}

// Field positions (lsb, width) of dma_desc_t.
constexpr uint32_t kAddrLsb = 192, kAddrW = 64;
constexpr uint32_t kRowStrideLsb = 160, kRowStrideW = 32;
constexpr uint32_t kPlaneStrideLsb = 128, kPlaneStrideW = 32;
constexpr uint32_t kPlanesLsb = 112, kPlanesW = 16;
constexpr uint32_t kRowBytesLsb = 94, kRowBytesW = 18;
constexpr uint32_t kRowsLsb = 86, kRowsW = 8;
constexpr uint32_t kPartLsb = 78, kPartW = 8;
constexpr uint32_t kSbufAddrLsb = 60, kSbufAddrW = 18;
constexpr uint32_t kDirLsb = 59;
constexpr uint32_t kResW = 59;

uint64_t row_addr(const DmaDesc& d, uint32_t j, uint32_t r) {
  return d.dram_addr + uint64_t(j) * d.plane_stride + uint64_t(r) * d.row_stride;  // wraps at 2^64
}

uint64_t lanes(uint32_t first, uint32_t n) { return mask(n) << first; }

}  // namespace

std::array<uint64_t, 4> DmaDesc::pack() const {
  std::array<uint64_t, 4> w{};
  set_bits(w, kAddrLsb, kAddrW, dram_addr);
  set_bits(w, kRowStrideLsb, kRowStrideW, row_stride);
  set_bits(w, kPlaneStrideLsb, kPlaneStrideW, plane_stride);
  set_bits(w, kPlanesLsb, kPlanesW, planes);
  set_bits(w, kRowBytesLsb, kRowBytesW, row_bytes);
  set_bits(w, kRowsLsb, kRowsW, rows);
  set_bits(w, kPartLsb, kPartW, sbuf_part);
  set_bits(w, kSbufAddrLsb, kSbufAddrW, sbuf_addr);
  set_bits(w, kDirLsb, 1, dir);
  set_bits(w, 0, kResW, reserved);
  return w;
}

DmaDesc DmaDesc::unpack(const std::array<uint64_t, 4>& w) {
  DmaDesc d;
  d.dram_addr = get_bits(w, kAddrLsb, kAddrW);
  d.row_stride = uint32_t(get_bits(w, kRowStrideLsb, kRowStrideW));
  d.plane_stride = uint32_t(get_bits(w, kPlaneStrideLsb, kPlaneStrideW));
  d.planes = uint32_t(get_bits(w, kPlanesLsb, kPlanesW));
  d.row_bytes = uint32_t(get_bits(w, kRowBytesLsb, kRowBytesW));
  d.rows = uint32_t(get_bits(w, kRowsLsb, kRowsW));
  d.sbuf_part = uint32_t(get_bits(w, kPartLsb, kPartW));
  d.sbuf_addr = uint32_t(get_bits(w, kSbufAddrLsb, kSbufAddrW));
  d.dir = uint32_t(get_bits(w, kDirLsb, 1));
  d.reserved = get_bits(w, 0, kResW);
  return d;
}

DmaCode dma_check(const DmaDesc& in, const DmaParams& p, uint64_t base, uint64_t limit) {
  // The engine sees the packed bits: check the truncated fields.
  const DmaDesc d = DmaDesc::unpack(in.pack());
  if (d.row_bytes == 0 || d.rows == 0 || d.planes == 0 || d.reserved != 0) return DmaCode::kIllegal;
  if (uint64_t(d.sbuf_part) + d.rows > p.partitions) return DmaCode::kSbuf;
  if (uint64_t(d.sbuf_addr) + uint64_t(d.planes) * d.row_bytes > p.sbuf_bytes) return DmaCode::kSbuf;
  using u128 = unsigned __int128;
  const u128 end = u128(d.dram_addr) + u128(d.planes - 1) * d.plane_stride +
                   u128(d.rows - 1) * d.row_stride + d.row_bytes;
  if (d.dram_addr < base || end > u128(limit)) return DmaCode::kWindow;
  return DmaCode::kOk;
}

std::vector<DmaChunk> dma_dram_chunks(const DmaDesc& d, uint32_t width) {
  std::vector<DmaChunk> out;
  for (uint32_t j = 0; j < d.planes; ++j)
    for (uint32_t r = 0; r < d.rows; ++r) {
      uint64_t a = row_addr(d, j, r);
      uint32_t left = d.row_bytes;
      while (left > 0) {
        const uint64_t room = width - a % width;
        const uint32_t n = uint32_t(std::min<uint64_t>(room, left));
        left -= n;
        out.push_back({a, n, j, r, left == 0});
        a += n;
      }
    }
  return out;
}

std::vector<DmaChunk> dma_sbuf_chunks(const DmaDesc& d, uint32_t wb) {
  std::vector<DmaChunk> out;
  for (uint32_t j = 0; j < d.planes; ++j)
    for (uint32_t r = 0; r < d.rows; ++r) {
      uint64_t a = d.sbuf_addr + uint64_t(j) * d.row_bytes;
      uint32_t left = d.row_bytes;
      while (left > 0) {
        const uint32_t n = uint32_t(std::min<uint64_t>(wb - a % wb, left));
        left -= n;
        out.push_back({a, n, j, r, left == 0});
        a += n;
      }
    }
  return out;
}

std::vector<DmaBurst> plan_bursts(const DmaDesc& d, uint32_t db) {
  const uint32_t bb = std::min<uint32_t>(4096, 256 * db);
  std::vector<DmaBurst> out;
  for (const DmaChunk& c : dma_dram_chunks(d, bb)) {
    DmaBurst b;
    b.start = c.start;
    b.bytes = c.bytes;
    b.addr = c.start - c.start % db;
    b.beats = uint32_t((c.start % db + c.bytes - 1) / db) + 1;
    b.plane = c.plane;
    b.row = c.row;
    out.push_back(b);
  }
  return out;
}

DmaCode dma_apply(const DmaDesc& d, const DmaParams& p, DmaMemories m) {
  const DmaCode code = dma_check(d, p, m.dram_base, m.dram_base + m.dram->size());
  if (code != DmaCode::kOk) return code;
  for (uint32_t j = 0; j < d.planes; ++j)
    for (uint32_t r = 0; r < d.rows; ++r) {
      const uint64_t dram = row_addr(d, j, r) - m.dram_base;
      const uint64_t sbuf = uint64_t(d.sbuf_part + r) * m.sbuf_bytes + d.sbuf_addr + uint64_t(j) * d.row_bytes;
      for (uint32_t i = 0; i < d.row_bytes; ++i) {
        if (d.is_store())
          (*m.dram)[dram + i] = (*m.sbuf)[sbuf + i];
        else
          (*m.sbuf)[sbuf + i] = (*m.dram)[dram + i];
      }
    }
  return code;
}

void dma_apply_load_error(const DmaDesc& d, const DmaTiming& t, DmaMemories m) {
  if (d.is_store()) throw std::invalid_argument("dma_apply_load_error: not a load");
  // Byte `src` of the descriptor's stream: plane, row, byte in row.
  for (const DmaSbufAccess& w : t.sbuf)
    for (uint32_t b = 0; b < w.bytes; ++b) {
      const uint64_t s = w.src + b;
      const uint64_t row_idx = s / d.row_bytes;  // j * R + r
      const uint32_t i = uint32_t(s % d.row_bytes);
      const uint32_t j = uint32_t(row_idx / d.rows), r = uint32_t(row_idx % d.rows);
      const uint64_t dram = row_addr(d, j, r) + i - m.dram_base;
      const uint64_t sbuf = uint64_t(d.sbuf_part + r) * m.sbuf_bytes + d.sbuf_addr + uint64_t(j) * d.row_bytes + i;
      (*m.sbuf)[sbuf] = (*m.dram)[dram];
    }
}

namespace {

constexpr uint64_t kNone = ~uint64_t(0);

// The beat chunks with their burst and the SBUF word chunks, with the links
// of the timing contract (m_w: beat of a word's last byte; w_m: word of a
// beat's last byte).
struct Streams {
  std::vector<DmaBurst> bursts;
  std::vector<DmaChunk> beats, words;
  std::vector<uint32_t> beat_burst;
  std::vector<bool> beat_last;
  std::vector<uint64_t> beat_src, word_src;  // stream offset of the first byte
  std::vector<uint64_t> word_beat;           // m_w
  std::vector<uint64_t> beat_word;           // w_m
};

// Index of the chunk whose byte range [src, src + n) holds stream byte `x`.
uint64_t holder(const std::vector<uint64_t>& src, uint64_t x) {
  return uint64_t(std::upper_bound(src.begin(), src.end(), x) - src.begin()) - 1;
}

Streams make_streams(const DmaDesc& d, const DmaParams& p) {
  Streams s;
  s.bursts = plan_bursts(d, p.bus_bytes);
  s.beats = dma_dram_chunks(d, p.bus_bytes);
  s.words = dma_sbuf_chunks(d, p.sbuf_word_bytes);
  uint64_t off = 0;
  uint64_t burst_end = s.bursts.empty() ? 0 : s.bursts[0].bytes;
  uint32_t k = 0;
  std::vector<uint32_t> count(s.bursts.size(), 0);
  for (const DmaChunk& c : s.beats) {
    while (off >= burst_end) burst_end += s.bursts[++k].bytes;
    s.beat_src.push_back(off);
    s.beat_burst.push_back(k);
    ++count[k];
    off += c.bytes;
    s.beat_last.push_back(off == burst_end);
  }
  for (size_t i = 0; i < s.bursts.size(); ++i)
    if (count[i] != s.bursts[i].beats) throw std::logic_error("dma: beat count differs from the burst plan");
  off = 0;
  for (const DmaChunk& c : s.words) {
    s.word_src.push_back(off);
    off += c.bytes;
  }
  for (size_t w = 0; w < s.words.size(); ++w)
    s.word_beat.push_back(holder(s.beat_src, s.word_src[w] + s.words[w].bytes - 1));
  for (size_t m = 0; m < s.beats.size(); ++m)
    s.beat_word.push_back(holder(s.word_src, s.beat_src[m] + s.beats[m].bytes - 1));
  return s;
}

constexpr uint64_t kMaxRunCycles = uint64_t(1) << 40;

DmaTiming run_load(const DmaDesc& d, const DmaParams& p, const DmaDram& dram, DmaTiming t,
                   const DmaAxiError& err) {
  const Streams s = make_streams(d, p);
  const uint32_t db = p.bus_bytes, buf = p.buf_bytes();
  const size_t nb = s.bursts.size(), nm = s.beats.size(), nw = s.words.size();
  std::vector<uint64_t> tr(nm, kNone);
  uint64_t t_err = kNone;
  size_t k = 0, m = 0, w = 0;
  uint64_t cnt = 0, last_sw = kNone;
  for (uint64_t c = t.dispatch + 2;; ++c) {
    if (c > t.dispatch + kMaxRunCycles) throw std::logic_error("dma_timing: load does not finish");
    const bool erred = t_err != kNone && c > t_err;
    // AR.
    if (k < nb && !erred && (k == 0 || c >= t.addr_hs[k - 1] + 1) &&
        (k < p.max_reads || (t.rlast[k - p.max_reads] != kNone && c >= t.rlast[k - p.max_reads] + 1))) {
      t.addr_hs.push_back(c);
      t.rlast.push_back(kNone);
      ++k;
    }
    // SBUF write.
    uint32_t pop = 0;
    if (w < nw && !erred && (last_sw == kNone || c >= last_sw + 1) && tr[s.word_beat[w]] != kNone &&
        c >= tr[s.word_beat[w]] + 1) {
      const DmaChunk& ch = s.words[w];
      const uint32_t wb = p.sbuf_word_bytes;
      t.sbuf.push_back({c, d.sbuf_part + ch.row, uint32_t(ch.start - ch.start % wb),
                        lanes(uint32_t(ch.start % wb), ch.bytes), s.word_src[w], ch.bytes});
      pop = ch.bytes;
      last_sw = c;
      ++w;
    }
    // R beat.
    uint32_t app = 0;
    if (m < nm) {
      const uint32_t kb = s.beat_burst[m];
      const bool offered = kb < t.addr_hs.size() && c >= t.addr_hs[kb] + dram.read_latency;
      const bool rready = erred || cnt - pop + db <= buf;
      if (offered && rready) {
        tr[m] = c;
        const DmaChunk& ch = s.beats[m];
        t.beats.push_back({c, kb, s.beat_last[m], lanes(uint32_t(ch.start % db), ch.bytes)});
        if (s.beat_last[m]) t.rlast[kb] = c;
        if (err.enabled && err.index == m && t_err == kNone) {
          t_err = c;
          t.code = err.code;
        }
        if (t_err == kNone) app = ch.bytes;
        ++m;
      }
    }
    cnt = cnt - pop + app;
    if (t_err == kNone && w == nw) {
      t.complete = last_sw + 1;
      return t;
    }
    if (t_err != kNone && c >= t_err) {
      // Done once every issued burst has its RLAST (no AR after t_err).
      const size_t issued = t.addr_hs.size();
      if (t.rlast[issued - 1] != kNone) {
        t.complete = std::max(t.rlast[issued - 1], t_err) + 1;
        return t;
      }
    }
  }
}

DmaTiming run_store(const DmaDesc& d, const DmaParams& p, const DmaDram& dram, DmaTiming t,
                    const DmaAxiError& err) {
  const Streams s = make_streams(d, p);
  const uint32_t db = p.bus_bytes, wb = p.sbuf_word_bytes, buf = p.buf_bytes();
  const size_t nb = s.bursts.size(), nm = s.beats.size(), nw = s.words.size();
  std::vector<uint64_t> sr(nw, kNone);
  uint64_t t_err = kNone;  // cycle of the erroring B
  size_t k = 0, m = 0, w = 0;
  uint64_t cnt = 0, pend = 0, last_tw = kNone;
  uint64_t err_complete = kNone;  // known before it comes (B cycles are known at the last W)
  for (uint64_t c = t.dispatch + 2;; ++c) {
    if (c > t.dispatch + kMaxRunCycles) throw std::logic_error("dma_timing: store does not finish");
    if (c == err_complete) {
      t.complete = err_complete;
      return t;
    }
    const bool stopped = t_err != kNone && c > t_err;
    // AW.
    // tB(k - MaxWrites) is kNone until that burst's last W beat.
    if (k < nb && !stopped && (k == 0 || c >= t.addr_hs[k - 1] + 1) &&
        (k < p.max_writes || (t.rlast[k - p.max_writes] != kNone && c >= t.rlast[k - p.max_writes] + 1))) {
      t.addr_hs.push_back(c);
      t.rlast.push_back(kNone);
      ++k;
    }
    // W beat.
    uint32_t pop = 0;
    if (m < nm) {
      const uint32_t kb = s.beat_burst[m];
      const uint64_t wm = s.beat_word[m];
      if (kb < t.addr_hs.size() && c >= t.addr_hs[kb] + 1 && sr[wm] != kNone && c >= sr[wm] + 2 &&
          (last_tw == kNone || c >= last_tw + 1)) {
        const DmaChunk& ch = s.beats[m];
        t.beats.push_back({c, kb, s.beat_last[m], lanes(uint32_t(ch.start % db), ch.bytes)});
        pop = ch.bytes;
        last_tw = c;
        if (s.beat_last[m]) {
          t.rlast[kb] = c + dram.write_latency;
          if (err.enabled && err.index == kb && t_err == kNone) {
            t_err = t.rlast[kb];
            t.code = err.code;
          }
        }
        ++m;
      }
    }
    // SBUF read request (uses cnt(c) before this cycle's pop).
    uint32_t req = 0;
    if (w < nw && (w == 0 || c >= sr[w - 1] + 1) && cnt + pend + wb <= buf) {
      const DmaChunk& ch = s.words[w];
      t.sbuf.push_back({c, d.sbuf_part + ch.row, uint32_t(ch.start - ch.start % wb),
                        lanes(uint32_t(ch.start % wb), ch.bytes), s.word_src[w], ch.bytes});
      sr[w] = c;
      req = ch.bytes;
      ++w;
    }
    cnt = cnt - pop + pend;  // the chunk requested in c - 1 is appended in c
    pend = req;
    if (t_err == kNone && m == nm) {
      t.complete = t.rlast.back() + 1;
      return t;
    }
    if (t_err != kNone && c >= t_err && err_complete == kNone) {
      // No AW after t_err: done when every issued burst has its B. The B
      // cycles are known from the last W beats, so this can be known early;
      // SBUF reads go on until then (the engine keeps filling the buffer).
      bool all = true;
      uint64_t last = 0;
      for (uint64_t b : t.rlast) {
        if (b == kNone) all = false;
        else last = std::max(last, b);
      }
      if (all) err_complete = last + 1;
    }
  }
}

}  // namespace

DmaTiming dma_timing(const DmaDesc& d, const DmaParams& p, const DmaDram& dram, uint64_t dispatch,
                     DmaCode check, const DmaAxiError& err) {
  if (dram.read_latency == 0 || dram.write_latency == 0)
    throw std::invalid_argument("dma_timing: latencies must be at least 1");
  DmaTiming t;
  t.dispatch = dispatch;
  t.code = check;
  if (check != DmaCode::kOk) {
    t.complete = dispatch + 2;
    return t;
  }
  return d.is_store() ? run_store(d, p, dram, t, err) : run_load(d, p, dram, t, err);
}

}  // namespace loom
