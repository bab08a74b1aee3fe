// The SystemC/TLM-2.0 model must reproduce predict() exactly. SystemC
// elaborates once per process, so every test makes at most one run and
// gtest_discover_tests runs each test in its own process. Run by hand with
// --gtest_filter=<one test>.
#include <gtest/gtest.h>

#include "loom/model.h"
#include "loom/random_stimulus.h"
#include "loom/sc_model.h"
#include "test_util.h"

namespace loom {
namespace {

using test::add_cmd;
using test::filled;
using test::preload_rows;

#define SKIP_IF_USED()                                                               \
  if (systemc_model_used())                                                          \
  GTEST_SKIP() << "the SystemC model already ran in this process; run one test per " \
                  "process (ctest, or --gtest_filter)"

void expect_same(const Config& c, const Stimulus& st) {
  const Prediction expected = predict(c, st);
  const Prediction actual = run_systemc_model(c, st);
  EXPECT_TRUE(test::same_prediction(expected, actual));
  std::cout << c.name << ": " << st.preload.size() << " preload writes, " << st.cmds.size()
            << " commands, " << expected.txns.size() << " transactions, end cycle "
            << expected.end_cycle << ", utilization " << utilization(c, expected) << "\n";
}

TEST(ScModel, SingleLdwMm) {
  SKIP_IF_USED();
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 16, 3));
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 4, 1, 3, false));
  expect_same(c, st);
}

TEST(ScModel, AccumulateQueueStallAndBankFree) {
  SKIP_IF_USED();
  Config c = test::cfg("tiny");
  c.cmd_depth = 2;
  Stimulus st;
  preload_rows(st, c, 0,
               {{1, -2, 3, -4, 5, -6, 7, -8, 127, -128, 0, 1, 2, 3, 4, 5},
                {-128, -128, -128, -128, 127, 127, 127, 127, 1, 1, 1, 1, 1, 1, 1, 1},
                {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6},
                {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}});
  add_cmd(st, PeCmd::ldw(0, 4, 4), 2);
  add_cmd(st, PeCmd::mm(0, 16, 0, 0, false));
  add_cmd(st, PeCmd::ldw(8, 3, 4));
  add_cmd(st, PeCmd::ldw(4, 4, 2));  // bank 0 again: waits for the first MM
  add_cmd(st, PeCmd::mm(1, 15, 0, 1, true), 5);
  add_cmd(st, PeCmd::mm(0, 1, 0, 0, true));
  add_cmd(st, PeCmd::mm(0, 1, 0, 0, true));
  add_cmd(st, PeCmd::mm(3, 7, 1, 9, false));
  expect_same(c, st);
}

TEST(ScModel, PartialStrobesAndNoCommands) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  for (uint32_t j = 0; j < 20; ++j) {
    SbufWrite w;
    w.part = j % 8;
    w.addr = 8 * (j / 3);
    w.data = {uint8_t(j), 1, 2, 3, 4, 5, 6, uint8_t(0xf0 + j)};
    w.strb = (j * 37) & 0xff;
    st.preload.push_back(w);
  }
  expect_same(c, st);
}

void random_case(const char* name, uint64_t default_seed, uint32_t num_cmds) {
  const uint64_t seed = test::test_seed(default_seed);
  const Config c = test::cfg(name);
  RandomStimulusOptions opt;
  opt.num_cmds = num_cmds;
  expect_same(c, random_stimulus(c, seed, opt));
}

TEST(ScModel, RandomTiny) {
  SKIP_IF_USED();
  random_case("tiny", 11, 200);
}
TEST(ScModel, RandomSmall) {
  SKIP_IF_USED();
  random_case("small", 12, 150);
}
TEST(ScModel, RandomMedium) {
  SKIP_IF_USED();
  random_case("medium", 13, 100);
}
TEST(ScModel, RandomTrn) {
  SKIP_IF_USED();
  const uint64_t seed = test::test_seed(14);
  const Config c = test::cfg("trn");
  RandomStimulusOptions opt;
  opt.num_cmds = 12;
  opt.max_free = 64;
  opt.sbuf_span = 128;
  expect_same(c, random_stimulus(c, seed, opt));
}

TEST(ScModel, InvalidStimulusThrowsWithoutUsingTheRun) {
  SKIP_IF_USED();
  const Config c = test::cfg("tiny");
  Stimulus bad;
  add_cmd(bad, PeCmd::ldw(0, 9, 4));
  EXPECT_THROW(run_systemc_model(c, bad), std::invalid_argument);
  EXPECT_FALSE(systemc_model_used());
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 1));
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(0, 8, 0, 0, false));
  expect_same(c, st);
}

TEST(ScModel, SecondRunThrowsLogicError) {
  SKIP_IF_USED();
  const Config c = test::cfg("tiny");
  Stimulus st;
  preload_rows(st, c, 0, filled(4, 8, 1));
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  run_systemc_model(c, st);
  EXPECT_TRUE(systemc_model_used());
  try {
    run_systemc_model(c, st);
    FAIL() << "second run did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("once per process"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace loom

// Our own main(): libsystemc.so also defines main() (calling sc_main), and a
// main() taken from libgtest_main.a could lose to it depending on link order.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
