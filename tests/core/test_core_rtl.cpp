// The whole core (rtl/loom_core.sv) running programs end to end on the RTL:
// the host programs the CSRs over AXI4-Lite, the sequencer fetches the
// program from DRAM, the engines run, the interrupt comes. Every run is
// checked against the untimed functional executor (loom/program_exec.h) —
// the same final DRAM window byte for byte, the same error code and
// instruction index — and GEMM results against reference_matmul, computed
// outside both. Cycle-by-cycle co-simulation of whole programs is the
// whole-core golden model's job (docs/core.md); this is the end-to-end
// functional check.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "core_system.h"
#include "core_test_util.h"
#include "loom/asm.h"
#include "loom/core_models.h"
#include "loom/csr_map.h"
#include "loom/kernels.h"
#include "loom/program_exec.h"
#include "loom/reference.h"

namespace loom {
namespace {

constexpr uint64_t kWinBase = 0x80000000;  // DRAM window base
constexpr uint64_t kProgAddr = kWinBase;   // program at the window's start
constexpr uint64_t kDataAddr = kWinBase + 0x100000;

class CoreRtl : public ::testing::TestWithParam<CoreParam> {
 public:
  const Config& cfg() const { return config_by_name(GetParam().config); }

  std::unique_ptr<CoreSystem> make_system(uint64_t seed = 1) const {
    CoreFactory f = core_factory(GetParam().config);
    if (f == nullptr) throw std::runtime_error("no core model for this configuration");
    RtlOptions opt;
    if (const char* w = std::getenv("LOOM_WAVES"); w && *w == '1') {
      opt.trace_path = fmt::format("core_{}.fst",
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
      for (char& ch : opt.trace_path)
        if (ch == '/') ch = '_';
    }
    AxiMemConfig m;
    m.data_bytes = cfg().axi_data_bytes;
    m.read_latency = GetParam().dram_latency;
    m.write_latency = std::max<uint32_t>(1, GetParam().dram_latency / 4);
    m.seed = seed;
    return std::make_unique<CoreSystem>(f(opt), m, m);
  }

  // Runs `prog` on the RTL with `dram` (the window's initial bytes, from
  // kWinBase; the program is copied in at kProgAddr) and on the functional
  // executor; expects the same outcome and the same final window.
  CoreRunResult run_both(const std::vector<Instr>& prog, std::vector<uint8_t> dram,
                         const ExecResult** exec_out = nullptr, uint32_t watchdog = 1u << 16) {
    const std::vector<uint8_t> bin = encode_program(prog);
    if (dram.size() < bin.size()) dram.resize(bin.size(), 0);
    std::copy(bin.begin(), bin.end(), dram.begin());
    exec_ = std::make_unique<ExecResult>(execute_program(cfg(), prog, dram, kWinBase));
    if (exec_out) *exec_out = exec_.get();

    auto sys = make_system();
    sys->dram().write(kWinBase, dram);
    CoreRunRequest req;
    req.program = bin;
    req.prog_base = kProgAddr;
    req.dram_base = kWinBase;
    req.dram_limit = kWinBase + dram.size();
    req.watchdog = watchdog;
    req.max_cycles = 20'000'000;
    const CoreRunResult r = sys->run(req);

    EXPECT_EQ(r.done, exec_->ok()) << "executor: " << exec_->message;
    EXPECT_EQ(r.error, !exec_->ok()) << "executor: " << exec_->message;
    EXPECT_EQ(r.error_code, uint32_t(exec_->error))
        << "RTL " << core_error_name(CoreError(r.error_code)) << ", executor "
        << core_error_name(exec_->error) << " (" << exec_->message << ")";
    if (!exec_->ok()) {
      EXPECT_EQ(r.error_index, exec_->error_index) << exec_->message;
    }
    const std::vector<uint8_t> got = sys->dram().read(kWinBase, dram.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] != exec_->dram[i]) {
        ADD_FAILURE() << fmt::format("DRAM byte 0x{:x}: RTL 0x{:02x}, executor 0x{:02x}",
                                     kWinBase + i, got[i], exec_->dram[i]);
        break;
      }
    }
    final_dram_ = got;
    return r;
  }
  // The RTL's DRAM window after the last run_both().
  const std::vector<uint8_t>& final_dram() const { return final_dram_; }

 private:
  std::unique_ptr<ExecResult> exec_;
  std::vector<uint8_t> final_dram_;
};

// --- GEMM programs from the kernel library ------------------------------------

// A as A^T in DRAM, or, with p.a_tiled, packed by pack_gemm_a (docs/kernels.md
// "Tiled A"). The run's counters in *out if given.
void check_gemm(CoreRtl& t, const Config& c, GemmParams p, std::mt19937_64& rng,
                CoreRunResult* out = nullptr) {
  SCOPED_TRACE(fmt::format("{} M={} K={} N={} out_int8={} a_tiled={}", c.name, p.m, p.k, p.n,
                           p.out_int8, p.a_tiled));
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> a(size_t(p.m) * p.k), b(size_t(p.k) * p.n);
  for (auto& x : a) x = int8_t(d(rng));
  for (auto& x : b) x = int8_t(d(rng));
  p.a_transposed = !p.a_tiled;
  std::vector<uint8_t> a_image(a.size());
  if (p.a_tiled) {
    a_image = pack_gemm_a(c, p.m, p.k, a);
  } else {
    for (uint32_t m = 0; m < p.m; ++m)
      for (uint32_t k = 0; k < p.k; ++k) a_image[size_t(k) * p.m + m] = uint8_t(a[size_t(m) * p.k + k]);
  }
  p.a_addr = kDataAddr;
  p.b_addr = p.a_addr + a_image.size() + 64;
  p.c_addr = p.b_addr + b.size() + 64;
  std::vector<uint8_t> dram(p.c_addr + gemm_c_bytes(p) + 64 - kWinBase, 0);
  std::copy(a_image.begin(), a_image.end(), dram.begin() + (p.a_addr - kWinBase));
  for (size_t i = 0; i < b.size(); ++i) dram[p.b_addr - kWinBase + i] = uint8_t(b[i]);
  const GemmProgram g = gemm_program(c, p);
  const ExecResult* ex = nullptr;
  const CoreRunResult r = t.run_both(g.program, dram, &ex);
  ASSERT_TRUE(r.done);
  ASSERT_EQ(r.error_code, 0u);
  const std::vector<int32_t> ref = reference_matmul(a, b, p.m, p.k, p.n);
  const std::vector<uint8_t>& got = t.final_dram();
  const size_t c0 = p.c_addr - kWinBase;
  for (size_t i = 0; i < ref.size(); ++i) {
    int32_t v;
    if (p.out_int8) {
      v = int8_t(got[c0 + i]);
      ASSERT_EQ(v, act_requant(ref[i], p.bias, p.scale, p.shift, p.relu)) << "C element " << i;
    } else {
      v = int32_t(uint32_t(got[c0 + 4 * i]) | uint32_t(got[c0 + 4 * i + 1]) << 8 |
                  uint32_t(got[c0 + 4 * i + 2]) << 16 | uint32_t(got[c0 + 4 * i + 3]) << 24);
      ASSERT_EQ(v, ref[i]) << "C element " << i;
    }
  }
  // Counters: MACs and DMA bytes are exact; busy cycles within the run.
  EXPECT_EQ(r.perf_macs, g.macs);
  EXPECT_EQ(r.perf_macs, ex->macs);
  EXPECT_EQ(r.perf_dma_bytes, ex->dma_load_bytes + ex->dma_store_bytes);
  EXPECT_GT(r.perf_cycles, 0u);
  EXPECT_LE(r.perf_busy_pe, r.perf_cycles);
  EXPECT_LE(r.perf_busy_act, r.perf_cycles);
  EXPECT_LE(r.perf_busy_dma, r.perf_cycles);
  EXPECT_GE(r.perf_cycles, g.macs / (uint64_t(c.partitions) * c.partitions))
      << "faster than the array's peak";
  if (out) *out = r;
}

TEST_P(CoreRtl, GemmTiledA) {
  // Tiled A on the RTL: odd shapes (M, K, N no multiples of P), several K
  // tiles per A load, several N tiles (B panel slots reloaded after their
  // last reader), int8 C; then one shape both ways: tiled A takes fewer
  // cycles than A^T (one A descriptor per M tile instead of per step).
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(12));
  const uint32_t P = c.partitions, E = c.psum_entries;
  GemmParams p;
  p.a_tiled = true;
  p.m = 2 * P + 3;
  p.k = 4 * P + 1;
  p.n = 2 * E + 7;
  check_gemm(*this, c, p, rng);
  if (HasFatalFailure()) return;
  p.m = P - 1;
  p.k = 3 * P;
  p.n = 9;
  p.out_int8 = true;
  p.scale = 301;
  p.shift = 9;
  check_gemm(*this, c, p, rng);
  if (HasFatalFailure()) return;

  GemmParams q;
  q.m = 2 * P;
  q.k = 8 * P;
  q.n = E;
  CoreRunResult transposed, tiled;
  check_gemm(*this, c, q, rng, &transposed);
  if (HasFatalFailure()) return;
  q.a_tiled = true;
  check_gemm(*this, c, q, rng, &tiled);
  if (HasFatalFailure()) return;
  EXPECT_LT(tiled.perf_cycles, transposed.perf_cycles);
}

TEST_P(CoreRtl, GemmShapes) {
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(11));
  const uint32_t P = c.partitions;
  struct Shape {
    uint32_t m, k, n;
    bool int8;
  };
  const std::vector<Shape> shapes = {
      {P, P, 16, false},
      {1, 1, 1, false},
      {P + 3, 2 * P + 1, 37, false},
      {2 * P, P, 2 * c.psum_entries + 5, false},
      {P - 1, 3 * P, 9, true},
      {3 * P + 2, P + 5, 20, true},
  };
  for (const Shape& s : shapes) {
    GemmParams p;
    p.m = s.m;
    p.k = s.k;
    p.n = s.n;
    p.out_int8 = s.int8;
    if (s.int8) {
      p.bias = -17;
      p.scale = 301;
      p.shift = 9;
      p.relu = s.m % 2 == 0;
    }
    check_gemm(*this, c, p, rng);
    if (HasFatalFailure()) return;
  }
}

TEST_P(CoreRtl, GemmRandom) {
  const Config& c = cfg();
  std::mt19937_64 rng(test_seed(23));
  const uint32_t P = c.partitions;
  std::uniform_int_distribution<uint32_t> dim(1, 3 * P + 3);
  for (int i = 0; i < 4; ++i) {
    GemmParams p;
    p.m = dim(rng);
    p.k = dim(rng);
    p.n = dim(rng) * 3;
    p.out_int8 = i % 2 == 1;
    if (p.out_int8) {
      p.bias = int32_t(rng() % 200) - 100;
      p.scale = int32_t(rng() % 2000) + 1;
      p.shift = uint32_t(rng() % 14);
    }
    check_gemm(*this, c, p, rng);
    if (HasFatalFailure()) return;
  }
}

// --- bad programs: the RTL stops with the executor's code and index ----------

std::vector<Instr> prog_of(const std::string& text) { return assemble(text); }

TEST_P(CoreRtl, StaticErrors) {
  const Config& c = cfg();
  const uint32_t P = c.partitions;
  struct Case {
    std::string text;
    CoreError want;
    uint32_t index;
  };
  const std::vector<Case> cases = {
      {fmt::format("nop\nldw sbuf=0 k={} m=1\nend\n", P + 1), CoreError::kIllegalField, 1},
      {fmt::format("nop\nnop\nmm sbuf=0 f=4 bank={}\nend\n", c.psum_banks), CoreError::kPsumRange,
       2},
      {fmt::format("ldw sbuf={} k=1 m=1\nend\n", c.sbuf_bytes), CoreError::kSbufRange, 0},
      {"nop\nsync engine=pe signal=s31\nend\n", CoreError::kIllegalField, 1},
      {"nop\nnop\nnop\n", CoreError::kProgramOverrun, 3},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.text);
    const CoreRunResult r = run_both(prog_of(k.text), {});
    EXPECT_TRUE(r.error);
    EXPECT_EQ(r.error_code, uint32_t(k.want));
    EXPECT_EQ(r.error_index, k.index);
  }
}

TEST_P(CoreRtl, IllegalOpcodeWord) {
  // A zero word (opcode 0x00) at index 2: the binary is patched after encoding.
  std::vector<Instr> prog = prog_of("nop\nnop\nnop\nend\n");
  const std::vector<uint8_t> bin0 = encode_program(prog);
  std::vector<uint8_t> bin = bin0;
  for (int i = 0; i < 32; ++i) bin[2 * 32 + i] = 0;
  auto sys = make_system();
  CoreRunRequest req;
  req.program = bin;
  req.prog_base = kProgAddr;
  req.dram_base = kWinBase;
  req.dram_limit = kWinBase + 0x1000;
  const CoreRunResult r = sys->run(req);
  EXPECT_TRUE(r.error);
  EXPECT_EQ(r.error_code, uint32_t(CoreError::kIllegalOpcode));
  EXPECT_EQ(r.error_index, 2u);
  const ExecResult ex = execute_binary(cfg(), bin, std::vector<uint8_t>(0x1000, 0), kWinBase);
  EXPECT_EQ(ex.error, CoreError::kIllegalOpcode);
  EXPECT_EQ(ex.error_index, 2u);
}

TEST_P(CoreRtl, RuntimeErrors) {
  // A DMA outside the window, a deadlock between two queues (watchdog), a
  // semaphore overflow: code and index as the executor's.
  const std::string win = fmt::format(
      "nop\ndma.load q=0 dram=0x{:x} row_stride=8 rows=1 row_bytes=8 part=0 sbuf=0\nend\n",
      kWinBase + 0x10000);
  CoreRunResult r = run_both(prog_of(win), std::vector<uint8_t>(0x1000, 0));
  EXPECT_EQ(r.error_code, uint32_t(CoreError::kDramWindow));
  EXPECT_EQ(r.error_index, 1u);

  const std::string deadlock =
      "sync engine=pe wait=s0>=1 signal=s1\nsync engine=act wait=s1>=1 signal=s0\nend\n";
  r = run_both(prog_of(deadlock), {}, nullptr, 500);
  EXPECT_EQ(r.error_code, uint32_t(CoreError::kSemTimeout));
  EXPECT_EQ(r.error_index, 0u);

  std::string overflow;
  for (int i = 0; i < 258; ++i) overflow += "sync engine=pe signal=s2+255\n";
  overflow += "end\n";
  r = run_both(prog_of(overflow), {});
  EXPECT_EQ(r.error_code, uint32_t(CoreError::kSemOverflow));
  EXPECT_EQ(r.error_index, 257u);  // 257 * 255 = 65535, the 258th overflows
}

TEST_P(CoreRtl, FetchOutsideWindowAndAxiErrors) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "nop\n";
  text += "end\n";
  const std::vector<uint8_t> bin = assemble_binary(text);
  {
    auto sys = make_system();
    CoreRunRequest req;
    req.program = bin;
    req.prog_base = kProgAddr;
    req.dram_base = kWinBase;
    req.dram_limit = kWinBase + 3 * 32 + 8;  // instruction 3 crosses the limit
    const CoreRunResult r = sys->run(req);
    EXPECT_EQ(r.error_code, uint32_t(CoreError::kDramWindow));
    EXPECT_EQ(r.error_index, 3u);
  }
  // An AXI error on instruction 5: AxiMem fails every beat of the burst that
  // touches it, so the error names the burst's first instruction
  // (sequencer.md "Fetch errors"): bursts are FB = max(128, DB)-byte aligned.
  const uint64_t fb = std::max<uint64_t>(128, cfg().axi_data_bytes);
  const uint32_t want_index = uint32_t((5 * 32 / fb) * fb / 32);
  for (uint8_t resp : {uint8_t(kAxiSlvErr), uint8_t(kAxiDecErr)}) {
    CoreFactory f = core_factory(GetParam().config);
    AxiMemConfig m;
    m.data_bytes = cfg().axi_data_bytes;
    m.read_latency = GetParam().dram_latency;
    AxiMemConfig mi = m;
    mi.errors.push_back({kProgAddr + 5 * 32, kProgAddr + 6 * 32, resp, true, false});
    CoreSystem sys(f(RtlOptions{}), m, mi);
    CoreRunRequest req;
    req.program = bin;
    req.prog_base = kProgAddr;
    req.dram_base = kWinBase;
    req.dram_limit = kWinBase + 0x1000;
    const CoreRunResult r = sys.run(req);
    EXPECT_EQ(r.error_code,
              uint32_t(resp == kAxiSlvErr ? CoreError::kAxiSlvErr : CoreError::kAxiDecErr));
    EXPECT_EQ(r.error_index, want_index);
  }
}

TEST_P(CoreRtl, HostInterface) {
  auto sys = make_system();
  EXPECT_EQ(sys->csr_read(csr::kId), 0x4c4f4f4du);
  // START while busy answers SLVERR; a second run after done works and
  // restarts the counters.
  std::string text;
  for (int i = 0; i < 40; ++i) text += "nop\n";
  text += "end\n";
  const std::vector<uint8_t> bin = assemble_binary(text);
  CoreRunRequest req;
  req.program = bin;
  req.prog_base = kProgAddr;
  req.dram_base = kWinBase;
  req.dram_limit = kWinBase + 0x1000;
  const CoreRunResult r1 = sys->run(req);
  EXPECT_TRUE(r1.done);
  EXPECT_FALSE(r1.error);
  EXPECT_EQ(sys->csr_read(csr::kStatus) & csr::kStatusBusy, 0u);
  // Second run: started by hand to try START while busy.
  EXPECT_EQ(sys->csr_write(csr::kCtrl, csr::kCtrlStart), csr::kRespOkay);
  EXPECT_NE(sys->csr_read(csr::kStatus) & csr::kStatusBusy, 0u);
  EXPECT_EQ(sys->csr_write(csr::kCtrl, csr::kCtrlStart), csr::kRespSlvErr);
  EXPECT_EQ(sys->csr_write(csr::kProgLen, 3), csr::kRespSlvErr) << "RW-L register while busy";
  for (int i = 0; i < 100000 && (sys->csr_read(csr::kStatus) & csr::kStatusBusy); ++i) sys->step();
  const uint32_t st = sys->csr_read(csr::kStatus);
  EXPECT_EQ(st, csr::kStatusDone);
  EXPECT_GT(sys->csr_read64(csr::kPerfCycles), 0u);
  EXPECT_LT(sys->csr_read64(csr::kPerfCycles), r1.perf_cycles + 1000);
  // Soft reset clears done.
  EXPECT_EQ(sys->csr_write(csr::kCtrl, csr::kCtrlSoftReset), csr::kRespOkay);
  sys->step();
  sys->step();
  EXPECT_EQ(sys->csr_read(csr::kStatus), 0u);
}

INSTANTIATE_TEST_SUITE_P(Configs, CoreRtl,
                         ::testing::Values(CoreParam{"small", 20}, CoreParam{"small", 100},
                                           CoreParam{"tiny", 7}, CoreParam{"medium", 40}),
                         param_name);

}  // namespace
}  // namespace loom
