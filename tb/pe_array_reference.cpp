#include "pe_array_reference.h"

#include <vector>

#include "pe_array_dut.h"

namespace loom {

uint64_t pe_array_reference_checksum(uint32_t p, uint64_t cycles, uint64_t seed) {
  PeArrayStimulus stim(p, seed);
  std::vector<uint64_t> words(stim.words());
  auto row_byte = [&](uint32_t k) { return int32_t(int8_t(words[k / 8] >> (8 * (k % 8)))); };

  // w[k][m]: row k's byte in cycle m of the weight load (all into bank 1,
  // the bank that sel_i high selects while streaming).
  std::vector<int32_t> w(size_t(p) * p);
  for (uint32_t m = 0; m < p; ++m) {
    stim.next(words.data());
    for (uint32_t k = 0; k < p; ++k) w[size_t(k) * p + m] = row_byte(k);
  }

  // x moves one PE right per cycle and the partial sum one PE down, through
  // a register in every PE: the element that enters row k in cycle t is
  // multiplied in PE (k, m) in cycle t + m and its product leaves the
  // bottom of column m in cycle t + m + P - k. So in streamed cycle t
  //   col_o[m] = sum_k w[k][m] * x[k](t - P + k - m)     (int32 wraparound)
  // with lags 1 .. 2P - 1, and x = 0 before the stream (the 2P cycles of
  // flush and weight load).
  uint32_t hist_len = 1;
  while (hist_len < 2 * p) hist_len *= 2;
  std::vector<int32_t> x(size_t(hist_len) * p, 0);  // [t mod hist_len][k]
  std::vector<uint32_t> col(p);
  PeArrayChecksum sum(p);
  for (uint64_t t = 0; t < cycles; ++t) {
    stim.next(words.data());
    int32_t* now = &x[size_t(t % hist_len) * p];
    for (uint32_t k = 0; k < p; ++k) now[k] = row_byte(k);
    for (uint32_t m = 0; m < p; ++m) {
      uint32_t acc = 0;
      for (uint32_t k = 0; k < p; ++k) {
        const uint64_t lag = p - k + m;
        if (lag > t) continue;  // before the stream: x = 0
        acc += uint32_t(w[size_t(k) * p + m] * x[size_t((t - lag) % hist_len) * p + k]);
      }
      col[m] = acc;
    }
    sum.add_cycle(col.data());
  }
  return sum.value();
}

}  // namespace loom
