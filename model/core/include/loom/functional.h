// The bit-exact functional core of the tensor subsystem: SBUF bytes, PSUM
// int32 entries and the two weight banks of the array (docs/tensor_top.md).
// Pure C++; the SystemC modules and predict() both compute through it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "loom/configs.h"
#include "loom/mem_image.h"
#include "loom/pe_cmd.h"
#include "loom/stimulus.h"

namespace loom {

// int32 addition with wraparound, computed in uint32 (no UB).
inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// SBUF: P partitions of sbuf_bytes bytes, zero after reset in the model.
class SbufState {
 public:
  explicit SbufState(const Config& cfg);
  // Writes bytes data[i] (i < n) with strb bit i set to addr + i.
  void write(uint32_t part, uint32_t addr, const uint8_t* data, uint32_t n, uint64_t strb);
  void read(uint32_t part, uint32_t addr, uint8_t* out, uint32_t n) const;
  uint8_t byte(uint32_t part, uint32_t addr) const;
  // Whether the byte was ever written (the RTL's SBUF is not initialised).
  bool written(uint32_t part, uint32_t addr) const;
  // Moves the contents into img.sbuf / img.sbuf_written.
  void export_to(MemImage& img) const;

 private:
  void check(uint32_t part, uint32_t addr, uint32_t n) const;
  uint32_t bytes_;
  std::vector<std::vector<uint8_t>> mem_;
  std::vector<std::vector<bool>> written_;
};

// PSUM: P partitions x psum_banks x psum_entries int32 entries.
class PsumState {
 public:
  explicit PsumState(const Config& cfg);
  // (acc ? old : 0) + sum with int32 two's-complement wraparound; returns the
  // new value, which is stored.
  int32_t update(uint32_t part, uint32_t bank, uint32_t entry, int32_t sum, bool acc) {
    const size_t i = index(part, bank, entry);
    const int32_t v = acc ? wrap_add(mem_[part][i], sum) : sum;
    mem_[part][i] = v;
    written_[part][i] = true;
    return v;
  }
  int32_t value(uint32_t part, uint32_t bank, uint32_t entry) const;
  void export_to(MemImage& img) const;

 private:
  size_t index(uint32_t part, uint32_t bank, uint32_t entry) const;
  uint32_t banks_;
  uint32_t entries_;
  std::vector<std::vector<int32_t>> mem_;
  std::vector<std::vector<bool>> written_;
};

// The two weight banks of the P x P array. Reset: bank 0 current, K = M = 0,
// all weights zero. The n-th LDW since reset writes bank n % 2 and makes it
// current; an MM uses the current bank.
class WeightBanks {
 public:
  struct Bank {
    uint32_t k = 0;
    uint32_t m = 0;
    std::vector<int8_t> w;  // w[k * P + m], zero where k >= K or m >= M
  };

  explicit WeightBanks(uint32_t partitions);
  // rows[k][m] = SBUF[k][sbuf_addr + m] for k < K, m < M. Returns the bank
  // written.
  uint32_t load(uint32_t k, uint32_t m, const std::vector<std::vector<uint8_t>>& rows);
  // sums[m * F + f] = sum_{k<K} W[k][m] * X[k][f] over the current bank, for
  // m < M, f < F, where x[k][f] = SBUF[k][sbuf_addr + f] (k < K). int32 with
  // wraparound.
  std::vector<int32_t> multiply(uint32_t f, const std::vector<std::vector<uint8_t>>& x) const;

  uint32_t current() const { return cur_; }
  const Bank& bank(uint32_t b) const { return banks_[b]; }
  const Bank& current_bank() const { return banks_[cur_]; }
  uint64_t ldw_count() const { return ldw_count_; }
  int8_t weight(uint32_t b, uint32_t k, uint32_t m) const {
    return banks_[b].w[size_t(k) * p_ + m];
  }

 private:
  uint32_t p_;
  Bank banks_[2];
  uint32_t cur_ = 0;
  uint64_t ldw_count_ = 0;
};

// SBUF + weight banks + PSUM executing whole commands in issue order.
class FunctionalCore {
 public:
  explicit FunctionalCore(const Config& cfg);

  void sbuf_write(const SbufWrite& w);
  // Returns the bank written.
  uint32_t ldw(const PeCmd& cmd);
  // Calls on_write(m, f, value) for every PSUM write, m-major, f inner;
  // value is the int32 after accumulation. Returns the bank of weights used.
  uint32_t mm(const PeCmd& cmd,
              const std::function<void(uint32_t m, uint32_t f, int32_t value)>& on_write);
  // The same with the callback inlined (the whole-core model's hot path:
  // one call per PSUM write, millions in a large GEMM).
  template <class OnWrite>
  uint32_t mm_each(const PeCmd& cmd, OnWrite&& on_write);
  // Executes an LDW or MM (no callback for MM writes).
  void execute(const PeCmd& cmd);

  const SbufState& sbuf() const { return sbuf_; }
  SbufState& sbuf() { return sbuf_; }  // for the DMA's word accesses
  const PsumState& psum() const { return psum_; }
  const WeightBanks& weights() const { return weights_; }
  MemImage image() const;

 private:
  std::vector<std::vector<uint8_t>> read_rows(uint32_t addr, uint32_t rows, uint32_t n) const;
  Config cfg_;
  SbufState sbuf_;
  PsumState psum_;
  WeightBanks weights_;
};

template <class OnWrite>
uint32_t FunctionalCore::mm_each(const PeCmd& cmd, OnWrite&& on_write) {
  const WeightBanks::Bank& bank = weights_.current_bank();
  const uint32_t f_size = cmd.cols;
  const std::vector<int32_t> sums =
      weights_.multiply(f_size, read_rows(cmd.sbuf_addr, bank.k, f_size));
  for (uint32_t m = 0; m < bank.m; ++m) {
    for (uint32_t f = 0; f < f_size; ++f) {
      const int32_t v =
          psum_.update(m, cmd.psum_bank, cmd.psum_off + f, sums[size_t(m) * f_size + f], cmd.acc);
      on_write(m, f, v);
    }
  }
  return weights_.current();
}

// Little-endian packing of an SBUF word into Txn::data (byte i at bits
// 8i+7..8i); at most 8 bytes.
uint64_t pack_bytes_le(const std::vector<uint8_t>& bytes);
uint64_t pack_bytes_le(const uint8_t* bytes, uint32_t n);

}  // namespace loom
