// Byte and bit-field access to Verilator ports: scalar ports (CData, SData,
// IData, QData: up to 64 bits) and VlWide<N> ports (wider than 64 bits, N
// 32-bit words, word 0 = bits 31:0). Byte i of a byte array is bits
// 8i+7..8i of the port. Verilator-only (needs verilated.h): for the RTL
// harness and the RTL unit tests, never next to SystemC headers.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "verilated.h"

namespace loom {

// port = bytes b[0..n-1], bits above 8n cleared.
template <class T>
void SetBytes(T& v, const uint8_t* b, int n) {
  static_assert(std::is_integral_v<T>, "scalar Verilator port");
  assert(n >= 0 && size_t(n) <= sizeof(T));
  uint64_t x = 0;
  for (int i = 0; i < n; ++i) x |= uint64_t(b[i]) << (8 * i);
  v = T(x);
}
template <std::size_t N>
void SetBytes(VlWide<N>& w, const uint8_t* b, int n) {
  assert(n >= 0 && size_t(n) <= 4 * N);
  for (std::size_t i = 0; i < N; ++i) w[i] = 0;
  for (int i = 0; i < n; ++i) w[i / 4] |= uint32_t(b[i]) << (8 * (i % 4));
}

// b[0..n-1] = the port's bytes 0..n-1.
template <class T>
void GetBytes(const T& v, uint8_t* b, int n) {
  static_assert(std::is_integral_v<T>, "scalar Verilator port");
  assert(n >= 0 && size_t(n) <= sizeof(T));
  for (int i = 0; i < n; ++i) b[i] = uint8_t(uint64_t(v) >> (8 * i));
}
template <std::size_t N>
void GetBytes(const VlWide<N>& w, uint8_t* b, int n) {
  assert(n >= 0 && size_t(n) <= 4 * N);
  for (int i = 0; i < n; ++i) b[i] = uint8_t(w[i / 4] >> (8 * (i % 4)));
}

// Bits lsb + n - 1 .. lsb of a port (n <= 64).
template <class T>
uint64_t GetField(const T& v, int lsb, int n) {
  static_assert(std::is_integral_v<T>, "scalar Verilator port");
  assert(n >= 1 && n <= 64 && size_t(lsb + n) <= 8 * sizeof(T));
  const uint64_t x = uint64_t(v) >> lsb;
  return n == 64 ? x : x & ((uint64_t(1) << n) - 1);
}
template <std::size_t N>
uint64_t GetField(const VlWide<N>& w, int lsb, int n) {
  assert(n >= 1 && n <= 64 && size_t(lsb + n) <= 32 * N);
  uint64_t x = 0;
  for (int i = 0; i < n; ++i) x |= uint64_t((w[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
  return x;
}

// Bits lsb + n - 1 .. lsb of a wide port = the low n bits of val (n <= 64).
template <std::size_t N>
void SetField(VlWide<N>& w, int lsb, int n, uint64_t val) {
  assert(n >= 0 && n <= 64 && size_t(lsb + n) <= 32 * N);
  for (int i = 0; i < n; ++i) {
    const int b = lsb + i;
    const uint32_t bit = 1u << (b % 32);
    w[b / 32] = ((val >> i) & 1) ? (w[b / 32] | bit) : (w[b / 32] & ~bit);
  }
}

// 64-bit words of a wide port: word k = bits 64k+63 .. 64k (lsb_word words
// from bit 64 * lsb_word), e.g. a 256-bit descriptor from its pack() words.
template <std::size_t N>
void SetWords64(VlWide<N>& w, int lsb_word, const uint64_t* words, int n) {
  assert(lsb_word >= 0 && n >= 0 && size_t(2 * (lsb_word + n)) <= N);
  for (int k = 0; k < n; ++k) {
    w[2 * (lsb_word + k)] = uint32_t(words[k]);
    w[2 * (lsb_word + k) + 1] = uint32_t(words[k] >> 32);
  }
}

}  // namespace loom
