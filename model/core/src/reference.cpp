// Reference int8 matrix multiply.
#include "loom/reference.h"

#include <stdexcept>

namespace loom {

void reference_matmul_acc(std::vector<int32_t>& c, const std::vector<int8_t>& a,
                          const std::vector<int8_t>& b, uint32_t m, uint32_t k, uint32_t n) {
  if (a.size() != size_t(m) * k || b.size() != size_t(k) * n || c.size() != size_t(m) * n)
    throw std::invalid_argument("reference_matmul: matrix sizes do not match M, K, N");
  for (uint32_t i = 0; i < m; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      uint32_t sum = static_cast<uint32_t>(c[size_t(i) * n + j]);
      for (uint32_t x = 0; x < k; ++x) {
        sum += static_cast<uint32_t>(int32_t(a[size_t(i) * k + x]) * int32_t(b[size_t(x) * n + j]));
      }
      c[size_t(i) * n + j] = static_cast<int32_t>(sum);
    }
  }
}

std::vector<int32_t> reference_matmul(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                      uint32_t m, uint32_t k, uint32_t n) {
  std::vector<int32_t> c(size_t(m) * n, 0);
  reference_matmul_acc(c, a, b, m, k, n);
  return c;
}

}  // namespace loom
