// The bare P x P PE array (rtl/pe_array.sv) behind an interface free of
// Verilator types, like CoreDut for the whole core: the ceiling of the whole
// core's simulation speed in `make bench`. Also the operands a run applies
// (PeArrayStimulus) and how its outputs are summed up (PeArrayChecksum),
// shared by the Verilated harness (pe_array_harness.h) and the plain C++
// reference (pe_array_reference.h) that checks it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace loom {

class PeArrayDut {
 public:
  virtual ~PeArrayDut() = default;
  virtual uint32_t partitions() const = 0;
  // Drives x_i = 0 for P cycles (the previous run's operands and sums leave
  // the array), loads a weight into every PE (w_we_i of every row, column c
  // in cycle c, weight bank 1: P cycles, still x_i = 0), then streams
  // `cycles` cycles with every row's sel_i high (bank 1) and new
  // pseudo-random x_i each cycle: the array fully busy. Weights and
  // operands come from PeArrayStimulus(P, seed), in that order. Returns the
  // PeArrayChecksum of col_o sampled in each streamed cycle (so nothing is
  // optimised away, and so pe_array_reference_checksum() can check it).
  virtual uint64_t run(uint64_t cycles, uint64_t seed) = 0;
};

using PeArrayFactory = std::unique_ptr<PeArrayDut> (*)();

// The operands of a run, one cycle at a time: P signed bytes (row k's byte
// is byte k % 8 of word k / 8), from a 64-bit xorshift: a few instructions
// per 8 rows, cheap next to evaluating P * P PEs.
class PeArrayStimulus {
 public:
  PeArrayStimulus(uint32_t p, uint64_t seed) : words_((p + 7) / 8) {
    // splitmix64 of the seed: any seed (0 too) gives a good nonzero state.
    uint64_t z = seed + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    s_ = (z ^ (z >> 31)) | 1;
  }
  // 64-bit words per cycle: ceil(P / 8).
  uint32_t words() const { return words_; }
  // The next cycle's P bytes into w[0 .. words() - 1].
  void next(uint64_t* w) {
    for (uint32_t i = 0; i < words_; ++i) {
      s_ ^= s_ << 13;
      s_ ^= s_ >> 7;
      s_ ^= s_ << 17;
      w[i] = s_;
    }
  }

 private:
  uint32_t words_;
  uint64_t s_;
};

// The checksum of a run: each cycle the P column outputs (int32 bit
// patterns) are folded to one word with a fixed odd key per column
// (independent multiplies), which is then mixed into the sum FNV-1a style,
// so a wrong value, column or cycle changes the result.
class PeArrayChecksum {
 public:
  explicit PeArrayChecksum(uint32_t p) : keys_(p) {
    for (uint32_t m = 0; m < p; ++m) keys_[m] = (0x9e3779b97f4a7c15ull * (m + 1)) | 1;
  }
  void add_cycle(const uint32_t* col) {
    uint64_t s = 0;
    for (size_t m = 0; m < keys_.size(); ++m) s += uint64_t(col[m]) * keys_[m];
    h_ = (h_ ^ s) * 0x100000001b3ull;
  }
  uint64_t value() const { return h_; }

 private:
  std::vector<uint64_t> keys_;
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace loom
