// pe_cmd_t packing (docs/tensor_top.md bit table) and the readable strings.
#include <gtest/gtest.h>

#include "loom/functional.h"
#include "loom/pe_cmd.h"
#include "loom/txn.h"

namespace loom {
namespace {

TEST(PeCmd, FieldBitPositions) {
  PeCmd c;
  c.op = PeOp::kMm;
  EXPECT_EQ(c.pack(), uint64_t(1) << 52);
  c = PeCmd{};
  c.acc = true;
  EXPECT_EQ(c.pack(), uint64_t(1) << 51);
  c = PeCmd{};
  c.sbuf_addr = 1;
  EXPECT_EQ(c.pack(), uint64_t(1) << 33);
  c.sbuf_addr = 0x3ffff;
  EXPECT_EQ(c.pack(), uint64_t(0x3ffff) << 33);  // bits 50:33
  c = PeCmd{};
  c.rows = 0xff;
  EXPECT_EQ(c.pack(), uint64_t(0xff) << 25);  // bits 32:25
  c = PeCmd{};
  c.cols = 0x3ff;
  EXPECT_EQ(c.pack(), uint64_t(0x3ff) << 15);  // bits 24:15
  c = PeCmd{};
  c.psum_bank = 7;
  EXPECT_EQ(c.pack(), uint64_t(7) << 12);  // bits 14:12
  c = PeCmd{};
  c.psum_off = 0x1ff;
  EXPECT_EQ(c.pack(), uint64_t(0x1ff) << 3);  // bits 11:3
}

TEST(PeCmd, AllFieldsSetLeavesReservedBitsZero) {
  const PeCmd c = PeCmd::mm(0x3ffff, 0x3ff, 7, 0x1ff, true);
  const uint64_t v = c.pack();
  EXPECT_EQ(v >> 54, 0u);  // 63:54 reserved
  EXPECT_EQ(v & 0x7, 0u);  // 2:0 reserved
  EXPECT_EQ(v, (uint64_t(1) << 52) | (uint64_t(1) << 51) | (uint64_t(0x3ffff) << 33) |
                   (uint64_t(0x3ff) << 15) | (uint64_t(7) << 12) | (uint64_t(0x1ff) << 3));
}

TEST(PeCmd, PackUnpackRoundTrip) {
  uint64_t x = 0x243f6a8885a308d3ull;
  for (int i = 0; i < 1000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    PeCmd c;
    c.op = PeOp(x & 1);
    c.acc = (x >> 1) & 1;
    c.sbuf_addr = uint32_t(x >> 2) & 0x3ffff;
    c.rows = uint32_t(x >> 20) & 0xff;
    c.cols = uint32_t(x >> 28) & 0x3ff;
    c.psum_bank = uint32_t(x >> 38) & 7;
    c.psum_off = uint32_t(x >> 41) & 0x1ff;
    const PeCmd d = PeCmd::unpack(c.pack());
    EXPECT_EQ(d.op, c.op);
    EXPECT_EQ(d.acc, c.acc);
    EXPECT_EQ(d.sbuf_addr, c.sbuf_addr);
    EXPECT_EQ(d.rows, c.rows);
    EXPECT_EQ(d.cols, c.cols);
    EXPECT_EQ(d.psum_bank, c.psum_bank);
    EXPECT_EQ(d.psum_off, c.psum_off);
    EXPECT_EQ(d.pack(), c.pack());
  }
}

TEST(PeCmd, UnpackIgnoresReservedBits) {
  const PeCmd c = PeCmd::ldw(0x40, 8, 8);
  const uint64_t noisy = c.pack() | (uint64_t(0x3ff) << 54) | 0x7;
  EXPECT_EQ(PeCmd::unpack(noisy), c);
}

TEST(PeCmd, ToString) {
  EXPECT_EQ(PeCmd::ldw(0x40, 8, 8).to_string(), "LDW sbuf=0x40 K=8 M=8");
  EXPECT_EQ(PeCmd::mm(0, 64, 1, 0, true).to_string(), "MM sbuf=0x0 F=64 bank=1 off=0 acc");
  EXPECT_EQ(PeCmd::mm(0x10, 3, 2, 5, false).to_string(), "MM sbuf=0x10 F=3 bank=2 off=5 ovw");
}

TEST(Txn, ChannelNamesAndStrings) {
  EXPECT_STREQ(channel_name(Channel::kCmdAccept), "cmd_accept");
  EXPECT_STREQ(channel_name(Channel::kIssue), "issue");
  EXPECT_STREQ(channel_name(Channel::kLdwRetire), "ldw_retire");
  EXPECT_STREQ(channel_name(Channel::kMmRetire), "mm_retire");
  EXPECT_STREQ(channel_name(Channel::kSbufWrite), "sbuf_write");
  EXPECT_STREQ(channel_name(Channel::kPsumWrite), "psum_write");

  Txn t;
  t.cycle = 17;
  t.channel = Channel::kIssue;
  t.tag = 3;
  t.data = 1;
  EXPECT_EQ(t.to_string(), "@17 issue tag=3 op=MM");
  t.channel = Channel::kPsumWrite;
  t.part = 2;
  t.bank = 1;
  t.addr = 5;
  t.data = 0xffffffef;
  t.strb = 1;
  EXPECT_EQ(t.to_string(), "@17 psum_write part=2 bank=1 entry=5 data=-17 (0xffffffef) acc");
  t.channel = Channel::kSbufWrite;
  t.addr = 0x10;
  t.data = 0x0807060504030201;
  t.strb = 0xff;
  EXPECT_EQ(t.to_string(), "@17 sbuf_write part=2 addr=0x10 data=0x0807060504030201 strb=0xff");
}

TEST(Txn, OrderIsCycleThenChannelThenPartition) {
  Txn a, b;
  a.cycle = 5;
  a.channel = Channel::kPsumWrite;
  b.cycle = 6;
  b.channel = Channel::kCmdAccept;
  EXPECT_LT(a, b);
  b.cycle = 5;
  EXPECT_LT(b, a);
  b.channel = Channel::kPsumWrite;
  b.part = 1;
  EXPECT_LT(a, b);
}

TEST(PackBytes, LittleEndian) {
  EXPECT_EQ(pack_bytes_le({1, 2, 3, 4, 5, 6, 7, 8}), 0x0807060504030201ull);
  EXPECT_EQ(pack_bytes_le({0xff, 0x80}), 0x80ffull);
}

}  // namespace
}  // namespace loom
