// Unit tests of dma_engine (docs/dma.md) against the C++ AXI4 slave memory
// loom::AxiMem and a plain C++ SBUF that answers the DMA's SBUF ports with
// the RTL's one-cycle read latency. Every descriptor's effect is applied to a
// reference copy of SBUF and DRAM in completion order (the engine runs one
// descriptor at a time), and the whole SBUF and the DRAM region are compared
// at the end. Every run is bounded in cycles. Random tests print their seed;
// LOOM_SEED overrides it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vdma_engine.h"
#include "loom/axi_mem.h"
#include "loom/dma.h"
#include "loom/dma_engine_model.h"
#include "verilated.h"
#include "vl_bytes.h"

namespace {

constexpr int kP = LOOM_UT_P;
constexpr int kSbufBytes = LOOM_UT_SB;
constexpr int kWB = LOOM_UT_WB;  // SBUF word bytes
constexpr int kDB = LOOM_UT_DB;  // AXI data bytes
constexpr int kDescW = 256;
constexpr uint64_t kDramBase = 0x10000;  // DRAM window used by the tests
constexpr uint64_t kDramSize = 0x10000;
constexpr uint64_t kMaxCycles = 400000;

enum Code : uint32_t { kOk = 0, kIllegal = 1, kWindow = 2, kSbuf = 3, kSlvErr = 4, kDecErr = 5 };

// Byte and bit access to Verilator ports (tb/vl_bytes.h).
using loom::GetBytes;
using loom::SetBytes;
using loom::SetField;

struct Desc {
  bool store = false;  // dir: 0 DRAM -> SBUF, 1 SBUF -> DRAM
  uint64_t dram_addr = kDramBase;
  uint32_t row_stride = 0;
  uint32_t plane_stride = 0;
  uint32_t planes = 1;
  uint32_t row_bytes = 1;
  uint32_t rows = 1;
  uint32_t sbuf_part = 0;
  uint32_t sbuf_addr = 0;
  uint64_t rsvd = 0;
};

std::string Str(const Desc& d) {
  char s[256];
  snprintf(s, sizeof s,
           "%s dram=0x%llx L=%u R=%u rs=%u J=%u ps=%u part=%u sbuf=0x%x",
           d.store ? "store" : "load", (unsigned long long)d.dram_addr, d.row_bytes, d.rows,
           d.row_stride, d.planes, d.plane_stride, d.sbuf_part, d.sbuf_addr);
  return s;
}

struct Cpl {
  int queue;
  uint32_t code;
  uint64_t cycle;
};

class Bench {
 public:
  explicit Bench(const loom::AxiMemConfig& cfg)
      : mem_(cfg), sbuf_(kP, std::vector<uint8_t>(kSbufBytes)), rng_(cfg.seed + 7) {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<Vdma_engine>(ctx_.get(), "dma");
    // Random initial SBUF and DRAM window contents; the references start equal.
    for (auto& part : sbuf_)
      for (auto& b : part) b = uint8_t(rng_());
    dram_ref_.resize(kDramSize);
    for (auto& b : dram_ref_) b = uint8_t(rng_());
    mem_.write(kDramBase, dram_ref_);
    sbuf_ref_ = sbuf_;
    dut_->clk_i = 0;
    dut_->rst_ni = 0;
    dut_->desc_valid_i = 0;
    dut_->dram_base_i = kDramBase;
    dut_->dram_limit_i = kDramBase + kDramSize;
    dut_->eval();
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    dut_->rst_ni = 1;
    dut_->eval();
  }
  ~Bench() { dut_->final(); }

  void Push(int q, const Desc& d) { pending_[q].push_back(d); }

  // Runs until `n` completions arrived or the cycle bound; false on timeout.
  bool RunUntil(size_t n, uint64_t max_cycles = kMaxCycles) {
    const uint64_t end = cycle_ + max_cycles;
    while (cpls_.size() < n && cycle_ < end) Step();
    return cpls_.size() >= n;
  }
  void Idle(int cycles) {
    for (int i = 0; i < cycles; ++i) Step();
  }

  void Step() {
    const loom::AxiSlaveOut& so = mem_.outputs();
    dut_->m_axi_arready_i = so.ar_ready;
    dut_->m_axi_awready_i = so.aw_ready;
    dut_->m_axi_wready_i = so.w_ready;
    dut_->m_axi_rvalid_i = so.r_valid;
    dut_->m_axi_rid_i = so.r_id;
    SetBytes(dut_->m_axi_rdata_i, so.r_data.data(), kDB);
    dut_->m_axi_rresp_i = so.r_resp;
    dut_->m_axi_rlast_i = so.r_last;
    dut_->m_axi_bvalid_i = so.b_valid || force_bvalid_;
    dut_->m_axi_bid_i = so.b_id;
    dut_->m_axi_bresp_i = so.b_resp;
    SetBytes(dut_->sbuf_rd_data_i, rd_data_.data(), kWB);
    dut_->desc_valid_i = 0;
    for (int q = 0; q < 2; ++q) {
      if (pending_[q].empty()) continue;
      dut_->desc_valid_i |= 1u << q;
      const Desc& d = pending_[q].front();
      const int o = q * kDescW;
      SetField(dut_->desc_i, o + 192, 64, d.dram_addr);
      SetField(dut_->desc_i, o + 160, 32, d.row_stride);
      SetField(dut_->desc_i, o + 128, 32, d.plane_stride);
      SetField(dut_->desc_i, o + 112, 16, d.planes);
      SetField(dut_->desc_i, o + 94, 18, d.row_bytes);
      SetField(dut_->desc_i, o + 86, 8, d.rows);
      SetField(dut_->desc_i, o + 78, 8, d.sbuf_part);
      SetField(dut_->desc_i, o + 60, 18, d.sbuf_addr);
      SetField(dut_->desc_i, o + 59, 1, d.store);
      SetField(dut_->desc_i, o + 0, 59, d.rsvd);
    }
    dut_->eval();
    if (after_eval_) after_eval_(so);  // the lock-step model sees this cycle

    // Sample the master's outputs of this cycle.
    loom::AxiMasterOut mo;
    mo.ar_valid = dut_->m_axi_arvalid_o;
    mo.ar_id = dut_->m_axi_arid_o;
    mo.ar_addr = dut_->m_axi_araddr_o;
    mo.ar_len = dut_->m_axi_arlen_o;
    mo.ar_size = dut_->m_axi_arsize_o;
    mo.ar_burst = dut_->m_axi_arburst_o;
    mo.r_ready = dut_->m_axi_rready_o;
    mo.aw_valid = dut_->m_axi_awvalid_o;
    mo.aw_id = dut_->m_axi_awid_o;
    mo.aw_addr = dut_->m_axi_awaddr_o;
    mo.aw_len = dut_->m_axi_awlen_o;
    mo.aw_size = dut_->m_axi_awsize_o;
    mo.aw_burst = dut_->m_axi_awburst_o;
    mo.w_valid = dut_->m_axi_wvalid_o;
    GetBytes(dut_->m_axi_wdata_o, mo.w_data.data(), kDB);
    mo.w_strb = uint64_t(dut_->m_axi_wstrb_o);
    mo.w_last = dut_->m_axi_wlast_o;
    mo.b_ready = dut_->m_axi_bready_o;
    if (so.r_valid && mo.r_ready) r_cycles_.push_back(cycle_);
    if (mo.ar_valid && so.ar_ready) ar_cycles_.push_back(cycle_);
    if (mo.aw_valid && so.aw_ready) aw_cycles_.push_back(cycle_);
    if (so.b_valid && mo.b_ready) b_cycles_.push_back(cycle_);

    for (int q = 0; q < 2; ++q) {
      if (((dut_->desc_valid_i >> q) & 1) && ((dut_->desc_ready_o >> q) & 1)) {
        accept_cycles_[q].push_back(cycle_);
        accepted_[q].push_back(pending_[q].front());
        pending_[q].pop_front();
      }
      if ((dut_->cpl_valid_o >> q) & 1) {
        const uint32_t code = (dut_->cpl_err_o >> (4 * q)) & 0xf;
        cpls_.push_back({q, code, cycle_});
        EXPECT_FALSE(accepted_[q].empty()) << "completion without a descriptor, queue " << q;
        if (!accepted_[q].empty()) {
          if (code == kOk) ApplyRef(accepted_[q].front());
          accepted_[q].pop_front();
        }
      }
    }
    // SBUF: read (old data, one cycle latency), then write.
    if (dut_->sbuf_rd_req_o) {
      ++sbuf_reads_;
      const uint32_t part = dut_->sbuf_rd_part_o, addr = dut_->sbuf_rd_addr_o;
      EXPECT_LT(part, uint32_t(kP));
      EXPECT_LE(addr + kWB, uint32_t(kSbufBytes));
      EXPECT_EQ(addr % kWB, 0u);
      if (part < uint32_t(kP) && addr + kWB <= uint32_t(kSbufBytes))
        std::copy_n(&sbuf_[part][addr], kWB, rd_data_.begin());
    }
    if (dut_->sbuf_wr_valid_o) {
      ++sbuf_writes_;
      sw_cycles_.push_back(cycle_);
      const uint32_t part = dut_->sbuf_wr_part_o, addr = dut_->sbuf_wr_addr_o;
      const uint64_t strb = uint64_t(dut_->sbuf_wr_strb_o);
      std::array<uint8_t, 64> data{};
      GetBytes(dut_->sbuf_wr_data_o, data.data(), kWB);
      EXPECT_LT(part, uint32_t(kP));
      EXPECT_LE(addr + kWB, uint32_t(kSbufBytes));
      if (part < uint32_t(kP) && addr + kWB <= uint32_t(kSbufBytes))
        for (int i = 0; i < kWB; ++i) {
          if ((strb >> i) & 1) {
            sbuf_[part][addr + i] = data[i];
            written_.push_back({part, addr + uint32_t(i)});
          }
        }
    }
    mem_.tick(mo);
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    ++cycle_;
  }

  // The descriptor's effect on the reference copies.
  void ApplyRef(const Desc& d) {
    for (uint32_t j = 0; j < d.planes; ++j)
      for (uint32_t r = 0; r < d.rows; ++r)
        for (uint32_t i = 0; i < d.row_bytes; ++i) {
          const uint64_t a = d.dram_addr + uint64_t(j) * d.plane_stride +
                             uint64_t(r) * d.row_stride + i - kDramBase;
          uint8_t& s = sbuf_ref_[d.sbuf_part + r][d.sbuf_addr + j * d.row_bytes + i];
          if (d.store)
            dram_ref_[a] = s;
          else
            s = dram_ref_[a];
        }
  }

  void ExpectMemoriesMatch() {
    for (int p = 0; p < kP; ++p) {
      for (int a = 0; a < kSbufBytes; ++a) {
        if (sbuf_[p][a] != sbuf_ref_[p][a]) {
          ADD_FAILURE() << "SBUF partition " << p << " byte " << a << ": got "
                        << int(sbuf_[p][a]) << " expected " << int(sbuf_ref_[p][a]);
          return;
        }
      }
    }
    const std::vector<uint8_t> dram = mem_.read(kDramBase, kDramSize);
    for (uint64_t a = 0; a < kDramSize; ++a) {
      if (dram[a] != dram_ref_[a]) {
        ADD_FAILURE() << "DRAM 0x" << std::hex << kDramBase + a << ": got " << std::dec
                      << int(dram[a]) << " expected " << int(dram_ref_[a]);
        return;
      }
    }
  }

  loom::AxiMem mem_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vdma_engine> dut_;
  std::vector<std::vector<uint8_t>> sbuf_, sbuf_ref_;
  std::vector<uint8_t> dram_ref_;
  std::array<uint8_t, 64> rd_data_{};
  std::deque<Desc> pending_[2], accepted_[2];
  std::vector<uint64_t> accept_cycles_[2];
  std::vector<Cpl> cpls_;
  std::vector<uint64_t> r_cycles_, ar_cycles_, sw_cycles_;
  uint64_t sbuf_reads_ = 0, sbuf_writes_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> written_;  // SBUF bytes written, in order
  std::vector<uint64_t> aw_cycles_, b_cycles_;
  bool force_bvalid_ = false;  // a broken slave: B without a write (negative test)
  // Called every cycle once the DUT's outputs of the cycle are evaluated
  // (inputs driven, before the edge), with the slave's outputs.
  std::function<void(const loom::AxiSlaveOut&)> after_eval_;
  uint64_t cycle_ = 0;
  std::mt19937_64 rng_;
};

loom::AxiMemConfig FastMem() {
  loom::AxiMemConfig c;
  c.data_bytes = kDB;
  c.read_latency = 4;
  c.write_latency = 2;
  return c;
}

// Runs descriptors (queue, desc) to completion; expects success for each.
void RunOk(Bench& b, const std::vector<std::pair<int, Desc>>& ds) {
  for (const auto& [q, d] : ds) b.Push(q, d);
  ASSERT_TRUE(b.RunUntil(ds.size())) << "timeout after " << b.cycle_ << " cycles";
  for (size_t i = 0; i < b.cpls_.size(); ++i) EXPECT_EQ(b.cpls_[i].code, kOk) << "completion " << i;
  b.Idle(4);
  EXPECT_TRUE(b.mem_.idle());
  b.mem_.check_end();
  b.ExpectMemoriesMatch();
}

// Every AR/AW burst: INCR, full size, aligned, <= 256 beats, no 4 KiB crossing.
void ExpectLegalBursts(const Bench& b, uint32_t* max_len = nullptr) {
  for (const auto& e : b.mem_.events()) {
    if (e.kind != loom::AxiEvent::kAr && e.kind != loom::AxiEvent::kAw) continue;
    EXPECT_EQ(e.addr % kDB, 0u);
    EXPECT_LE(e.len, 255u);
    EXPECT_EQ(e.addr / 4096, (e.addr + (e.len + 1) * kDB - 1) / 4096) << "crosses 4 KiB";
    if (max_len) *max_len = std::max(*max_len, e.len);
  }
}

size_t Count(const Bench& b, loom::AxiEvent::Kind k) {
  return size_t(std::count_if(b.mem_.events().begin(), b.mem_.events().end(),
                              [k](const loom::AxiEvent& e) { return e.kind == k; }));
}

Desc Load(uint64_t off, uint32_t len, uint32_t rows = 1, uint32_t part = 0, uint32_t sbuf = 0) {
  Desc d;
  d.dram_addr = kDramBase + off;
  d.row_bytes = len;
  d.rows = rows;
  d.row_stride = len;
  d.sbuf_part = part;
  d.sbuf_addr = sbuf;
  return d;
}
Desc Store(uint64_t off, uint32_t len, uint32_t rows = 1, uint32_t part = 0, uint32_t sbuf = 0) {
  Desc d = Load(off, len, rows, part, sbuf);
  d.store = true;
  return d;
}

uint64_t Seed(uint64_t dflt) {
  const char* s = std::getenv("LOOM_SEED");
  const uint64_t seed = s ? std::strtoull(s, nullptr, 0) : dflt;
  std::printf("seed %llu (LOOM_SEED overrides)\n", (unsigned long long)seed);
  return seed;
}

TEST(Dma, AlignedBothDirections) {
  Bench b(FastMem());
  RunOk(b, {{0, Load(0, 64, 2, 1, 0)}, {0, Store(0x800, 64, 2, 1, 0)}});
  ExpectLegalBursts(b);
}

TEST(Dma, UnalignedBothDirections) {
  Bench b(FastMem());
  for (uint32_t doff : {1u, 3u, 7u}) {
    for (uint32_t soff : {0u, 5u, 6u}) {
      Desc l = Load(0x100 + doff, 37, 3, 1, 16 + soff);
      l.row_stride = 53;
      Desc s = Store(0x2000 + doff * 3, 29, 2, 2, 40 + soff);
      s.row_stride = 45;
      RunOk(b, {{0, l}, {1, s}});
      b.cpls_.clear();
    }
  }
  ExpectLegalBursts(b);
}

TEST(Dma, OneByte) {
  Bench b(FastMem());
  RunOk(b, {{0, Load(5, 1, 1, 3, 11)}, {0, Store(0x777, 1, 1, 2, 7)}});
  // One AR of one beat, one AW with one strobe bit.
  EXPECT_EQ(Count(b, loom::AxiEvent::kAr), 1u);
  EXPECT_EQ(Count(b, loom::AxiEvent::kW), 1u);
  for (const auto& e : b.mem_.events()) {
    if (e.kind == loom::AxiEvent::kW) {
      EXPECT_EQ(__builtin_popcountll(e.strb), 1);
    }
  }
}

TEST(Dma, Exactly4KiBAndLongestBurst) {
  Bench b(FastMem());
  const uint32_t n = std::min(4096, kSbufBytes);
  RunOk(b, {{0, Load(0x1000, n, 1, 0, 0)}, {1, Store(0x3000, n, 1, 0, 0)}});
  uint32_t max_len = 0;
  ExpectLegalBursts(b, &max_len);
  // The burst window is min(4096, 256*DB): 256-beat bursts when DB <= 16.
  const uint32_t window = std::min(4096, 256 * kDB);
  EXPECT_EQ(max_len, std::min(n, window) / kDB - 1);
  EXPECT_EQ(Count(b, loom::AxiEvent::kAr), size_t((n + window - 1) / window));
}

TEST(Dma, Crossing4KiB) {
  Bench b(FastMem());
  // Rows straddling 4 KiB boundaries at odd offsets, both directions.
  Desc l = Load(0x1000 - 301, 700, 3, 0, 3);
  l.row_stride = 4096;
  Desc s = Store(0x6000 - 5, 300, 2, 4 % kP, 1);
  s.row_stride = 4096 + 17;
  RunOk(b, {{0, l}, {1, s}});
  ExpectLegalBursts(b);
}

TEST(Dma, AllPartitionsAndStrides) {
  Bench b(FastMem());
  Desc eq = Load(0x40, 24, kP, 0, 8);  // stride == row size
  Desc gt = Load(0x1000 + 3, 24, kP, 0, 40);
  gt.row_stride = 100;  // stride > row size
  Desc st = Store(0x5000 + 1, 24, kP, 0, 8);
  st.row_stride = 24;
  Desc st2 = Store(0x7000, 17, kP, 0, 40);
  st2.row_stride = 333;
  RunOk(b, {{0, eq}, {0, gt}, {1, st}, {1, st2}});
  ExpectLegalBursts(b);
}

TEST(Dma, ThirdDimension) {
  Bench b(FastMem());
  Desc l = Load(0x11, 13, 3, 1, 2);
  l.row_stride = 40;
  l.planes = 4;
  l.plane_stride = 500;
  Desc s = Store(0x4003, 9, 2, 4 % kP, 100);
  s.row_stride = 9;
  s.planes = 3;
  s.plane_stride = 18;  // planes back to back
  RunOk(b, {{0, l}, {1, s}});
}

TEST(Dma, BothQueuesRoundRobin) {
  Bench b(FastMem());
  std::vector<std::pair<int, Desc>> ds;
  for (int i = 0; i < 3; ++i) {
    ds.push_back({0, Load(0x100 * i, 32, 1, i % kP, 64 * i)});
    ds.push_back({1, Store(0x8000 + 0x100 * i, 32, 1, (i + 1) % kP, 512 + 64 * i)});
  }
  RunOk(b, ds);
  // Both queues filled at once: completions alternate, queue 0 first.
  ASSERT_EQ(b.cpls_.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(b.cpls_[i].queue, int(i % 2)) << "completion " << i;
}

// Timing contract (docs/dma.md) with a fixed-latency DRAM, DB == WB or not:
// first AR at d + 2 (d = accept + 1 for an idle engine), completion one
// cycle after the last SBUF write; for aligned full words with DB == WB each
// SBUF write follows its R beat by exactly one cycle.
TEST(Dma, LoadTimingContract) {
  loom::AxiMemConfig c = FastMem();
  c.read_latency = 100;
  Bench b(c);
  const uint32_t n = 256;
  b.Push(0, Load(0x200, n, 2, 0, 64));
  ASSERT_TRUE(b.RunUntil(1));
  const uint64_t a = b.accept_cycles_[0].at(0);
  ASSERT_FALSE(b.ar_cycles_.empty());
  EXPECT_EQ(b.ar_cycles_[0], a + 3);
  EXPECT_EQ(b.cpls_[0].cycle, b.sw_cycles_.back() + 1);
  if (kDB == kWB) {
    ASSERT_EQ(b.r_cycles_.size(), b.sw_cycles_.size());
    for (size_t i = 0; i < b.r_cycles_.size(); ++i)
      EXPECT_EQ(b.sw_cycles_[i], b.r_cycles_[i] + 1) << "beat " << i;
  }
  b.Idle(4);
  b.ExpectMemoriesMatch();
}

// Store: first AW at d + 2, completion one cycle after the last B; two
// descriptors back to back on one queue: the second dispatches the cycle
// after the first completes (d2 = e1 + 1), its first AW at d2 + 2.
TEST(Dma, StoreTimingContract) {
  loom::AxiMemConfig c = FastMem();
  c.read_latency = 100;
  c.write_latency = 100;
  Bench b(c);
  b.Push(0, Store(0x203, 300, 2, 1, 5));
  b.Push(0, Store(0x1000, 64, 1, 0, 0));
  ASSERT_TRUE(b.RunUntil(2));
  const uint64_t a = b.accept_cycles_[0].at(0);
  ASSERT_EQ(b.cpls_.size(), 2u);
  EXPECT_EQ(b.aw_cycles_.at(0), a + 3);
  ASSERT_EQ(b.b_cycles_.size(), b.aw_cycles_.size());
  const size_t n0 = b.aw_cycles_.size() - 1;  // bursts of the first descriptor
  EXPECT_EQ(b.cpls_[0].cycle, b.b_cycles_.at(n0 - 1) + 1);
  EXPECT_EQ(b.aw_cycles_.at(n0), b.cpls_[0].cycle + 1 + 2);
  EXPECT_EQ(b.cpls_[1].cycle, b.b_cycles_.back() + 1);
  b.Idle(4);
  b.ExpectMemoriesMatch();
}

// The assertions are live: a B response without a write fires
// DmaBUnexpected_A; Verilator prints it (on stdout) and aborts.
TEST(DmaDeathTest, AssertionFires) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Bench b(FastMem());
        b.force_bvalid_ = true;
        b.Idle(4);
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGABRT), "");
}

// Random shapes, offsets, strides, directions and queues against a DRAM with
// random latency and backpressure on every channel.
void RandomRun(uint64_t seed, uint32_t latency, double p) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto U = [&rng](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  loom::AxiMemConfig c;
  c.data_bytes = kDB;
  c.read_latency = latency;
  c.write_latency = uint32_t(U(1, latency));
  c.ar_ready = c.aw_ready = c.w_ready = c.r_valid = c.b_valid = p;
  c.seed = seed;
  Bench b(c);
  std::vector<std::pair<int, Desc>> ds;
  for (int i = 0; i < 24; ++i) {
    Desc d;
    d.store = rng() & 1;
    d.rows = uint32_t(U(1, kP));
    d.sbuf_part = uint32_t(U(0, kP - d.rows));
    d.planes = uint32_t(U(1, 3));
    d.row_bytes = uint32_t(U(1, std::min<uint64_t>(kSbufBytes / d.planes, rng() % 4 ? 64 : 1500)));
    d.sbuf_addr = uint32_t(U(0, kSbufBytes - d.planes * d.row_bytes));
    d.row_stride = uint32_t(rng() % 3 ? d.row_bytes + U(0, 200) : d.row_bytes);
    d.plane_stride = uint32_t(d.rows * d.row_stride + U(0, 300));
    const uint64_t span = uint64_t(d.planes - 1) * d.plane_stride +
                          uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
    if (span > kDramSize) continue;
    d.dram_addr = kDramBase + U(0, kDramSize - span);
    ds.push_back({int(rng() & 1), d});
  }
  for (const auto& [q, d] : ds) b.Push(q, d);
  ASSERT_TRUE(b.RunUntil(ds.size())) << "timeout after " << b.cycle_ << " cycles";
  for (const auto& cp : b.cpls_) EXPECT_EQ(cp.code, kOk);
  b.Idle(latency + 10);
  EXPECT_TRUE(b.mem_.idle());
  b.mem_.check_end();
  b.ExpectMemoriesMatch();
  ExpectLegalBursts(b);
}

TEST(Dma, RandomLatency100) { RandomRun(Seed(1), 100, 1.0); }
TEST(Dma, RandomBackpressure) {
  const uint64_t seed = Seed(2);
  for (uint64_t i = 0; i < 4; ++i) RandomRun(seed + i, uint32_t(1 + (seed + i) * 37 % 100), 0.3 + 0.15 * double(i));
}

// AXI error responses: the queue stops with the code, no success reported,
// the other queue keeps running.
void AxiErrorRun(bool store, uint8_t resp) {
  loom::AxiMemConfig c = FastMem();
  c.read_latency = 20;
  c.errors.push_back({kDramBase + 0x3000, kDramBase + 0x3010, resp, true, true});
  Bench b(c);
  // Queue 0: 16 planes of one 64-byte row, 0x80 apart; plane 2 touches the
  // error range. Then one more descriptor that must never run.
  Desc bad = store ? Store(0x2f00, 64, 1, 0, 0) : Load(0x2f00, 64, 1, 0, 0);
  bad.planes = 16;
  bad.plane_stride = 0x80;
  Desc after = Load(0x100, 8, 1, 0, 512);
  Desc other = Load(0x400, 40, 2, 1, 0);
  b.Push(0, bad);
  b.Push(0, after);
  b.Push(1, other);
  ASSERT_TRUE(b.RunUntil(2));
  b.Idle(200);
  ASSERT_EQ(b.cpls_.size(), 2u) << "the halted queue ran another descriptor";
  const uint32_t want = resp == loom::kAxiDecErr ? kDecErr : kSlvErr;
  bool seen_bad = false;
  for (const auto& cp : b.cpls_) {
    if (cp.queue == 0) {
      EXPECT_EQ(cp.code, want);
      seen_bad = true;
    } else {
      EXPECT_EQ(cp.code, kOk);
    }
  }
  EXPECT_TRUE(seen_bad);
  EXPECT_EQ(b.dut_->halted_o, 1u);
  EXPECT_EQ(b.dut_->desc_ready_o & 1, 0u);
  EXPECT_TRUE(b.mem_.idle()) << "bursts left open";
  b.mem_.check_end();
  // Issue stops at the error: fewer than the 16 bursts (at most MaxReads /
  // MaxWrites = 8 were outstanding when the error came back).
  size_t bursts = 0;
  for (const auto& e : b.mem_.events()) {
    const bool addr_kind = e.kind == (store ? loom::AxiEvent::kAw : loom::AxiEvent::kAr);
    if (addr_kind && e.addr >= kDramBase + 0x2f00 && e.addr < kDramBase + 0x2f00 + 16 * 0x80) ++bursts;
    if (getenv("DMA_DEBUG"))
      printf("%llu %s addr=%llx len=%u resp=%u last=%d\n", (unsigned long long)e.cycle,
             loom::axi_event_kind_name(e.kind), (unsigned long long)e.addr, e.len, e.resp, e.last);
  }
  EXPECT_LT(bursts, 16u + 1u /* the other queue's load */);
  EXPECT_LE(bursts, 8u + 3u);
  if (!store) {
    // SBUF writes stop at the error: the bytes written are a prefix of the
    // descriptor's byte stream inside planes 0 and 1 (the error burst is
    // plane 2), and nothing else (the other queue writes partitions 1, 2).
    uint32_t k = 0;
    for (const auto& [part, addr] : b.written_) {
      if (part != 0) continue;
      EXPECT_EQ(addr, k) << "SBUF write out of stream order";
      ++k;
    }
    EXPECT_LE(k, 128u);
    for (uint32_t i = 0; i < k; ++i) b.sbuf_ref_[0][i] = b.dram_ref_[0x2f00 + 0x80 * (i / 64) + i % 64];
  } else {
    // Every issued burst (one per plane) but the failed plane 2 was written.
    for (uint32_t j = 0; j < bursts; ++j)
      for (uint32_t i = 0; j != 2 && i < 64; ++i)
        b.dram_ref_[0x2f00 + 0x80 * j + i] = b.sbuf_ref_[0][64 * j + i];
  }
  b.ExpectMemoriesMatch();
}

TEST(Dma, ReadSlvErr) { AxiErrorRun(false, loom::kAxiSlvErr); }
TEST(Dma, ReadDecErr) { AxiErrorRun(false, loom::kAxiDecErr); }
TEST(Dma, WriteSlvErr) { AxiErrorRun(true, loom::kAxiSlvErr); }
TEST(Dma, WriteDecErr) { AxiErrorRun(true, loom::kAxiDecErr); }

// Rejected descriptors: the code, no bus traffic, no SBUF access, queue halted.
void RejectRun(const Desc& d, uint32_t want) {
  SCOPED_TRACE(Str(d));
  Bench b(FastMem());
  b.Push(0, d);
  b.Push(0, Load(0, 8));  // must never run
  ASSERT_TRUE(b.RunUntil(1));
  b.Idle(50);
  ASSERT_EQ(b.cpls_.size(), 1u);
  EXPECT_EQ(b.cpls_[0].code, want);
  EXPECT_TRUE(b.mem_.events().empty()) << "bus traffic for a rejected descriptor";
  EXPECT_EQ(b.sbuf_reads_ + b.sbuf_writes_, 0u);
  EXPECT_EQ(b.dut_->halted_o & 1, 1u);
  EXPECT_EQ(b.dut_->busy_o, 0u) << "the halted queue's stranded descriptor counted as busy";
  b.ExpectMemoriesMatch();
  // The other queue still works.
  b.Push(1, Load(0x20, 16, 1, 0, 0));
  ASSERT_TRUE(b.RunUntil(2));
  EXPECT_EQ(b.cpls_[1].code, kOk);
  b.Idle(4);
  b.ExpectMemoriesMatch();
}

TEST(Dma, RejectOutOfWindow) {
  Desc below = Load(0, 16);
  below.dram_addr = kDramBase - 1;
  RejectRun(below, kWindow);
  RejectRun(Store(kDramSize - 15, 16), kWindow);  // one byte past the limit
  Desc far = Load(0, 16, 2);
  far.row_stride = 0xffffffffu;  // the span overflows 32 bits
  RejectRun(far, kWindow);
  Desc planes = Load(0, 16);
  planes.planes = 2;
  planes.plane_stride = uint32_t(kDramSize);
  RejectRun(planes, kWindow);
  Desc high = Load(0, 16);
  high.dram_addr = (uint64_t(1) << 40) + kDramBase;  // beyond the address width
  RejectRun(high, kWindow);
}

TEST(Dma, RejectOutOfSbuf) {
  RejectRun(Load(0, 16, 2, kP - 1, 0), kSbuf);             // partitions past P
  RejectRun(Store(0, 16, 1, 0, kSbufBytes - 15), kSbuf);   // bytes past the end
  Desc planes = Load(0, 16, 1, 0, kSbufBytes - 32);
  planes.planes = 3;
  planes.plane_stride = 16;
  RejectRun(planes, kSbuf);
}

TEST(Dma, RejectIllegal) {
  Desc zero_len = Load(0, 0);
  RejectRun(zero_len, kIllegal);
  Desc zero_rows = Load(0, 8, 0);
  RejectRun(zero_rows, kIllegal);
  Desc zero_planes = Load(0, 8);
  zero_planes.planes = 0;
  RejectRun(zero_planes, kIllegal);
  Desc rsvd = Load(0, 8);
  rsvd.rsvd = 1;
  RejectRun(rsvd, kIllegal);
}

// Cross-check with the model's timing contract (loom/dma.h): at a fixed
// latency without backpressure, every AR/AW handshake, R/W beat, B, SBUF
// write and the completion happen exactly in the cycles dma_timing()
// predicts from the accept cycle, and the bursts match plan_bursts().
loom::DmaDesc ToModel(const Desc& d) {
  loom::DmaDesc m;
  m.dram_addr = d.dram_addr;
  m.row_stride = d.row_stride;
  m.plane_stride = d.plane_stride;
  m.planes = d.planes;
  m.row_bytes = d.row_bytes;
  m.rows = d.rows;
  m.sbuf_part = d.sbuf_part;
  m.sbuf_addr = d.sbuf_addr;
  m.dir = d.store ? 1 : 0;
  m.reserved = d.rsvd;
  return m;
}

loom::DmaParams UnitParams() {
  loom::DmaParams p;
  p.partitions = kP;
  p.sbuf_bytes = kSbufBytes;
  p.sbuf_word_bytes = kWB;
  p.bus_bytes = kDB;
  p.max_reads = 8;  // dma_engine's defaults (not overridden by the build)
  p.max_writes = 8;
  return p;
}

void ModelCrossCheck(const Desc& d, uint32_t read_latency, uint32_t write_latency) {
  SCOPED_TRACE(Str(d));
  loom::AxiMemConfig c = FastMem();
  c.read_latency = read_latency;
  c.write_latency = write_latency;
  Bench b(c);
  b.Push(0, d);
  ASSERT_TRUE(b.RunUntil(1));
  b.Idle(4);

  const loom::DmaParams p = UnitParams();
  const loom::DmaDesc md = ToModel(d);
  const loom::DmaCode check = loom::dma_check(md, p, kDramBase, kDramBase + kDramSize);
  const uint64_t disp = loom::dma_dispatch(b.accept_cycles_[0].at(0), false, 0);
  const loom::DmaTiming t =
      loom::dma_timing(md, p, loom::DmaDram{read_latency, write_latency}, disp, check);

  ASSERT_EQ(b.cpls_.size(), 1u);
  EXPECT_EQ(b.cpls_[0].code, uint32_t(t.code));
  EXPECT_EQ(b.cpls_[0].cycle, t.complete);

  std::vector<uint64_t> beat_cycles, sw;
  for (const auto& x : t.beats) beat_cycles.push_back(x.cycle);
  for (const auto& x : t.sbuf) sw.push_back(x.cycle);
  std::vector<uint64_t> w_cycles, w_strb, want_strb;
  std::vector<std::pair<uint64_t, uint32_t>> bursts, want_bursts;
  for (const auto& e : b.mem_.events()) {
    if (e.kind == loom::AxiEvent::kW) {
      w_cycles.push_back(e.cycle);
      w_strb.push_back(e.strb);
    }
    if (e.kind == loom::AxiEvent::kAr || e.kind == loom::AxiEvent::kAw) bursts.push_back({e.addr, e.len});
  }
  if (check == loom::DmaCode::kOk)
    for (const auto& x : loom::plan_bursts(md, kDB)) want_bursts.push_back({x.addr, x.len()});
  EXPECT_EQ(bursts, want_bursts);
  if (d.store) {
    for (const auto& x : t.beats) want_strb.push_back(x.strb);
    EXPECT_EQ(b.aw_cycles_, t.addr_hs);
    EXPECT_EQ(w_cycles, beat_cycles);
    EXPECT_EQ(w_strb, want_strb);
    EXPECT_EQ(b.b_cycles_, t.rlast);
    EXPECT_TRUE(b.sw_cycles_.empty());
  } else {
    EXPECT_EQ(b.ar_cycles_, t.addr_hs);
    EXPECT_EQ(b.r_cycles_, beat_cycles);
    EXPECT_EQ(b.sw_cycles_, sw);
    EXPECT_TRUE(w_cycles.empty());
  }
  b.ExpectMemoriesMatch();
}

TEST(Dma, ModelTimingLoad) {
  ModelCrossCheck(Load(0x200, 256, 2, 0, 64), 100, 10);
  ModelCrossCheck(Load(0x203, 300, 2, 1, 5), 7, 3);
  ModelCrossCheck(Load(0x7, 1, 1, 2, 3), 1, 1);
  ModelCrossCheck(Load(0xffd, 40, 1, 0, 0), 20, 5);  // crosses 4 KiB
  Desc planes = Load(0x1001, 37, 3, 1, 2);
  planes.row_stride = 0x105;
  planes.planes = 3;
  planes.plane_stride = 0x800;
  ModelCrossCheck(planes, 13, 4);
  Desc big = Load(0x2000, 1024, 2, 0, 0);  // longest bursts, several outstanding
  ModelCrossCheck(big, 50, 10);
}

TEST(Dma, ModelTimingStore) {
  ModelCrossCheck(Store(0x200, 256, 2, 0, 64), 100, 10);
  ModelCrossCheck(Store(0x203, 300, 2, 1, 5), 7, 3);
  ModelCrossCheck(Store(0x7, 1, 1, 2, 3), 1, 1);
  ModelCrossCheck(Store(0xffd, 40, 1, 0, 0), 20, 5);
  Desc planes = Store(0x1001, 37, 3, 1, 2);
  planes.row_stride = 0x105;
  planes.planes = 3;
  planes.plane_stride = 0x800;
  ModelCrossCheck(planes, 13, 4);
  ModelCrossCheck(Store(0x2000, 1024, 2, 0, 0), 50, 100);
}

TEST(Dma, ModelTimingRejected) {
  ModelCrossCheck(Load(0x20000, 8), 10, 10);      // window
  ModelCrossCheck(Load(0, 8, kP + 1), 10, 10);    // partitions
  ModelCrossCheck(Store(0, 0), 10, 10);           // illegal
}

// Random shapes (many short rows: more bursts than MaxReads / MaxWrites
// outstanding at latency up to 120).
TEST(Dma, ModelTimingRandom) {
  std::mt19937_64 rng(Seed(17));
  for (int it = 0; it < 40; ++it) {
    Desc d;
    d.store = rng() % 2;
    d.row_bytes = 1 + uint32_t(rng() % 200);
    d.rows = 1 + uint32_t(rng() % kP);
    d.row_stride = d.row_bytes + uint32_t(rng() % 64);
    d.planes = 1 + uint32_t(rng() % 3);
    d.plane_stride = uint32_t(rng() % 0x2000);
    d.sbuf_part = uint32_t(rng() % (kP - d.rows + 1));
    d.sbuf_addr = uint32_t(rng() % (kSbufBytes - d.planes * d.row_bytes + 1));
    d.dram_addr = kDramBase + rng() % 0x8000;
    ModelCrossCheck(d, 1 + uint32_t(rng() % 120), 1 + uint32_t(rng() % 120));
    if (HasFailure()) return;
  }
}

// AXI errors: AxiMem answers every R beat (or the B) of a burst that touches
// [err_lo, err_hi) with `resp`. The model gets the first such R beat (load)
// or burst (store) and must predict the same cycles, the code and (loads) the
// SBUF prefix that was written.
void ModelErrorCrossCheck(const Desc& d, uint64_t err_lo, uint64_t err_hi, uint8_t resp,
                          uint32_t read_latency, uint32_t write_latency) {
  SCOPED_TRACE(Str(d));
  loom::AxiMemConfig c = FastMem();
  c.read_latency = read_latency;
  c.write_latency = write_latency;
  c.errors.push_back({err_lo, err_hi, resp, true, true});
  Bench b(c);
  b.Push(0, d);
  ASSERT_TRUE(b.RunUntil(1));
  b.Idle(4);

  const loom::DmaParams p = UnitParams();
  const loom::DmaDesc md = ToModel(d);
  loom::DmaAxiError err;
  err.code = resp == loom::kAxiDecErr ? loom::DmaCode::kDecErr : loom::DmaCode::kSlvErr;
  uint64_t beat = 0, k = 0;
  for (const auto& x : loom::plan_bursts(md, kDB)) {
    if (!err.enabled && x.addr < err_hi && x.addr + uint64_t(x.beats) * kDB > err_lo) {
      err.enabled = true;
      err.index = d.store ? k : beat;
    }
    beat += x.beats;
    ++k;
  }
  ASSERT_TRUE(err.enabled);
  const loom::DmaCode check = loom::dma_check(md, p, kDramBase, kDramBase + kDramSize);
  ASSERT_EQ(check, loom::DmaCode::kOk);
  const uint64_t disp = loom::dma_dispatch(b.accept_cycles_[0].at(0), false, 0);
  const loom::DmaTiming t =
      loom::dma_timing(md, p, loom::DmaDram{read_latency, write_latency}, disp, check, err);

  ASSERT_EQ(b.cpls_.size(), 1u);
  EXPECT_EQ(b.cpls_[0].code, uint32_t(t.code));
  EXPECT_EQ(b.cpls_[0].cycle, t.complete);
  std::vector<uint64_t> beat_cycles, sw, w_cycles;
  for (const auto& x : t.beats) beat_cycles.push_back(x.cycle);
  for (const auto& x : t.sbuf) sw.push_back(x.cycle);
  for (const auto& e : b.mem_.events())
    if (e.kind == loom::AxiEvent::kW) w_cycles.push_back(e.cycle);
  if (d.store) {
    EXPECT_EQ(b.aw_cycles_, t.addr_hs);
    EXPECT_EQ(w_cycles, beat_cycles);
    EXPECT_EQ(b.b_cycles_, t.rlast);
  } else {
    EXPECT_EQ(b.ar_cycles_, t.addr_hs);
    EXPECT_EQ(b.r_cycles_, beat_cycles);
    EXPECT_EQ(b.sw_cycles_, sw);
    // The SBUF holds exactly the predicted prefix.
    std::vector<uint8_t> flat;
    for (const auto& part : b.sbuf_ref_) flat.insert(flat.end(), part.begin(), part.end());
    std::vector<uint8_t> dram = b.dram_ref_;
    loom::dma_apply_load_error(md, t, {&dram, kDramBase, &flat, uint32_t(kSbufBytes)});
    for (int q = 0; q < kP; ++q)
      std::copy_n(flat.begin() + size_t(q) * kSbufBytes, kSbufBytes, b.sbuf_ref_[q].begin());
    b.ExpectMemoriesMatch();
  }
}

TEST(Dma, ModelTimingAxiErrors) {
  for (uint8_t resp : {loom::kAxiSlvErr, loom::kAxiDecErr}) {
    for (bool store : {false, true}) {
      // 16 planes of one 64-byte row 0x80 apart, plane 2 fails (as AxiErrorRun).
      Desc bad = store ? Store(0x2f00, 64, 1, 0, 0) : Load(0x2f00, 64, 1, 0, 0);
      bad.planes = 16;
      bad.plane_stride = 0x80;
      ModelErrorCrossCheck(bad, kDramBase + 0x3000, kDramBase + 0x3010, resp, 20, 10);
      // Unaligned rows, the first burst fails.
      Desc first = store ? Store(0x3003, 50, 3, 1, 7) : Load(0x3003, 50, 3, 1, 7);
      ModelErrorCrossCheck(first, kDramBase + 0x3000, kDramBase + 0x3001, resp, 5, 5);
      // The last burst fails.
      Desc last = store ? Store(0x2000, 40, 4, 0, 3) : Load(0x2000, 40, 4, 0, 3);
      last.row_stride = 0x40;
      ModelErrorCrossCheck(last, kDramBase + 0x20c0, kDramBase + 0x20c1, resp, 30, 3);
    }
  }
}

// ---------------------------------------------------------------------------
// Lock-step against the model: Vdma_engine drives one AxiMem, the model
// (loom::DmaEngineModel) a second AxiMem with the identical configuration and
// seed; both get the same descriptor offers and the same DRAM window. Every
// output pin of every cycle must be equal (payloads too, also while their
// valid is low); the first difference fails with the cycle and the pin. At
// the end the model's SBUF and DRAM equal the RTL's.

// The model's SBUF: partitions of kSbufBytes bytes.
class VecSbuf : public loom::DmaSbufPort {
 public:
  explicit VecSbuf(std::vector<std::vector<uint8_t>> init) : mem(std::move(init)) {}
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    if (part < mem.size() && addr + kWB <= mem[part].size()) std::copy_n(&mem[part][addr], kWB, out);
  }
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    if (part >= mem.size() || addr + kWB > mem[part].size()) return;
    for (int i = 0; i < kWB; ++i)
      if ((strb >> i) & 1) mem[part][addr + i] = data[i];
  }
  std::vector<std::vector<uint8_t>> mem;
};

class Lockstep {
 public:
  explicit Lockstep(Bench& b)
      : b_(b), mem_(b.mem_.config()), model_(UnitParams(), loom::kDmaQueueDepth), sbuf_(b.sbuf_) {
    mem_.write(kDramBase, b.dram_ref_);  // the bench's DRAM at construction
    b_.after_eval_ = [this](const loom::AxiSlaveOut& so) { Cycle(so); };
  }
  ~Lockstep() { b_.after_eval_ = nullptr; }

  bool failed() const { return failed_; }
  uint64_t compared() const { return compared_; }

  // The memories of both sides at the end.
  void ExpectSameMemories() {
    for (int p = 0; p < kP; ++p)
      for (int a = 0; a < kSbufBytes; ++a)
        if (sbuf_.mem[p][a] != b_.sbuf_[p][a]) {
          ADD_FAILURE() << "SBUF partition " << p << " byte " << a << ": RTL " << int(b_.sbuf_[p][a]) << " model "
                        << int(sbuf_.mem[p][a]);
          return;
        }
    const std::vector<uint8_t> rtl = b_.mem_.read(kDramBase, kDramSize), mdl = mem_.read(kDramBase, kDramSize);
    for (uint64_t a = 0; a < kDramSize; ++a)
      if (rtl[a] != mdl[a]) {
        ADD_FAILURE() << "DRAM 0x" << std::hex << kDramBase + a << ": RTL " << int(rtl[a]) << " model "
                      << int(mdl[a]);
        return;
      }
    EXPECT_TRUE(mem_.violations().empty());
    EXPECT_EQ(mem_.idle(), b_.mem_.idle());
  }

 private:
  void Pin(const char* name, uint64_t rtl, uint64_t model) {
    if (failed_ || rtl == model) return;
    failed_ = true;
    ADD_FAILURE() << "cycle " << b_.cycle_ << ": pin " << name << " RTL 0x" << std::hex << rtl << " model 0x"
                  << model;
  }
  void Bytes(const char* name, const uint8_t* rtl, const uint8_t* model, int n) {
    for (int i = 0; i < n && !failed_; ++i)
      if (rtl[i] != model[i]) {
        failed_ = true;
        ADD_FAILURE() << "cycle " << b_.cycle_ << ": pin " << name << " byte " << i << " RTL 0x" << std::hex
                      << int(rtl[i]) << " model 0x" << int(model[i]);
      }
  }

  void Cycle(const loom::AxiSlaveOut& so) {
    // The two slaves stay identical as long as the masters are.
    const loom::AxiSlaveOut& mo = mem_.outputs();
    Pin("slave ar_ready", so.ar_ready, mo.ar_ready);
    Pin("slave r_valid", so.r_valid, mo.r_valid);
    Pin("slave b_valid", so.b_valid, mo.b_valid);
    Pin("slave w_ready", so.w_ready, mo.w_ready);
    Pin("slave aw_ready", so.aw_ready, mo.aw_ready);
    Bytes("slave r_data", so.r_data.data(), mo.r_data.data(), kDB);

    loom::DmaCycleIn in;
    in.dram_base = b_.dut_->dram_base_i;
    in.dram_limit = b_.dut_->dram_limit_i;
    in.axi = mo;
    for (int q = 0; q < 2; ++q) {
      in.desc_valid[q] = (b_.dut_->desc_valid_i >> q) & 1;
      if (in.desc_valid[q]) in.desc[q] = ToModel(b_.pending_[q].front());
    }
    const loom::DmaCycleOut& o = model_.step(in, sbuf_);
    const Vdma_engine& d = *b_.dut_;
    const loom::AxiMasterOut& a = o.axi;
    Pin("desc_ready_o", d.desc_ready_o, uint64_t(o.desc_ready[0]) | uint64_t(o.desc_ready[1]) << 1);
    Pin("m_axi_arvalid_o", d.m_axi_arvalid_o, a.ar_valid);
    Pin("m_axi_arid_o", d.m_axi_arid_o, a.ar_id);
    Pin("m_axi_araddr_o", d.m_axi_araddr_o, a.ar_addr);
    Pin("m_axi_arlen_o", d.m_axi_arlen_o, a.ar_len);
    Pin("m_axi_arsize_o", d.m_axi_arsize_o, a.ar_size);
    Pin("m_axi_arburst_o", d.m_axi_arburst_o, a.ar_burst);
    Pin("m_axi_rready_o", d.m_axi_rready_o, a.r_ready);
    Pin("m_axi_awvalid_o", d.m_axi_awvalid_o, a.aw_valid);
    Pin("m_axi_awid_o", d.m_axi_awid_o, a.aw_id);
    Pin("m_axi_awaddr_o", d.m_axi_awaddr_o, a.aw_addr);
    Pin("m_axi_awlen_o", d.m_axi_awlen_o, a.aw_len);
    Pin("m_axi_awsize_o", d.m_axi_awsize_o, a.aw_size);
    Pin("m_axi_awburst_o", d.m_axi_awburst_o, a.aw_burst);
    Pin("m_axi_wvalid_o", d.m_axi_wvalid_o, a.w_valid);
    std::array<uint8_t, 64> bytes{};
    GetBytes(d.m_axi_wdata_o, bytes.data(), kDB);
    Bytes("m_axi_wdata_o", bytes.data(), a.w_data.data(), kDB);
    Pin("m_axi_wstrb_o", uint64_t(d.m_axi_wstrb_o), a.w_strb);
    Pin("m_axi_wlast_o", d.m_axi_wlast_o, a.w_last);
    Pin("m_axi_bready_o", d.m_axi_bready_o, a.b_ready);
    Pin("sbuf_wr_valid_o", d.sbuf_wr_valid_o, o.sbuf_wr_valid);
    Pin("sbuf_wr_part_o", d.sbuf_wr_part_o, o.sbuf_wr_part);
    Pin("sbuf_wr_addr_o", d.sbuf_wr_addr_o, o.sbuf_wr_addr);
    GetBytes(d.sbuf_wr_data_o, bytes.data(), kWB);
    Bytes("sbuf_wr_data_o", bytes.data(), o.sbuf_wr_data.data(), kWB);
    Pin("sbuf_wr_strb_o", uint64_t(d.sbuf_wr_strb_o), o.sbuf_wr_strb);
    Pin("sbuf_rd_req_o", d.sbuf_rd_req_o, o.sbuf_rd_req);
    Pin("sbuf_rd_part_o", d.sbuf_rd_part_o, o.sbuf_rd_part);
    Pin("sbuf_rd_addr_o", d.sbuf_rd_addr_o, o.sbuf_rd_addr);
    Pin("cpl_valid_o", d.cpl_valid_o, uint64_t(o.cpl_valid[0]) | uint64_t(o.cpl_valid[1]) << 1);
    Pin("cpl_err_o", d.cpl_err_o, uint64_t(o.cpl_code[0]) | uint64_t(o.cpl_code[1]) << 4);
    Pin("halted_o", d.halted_o, uint64_t(o.halted[0]) | uint64_t(o.halted[1]) << 1);
    Pin("busy_o", d.busy_o, o.busy);
    mem_.tick(a);
    ++compared_;
  }

  Bench& b_;
  loom::AxiMem mem_;
  loom::DmaEngineModel model_;
  VecSbuf sbuf_;
  bool failed_ = false;
  uint64_t compared_ = 0;
};

// Error ranges of the lock-step runs (offsets in the DRAM window); ordinary
// descriptors stay below kErrLo.
constexpr uint64_t kErrLo = 0xe000;
constexpr uint64_t kSlvLo = 0xe000, kSlvHi = 0xe100, kDecLo = 0xf800, kDecHi = 0xf880;

// A random descriptor: mostly good ones (any alignment, strides, planes,
// rows crossing 4 KiB), some that touch an error range, some rejected.
Desc LockstepDesc(std::mt19937_64& rng) {
  auto U = [&rng](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  const uint32_t kind = uint32_t(rng() % 100);
  if (kind < 3) {  // rejected (codes 1..3)
    Desc d = Load(U(0, 0x100), uint32_t(U(1, 64)), 1, 0, 0);
    d.store = rng() & 1;
    switch (rng() % 7) {
      case 0: d.row_bytes = 0; break;
      case 1: d.rows = 0; break;
      case 2: d.planes = 0; break;
      case 3: d.rsvd = uint64_t(1) << (rng() % 59); break;
      case 4: d.rows = 2; d.sbuf_part = kP - 1; break;
      case 5: d.sbuf_addr = kSbufBytes - d.row_bytes + 1; break;
      default: d.dram_addr = rng() & 1 ? kDramBase - 1 : kDramBase + kDramSize - d.row_bytes + 1; break;
    }
    return d;
  }
  for (;;) {
    Desc d;
    d.store = rng() & 1;
    d.rows = uint32_t(U(1, kP));
    d.sbuf_part = uint32_t(U(0, kP - d.rows));
    d.planes = uint32_t(U(1, 3));
    d.row_bytes = uint32_t(U(1, std::min<uint64_t>(kSbufBytes / d.planes, rng() % 5 ? 80 : 1200)));
    d.sbuf_addr = uint32_t(U(0, kSbufBytes - d.planes * d.row_bytes));
    const uint32_t st = uint32_t(rng() % 4);
    d.row_stride = st == 0 ? d.row_bytes : st == 1 ? 4096 + uint32_t(U(0, 40)) : d.row_bytes + uint32_t(U(0, 150));
    d.plane_stride = uint32_t(rng() % 2 ? d.rows * d.row_stride + U(0, 200) : U(0, 0x1800));
    const uint64_t span =
        uint64_t(d.planes - 1) * d.plane_stride + uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
    if (kind < 8) {  // reaches into an error range
      const uint64_t target = rng() & 1 ? U(kSlvLo, kSlvHi - 1) : U(kDecLo, kDecHi - 1);
      const uint64_t off = U(0, span - 1);  // the target's offset in the span
      if (off > target || target - off + span > kDramSize) continue;
      d.dram_addr = kDramBase + target - off;
      return d;
    }
    if (span > kErrLo) continue;
    d.dram_addr = kDramBase + U(0, kErrLo - span);
    return d;
  }
}

void LockstepRun(uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (LOOM_SEED=" + std::to_string(seed) + " reruns it)");
  std::mt19937_64 rng(seed);
  auto U = [&rng](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  loom::AxiMemConfig c;
  c.data_bytes = kDB;
  const uint32_t lat[] = {1, 2, 3, 8, 30, 100};
  c.read_latency = lat[rng() % 6];
  c.write_latency = lat[rng() % 6];
  c.max_reads = uint32_t(U(1, 16));
  c.max_writes = uint32_t(U(1, 16));
  auto P = [&] { return rng() % 4 == 0 ? 1.0 : 0.1 + 0.9 * double(rng() % 1000) / 1000.0; };
  if (rng() % 4 == 0) {
    c.ar_ready = c.aw_ready = c.w_ready = c.r_valid = c.b_valid = 1.0;  // the contract's regime
  } else {
    c.ar_ready = P();
    c.aw_ready = P();
    c.w_ready = P();
    c.r_valid = P();
    c.b_valid = P();
  }
  c.reorder_reads = false;
  c.seed = rng();
  c.errors.push_back({kDramBase + kSlvLo, kDramBase + kSlvHi, loom::kAxiSlvErr, true, true});
  c.errors.push_back({kDramBase + kDecLo, kDramBase + kDecHi, loom::kAxiDecErr, true, true});
  std::printf("lock-step seed %llu: latency %u/%u, slave max %u/%u, p %.2f %.2f %.2f %.2f %.2f\n",
              (unsigned long long)seed, c.read_latency, c.write_latency, c.max_reads, c.max_writes, c.ar_ready,
              c.aw_ready, c.w_ready, c.r_valid, c.b_valid);
  Bench b(c);
  Lockstep ls(b);
  std::deque<Desc> script[2];
  const int n = int(U(8, 30));
  for (int i = 0; i < n; ++i) script[rng() & 1].push_back(LockstepDesc(rng));
  const int gap = int(U(1, 60));  // offers come in bursts and after pauses
  auto finished = [&] {
    for (int q = 0; q < 2; ++q) {
      const bool halted = (b.dut_->halted_o >> q) & 1;
      if (!halted && (!script[q].empty() || !b.pending_[q].empty() || !b.accepted_[q].empty())) return false;
    }
    return true;
  };
  const uint64_t end = kMaxCycles;
  while (!finished() && b.cycle_ < end && !ls.failed()) {
    for (int q = 0; q < 2; ++q)
      if (!script[q].empty() && b.pending_[q].size() < 3 && rng() % uint64_t(gap) == 0) {
        b.pending_[q].push_back(script[q].front());
        script[q].pop_front();
      }
    b.Step();
  }
  ASSERT_FALSE(ls.failed());
  ASSERT_TRUE(finished()) << "timeout after " << b.cycle_ << " cycles";
  b.Idle(int(c.read_latency + c.write_latency) + 20);  // nothing may move after the end either
  ASSERT_FALSE(ls.failed());
  ls.ExpectSameMemories();
  EXPECT_TRUE(b.mem_.idle()) << "bursts left open";
  b.mem_.check_end();
  bool errors = false;
  size_t codes[6] = {};
  for (const auto& cp : b.cpls_) {
    errors = errors || cp.code != kOk;
    ++codes[std::min<uint32_t>(cp.code, 5)];
  }
  if (!errors) b.ExpectMemoriesMatch();  // and both equal the plain reference
  std::printf("  %llu cycles compared, %zu completions (ok %zu, illegal %zu, window %zu, sbuf %zu, slverr %zu, "
              "decerr %zu), %zu AXI events\n",
              (unsigned long long)ls.compared(), b.cpls_.size(), codes[0], codes[1], codes[2], codes[3],
              codes[4], codes[5], b.mem_.events().size());
}

TEST(DmaLockstep, RandomMixes) {
  const uint64_t seed = Seed(1000);
  const int runs = std::getenv("LOOM_SEED") ? 1 : 40;
  for (int i = 0; i < runs; ++i) {
    LockstepRun(seed + uint64_t(i));
    if (HasFailure()) return;
  }
}

// The existing directed scenarios, in lock-step: AXI errors on a 16-plane
// descriptor next to a second queue, both queues round robin.
TEST(DmaLockstep, DirectedScenarios) {
  for (bool store : {false, true}) {
    for (uint8_t resp : {loom::kAxiSlvErr, loom::kAxiDecErr}) {
      SCOPED_TRACE(std::string(store ? "store" : "load") + (resp == loom::kAxiSlvErr ? " SLVERR" : " DECERR"));
      loom::AxiMemConfig c = FastMem();
      c.read_latency = 20;
      c.errors.push_back({kDramBase + 0x3000, kDramBase + 0x3010, resp, true, true});
      Bench b(c);
      Lockstep ls(b);
      Desc bad = store ? Store(0x2f00, 64, 1, 0, 0) : Load(0x2f00, 64, 1, 0, 0);
      bad.planes = 16;
      bad.plane_stride = 0x80;
      b.Push(0, bad);
      b.Push(0, Load(0x100, 8, 1, 0, 512));
      b.Push(1, Load(0x400, 40, 2, 1, 0));
      b.Push(1, Store(0x5003, 77, 2, 1, 3));
      ASSERT_TRUE(b.RunUntil(3));
      b.Idle(200);
      ASSERT_FALSE(ls.failed());
      EXPECT_EQ(b.cpls_.size(), 3u);
      ls.ExpectSameMemories();
    }
  }
  Bench b(FastMem());
  Lockstep ls(b);
  for (int i = 0; i < 4; ++i) {
    b.Push(0, Load(0x100 * i + 3, 45, 2, i % (kP - 1), 64 * i + 1));
    b.Push(1, Store(0x8000 + 0x100 * i + 5, 39, 2, (i + 1) % (kP - 1), 512 + 64 * i + 2));
  }
  ASSERT_TRUE(b.RunUntil(8));
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(b.cpls_[i].code, kOk) << "completion " << i;
  b.Idle(20);
  ASSERT_FALSE(ls.failed());
  ls.ExpectSameMemories();
  b.ExpectMemoriesMatch();
}

}  // namespace
