// Plain reference arithmetic the GEMM tests compare against.
#pragma once

#include <cstdint>
#include <vector>

namespace loom {

// C[M x N] = A[M x K] * B[K x N], row-major, int8 inputs, int32 result with
// two's-complement wraparound (computed in uint32). A plain triple loop.
std::vector<int32_t> reference_matmul(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                      uint32_t m, uint32_t k, uint32_t n);

// Same, adding into c (C += A * B), as PSUM accumulation does.
void reference_matmul_acc(std::vector<int32_t>& c, const std::vector<int8_t>& a,
                          const std::vector<int8_t>& b, uint32_t m, uint32_t k, uint32_t n);

}  // namespace loom
