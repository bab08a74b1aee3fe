// Tensor-engine command: the C++ view of loom_pkg::pe_cmd_t (docs/tensor_top.md).
#pragma once

#include <cstdint>
#include <string>

namespace loom {

enum class PeOp : uint8_t { kLdw = 0, kMm = 1 };

struct PeCmd {
  PeOp op = PeOp::kLdw;
  bool acc = false;         // MM: accumulate into PSUM instead of overwrite
  uint32_t sbuf_addr = 0;   // byte offset inside every partition
  uint32_t rows = 0;        // LDW: K
  uint32_t cols = 0;        // LDW: M; MM: F
  uint32_t psum_bank = 0;   // MM only
  uint32_t psum_off = 0;    // MM only: first PSUM entry

  static PeCmd ldw(uint32_t sbuf_addr, uint32_t k, uint32_t m) {
    PeCmd c;
    c.op = PeOp::kLdw;
    c.sbuf_addr = sbuf_addr;
    c.rows = k;
    c.cols = m;
    return c;
  }
  static PeCmd mm(uint32_t sbuf_addr, uint32_t f, uint32_t bank, uint32_t off, bool acc) {
    PeCmd c;
    c.op = PeOp::kMm;
    c.sbuf_addr = sbuf_addr;
    c.cols = f;
    c.psum_bank = bank;
    c.psum_off = off;
    c.acc = acc;
    return c;
  }

  // Bit layout of loom_pkg::pe_cmd_t, msb first (docs/tensor_top.md).
  uint64_t pack() const {
    return (uint64_t(op) & 0x3) << 52 | uint64_t(acc ? 1 : 0) << 51 |
           (uint64_t(sbuf_addr) & 0x3ffff) << 33 | (uint64_t(rows) & 0xff) << 25 |
           (uint64_t(cols) & 0x3ff) << 15 | (uint64_t(psum_bank) & 0x7) << 12 |
           (uint64_t(psum_off) & 0x1ff) << 3;
  }
  static PeCmd unpack(uint64_t v) {
    PeCmd c;
    c.op = PeOp((v >> 52) & 0x3);
    c.acc = (v >> 51) & 1;
    c.sbuf_addr = uint32_t((v >> 33) & 0x3ffff);
    c.rows = uint32_t((v >> 25) & 0xff);
    c.cols = uint32_t((v >> 15) & 0x3ff);
    c.psum_bank = uint32_t((v >> 12) & 0x7);
    c.psum_off = uint32_t((v >> 3) & 0x1ff);
    return c;
  }
  bool operator==(const PeCmd& o) const { return pack() == o.pack(); }

  // "LDW sbuf=0x40 K=8 M=8" / "MM sbuf=0x0 F=64 bank=1 off=0 acc"
  std::string to_string() const;
};

}  // namespace loom
