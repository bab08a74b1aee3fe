// Random legal stimuli: every byte a command reads is preloaded, accumulation
// only into PSUM entries already written, fields in range.
#include "loom/random_stimulus.h"

#include <algorithm>
#include <vector>

namespace loom {
namespace {

// splitmix64: small, fast and identical everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in lo..hi inclusive.
  uint32_t range(uint32_t lo, uint32_t hi) {
    return lo + uint32_t(next() % (uint64_t(hi) - lo + 1));
  }
  bool chance(double p) { return double(next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t s_;
};

}  // namespace

Stimulus random_stimulus(const Config& cfg, uint64_t seed, const RandomStimulusOptions& opt) {
  Rng rng(seed);
  Stimulus st;
  const uint32_t p = cfg.partitions;
  const uint32_t wb = cfg.sbuf_word_bytes;
  uint32_t span = opt.sbuf_span ? opt.sbuf_span : std::min<uint32_t>(cfg.sbuf_bytes, 256);
  span = std::max(span, (p + wb - 1) / wb * wb);  // room for an LDW row of P bytes
  span = std::min(span, cfg.sbuf_bytes) / wb * wb;
  const uint64_t full = wb >= 64 ? ~uint64_t(0) : (uint64_t(1) << wb) - 1;

  auto random_word = [&]() {
    std::vector<uint8_t> d(wb);
    for (uint8_t& b : d) {
      if (rng.chance(opt.extreme_prob)) {
        b = rng.chance(0.5) ? 0x7f : 0x80;
      } else {
        b = uint8_t(rng.next());
      }
    }
    return d;
  };

  // Every word of the span in every partition, then a few partial rewrites.
  for (uint32_t part = 0; part < p; ++part) {
    for (uint32_t addr = 0; addr < span; addr += wb) {
      SbufWrite w;
      w.part = part;
      w.addr = addr;
      w.data = random_word();
      w.strb = full;
      st.preload.push_back(std::move(w));
    }
  }
  const size_t extra = size_t(double(st.preload.size()) * opt.partial_strb_prob);
  for (size_t j = 0; j < extra; ++j) {
    SbufWrite w;
    w.part = rng.range(0, p - 1);
    w.addr = rng.range(0, span / wb - 1) * wb;
    w.data = random_word();
    w.strb = rng.next() & full;
    st.preload.insert(st.preload.begin() + rng.range(0, uint32_t(st.preload.size())), std::move(w));
  }

  const uint32_t max_free =
      std::min({opt.max_free ? opt.max_free : cfg.psum_entries, cfg.psum_entries, span});
  std::vector<std::vector<bool>> psum_ok(
      p, std::vector<bool>(size_t(cfg.psum_banks) * cfg.psum_entries));
  uint32_t cur_m = 0;
  for (uint32_t i = 0; i < opt.num_cmds; ++i) {
    TimedCmd tc;
    tc.gap = rng.chance(opt.gap_prob) ? rng.range(1, std::max<uint32_t>(1, opt.max_gap)) : 0;
    const bool ldw = (i == 0 && opt.ldw_first) || rng.chance(opt.ldw_prob);
    if (ldw) {
      const uint32_t k = rng.chance(0.5) ? p : rng.range(1, p);
      const uint32_t m = rng.chance(0.5) ? p : rng.range(1, p);
      tc.cmd = PeCmd::ldw(rng.range(0, span - m), k, m);
      cur_m = m;
    } else {
      uint32_t f = rng.chance(0.35) ? rng.range(1, std::min(p, max_free)) : rng.range(1, max_free);
      const uint32_t bank = rng.range(0, cfg.psum_banks - 1);
      const uint32_t off = rng.range(0, cfg.psum_entries - f);
      bool acc = rng.chance(0.6);
      for (uint32_t m = 0; m < cur_m && acc; ++m) {
        for (uint32_t e = off; e < off + f; ++e) {
          if (!psum_ok[m][size_t(bank) * cfg.psum_entries + e]) acc = false;
        }
      }
      for (uint32_t m = 0; m < cur_m; ++m) {
        for (uint32_t e = off; e < off + f; ++e)
          psum_ok[m][size_t(bank) * cfg.psum_entries + e] = true;
      }
      tc.cmd = PeCmd::mm(rng.range(0, span - f), f, bank, off, acc);
    }
    st.cmds.push_back(tc);
  }
  return st;
}

}  // namespace loom
