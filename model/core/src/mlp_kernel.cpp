// Two-layer MLP program generator (docs/kernels.md "MLP").
#include <stdexcept>

#include "loom/kernels.h"

namespace loom {

MlpProgram mlp_program(const Config&, const MlpParams&) {
  throw std::invalid_argument("mlp: not implemented yet");
}

}  // namespace loom
