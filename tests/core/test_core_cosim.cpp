// Whole-program co-simulation of the core (tb/core_cosim.h): the Verilated
// loom_core against the whole-core golden model (loom/core_model.h), every
// transaction of the observation port compared cycle-exactly, then status,
// counters, DRAM, SBUF and PSUM. Programs from the kernel library at P = 4,
// 8, 16, with results also checked against reference_matmul.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "core_cosim.h"
#include "core_test_util.h"
#include "loom/asm.h"
#include "loom/core_models.h"
#include "loom/kernels.h"
#include "loom/reference.h"

namespace loom {
namespace {

constexpr uint64_t kWinBase = 0x80000000;
constexpr uint64_t kProgAddr = kWinBase;
constexpr uint64_t kDataAddr = kWinBase + 0x10000;

class CoreCosim : public ::testing::TestWithParam<CoreParam> {
 public:
  const Config& cfg() const { return config_by_name(GetParam().config); }

  CoreCosimRequest request(const std::vector<Instr>& prog, uint64_t data_end) const {
    CoreCosimRequest r;
    r.name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : r.name)
      if (ch == '/') ch = '_';
    r.program = encode_program(prog);
    r.prog_base = kProgAddr;
    r.dram_base = kWinBase;
    r.dram_limit = data_end;
    r.dram.read_latency = GetParam().dram_latency;
    r.dram.write_latency = std::max<uint32_t>(1, GetParam().dram_latency / 4);
    r.ifetch = r.dram;
    r.out_dir = "core_cosim_failures";
    return r;
  }

  CoreCosimResult run(const CoreCosimRequest& r) const {
    CoreFactory f = core_factory(GetParam().config);
    if (f == nullptr) throw std::runtime_error("no core model for this configuration");
    CoreCosimResult res = core_cosim(f, cfg(), r);
    EXPECT_TRUE(res.pass) << res.report;
    return res;
  }
};

int32_t le32(const std::vector<uint8_t>& v, size_t i) {
  return int32_t(uint32_t(v[i]) | uint32_t(v[i + 1]) << 8 | uint32_t(v[i + 2]) << 16 |
                 uint32_t(v[i + 3]) << 24);
}

void cosim_gemm(CoreCosim& t, uint32_t m, uint32_t k, uint32_t n, bool out_int8,
                std::mt19937_64& rng) {
  const Config& c = t.cfg();
  SCOPED_TRACE(fmt::format("{} GEMM M={} K={} N={} out_int8={}", c.name, m, k, n, out_int8));
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> a(size_t(m) * k), b(size_t(k) * n);
  for (auto& x : a) x = int8_t(d(rng));
  for (auto& x : b) x = int8_t(d(rng));
  GemmParams p;
  p.m = m;
  p.k = k;
  p.n = n;
  p.out_int8 = out_int8;
  p.scale = 3;
  p.shift = 7;
  p.bias = -5;
  p.a_transposed = true;
  p.a_addr = kDataAddr;
  p.b_addr = p.a_addr + a.size() + 64;
  p.c_addr = p.b_addr + b.size() + 64;
  std::vector<uint8_t> at(a.size());
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = 0; j < k; ++j) at[size_t(j) * m + i] = uint8_t(a[size_t(i) * k + j]);
  const GemmProgram g = gemm_program(c, p);
  CoreCosimRequest r = t.request(g.program, p.c_addr + gemm_c_bytes(p) + 64);
  r.dram_init.push_back({p.a_addr, at});
  r.dram_init.push_back({p.b_addr, std::vector<uint8_t>(b.begin(), b.end())});
  const CoreCosimResult res = t.run(r);
  std::cout << fmt::format("{} GEMM {}x{}x{}: {} cycles, {} transactions and {} memory locations compared\n",
                           c.name, m, k, n, res.rtl.perf_cycles, res.compared, res.memory_compared);
  ASSERT_TRUE(res.pass);
  EXPECT_TRUE(res.rtl.done);
  EXPECT_GT(res.compared, 0u);
  EXPECT_GT(res.compared_by_channel[size_t(Channel::kPsumWrite)], 0u);
  EXPECT_GT(res.compared_by_channel[size_t(Channel::kActWrite)], 0u);
  EXPECT_GT(res.compared_by_channel[size_t(Channel::kDramWrite)], 0u);
  EXPECT_GT(res.compared_by_channel[size_t(Channel::kSemUpdate)], 0u);
  // The result, against a product computed outside both.
  const std::vector<int32_t> ref = reference_matmul(a, b, m, k, n);
  ASSERT_GE(p.c_addr, res.check_base);
  const size_t c0 = size_t(p.c_addr - res.check_base);
  ASSERT_LE(c0 + gemm_c_bytes(p), res.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    if (out_int8) {
      ASSERT_EQ(int8_t(res.final_dram[c0 + i]), act_requant(ref[i], p.bias, p.scale, p.shift, p.relu))
          << "C element " << i;
    } else {
      ASSERT_EQ(le32(res.final_dram, c0 + 4 * i), ref[i]) << "C element " << i;
    }
  }
}

TEST_P(CoreCosim, GemmOddShapes) {
  std::mt19937_64 rng(test_seed(21));
  const uint32_t P = cfg().partitions;
  cosim_gemm(*this, P, P, P, false, rng);
  cosim_gemm(*this, 2 * P + 3, P + 1, 3 * P - 1, false, rng);
  cosim_gemm(*this, P - 1, 3 * P + 2, P + 5, true, rng);
}

std::vector<uint8_t> bytes_of(const std::vector<int8_t>& v) { return {v.begin(), v.end()}; }

std::vector<int8_t> random_i8(size_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(d(rng));
  return v;
}

TEST_P(CoreCosim, Conv2dStridePadding) {
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(23));
  Conv2dParams p;
  p.n = 1;
  p.h = 7;
  p.w = 6;
  p.c = c.partitions + 1;
  p.kh = p.kw = 3;
  p.co = c.partitions + 3;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  const std::vector<int8_t> in = random_i8(size_t(p.n) * p.h * p.w * p.c, rng);
  const std::vector<int8_t> w = random_i8(size_t(p.kh) * p.kw * p.c * p.co, rng);
  p.in_addr = kDataAddr;
  p.w_addr = p.in_addr + in.size() + 64;
  p.zero_addr = p.w_addr + w.size() + 64;
  p.out_addr = p.zero_addr + conv2d_zero_bytes(c) + 64;
  const Conv2dProgram g = conv2d_program(c, p);
  CoreCosimRequest r = request(g.program, g.out_addr + g.out_bytes + 64);
  r.dram_init = {{p.in_addr, bytes_of(in)}, {p.w_addr, bytes_of(w)}};
  const CoreCosimResult res = run(r);
  ASSERT_TRUE(res.pass);
  RefConv2d rs;
  rs.n = p.n, rs.h = p.h, rs.w = p.w, rs.c = p.c, rs.kh = p.kh, rs.kw = p.kw, rs.co = p.co;
  rs.stride_h = p.stride_h, rs.stride_w = p.stride_w;
  rs.pad_top = p.pad_top, rs.pad_bottom = p.pad_bottom, rs.pad_left = p.pad_left,
  rs.pad_right = p.pad_right;
  const std::vector<int32_t> ref = reference_conv2d(in, w, rs);
  const size_t o0 = size_t(g.out_addr - res.check_base);
  ASSERT_LE(o0 + 4 * ref.size(), res.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(res.final_dram, o0 + 4 * i), ref[i]) << "output element " << i;
}

TEST_P(CoreCosim, MlpTwoLayers) {
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(25));
  MlpParams p;
  p.b = 6;
  p.d0 = 2 * c.partitions + 3;
  p.d1 = c.partitions + 4;
  p.d2 = 5;
  p.hidden.shift = 8;
  const std::vector<int8_t> x = random_i8(size_t(p.b) * p.d0, rng);
  const std::vector<int8_t> w1 = random_i8(size_t(p.d0) * p.d1, rng);
  const std::vector<int8_t> w2 = random_i8(size_t(p.d1) * p.d2, rng);
  p.x_addr = kDataAddr;
  p.w1_addr = p.x_addr + x.size() + 64;
  p.w2_addr = p.w1_addr + w1.size() + 64;
  p.y_addr = p.w2_addr + w2.size() + 64;
  const MlpProgram g = mlp_program(c, p);
  CoreCosimRequest r = request(g.program, g.y_addr + g.y_bytes + 64);
  r.dram_init = {{p.x_addr, bytes_of(x)}, {p.w1_addr, bytes_of(w1)}, {p.w2_addr, bytes_of(w2)}};
  const CoreCosimResult res = run(r);
  ASSERT_TRUE(res.pass);
  const std::vector<int32_t> ref =
      reference_mlp(x, w1, w2, p.b, p.d0, p.d1, p.d2, std::vector<int32_t>(p.d1, 0),
                    std::vector<int32_t>(p.d1, 1), p.hidden.shift, p.hidden.relu);
  const size_t y0 = size_t(g.y_addr - res.check_base);
  ASSERT_LE(y0 + 4 * ref.size(), res.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(res.final_dram, y0 + 4 * i), ref[i]) << "Y element " << i;
}

TEST_P(CoreCosim, Conv2dChannelMajor) {
  // Channel-major input and output (contiguous rows, zero span first, output
  // rows merged into runs and planes), padding, two images.
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(27));
  Conv2dParams p;
  p.n = 2;
  p.h = 5;
  p.w = 6;
  p.c = c.partitions + 1;
  p.kh = p.kw = 3;
  p.co = c.partitions + 3;
  p.pad_top = p.pad_bottom = p.pad_left = p.pad_right = 1;
  p.channel_major = true;
  const std::vector<int8_t> in = random_i8(size_t(p.n) * p.h * p.w * p.c, rng);
  const std::vector<int8_t> w = random_i8(size_t(p.kh) * p.kw * p.c * p.co, rng);
  const size_t pixels = size_t(p.n) * p.h * p.w;
  p.in_addr = kDataAddr;
  p.w_addr = p.in_addr + in.size() + 64;
  p.zero_addr = p.w_addr + w.size() + 64;
  p.out_addr = p.zero_addr + conv2d_zero_bytes(c) + 64;
  const Conv2dProgram g = conv2d_program(c, p);
  CoreCosimRequest r = request(g.program, g.out_addr + g.out_bytes + 64);
  r.dram_init = {{p.in_addr, bytes_of(transpose(in, pixels, p.c))}, {p.w_addr, bytes_of(w)}};
  const CoreCosimResult res = run(r);
  ASSERT_TRUE(res.pass);
  RefConv2d rs;
  rs.n = p.n, rs.h = p.h, rs.w = p.w, rs.c = p.c, rs.kh = p.kh, rs.kw = p.kw, rs.co = p.co;
  rs.pad_top = p.pad_top, rs.pad_bottom = p.pad_bottom, rs.pad_left = p.pad_left,
  rs.pad_right = p.pad_right;
  const size_t out_pixels = size_t(p.n) * g.out_h * g.out_w;
  const std::vector<int32_t> ref = transpose(reference_conv2d(in, w, rs), out_pixels, p.co);
  const size_t o0 = size_t(g.out_addr - res.check_base);
  ASSERT_LE(o0 + 4 * ref.size(), res.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(res.final_dram, o0 + 4 * i), ref[i]) << "output element " << i;
}

TEST_P(CoreCosim, MlpFeatureMajor) {
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(29));
  MlpParams p;
  p.b = c.psum_entries + 3;  // two batch tiles
  p.d0 = 2 * c.partitions + 3;
  p.d1 = c.partitions + 4;
  p.d2 = 5;
  p.hidden.shift = 8;
  p.feature_major = true;
  const std::vector<int8_t> x = random_i8(size_t(p.b) * p.d0, rng);
  const std::vector<int8_t> w1 = random_i8(size_t(p.d0) * p.d1, rng);
  const std::vector<int8_t> w2 = random_i8(size_t(p.d1) * p.d2, rng);
  p.x_addr = kDataAddr;
  p.w1_addr = p.x_addr + x.size() + 64;
  p.w2_addr = p.w1_addr + w1.size() + 64;
  p.y_addr = p.w2_addr + w2.size() + 64;
  const MlpProgram g = mlp_program(c, p);
  CoreCosimRequest r = request(g.program, g.y_addr + g.y_bytes + 64);
  r.dram_init = {{p.x_addr, bytes_of(transpose(x, p.b, p.d0))},
                 {p.w1_addr, bytes_of(w1)},
                 {p.w2_addr, bytes_of(w2)}};
  const CoreCosimResult res = run(r);
  ASSERT_TRUE(res.pass);
  const std::vector<int32_t> ref =
      transpose(reference_mlp(x, w1, w2, p.b, p.d0, p.d1, p.d2, std::vector<int32_t>(p.d1, 0),
                              std::vector<int32_t>(p.d1, 1), p.hidden.shift, p.hidden.relu),
                p.b, p.d2);  // Y^T
  const size_t y0 = size_t(g.y_addr - res.check_base);
  ASSERT_LE(y0 + 4 * ref.size(), res.final_dram.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(res.final_dram, y0 + 4 * i), ref[i]) << "Y^T element " << i;
}

TEST_P(CoreCosim, ErrorsStopAtTheSameCycle) {
  // Runtime errors: the model stops in the same cycle with the same code and
  // index, and what was in flight drains the same way.
  struct Case {
    std::string text;
    uint32_t watchdog;
    CoreError want;
    uint32_t index;
  };
  const std::vector<Case> cases = {
      {fmt::format("dma.load q=1 dram=0x{:x} row_stride=8 rows=2 row_bytes=8 part=0 sbuf=0 "
                   "signal=s0\nnop\ndma.load q=0 dram=0x{:x} row_stride=8 rows=1 row_bytes=8 "
                   "part=0 sbuf=0\nend\n",
                   kDataAddr, kWinBase + 0x20000),
       1u << 16, CoreError::kDramWindow, 2},
      {"sync engine=pe wait=s0>=1 signal=s1\nsync engine=act wait=s1>=1 signal=s0\nend\n", 300,
       CoreError::kSemTimeout, 0},
      {fmt::format("nop\nldw sbuf=0 k={} m=1\nend\n", cfg().partitions + 1), 1u << 16,
       CoreError::kIllegalField, 1},
      {"nop\nnop\nnop\n", 1u << 16, CoreError::kProgramOverrun, 3},
      {fmt::format("nop\nnop\nmm sbuf=0 f=4 bank={}\nend\n", cfg().psum_banks), 1u << 16,
       CoreError::kPsumRange, 2},
      {fmt::format("ldw sbuf={} k=1 m=1\nend\n", cfg().sbuf_bytes), 1u << 16,
       CoreError::kSbufRange, 0},
      {[] {
         std::string t;
         for (int i = 0; i < 258; ++i) t += "sync engine=pe signal=s2+255\n";
         return t + "end\n";
       }(),
       1u << 16, CoreError::kSemOverflow, 257},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.text);
    CoreCosimRequest r = request(assemble(k.text), kDataAddr + 0x1000);
    r.watchdog = k.watchdog;
    const CoreCosimResult res = run(r);
    ASSERT_TRUE(res.pass);
    EXPECT_TRUE(res.rtl.error);
    EXPECT_EQ(res.rtl.error_code, uint32_t(k.want));
    EXPECT_EQ(res.rtl.error_index, k.index);
  }
}

TEST_P(CoreCosim, IllegalOpcodeAndAxiErrors) {
  // A zero word (opcode 0x00) at index 2, patched into the binary.
  {
    CoreCosimRequest r = request(assemble("nop\nnop\nnop\nend\n"), kDataAddr + 0x1000);
    for (int i = 0; i < 32; ++i) r.program[2 * 32 + i] = 0;
    const CoreCosimResult res = run(r);
    ASSERT_TRUE(res.pass);
    EXPECT_EQ(res.rtl.error_code, uint32_t(CoreError::kIllegalOpcode));
    EXPECT_EQ(res.rtl.error_index, 2u);
  }
  // A DMA load answered with SLVERR, a store answered with DECERR (after a
  // good load): the queue halts, the core stops with the AXI code.
  const std::string text = fmt::format(
      "dma.load q=0 dram=0x{:x} row_stride=8 rows=2 row_bytes=8 part=0 sbuf=0 signal=s0\n"
      "dma.store q=1 dram=0x{:x} row_stride=8 rows=2 row_bytes=8 part=0 sbuf=0 wait=s0>=1\n"
      "end\n",
      kDataAddr, kDataAddr + 0x800);
  for (uint8_t resp : {uint8_t(2), uint8_t(3)}) {
    SCOPED_TRACE(resp == 2 ? "SLVERR on the load" : "DECERR on the store");
    CoreCosimRequest r = request(assemble(text), kDataAddr + 0x1000);
    if (resp == 2)
      r.dram.errors.push_back({kDataAddr, kDataAddr + 8, resp, true, false});
    else
      r.dram.errors.push_back({kDataAddr + 0x800, kDataAddr + 0x808, resp, false, true});
    const CoreCosimResult res = run(r);
    ASSERT_TRUE(res.pass);
    EXPECT_TRUE(res.rtl.error);
    EXPECT_EQ(res.rtl.error_code,
              uint32_t(resp == 2 ? CoreError::kAxiSlvErr : CoreError::kAxiDecErr));
    EXPECT_EQ(res.rtl.error_index, resp == 2 ? 0u : 1u);
  }
}

TEST_P(CoreCosim, GemmUnderDramBackpressure) {
  // Random ready / valid on every channel of both memories: the replicas
  // make the same choices, so every handshake is still compared exactly.
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(27));
  GemmParams p;
  p.m = 2 * c.partitions + 1;
  p.k = c.partitions + 3;
  p.n = 2 * c.partitions - 1;
  p.a_tiled = true;
  const std::vector<int8_t> a = random_i8(size_t(p.m) * p.k, rng);
  const std::vector<int8_t> b = random_i8(size_t(p.k) * p.n, rng);
  p.a_addr = kDataAddr;
  p.b_addr = p.a_addr + gemm_a_tiled_bytes(c, p.m, p.k) + 64;
  p.c_addr = p.b_addr + b.size() + 64;
  const GemmProgram g = gemm_program(c, p);
  CoreCosimRequest r = request(g.program, p.c_addr + gemm_c_bytes(p) + 64);
  r.dram_init = {{p.a_addr, pack_gemm_a(c, p.m, p.k, a)}, {p.b_addr, bytes_of(b)}};
  const uint64_t seed = test_seed(31);
  for (AxiMemConfig* m : {&r.dram, &r.ifetch}) {
    m->ar_ready = 0.6;
    m->aw_ready = 0.7;
    m->w_ready = 0.5;
    m->r_valid = 0.6;
    m->b_valid = 0.5;
    m->seed = seed;
  }
  const CoreCosimResult res = run(r);
  ASSERT_TRUE(res.pass);
  const std::vector<int32_t> ref = reference_matmul(a, b, p.m, p.k, p.n);
  const size_t c0 = size_t(p.c_addr - res.check_base);
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(le32(res.final_dram, c0 + 4 * i), ref[i]) << "C element " << i;
}

// The scoreboard catches a broken core: tiny's loom_core with
// LOOM_FAULT_PSUM_LATE (rtl/psum.sv: partition 0's PSUM write one cycle
// late) fails on the PSUM channel with the cycle difference named, the
// instruction context and a waveform window.
TEST(CoreCosimNegative, LatePsumWriteIsCaught) {
  const Config& c = config_by_name("tiny");
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> d(-128, 127);
  GemmParams p;
  p.m = p.k = p.n = c.partitions;
  p.a_transposed = true;
  p.a_addr = kDataAddr;
  p.b_addr = p.a_addr + 64;
  p.c_addr = p.b_addr + 64;
  std::vector<uint8_t> a(size_t(p.m) * p.k), b(size_t(p.k) * p.n);
  for (auto& x : a) x = uint8_t(d(rng));
  for (auto& x : b) x = uint8_t(d(rng));
  CoreCosimRequest r;
  r.name = "LatePsumWriteIsCaught";
  r.program = encode_program(gemm_program(c, p).program);
  r.prog_base = kProgAddr;
  r.dram_base = kWinBase;
  r.dram_limit = p.c_addr + gemm_c_bytes(p) + 64;
  r.dram_init = {{p.a_addr, a}, {p.b_addr, b}};
  r.dram.read_latency = 20;
  r.ifetch = r.dram;
  r.out_dir = "core_cosim_failures";
  const CoreCosimResult res = core_cosim(&make_core_dut_fault_core_psum_late, c, r);
  ASSERT_FALSE(res.pass) << "the late PSUM write went unnoticed";
  EXPECT_NE(res.failure.find("psum_write"), std::string::npos) << res.failure;
  EXPECT_NE(res.failure.find("1 cycle late"), std::string::npos) << res.failure;
  ASSERT_TRUE(res.mismatch.has_value());
  EXPECT_EQ(res.mismatch->channel, Channel::kPsumWrite);
  ASSERT_TRUE(res.mismatch->late_by.has_value());
  EXPECT_EQ(*res.mismatch->late_by, 1u);
  EXPECT_NE(res.report.find("expected: @"), std::string::npos) << res.report;
  EXPECT_NE(res.report.find("part=0"), std::string::npos) << res.report;
  ASSERT_FALSE(res.wave_path.empty());
  EXPECT_TRUE(std::filesystem::exists(res.wave_path));
  EXPECT_GT(std::filesystem::file_size(res.wave_path), 0u);
  std::cout << res.report;
}

INSTANTIATE_TEST_SUITE_P(Configs, CoreCosim,
                         ::testing::Values(CoreParam{"tiny", 20}, CoreParam{"small", 100},
                                           CoreParam{"medium", 40}),
                         param_name);

}  // namespace
}  // namespace loom
