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
  // The last command added waits for descriptor `desc` (TimedCmd::after_dma).
  StimBuilder& after_dma(size_t desc);

  // DMA. DRAM bytes at `addr` (inside the window) before the run.
  StimBuilder& dram(uint64_t addr, const std::vector<uint8_t>& bytes);
  // The DMA's DRAM window [base, limit) (default [0x10000, 0x20000)).
  StimBuilder& dram_window(uint64_t base, uint64_t limit);
  // The DRAM's AxiMem configuration (data_bytes is set from the configuration).
  StimBuilder& dram_setup(const AxiMemConfig& mem);
  // A descriptor on `queue` (returns its index with dmas()).
  StimBuilder& dma(const DmaDesc& d, uint32_t queue = 0, uint32_t gap = 0, int32_t after_cmd = -1);
  size_t dmas() const { return dmas_.size(); }
  size_t cmds() const { return cmds_.size(); }
  const DramSetup& dram_state() const { return dram_; }

  Stimulus build() const;

 private:
  const Config& cfg_;
  std::vector<std::vector<uint8_t>> image_;
  std::vector<std::vector<bool>> written_;
  std::vector<TimedCmd> cmds_;
  std::vector<TimedDesc> dmas_;
  DramSetup dram_;
};

// A load (DRAM -> SBUF) or store descriptor of `rows` rows of `row_bytes`,
// row stride `stride` (0: row_bytes), one plane.
DmaDesc dma_load(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows,
                 uint32_t row_bytes, uint32_t stride = 0);
DmaDesc dma_store(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows,
                  uint32_t row_bytes, uint32_t stride = 0);

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
