// Instruction encoding (docs/isa.md bit tables), decode errors, the static
// checks, and the assembler / disassembler.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "loom/asm.h"
#include "loom/isa.h"
#include "test_util.h"

namespace loom {
namespace {

using Rng = std::mt19937_64;

uint64_t bits(Rng& r, uint32_t n) { return n >= 64 ? r() : r() & ((uint64_t(1) << n) - 1); }
bool coin(Rng& r) { return r() & 1; }

SemOps random_sem(Rng& r, bool wait_ok, bool signal_ok) {
  SemOps s;
  if (wait_ok && coin(r)) {
    s.wait_sem = uint32_t(bits(r, 5));
    s.wait_val = uint32_t(1 + bits(r, 16) % 0xffff);
  }
  if (signal_ok && coin(r)) {
    s.sig_sem = uint32_t(bits(r, 5));
    s.sig_inc = uint32_t(1 + bits(r, 8) % 255);
  }
  return s;
}

DmaDesc random_desc(Rng& r) {
  DmaDesc d;
  d.dram_addr = r();
  d.row_stride = uint32_t(bits(r, 32));
  d.plane_stride = uint32_t(bits(r, 32));
  d.planes = uint32_t(bits(r, 16));
  d.row_bytes = uint32_t(bits(r, 18));
  d.rows = uint32_t(bits(r, 8));
  d.sbuf_part = uint32_t(bits(r, 8));
  d.sbuf_addr = uint32_t(bits(r, 18));
  d.dir = uint32_t(bits(r, 1));
  return d;
}

Instr::Act random_act(Rng& r) {
  Instr::Act a;
  a.mode = coin(r) ? ActMode::kCopy : ActMode::kRequant;
  a.src_sbuf = coin(r);
  if (a.src_sbuf) {
    a.src_addr = uint32_t(bits(r, 18));
  } else {
    a.psum_bank = uint32_t(bits(r, 3));
    a.psum_off = uint32_t(bits(r, 9));
  }
  a.part = uint32_t(bits(r, 8));
  a.m = uint32_t(bits(r, 8));
  a.f = uint32_t(bits(r, 10));
  a.dst_addr = uint32_t(bits(r, 18));
  if (a.mode == ActMode::kRequant) {
    a.bs_sbuf = coin(r);
    if (a.bs_sbuf) {
      a.bs_addr = uint32_t(bits(r, 18));
    } else {
      a.bias = int32_t(uint32_t(r()));
      a.scale = int16_t(uint16_t(r()));
    }
    a.shift = uint32_t(bits(r, 6));
    a.relu = coin(r);
  }
  return a;
}

// Any encodable instruction of kind `kind` (0..6).
Instr random_instr(Rng& r, int kind) {
  Instr in;
  switch (kind) {
    case 0:
      return Instr::nop();
    case 1:
      in = Instr::end();
      in.sem = random_sem(r, true, false);
      return in;
    case 2:
      in = Instr::sync(Engine(r() % 5));
      break;
    case 3:
      in = Instr::dma(uint32_t(bits(r, 1)), random_desc(r));
      break;
    case 4:
      in =
          Instr::pe(PeCmd::ldw(uint32_t(bits(r, 18)), uint32_t(bits(r, 8)), uint32_t(bits(r, 10))));
      break;
    case 5:
      in = Instr::pe(PeCmd::mm(uint32_t(bits(r, 18)), uint32_t(bits(r, 10)), uint32_t(bits(r, 3)),
                               uint32_t(bits(r, 9)), coin(r)));
      break;
    default:
      in = Instr::act(random_act(r));
      break;
  }
  in.sem = random_sem(r, true, true);
  return in;
}
constexpr int kKinds = 7;

std::vector<uint8_t> to_bytes(const InstrWords& w) {
  std::vector<uint8_t> b;
  for (uint64_t x : w)
    for (int i = 0; i < 8; ++i) b.push_back(uint8_t(x >> (8 * i)));
  return b;
}

InstrWords with_bit(InstrWords w, uint32_t bit) {
  w[bit / 64] |= uint64_t(1) << (bit % 64);
  return w;
}

// --- Encoding ----------------------------------------------------------------

TEST(Isa, RoundTripEveryKindRandom) {
  Rng r(test::test_seed(1));
  for (int kind = 0; kind < kKinds; ++kind) {
    for (int n = 0; n < 2000; ++n) {
      const Instr in = random_instr(r, kind);
      const InstrWords w = encode(in);
      const Instr out = decode(w);
      ASSERT_EQ(encode(out), w) << to_string(in);
      ASSERT_EQ(out.opcode(), in.opcode());
      ASSERT_EQ(to_string(out), to_string(in));
    }
  }
}

TEST(Isa, HandComputedWords) {
  // The bit tables of docs/isa.md, worked by hand.
  EXPECT_EQ(encode(Instr::nop()), (InstrWords{0x01, 0, 0, 0}));
  EXPECT_EQ(encode(Instr::end().wait(2, 3)), (InstrWords{0x6202, 0, 0, 0}));
  EXPECT_EQ(encode(Instr::sync(Engine::kAct).wait(3, 1).signal(4, 2)),
            (InstrWords{0x0000000880002303ull, 2, 0, 0}));
  EXPECT_EQ(encode(Instr::pe(PeCmd::ldw(0x40, 8, 8))),
            (InstrWords{0x20, 0x0000008010040000ull, 0, 0}));
  EXPECT_EQ(encode(Instr::pe(PeCmd::mm(0x200, 64, 1, 0, true)).signal(1)),
            (InstrWords{0x0000000420000021ull, 0x0018040000201000ull, 0, 0}));

  DmaDesc d;
  d.dram_addr = 0x10000;
  d.row_stride = 64;
  d.rows = 8;
  d.row_bytes = 64;
  d.planes = 1;
  EXPECT_EQ(encode(Instr::dma(1, d)), (InstrWords{0x0000040000000010ull, 0x0001001002000000ull,
                                                  0x0000004000000000ull, 0x10000}));
  DmaDesc s;  // a store whose sbuf_addr straddles words 0 and 1
  s.dir = 1;
  s.sbuf_addr = 0x11;
  s.rows = 1;
  s.row_bytes = 1;
  s.planes = 1;
  EXPECT_EQ(
      encode(Instr::dma(0, s)),
      (InstrWords{0x1800000000000010ull,
                  (uint64_t(1) << 48) | (uint64_t(1) << 30) | (uint64_t(1) << 22) | 1, 0, 0}));

  Instr::Act a;
  a.psum_bank = 2;
  a.psum_off = 5;
  a.part = 1;
  a.m = 4;
  a.f = 16;
  a.dst_addr = 0x100;
  a.bias = -1;
  a.scale = 3;
  a.shift = 7;
  a.relu = true;
  EXPECT_EQ(encode(Instr::act(a)), (InstrWords{0x30, 0x1010405000000000ull, 0x0000001000000004ull,
                                               0xffffffff00031e00ull}));
  // The first byte in DRAM is the opcode.
  EXPECT_EQ(to_bytes(encode(Instr::act(a)))[0], 0x30);
}

// Every ACT field alone at value 1 (or its lowest legal setting) lands on
// the lsb of docs/isa.md's table.
TEST(Isa, ActFieldPositions) {
  struct Case {
    const char* field;
    uint32_t lsb;
    void (*set)(Instr::Act&);
  };
  const Case cases[] = {
      {"bias", 224, [](Instr::Act& a) { a.bias = 1; }},
      {"scale", 208, [](Instr::Act& a) { a.scale = 1; }},
      {"shift", 202, [](Instr::Act& a) { a.shift = 1; }},
      {"relu", 201, [](Instr::Act& a) { a.relu = true; }},
      {"mode", 197, [](Instr::Act& a) { a.mode = ActMode::kCopy; }},
      {"dst_addr", 156, [](Instr::Act& a) { a.dst_addr = 1; }},
      {"part", 130, [](Instr::Act& a) { a.part = 1; }},
      {"m", 122, [](Instr::Act& a) { a.m = 1; }},
      {"f", 112, [](Instr::Act& a) { a.f = 1; }},
      {"psum_bank", 109, [](Instr::Act& a) { a.psum_bank = 1; }},
      {"psum_off", 100, [](Instr::Act& a) { a.psum_off = 1; }},
      {"src_sbuf", 99, [](Instr::Act& a) { a.src_sbuf = true; }},
      {"bs_sbuf", 200, [](Instr::Act& a) { a.bs_sbuf = true; }},
  };
  for (const Case& c : cases) {
    Instr::Act a;
    a.m = 0;
    a.f = 0;
    c.set(a);
    EXPECT_EQ(encode(Instr::act(a)), with_bit(InstrWords{0x30, 0, 0, 0}, c.lsb)) << c.field;
  }
  Instr::Act a;
  a.m = a.f = 0;
  a.src_sbuf = true;
  a.src_addr = 1;
  EXPECT_EQ(encode(Instr::act(a)), with_bit(with_bit(InstrWords{0x30, 0, 0, 0}, 99), 174));
  a = Instr::Act{};
  a.m = a.f = 0;
  a.bs_sbuf = true;
  a.bs_addr = 1;
  EXPECT_EQ(encode(Instr::act(a)), with_bit(with_bit(InstrWords{0x30, 0, 0, 0}, 200), 138));
}

TEST(Isa, DmaWordIsThePackedDescriptor) {
  Rng r(test::test_seed(2));
  for (int n = 0; n < 2000; ++n) {
    const DmaDesc d = random_desc(r);
    Instr in = random_instr(r, 3);
    std::get<Instr::Dma>(in.op).desc = d;
    InstrWords w = encode(in);
    EXPECT_EQ(w[0] & 0xff, 0x10u);
    w[0] &= ~((uint64_t(1) << 59) - 1);  // what the sequencer forwards
    ASSERT_EQ(w, d.pack());
    EXPECT_EQ(DmaDesc::unpack(w), d);
  }
}

TEST(Isa, PeWordIsThePackedCommand) {
  Rng r(test::test_seed(3));
  for (int n = 0; n < 2000; ++n) {
    const Instr in = random_instr(r, 4 + n % 2);
    const InstrWords w = encode(in);
    const PeCmd& c = std::get<Instr::Pe>(in.op).cmd;
    ASSERT_EQ(w[1], c.pack());
    EXPECT_EQ(w[2], 0u);
    EXPECT_EQ(w[3], 0u);
    EXPECT_EQ(w[0] & 0xff, c.op == PeOp::kLdw ? 0x20u : 0x21u);
  }
}

TEST(Isa, EncodeRejectsFieldsThatDoNotFit) {
  EXPECT_THROW(encode(Instr::pe(PeCmd::ldw(1 << 18, 1, 1))), IsaError);
  EXPECT_THROW(encode(Instr::end().wait(32, 1)), IsaError);
  EXPECT_THROW(encode(Instr::end().wait(1, 0x10000)), IsaError);
  EXPECT_THROW(encode(Instr::sync(Engine::kPe).signal(1, 256)), IsaError);
  EXPECT_THROW(encode(Instr::dma(2, DmaDesc{})), IsaError);
  EXPECT_THROW(encode(Instr::end().signal(1)), IsaError);
  EXPECT_THROW(encode(Instr::nop().wait(1, 1)), IsaError);
  Instr::Act a;
  a.scale = 40000;
  EXPECT_THROW(encode(Instr::act(a)), IsaError);
  try {
    encode(Instr::pe(PeCmd::ldw(0, 256, 1)));
    FAIL();
  } catch (const IsaError& e) {
    EXPECT_NE(std::string(e.what()).find("rows"), std::string::npos) << e.what();
  }
}

::testing::AssertionResult rejects(const InstrWords& w, CoreError code, const std::string& part) {
  try {
    const Instr i = decode(w);
    return ::testing::AssertionFailure() << "decoded as " << to_string(i);
  } catch (const IsaError& e) {
    if (e.code() != code)
      return ::testing::AssertionFailure()
             << "code " << core_error_name(e.code()) << ": " << e.what();
    if (std::string(e.what()).find(part) == std::string::npos)
      return ::testing::AssertionFailure() << "message '" << e.what() << "' lacks '" << part << "'";
    return ::testing::AssertionSuccess();
  }
}

TEST(Isa, DecodeRejectsIllegalOpcodes) {
  for (uint64_t op : {0x00, 0x04, 0x0f, 0x11, 0x22, 0x31, 0x40, 0xff})
    EXPECT_TRUE(rejects({op, 0, 0, 0}, CoreError::kIllegalOpcode, "illegal opcode"));
  // A zeroed program is illegal from its first instruction.
  try {
    decode_program(std::vector<uint8_t>(64, 0));
    FAIL();
  } catch (const IsaError& e) {
    EXPECT_EQ(e.code(), CoreError::kIllegalOpcode);
    EXPECT_NE(std::string(e.what()).find("instruction 0"), std::string::npos);
  }
}

TEST(Isa, DecodeRejectsReservedBits) {
  const InstrWords nop = encode(Instr::nop());
  for (uint32_t b = 8; b < 256; ++b)
    EXPECT_TRUE(rejects(with_bit(nop, b), CoreError::kReserved, "nop")) << "bit " << b;
  const InstrWords end = encode(Instr::end());
  for (uint32_t b : {29u, 34u, 42u, 43u, 58u, 59u, 64u, 255u})
    EXPECT_TRUE(rejects(with_bit(end, b), CoreError::kReserved, "end")) << "bit " << b;
  // Header: reserved 58:43; queue only in DMA; wait_sem without a wait.
  const InstrWords ldw = encode(Instr::pe(PeCmd::ldw(0, 8, 8)));
  EXPECT_TRUE(rejects(with_bit(ldw, 43), CoreError::kReserved, "reserved bit 43"));
  EXPECT_TRUE(rejects(with_bit(ldw, 58), CoreError::kReserved, "reserved bit 58"));
  EXPECT_TRUE(rejects(with_bit(ldw, 42), CoreError::kReserved, "reserved bit 42"));
  EXPECT_TRUE(rejects(with_bit(ldw, 8), CoreError::kReserved, "wait_sem"));
  EXPECT_TRUE(rejects(with_bit(ldw, 29), CoreError::kReserved, "sig_sem"));
  // LDW / MM: pe_cmd_t reserved bits, the unused fields, dtype, op mismatch.
  EXPECT_TRUE(rejects(with_bit(ldw, 64 + 54), CoreError::kReserved, "reserved bit 118"));
  EXPECT_TRUE(rejects(with_bit(ldw, 64 + 2), CoreError::kReserved, "reserved bit 66"));
  EXPECT_TRUE(rejects(with_bit(ldw, 64 + 51), CoreError::kReserved, "ldw: pe_cmd acc"));
  EXPECT_TRUE(rejects(with_bit(ldw, 64 + 12), CoreError::kReserved, "ldw: pe_cmd acc"));
  EXPECT_TRUE(rejects(with_bit(ldw, 64 + 52), CoreError::kReserved, "does not match"));
  EXPECT_TRUE(rejects(with_bit(ldw, 128), CoreError::kReserved, "dtype 1"));
  EXPECT_TRUE(rejects(with_bit(ldw, 130), CoreError::kReserved, "reserved bit 130"));
  const InstrWords mm = encode(Instr::pe(PeCmd::mm(0, 8, 0, 0, false)));
  EXPECT_TRUE(rejects(with_bit(mm, 64 + 25), CoreError::kReserved, "mm: pe_cmd rows"));
  // SYNC: engines 5..7.
  InstrWords sync = encode(Instr::sync(Engine::kDma1));
  EXPECT_TRUE(rejects(with_bit(sync, 64), CoreError::kReserved, "engine 5"));
  EXPECT_TRUE(rejects(with_bit(sync, 67), CoreError::kReserved, "reserved bit 67"));
  // DMA: the descriptor's reserved bits 58:43 stay reserved.
  const InstrWords dma = encode(Instr::dma(0, DmaDesc{}));
  EXPECT_TRUE(rejects(with_bit(dma, 50), CoreError::kReserved, "dma: reserved bit 50"));
  // ACT: reserved modes, bits, and fields of the unused alternatives.
  const InstrWords act = encode(Instr::act(Instr::Act{}));
  EXPECT_TRUE(rejects(with_bit(act, 198), CoreError::kReserved, "mode 2"));
  EXPECT_TRUE(rejects(with_bit(act, 192), CoreError::kReserved, "reserved bit 192"));
  EXPECT_TRUE(rejects(with_bit(act, 70), CoreError::kReserved, "reserved bit 70"));
  EXPECT_TRUE(rejects(with_bit(with_bit(act, 99), 109), CoreError::kReserved, "SBUF source"));
  EXPECT_TRUE(rejects(with_bit(act, 174), CoreError::kReserved, "src_addr"));
  EXPECT_TRUE(rejects(with_bit(act, 138), CoreError::kReserved, "bs_addr"));
  EXPECT_TRUE(rejects(with_bit(with_bit(act, 200), 208), CoreError::kReserved, "immediates"));
  EXPECT_TRUE(rejects(with_bit(with_bit(act, 197), 201), CoreError::kReserved, "copy mode"));
}

TEST(Isa, DecodeProgramReportsTheInstructionIndex) {
  std::vector<uint8_t> prog = encode_program(
      {Instr::nop(), Instr::pe(PeCmd::ldw(0, 8, 8)), Instr::sync(Engine::kPe), Instr::end()});
  prog[2 * kInstrBytes + 10] |= 0x40;  // bit 86 of instruction 2
  try {
    disassemble(prog);
    FAIL();
  } catch (const IsaError& e) {
    EXPECT_EQ(e.code(), CoreError::kReserved);
    EXPECT_EQ(std::string(e.what()), "instruction 2 (byte 0x40): sync: reserved bit 86 set");
  }
  prog.resize(prog.size() - 1);
  try {
    disassemble(prog);
    FAIL();
  } catch (const IsaError& e) {
    EXPECT_NE(std::string(e.what()).find("instruction 3 is truncated"), std::string::npos)
        << e.what();
  }
}

// --- Static checks -------------------------------------------------------------

TEST(Isa, ValidateRanges) {
  const Config c = test::cfg("small");  // P 8, SBUF 4096, 4 banks x 64
  auto code = [&](const Instr& i) { return validate(c, i).code; };
  EXPECT_EQ(code(Instr::pe(PeCmd::ldw(0, 8, 8))), CoreError::kOk);
  EXPECT_EQ(code(Instr::pe(PeCmd::ldw(0, 9, 8))), CoreError::kIllegalField);
  EXPECT_EQ(code(Instr::pe(PeCmd::ldw(4090, 8, 8))), CoreError::kSbufRange);
  EXPECT_EQ(code(Instr::pe(PeCmd::mm(0, 64, 3, 0, true))), CoreError::kOk);
  EXPECT_EQ(code(Instr::pe(PeCmd::mm(0, 64, 4, 0, false))), CoreError::kPsumRange);
  EXPECT_EQ(code(Instr::pe(PeCmd::mm(0, 8, 0, 60, false))), CoreError::kPsumRange);
  EXPECT_EQ(code(Instr::pe(PeCmd::mm(4095, 8, 0, 0, false))), CoreError::kSbufRange);
  EXPECT_EQ(code(Instr::pe(PeCmd::mm(0, 65, 0, 0, false))), CoreError::kIllegalField);
  EXPECT_EQ(code(Instr::end().wait(15, 1)), CoreError::kOk);
  EXPECT_EQ(code(Instr::end().wait(16, 1)), CoreError::kIllegalField);
  EXPECT_EQ(code(Instr::sync(Engine::kPe).signal(20)), CoreError::kIllegalField);
  EXPECT_EQ(validate(c, Instr::sync(Engine::kPe).signal(20), 32).code, CoreError::kOk);

  DmaDesc d;
  d.rows = 8;
  d.row_bytes = 64;
  EXPECT_EQ(code(Instr::dma(0, d)), CoreError::kOk);
  d.sbuf_part = 1;
  EXPECT_EQ(code(Instr::dma(0, d)), CoreError::kSbufRange);
  d.sbuf_part = 0;
  d.sbuf_addr = 4096 - 63;
  EXPECT_EQ(code(Instr::dma(0, d)), CoreError::kSbufRange);
  d.sbuf_addr = 0;
  d.rows = 0;
  EXPECT_EQ(code(Instr::dma(0, d)), CoreError::kIllegalField);

  Instr::Act a;
  a.m = 8;
  a.f = 64;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);
  a.part = 1;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kSbufRange);
  a.part = 0;
  a.psum_off = 1;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kPsumRange);
  a.psum_off = 0;
  a.psum_bank = 4;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kPsumRange);
  a.psum_bank = 0;
  a.m = 0;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kIllegalField);
  a.m = 8;
  a.dst_addr = 4096 - 63;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kSbufRange);
  a.dst_addr = 0;
  a.mode = ActMode::kCopy;
  a.dst_addr = 4096 - 256;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);
  a.dst_addr = 4096 - 255;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kSbufRange);
  a.dst_addr = 0x100;
  a.src_sbuf = true;
  a.src_addr = 0;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);  // [0, 256) and [256, 512)
  a.src_addr = 0x80;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kIllegalField);  // overlap
  // Alignment (the ACT engine reads int32 elements and records inside one
  // SBUF word): SBUF source 4, copy destination 4, bias / scale record 8.
  a.src_addr = 0x202;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kIllegalField);
  a.src_addr = 0x204;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);
  a.dst_addr = 0x102;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kIllegalField);
  a.mode = ActMode::kRequant;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);  // an int8 destination needs no alignment
  a.bs_sbuf = true;
  a.scale = 0;
  a.bs_addr = 0x404;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kIllegalField);
  EXPECT_NE(validate(c, Instr::act(a)).message.find("multiple of 8"), std::string::npos);
  a.bs_addr = 0x408;
  EXPECT_EQ(code(Instr::act(a)), CoreError::kOk);
  const InstrCheck chk = validate(c, Instr::pe(PeCmd::ldw(0, 9, 8)));
  EXPECT_NE(chk.message.find("K=9"), std::string::npos) << chk.message;
}

// --- ACT arithmetic -------------------------------------------------------------

TEST(Isa, RoundShiftIsRoundHalfUp) {
  // docs/isa.md examples, s = 1.
  EXPECT_EQ(round_shift(5, 1), 3);
  EXPECT_EQ(round_shift(-5, 1), -2);
  EXPECT_EQ(round_shift(-7, 1), -3);
  EXPECT_EQ(round_shift(3, 1), 2);
  EXPECT_EQ(round_shift(-3, 1), -1);
  EXPECT_EQ(round_shift(-4, 1), -2);
  EXPECT_EQ(round_shift(123, 0), 123);
  EXPECT_EQ(round_shift(-1, 63), 0);
  EXPECT_EQ(round_shift(-(int64_t(1) << 47), 48), 0);  // -0.5 -> 0 (ties go up)
  EXPECT_EQ(round_shift((int64_t(1) << 47) - 1, 48), 0);
  EXPECT_EQ(round_shift(int64_t(1) << 47, 48), 1);
}

TEST(Isa, RoundShiftMatchesFloorOfHalfUp) {
  Rng r(test::test_seed(5));
  for (int n = 0; n < 100000; ++n) {
    const int64_t v = int64_t(r() % (uint64_t(1) << 49)) - (int64_t(1) << 48);
    const uint32_t s = uint32_t(1 + r() % 50);
    // The definition: floor((v + 2^(s-1)) / 2^s), as a quotient rounded down.
    const int64_t num = v + (int64_t(1) << (s - 1)), den = int64_t(1) << s;
    int64_t q = num / den;
    if ((num % den != 0) && (num < 0)) --q;
    ASSERT_EQ(round_shift(v, s), q) << "v=" << v << " s=" << s;
  }
}

TEST(Isa, ActRequant) {
  EXPECT_EQ(act_requant(10, 0, 1, 0, false), 10);
  EXPECT_EQ(act_requant(1000, 0, 1, 0, false), 127);  // saturates
  EXPECT_EQ(act_requant(-1000, 0, 1, 0, false), -128);
  EXPECT_EQ(act_requant(-1000, 0, 1, 0, true), 0);    // ReLU
  EXPECT_EQ(act_requant(5, 0, 1, 1, false), 3);       // 2.5 -> 3
  EXPECT_EQ(act_requant(-5, 0, 1, 1, false), -2);     // -2.5 -> -2
  EXPECT_EQ(act_requant(100, -36, 3, 2, false), 48);  // (64 * 3) / 4
  EXPECT_EQ(act_requant(7, 1, -3, 3, false), -3);     // -24 / 8
  // Exact intermediate: (2^31 - 1 + 2^31 - 1) * 32767 >> 40 = 127.99..
  EXPECT_EQ(act_requant(INT32_MAX, INT32_MAX, 32767, 40, false), 127);
  EXPECT_EQ(act_requant(INT32_MIN, INT32_MIN, 32767, 42, false), -32);  // -2^32 * 32767 / 2^42
  EXPECT_THROW(act_requant(0, 0, 40000, 0, false), std::invalid_argument);
}

// --- Assembler / disassembler ------------------------------------------------

TEST(Asm, ExampleProgram) {
  const std::string text = R"(# a tile: load, weights, multiply, requantize, store
dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
  DMA.LOAD q=1 dram=0x20000 row_stride=8 rows=8 row_bytes=8 part=0 sbuf=0x200 signal=s0   # weights
ldw sbuf=0x200 k=8 m=8 wait=s0>=2
mm sbuf=0 f=64 bank=0 signal=s1
act.requant bank=0 m=8 f=64 dst=0x400 bias=-3 scale=0x7fff shift=15 relu=1 wait=s1>=1 signal=s2
dma.store q=0 dram=0x30000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0x400 wait=s2>=1 signal=s3
end wait=s3>=1
)";
  const std::vector<Instr> p = assemble(text);
  ASSERT_EQ(p.size(), 7u);
  EXPECT_EQ(p[1], Instr::dma(1,
                             [] {
                               DmaDesc d;
                               d.dram_addr = 0x20000;
                               d.row_stride = 8;
                               d.rows = 8;
                               d.row_bytes = 8;
                               d.sbuf_addr = 0x200;
                               return d;
                             }())
                      .signal(0));
  EXPECT_EQ(p[2], Instr::pe(PeCmd::ldw(0x200, 8, 8)).wait(0, 2));
  EXPECT_EQ(p[3], Instr::pe(PeCmd::mm(0, 64, 0, 0, false)).signal(1));
  const auto& a = std::get<Instr::Act>(p[4].op);
  EXPECT_EQ(a.bias, -3);
  EXPECT_EQ(a.scale, 0x7fff);
  EXPECT_TRUE(a.relu);
  EXPECT_EQ(to_string(p[4]),
            "act.requant bank=0 off=0 part=0 m=8 f=64 dst=0x400 bias=-3 scale=32767 shift=15 "
            "relu=1 wait=s1>=1 signal=s2");
  const Config c = test::cfg("small");
  for (const Instr& i : p) EXPECT_TRUE(validate(c, i).ok()) << to_string(i);
  // Text -> binary -> text -> binary.
  const std::vector<uint8_t> bin = assemble_binary(text);
  EXPECT_EQ(bin.size(), 7 * kInstrBytes);
  EXPECT_EQ(assemble_binary(disassemble(bin)), bin);
}

TEST(Asm, RandomProgramsRoundTrip) {
  Rng r(test::test_seed(4));
  for (int n = 0; n < 200; ++n) {
    std::vector<Instr> prog;
    const int len = 1 + int(r() % 40);
    for (int i = 0; i < len; ++i) prog.push_back(random_instr(r, int(r() % kKinds)));
    const std::vector<uint8_t> bin = encode_program(prog);
    const std::string text = disassemble(bin);
    const std::vector<uint8_t> again = assemble_binary(text);
    ASSERT_EQ(again, bin) << text;
    ASSERT_EQ(disassemble(again), text);
  }
}

// The message of the error assemble() throws, or "" if it does not throw.
std::string asm_error(const std::string& text) {
  try {
    assemble(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Asm, Errors) {
  struct Case {
    std::string text, error;
  };
  const std::vector<Case> cases = {
      {"ldw sbuf=0 k=8 m=8\nfoo x=1", "line 2, column 1: unknown mnemonic 'foo'"},
      {"ldw sbuf=0 k=8 m=8 bank=1", "line 1, column 20: unknown operand 'bank' for ldw"},
      {"ldw sbuf=0 k=8", "line 1, column 1: missing operand 'm' for ldw"},
      {"ldw sbuf=0 k=8 k=4 m=8", "line 1, column 16: duplicate operand 'k' (first at column 12)"},
      {"ldw sbuf=0 k=256 m=8", "line 1, column 14: value 256 out of range 0..255 for 'k'"},
      {"ldw sbuf=0x4g k=8 m=8", "line 1, column 13: bad number '0x4g' for 'sbuf': unexpected 'g'"},
      {"mm sbuf=0 f=8 bank=0 acc", "line 1, column 22: expected key=value, got 'acc'"},
      {"ldw sbuf= k=8 m=8", "line 1, column 10: missing value for 'sbuf'"},
      {"end wait=s3>1", "line 1, column 12: 'wait' expects sN>=VALUE, got 's3>1'"},
      {"end wait=s40>=1", "line 1, column 11: value 40 out of range 0..31 for 'wait semaphore'"},
      {"end wait=s1>=0", "line 1, column 14: value 0 out of range 1..65535 for 'wait value'"},
      {"end wait=x1>=1", "line 1, column 10: 'wait' expects a semaphore sN, got 'x1>=1'"},
      {"sync engine=foo", "line 1, column 13: unknown engine 'foo' (seq, pe, act, dma0, dma1)"},
      {"sync engine=pe signal=s1+0",
       "line 1, column 26: value 0 out of range 1..255 for 'signal increment'"},
      {"sync engine=pe signal=s1-2",
       "line 1, column 25: 'signal' expects sN or sN+INC, got 's1-2'"},
      {"act.copy bank=0 src=0x10 m=1 f=1 dst=0",
       "line 1, column 17: operands 'bank' and 'src' exclude each other"},
      {"act.requant bank=0 m=1 f=1 dst=0 bs=0x10 bias=1",
       "line 1, column 42: operands 'bs' and 'bias' exclude each other"},
      {"act.copy bank=0 m=1 f=1 dst=0 relu=1",
       "line 1, column 31: unknown operand 'relu' for act.copy"},
      {"act.requant bank=0 m=1 f=1 dst=0 scale=40000",
       "line 1, column 40: value 40000 out of range -32768..32767 for 'scale'"},
      {"act.requant bank=0 m=1 f=1 dst=0 bias=-2147483649",
       "line 1, column 39: value -2147483649 out of range -2147483648..2147483647 for 'bias'"},
      {"ldw sbuf=-1 k=8 m=8", "line 1, column 10: 'sbuf' cannot be negative"},
      {"ldw =5 sbuf=0 k=8 m=8", "line 1, column 5: missing operand name before '=' in '=5'"},
      {"dma.load q=2 dram=0 row_stride=0 rows=1 row_bytes=1 part=0 sbuf=0",
       "line 1, column 12: value 2 out of range 0..1 for 'q'"},
      {"dma.load q=0 dram=0x1ffffffffffffffff row_stride=0 rows=1 row_bytes=1 part=0 sbuf=0",
       "line 1, column 19: value 0x1ffffffffffffffff out of range for 'dram' (more than 64 bits)"},
      {"mm sbuf=0 f=8 bank=0 acc=2", "line 1, column 26: value 2 out of range 0..1 for 'acc'"},
      {"nop wait=s1>=1", "line 1, column 5: unknown operand 'wait' for nop"},
      {"end signal=s1", "line 1, column 5: unknown operand 'signal' for end"},
      {"# header\n\n   \t# only a comment\n  ldw sbuf=0x k=8 m=8",
       "line 4, column 12: bad number '0x' for 'sbuf': no hex digits"},
  };
  for (const Case& c : cases) EXPECT_EQ(asm_error(c.text), c.error) << c.text;
}

TEST(Asm, ValidatesAgainstAConfiguration) {
  const Config c = test::cfg("small");
  const std::string ok = "ldw sbuf=0 k=8 m=8\nmm sbuf=0 f=64 bank=3\nend\n";
  EXPECT_EQ(assemble(ok, c).size(), 3u);
  try {
    assemble("ldw sbuf=0 k=8 m=8\n  mm sbuf=0 f=64 bank=4\nend\n", c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "line 2, column 3: PSUM_RANGE: mm: psum_bank=4 out of range 0..3");
  }
  try {
    assemble("end wait=s16>=1", c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "line 1, column 1: ILLEGAL_FIELD: end: wait semaphore s16 out of range s0..s15");
  }
  EXPECT_EQ(assemble("end wait=s16>=1", c, 32).size(), 1u);
}

TEST(Asm, CommentsBlankLinesAndCase) {
  const auto p = assemble("\n# x\n  NOP   # y\r\n\tend\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], Instr::nop());
  EXPECT_EQ(p[1], Instr::end());
  EXPECT_TRUE(assemble("").empty());
}

}  // namespace
}  // namespace loom
