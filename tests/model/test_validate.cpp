// validate(): illegal stimuli are rejected with a message naming the culprit.
#include <gtest/gtest.h>

#include "loom/model.h"
#include "test_util.h"

namespace loom {
namespace {

using test::add_cmd;
using test::filled;
using test::preload_rows;

// tiny: P = 4, SbufBytes = 1024, 2 PSUM banks of 16 entries.
Stimulus base() {
  Stimulus st;
  preload_rows(st, test::cfg("tiny"), 0, filled(4, 32, 1));
  return st;
}

std::string check_cmd(const PeCmd& cmd, bool with_ldw = true) {
  Stimulus st = base();
  if (with_ldw) add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, cmd);
  return validate(test::cfg("tiny"), st);
}

#define EXPECT_REJECTS(expr, substr)                                    \
  do {                                                                  \
    const std::string e_ = (expr);                                      \
    EXPECT_NE(e_.find(substr), std::string::npos) << "message: " << e_; \
  } while (0)

TEST(Validate, AcceptsLegalStimulus) {
  Stimulus st = base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 16, 1, 0, false));
  add_cmd(st, PeCmd::mm(16, 8, 1, 8, true));
  EXPECT_EQ(validate(test::cfg("tiny"), st), "");
  EXPECT_EQ(validate(test::cfg("tiny"), Stimulus{}), "");
  for (const Config& c : kConfigs) EXPECT_EQ(validate_config(c), "") << c.name;
}

TEST(Validate, LdwFields) {
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(0, 0, 4)), "K=0 out of range 1..4");
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(0, 5, 4)), "K=5 out of range");
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(0, 4, 0)), "M=0 out of range");
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(0, 4, 5)), "M=5 out of range");
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(1022, 4, 4)), "exceeds SbufBytes");
  PeCmd c = PeCmd::ldw(0, 4, 4);
  c.acc = true;
  EXPECT_REJECTS(check_cmd(c), "LDW must have acc = 0");
  c = PeCmd::ldw(0, 4, 4);
  c.psum_bank = 1;
  EXPECT_REJECTS(check_cmd(c), "psum_bank = 0");
}

TEST(Validate, MmFields) {
  EXPECT_REJECTS(check_cmd(PeCmd::mm(0, 0, 0, 0, false)), "F=0 out of range 1..16");
  EXPECT_REJECTS(check_cmd(PeCmd::mm(0, 17, 0, 0, false)), "F=17 out of range");
  EXPECT_REJECTS(check_cmd(PeCmd::mm(0, 4, 2, 0, false)), "psum_bank=2 out of range 0..1");
  EXPECT_REJECTS(check_cmd(PeCmd::mm(0, 4, 0, 13, false)),
                 "psum_off + F = 17 exceeds PsumEntries 16");
  EXPECT_REJECTS(check_cmd(PeCmd::mm(1020, 8, 0, 0, false)), "sbuf_addr + F = 1028 exceeds");
  PeCmd c = PeCmd::mm(0, 4, 0, 0, false);
  c.rows = 2;
  EXPECT_REJECTS(check_cmd(c), "MM rows must be 0");
  c = PeCmd::mm(0, 4, 0, 0, false);
  c.op = PeOp(2);
  EXPECT_REJECTS(check_cmd(c), "op 2 is not LDW (0) or MM (1)");
}

TEST(Validate, FieldsMustFitTheirBits) {
  PeCmd c = PeCmd::ldw(1u << 18, 4, 4);
  EXPECT_REJECTS(check_cmd(c), "does not fit its pe_cmd_t bits");
}

TEST(Validate, ReadsOfBytesNeverPreloaded) {
  // base() preloads bytes 0..31 of every partition.
  EXPECT_REJECTS(check_cmd(PeCmd::ldw(30, 4, 4)),
                 "reads SBUF[0][0x20], which the preload never wrote");
  EXPECT_REJECTS(check_cmd(PeCmd::mm(24, 9, 0, 0, false)), "reads SBUF[0][0x20]");
  // An MM reads K rows of the current weights: K = 2 reads only rows 0, 1.
  Stimulus st;
  preload_rows(st, test::cfg("tiny"), 0, filled(2, 16, 1));
  add_cmd(st, PeCmd::ldw(0, 2, 4));
  add_cmd(st, PeCmd::mm(0, 16, 0, 0, false));
  EXPECT_EQ(validate(test::cfg("tiny"), st), "");
  add_cmd(st, PeCmd::ldw(0, 3, 4));
  EXPECT_REJECTS(validate(test::cfg("tiny"), st),
                 "cmd 2 (LDW sbuf=0x0 K=3 M=4): reads SBUF[2][0x0]");
}

TEST(Validate, AccumulateIntoUnwrittenPsum) {
  EXPECT_REJECTS(check_cmd(PeCmd::mm(0, 4, 0, 0, true)),
                 "accumulates into PSUM[0][bank 0][0], never written before");
  Stimulus st = base();
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 4, 0, 0, false));
  add_cmd(st, PeCmd::mm(0, 4, 0, 0, true));
  EXPECT_EQ(validate(test::cfg("tiny"), st), "");
  add_cmd(st, PeCmd::mm(0, 4, 0, 2, true));
  EXPECT_REJECTS(validate(test::cfg("tiny"), st), "cmd 3");
  // Before any LDW, M = 0: an MM writes nothing and may even say acc.
  EXPECT_EQ(check_cmd(PeCmd::mm(0, 4, 0, 0, true), false), "");
}

TEST(Validate, PreloadWrites) {
  const Config c = test::cfg("tiny");
  auto one = [&](uint32_t part, uint32_t addr, size_t bytes, uint64_t strb) {
    Stimulus st;
    SbufWrite w;
    w.part = part;
    w.addr = addr;
    w.data.assign(bytes, 0);
    w.strb = strb;
    st.preload.push_back(w);
    return validate(c, st);
  };
  EXPECT_EQ(one(3, 1016, 8, 0xff), "");
  EXPECT_REJECTS(one(4, 0, 8, 0xff),
                 "preload write 0 (part=4 addr=0x0): partition out of range 0..3");
  EXPECT_REJECTS(one(0, 4, 8, 0xff), "not aligned");
  EXPECT_REJECTS(one(0, 1024, 8, 0xff), "beyond SbufBytes");
  EXPECT_REJECTS(one(0, 0, 4, 0xf), "4 data bytes, the word is 8");
  EXPECT_REJECTS(one(0, 0, 8, 0x1ff), "strb 0x1ff has bits beyond");
}

TEST(Validate, Config) {
  Config c = test::cfg("small");
  c.partitions = 6;
  EXPECT_REJECTS(validate_config(c), "P=6");
  c = test::cfg("small");
  c.sbuf_word_bytes = 128;
  EXPECT_REJECTS(validate_config(c), "SbufWordBytes=128");
  c = test::cfg("small");
  c.axi_data_bytes = 2;
  EXPECT_REJECTS(validate_config(c), "AxiBytes=2");
  c = test::cfg("small");
  c.cmd_depth = 1;
  EXPECT_REJECTS(validate_config(c), "CmdDepth=1");
  c = test::cfg("small");
  c.psum_entries = 100;
  EXPECT_REJECTS(validate(c, Stimulus{}), "PsumEntries=100");
}

TEST(Validate, PredictThrowsWithTheMessage) {
  Stimulus st = base();
  add_cmd(st, PeCmd::mm(0, 99, 0, 0, false));
  try {
    predict(test::cfg("tiny"), st);
    FAIL() << "predict accepted an illegal stimulus";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cmd 0 (MM sbuf=0x0 F=99 bank=0 off=0 ovw): F=99"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(schedule(test::cfg("tiny"), st), std::invalid_argument);
}

}  // namespace
}  // namespace loom
