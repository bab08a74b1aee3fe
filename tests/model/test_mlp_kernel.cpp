// The two-layer MLP kernel (docs/kernels.md "MLP"): programs from
// mlp_program() executed by the functional executor and compared bit for
// bit with reference_mlp, under many interleavings; every kind of wait
// needed; bad parameters rejected.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "kernel_test_util.h"
#include "loom/kernels.h"
#include "loom/program_exec.h"
#include "loom/reference.h"
#include "test_util.h"

namespace loom {
namespace {

using test::cfg;
using test::DramBuilder;
using test::kKernelBase;
using test::test_seed;

struct MlpCase {
  MlpParams p;
  std::vector<int8_t> x, w1, w2;
  std::vector<int32_t> bias1, bias2;
  std::vector<int16_t> scale1, scale2;
  std::vector<uint8_t> dram;
};

MlpCase make_case(MlpParams p, std::mt19937_64& rng) {
  MlpCase k;
  std::uniform_int_distribution<int> d(-128, 127);
  k.x.resize(size_t(p.b) * p.d0);
  k.w1.resize(size_t(p.d0) * p.d1);
  k.w2.resize(size_t(p.d1) * p.d2);
  for (auto* v : {&k.x, &k.w1, &k.w2})
    for (auto& e : *v) e = int8_t(d(rng));
  for (uint32_t j = 0; j < p.d1; ++j) {
    k.bias1.push_back(int32_t(rng() % 8001) - 3000);
    k.scale1.push_back(int16_t(1 + rng() % 3000));  // mostly positive: ReLU keeps some
  }
  for (uint32_t j = 0; j < p.d2; ++j) {
    k.bias2.push_back(int32_t(rng() % 8001) - 4000);
    k.scale2.push_back(int16_t(int32_t(rng() % 65536) - 32768));
  }
  DramBuilder b;
  p.x_addr = b.add(p.feature_major ? transpose(k.x, p.b, p.d0) : k.x);
  p.w1_addr = b.add(k.w1);
  p.w2_addr = b.add(k.w2);
  p.bs1_addr = b.add(pack_bias_scale(k.bias1, k.scale1));
  p.bs2_addr = b.add(pack_bias_scale(k.bias2, k.scale2));
  p.y_addr = b.add(std::vector<uint8_t>(size_t(p.b) * p.d2 * (p.out_int8 ? 1 : 4), 0xcd));
  k.dram = b.image();
  k.p = p;
  return k;
}

std::vector<uint8_t> expected_dram(const MlpCase& k) {
  const MlpParams& p = k.p;
  std::vector<int32_t> b1 = k.bias1, s1(k.scale1.begin(), k.scale1.end());
  if (!p.hidden.per_channel) {
    b1.assign(p.d1, p.hidden.bias);
    s1.assign(p.d1, p.hidden.scale);
  }
  const std::vector<int32_t> y =
      reference_mlp(k.x, k.w1, k.w2, p.b, p.d0, p.d1, p.d2, b1, s1, p.hidden.shift, p.hidden.relu);
  std::vector<int32_t> out = y;  // Y's elements, requantized with out_int8
  if (p.out_int8)
    for (size_t i = 0; i < y.size(); ++i) {
      const size_t col = i % p.d2;
      const Requant& q = p.out;
      out[i] = q.per_channel ? act_requant(y[i], k.bias2[col], k.scale2[col], q.shift, q.relu)
                             : act_requant(y[i], q.bias, q.scale, q.shift, q.relu);
    }
  if (p.feature_major) out = transpose(out, p.b, p.d2);
  std::vector<uint8_t> want = k.dram;
  const uint64_t y0 = p.y_addr - kKernelBase;
  const int es = p.out_int8 ? 1 : 4;
  for (size_t i = 0; i < out.size(); ++i)
    for (int b = 0; b < es; ++b) want[y0 + es * i + b] = uint8_t(uint32_t(out[i]) >> (8 * b));
  return want;
}

std::string shape(const Config& c, const MlpParams& p) {
  return fmt::format(
      "{} B={} D0={} D1={} D2={} hidden per_channel={} relu={} out_int8={} feature_major={}",
      c.name, p.b, p.d0, p.d1, p.d2, p.hidden.per_channel, p.hidden.relu, p.out_int8,
      p.feature_major);
}

MlpProgram check_mlp(const Config& c, MlpParams p, std::mt19937_64& rng,
                     MlpCase* out_case = nullptr) {
  SCOPED_TRACE(shape(c, p));
  MlpCase k = make_case(p, rng);
  const MlpProgram g = mlp_program(c, k.p);
  ExecResult r(c);
  test::run_all_orders(c, g.program, k.dram, k.p.semaphores, g.final_sems, rng, &r);
  if (::testing::Test::HasFatalFailure()) return g;
  const std::vector<uint8_t> want = expected_dram(k);
  for (size_t i = 0; i < want.size(); ++i)
    if (r.dram[i] != want[i]) {
      ADD_FAILURE() << "DRAM byte " << i << " (Y offset "
                    << int64_t(i) - int64_t(k.p.y_addr - kKernelBase) << "): got " << int(r.dram[i])
                    << " want " << int(want[i]);
      break;
    }
  EXPECT_EQ(r.macs, g.macs);
  EXPECT_EQ(g.macs, uint64_t(p.b) * p.d1 * (p.d0 + p.d2));
  EXPECT_EQ(r.dma_store_bytes, g.y_bytes);
  // H never goes through DRAM: loads are X (once per group of D1 tiles),
  // W1, W2 and the records only.
  const KernelTiling& l1 = g.layer1;
  const uint64_t x_times = l1.m_group ? (l1.tiles_m + l1.m_group - 1) / l1.m_group : l1.tiles_m;
  EXPECT_EQ(r.dma_load_bytes, x_times * g.x_bytes + l1.tiles_f * g.w1_bytes +
                                  l1.tiles_f * g.w2_bytes + g.bs1_bytes + g.bs2_bytes);
  if (!p.feature_major) {
    EXPECT_EQ(l1.m_group, 0u);
  }
  EXPECT_LE(g.sbuf_used, c.sbuf_bytes);
  if (out_case) *out_case = k;
  return g;
}

TEST(MlpReference, IsTwoMatmulsWithRequant) {
  std::mt19937_64 rng(test_seed(0x31ff));
  const uint32_t b = 5, d0 = 7, d1 = 6, d2 = 3;
  std::vector<int8_t> x(b * d0), w1(d0 * d1), w2(d1 * d2);
  for (auto* v : {&x, &w1, &w2})
    for (auto& e : *v) e = int8_t(rng());
  std::vector<int32_t> bias(d1), scale(d1);
  for (uint32_t j = 0; j < d1; ++j) {
    bias[j] = int32_t(rng() % 2001) - 1000;
    scale[j] = int32_t(rng() % 3000) - 1000;
  }
  const std::vector<int32_t> s1 = reference_matmul(x, w1, b, d0, d1);
  std::vector<int8_t> h(b * d1);
  for (size_t i = 0; i < h.size(); ++i)
    h[i] = act_requant(s1[i], bias[i % d1], scale[i % d1], 7, true);
  EXPECT_EQ(reference_mlp(x, w1, w2, b, d0, d1, d2, bias, scale, 7, true),
            reference_matmul(h, w2, b, d1, d2));
  // ReLU: with the hidden layer all negative (scale -1, large negative
  // bias), H = 0 and so Y = 0.
  std::vector<int32_t> neg(d1, -100000), minus(d1, -1);
  EXPECT_EQ(reference_mlp(x, w1, w2, b, d0, d1, d2, neg, std::vector<int32_t>(d1, 1), 0, true),
            std::vector<int32_t>(b * d2, 0));
  EXPECT_NE(reference_mlp(x, w1, w2, b, d0, d1, d2, neg, minus, 0, false),
            std::vector<int32_t>(b * d2, 0));
  EXPECT_THROW(reference_mlp(x, w1, w2, b, d0 + 1, d1, d2, bias, scale, 7, true),
               std::invalid_argument);
}

// 30 random shapes per configuration in the given layout.
void random_shapes(uint64_t seed, bool feature_major) {
  std::mt19937_64 rng(test_seed(seed));
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    const uint32_t P = c.partitions;
    for (int i = 0; i < 30; ++i) {
      MlpParams p;
      p.b = 1 + uint32_t(rng() % (c.psum_entries + 20));
      p.d0 = 1 + uint32_t(rng() % (3 * P + 2));
      p.d1 = 1 + uint32_t(rng() % (3 * P + 2));
      p.d2 = 1 + uint32_t(rng() % (3 * P + 2));
      p.hidden.per_channel = rng() % 4 != 0;
      p.hidden.bias = int32_t(rng() % 2001) - 1000;
      p.hidden.scale = int32_t(1 + rng() % 2000);
      p.hidden.shift = 8 + uint32_t(rng() % 6);
      p.hidden.relu = rng() % 4 != 0;
      const int mode = int(rng() % 3);  // int32, int8 immediates, int8 per channel
      p.out_int8 = mode > 0;
      p.out.per_channel = mode == 2;
      p.out.bias = int32_t(rng() % 2001) - 1000;
      p.out.scale = int32_t(rng() % 65536) - 32768;
      p.out.shift = 10 + uint32_t(rng() % 8);
      p.out.relu = rng() & 1;
      p.feature_major = feature_major;
      check_mlp(c, p, rng);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(MlpKernel, RandomShapesAllConfigs) { random_shapes(0x3170, false); }

TEST(MlpKernel, FeatureMajorRandomShapesAllConfigs) { random_shapes(0x3172, true); }

void edge_shapes(uint64_t seed, bool feature_major) {
  std::mt19937_64 rng(test_seed(seed));
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    const uint32_t P = c.partitions, F = c.psum_entries;
    for (auto [b, d0, d1, d2] : std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>>{
             {1, 1, 1, 1},
             {F, P, P, P},
             {F + 1, P + 1, P - 1, 2 * P + 1},
             {2 * F + 3, 2 * P + 3, 3 * P + 1, 1},
             {3, 1, 4 * P + 1, P}}) {
      MlpParams p;
      p.b = b, p.d0 = d0, p.d1 = d1, p.d2 = d2;
      p.hidden.per_channel = true;
      p.hidden.shift = 10;
      p.feature_major = feature_major;
      check_mlp(c, p, rng);
      if (::testing::Test::HasFatalFailure()) return;
      p.out_int8 = true;  // int8 Y with per-channel records
      p.out.per_channel = true;
      p.out.shift = 12;
      if (feature_major) check_mlp(c, p, rng);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(MlpKernel, EdgeShapes) { edge_shapes(0x31e5, false); }

TEST(MlpKernel, FeatureMajorEdgeShapes) { edge_shapes(0x31e6, true); }

TEST(MlpKernel, FeatureMajorLoadsAndStoresRows) {
  // X^T and Y^T: every X load and Y store is one contiguous row of the
  // batch tile per partition (one burst), not one byte per batch row.
  std::mt19937_64 rng(test_seed(0x31f0));
  const Config c = cfg("small");
  MlpParams p;
  p.b = 70, p.d0 = 20, p.d1 = 17, p.d2 = 9;
  p.feature_major = true;
  const MlpProgram g = check_mlp(c, p, rng);
  if (HasFatalFailure()) return;
  uint64_t x_loads = 0, stores = 0;
  for (const Instr& i : g.program) {
    const auto* d = std::get_if<Instr::Dma>(&i.op);
    if (!d) continue;
    const DmaDesc& e = d->desc;
    const bool x = !e.is_store() && e.dram_addr >= g.x_addr && e.dram_addr < g.x_addr + g.x_bytes;
    if (!x && !e.is_store()) continue;
    EXPECT_EQ(e.planes, 1u);
    EXPECT_TRUE(e.row_bytes == 64 || e.row_bytes == 6 || e.row_bytes == 4 * 64 ||
                e.row_bytes == 4 * 6)
        << e.row_bytes;  // batch tiles of 64 and 6
    EXPECT_EQ(e.row_stride, e.is_store() ? 4 * p.b : p.b);
    ++(e.is_store() ? stores : x_loads);
  }
  // D1 = 17: 3 tiles, one group (small has 4 PSUM banks): X^T loaded once.
  EXPECT_EQ(g.layer1.m_group, 3u);
  EXPECT_EQ(x_loads, uint64_t(g.layer1.tiles_f) * g.layer1.tiles_k);
  EXPECT_EQ(stores, uint64_t(g.layer2.tiles_f) * g.layer2.tiles_m);
}

TEST(MlpKernel, Tiling) {
  std::mt19937_64 rng(test_seed(0x3171));
  const Config c = cfg("small");  // P 8, PsumEntries 64
  MlpParams p;
  p.b = 70, p.d0 = 20, p.d1 = 17, p.d2 = 9;
  p.hidden.per_channel = true;
  p.hidden.shift = 9;
  const MlpProgram g = check_mlp(c, p, rng);
  if (HasFatalFailure()) return;
  EXPECT_EQ(g.layer1.tile_f, 64u);
  EXPECT_EQ(g.layer1.tiles_f, 2u);
  EXPECT_EQ(g.layer1.tiles_k, 3u);
  EXPECT_EQ(g.layer1.tiles_m, 3u);
  EXPECT_EQ(g.layer2.tiles_k, 3u);
  EXPECT_EQ(g.layer2.tiles_m, 2u);
  EXPECT_EQ(g.layer1.steps, 2u * 3 * 3);
  EXPECT_EQ(g.layer2.steps, 2u * 2 * 3);
  EXPECT_EQ(g.layer1.out_tiles, 2u * 3);
  EXPECT_EQ(g.layer2.out_tiles, 2u * 2);
  EXPECT_EQ(g.bs1_bytes, 17u * 8);
  EXPECT_EQ(g.bs2_bytes, 0u);
  EXPECT_EQ(g.y_bytes, 70u * 9 * 4);
  // H: 3 D1 tiles of 64 bytes after the six buffers, records after H.
  EXPECT_EQ(g.sbuf_h, g.layer1.sbuf_c[1] + 4 * 64);
  EXPECT_EQ(g.layer1.sbuf_bs, g.sbuf_h + 3 * 64);
  test::check_asm_round_trip(c, g.program, p.semaphores);
}

TEST(MlpKernel, HiddenLimitsTheBatchTile) {
  // tiny: 1 KiB per partition. D1 = 240 needs 60 H tiles, so the batch tile
  // shrinks below PsumEntries until H fits.
  std::mt19937_64 rng(test_seed(0x3172));
  const Config c = cfg("tiny");
  MlpParams p;
  p.b = 37, p.d0 = 5, p.d1 = 240, p.d2 = 3;
  const MlpProgram g = check_mlp(c, p, rng);
  if (HasFatalFailure()) return;
  EXPECT_LT(g.layer1.tile_f, c.psum_entries);
  EXPECT_LE(g.sbuf_used, c.sbuf_bytes);
}

void every_wait_is_needed(uint64_t seed, bool feature_major) {
  std::mt19937_64 rng(test_seed(seed));
  const Config c = cfg("tiny");
  MlpParams p;
  p.b = 40, p.d0 = 6, p.d1 = 9, p.d2 = 7;  // 3 batch tiles, 3 + 2 output tiles each
  p.hidden.per_channel = true;
  p.hidden.shift = 9;
  p.out_int8 = true;
  p.out.per_channel = true;
  p.out.shift = 12;
  p.feature_major = feature_major;
  MlpCase k;
  const MlpProgram g = check_mlp(c, p, rng, &k);
  if (::testing::Test::HasFatalFailure()) return;
  // Feature-major: the 3 H tiles in groups of 2 and 1 (tiny has 2 banks).
  EXPECT_EQ(g.layer1.m_group, feature_major ? 2u : 0u);
  const std::vector<std::string> kinds =
      test::check_waits_needed(c, g.program, k.dram, k.p.semaphores, expected_dram(k), rng);
  EXPECT_EQ(kinds.size(), test::pipeline_wait_kinds().size());
}

TEST(MlpKernel, EveryWaitIsNeeded) { every_wait_is_needed(0x31d1, false); }

TEST(MlpKernel, FeatureMajorEveryWaitIsNeeded) { every_wait_is_needed(0x31d2, true); }

TEST(MlpKernel, HiddenWaitIsNeeded) {
  // One batch tile, one D1 and one D2 tile on small (4 PSUM banks): the only
  // SYNC pe is layer 2 waiting for the ACT that wrote H. Without it the
  // layer-2 MM can read H before it is written.
  std::mt19937_64 rng(test_seed(0x31d2));
  const Config c = cfg("small");
  MlpParams p;
  p.b = 20, p.d0 = 10, p.d1 = 8, p.d2 = 5;
  p.hidden.shift = 4;
  MlpCase k;
  const MlpProgram g = check_mlp(c, p, rng, &k);
  if (HasFatalFailure()) return;
  int n = 0;
  const std::vector<Instr> m = test::drop_waits(
      g.program, [](const Instr& i) { return test::is_sync(i, Engine::kPe); }, &n);
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(test::some_order_breaks(c, m, k.dram, k.p.semaphores, expected_dram(k), rng));
}

TEST(MlpKernel, TrnOnce) {
  // P = 128: every dimension above P, the batch above one PSUM bank (512).
  std::mt19937_64 rng(test_seed(0x3128));
  MlpParams p;
  p.b = 520, p.d0 = 130, p.d1 = 129, p.d2 = 131;
  p.hidden.per_channel = true;
  p.hidden.shift = 12;
  const MlpProgram g = check_mlp(cfg("trn"), p, rng);
  EXPECT_EQ(g.layer1.tiles_f, 2u);
  EXPECT_EQ(g.layer1.tiles_m, 2u);
  EXPECT_EQ(g.layer2.tiles_m, 2u);
}

TEST(MlpKernel, BadParameters) {
  const Config c = cfg("small");
  auto throws = [&](const MlpParams& p, const char* what, const Config& cc) {
    try {
      mlp_program(cc, p);
      ADD_FAILURE() << "no exception: " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  MlpParams p;
  p.b = p.d0 = p.d1 = p.d2 = 5;
  for (uint32_t MlpParams::*f : {&MlpParams::b, &MlpParams::d0, &MlpParams::d1, &MlpParams::d2}) {
    MlpParams q = p;
    q.*f = 0;
    throws(q, "must be >= 1", c);
  }
  MlpParams q = p;
  q.hidden.shift = 70;
  throws(q, "shift 70", c);
  q = p;
  q.out_int8 = true;
  q.out.scale = -40000;
  throws(q, "not int16", c);
  q = p;
  q.semaphores = 3;
  throws(q, "needs 4 semaphores", c);
  q.hidden.per_channel = true;
  q.semaphores = 4;
  throws(q, "needs 5 semaphores", c);
  // H of D1 = 5000 (1250 tiles at P = 4) cannot fit tiny's SBUF even one batch row wide.
  q = p;
  q.d1 = 5000;
  throws(q, "too small for the buffers", cfg("tiny"));
  // Too many loads for the 16-bit counters.
  q = p;
  q.b = 4000, q.d0 = q.d1 = q.d2 = 64;
  throws(q, "exceed the 16-bit semaphore", cfg("tiny"));
}

}  // namespace
}  // namespace loom
