// Stimulus builders: a small builder for directed tests and the tiled GEMM
// program (the default `make sim` workload). Random programs come from the
// model's loom/random_stimulus.h.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/configs.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"

namespace loom {

// Collects SBUF contents and commands; build() turns the SBUF image into
// word-aligned preload writes (only words that hold written bytes, strobes
// only on written bytes).
class StimBuilder {
 public:
  explicit StimBuilder(const Config& cfg);
  // Row r of the row-major rows x cols matrix goes to partition part0 + r at
  // byte address addr.
  StimBuilder& matrix(uint32_t part0, uint32_t addr, uint32_t rows, uint32_t cols,
                      const std::vector<int8_t>& data);
  StimBuilder& ldw(uint32_t addr, uint32_t k, uint32_t m, uint32_t gap = 0);
  StimBuilder& mm(uint32_t addr, uint32_t f, uint32_t bank, uint32_t off, bool acc,
                  uint32_t gap = 0);
  Stimulus build() const;

 private:
  const Config& cfg_;
  std::vector<std::vector<uint8_t>> image_;
  std::vector<std::vector<bool>> written_;
  std::vector<TimedCmd> cmds_;
};

// C[M x N] = A[M x K] @ B[K x N], int8 in, int32 out, all row-major.
struct GemmProblem {
  uint32_t m = 0, k = 0, n = 0;
  std::vector<int8_t> a, b;
};
GemmProblem random_gemm(uint32_t m, uint32_t k, uint32_t n, uint64_t seed);
// The plain C++ product (loom/reference.h), independent of model and RTL.
std::vector<int32_t> reference_gemm(const GemmProblem& g);

// The tiled program: stationary = A^T tiles [K_t x M_t], moving = B tiles
// [K_t x N_t], each output tile accumulated over the K tiles in one PSUM
// bank (banks used round-robin).
struct GemmProgram {
  struct OutTile {
    size_t last_mm;    // command index of the MM that completes the tile
    uint32_t m0, n0;   // first row / column of C
    uint32_t rows, cols;
    uint32_t bank;
  };
  uint32_t m = 0, n = 0;  // C is m x n
  Stimulus stim;
  std::vector<OutTile> tiles;
};
// Throws std::invalid_argument when the operands do not fit in SBUF.
GemmProgram build_gemm(const Config& cfg, const GemmProblem& g);
// Assembles C from the PSUM writes of each tile's last MM (attributed to
// their MM with producing_command()).
std::vector<int32_t> gemm_result(const Config& cfg, const GemmProgram& prog,
                                 const Prediction& pred, const std::vector<Txn>& psum_writes);

}  // namespace loom
