// Untimed, bit-exact functional executor of a whole Loom program
// (docs/isa.md, docs/model.md "The functional executor"): the engine queues
// (sequencer, DMA queue 0 and 1, PE, ACT), the semaphores, SBUF / PSUM /
// weights (FunctionalCore) and the DRAM window, with the error codes of
// docs/isa.md "Errors". No cycles: timing comes with the whole-core model.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/functional.h"
#include "loom/isa.h"

namespace loom {

// The queues of the executor; the index into ExecResult::instrs.
enum class ExecQueue : uint32_t { kSeq = 0, kDma0 = 1, kDma1 = 2, kPe = 3, kAct = 4 };
inline constexpr uint32_t kExecQueues = 5;
const char* exec_queue_name(ExecQueue q);
// The queue an instruction is dispatched into (kSeq: executed by the
// sequencer itself: NOP, END, SYNC engine=seq).
ExecQueue queue_of(const Instr& in);

// Which ready instruction the executor performs next. kLowestIndex is the
// executor's rule (docs/model.md); the others exist to test that a program
// is race-free: its result must not depend on the choice.
enum class ExecOrder : uint8_t {
  kLowestIndex,   // the lowest-indexed ready instruction (the default)
  kHighestIndex,  // the highest: dispatch everything first, then run queues as far ahead as they
                  // can
  kRandom,        // a ready instruction drawn with `seed`
};

struct ExecOptions {
  uint32_t semaphores = kDefaultSemaphores;  // the sequencer parameter `Semaphores`
  ExecOrder order = ExecOrder::kLowestIndex;
  uint64_t seed = 0;  // kRandom
  // kLowestIndex / kHighestIndex: among the ready instructions, those of the
  // queue with the lowest rank go first (index ExecQueue; the sequencer's
  // dispatch is kSeq). All equal (the default): by index only. Raising one
  // queue's rank starves it: it runs only when nothing else can.
  std::array<uint8_t, kExecQueues> queue_rank{};
};

struct ExecResult {
  explicit ExecResult(const Config& cfg) : core(cfg) {}

  // Status: done (END reached, every queue drained), or the error code and
  // the instruction index (docs/isa.md "Errors"), with a one-line message.
  bool done = false;
  CoreError error = CoreError::kOk;
  uint64_t error_index = 0;
  std::string message;
  bool ok() const { return done && error == CoreError::kOk; }

  FunctionalCore core;         // final SBUF, PSUM, weight banks
  std::vector<uint8_t> dram;   // final DRAM window contents
  std::vector<uint32_t> sems;  // final semaphore values (ExecOptions::semaphores of them)

  // Statistics of the instructions that executed (completed).
  std::array<uint64_t, kExecQueues> instrs{};  // per queue (SYNC counts in its engine's queue)
  uint64_t executed = 0;                       // all queues
  uint64_t macs = 0;                           // sum over MM of K * M * F
  uint64_t dma_load_bytes = 0;
  uint64_t dma_store_bytes = 0;
  // Execution order: the program index of every completed instruction.
  std::vector<uint32_t> order;
};

// Executes `prog` against the DRAM window [dram_base, dram_base +
// dram.size()), whose bytes are `dram`. Never throws for a bad program: the
// error is in the result. Deterministic: at every step the executor
// performs the lowest-indexed instruction that can go (see docs/model.md;
// ExecOptions::order changes the choice for race tests).
ExecResult execute_program(const Config& cfg, const std::vector<Instr>& prog,
                           std::vector<uint8_t> dram, uint64_t dram_base,
                           const ExecOptions& opt = {});

// The same for a binary program (docs/isa.md "Program format"): each 32-byte
// word is decoded when the sequencer reaches it, so a bad word stops the
// program there with decode()'s code (ILLEGAL_OPCODE, RESERVED) and its
// index, after the instructions before it ran as far as they could. Throws
// std::invalid_argument if the size is not a multiple of 32 bytes (not a
// program: the hardware's length is in instructions).
ExecResult execute_binary(const Config& cfg, const std::vector<uint8_t>& program,
                          std::vector<uint8_t> dram, uint64_t dram_base,
                          const ExecOptions& opt = {});

}  // namespace loom
