// The double-buffered MM pipeline shared by the conv2d and MLP generators
// (docs/kernels.md "The pipeline"): a list of output tiles, each a list of
// steps (one LDW + one MM accumulating into the tile's PSUM bank), turned
// into a program with the semaphore waits and signals of the GEMM protocol.
// Internal to the model's core library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/isa.h"
#include "loom/kernels.h"

namespace loom::detail {

// One (LDW, MM) pair. The generator fills the SBUF addresses. The loads of
// step t (its index in the program order of all steps) are emitted before
// step t - lead, and the first waits until MM t - lead - 1 is done: every
// SBUF byte they write must be last read by step t - lead - 1 or earlier
// (lead 1: buffers t mod 2; a stationary tile kept in a slot of its own
// whose previous reader is far enough back).
struct PipeStep {
  std::vector<DmaDesc> w_loads;       // stationary tile -> SBUF (DMA q0), or empty with w_from
  std::optional<uint64_t> w_from;     // the earlier step whose w_loads brought the LDW's tile
  std::vector<DmaDesc> x_loads;       // moving tile -> SBUF (DMA q0), or empty:
  std::optional<uint64_t> x_from;     // brought by this earlier step's x_loads, or else
                                      // produced on-chip (after_act)
  uint32_t lead = 1;                  // >= 1
  uint32_t w_sbuf = 0, k = 1, m = 1;  // LDW
  uint32_t x_sbuf = 0, f = 1;         // MM
  // > 0: the MM reads SBUF bytes an ACT wrote; it waits for
  // sem[kKernelSemAct] >= after_act (the count of ACTs up to that one).
  uint32_t after_act = 0;
};

// One output tile: its steps accumulate in PSUM bank (tile index mod
// banks), then one ACT reads the bank and, if `store`, one DMA q1 store
// writes the ACT's destination to DRAM. A tile with a store must use the
// C buffer (count of earlier tiles with a store) mod 2 as act.dst_addr.
// Tiles run one after the other, except a run of tiles marked `interleave`
// after its first (at most PSUM banks tiles, all with the same number of
// steps): their steps are interleaved, step i of every tile of the run
// before step i + 1 (so they can share a moving tile, x_from).
struct PipeTile {
  std::vector<PipeStep> steps;  // at least one
  Instr::Act act;               // psum_bank, psum_off, part, m, f set by the pipeline
  std::optional<DmaDesc> store;
  bool interleave = false;  // interleaved with the tile before
};

struct PipeCounts {
  uint64_t steps = 0, tiles = 0, stores = 0, loads = 0;  // load signals
};

// Appends the program to `prog` (END last) and returns the counts. Throws
// std::invalid_argument ("<what>: ...") if a counter would exceed 65535.
// `params` are DMA loads (q1) made once, before the first ACT, which waits
// for them (sem kKernelSemParams).
PipeCounts emit_pipeline(const Config& cfg, const std::vector<PipeTile>& tiles,
                         const std::vector<DmaDesc>& params, std::vector<Instr>& prog,
                         const std::string& what);

// Final semaphore values of a pipeline (`sems` semaphores).
std::vector<uint32_t> pipeline_final_sems(const PipeCounts& c, size_t params, uint32_t sems);

// Validates every instruction against the configuration (std::logic_error:
// a generator bug).
void check_program(const Config& cfg, const std::vector<Instr>& prog, uint32_t sems,
                   const std::string& what);

// Shared parameter checks (std::invalid_argument).
void check_requant(const Requant& q, const std::string& what);
void check_semaphores(uint32_t sems, bool params, const std::string& what);

inline uint32_t round_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }
inline uint32_t ceil_div(uint64_t v, uint64_t d) { return uint32_t((v + d - 1) / d); }

// The ACT of a tile from its Requant: copy (int32) or requant with the
// immediates or the per-channel records at bs_addr in SBUF.
Instr::Act make_act(bool out_int8, const Requant& q, uint32_t bs_addr);

}  // namespace loom::detail
