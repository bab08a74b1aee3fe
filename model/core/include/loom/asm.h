// Assembler and disassembler for Loom programs (docs/isa.md "Assembly").
//
// One instruction per line, `#` starts a comment, operands are key=value:
//
//   dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
//   ldw sbuf=0x0 k=8 m=8 wait=s0>=1
//   mm sbuf=0x200 f=64 bank=0 off=0 acc=0 signal=s1
//   act.requant bank=0 off=0 part=0 m=8 f=64 dst=0x400 bias=0 scale=1 shift=0 relu=1 wait=s1>=1
//   end
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/isa.h"

namespace loom {

// Parses a program. Throws std::invalid_argument "line L, column C: message"
// (both 1-based) on the first error: unknown mnemonic, unknown, missing or
// duplicate operand, malformed value, value out of range for its field,
// conflicting operands, or an instruction that encode() rejects.
std::vector<Instr> assemble(const std::string& text);
// assemble() and then validate() of every instruction against `cfg`: the
// first illegal one throws std::invalid_argument "line L, column C: CODE:
// message" (C the mnemonic's column, CODE core_error_name()).
std::vector<Instr> assemble(const std::string& text, const Config& cfg,
                            uint32_t semaphores = kDefaultSemaphores);
// assemble() followed by encode_program(): the binary program file.
std::vector<uint8_t> assemble_binary(const std::string& text);

// One line per instruction (to_string()), each ending in '\n'. Assembling
// the text gives the same bytes back. Throws IsaError "instruction N (byte
// 0x...): ..." for a bad word or a size that is not a multiple of 32 bytes.
std::string disassemble(const std::vector<uint8_t>& bytes);
std::string disassemble(const std::vector<Instr>& prog);

}  // namespace loom
