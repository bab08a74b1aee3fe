// conv2d program generator (docs/kernels.md "conv2d").
#include <stdexcept>

#include "loom/kernels.h"

namespace loom {

uint32_t Conv2dParams::out_h() const {
  const uint64_t ph = uint64_t(h) + pad_top + pad_bottom;
  if (stride_h == 0 || ph < kh) return 0;
  return uint32_t((ph - kh) / stride_h + 1);
}

uint32_t Conv2dParams::out_w() const {
  const uint64_t pw = uint64_t(w) + pad_left + pad_right;
  if (stride_w == 0 || pw < kw) return 0;
  return uint32_t((pw - kw) / stride_w + 1);
}

Conv2dProgram conv2d_program(const Config&, const Conv2dParams&) {
  throw std::invalid_argument("conv2d: not implemented yet");
}

}  // namespace loom
