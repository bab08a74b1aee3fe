// The DMA in the model core (loom/dma.h) against docs/dma.md: descriptor bit
// positions, check codes and their order, burst plans, byte-exact copies
// against a plain reference, and the timing contract on hand-computed cases.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "loom/dma.h"

namespace loom {
namespace {

bool bit(const std::array<uint64_t, 4>& w, int b) { return (w[b / 64] >> (b % 64)) & 1; }

int only_bit(const std::array<uint64_t, 4>& w) {
  int found = -1;
  for (int b = 0; b < 256; ++b)
    if (bit(w, b)) {
      if (found >= 0) return -2;
      found = b;
    }
  return found;
}

DmaDesc zero_desc() {
  DmaDesc d;
  d.planes = 0;
  d.row_bytes = 0;
  d.rows = 0;
  return d;
}

TEST(DmaDesc, FieldBitPositions) {
  struct Case {
    void (*set)(DmaDesc&);
    int bit;
  };
  const Case cases[] = {
      {[](DmaDesc& d) { d.dram_addr = 1; }, 192},
      {[](DmaDesc& d) { d.dram_addr = uint64_t(1) << 63; }, 255},
      {[](DmaDesc& d) { d.row_stride = 1; }, 160},
      {[](DmaDesc& d) { d.row_stride = 1u << 31; }, 191},
      {[](DmaDesc& d) { d.plane_stride = 1; }, 128},
      {[](DmaDesc& d) { d.plane_stride = 1u << 31; }, 159},
      {[](DmaDesc& d) { d.planes = 1; }, 112},
      {[](DmaDesc& d) { d.planes = 1u << 15; }, 127},
      {[](DmaDesc& d) { d.row_bytes = 1; }, 94},
      {[](DmaDesc& d) { d.row_bytes = 1u << 17; }, 111},
      {[](DmaDesc& d) { d.rows = 1; }, 86},
      {[](DmaDesc& d) { d.rows = 0x80; }, 93},
      {[](DmaDesc& d) { d.sbuf_part = 1; }, 78},
      {[](DmaDesc& d) { d.sbuf_part = 0x80; }, 85},
      {[](DmaDesc& d) { d.sbuf_addr = 1; }, 60},
      {[](DmaDesc& d) { d.sbuf_addr = 1u << 17; }, 77},
      {[](DmaDesc& d) { d.dir = 1; }, 59},
      {[](DmaDesc& d) { d.reserved = 1; }, 0},
      {[](DmaDesc& d) { d.reserved = uint64_t(1) << 58; }, 58},
  };
  for (const Case& c : cases) {
    DmaDesc d = zero_desc();
    c.set(d);
    EXPECT_EQ(only_bit(d.pack()), c.bit);
    EXPECT_EQ(DmaDesc::unpack(d.pack()), d);
  }
  EXPECT_EQ(only_bit(zero_desc().pack()), -1);
}

TEST(DmaDesc, WordsAreLittleEndian) {
  DmaDesc d = zero_desc();
  d.dram_addr = 0x0123456789abcdefull;
  d.row_stride = 0xdeadbeef;
  d.plane_stride = 0x01020304;
  d.planes = 0xffff;
  const auto w = d.pack();
  EXPECT_EQ(w[3], 0x0123456789abcdefull);
  EXPECT_EQ(w[2], 0xdeadbeef01020304ull);
  EXPECT_EQ(w[1], 0xffff000000000000ull);
  EXPECT_EQ(w[0], 0u);
  // sbuf_addr straddles words 1 and 0: bits 17:4 in word 1 bits 13:0.
  DmaDesc s = zero_desc();
  s.sbuf_addr = 0x3ffff;
  EXPECT_EQ(s.pack()[1], 0x3fffull);
  EXPECT_EQ(s.pack()[0], 0xfull << 60);
}

TEST(DmaDesc, RandomRoundTrip) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::array<uint64_t, 4> w{rng(), rng(), rng(), rng()};
    EXPECT_EQ(DmaDesc::unpack(w).pack(), w);
  }
}

TEST(DmaDesc, FieldsTruncatedToWidth) {
  DmaDesc d;
  d.rows = 0x101;           // 8 bits -> 1
  d.row_bytes = 0x40001;    // 18 bits -> 1
  d.reserved = ~uint64_t(0);
  const DmaDesc u = DmaDesc::unpack(d.pack());
  EXPECT_EQ(u.rows, 1u);
  EXPECT_EQ(u.row_bytes, 1u);
  EXPECT_EQ(u.reserved, (uint64_t(1) << 59) - 1);
}

// ---------------------------------------------------------------- check

constexpr uint64_t kBase = 0x10000, kLimit = 0x20000;

DmaParams small() { return DmaParams{}; }  // P 8, 4 KiB, WB 8, DB 8

DmaDesc good() {
  DmaDesc d;
  d.dram_addr = kBase;
  d.row_bytes = 16;
  d.rows = 2;
  d.row_stride = 16;
  d.planes = 1;
  return d;
}

DmaCode check(const DmaDesc& d) { return dma_check(d, small(), kBase, kLimit); }

TEST(DmaCheck, IllegalFields) {
  EXPECT_EQ(check(good()), DmaCode::kOk);
  DmaDesc d = good();
  d.row_bytes = 0;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
  d = good();
  d.rows = 0;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
  d = good();
  d.planes = 0;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
  d = good();
  d.reserved = uint64_t(1) << 58;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
  d = good();
  d.reserved = 1;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
}

TEST(DmaCheck, SbufRange) {
  DmaDesc d = good();
  d.sbuf_part = 6;  // 6 + 2 == P
  EXPECT_EQ(check(d), DmaCode::kOk);
  d.sbuf_part = 7;
  EXPECT_EQ(check(d), DmaCode::kSbuf);
  d = good();
  d.planes = 2;
  d.sbuf_addr = 4096 - 32;  // S + J*L == SbufBytes
  EXPECT_EQ(check(d), DmaCode::kOk);
  d.sbuf_addr += 1;
  EXPECT_EQ(check(d), DmaCode::kSbuf);
  d = good();
  d.sbuf_part = 255;
  d.rows = 255;  // 8-bit fields: the sum must not wrap
  EXPECT_EQ(check(d), DmaCode::kSbuf);
  d = good();
  d.sbuf_addr = 0x3ffff;
  d.planes = 0xffff;
  d.row_bytes = 0x3ffff;
  EXPECT_EQ(check(d), DmaCode::kSbuf);
}

TEST(DmaCheck, WindowExact) {
  DmaDesc d = good();
  d.dram_addr = kBase - 1;
  EXPECT_EQ(check(d), DmaCode::kWindow);
  // end = addr + (J-1)*ps + (R-1)*rs + L == limit: inside.
  d = good();
  d.planes = 3;
  d.plane_stride = 0x1000;
  d.rows = 2;
  d.row_stride = 0x100;
  d.row_bytes = 0x10;
  d.dram_addr = kLimit - (2 * 0x1000 + 0x100 + 0x10);
  EXPECT_EQ(check(d), DmaCode::kOk);
  d.dram_addr += 1;
  EXPECT_EQ(check(d), DmaCode::kWindow);
  // 64-bit overflow of the end address is caught (66-bit arithmetic).
  d = good();
  d.rows = 255;
  d.row_stride = 0xffffffff;
  d.planes = 0xffff;
  d.plane_stride = 0xffffffff;
  d.sbuf_part = 0;
  d.row_bytes = 1;
  d.dram_addr = ~uint64_t(0) - 4;
  DmaParams big;
  big.partitions = 255;
  big.sbuf_bytes = 1u << 20;
  EXPECT_EQ(dma_check(d, big, 0, ~uint64_t(0)), DmaCode::kWindow);
  // Strides that go below the start are not checked beyond the formula.
  d = good();
  d.dram_addr = ~uint64_t(0) - 15;
  d.rows = 1;
  d.row_bytes = 16;
  EXPECT_EQ(dma_check(d, small(), 0, ~uint64_t(0)), DmaCode::kWindow);  // end = 2^64 > limit
  d.dram_addr -= 1;
  EXPECT_EQ(dma_check(d, small(), 0, ~uint64_t(0)), DmaCode::kOk);
}

TEST(DmaCheck, OrderIsIllegalSbufWindow) {
  DmaDesc d = good();
  d.dram_addr = 0;    // window
  d.sbuf_part = 8;    // sbuf
  d.reserved = 4;     // illegal
  EXPECT_EQ(check(d), DmaCode::kIllegal);
  d.reserved = 0;
  EXPECT_EQ(check(d), DmaCode::kSbuf);
  d.sbuf_part = 0;
  EXPECT_EQ(check(d), DmaCode::kWindow);
  d.dram_addr = kBase;
  EXPECT_EQ(check(d), DmaCode::kOk);
  // Zero rows and a window error: illegal first.
  d.rows = 0;
  d.dram_addr = 0;
  EXPECT_EQ(check(d), DmaCode::kIllegal);
}

// ---------------------------------------------------------------- bursts

DmaDesc row(uint64_t addr, uint32_t bytes) {
  DmaDesc d;
  d.dram_addr = addr;
  d.row_bytes = bytes;
  d.rows = 1;
  d.planes = 1;
  return d;
}

struct B {
  uint64_t addr;
  uint32_t beats;
  uint64_t start;
  uint32_t bytes;
};

void expect_plan(const std::vector<DmaBurst>& got, const std::vector<B>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].addr, want[i].addr) << "burst " << i;
    EXPECT_EQ(got[i].beats, want[i].beats) << "burst " << i;
    EXPECT_EQ(got[i].start, want[i].start) << "burst " << i;
    EXPECT_EQ(got[i].bytes, want[i].bytes) << "burst " << i;
  }
}

TEST(DmaBursts, AlignedUnalignedOneByte) {
  expect_plan(plan_bursts(row(0x1000, 16), 8), {{0x1000, 2, 0x1000, 16}});
  expect_plan(plan_bursts(row(0x1003, 10), 8), {{0x1000, 2, 0x1003, 10}});
  expect_plan(plan_bursts(row(0x1005, 3), 8), {{0x1000, 1, 0x1005, 3}});
  expect_plan(plan_bursts(row(0x1007, 1), 8), {{0x1000, 1, 0x1007, 1}});
  expect_plan(plan_bursts(row(0x1007, 2), 8), {{0x1000, 2, 0x1007, 2}});
  expect_plan(plan_bursts(row(0x1001, 1), 4), {{0x1000, 1, 0x1001, 1}});
}

TEST(DmaBursts, Exactly4KiBAndLongestBurst) {
  // DB 16 and up: BB = 4096, one burst of 4096/DB beats.
  expect_plan(plan_bursts(row(0x3000, 4096), 16), {{0x3000, 256, 0x3000, 4096}});
  expect_plan(plan_bursts(row(0x3000, 4096), 64), {{0x3000, 64, 0x3000, 4096}});
  // DB 8: BB = 2048 (256 beats), two bursts.
  expect_plan(plan_bursts(row(0x3000, 4096), 8),
              {{0x3000, 256, 0x3000, 2048}, {0x3800, 256, 0x3800, 2048}});
  // DB 4: BB = 1024.
  auto p = plan_bursts(row(0x3000, 4096), 4);
  ASSERT_EQ(p.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(p[i].addr, 0x3000 + 1024 * i);
    EXPECT_EQ(p[i].beats, 256u);
  }
}

TEST(DmaBursts, Crossing4KiB) {
  expect_plan(plan_bursts(row(0x0ffd, 8), 16), {{0x0ff0, 1, 0x0ffd, 3}, {0x1000, 1, 0x1000, 5}});
  // Unaligned 4 KiB at DB 16: 0x3001..0x4000 then 1 byte.
  expect_plan(plan_bursts(row(0x3001, 4096), 16),
              {{0x3000, 256, 0x3001, 4095}, {0x4000, 1, 0x4000, 1}});
  // DB 8: splits at every 2 KiB multiple.
  expect_plan(plan_bursts(row(0x37fc, 0x810), 8),
              {{0x37f8, 1, 0x37fc, 4}, {0x3800, 256, 0x3800, 0x800}, {0x4000, 2, 0x4000, 12}});
}

TEST(DmaBursts, StridesAndPlanesNeverMerged) {
  DmaDesc d;
  d.dram_addr = 0x2000;
  d.row_bytes = 4;
  d.rows = 2;
  d.row_stride = 4;  // contiguous rows: still one burst each
  d.planes = 2;
  d.plane_stride = 0x1000;
  expect_plan(plan_bursts(d, 8), {{0x2000, 1, 0x2000, 4},
                                  {0x2000, 1, 0x2004, 4},
                                  {0x3000, 1, 0x3000, 4},
                                  {0x3000, 1, 0x3004, 4}});
  d.row_stride = 0x100;
  const auto p = plan_bursts(d, 8);
  EXPECT_EQ(p[1].start, 0x2100u);
  EXPECT_EQ(p[2].start, 0x3000u);
  EXPECT_EQ(p[3].start, 0x3100u);
  EXPECT_EQ(p[3].plane, 1u);
  EXPECT_EQ(p[3].row, 1u);
}

TEST(DmaBursts, RandomInvariants) {
  std::mt19937_64 rng(11);
  for (int it = 0; it < 2000; ++it) {
    const uint32_t db = 4u << (rng() % 5);  // 4..64
    DmaDesc d;
    d.dram_addr = rng() % 0x100000;
    d.row_bytes = 1 + uint32_t(rng() % 9000);
    d.rows = 1 + uint32_t(rng() % 3);
    d.row_stride = uint32_t(rng() % 0x4000);
    d.planes = 1 + uint32_t(rng() % 2);
    d.plane_stride = uint32_t(rng() % 0x10000);
    const uint32_t bb = std::min<uint32_t>(4096, 256 * db);
    std::vector<uint64_t> bytes;
    for (const DmaBurst& b : plan_bursts(d, db)) {
      ASSERT_GE(b.beats, 1u);
      ASSERT_LE(b.beats, 256u);
      ASSERT_EQ(b.addr % db, 0u);
      const uint64_t end = b.addr + uint64_t(b.beats) * db;  // exclusive
      ASSERT_EQ(b.addr / 4096, (end - 1) / 4096) << "crosses 4 KiB";
      ASSERT_EQ(b.start / bb, (b.start + b.bytes - 1) / bb);
      ASSERT_GE(b.start, b.addr);
      ASSERT_LE(b.start + b.bytes, end);
      ASSERT_LT(b.start - b.addr, db);   // first beat carries the first byte
      ASSERT_GT(b.start + b.bytes + db, end);  // last beat carries the last byte
      for (uint64_t x = b.start; x < b.start + b.bytes; ++x) bytes.push_back(x);
    }
    std::vector<uint64_t> want;
    for (uint32_t j = 0; j < d.planes; ++j)
      for (uint32_t r = 0; r < d.rows; ++r)
        for (uint32_t i = 0; i < d.row_bytes; ++i)
          want.push_back(d.dram_addr + uint64_t(j) * d.plane_stride + uint64_t(r) * d.row_stride + i);
    ASSERT_EQ(bytes, want);
  }
}

// ---------------------------------------------------------------- functional

struct Mems {
  std::vector<uint8_t> dram, sbuf;
  DmaMemories view(uint32_t sbuf_bytes) { return {&dram, kBase, &sbuf, sbuf_bytes}; }
};

Mems random_mems(std::mt19937_64& rng, const DmaParams& p) {
  Mems m;
  m.dram.resize(kLimit - kBase);
  m.sbuf.resize(size_t(p.partitions) * p.sbuf_bytes);
  for (auto& b : m.dram) b = uint8_t(rng());
  for (auto& b : m.sbuf) b = uint8_t(rng());
  return m;
}

// The mapping of docs/dma.md, one byte at a time.
void reference(const DmaDesc& d, const DmaParams& p, Mems& m) {
  for (uint32_t j = 0; j < d.planes; ++j)
    for (uint32_t r = 0; r < d.rows; ++r)
      for (uint32_t i = 0; i < d.row_bytes; ++i) {
        const uint64_t x = d.dram_addr + uint64_t(j) * d.plane_stride + uint64_t(r) * d.row_stride + i;
        uint8_t& dram = m.dram[x - kBase];
        uint8_t& sb = m.sbuf[size_t(d.sbuf_part + r) * p.sbuf_bytes + d.sbuf_addr + j * d.row_bytes + i];
        if (d.dir)
          dram = sb;
        else
          sb = dram;
      }
}

TEST(DmaFunctional, RandomCopiesMatchReference) {
  std::mt19937_64 rng(23);
  const DmaParams p = small();
  int ran = 0;
  for (int it = 0; it < 400; ++it) {
    DmaDesc d;
    d.dir = uint32_t(rng() % 2);
    d.row_bytes = 1 + uint32_t(rng() % 300);
    d.rows = 1 + uint32_t(rng() % p.partitions);
    d.planes = 1 + uint32_t(rng() % 3);
    d.row_stride = uint32_t(d.row_bytes + rng() % 64);
    d.plane_stride = uint32_t(rng() % 0x2000);
    d.sbuf_part = uint32_t(rng() % (p.partitions - d.rows + 1));
    d.sbuf_addr = uint32_t(rng() % 2048);
    d.dram_addr = kBase + rng() % 0x8000;
    Mems a = random_mems(rng, p);
    Mems b = a;
    const DmaCode code = dma_apply(d, p, a.view(p.sbuf_bytes));
    ASSERT_EQ(code, dma_check(d, p, kBase, kLimit));
    if (code == DmaCode::kOk) {
      reference(d, p, b);
      ++ran;
    }
    ASSERT_EQ(a.dram, b.dram);
    ASSERT_EQ(a.sbuf, b.sbuf);
  }
  EXPECT_GT(ran, 100);
}

TEST(DmaFunctional, RejectedChangesNothing) {
  std::mt19937_64 rng(3);
  const DmaParams p = small();
  Mems a = random_mems(rng, p);
  const Mems b = a;
  DmaDesc d = good();
  d.sbuf_part = 7;
  EXPECT_EQ(dma_apply(d, p, a.view(p.sbuf_bytes)), DmaCode::kSbuf);
  EXPECT_EQ(a.dram, b.dram);
  EXPECT_EQ(a.sbuf, b.sbuf);
}

// Timing's SBUF accesses and beats cover the stream exactly, in order.
TEST(DmaFunctional, WalkersCoverTheStream) {
  std::mt19937_64 rng(5);
  for (int it = 0; it < 300; ++it) {
    DmaParams p;
    p.partitions = 4;
    p.sbuf_bytes = 2048;
    p.sbuf_word_bytes = 4u << (rng() % 3);
    p.bus_bytes = 4u << (rng() % 3);
    p.max_reads = 1 + uint32_t(rng() % 8);
    p.max_writes = 1 + uint32_t(rng() % 8);
    DmaDesc d;
    d.dir = uint32_t(rng() % 2);
    d.row_bytes = 1 + uint32_t(rng() % 200);
    d.rows = 1 + uint32_t(rng() % 4);
    d.planes = 1 + uint32_t(rng() % 2);
    d.row_stride = uint32_t(rng() % 512);
    d.plane_stride = uint32_t(rng() % 4096);
    d.sbuf_part = uint32_t(rng() % (5 - d.rows));
    d.sbuf_addr = uint32_t(rng() % 1024);
    d.dram_addr = kBase + rng() % 0x1000;
    const DmaDram dram{1 + uint32_t(rng() % 20), 1 + uint32_t(rng() % 20)};
    const DmaTiming t = dma_timing(d, p, dram, 5);
    uint64_t src = 0;
    for (const auto& s : t.sbuf) {
      ASSERT_EQ(s.src, src);
      src += s.bytes;
      ASSERT_EQ(s.addr % p.sbuf_word_bytes, 0u);
      ASSERT_EQ(uint64_t(__builtin_popcountll(s.strb)), s.bytes);
    }
    ASSERT_EQ(src, d.total_bytes());
    const auto bursts = plan_bursts(d, p.bus_bytes);
    ASSERT_EQ(t.addr_hs.size(), bursts.size());
    uint64_t beats = 0;
    for (const auto& b : bursts) beats += b.beats;
    ASSERT_EQ(t.beats.size(), beats);
    for (size_t i = 1; i < t.beats.size(); ++i) ASSERT_LT(t.beats[i - 1].cycle, t.beats[i].cycle);
    for (const auto& b : t.beats) ASSERT_GT(b.cycle, t.addr_hs[b.burst]);
    if (d.is_store()) {
      for (size_t i = 0; i < t.sbuf.size(); ++i) ASSERT_GE(t.sbuf[i].cycle, 7u);
      ASSERT_EQ(t.complete, t.rlast.back() + 1);
    } else {
      ASSERT_EQ(t.complete, t.sbuf.back().cycle + 1);
    }
    // Outstanding limits.
    const uint32_t maxo = d.is_store() ? p.max_writes : p.max_reads;
    for (size_t k = maxo; k < t.addr_hs.size(); ++k) ASSERT_GT(t.addr_hs[k], t.rlast[k - maxo]);
  }
}

// ---------------------------------------------------------------- timing

std::vector<uint64_t> cycles(const std::vector<DmaSbufAccess>& v) {
  std::vector<uint64_t> c;
  for (const auto& a : v) c.push_back(a.cycle);
  return c;
}
std::vector<uint64_t> cycles(const std::vector<DmaBeat>& v) {
  std::vector<uint64_t> c;
  for (const auto& a : v) c.push_back(a.cycle);
  return c;
}
std::vector<uint64_t> range(uint64_t first, uint64_t n) {
  std::vector<uint64_t> c;
  for (uint64_t i = 0; i < n; ++i) c.push_back(first + i);
  return c;
}

TEST(DmaTiming, DispatchAndRejected) {
  EXPECT_EQ(dma_dispatch(9, false, 0), 10u);
  EXPECT_EQ(dma_dispatch(9, true, 20), 21u);
  EXPECT_EQ(dma_dispatch(30, true, 20), 31u);
  const DmaTiming t = dma_timing(good(), small(), DmaDram{}, 10, DmaCode::kWindow);
  EXPECT_EQ(t.complete, 12u);
  EXPECT_EQ(t.code, DmaCode::kWindow);
  EXPECT_TRUE(t.addr_hs.empty());
  EXPECT_TRUE(t.sbuf.empty());
}

TEST(DmaTiming, LoadAligned) {
  // Accepted in 9 -> d = 10: AR in d + 2 = 12 (accept + 3), R beats at 112,
  // 113, SBUF writes one cycle after each beat, completion after the last.
  const DmaTiming t = dma_timing(row(kBase, 16), small(), DmaDram{100, 10}, 10);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({12}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({112, 113}));
  EXPECT_TRUE(t.beats[1].last);
  EXPECT_EQ(t.rlast, std::vector<uint64_t>({113}));
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({113, 114}));
  EXPECT_EQ(t.complete, 115u);
  EXPECT_EQ(t.code, DmaCode::kOk);
}

TEST(DmaTiming, LoadUnaligned) {
  // DRAM +3, 10 bytes, SBUF offset 0: beats (lanes 3..7, 0..4), words of 8
  // and 2 bytes; both words need beat 1.
  const DmaTiming t = dma_timing(row(kBase + 3, 10), small(), DmaDram{100, 10}, 0);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({102, 103}));
  EXPECT_EQ(t.beats[0].strb, 0xf8u);
  EXPECT_EQ(t.beats[1].strb, 0x1fu);
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({104, 105}));
  EXPECT_EQ(t.sbuf[0].strb, 0xffu);
  EXPECT_EQ(t.sbuf[1].strb, 0x03u);
  EXPECT_EQ(t.sbuf[1].addr, 8u);
  EXPECT_EQ(t.complete, 106u);
}

TEST(DmaTiming, LoadWideBusThrottlesRready) {
  // DB 16, WB 4, BufBytes 64; 128 bytes: 8 beats, 32 words (one per cycle).
  // cnt(c) - pop(c) + 16 <= 64: beats 12..16, then one every 4 cycles.
  DmaParams p;
  p.partitions = 4;
  p.sbuf_bytes = 1024;
  p.sbuf_word_bytes = 4;
  p.bus_bytes = 16;
  const DmaTiming t = dma_timing(row(kBase, 128), p, DmaDram{10, 10}, 0);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({12, 13, 14, 15, 16, 20, 24, 28}));
  EXPECT_EQ(cycles(t.sbuf), range(13, 32));
  EXPECT_EQ(t.complete, 45u);
}

TEST(DmaTiming, LoadMaxReads) {
  // Three rows of 8 bytes (three bursts), MaxReads 1: AR k waits for RLAST of
  // k - 1. Latency 10: AR 2, R 12, AR 13, R 23, AR 24, R 34.
  DmaDesc d = row(kBase, 8);
  d.rows = 3;
  d.row_stride = 0x40;
  DmaParams p = small();
  p.max_reads = 1;
  const DmaTiming t = dma_timing(d, p, DmaDram{10, 10}, 0);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2, 13, 24}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({12, 23, 34}));
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({13, 24, 35}));
  EXPECT_EQ(t.sbuf[2].part, 2u);
  EXPECT_EQ(t.complete, 36u);
}

TEST(DmaTiming, StoreAligned) {
  // d = 0: AW 2; SBUF reads 2, 3 (data 3, 4); W beats 4, 5; B 15; e 16.
  const DmaDesc d = [] {
    DmaDesc x = row(kBase, 16);
    x.dir = 1;
    return x;
  }();
  const DmaTiming t = dma_timing(d, small(), DmaDram{100, 10}, 0);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2}));
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({2, 3}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({4, 5}));
  EXPECT_FALSE(t.beats[0].last);
  EXPECT_TRUE(t.beats[1].last);
  EXPECT_EQ(t.rlast, std::vector<uint64_t>({15}));
  EXPECT_EQ(t.complete, 16u);
}

TEST(DmaTiming, StoreMaxWrites) {
  // Two rows of 8 bytes, MaxWrites 1: AW 1 waits for B 0 (14): AW 15, W 16,
  // B 26, e 27.
  DmaDesc d = row(kBase, 8);
  d.rows = 2;
  d.row_stride = 8;
  d.dir = 1;
  DmaParams p = small();
  p.max_writes = 1;
  const DmaTiming t = dma_timing(d, p, DmaDram{100, 10}, 0);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2, 15}));
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({2, 3}));
  EXPECT_EQ(t.sbuf[1].part, 1u);
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({4, 16}));
  EXPECT_EQ(t.rlast, std::vector<uint64_t>({14, 26}));
  EXPECT_EQ(t.complete, 27u);
}

TEST(DmaTiming, StoreUnalignedStrobes) {
  // DRAM +5, 6 bytes, SBUF offset 2: one word (lanes 2..7), two beats
  // (lanes 5..7, 0..2) of one burst.
  DmaDesc d = row(kBase + 5, 6);
  d.sbuf_addr = 2;
  d.dir = 1;
  const DmaTiming t = dma_timing(d, small(), DmaDram{100, 10}, 0);
  ASSERT_EQ(t.sbuf.size(), 1u);
  EXPECT_EQ(t.sbuf[0].strb, 0xfcu);
  EXPECT_EQ(t.sbuf[0].cycle, 2u);
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({4, 5}));
  EXPECT_EQ(t.beats[0].strb, 0xe0u);
  EXPECT_EQ(t.beats[1].strb, 0x07u);
  EXPECT_EQ(t.complete, 16u);
}

TEST(DmaTiming, LoadErrorStopsIssueAndWrites) {
  // Three bursts, latency 10: AR 2, 3, 4; R 12, 13, 14. SLVERR on beat 1
  // (t_err 13): SBUF write of beat 0 at 13 stays, later ones are dropped;
  // the beat of burst 2 is still accepted; e = 15.
  DmaDesc d = row(kBase, 8);
  d.rows = 3;
  d.row_stride = 8;
  const DmaAxiError err{true, 1, DmaCode::kSlvErr};
  const DmaTiming t = dma_timing(d, small(), DmaDram{10, 10}, 0, DmaCode::kOk, err);
  EXPECT_EQ(t.code, DmaCode::kSlvErr);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2, 3, 4}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({12, 13, 14}));
  EXPECT_EQ(cycles(t.sbuf), std::vector<uint64_t>({13}));
  EXPECT_EQ(t.complete, 15u);

  // MaxReads 1: no AR after t_err.
  DmaParams p = small();
  p.max_reads = 1;
  const DmaTiming u = dma_timing(d, p, DmaDram{10, 10}, 0, DmaCode::kOk, {true, 0, DmaCode::kDecErr});
  EXPECT_EQ(u.code, DmaCode::kDecErr);
  EXPECT_EQ(u.addr_hs, std::vector<uint64_t>({2}));
  EXPECT_TRUE(u.sbuf.empty());
  EXPECT_EQ(u.complete, 13u);

  // Functional: only the prefix written up to t_err.
  std::mt19937_64 rng(1);
  Mems m = random_mems(rng, small());
  Mems ref = m;
  dma_apply_load_error(d, t, m.view(4096));
  for (int i = 0; i < 8; ++i) ref.sbuf[i] = ref.dram[i];
  EXPECT_EQ(m.sbuf, ref.sbuf);
}

TEST(DmaTiming, StoreErrorStopsAw) {
  // Two rows, MaxWrites 1: B 0 at 14 is an error, AW 1 (due at 15) is never
  // issued, e = 15.
  DmaDesc d = row(kBase, 8);
  d.rows = 2;
  d.row_stride = 8;
  d.dir = 1;
  DmaParams p = small();
  p.max_writes = 1;
  const DmaTiming t = dma_timing(d, p, DmaDram{100, 10}, 0, DmaCode::kOk, {true, 0, DmaCode::kSlvErr});
  EXPECT_EQ(t.code, DmaCode::kSlvErr);
  EXPECT_EQ(t.addr_hs, std::vector<uint64_t>({2}));
  EXPECT_EQ(cycles(t.beats), std::vector<uint64_t>({4}));
  EXPECT_EQ(t.complete, 15u);
  // MaxWrites 8: both bursts already issued, both B collected: e = B 1 + 1.
  const DmaTiming u = dma_timing(d, small(), DmaDram{100, 10}, 0, DmaCode::kOk, {true, 0, DmaCode::kSlvErr});
  EXPECT_EQ(u.addr_hs, std::vector<uint64_t>({2, 3}));
  EXPECT_EQ(u.rlast, std::vector<uint64_t>({14, 15}));
  EXPECT_EQ(u.complete, 16u);
}

}  // namespace
}  // namespace loom
