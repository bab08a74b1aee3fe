// The conv2d kernel (docs/kernels.md "conv2d"): programs from
// conv2d_program() executed by the functional executor and compared bit for
// bit with reference_conv2d, under many interleavings; every kind of wait
// needed; bad parameters rejected.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

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

std::string shape(const Config& c, const Conv2dParams& p) {
  return fmt::format(
      "{} N={} H={} W={} C={} KH={} KW={} CO={} stride={}x{} pad={},{},{},{} out_int8={} "
      "per_channel={} channel_major={}",
      c.name, p.n, p.h, p.w, p.c, p.kh, p.kw, p.co, p.stride_h, p.stride_w, p.pad_top, p.pad_bottom,
      p.pad_left, p.pad_right, p.out_int8, p.quant.per_channel, p.channel_major);
}

struct ConvCase {
  Conv2dParams p;
  std::vector<int8_t> in, w;
  std::vector<int32_t> bias;
  std::vector<int16_t> scale;
  std::vector<uint8_t> dram;
};

// Random tensors and records placed in DRAM; the output region 0xcd.
ConvCase make_case(const Config& c, Conv2dParams p, std::mt19937_64& rng) {
  ConvCase k;
  std::uniform_int_distribution<int> d(-128, 127);
  k.in.resize(size_t(p.n) * p.h * p.w * p.c);
  k.w.resize(size_t(p.kh) * p.kw * p.c * p.co);
  for (auto& x : k.in) x = int8_t(d(rng));
  for (auto& x : k.w) x = int8_t(d(rng));
  for (uint32_t o = 0; o < p.co; ++o) {
    k.bias.push_back(int32_t(rng() % 4001) - 2000);
    k.scale.push_back(int16_t(int32_t(rng() % 65536) - 32768));
  }
  DramBuilder b;
  p.in_addr = b.add(p.channel_major ? transpose(k.in, size_t(p.n) * p.h * p.w, p.c) : k.in);
  p.w_addr = b.add(k.w);
  p.bs_addr = b.add(pack_bias_scale(k.bias, k.scale));
  p.zero_addr = b.add(std::vector<uint8_t>(conv2d_zero_bytes(c), 0));
  const uint64_t out_bytes = uint64_t(p.n) * p.out_h() * p.out_w() * p.co * (p.out_int8 ? 1 : 4);
  p.out_addr = b.add(std::vector<uint8_t>(out_bytes, 0xcd));
  k.dram = b.image();
  k.p = p;
  return k;
}

// The DRAM the program must leave: the input image with the output
// computed by reference_conv2d (and requantized per element).
std::vector<uint8_t> expected_dram(const ConvCase& k) {
  const Conv2dParams& p = k.p;
  RefConv2d s;
  s.n = p.n, s.h = p.h, s.w = p.w, s.c = p.c, s.kh = p.kh, s.kw = p.kw, s.co = p.co;
  s.stride_h = p.stride_h, s.stride_w = p.stride_w;
  s.pad_top = p.pad_top, s.pad_bottom = p.pad_bottom, s.pad_left = p.pad_left,
  s.pad_right = p.pad_right;
  const std::vector<int32_t> ref = reference_conv2d(k.in, k.w, s);
  std::vector<int32_t> out = ref;  // NHWC, requantized with out_int8
  if (p.out_int8)
    for (size_t i = 0; i < ref.size(); ++i) {
      const uint32_t co = uint32_t(i % p.co);
      const Requant& q = p.quant;
      out[i] = q.per_channel ? act_requant(ref[i], k.bias[co], k.scale[co], q.shift, q.relu)
                             : act_requant(ref[i], q.bias, q.scale, q.shift, q.relu);
    }
  if (p.channel_major) out = transpose(out, out.size() / p.co, p.co);
  std::vector<uint8_t> want = k.dram;
  const uint64_t o0 = p.out_addr - kKernelBase;
  const int es = p.out_int8 ? 1 : 4;
  for (size_t i = 0; i < out.size(); ++i)
    for (int b = 0; b < es; ++b) want[o0 + es * i + b] = uint8_t(uint32_t(out[i]) >> (8 * b));
  return want;
}

// Generates, runs and checks one convolution; returns the program.
Conv2dProgram check_conv(const Config& c, Conv2dParams p, std::mt19937_64& rng,
                         ConvCase* out_case = nullptr) {
  SCOPED_TRACE(shape(c, p));
  ConvCase k = make_case(c, p, rng);
  p = k.p;
  const Conv2dProgram g = conv2d_program(c, p);
  ExecResult r(c);
  test::run_all_orders(c, g.program, k.dram, p.semaphores, g.final_sems, rng, &r);
  if (::testing::Test::HasFatalFailure()) return g;
  const std::vector<uint8_t> want = expected_dram(k);
  // Whole DRAM: the output equals the reference, nothing else changed.
  for (size_t i = 0; i < want.size(); ++i)
    if (r.dram[i] != want[i]) {
      ADD_FAILURE() << "DRAM byte " << i << " (out offset "
                    << int64_t(i) - int64_t(p.out_addr - kKernelBase) << "): got " << int(r.dram[i])
                    << " want " << int(want[i]);
      break;
    }
  EXPECT_EQ(r.macs, g.macs);
  EXPECT_EQ(g.macs, uint64_t(p.n) * g.out_h * g.out_w * p.co * p.kh * p.kw * p.c);
  EXPECT_EQ(r.dma_store_bytes, g.out_bytes);
  EXPECT_LE(g.tiling.sbuf_used, c.sbuf_bytes);
  EXPECT_LE(g.zero_bytes, conv2d_zero_bytes(c));
  EXPECT_GE(r.instrs[uint32_t(ExecQueue::kPe)], 2 * g.tiling.steps);
  if (out_case) *out_case = k;
  return g;
}

Conv2dParams random_params(const Config& c, std::mt19937_64& rng) {
  const uint32_t P = c.partitions;
  Conv2dParams p;
  for (;;) {
    p.n = 1 + uint32_t(rng() % 3);
    p.h = 1 + uint32_t(rng() % 9);
    p.w = 1 + uint32_t(rng() % 9);
    p.c = 1 + uint32_t(rng() % (2 * P + 3));
    p.co = 1 + uint32_t(rng() % (2 * P + 3));
    const uint32_t ks[] = {1, 3, 5};
    p.kh = ks[rng() % 3];
    p.kw = rng() % 4 ? p.kh : ks[rng() % 3];
    p.stride_h = 1 + uint32_t(rng() % 2);
    p.stride_w = rng() % 4 ? p.stride_h : 1 + uint32_t(rng() % 2);
    const uint32_t pad = uint32_t(rng() % 3);
    p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = pad;
    if (rng() % 4 == 0) {  // asymmetric
      p.pad_top = uint32_t(rng() % 3);
      p.pad_bottom = uint32_t(rng() % 3);
      p.pad_left = uint32_t(rng() % 3);
      p.pad_right = uint32_t(rng() % 3);
    }
    if (p.out_h() && p.out_w()) return p;
  }
}

TEST(Conv2dReference, HandExampleAndOneByOneIsMatmul) {
  // 1 x 3 x 3 x 1 input 1..9, 2 x 2 kernel [[1, 2], [3, 4]], CO = 1,
  // stride 1, padding 1 on top and left only: out 3 x 3.
  std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 2, 3, 4};
  RefConv2d s;
  s.h = s.w = 3, s.kh = s.kw = 2, s.pad_top = s.pad_left = 1;
  // out[0][0] = 4*1; out[0][1] = 3*1 + 4*2; out[1][0] = 2*1 + 4*4;
  // out[1][1] = 1*1 + 2*2 + 3*4 + 4*5 = 37.
  EXPECT_EQ(reference_conv2d(in, w, s), (std::vector<int32_t>{4, 11, 18, 18, 37, 47, 36, 67, 77}));
  s.stride_h = s.stride_w = 2;  // out 2 x 2: rows / columns 0 and 2 of the above
  EXPECT_EQ(reference_conv2d(in, w, s), (std::vector<int32_t>{4, 18, 36, 77}));

  // A 1 x 1 convolution without padding is the GEMM [N H W x C] x [C x CO].
  std::mt19937_64 rng(test_seed(0xc0ff));
  RefConv2d g;
  g.n = 2, g.h = 3, g.w = 5, g.c = 7, g.co = 4;
  std::vector<int8_t> a(2 * 3 * 5 * 7), b(7 * 4);
  for (auto& x : a) x = int8_t(rng());
  for (auto& x : b) x = int8_t(rng());
  EXPECT_EQ(reference_conv2d(a, b, g), reference_matmul(a, b, 2 * 3 * 5, 7, 4));
  g.kh = 4;  // larger than the input height
  EXPECT_THROW(reference_conv2d(a, b, g), std::invalid_argument);
}

// 40 random shapes per configuration in the given layout.
void random_shapes(uint64_t seed, bool channel_major) {
  std::mt19937_64 rng(test_seed(seed));
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    for (int i = 0; i < 40; ++i) {
      Conv2dParams p = random_params(c, rng);
      const int mode = int(rng() % 3);  // int32, int8 immediates, int8 per channel
      p.out_int8 = mode > 0;
      p.quant.per_channel = mode == 2;
      p.quant.bias = int32_t(rng() % 2001) - 1000;
      p.quant.scale = int32_t(rng() % 65536) - 32768;
      p.quant.shift = 8 + uint32_t(rng() % 12);
      p.quant.relu = rng() & 1;
      p.channel_major = channel_major;
      check_conv(c, p, rng);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(Conv2dKernel, RandomShapesAllConfigs) { random_shapes(0xc0a2, false); }

TEST(Conv2dKernel, ChannelMajorRandomShapesAllConfigs) { random_shapes(0xc0a3, true); }

void edge_shapes(uint64_t seed, bool channel_major) {
  std::mt19937_64 rng(test_seed(seed));
  for (const char* name : {"tiny", "small", "medium"}) {
    const Config c = cfg(name);
    const uint32_t P = c.partitions;
    auto conv = [&](uint32_t n, uint32_t h, uint32_t w, uint32_t ch, uint32_t k, uint32_t co,
                    uint32_t s, uint32_t pad) {
      Conv2dParams p;
      p.n = n, p.h = h, p.w = w, p.c = ch, p.kh = p.kw = k, p.co = co;
      p.stride_h = p.stride_w = s;
      p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = pad;
      p.channel_major = channel_major;
      return p;
    };
    for (const Conv2dParams& p : {
             conv(1, 1, 1, 1, 1, 1, 1, 0),          // one MAC
             conv(1, 1, 1, 1, 3, 1, 1, 1),          // all but the centre tap padding
             conv(2, 3, 3, P, 3, P, 1, 1),          // full tiles
             conv(1, 5, 5, P + 1, 5, P - 1, 2, 2),  // 5x5, stride 2
             conv(1, 2, 2, 3, 1, 2, 1, 2),          // padding wider than the kernel: zero border
             conv(2, 7, 9, 2 * P + 1, 3, 2 * P + 3, 1, 1),  // pixels beyond one PSUM bank
             conv(1, 4, 4, 1, 4, 1, 1, 0),                  // kernel as large as the input
         }) {
      check_conv(c, p, rng);
      if (::testing::Test::HasFatalFailure()) return;
      Conv2dParams q = p;
      q.out_int8 = true;
      q.quant.per_channel = true;
      q.quant.shift = 9;
      q.quant.relu = true;
      check_conv(c, q, rng);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(Conv2dKernel, EdgeShapes) { edge_shapes(0xc0e5, false); }

TEST(Conv2dKernel, ChannelMajorEdgeShapes) { edge_shapes(0xc0e6, true); }

// The moving loads of a channel-major program (not the zero region): a
// histogram of row_bytes, and whether some plane is one byte.
struct MovingLoads {
  uint64_t descs = 0, one_byte = 0;
  std::map<uint32_t, uint64_t> row_bytes;
};
MovingLoads moving_loads(const Conv2dProgram& g) {
  MovingLoads m;
  for (const Instr& i : g.program) {
    const auto* d = std::get_if<Instr::Dma>(&i.op);
    if (!d || d->desc.is_store() || d->desc.dram_addr < g.in_addr ||
        d->desc.dram_addr >= g.in_addr + g.in_bytes)
      continue;
    ++m.descs;
    ++m.row_bytes[d->desc.row_bytes];
    if (d->desc.row_bytes == 1) ++m.one_byte;
  }
  return m;
}

TEST(Conv2dKernel, ChannelMajorDescriptorsAreContiguous) {
  std::mt19937_64 rng(test_seed(0xc0c7));
  const Config c = cfg("small");  // P 8, PsumEntries 64
  Conv2dParams p;
  p.n = 2, p.h = 6, p.w = 10, p.c = 11, p.kh = p.kw = 3, p.co = 10;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  p.channel_major = true;
  const Conv2dProgram g = check_conv(c, p, rng);
  if (HasFatalFailure()) return;
  // Stride 1: no one-byte gathers; a row of up to WO pixels, or, for the
  // taps without column padding (kw = 1), output rows merged into one run
  // (W = WO: consecutive input rows are contiguous).
  const MovingLoads m = moving_loads(g);
  EXPECT_EQ(m.one_byte, 0u);
  EXPECT_GT(m.row_bytes.rbegin()->first, g.out_w);
  // Pixel tiles of whole output rows (6 of 10 pixels, 2 tiles); the two M
  // tiles one group, their 2 x 18 stationary tiles loaded once, by the
  // first pixel tile, 18 descriptors (a step's two tiles are one row of W);
  // one moving load per (pixel tile, step) for both.
  EXPECT_EQ(g.tiling.tile_f, 60u);
  EXPECT_EQ(g.tiling.tiles_f, 2u);
  EXPECT_EQ(g.tiling.m_group, 2u);
  EXPECT_EQ(g.tiling.w_slots, 36u);
  uint64_t w_loads = 0;
  for (const Instr& i : g.program)
    if (const auto* d = std::get_if<Instr::Dma>(&i.op);
        d && d->desc.dram_addr >= g.w_addr && d->desc.dram_addr < g.w_addr + g.w_bytes)
      ++w_loads;
  EXPECT_EQ(w_loads, 18u);
  // Every store is one descriptor of a contiguous row per output channel.
  uint64_t stores = 0;
  for (const Instr& i : g.program)
    if (const auto* d = std::get_if<Instr::Dma>(&i.op); d && d->desc.is_store()) {
      ++stores;
      EXPECT_EQ(d->desc.planes, 1u);
      EXPECT_EQ(d->desc.row_stride, 4u * p.n * g.out_h * g.out_w);
      EXPECT_EQ(d->desc.row_bytes % 4, 0u);
      EXPECT_GT(d->desc.row_bytes, 4u);
    }
  EXPECT_EQ(stores, g.tiling.out_tiles);
  // The NHWC program gathers byte by byte.
  p.channel_major = false;
  const MovingLoads nhwc = moving_loads(check_conv(c, p, rng));
  EXPECT_EQ(nhwc.one_byte, nhwc.descs);

  // 1 x 1, no padding: one moving descriptor per step, the whole tile.
  Conv2dParams q;
  q.n = 3, q.h = 5, q.w = 7, q.c = 9, q.co = 3;
  q.channel_major = true;
  const Conv2dProgram g1 = check_conv(c, q, rng);
  if (HasFatalFailure()) return;
  const MovingLoads m1 = moving_loads(g1);
  EXPECT_EQ(m1.descs, g1.tiling.steps);
  // Pixel tiles of whole output rows (9 of 7 pixels): one run each.
  EXPECT_EQ(g1.tiling.tile_f, 63u);
  EXPECT_EQ(m1.row_bytes.at(63), g1.tiling.steps - g1.tiling.tiles_k);  // all but the last tile
  // 3 x 3 without padding: one descriptor per step and image, the output
  // rows its planes.
  q.kh = q.kw = 3;
  const Conv2dProgram g3 = check_conv(c, q, rng);
  if (HasFatalFailure()) return;
  EXPECT_EQ(moving_loads(g3).descs, g3.tiling.steps * q.n);
  EXPECT_EQ(g3.zero_bytes, 0u);
  // Stride 2: one byte per pixel (the fallback), still correct.
  q.stride_h = q.stride_w = 2;
  q.pad_top = q.pad_left = 1;
  EXPECT_GT(moving_loads(check_conv(c, q, rng)).one_byte, 0u);
}

TEST(Conv2dKernel, PixelTilesAcrossRowsAndImages) {
  // More output pixels than PSUM entries: moving tiles cut across output
  // rows and images; checks the tiling numbers too.
  std::mt19937_64 rng(test_seed(0xc0f7));
  const Config c = cfg("tiny");  // PsumEntries 16
  Conv2dParams p;
  p.n = 3, p.h = 5, p.w = 7, p.c = 6, p.kh = p.kw = 3, p.co = 5;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  const Conv2dProgram g = check_conv(c, p, rng);
  if (HasFatalFailure()) return;
  EXPECT_EQ(g.out_h, 5u);
  EXPECT_EQ(g.out_w, 7u);
  EXPECT_EQ(g.tiling.tile_f, 16u);
  EXPECT_EQ(g.tiling.tiles_f, (3u * 5 * 7 + 15) / 16);
  EXPECT_EQ(g.tiling.tile_k, 4u);
  EXPECT_EQ(g.tiling.tiles_k, 2u);
  EXPECT_EQ(g.tiling.tiles_m, 2u);
  EXPECT_EQ(g.tiling.steps, uint64_t(g.tiling.tiles_f) * 2 * 9 * 2);
  EXPECT_EQ(g.tiling.out_tiles, uint64_t(g.tiling.tiles_f) * 2);
  // The longest zero run: a padding row (7 pixels) merged with the next
  // row's left padding pixel.
  EXPECT_EQ(g.zero_bytes, 8u);
  EXPECT_EQ(g.in_bytes, 3u * 5 * 7 * 6);
  EXPECT_EQ(g.w_bytes, 9u * 6 * 5);
  EXPECT_EQ(g.out_bytes, 3u * 5 * 7 * 5 * 4);
  // Buffers word-aligned and disjoint.
  const KernelTiling& t = g.tiling;
  std::vector<std::pair<uint32_t, uint32_t>> bufs = {
      {t.sbuf_w[0], t.tile_m}, {t.sbuf_w[1], t.tile_m},     {t.sbuf_x[0], t.tile_f},
      {t.sbuf_x[1], t.tile_f}, {t.sbuf_c[0], 4 * t.tile_f}, {t.sbuf_c[1], 4 * t.tile_f}};
  std::sort(bufs.begin(), bufs.end());
  for (size_t i = 0; i < bufs.size(); ++i) {
    EXPECT_EQ(bufs[i].first % c.sbuf_word_bytes, 0u);
    if (i + 1 < bufs.size()) {
      EXPECT_LE(bufs[i].first + bufs[i].second, bufs[i + 1].first);
    }
  }
  test::check_asm_round_trip(c, g.program, p.semaphores);
}

TEST(Conv2dKernel, NoPaddingReadsNoZeros) {
  std::mt19937_64 rng(test_seed(0xc0f8));
  Conv2dParams p;
  p.n = 2, p.h = 6, p.w = 5, p.c = 9, p.kh = 3, p.kw = 1, p.co = 3, p.stride_h = 2;
  const Conv2dProgram g = check_conv(cfg("small"), p, rng);
  EXPECT_EQ(g.zero_bytes, 0u);
  for (const Instr& i : g.program)
    if (const auto* d = std::get_if<Instr::Dma>(&i.op)) {
      EXPECT_NE(d->desc.dram_addr, g.zero_addr);
    }
}

// Several output tiles (more than the PSUM banks and the two C buffers),
// several steps per tile, per-channel records: dropping any kind of wait
// breaks the result under some interleaving, or deadlocks.
void every_wait_is_needed(uint64_t seed, bool channel_major) {
  std::mt19937_64 rng(test_seed(seed));
  const Config c = cfg("tiny");
  Conv2dParams p;
  p.n = 2, p.h = 5, p.w = 4, p.c = 5, p.kh = p.kw = 3, p.co = 6;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  p.out_int8 = true;
  p.quant.per_channel = true;
  p.quant.shift = 10;
  p.channel_major = channel_major;
  ConvCase k;
  const Conv2dProgram g = check_conv(c, p, rng, &k);
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_GT(g.tiling.out_tiles, uint64_t(c.psum_banks) + 2);
  // Channel-major: both M tiles in one group (tiny has 2 PSUM banks).
  EXPECT_EQ(g.tiling.m_group, channel_major ? 2u : 0u);
  EXPECT_EQ(g.tiling.w_slots, channel_major ? 2 * 9 * g.tiling.tiles_k : 0);
  const std::vector<std::string> kinds =
      test::check_waits_needed(c, g.program, k.dram, k.p.semaphores, expected_dram(k), rng);
  EXPECT_EQ(kinds.size(), test::pipeline_wait_kinds().size());
}

TEST(Conv2dKernel, EveryWaitIsNeeded) { every_wait_is_needed(0xc0d1, false); }

// With the stationary tiles resident (and pixel tiles of whole rows).
TEST(Conv2dKernel, ChannelMajorEveryWaitIsNeeded) { every_wait_is_needed(0xc0d2, true); }

TEST(Conv2dKernel, TrnOnce) {
  // P = 128: C and CO above P, more pixels than one PSUM bank (512).
  std::mt19937_64 rng(test_seed(0xc128));
  Conv2dParams p;
  p.n = 3, p.h = 13, p.w = 14, p.c = 130, p.kh = p.kw = 3, p.co = 129;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  p.out_int8 = true;
  p.quant.per_channel = true;
  p.quant.shift = 12;
  const Conv2dProgram g = check_conv(cfg("trn"), p, rng);
  EXPECT_EQ(g.tiling.tiles_k, 2u);
  EXPECT_EQ(g.tiling.tiles_m, 2u);
  EXPECT_EQ(g.tiling.tiles_f, 2u);  // 546 pixels
}

TEST(Conv2dKernel, BadParameters) {
  const Config c = cfg("small");
  auto throws = [&](const Conv2dParams& p, const char* what, const Config& cc) {
    try {
      conv2d_program(cc, p);
      ADD_FAILURE() << "no exception: " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  Conv2dParams p;
  p.h = p.w = 4;
  p.kh = p.kw = 3;
  for (uint32_t Conv2dParams::*f :
       {&Conv2dParams::n, &Conv2dParams::h, &Conv2dParams::w, &Conv2dParams::c, &Conv2dParams::kh,
        &Conv2dParams::kw, &Conv2dParams::co}) {
    Conv2dParams q = p;
    q.*f = 0;
    throws(q, "must be >= 1", c);
  }
  Conv2dParams q = p;
  q.stride_w = 0;
  throws(q, "strides must be >= 1", c);
  q = p;
  q.kh = 5;  // 4 + 0 padding < 5
  throws(q, "larger than the padded input", c);
  q.pad_top = 1;  // 5: fits
  EXPECT_NO_THROW(conv2d_program(c, q));
  q = p;
  q.kw = 7;
  q.pad_left = 1;
  q.pad_right = 1;  // 6 < 7
  throws(q, "larger than the padded input", c);
  q = p;
  q.semaphores = 3;
  throws(q, "needs 4 semaphores", c);
  q = p;
  q.out_int8 = true;
  q.quant.per_channel = true;
  q.semaphores = 4;  // records need a fifth
  throws(q, "needs 5 semaphores", c);
  q = p;
  q.out_int8 = true;
  q.quant.scale = 40000;
  throws(q, "not int16", c);
  q.quant.scale = 1;
  q.quant.shift = 64;
  throws(q, "shift 64", c);
  // Per-channel records for 20000 channels do not fit tiny's 1 KiB SBUF.
  q = p;
  q.co = 20000;
  q.out_int8 = true;
  q.quant.per_channel = true;
  throws(q, "too small for the buffers", cfg("tiny"));
  // 2 x 64 x 64 pixels, 3x3, C = CO = 64 at P = 4: too many loads for one program.
  q = p;
  q.n = 2, q.h = q.w = 64, q.c = q.co = 64;
  throws(q, "exceed the 16-bit semaphore", cfg("tiny"));
}

}  // namespace
}  // namespace loom
