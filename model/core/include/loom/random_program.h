// Constrained-random legal programs for the verification regression
// (docs/verification.md "Regression"): DMA loads and stores on both queues,
// LDW / MM, ACT (requant / copy, PSUM or SBUF source, immediate or SBUF
// bias / scale), SYNC and NOP, with semaphore waits that order every
// dependent pair of instructions on different engines, ending in END; plus
// the DRAM window and image the program needs. Reproducible from
// (configuration, seed): the same inputs give the same bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/configs.h"
#include "loom/isa.h"

namespace loom {

// One error a program may carry on purpose (RandomProgramOptions::illegal).
enum class InjectedError : uint8_t {
  kNone,
  kSbufRange,   // an LDW one byte past the SBUF (SBUF_RANGE, at dispatch)
  kPsumRange,   // an MM one entry past its PSUM bank (PSUM_RANGE, at dispatch)
  kDramWindow,  // a DMA load one byte past the DRAM window (DRAM_WINDOW, at run time)
  kSemTimeout,  // a SYNC seq waiting on a semaphore nothing signals (SEM_TIMEOUT: the watchdog)
  kIllegalField,    // a SYNC seq naming a semaphore id >= Semaphores (ILLEGAL_FIELD, at dispatch)
  kSemOverflow,     // SYNC seqs signalling one semaphore by 255 until it passes 0xffff (SEM_OVERFLOW)
  kProgramOverrun,  // no END: the program length is reached (PROGRAM_OVERRUN, index = length)
  kAxiSlvErr,       // a DMA load from the poison area, which the DRAM answers with SLVERR
  kAxiDecErr,       // the same with DECERR
  kIllegalOpcode,   // a word with an unassigned opcode (ILLEGAL_OPCODE, at decode; RandomProgram::patch)
  kReserved,        // a NOP with a bit set in an unused word (RESERVED, at decode; RandomProgram::patch)
};

// Every kind, in the order `loom-regress --illegal` picks them (seed % 11).
inline constexpr InjectedError kInjectedErrors[] = {
    InjectedError::kSbufRange,      InjectedError::kPsumRange,    InjectedError::kDramWindow,
    InjectedError::kSemTimeout,     InjectedError::kIllegalField, InjectedError::kSemOverflow,
    InjectedError::kProgramOverrun, InjectedError::kAxiSlvErr,    InjectedError::kAxiDecErr,
    InjectedError::kIllegalOpcode,  InjectedError::kReserved};

struct RandomProgramOptions {
  uint32_t min_ops = 20;  // work instructions (DMA, LDW, MM, ACT, NOP, SYNC seq), before the
  uint32_t max_ops = 80;  // SYNCs the ordering adds and END
  // SBUF bytes per partition the program uses (at a random 64-byte-aligned
  // base); 0: min(SbufBytes, 2048).
  uint32_t sbuf_span = 0;
  // Insert one bad instruction (it signals nothing) at a random place after
  // the prologue; the program then stops there with `expected_error`.
  InjectedError illegal = InjectedError::kNone;
};

struct RandomProgram {
  std::vector<Instr> program;
  uint64_t dram_base = 0, dram_limit = 0;  // the DRAM window
  uint64_t prog_base = 0;                  // the program's first byte (inside the window)
  uint64_t data_base = 0;                  // `data` is the DRAM image from here
  std::vector<uint8_t> data;               // inputs (random) then the output area (zeros)
  uint64_t out_base = 0, out_bytes = 0;    // where stores go (inside data)
  CoreError expected_error = CoreError::kOk;  // with an injected error: its code
  uint64_t error_index = 0;                   // and the bad instruction's index
  // kAxiSlvErr / kAxiDecErr: 64 bytes at the end of the window that the DRAM
  // must answer with that response (AxiMemConfig::errors); 0 bytes: none.
  uint64_t poison_base = 0, poison_bytes = 0;

  // kIllegalOpcode / kReserved: `program` holds a NOP at `patch_index`,
  // whose encoded words are XORed with `patch_xor` (what `Instr` cannot
  // express); patch_index is past the program when there is no patch.
  uint64_t patch_index = UINT64_MAX;
  InstrWords patch_xor{};
  // The program as the core fetches it: encode_program(program), patched.
  std::vector<uint8_t> program_bytes() const;
  // The whole window as the core sees it: program words at prog_base, then data.
  std::vector<uint8_t> window_image() const;
};

// Throws std::invalid_argument if options are inconsistent.
RandomProgram random_program(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt = {});

}  // namespace loom
