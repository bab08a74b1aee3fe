// Kernel library: program generators that tile a workload to a
// configuration's SBUF and PSUM, double-buffer it and insert the semaphore
// waits and signals (docs/kernels.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/isa.h"

namespace loom {

// C[M x N] = A[M x K] @ B[K x N]: int8 operands, int32 C (or int8 C
// requantized by ACT), all row-major in DRAM (docs/kernels.md "GEMM").
struct GemmParams {
  uint32_t m = 1, k = 1, n = 1;  // each >= 1
  uint64_t a_addr = 0;  // A [M x K] int8 row-major, or A^T [K x M] row-major if a_transposed
  uint64_t b_addr = 0;  // B [K x N] int8 row-major
  uint64_t c_addr = 0;  // C [M x N] row-major: int32 little-endian, or int8 if out_int8
  // A^T in DRAM (K x M row-major): the stationary tiles load with one row per
  // partition. false: A row-major, loaded transposed by a byte-gather DMA
  // (planes of 1-byte rows): same result, slower on the bus.
  bool a_transposed = false;
  // int8 C: C = act_requant(sum, bias, scale, shift, relu) per element.
  bool out_int8 = false;
  int32_t bias = 0;
  int32_t scale = 1;  // int16
  uint32_t shift = 0;
  bool relu = false;
  uint32_t semaphores = kDefaultSemaphores;  // at least 4 are used
};

// Semaphores of the GEMM protocol (docs/kernels.md "Semaphores").
enum GemmSem : uint32_t {
  kGemmSemLoad = 0,   // operand loads complete (DMA q0): +1 per A tile, +1 per B tile
  kGemmSemMm = 1,     // MM complete (PE): +1 per MM
  kGemmSemAct = 2,    // ACT complete: +1 per output tile
  kGemmSemStore = 3,  // C stores complete (DMA q1): +1 per output tile
};

struct GemmProgram {
  std::vector<Instr> program;
  // Tiling.
  uint32_t tile_m = 0, tile_k = 0, tile_n = 0;  // largest tile sizes
  uint32_t tiles_m = 0, tiles_k = 0, tiles_n = 0;
  uint32_t psum_banks = 0;  // banks used round robin
  // SBUF byte offsets of the buffers (the same in every partition).
  uint32_t sbuf_a[2] = {0, 0}, sbuf_b[2] = {0, 0}, sbuf_c[2] = {0, 0};
  uint32_t sbuf_used = 0;  // bytes per partition
  // The value every semaphore has when the program ends (all of its signals
  // counted); the semaphores not used stay 0.
  std::vector<uint32_t> final_sems;
  uint64_t macs = 0;  // M * K * N
};

// Throws std::invalid_argument for a zero dimension, a configuration the
// buffers do not fit, fewer than 4 semaphores, or a program whose counters
// would exceed 65535.
GemmProgram gemm_program(const Config& cfg, const GemmParams& p);

// DRAM bytes of the operands and result (a, b as given; c with its element size).
inline uint64_t gemm_c_bytes(const GemmParams& p) {
  return uint64_t(p.m) * p.n * (p.out_int8 ? 1 : 4);
}

}  // namespace loom
