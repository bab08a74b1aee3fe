#include "loom/txn.h"

#include <algorithm>
#include <tuple>

namespace loom {

void stable_sort_txns(std::vector<Txn>& v, const std::vector<Txn>& more) {
  const size_t n = v.size() + more.size();
  const std::vector<Txn>* const srcs[] = {&v, &more};
  if (n < 2) {
    v.insert(v.end(), more.begin(), more.end());
    return;
  }
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const std::vector<Txn>* src : srcs)
    for (const Txn& t : *src) {
      lo = std::min(lo, t.cycle);
      hi = std::max(hi, t.cycle);
    }
  const uint64_t span = hi - lo + 1;
  if (n < 256 || span > 4 * uint64_t(n)) {
    v.insert(v.end(), more.begin(), more.end());
    std::stable_sort(v.begin(), v.end());
    return;
  }
  // Counting sort by cycle: stable, so equal cycles keep their order.
  std::vector<size_t> first(size_t(span) + 1, 0);
  for (const std::vector<Txn>* src : srcs)
    for (const Txn& t : *src) ++first[size_t(t.cycle - lo) + 1];
  for (size_t c = 1; c <= span; ++c) first[c] += first[c - 1];
  std::vector<Txn> out(n);
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    for (const std::vector<Txn>* src : srcs)
      for (const Txn& t : *src) out[next[size_t(t.cycle - lo)]++] = t;
  }
  // Within a cycle: stable by (channel, part), as operator< orders them.
  auto key_less = [](const Txn& a, const Txn& b) {
    return std::tie(a.channel, a.part) < std::tie(b.channel, b.part);
  };
  for (size_t c = 0; c < span; ++c) {
    Txn* b = out.data() + first[c];
    Txn* e = out.data() + first[c + 1];
    if (e - b < 2) continue;
    if (e - b > 32) {
      std::stable_sort(b, e, key_less);
      continue;
    }
    for (Txn* i = b + 1; i < e; ++i) {  // insertion sort: stable, fast on few
      if (!key_less(*i, *(i - 1))) continue;
      const Txn x = *i;
      Txn* j = i;
      for (; j > b && key_less(x, *(j - 1)); --j) *j = *(j - 1);
      *j = x;
    }
  }
  v.swap(out);
}

void append_sbuf_write(std::vector<Txn>& out, uint64_t cycle, uint32_t part, uint32_t addr,
                       const uint8_t* data, uint32_t word_bytes, uint64_t strb, Channel channel) {
  for (uint32_t s = 0; s * 8 < word_bytes; ++s) {
    Txn& t = out.emplace_back();
    t.cycle = cycle;
    t.channel = channel;
    t.part = part;
    t.addr = addr + 8 * s;
    for (uint32_t i = 0; i < 8 && 8 * s + i < word_bytes; ++i) {
      t.data |= uint64_t(data[8 * s + i]) << (8 * i);
      t.strb |= ((strb >> (8 * s + i)) & 1) << i;
    }
  }
}

}  // namespace loom
