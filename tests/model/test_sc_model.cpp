// The SystemC/TLM-2.0 model must reproduce predict() exactly. SystemC
// elaborates once per process, so every test makes at most one run and
// gtest_discover_tests runs each test in its own process. Run by hand with
// --gtest_filter=<one test>.
#include <gtest/gtest.h>

#include <random>

#include "loom/dma_run.h"
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

// What test::same_prediction leaves out: retire cycles and everything the
// DMA adds (empty without descriptors).
::testing::AssertionResult same_dma(const Prediction& a, const Prediction& b) {
  if (a.retire_cycle != b.retire_cycle)
    return ::testing::AssertionFailure() << "retire cycles differ";
  if (a.dma_accept != b.dma_accept) return ::testing::AssertionFailure() << "dma_accept differs";
  if (a.dma_complete != b.dma_complete)
    return ::testing::AssertionFailure() << "dma_complete differs";
  if (a.dma_code != b.dma_code) return ::testing::AssertionFailure() << "dma_code differs";
  if (a.dma_bytes != b.dma_bytes)
    return ::testing::AssertionFailure() << "dma_bytes " << a.dma_bytes << " vs " << b.dma_bytes;
  if (a.final_dram != b.final_dram) return ::testing::AssertionFailure() << "final DRAM differs";
  return ::testing::AssertionSuccess();
}

void expect_same(const Config& c, const Stimulus& st) {
  const Prediction expected = predict(c, st);
  const Prediction actual = run_systemc_model(c, st);
  EXPECT_TRUE(test::same_prediction(expected, actual));
  EXPECT_TRUE(same_dma(expected, actual));
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

// ---------------------------------------------------------------------------
// DMA: descriptors on both queues, dependencies, a replica DRAM with
// backpressure and errors. SC == predict() on every transaction and on the
// DMA results as well.

constexpr uint64_t kBase = 0x10000;  // DramSetup's default window [0x10000, 0x20000)

DmaDesc dma_desc(uint32_t dir, uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows,
                 uint32_t row_bytes, uint32_t stride = 0) {
  DmaDesc d;
  d.dir = dir;
  d.dram_addr = dram;
  d.sbuf_part = part;
  d.sbuf_addr = sbuf_addr;
  d.rows = rows;
  d.row_bytes = row_bytes;
  d.row_stride = stride ? stride : row_bytes;
  return d;
}
DmaDesc load(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows, uint32_t row_bytes,
             uint32_t stride = 0) {
  return dma_desc(0, dram, part, sbuf_addr, rows, row_bytes, stride);
}
DmaDesc store(uint64_t dram, uint32_t part, uint32_t sbuf_addr, uint32_t rows, uint32_t row_bytes,
              uint32_t stride = 0) {
  return dma_desc(1, dram, part, sbuf_addr, rows, row_bytes, stride);
}

// Appends a descriptor; returns its index.
int32_t add_dma(Stimulus& st, const DmaDesc& d, uint32_t queue = 0, uint32_t gap = 0,
                int32_t after_cmd = -1) {
  st.dmas.push_back({d, queue, gap, after_cmd});
  return int32_t(st.dmas.size() - 1);
}
// Appends a command; returns its index.
int32_t add_cmd_after(Stimulus& st, const PeCmd& cmd, int32_t after_dma, uint32_t gap = 0) {
  st.cmds.push_back({cmd, gap, after_dma});
  return int32_t(st.cmds.size() - 1);
}

// The DRAM window filled with seeded random bytes, the configuration's bus.
void random_dram(Stimulus& st, const Config& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  st.dram.mem.data_bytes = c.axi_data_bytes;
  st.dram.init.resize(st.dram.window_limit - st.dram.window_base);
  for (auto& b : st.dram.init) b = uint8_t(rng());
}

uint8_t dram_byte(const Stimulus& st, uint64_t addr) { return st.dram.init[addr - kBase]; }

// SC == predict() for a stimulus with descriptors; returns the prediction.
Prediction expect_same_dma(const Config& c, const Stimulus& st) {
  const Prediction expected = predict(c, st);
  const Prediction actual = run_systemc_model(c, st);
  EXPECT_TRUE(test::same_prediction(expected, actual));
  EXPECT_TRUE(same_dma(expected, actual));
  size_t dma_txns = 0;
  for (const Txn& t : expected.txns) dma_txns += t.channel >= Channel::kDmaAccept ? 1 : 0;
  std::cout << c.name << ": " << st.cmds.size() << " commands, " << st.dmas.size()
            << " descriptors, " << expected.txns.size() << " transactions (" << dma_txns
            << " DMA), " << expected.dma_bytes << " DMA bytes, end cycle " << expected.end_cycle
            << "\n";
  EXPECT_EQ(expected.dma_complete.size(), st.dmas.size());
  return expected;
}

// Both models reject the stimulus while running, with the same message.
void expect_same_error(const Config& c, const Stimulus& st, const std::string& needle) {
  ASSERT_EQ(validate(c, st), "") << "the stimulus must pass validate(): the error is a run's";
  std::string expected, actual;
  try {
    predict(c, st);
  } catch (const std::invalid_argument& e) {
    expected = e.what();
  }
  try {
    run_systemc_model(c, st);
  } catch (const std::invalid_argument& e) {
    actual = e.what();
  }
  EXPECT_TRUE(systemc_model_used());
  ASSERT_NE(expected, "") << "predict() did not throw std::invalid_argument";
  EXPECT_NE(expected.find(needle), std::string::npos) << expected;
  EXPECT_EQ(expected, actual);
  std::cout << "both: " << expected << "\n";
}

// (a) Weights and activations loaded from DRAM, LDW and MM waiting for them
// (after_dma), on both queues, aligned and unaligned, an accumulating pair.
TEST(ScModelDma, LoadsThenMatmulsAfterDma) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");  // P 8, DB 8
  const uint32_t p = c.partitions;
  Stimulus st;
  random_dram(st, c, 21);
  // Pair 0 (queue 0): W rows of 8 bytes at stride 64, X rows of 16 bytes.
  const uint64_t w0 = kBase + 0x100, x0 = kBase + 0x1000;
  const int32_t dw0 = add_dma(st, load(w0, 0, 0, p, p, 64));
  const int32_t dx0 = add_dma(st, load(x0, 0, 64, p, 16, 32));
  // Pair 1 (queue 1): unaligned DRAM and SBUF addresses.
  const uint64_t w1 = kBase + 0x2003, x1 = kBase + 0x3005;
  const int32_t dw1 = add_dma(st, load(w1, 0, 0x103, p, p, 40), 1);
  const int32_t dx1 = add_dma(st, load(x1, 0, 0x205, p, 24, 24), 1, 3);
  add_cmd_after(st, PeCmd::ldw(0, p, p), dw0);
  add_cmd_after(st, PeCmd::mm(64, 16, 0, 0, false), dx0);
  add_cmd_after(st, PeCmd::ldw(0x103, p, p), dw1);
  add_cmd_after(st, PeCmd::mm(0x205, 16, 0, 0, true), dx1, 2);  // accumulates onto pair 0
  ASSERT_EQ(validate(c, st), "");
  const Prediction pred = expect_same_dma(c, st);
  for (size_t j = 0; j < st.dmas.size(); ++j) {
    EXPECT_EQ(pred.dma_code[j], 0u) << "descriptor " << j;
    EXPECT_NE(pred.dma_complete[j], kDmaNever);
  }
  // Each command after its descriptor's completion.
  for (size_t i = 0; i < st.cmds.size(); ++i)
    EXPECT_GT(pred.issue_cycle[i], pred.dma_complete[size_t(st.cmds[i].after_dma)]);
  // The products of the DRAM bytes.
  for (uint32_t m = 0; m < p; ++m)
    for (uint32_t f = 0; f < 16; ++f) {
      uint32_t sum = 0;
      for (uint32_t k = 0; k < p; ++k) {
        sum += uint32_t(int32_t(int8_t(dram_byte(st, w0 + 64 * k + m))) *
                        int8_t(dram_byte(st, x0 + 32 * k + f)));
        sum += uint32_t(int32_t(int8_t(dram_byte(st, w1 + 40 * k + m))) *
                        int8_t(dram_byte(st, x1 + 24 * k + f)));
      }
      EXPECT_EQ(test::psum_at(pred, c, m, 0, f), int32_t(sum)) << "m=" << m << " f=" << f;
    }
}

// (b) Stores after commands (after_cmd): SBUF bytes the commands read go to
// DRAM once they retired, and a load then overwrites them (ordered by
// after_cmd, so no race).
TEST(ScModelDma, StoreAfterCommand) {
  SKIP_IF_USED();
  const Config c = test::cfg("tiny");  // P 4, DB 32 > WB 8
  Stimulus st;
  random_dram(st, c, 22);
  std::vector<std::vector<int8_t>> rows(4, std::vector<int8_t>(40));
  for (uint32_t k = 0; k < 4; ++k)
    for (uint32_t j = 0; j < 40; ++j) rows[k][j] = int8_t(k * 40 + j * 7 - 100);
  test::preload_rows(st, c, 0, rows);
  add_cmd(st, PeCmd::ldw(0, 4, 4));
  add_cmd(st, PeCmd::mm(8, 16, 1, 0, false), 3);
  add_cmd(st, PeCmd::mm(24, 16, 1, 0, true));
  add_dma(st, store(kBase + 0x4001, 0, 0, 4, 40, 100), 0, 0, 0);  // after the LDW
  add_dma(st, store(kBase + 0x5000, 1, 3, 2, 29), 0, 2, 2);       // after the last MM
  add_dma(st, load(kBase + 0x100, 0, 8, 4, 32), 1, 0, 2);         // overwrites what MMs read
  add_dma(st, store(kBase + 0x6000, 0, 8, 4, 32), 1, 0, 2);       // stores the loaded bytes
  ASSERT_EQ(validate(c, st), "");
  const Prediction pred = expect_same_dma(c, st);
  for (size_t j = 0; j < st.dmas.size(); ++j) EXPECT_EQ(pred.dma_code[j], 0u) << "descriptor " << j;
  EXPECT_GT(pred.dma_accept[0], pred.retire_cycle[0]);
  EXPECT_GT(pred.dma_accept[1], pred.retire_cycle[2]);
  // DRAM holds the preloaded rows (store 0) and the loaded bytes (store 3).
  for (uint32_t k = 0; k < 4; ++k)
    for (uint32_t j = 0; j < 40; ++j)
      EXPECT_EQ(pred.final_dram[0x4001 + 100 * k + j], uint8_t(rows[k][j]));
  for (uint32_t k = 0; k < 4; ++k)
    for (uint32_t j = 0; j < 32; ++j)
      EXPECT_EQ(pred.final_dram[0x6000 + 32 * k + j], dram_byte(st, kBase + 0x100 + 32 * k + j));
}

// (c) Both queues at once, loads and stores of random shapes, against a DRAM
// with seeded random backpressure on every channel and random latencies;
// commands with after_dma and descriptors with after_cmd.
TEST(ScModelDma, BothQueuesRandomBackpressure) {
  SKIP_IF_USED();
  const uint64_t seed = test::test_seed(23);
  const Config c = test::cfg("small");
  const uint32_t p = c.partitions, span = 256;
  std::mt19937_64 rng(seed);
  auto uni = [&](uint64_t lo, uint64_t hi) {  // [lo, hi]
    return lo + rng() % (hi - lo + 1);
  };
  auto prob = [&] { return 0.3 + 0.7 * double(uni(0, 1000)) / 1000.0; };
  Stimulus st;
  random_dram(st, c, seed);
  AxiMemConfig& m = st.dram.mem;
  m.read_latency = uint32_t(uni(1, 60));
  m.write_latency = uint32_t(uni(1, 30));
  m.max_reads = uint32_t(uni(1, 8));
  m.max_writes = uint32_t(uni(1, 8));
  m.ar_ready = prob();
  m.aw_ready = prob();
  m.w_ready = prob();
  m.r_valid = prob();
  m.b_valid = prob();
  m.seed = seed;
  // SBUF [0, span) preloaded: stores and commands read it; loads write
  // [span, SbufBytes), which nothing reads (no ordering needed).
  std::vector<std::vector<int8_t>> rows(p, std::vector<int8_t>(span));
  for (auto& r : rows)
    for (auto& b : r) b = int8_t(rng());
  test::preload_rows(st, c, 0, rows);
  // Commands 0..5 free; descriptors may wait for them; commands 6..11 may
  // wait for descriptors (no cycle of dependencies).
  const uint32_t ncmd = 12, ndesc = 16;
  for (uint32_t i = 0; i < ncmd / 2; ++i) {
    if (i % 2 == 0)
      add_cmd(st, PeCmd::ldw(uint32_t(uni(0, span - p)), uint32_t(uni(1, p)), uint32_t(uni(1, p))),
              uint32_t(uni(0, 20)));
    else
      add_cmd(st, PeCmd::mm(uint32_t(uni(0, span - 32)), uint32_t(uni(1, 32)), 0, 0, false),
              uint32_t(uni(0, 20)));
  }
  for (uint32_t j = 0; j < ndesc; ++j) {
    const bool st_dir = uni(0, 2) == 0;
    const uint32_t r = uint32_t(uni(1, p));
    const uint32_t part = uint32_t(uni(0, p - r));
    const uint32_t planes = uint32_t(uni(1, 2));
    const uint32_t len = uint32_t(uni(1, st_dir ? span / planes : 300));
    DmaDesc d = dma_desc(st_dir ? 1 : 0, 0, part, 0, r, len, len + uint32_t(uni(0, 64)));
    d.planes = planes;
    d.plane_stride = d.row_stride * r + uint32_t(uni(0, 64));
    d.sbuf_addr = st_dir ? uint32_t(uni(0, span - planes * len))
                         : uint32_t(uni(span, c.sbuf_bytes - planes * len));
    const uint64_t extent =
        uint64_t(planes - 1) * d.plane_stride + uint64_t(r - 1) * d.row_stride + len;
    d.dram_addr = kBase + uni(0, 0x10000 - extent);
    const int32_t after = uni(0, 3) == 0 ? int32_t(uni(0, ncmd / 2 - 1)) : -1;
    add_dma(st, d, uint32_t(uni(0, 1)), uint32_t(uni(0, 30)), after);
  }
  for (uint32_t i = ncmd / 2; i < ncmd; ++i) {
    const PeCmd cmd = i % 2 == 0 ? PeCmd::ldw(uint32_t(uni(0, span - p)), uint32_t(uni(1, p)),
                                              uint32_t(uni(1, p)))
                                 : PeCmd::mm(uint32_t(uni(0, span - 32)), uint32_t(uni(1, 32)),
                                             uint32_t(uni(0, 3)), 0, false);
    add_cmd_after(st, cmd, uni(0, 1) ? int32_t(uni(0, ndesc - 1)) : -1, uint32_t(uni(0, 10)));
  }
  ASSERT_EQ(validate(c, st), "");
  const Prediction pred = expect_same_dma(c, st);
  uint32_t queue_used[2] = {0, 0};
  for (size_t j = 0; j < st.dmas.size(); ++j) {
    EXPECT_EQ(pred.dma_code[j], 0u) << "descriptor " << j;
    ++queue_used[st.dmas[j].queue];
  }
  EXPECT_GT(queue_used[0], 0u);
  EXPECT_GT(queue_used[1], 0u);
}

// (d) A load meeting SLVERR (AxiMem error range) halts queue 0 with code 4
// and leaves an SBUF prefix; a rejected descriptor (DRAM window) halts queue
// 1 with code 2; the descriptors behind them never run; commands go on.
TEST(ScModelDma, LoadErrorAndRejectedDescriptor) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  random_dram(st, c, 24);
  st.dram.mem.read_latency = 17;
  st.dram.mem.errors.push_back({kBase + 0x2040, kBase + 0x2048, uint8_t(kAxiSlvErr), true, false});
  test::preload_rows(st, c, 0, test::filled(8, 16, 3));
  add_dma(st, load(kBase + 0x1000, 0, 0x100, 8, 48), 0);         // 0: fine
  add_dma(st, load(kBase + 0x2000, 0, 0x200, 4, 100, 0x20), 0);  // 1: row 2 reads the error
  add_dma(st, load(kBase + 0x3000, 0, 0x300, 2, 8), 0);          // 2: queued, never runs
  add_dma(st, store(kBase + 0x4000, 0, 0, 8, 16), 1);            // 3: fine
  add_dma(st, store(kBase - 8, 0, 0, 1, 16), 1, 5);              // 4: below the window
  add_dma(st, store(kBase + 0x5000, 0, 0, 1, 16), 1, 300);       // 5: offered after the halt
  add_cmd(st, PeCmd::ldw(0, 8, 8));
  add_cmd_after(st, PeCmd::mm(0x100, 16, 0, 0, false), 0);  // after the good load
  ASSERT_EQ(validate(c, st), "");
  const Prediction pred = expect_same_dma(c, st);
  EXPECT_EQ(pred.dma_code[0], uint32_t(DmaCode::kOk));
  EXPECT_EQ(pred.dma_code[1], uint32_t(DmaCode::kSlvErr));
  EXPECT_NE(pred.dma_accept[2], kDmaNever);  // into the queue before the error
  EXPECT_EQ(pred.dma_complete[2], kDmaNever);
  EXPECT_EQ(pred.dma_code[3], uint32_t(DmaCode::kOk));
  EXPECT_EQ(pred.dma_code[4], uint32_t(DmaCode::kWindow));
  EXPECT_NE(pred.dma_complete[4], kDmaNever);
  EXPECT_EQ(pred.dma_accept[5], kDmaNever);
  EXPECT_EQ(pred.dma_bytes, uint64_t(8 * 48 + 8 * 16));
  // No bus traffic for the rejected store: every AW is the good store's.
  for (const Txn& t : test::of_channel(pred, Channel::kDramWriteReq)) {
    EXPECT_GE(t.addr, kBase + 0x4000);
    EXPECT_LT(t.addr, kBase + 0x4080);
  }
}

// The run's checks, each in both models with the same message.
TEST(ScModelDma, RaceIsReportedByBoth) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  random_dram(st, c, 25);
  st.dram.mem.read_latency = 5;
  test::preload_rows(st, c, 0, test::filled(8, 64, 1));
  add_cmd(st, PeCmd::ldw(0, 8, 8));
  add_cmd(st, PeCmd::mm(0, 64, 0, 0, false));    // reads [0, 64) of every partition for ~90 cycles
  add_dma(st, load(kBase, 0, 32, 8, 8), 0, 20);  // writes into it meanwhile
  expect_same_error(c, st, "race: a DMA load writes SBUF");
}

TEST(ScModelDma, UnwrittenReadIsReportedByBoth) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  random_dram(st, c, 26);
  add_dma(st, load(kBase, 0, 0, 8, 8));
  add_cmd(st, PeCmd::ldw(0, 8, 8));  // no after_dma: offered before the load's writes
  expect_same_error(c, st, "which nothing wrote before it was offered");
}

TEST(ScModelDma, DeadlockBehindHaltedQueueIsReportedByBoth) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  random_dram(st, c, 27);
  add_dma(st, load(kBase + 0x20000, 0, 0, 8, 8));  // beyond the window: rejected, queue 0 halts
  const int32_t j = add_dma(st, load(kBase, 0, 0, 8, 8));
  add_cmd_after(st, PeCmd::ldw(0, 8, 8), j);
  expect_same_error(c, st, "its queue halted on an error");
}

TEST(ScModelDma, DeadlockOnLaterCommandIsReportedByBoth) {
  SKIP_IF_USED();
  const Config c = test::cfg("small");
  Stimulus st;
  random_dram(st, c, 28);
  test::preload_rows(st, c, 0, test::filled(8, 8, 2));
  const int32_t j = add_dma(st, load(kBase, 0, 64, 8, 8), 1, 0, 1);  // after cmd 1
  add_cmd_after(st, PeCmd::ldw(0, 8, 8), j);                         // cmd 0 waits for it
  add_cmd(st, PeCmd::ldw(0, 8, 8));
  expect_same_error(c, st, "it waits for a later command");
}

}  // namespace
}  // namespace loom

// Our own main(): libsystemc.so also defines main() (calling sc_main), and a
// main() taken from libgtest_main.a could lose to it depending on link order.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
