// Unit tests of psum: overwrite, accumulate, int32 wraparound, write-to-read
// forwarding, independent banks and partitions, the observation record,
// the debug read and the ACT read port.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "Vpsum.h"
#include "verilated.h"

namespace {

constexpr int kP = LOOM_UT_P;
constexpr int kBanks = LOOM_UT_BANKS;
constexpr int kEntries = LOOM_UT_ENTRIES;

int Log2(int v) {
  int r = 0;
  while ((1 << r) < v) ++r;
  return r;
}
const int kBankW = Log2(kBanks);
const int kEntW = Log2(kEntries);
const int kAddrW = kBankW + kEntW;

// Bit-field helpers over Verilator's 32-bit word arrays / scalars.
template <class T>
void SetBits(T& v, int lsb, int n, uint64_t val) {
  for (int i = 0; i < n; ++i) {
    const T bit = T(1) << (lsb + i);
    v = ((val >> i) & 1) ? (v | bit) : (v & ~bit);
  }
}
template <class W>
void SetWide(W& w, int lsb, int n, uint64_t val) {
  for (int i = 0; i < n; ++i) {
    const int b = lsb + i;
    const uint32_t bit = 1u << (b % 32);
    w[b / 32] = ((val >> i) & 1) ? (w[b / 32] | bit) : (w[b / 32] & ~bit);
  }
}
template <class W>
uint64_t GetWide(const W& w, int lsb, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t((w[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
  return v;
}

struct Rec {
  bool valid = false;
  bool acc = false;
  uint32_t bank = 0;
  uint32_t entry = 0;
  uint32_t value = 0;
};

class PsumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vpsum>(ctx_.get(), "psum");
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    Idle();
    dut_->eval();
    for (int i = 0; i < 2; ++i) Edge();
    dut_->rst_ni = 1;
    dut_->eval();
  }
  void TearDown() override { dut_->final(); }

  void Idle() {
    dut_->rd_en_i = 0;
    dut_->wr_en_i = 0;
    dut_->wr_acc_i = 0;
    dut_->dbg_req_i = 0;
    dut_->act_rd_en_i = 0;
  }
  void Edge() {
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->eval();
  }
  // Requests of the coming cycle.
  void PreRead(int m, int bank, int entry) {
    SetBits(dut_->rd_en_i, m, 1, 1);
    SetBits(dut_->rd_addr_i, m * kAddrW, kAddrW, uint64_t(bank) << kEntW | uint64_t(entry));
  }
  void Write(int m, int bank, int entry, bool acc, uint32_t col) {
    SetBits(dut_->wr_en_i, m, 1, 1);
    SetBits(dut_->wr_acc_i, m, 1, acc);
    SetBits(dut_->wr_bank_i, m * kBankW, kBankW, bank);
    SetBits(dut_->wr_entry_i, m * kEntW, kEntW, entry);
    SetWide(dut_->col_i, m * 32, 32, col);
  }
  // Evaluate this cycle's inputs, capture the observation, apply the edge,
  // and clear the requests for the next cycle.
  std::vector<Rec> Cycle() {
    dut_->eval();
    std::vector<Rec> recs(kP);
    for (int m = 0; m < kP; ++m) {
      Rec& r = recs[m];
      r.value = uint32_t(GetWide(dut_->obs_psum_o, 64 * m, 32));
      r.entry = uint32_t(GetWide(dut_->obs_psum_o, 64 * m + 32, 9));
      r.bank = uint32_t(GetWide(dut_->obs_psum_o, 64 * m + 41, 3));
      r.acc = GetWide(dut_->obs_psum_o, 64 * m + 44, 1);
      r.valid = GetWide(dut_->obs_psum_o, 64 * m + 45, 1);
      EXPECT_EQ(GetWide(dut_->obs_psum_o, 64 * m + 46, 18), 0u);
    }
    Edge();
    Idle();
    return recs;
  }
  // One complete write of partition m: the pre-read cycle (accumulate) and
  // the write cycle. Returns the record of the write cycle.
  Rec WriteEntry(int m, int bank, int entry, bool acc, uint32_t col) {
    if (acc) PreRead(m, bank, entry);
    Cycle();
    Write(m, bank, entry, acc, col);
    return Cycle()[m];
  }
  uint32_t DbgRead(int m, int bank, int entry) {
    dut_->dbg_req_i = 1;
    dut_->dbg_part_i = m;
    dut_->dbg_addr_i = uint32_t(bank * kEntries + entry);
    Cycle();
    dut_->eval();
    return dut_->dbg_rdata_o;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpsum> dut_;
};

TEST_F(PsumTest, Overwrite) {
  Rec r = WriteEntry(1, 1, 5, false, 0xdeadbeef);
  EXPECT_TRUE(r.valid);
  EXPECT_FALSE(r.acc);
  EXPECT_EQ(r.bank, 1u);
  EXPECT_EQ(r.entry, 5u);
  EXPECT_EQ(r.value, 0xdeadbeefu);
  EXPECT_EQ(DbgRead(1, 1, 5), 0xdeadbeefu);
  r = WriteEntry(1, 1, 5, false, 42);
  EXPECT_EQ(r.value, 42u);
  EXPECT_EQ(DbgRead(1, 1, 5), 42u);
}

TEST_F(PsumTest, Accumulate) {
  WriteEntry(0, 0, 3, false, 1000);
  Rec r = WriteEntry(0, 0, 3, true, uint32_t(-1500));
  EXPECT_TRUE(r.valid);
  EXPECT_TRUE(r.acc);
  EXPECT_EQ(int32_t(r.value), -500);
  r = WriteEntry(0, 0, 3, true, 7);
  EXPECT_EQ(int32_t(r.value), -493);
  EXPECT_EQ(int32_t(DbgRead(0, 0, 3)), -493);
}

TEST_F(PsumTest, Int32Wraparound) {
  WriteEntry(2, 1, 0, false, 0x7fffffff);
  Rec r = WriteEntry(2, 1, 0, true, 1);
  EXPECT_EQ(r.value, 0x80000000u);
  r = WriteEntry(2, 1, 0, true, 0x80000000u);
  EXPECT_EQ(r.value, 0u);
  r = WriteEntry(2, 1, 0, true, uint32_t(-1));
  EXPECT_EQ(r.value, 0xffffffffu);
}

TEST_F(PsumTest, ForwardingBackToBack) {
  // Cycle 0: pre-read of nothing; cycle 1: overwrite e with 10 and pre-read
  // e for the next accumulate; cycles 2..5: accumulate into e, each pre-read
  // coinciding with the previous write of the same address.
  const int m = 3, b = 0, e = 9;
  Cycle();
  Write(m, b, e, false, 10);
  PreRead(m, b, e);
  std::vector<Rec> r = Cycle();
  EXPECT_EQ(r[m].value, 10u);
  uint32_t expect = 10;
  for (int i = 1; i <= 4; ++i) {
    Write(m, b, e, true, uint32_t(i * 100));
    if (i < 4) PreRead(m, b, e);
    r = Cycle();
    expect += uint32_t(i * 100);
    EXPECT_TRUE(r[m].valid);
    EXPECT_EQ(r[m].value, expect) << "accumulate " << i;
  }
  EXPECT_EQ(DbgRead(m, b, e), expect);
}

TEST_F(PsumTest, NoForwardingForOtherAddress) {
  const int m = 1;
  WriteEntry(m, 0, 4, false, 50);
  // Pre-read entry 4 while entry 5 is written: entry 4's old value is used.
  Cycle();
  Write(m, 0, 5, false, 999);
  PreRead(m, 0, 4);
  Cycle();
  Write(m, 0, 4, true, 1);
  std::vector<Rec> r = Cycle();
  EXPECT_EQ(r[m].value, 51u);
  // Same entry in the other bank is another address too.
  Cycle();
  Write(m, 1, 4, false, 7000);
  PreRead(m, 0, 4);
  Cycle();
  Write(m, 0, 4, true, 1);
  r = Cycle();
  EXPECT_EQ(r[m].value, 52u);
}

TEST_F(PsumTest, BanksAndPartitionsIndependent) {
  for (int m = 0; m < kP; ++m) {
    for (int b = 0; b < kBanks; ++b) WriteEntry(m, b, 7, false, uint32_t(1000 * m + 10 * b));
  }
  for (int m = 0; m < kP; ++m) {
    for (int b = 0; b < kBanks; ++b) {
      EXPECT_EQ(DbgRead(m, b, 7), uint32_t(1000 * m + 10 * b)) << "m=" << m << " b=" << b;
    }
  }
  // All partitions write in the same cycle.
  Cycle();
  for (int m = 0; m < kP; ++m) Write(m, 1, 2, false, uint32_t(m + 1));
  std::vector<Rec> r = Cycle();
  for (int m = 0; m < kP; ++m) {
    EXPECT_TRUE(r[m].valid);
    EXPECT_EQ(r[m].value, uint32_t(m + 1));
  }
  for (int m = 0; m < kP; ++m) EXPECT_EQ(DbgRead(m, 1, 2), uint32_t(m + 1));
  for (int m = 0; m < kP; ++m) EXPECT_EQ(DbgRead(m, 0, 7), uint32_t(1000 * m));
}

TEST_F(PsumTest, RandomStreamsAgainstReference) {
  // Each partition runs a stream of writes, one per cycle, the pre-read of
  // write i+1 in the cycle of write i (the array's steady state).
  std::mt19937 rng(7);
  std::map<int, uint32_t> mem;  // (m, addr) -> value
  const int steps = 2000;
  struct Op {
    int bank, entry;
    bool acc;
    uint32_t col;
  };
  std::vector<std::vector<Op>> ops(kP);
  for (int m = 0; m < kP; ++m) {
    for (int i = 0; i < steps; ++i) {
      Op o{int(rng() % kBanks), int(rng() % 3), false, uint32_t(rng())};
      o.acc = mem.count(m * 4096 + o.bank * kEntries + o.entry) && (rng() % 3 != 0);
      if (!o.acc) mem[m * 4096 + o.bank * kEntries + o.entry] = 0;
      ops[m].push_back(o);
    }
  }
  mem.clear();
  for (int m = 0; m < kP; ++m)
    if (ops[m][0].acc) PreRead(m, ops[m][0].bank, ops[m][0].entry);
  Cycle();
  for (int i = 0; i < steps; ++i) {
    std::vector<uint32_t> expect(kP);
    for (int m = 0; m < kP; ++m) {
      const Op& o = ops[m][i];
      Write(m, o.bank, o.entry, o.acc, o.col);
      uint32_t& cell = mem[m * 4096 + o.bank * kEntries + o.entry];
      cell = (o.acc ? cell : 0u) + o.col;
      expect[m] = cell;
      if (i + 1 < steps && ops[m][i + 1].acc) PreRead(m, ops[m][i + 1].bank, ops[m][i + 1].entry);
    }
    std::vector<Rec> r = Cycle();
    for (int m = 0; m < kP; ++m) ASSERT_EQ(r[m].value, expect[m]) << "step " << i << " m=" << m;
  }
}

TEST_F(PsumTest, ActReadPortIsIndependentAndReadFirst) {
  // Every cycle each partition overwrites a random entry (and pre-reads for
  // the array's accumulate stream) while the ACT port reads a random entry,
  // a quarter of the time the one written in the same cycle: the ACT data,
  // the next cycle, are the entry before that write (read-first, no
  // forwarding); a partition not read keeps its last data.
  std::mt19937 rng(11);
  std::vector<std::vector<uint32_t>> mem(kP, std::vector<uint32_t>(kBanks * kEntries));
  for (int b = 0; b < kBanks; ++b)
    for (int e = 0; e < kEntries; ++e) {
      for (int m = 0; m < kP; ++m) {
        mem[m][b * kEntries + e] = uint32_t(rng());
        Write(m, b, e, false, mem[m][b * kEntries + e]);
      }
      Cycle();
    }
  std::vector<uint32_t> last(kP, 0);
  std::vector<bool> seen(kP, false);
  int reads = 0, same = 0;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint32_t> expect = last;
    std::vector<int> waddr(kP);
    for (int m = 0; m < kP; ++m) {
      const int b = int(rng() % kBanks), e = int(rng() % kEntries);
      const uint32_t v = uint32_t(rng());
      waddr[m] = b * kEntries + e;
      const bool wr = rng() % 2;
      if (wr) Write(m, b, e, false, v);
      if (rng() % 2) PreRead(m, int(rng() % kBanks), int(rng() % kEntries));
      if (rng() % 3) {
        const int a = (wr && rng() % 4 == 0) ? waddr[m] : int(rng() % (kBanks * kEntries));
        same += a == waddr[m] && wr;
        SetBits(dut_->act_rd_en_i, m, 1, 1);
        SetBits(dut_->act_rd_addr_i, m * kAddrW, kAddrW, uint64_t(a));
        expect[m] = mem[m][a];  // before this cycle's write
        seen[m] = true;
        ++reads;
      }
      if (wr) mem[m][waddr[m]] = v;
    }
    Cycle();
    dut_->eval();
    for (int m = 0; m < kP; ++m) {
      if (!seen[m]) continue;
      ASSERT_EQ(uint32_t(GetWide(dut_->act_rd_data_o, 32 * m, 32)), expect[m])
          << "cycle " << i << " m=" << m;
    }
    last = expect;
  }
  EXPECT_GT(reads, 2000);
  EXPECT_GT(same, 50);
}

}  // namespace
