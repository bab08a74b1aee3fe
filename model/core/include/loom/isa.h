// The Loom instruction set (docs/isa.md): one 256-bit instruction word per
// instruction, its C++ view, encode / decode, the disassembly line and the
// static checks against a configuration.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "loom/configs.h"
#include "loom/dma.h"
#include "loom/pe_cmd.h"

namespace loom {

// One instruction: four little-endian 64-bit words, words[0] = bits 63:0
// (bytes 0..7 of the instruction in DRAM), words[3] = bits 255:192.
using InstrWords = std::array<uint64_t, 4>;
inline constexpr uint32_t kInstrBytes = 32;

// Semaphores: the sequencer parameter `Semaphores` (default 16) and the
// width of the id fields (5 bits, so the parameter can grow to 32).
inline constexpr uint32_t kDefaultSemaphores = 16;
inline constexpr uint32_t kMaxSemaphores = 32;
inline constexpr uint32_t kSemMax = 0xffff;  // 16-bit counters

// Opcodes (bits 7:0). 0x00 is never assigned: zeroed memory is illegal.
enum class Opcode : uint8_t {
  kNop = 0x01,
  kEnd = 0x02,
  kSync = 0x03,
  kDma = 0x10,
  kLdw = 0x20,
  kMm = 0x21,
  kAct = 0x30,
};

// The queue a SYNC is placed in (docs/isa.md "SYNC").
enum class Engine : uint8_t { kSeq = 0, kPe = 1, kAct = 2, kDma0 = 3, kDma1 = 4 };

// ACT mode (3 bits; 2..7 reserved for the planned fp32 modes).
enum class ActMode : uint8_t { kRequant = 0, kCopy = 1 };

// Error codes of the core's status CSR (docs/isa.md "Errors").
enum class CoreError : uint32_t {
  kOk = 0,
  kIllegalOpcode = 1,    // opcode not assigned
  kReserved = 2,         // a reserved bit or a reserved field value set
  kIllegalField = 3,     // a field outside its range (K, M, F zero or > P, semaphore id, ...)
  kSbufRange = 4,        // an SBUF range outside the memory
  kPsumRange = 5,        // a PSUM range outside the memory
  kDramWindow = 6,       // a DRAM range (DMA or program fetch) outside the window
  kAxiSlvErr = 7,        // AXI SLVERR (DMA or fetch)
  kAxiDecErr = 8,        // AXI DECERR (DMA or fetch)
  kSemTimeout = 9,       // a semaphore wait not satisfied within the watchdog
  kSemOverflow = 10,     // a signal would take a counter beyond 0xffff
  kProgramOverrun = 11,  // the program length was reached without END
};
const char* core_error_name(CoreError e);
// The core error a DMA completion code becomes.
CoreError core_error_of(DmaCode c);

// The optional semaphore wait and signal every instruction carries.
struct SemOps {
  uint32_t wait_sem = 0;
  uint32_t wait_val = 0;  // wait until sem[wait_sem] >= wait_val; 0: no wait (then wait_sem 0)
  uint32_t sig_sem = 0;
  uint32_t sig_inc = 0;  // add sig_inc to sem[sig_sem] on completion; 0: no signal (then sig_sem 0)
  bool has_wait() const { return wait_val != 0; }
  bool has_signal() const { return sig_inc != 0; }
};

struct Instr {
  struct Nop {};
  struct End {};
  struct Sync {
    Engine engine = Engine::kSeq;
  };
  struct Dma {
    uint32_t queue = 0;  // 0 or 1
    DmaDesc desc;        // desc.reserved must be 0
  };
  struct Pe {
    PeCmd cmd;  // LDW or MM by cmd.op (the fields of docs/tensor_top.md)
  };
  struct Act {
    ActMode mode = ActMode::kRequant;
    bool src_sbuf = false;   // source: 0 PSUM (bank, off), 1 SBUF (src_addr, int32 elements)
    uint32_t psum_bank = 0;  // PSUM source
    uint32_t psum_off = 0;
    uint32_t src_addr = 0;  // SBUF source byte offset
    uint32_t part = 0;      // first partition (source and destination)
    uint32_t m = 1;         // partitions
    uint32_t f = 1;         // elements per partition
    uint32_t dst_addr = 0;  // SBUF destination byte offset
    bool bs_sbuf = false;   // bias / scale: 0 the immediates, 1 per partition from SBUF
    uint32_t bs_addr = 0;   // SBUF record: int32 bias at +0, int16 scale at +4
    int32_t bias = 0;       // immediate bias (all partitions)
    int32_t scale = 0;      // immediate scale, int16 range
    uint32_t shift = 0;     // 0..63
    bool relu = false;
  };
  using Op = std::variant<Nop, End, Sync, Dma, Pe, Act>;

  SemOps sem;
  Op op;

  Opcode opcode() const;
  bool operator==(const Instr& o) const;  // same encoding
  bool operator!=(const Instr& o) const { return !(*this == o); }

  // Builders.
  static Instr nop() { return Instr{{}, Nop{}}; }
  static Instr end() { return Instr{{}, End{}}; }
  static Instr sync(Engine e) { return Instr{{}, Sync{e}}; }
  static Instr dma(uint32_t queue, const DmaDesc& d) { return Instr{{}, Dma{queue, d}}; }
  static Instr pe(const PeCmd& c) { return Instr{{}, Pe{c}}; }
  static Instr act(const Act& a) { return Instr{{}, a}; }
  Instr& wait(uint32_t sem_id, uint32_t value) {
    sem.wait_sem = sem_id;
    sem.wait_val = value;
    return *this;
  }
  Instr& signal(uint32_t sem_id, uint32_t inc = 1) {
    sem.sig_sem = sem_id;
    sem.sig_inc = inc;
    return *this;
  }
};

// A malformed instruction word or field: std::invalid_argument with the
// core error code the sequencer reports for it.
class IsaError : public std::invalid_argument {
 public:
  IsaError(CoreError code, const std::string& what) : std::invalid_argument(what), code_(code) {}
  CoreError code() const { return code_; }

 private:
  CoreError code_;
};

// The instruction word. Throws IsaError (naming the field) if a field does
// not fit its bits or breaks an encoding rule (what decode() would reject),
// so decode(encode(i)) == i for every instruction encode() accepts.
InstrWords encode(const Instr& i);
// Throws IsaError naming the field: illegal opcode (kIllegalOpcode), a
// reserved bit or reserved value set (kReserved).
Instr decode(const InstrWords& w);

// The disassembly line, in the assembler's syntax (docs/isa.md "Assembly").
std::string to_string(const Instr& i);

// Static checks of one instruction against a configuration: semaphore ids
// below `semaphores`, SBUF / PSUM ranges, K / M / F ranges (the checks the
// sequencer makes before dispatch; the DRAM window is the DMA's, at run
// time). code kOk and an empty message when legal.
struct InstrCheck {
  CoreError code = CoreError::kOk;
  std::string message;
  bool ok() const { return code == CoreError::kOk; }
};
InstrCheck validate(const Config& cfg, const Instr& i, uint32_t semaphores = kDefaultSemaphores);

// ACT arithmetic (docs/isa.md "ACT"), exact: round half up,
// round_shift(v, 0) = v, round_shift(v, s) = floor((v + 2^(s-1)) / 2^s).
int64_t round_shift(int64_t v, uint32_t shift);  // shift 0..63, |v| < 2^62
// act.requant of one element: sat_int8(relu?(round_shift((x + bias) * scale, shift))).
// scale is int16 (checked: std::invalid_argument otherwise).
int8_t act_requant(int32_t x, int32_t bias, int32_t scale, uint32_t shift, bool relu);

// Binary program: the instruction words back to back, 32 bytes each, each
// word little-endian (docs/isa.md "Program format").
std::vector<uint8_t> encode_program(const std::vector<Instr>& prog);
// Throws IsaError "instruction N (byte 0x...): ..." for a bad word, or if the
// size is not a multiple of 32 bytes.
std::vector<Instr> decode_program(const std::vector<uint8_t>& bytes);

}  // namespace loom
