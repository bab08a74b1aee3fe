// Unit tests of the scoreboard on hand-made transaction streams.
#include "scoreboard.h"

#include <gtest/gtest.h>

namespace loom {
namespace {

Txn psum(uint64_t cycle, uint32_t part, uint32_t entry, uint32_t value) {
  Txn t;
  t.cycle = cycle;
  t.channel = Channel::kPsumWrite;
  t.part = part;
  t.addr = entry;
  t.data = value;
  return t;
}

Txn issue(uint64_t cycle, uint32_t tag) {
  Txn t;
  t.cycle = cycle;
  t.channel = Channel::kIssue;
  t.tag = tag;
  return t;
}

TEST(Scoreboard, PassesAnExactStream) {
  const std::vector<Txn> exp = {issue(1, 0), psum(5, 0, 0, 7), psum(5, 1, 0, 8), psum(6, 0, 1, 9)};
  Scoreboard sb(exp);
  EXPECT_TRUE(sb.check_cycle(0, {}));
  EXPECT_TRUE(sb.check_cycle(1, {exp[0]}));
  for (uint64_t c = 2; c < 5; ++c) EXPECT_TRUE(sb.check_cycle(c, {}));
  EXPECT_TRUE(sb.check_cycle(5, {exp[1], exp[2]}));
  EXPECT_TRUE(sb.check_cycle(6, {exp[3]}));
  EXPECT_TRUE(sb.check_end(7));
  EXPECT_EQ(sb.compared(), 4u);
  EXPECT_EQ(sb.compared(Channel::kPsumWrite), 3u);
}

TEST(Scoreboard, CatchesWrongData) {
  Scoreboard sb({psum(3, 2, 0, 100)});
  EXPECT_FALSE(sb.check_cycle(3, {psum(3, 2, 0, 101)}));
  ASSERT_TRUE(sb.mismatch());
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kData);
  EXPECT_EQ(sb.mismatch()->expected->data, 100u);
  EXPECT_EQ(sb.mismatch()->actual->data, 101u);
}

TEST(Scoreboard, CatchesEarlyTransaction) {
  Scoreboard sb({psum(3, 0, 0, 1)});
  EXPECT_FALSE(sb.check_cycle(2, {psum(2, 0, 0, 1)}));
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kCycle);
  EXPECT_NE(sb.mismatch()->summary().find("1 cycle early"), std::string::npos);
}

TEST(Scoreboard, CatchesMissingTransactionAtItsCycle) {
  Scoreboard sb({psum(3, 0, 0, 1), psum(3, 1, 0, 1)});
  EXPECT_TRUE(sb.check_cycle(2, {}));
  EXPECT_FALSE(sb.check_cycle(3, {psum(3, 1, 0, 1)}));
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kMissing);
  EXPECT_EQ(sb.mismatch()->expected->part, 0u);
  EXPECT_EQ(sb.mismatch()->cycle, 3u);
}

TEST(Scoreboard, CatchesExtraTransaction) {
  Scoreboard sb({issue(1, 0)});
  EXPECT_FALSE(sb.check_cycle(1, {issue(1, 0), psum(1, 0, 0, 0)}));
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kExtra);
}

TEST(Scoreboard, CatchesWrongOrderWithinAStream) {
  Scoreboard sb({psum(4, 0, 0, 1), psum(5, 0, 1, 2)});
  EXPECT_FALSE(sb.check_cycle(4, {psum(4, 0, 1, 2)}));
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kData);
}

TEST(Scoreboard, CatchesLeftOverAtTheEnd) {
  Scoreboard sb({issue(100, 3)});
  EXPECT_TRUE(sb.check_cycle(0, {}));
  EXPECT_FALSE(sb.check_end(1));
  EXPECT_EQ(sb.mismatch()->kind, Mismatch::Kind::kLeftOver);
  EXPECT_EQ(sb.outstanding(), 1u);
}

TEST(Scoreboard, StopsAtTheFirstMismatch) {
  Scoreboard sb({psum(1, 0, 0, 1), psum(2, 0, 1, 2)});
  EXPECT_FALSE(sb.check_cycle(1, {psum(1, 0, 0, 9)}));
  EXPECT_FALSE(sb.check_cycle(2, {psum(2, 0, 1, 2)}));
  EXPECT_EQ(sb.mismatch()->cycle, 1u);
}

}  // namespace
}  // namespace loom
