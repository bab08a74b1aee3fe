// Reference int8 matrix multiply, convolution and MLP.
#include "loom/reference.h"

#include <stdexcept>

#include "loom/isa.h"

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

std::vector<int32_t> reference_conv2d(const std::vector<int8_t>& in, const std::vector<int8_t>& w,
                                      const RefConv2d& s) {
  if (in.size() != size_t(s.n) * s.h * s.w * s.c || w.size() != size_t(s.kh) * s.kw * s.c * s.co)
    throw std::invalid_argument("reference_conv2d: tensor sizes do not match the shape");
  const int64_t ph = int64_t(s.h) + s.pad_top + s.pad_bottom - s.kh;
  const int64_t pw = int64_t(s.w) + s.pad_left + s.pad_right - s.kw;
  if (ph < 0 || pw < 0 || s.stride_h == 0 || s.stride_w == 0)
    throw std::invalid_argument("reference_conv2d: kernel larger than the padded input");
  const int64_t ho_n = ph / s.stride_h + 1, wo_n = pw / s.stride_w + 1;
  std::vector<int32_t> out(size_t(s.n) * ho_n * wo_n * s.co, 0);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t ho = 0; ho < ho_n; ++ho)
      for (int64_t wo = 0; wo < wo_n; ++wo)
        for (int64_t o = 0; o < s.co; ++o) {
          uint32_t sum = 0;
          for (int64_t y = 0; y < s.kh; ++y)
            for (int64_t x = 0; x < s.kw; ++x) {
              const int64_t iy = ho * s.stride_h + y - s.pad_top;
              const int64_t ix = wo * s.stride_w + x - s.pad_left;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
              for (int64_t c = 0; c < s.c; ++c)
                sum += uint32_t(int32_t(in[size_t(((n * s.h + iy) * s.w + ix) * s.c + c)]) *
                                int32_t(w[size_t(((y * s.kw + x) * s.c + c) * s.co + o)]));
            }
          out[size_t(((n * ho_n + ho) * wo_n + wo) * s.co + o)] = int32_t(sum);
        }
  return out;
}

std::vector<int32_t> reference_mlp(const std::vector<int8_t>& x, const std::vector<int8_t>& w1,
                                   const std::vector<int8_t>& w2, uint32_t b, uint32_t d0,
                                   uint32_t d1, uint32_t d2, const std::vector<int32_t>& bias1,
                                   const std::vector<int32_t>& scale1, uint32_t shift1,
                                   bool relu1) {
  if (x.size() != size_t(b) * d0 || w1.size() != size_t(d0) * d1 || w2.size() != size_t(d1) * d2 ||
      bias1.size() != d1 || scale1.size() != d1)
    throw std::invalid_argument("reference_mlp: sizes do not match B, D0, D1, D2");
  std::vector<int8_t> h(size_t(b) * d1);
  for (size_t r = 0; r < b; ++r)
    for (size_t j = 0; j < d1; ++j) {
      uint32_t sum = 0;
      for (size_t i = 0; i < d0; ++i)
        sum += uint32_t(int32_t(x[r * d0 + i]) * int32_t(w1[i * d1 + j]));
      h[r * d1 + j] = act_requant(int32_t(sum), bias1[j], scale1[j], shift1, relu1);
    }
  std::vector<int32_t> y(size_t(b) * d2);
  for (size_t r = 0; r < b; ++r)
    for (size_t k = 0; k < d2; ++k) {
      uint32_t sum = 0;
      for (size_t j = 0; j < d1; ++j)
        sum += uint32_t(int32_t(h[r * d1 + j]) * int32_t(w2[j * d2 + k]));
      y[r * d2 + k] = int32_t(sum);
    }
  return y;
}

}  // namespace loom
