// Plain reference arithmetic the kernel tests compare against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace loom {

// C[M x N] = A[M x K] * B[K x N], row-major, int8 inputs, int32 result with
// two's-complement wraparound (computed in uint32). A plain triple loop.
std::vector<int32_t> reference_matmul(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                                      uint32_t m, uint32_t k, uint32_t n);

// Same, adding into c (C += A * B), as PSUM accumulation does.
void reference_matmul_acc(std::vector<int32_t>& c, const std::vector<int8_t>& a,
                          const std::vector<int8_t>& b, uint32_t m, uint32_t k, uint32_t n);

// Direct convolution, NHWC: in [N][H][W][C], w [KH][KW][C][CO] int8, out
// [N][HO][WO][CO] int32 (wraparound), HO = (H + pad_top + pad_bottom - KH) /
// stride_h + 1 (likewise WO); input positions outside [0, H) x [0, W) are
// zero. A plain loop over every output element and kernel tap.
struct RefConv2d {
  uint32_t n = 1, h = 1, w = 1, c = 1, kh = 1, kw = 1, co = 1;
  uint32_t stride_h = 1, stride_w = 1;
  uint32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};
std::vector<int32_t> reference_conv2d(const std::vector<int8_t>& in, const std::vector<int8_t>& w,
                                      const RefConv2d& s);

// Two-layer MLP: H[b][j] = act_requant(sum_i X[b][i] W1[i][j], bias1[j],
// scale1[j], shift1, relu1) (int8), Y[b][k] = sum_j H[b][j] W2[j][k]
// (int32, wraparound). X [B x D0], W1 [D0 x D1], W2 [D1 x D2] row-major.
std::vector<int32_t> reference_mlp(const std::vector<int8_t>& x, const std::vector<int8_t>& w1,
                                   const std::vector<int8_t>& w2, uint32_t b, uint32_t d0,
                                   uint32_t d1, uint32_t d2, const std::vector<int32_t>& bias1,
                                   const std::vector<int32_t>& scale1, uint32_t shift1, bool relu1);

// The layouts of the channel-major kernels (Conv2dParams::channel_major,
// MlpParams::feature_major) from the row-major ones the references use, and
// back: a [rows x cols] row-major matrix transposed to [cols x rows].
//   NHWC [N][H][W][C] -> [C][N][H][W]:  transpose(in, N H W, C)
//   [CO][N][HO][WO] -> NHWC:            transpose(out, CO, N HO WO)
//   X [B x D0] -> X^T:                  transpose(x, B, D0)
// Throws std::invalid_argument if v has not rows x cols elements.
template <typename T>
std::vector<T> transpose(const std::vector<T>& v, size_t rows, size_t cols) {
  if (v.size() != rows * cols) throw std::invalid_argument("transpose: size is not rows x cols");
  std::vector<T> t(v.size());
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) t[c * rows + r] = v[r * cols + c];
  return t;
}

}  // namespace loom
