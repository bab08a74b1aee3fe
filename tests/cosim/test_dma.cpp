// Co-simulation of the DMA inside the core (docs/dma.md): every DMA event
// (descriptor accept and completion, SBUF writes of loads and reads of
// stores, AR / AW requests, W beats slice by slice) compared with the golden
// model in payload and cycle, the SBUF, PSUM and the DRAM window compared at
// the end. Where the result is known independently (the bytes a descriptor
// moves, a product), it is checked against plain C++ as well.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "dma_workloads.h"
#include "loom/dma_engine_model.h"

#include "cosim_fixture.h"
#include "workloads.h"

namespace loom::test {
namespace {

class Dma : public PerConfig {
 protected:
  static constexpr uint64_t kBase = 0x10000;  // DramSetup's default window [0x10000, 0x20000)
  uint32_t DB() const { return cfg().axi_data_bytes; }
};

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = uint8_t(rng());
  return v;
}

// The whole DRAM window filled with random bytes.
StimBuilder with_random_dram(const Config& cfg, uint64_t seed) {
  StimBuilder sb(cfg);
  sb.dram(0x10000, random_bytes(0x10000, seed));
  return sb;
}

// Expected DRAM window after `stim`'s descriptors, computed independently of
// the model with dma_apply() in an order the test guarantees.
std::vector<uint8_t> apply_in_order(const Config& cfg, const Stimulus& stim,
                                    std::vector<std::vector<uint8_t>>& sbuf_flat) {
  std::vector<uint8_t> dram = stim.dram.init;
  dram.resize(stim.dram.window_limit - stim.dram.window_base, 0);
  std::vector<uint8_t> sbuf(size_t(cfg.partitions) * cfg.sbuf_bytes, 0);
  for (uint32_t p = 0; p < cfg.partitions; ++p)
    std::copy(sbuf_flat[p].begin(), sbuf_flat[p].end(), sbuf.begin() + size_t(p) * cfg.sbuf_bytes);
  DmaParams par = dma_params(cfg);
  for (const TimedDesc& d : stim.dmas)
    dma_apply(d.desc, par, DmaMemories{&dram, stim.dram.window_base, &sbuf, cfg.sbuf_bytes});
  for (uint32_t p = 0; p < cfg.partitions; ++p)
    std::copy(sbuf.begin() + size_t(p) * cfg.sbuf_bytes, sbuf.begin() + size_t(p + 1) * cfg.sbuf_bytes,
              sbuf_flat[p].begin());
  return dram;
}

// Runs `sb` (descriptors one queue, so in order), checks pass and that the
// DRAM window and the SBUF equal an in-order dma_apply().
void run_and_check_bytes(const Config& cfg, RtlFactory rtl, const StimBuilder& sb) {
  const Stimulus stim = sb.build();
  const CosimResult r = cosim(rtl, cfg, stim);
  expect_pass(r);
  EXPECT_GT(r.compared_by_channel[int(Channel::kDmaComplete)], 0u);
  std::vector<std::vector<uint8_t>> sbuf(cfg.partitions, std::vector<uint8_t>(cfg.sbuf_bytes, 0));
  for (const SbufWrite& w : stim.preload)
    for (uint32_t i = 0; i < w.data.size(); ++i)
      if ((w.strb >> i) & 1) sbuf[w.part][w.addr + i] = w.data[i];
  const std::vector<uint8_t> dram = apply_in_order(cfg, stim, sbuf);
  ASSERT_EQ(r.prediction.final_dram.size(), dram.size());
  for (size_t i = 0; i < dram.size(); ++i)
    ASSERT_EQ(r.prediction.final_dram[i], dram[i]) << "DRAM byte " << std::hex << stim.dram.window_base + i;
  for (uint32_t p = 0; p < cfg.partitions; ++p) {
    for (uint32_t a = 0; a < cfg.sbuf_bytes; ++a) {
      if (r.prediction.final_state.sbuf_written[p][a]) {
        ASSERT_EQ(r.prediction.final_state.sbuf[p][a], sbuf[p][a]) << "SBUF " << p << " " << a;
      }
    }
  }
  for (size_t j = 0; j < stim.dmas.size(); ++j) EXPECT_EQ(r.prediction.dma_code[j], 0u) << "descriptor " << j;
}

TEST_P(Dma, LoadsAndStoresAlignedAndUnaligned) {
  StimBuilder sb = with_random_dram(cfg(), 11);
  const uint32_t rows = std::min(P(), 4u);
  sb.dma(dma_load(kBase, 0, 0, rows, 64))                     // aligned
      .dma(dma_load(kBase + 0x1003, 0, 0x105, rows, 77, 100))   // unaligned DRAM and SBUF, stride > row
      .dma(dma_load(kBase + 0x2000, P() - 1, 0x203, 1, 1))      // one byte
      .dma(dma_store(kBase + 0x8001, 0, 0x105, rows, 77, 77))   // store back, stride == row
      .dma(dma_store(kBase + 0x9000, 0, 0, rows, 64, 128));
  run_and_check_bytes(cfg(), rtl(), sb);
}

TEST_P(Dma, FourKiBBurstsAndAllPartitions) {
  StimBuilder sb = with_random_dram(cfg(), 12);
  const uint32_t row = std::min<uint32_t>(cfg().sbuf_bytes, 4096);
  // A row of exactly min(SbufBytes, 4 KiB) starting on a page, one crossing a
  // page boundary, the longest burst (256 beats), and every partition.
  sb.dma(dma_load(kBase + 0x1000, 0, 0, 1, row))
      .dma(dma_load(kBase + 0x2f00, 1, 0, 1, std::min<uint32_t>(row, 0x300)))
      .dma(dma_load(kBase + 0x4000, 2, 0, 1, std::min<uint32_t>(row, 256 * DB())))
      .dma(dma_load(kBase + 0x6010, 0, 16, P(), 40, 0x40))
      .dma(dma_store(kBase + 0xa000 + 0xff0, 0, 16, P(), 40, 0x200));
  run_and_check_bytes(cfg(), rtl(), sb);
}

TEST_P(Dma, PlanesAppendInPartitions) {
  StimBuilder sb = with_random_dram(cfg(), 13);
  DmaDesc d = dma_load(kBase + 0x300, 1, 5, 3, 24, 50);
  d.planes = 3;
  d.plane_stride = 0x400;
  DmaDesc s = dma_store(kBase + 0xc000, 1, 5, 3, 72, 80);
  sb.dma(d).dma(s);
  run_and_check_bytes(cfg(), rtl(), sb);
}

TEST_P(Dma, BothQueuesAtOnce) {
  StimBuilder sb = with_random_dram(cfg(), 14);
  for (uint32_t i = 0; i < 4; ++i) {
    sb.dma(dma_load(kBase + 0x800 * i + 3, 0, 64 * i, 2, 48), 0);
    sb.dma(dma_load(kBase + 0x8000 + 0x800 * i, 2, 64 * i + 5, 2, 33), 1);
  }
  const Stimulus stim = sb.build();
  const CosimResult r = cosim(rtl(), cfg(), stim);
  expect_pass(r);
  // Round robin: completions alternate between the queues.
  for (size_t j = 0; j + 1 < stim.dmas.size(); ++j)
    EXPECT_LT(r.prediction.dma_complete[j], r.prediction.dma_complete[j + 1]) << "descriptor " << j;
}

TEST_P(Dma, BackpressureAndLatency) {
  StimBuilder sb = with_random_dram(cfg(), 15);
  AxiMemConfig mem;
  mem.read_latency = 37;
  mem.write_latency = 5;
  mem.ar_ready = mem.aw_ready = 0.6;
  mem.w_ready = 0.7;
  mem.r_valid = 0.5;
  mem.b_valid = 0.8;
  mem.seed = test_seed(15);
  sb.dram_setup(mem);
  sb.dma(dma_load(kBase + 0x101, 0, 3, P(), 300, 0x200))
      .dma(dma_store(kBase + 0x9007, 0, 3, P(), 300, 0x150), 1);
  const CosimResult r = cosim(rtl(), cfg(), sb.build(), fmt::format("LOOM_SEED={}", mem.seed));
  expect_pass(r);
  EXPECT_GT(r.compared_by_channel[int(Channel::kDramWrite)], 0u);
  EXPECT_GT(r.compared_by_channel[int(Channel::kSbufWrite)], 0u);
}

// The tensor engine consumes what the DMA loaded: LDW and MM wait for their
// descriptors; a store waits for the MM and copies the moving tile back.
TEST_P(Dma, MatmulOnLoadedOperands) {
  const uint32_t k = P(), m = P(), f = std::min<uint32_t>(cfg().psum_entries, 16);
  StimBuilder sb = with_random_dram(cfg(), 16);
  sb.dma(dma_load(kBase + 0x100, 0, 0, k, m, 0x40), 0)        // W [K x M]
      .dma(dma_load(kBase + 0x2000, 0, 256, k, f, 0x40), 1);  // X [K x F]
  sb.ldw(0, k, m).after_dma(0).mm(256, f, 1, 0, false).after_dma(1);
  sb.dma(dma_store(kBase + 0xe000, 0, 256, k, f), 0, 0, 1);  // after the MM retired
  const Stimulus stim = sb.build();
  const CosimResult r = cosim(rtl(), cfg(), stim);
  expect_pass(r);
  // C = W^T X from the DRAM bytes, in plain C++.
  const auto& init = stim.dram.init;
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = 0; j < f; ++j) {
      int32_t want = 0;
      for (uint32_t r2 = 0; r2 < k; ++r2)
        want += int32_t(int8_t(init[0x100 + 0x40 * r2 + i])) * int8_t(init[0x2000 + 0x40 * r2 + j]);
      EXPECT_EQ(r.prediction.final_state.psum[i][size_t(1) * cfg().psum_entries + j], want);
    }
  for (uint32_t r2 = 0; r2 < k; ++r2)
    for (uint32_t j = 0; j < f; ++j)
      EXPECT_EQ(r.prediction.final_dram[0xe000 + r2 * f + j], init[0x2000 + 0x40 * r2 + j]);
}

TEST_P(Dma, ErrorsStopTheQueueCleanly) {
  StimBuilder sb = with_random_dram(cfg(), 17);
  AxiMemConfig mem;
  mem.errors.push_back({kBase + 0x3000, kBase + 0x3100, 2, true, false});  // SLVERR on reads
  mem.errors.push_back({kBase + 0xb000, kBase + 0xb100, 3, false, true});  // DECERR on writes
  sb.dram_setup(mem);
  sb.dma(dma_load(kBase + 0x2f00, 0, 0, 2, 0x200), 0)     // hits the read error: SLVERR
      .dma(dma_load(kBase, 0, 0x400, 1, 8), 0)             // never runs: queue 0 halted
      .dma(dma_store(kBase + 0xaf80, 0, 0, 1, 0x100), 1)   // DECERR on its second burst's B
      .dma(dma_load(kBase, 1, 0, 1, 8), 1);                // never runs
  // A window violation and an SBUF overrun on a fresh run of queue 0 are
  // covered by the random test; here the AXI errors.
  sb.matrix(0, 0, 2, 0x200, std::vector<int8_t>(0x400, 7));
  const Stimulus stim = sb.build();
  const CosimResult r = cosim(rtl(), cfg(), stim);
  expect_pass(r);
  EXPECT_EQ(r.prediction.dma_code[0], uint32_t(DmaCode::kSlvErr));
  EXPECT_EQ(r.prediction.dma_complete[1], UINT64_MAX);
  EXPECT_EQ(r.prediction.dma_code[2], uint32_t(DmaCode::kDecErr));
  EXPECT_EQ(r.prediction.dma_complete[3], UINT64_MAX);
}

TEST_P(Dma, RejectedDescriptorsMakeNoTraffic) {
  StimBuilder sb = with_random_dram(cfg(), 18);
  sb.dma(dma_load(kBase + 0xff00, 0, 0, 1, 0x200), 0)             // beyond the window: code 2
      .dma(dma_load(kBase, P() - 1, 0, 2, 8), 1);                  // past the last partition: code 3
  const CosimResult r = cosim(rtl(), cfg(), sb.build());
  expect_pass(r);
  EXPECT_EQ(r.prediction.dma_code[0], uint32_t(DmaCode::kWindow));
  EXPECT_EQ(r.prediction.dma_code[1], uint32_t(DmaCode::kSbuf));
  EXPECT_EQ(r.compared_by_channel[int(Channel::kDramRead)], 0u);
  EXPECT_EQ(r.compared_by_channel[int(Channel::kSbufWrite)], 0u);
}

// Random descriptor mixes on both queues with random DRAM latency,
// backpressure, error ranges, rejected descriptors and matmuls beside them.
class RandomDma : public ::testing::TestWithParam<std::tuple<const char*, int>> {};

TEST_P(RandomDma, MatchesModel) {
  const Config& cfg = config_by_name(std::get<0>(GetParam()));
  const uint64_t seed = test_seed(1000 + uint64_t(std::get<1>(GetParam())));
  const Stimulus stim = random_dma_stimulus(cfg, seed);
  const CosimResult r =
      cosim(rtl_factory(cfg.name), cfg, stim, fmt::format("LOOM_SEED={}", seed));
  expect_pass(r);
  size_t ran = 0;
  for (uint64_t e : r.prediction.dma_complete) ran += e != UINT64_MAX;
  fmt::print("[ dma      ] {} of {} descriptors ran, {} bytes moved, {} DRAM write slices\n", ran,
             stim.dmas.size(), r.prediction.dma_bytes,
             r.compared_by_channel[int(Channel::kDramWrite)]);
  EXPECT_GT(ran, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomDma,
                         ::testing::Combine(::testing::Values("tiny", "small", "medium"),
                                            ::testing::Range(0, 8)),
                         [](const auto& info) {
                           return fmt::format("{}_{}", std::get<0>(info.param), std::get<1>(info.param));
                         });

INSTANTIATE_TEST_SUITE_P(Configs, Dma, ::testing::Values("tiny", "small", "medium"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace loom::test
