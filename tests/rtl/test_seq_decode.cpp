// Unit test of seq_decode, the sequencer's static instruction check
// (docs/sequencer.md "Decode"): for thousands of random and targeted
// 256-bit words, the RTL's code must equal the C++ reference, loom::decode()
// (ILLEGAL_OPCODE, RESERVED) followed by loom::validate() (ILLEGAL_FIELD,
// SBUF_RANGE, PSUM_RANGE, DRAM_WINDOW), at the configuration the model was
// Verilated with; and its queue classification must match the instruction.
// Random tests print their seed; LOOM_SEED overrides it.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vseq_decode.h"
#include "loom/asm.h"
#include "loom/isa.h"
#include "verilated.h"
#include "common/test_seed.h"

namespace {

constexpr uint32_t kP = LOOM_UT_P;
constexpr uint32_t kSb = LOOM_UT_SB;
constexpr uint32_t kBanks = LOOM_UT_BANKS;
constexpr uint32_t kEntries = LOOM_UT_ENTRIES;
constexpr uint32_t kSems = LOOM_UT_SEMS;

loom::Config TestConfig() { return loom::Config{"ut", kP, kSb, 8, kBanks, kEntries, 4, 8}; }

struct Field {
  uint32_t lsb, width;
};

void Put(loom::InstrWords& w, Field f, uint64_t v) {
  for (uint32_t i = 0; i < f.width; ++i) {
    const uint32_t b = f.lsb + i;
    const uint64_t bit = uint64_t(1) << (b % 64);
    w[b / 64] = ((v >> i) & 1) ? (w[b / 64] | bit) : (w[b / 64] & ~bit);
  }
}

// The reference: code and queue (0 seq, 1 PE, 2 ACT, 3 DMA0, 4 DMA1).
struct Ref {
  uint32_t code = 0;
  int queue = -1;  // -1 when the word is not decodable
};

Ref Reference(const loom::InstrWords& w) {
  Ref r;
  loom::Instr in;
  try {
    in = loom::decode(w);
  } catch (const loom::IsaError& e) {
    r.code = uint32_t(e.code());
    return r;
  }
  r.code = uint32_t(loom::validate(TestConfig(), in, kSems).code);
  r.queue = 0;
  if (const auto* s = std::get_if<loom::Instr::Sync>(&in.op)) r.queue = int(s->engine);
  if (std::holds_alternative<loom::Instr::Pe>(in.op)) r.queue = 1;
  if (std::holds_alternative<loom::Instr::Act>(in.op)) r.queue = 2;
  if (const auto* d = std::get_if<loom::Instr::Dma>(&in.op)) r.queue = 3 + int(d->queue);
  return r;
}

class DecodeBench {
 public:
  DecodeBench() {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vseq_decode>(ctx_.get(), "dec");
  }
  ~DecodeBench() { dut_->final(); }

  // Applies the word; returns the RTL's code.
  uint32_t Code(const loom::InstrWords& w) {
    for (int i = 0; i < 4; ++i) {
      dut_->instr_i[2 * i] = uint32_t(w[i]);
      dut_->instr_i[2 * i + 1] = uint32_t(w[i] >> 32);
    }
    dut_->eval();
    return dut_->code_o;
  }
  int Queue() const { return dut_->queue_o; }
  bool IsNop() const { return dut_->is_nop_o; }
  bool IsEnd() const { return dut_->is_end_o; }
  bool IsSync() const { return dut_->is_sync_o; }

  // Compares one word; counts codes.
  void Check(const loom::InstrWords& w) {
    const Ref r = Reference(w);
    const uint32_t got = Code(w);
    ++hits_[r.code];
    ++checked_;
    if (got != r.code) {
      ++mismatches_;
      if (mismatches_ <= 10)
        ADD_FAILURE() << "word " << Hex(w) << ": RTL code " << got << ", reference " << r.code;
      return;
    }
    if (r.code == 0) {
      EXPECT_EQ(Queue(), r.queue) << Hex(w);
      const uint8_t op = uint8_t(w[0]);
      EXPECT_EQ(IsNop(), op == 0x01) << Hex(w);
      EXPECT_EQ(IsEnd(), op == 0x02) << Hex(w);
      EXPECT_EQ(IsSync(), op == 0x03) << Hex(w);
    }
  }

  static std::string Hex(const loom::InstrWords& w) {
    char s[80];
    snprintf(s, sizeof s, "%016llx_%016llx_%016llx_%016llx", (unsigned long long)w[3],
             (unsigned long long)w[2], (unsigned long long)w[1], (unsigned long long)w[0]);
    return s;
  }

  std::map<uint32_t, uint64_t> hits_;
  uint64_t checked_ = 0, mismatches_ = 0;

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vseq_decode> dut_;
};

// Field tables (docs/isa.md) per opcode.
const std::vector<Field> kHeader = {{8, 5}, {13, 16}, {29, 5}, {34, 8}};
const std::vector<Field> kSync = {{64, 3}};
const std::vector<Field> kDma = {{192, 64}, {160, 32}, {128, 32}, {112, 16}, {94, 18},
                                 {86, 8},   {78, 8},   {60, 18},  {59, 1},   {42, 1}};
const std::vector<Field> kPe = {{128, 2}, {116, 2}, {115, 1}, {97, 18},
                                {89, 8},  {79, 10}, {76, 3},  {67, 9}};
const std::vector<Field> kAct = {{224, 32}, {208, 16}, {202, 6},  {201, 1},  {200, 1},
                                 {197, 3},  {174, 18}, {156, 18}, {138, 18}, {130, 8},
                                 {122, 8},  {112, 10}, {109, 3},  {100, 9},  {99, 1}};

// Values that sit on the configuration's bounds, and plain random ones.
class Values {
 public:
  explicit Values(uint64_t seed) : rng_(seed) {}
  uint64_t For(uint32_t width) {
    const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    static const std::vector<uint64_t> kEdges = {1,
                                                 2,
                                                 3,
                                                 4,
                                                 7,
                                                 8,
                                                 kP - 1,
                                                 kP,
                                                 kP + 1,
                                                 kBanks - 1,
                                                 kBanks,
                                                 kBanks + 1,
                                                 kEntries - 1,
                                                 kEntries,
                                                 kEntries + 1,
                                                 kSems - 1,
                                                 kSems,
                                                 kSb - 8,
                                                 kSb - 4,
                                                 kSb - 1,
                                                 kSb,
                                                 kSb + 1,
                                                 kSb / 2,
                                                 kEntries / 2};
    switch (rng_() % 8) {
      case 0:
      case 1:
      case 2:
        return 0;
      case 3:
        return kEdges[rng_() % kEdges.size()] & mask;
      case 4:
        return (rng_() % 17) & mask;
      case 5:
        return mask - (rng_() % 3);  // all ones and just below
      case 6:
        return (kEdges[rng_() % kEdges.size()] - kEdges[rng_() % kEdges.size()] / 2) & mask;
      default:
        return rng_() & mask;
    }
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// A word with a known opcode and every field of it drawn from Values; now
// and then a stray bit anywhere.
loom::InstrWords Targeted(Values& v) {
  static const uint8_t kOps[] = {0x01, 0x02, 0x03, 0x10, 0x20, 0x21, 0x30};
  std::mt19937_64& rng = v.rng();
  const uint8_t op = kOps[rng() % 7];
  loom::InstrWords w{};
  Put(w, {0, 8}, op);
  // Header: usually a consistent wait / signal pair (both or neither).
  if (rng() % 3 != 0) {
    Put(w, {8, 5}, v.For(5));
    Put(w, {13, 16}, v.For(16));
    Put(w, {29, 5}, v.For(5));
    Put(w, {34, 8}, v.For(8));
  }
  const std::vector<Field>* f = nullptr;
  if (op == 0x03) f = &kSync;
  if (op == 0x10) f = &kDma;
  if (op == 0x20 || op == 0x21) f = &kPe;
  if (op == 0x30) f = &kAct;
  if (f)
    for (Field x : *f) Put(w, x, v.For(x.width));
  // The PE op field usually agrees with the opcode, dtype usually 0.
  if ((op == 0x20 || op == 0x21) && rng() % 4 != 0) {
    Put(w, {116, 2}, op & 1);
    Put(w, {128, 2}, 0);
  }
  if (op == 0x03 && rng() % 2) Put(w, {64, 3}, rng() % 5);
  // DMA: often a clean header and a DRAM range near the top of the 64-bit
  // space (DRAM_WINDOW when it passes 2^64).
  if (op == 0x10 && rng() % 3 == 0) {
    for (Field x : kHeader) Put(w, x, 0);
    Put(w, {192, 64}, ~uint64_t(0) - (rng() % 4096));
    Put(w, {112, 16}, 1 + rng() % 2);
    Put(w, {86, 8}, 1 + rng() % kP);
    Put(w, {78, 8}, 0);
    Put(w, {94, 18}, 1 + rng() % 64);
    Put(w, {60, 18}, rng() % 64);
  }
  if (rng() % 10 == 0) {
    const uint32_t b = rng() % 256;
    w[b / 64] ^= uint64_t(1) << (b % 64);
  }
  return w;
}

// A legal instruction of every kind (encode() of random fields in range).
loom::InstrWords Legal(std::mt19937_64& rng) {
  auto r = [&](uint32_t lo, uint32_t hi) { return lo + uint32_t(rng() % (hi - lo + 1)); };
  loom::Instr in = loom::Instr::nop();
  switch (rng() % 7) {
    case 0:
      in = loom::Instr::end();
      break;
    case 1:
      in = loom::Instr::sync(loom::Engine(r(0, 4)));
      break;
    case 2: {
      loom::DmaDesc d;
      d.dram_addr = rng() >> 20;
      d.row_stride = uint32_t(rng());
      d.plane_stride = uint32_t(rng());
      d.rows = r(1, kP);
      d.sbuf_part = r(0, kP - d.rows);
      d.planes = r(1, 4);
      d.row_bytes = r(1, kSb / d.planes);
      d.sbuf_addr = r(0, kSb - d.planes * d.row_bytes);
      d.dir = r(0, 1);
      in = loom::Instr::dma(r(0, 1), d);
      break;
    }
    case 3: {
      loom::PeCmd c;
      c.op = loom::PeOp::kLdw;
      c.rows = r(1, kP);
      c.cols = r(1, kP);
      c.sbuf_addr = r(0, kSb - c.cols);
      in = loom::Instr::pe(c);
      break;
    }
    case 4: {
      loom::PeCmd c;
      c.op = loom::PeOp::kMm;
      c.cols = r(1, kEntries);
      c.psum_bank = r(0, kBanks - 1);
      c.psum_off = r(0, kEntries - c.cols);
      c.sbuf_addr = r(0, kSb - c.cols);
      c.acc = r(0, 1);
      in = loom::Instr::pe(c);
      break;
    }
    case 5: {
      loom::Instr::Act a;
      a.m = r(1, kP);
      a.part = r(0, kP - a.m);
      a.f = r(1, kEntries);
      a.psum_bank = r(0, kBanks - 1);
      a.psum_off = r(0, kEntries - a.f);
      a.dst_addr = r(0, kSb - a.f);
      a.scale = int32_t(r(0, 65535)) - 32768;
      a.bias = int32_t(rng());
      a.shift = r(0, 63);
      a.relu = r(0, 1);
      in = loom::Instr::act(a);
      break;
    }
    default:
      break;
  }
  if (!std::holds_alternative<loom::Instr::Nop>(in.op)) {
    if (rng() % 2) in.wait(r(0, kSems - 1), r(1, 65535));
    if (!std::holds_alternative<loom::Instr::End>(in.op) && rng() % 2)
      in.signal(r(0, kSems - 1), r(1, 255));
  }
  return loom::encode(in);
}

TEST(SeqDecode, RandomWords) {
  DecodeBench b;
  std::mt19937_64 rng(loom::test::test_seed(11));
  for (int i = 0; i < 3000; ++i) {
    loom::InstrWords w{rng(), rng(), rng(), rng()};
    b.Check(w);
    w[0] = (w[0] & ~uint64_t(0xff)) | (i % 256);  // every opcode value
    b.Check(w);
  }
  EXPECT_EQ(b.mismatches_, 0u);
  EXPECT_GT(b.hits_[1], 1000u);  // nearly all random words have an illegal opcode
  EXPECT_GT(b.hits_[2], 10u);
}

TEST(SeqDecode, TargetedWords) {
  DecodeBench b;
  Values v(loom::test::test_seed(12));
  for (int i = 0; i < 40000; ++i) b.Check(Targeted(v));
  EXPECT_EQ(b.mismatches_, 0u);
  for (uint32_t code = 0; code <= 6; ++code)
    EXPECT_GT(b.hits_[code], 20u) << "code " << code << " rarely reached: " << b.hits_[code];
  std::printf("codes:");
  for (auto [c, n] : b.hits_) std::printf(" %u:%llu", c, (unsigned long long)n);
  std::printf("\n");
}

TEST(SeqDecode, LegalWordsAndSingleBitFlips) {
  DecodeBench b;
  std::mt19937_64 rng(loom::test::test_seed(13));
  for (int i = 0; i < 3000; ++i) {
    const loom::InstrWords w = Legal(rng);
    ASSERT_EQ(b.Code(w), 0u) << DecodeBench::Hex(w);
    b.Check(w);
    // Every single-bit flip of a few of them.
    if (i % 100 == 0) {
      for (uint32_t bit = 0; bit < 256; ++bit) {
        loom::InstrWords x = w;
        x[bit / 64] ^= uint64_t(1) << (bit % 64);
        b.Check(x);
      }
    }
  }
  EXPECT_EQ(b.mismatches_, 0u);
  EXPECT_GE(b.hits_[0], 3000u);
}

// Hand-picked words on each boundary, with the expected code spelled out.
TEST(SeqDecode, Boundaries) {
  DecodeBench b;
  auto word = [](const std::string& text) { return loom::encode(loom::assemble(text).at(0)); };
  struct Case {
    std::string text;
    uint32_t code;
  };
  const std::string last = std::to_string(kSb - 1);
  const std::vector<Case> cases = {
      {"nop", 0},
      {"end wait=s" + std::to_string(kSems - 1) + ">=1", 0},
      {"sync engine=dma1 signal=s0+255", 0},
      {"ldw sbuf=0 k=" + std::to_string(kP) + " m=" + std::to_string(kP), 0},
      {"ldw sbuf=0 k=" + std::to_string(kP + 1) + " m=1", 3},
      {"ldw sbuf=" + last + " k=1 m=1", 0},
      {"ldw sbuf=" + last + " k=1 m=2", 4},
      {"mm sbuf=0 f=" + std::to_string(kEntries) + " bank=" + std::to_string(kBanks - 1), 0},
      {"mm sbuf=0 f=" + std::to_string(kEntries + 1) + " bank=0", 3},
      {"mm sbuf=0 f=1 bank=" + std::to_string(kBanks), 5},
      {"mm sbuf=0 f=2 bank=0 off=" + std::to_string(kEntries - 1), 5},
      {"mm sbuf=" + last + " f=2 bank=0", 4},
      {"act.copy bank=0 m=1 f=1 dst=0 part=" + std::to_string(kP - 1), 0},
      {"act.copy bank=0 m=2 f=1 dst=0 part=" + std::to_string(kP - 1), 4},
      {"act.copy src=0 m=1 f=2 dst=4", 3},  // SBUF source and destination overlap
      {"act.copy src=0 m=1 f=1 dst=4", 0},
      {"act.copy bank=0 m=1 f=1 dst=2", 3},  // copy destination not a multiple of 4
      {"act.copy bank=0 m=1 f=2 dst=" + std::to_string(kSb - 6), 4},  // range before alignment
      {"act.requant bank=0 m=1 f=1 dst=3", 0},
      {"dma.load q=1 dram=0 row_stride=0 rows=" + std::to_string(kP) + " row_bytes=1 part=0 sbuf=0",
       0},
      {"dma.load q=0 dram=0 row_stride=0 rows=1 row_bytes=1 part=" + std::to_string(kP) + " sbuf=0",
       4},
      {"dma.store q=0 dram=0xffffffffffffffff row_stride=0 rows=1 row_bytes=1 part=0 sbuf=0", 6},
      {"dma.store q=0 dram=0xfffffffffffffffe row_stride=0 rows=1 row_bytes=1 part=0 sbuf=0", 0},
  };
  std::vector<Case> all = cases;
  if (kSems < 32) all.push_back({"end wait=s" + std::to_string(kSems) + ">=1", 3});
  for (const Case& c : all) {
    const loom::InstrWords w = word(c.text);
    EXPECT_EQ(b.Code(w), c.code) << c.text;
    EXPECT_EQ(Reference(w).code, c.code) << c.text << " (reference)";
  }
  // Zeroed memory is an illegal instruction; a reserved header bit is RESERVED.
  EXPECT_EQ(b.Code(loom::InstrWords{}), 1u);
  loom::InstrWords w = word("nop");
  w[0] |= uint64_t(1) << 50;
  EXPECT_EQ(b.Code(w), 2u);
}

}  // namespace
