// DmaEngineModel (loom/dma_engine_model.h) against the DMA contract: every
// cycle against dma_timing() on a fixed-latency AxiMem (DB == WB, DB > WB,
// DB < WB, AXI errors on the first / a middle / the last burst), the data
// against dma_apply() / dma_apply_load_error(), random backpressure on every
// channel with AxiMem's protocol checker live, and the two queues (round
// robin, halting, rejected descriptors). The lock-step test against the RTL
// itself is in tests/rtl/test_dma.cpp. Random tests print their seed;
// LOOM_SEED overrides it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/dma.h"
#include "loom/dma_engine_model.h"
#include "common/test_seed.h"

namespace loom {
namespace {

constexpr uint64_t kBase = 0x10000;  // DRAM window [kBase, kBase + kSize)
constexpr uint64_t kSize = 0x10000;
constexpr uint64_t kMaxCycles = 2000000;

DmaParams params(uint32_t db, uint32_t wb, uint32_t max_rw = 8) {
  DmaParams p;
  p.partitions = 8;
  p.sbuf_bytes = 4096;
  p.sbuf_word_bytes = wb;
  p.bus_bytes = db;
  p.max_reads = max_rw;
  p.max_writes = max_rw;
  return p;
}

std::string str(const DmaDesc& d) {
  char s[256];
  std::snprintf(s, sizeof s, "%s dram=0x%llx L=%u R=%u rs=%u J=%u ps=%u part=%u sbuf=%u rsvd=%llu",
                d.dir ? "store" : "load", (unsigned long long)d.dram_addr, d.row_bytes, d.rows, d.row_stride,
                d.planes, d.plane_stride, d.sbuf_part, d.sbuf_addr, (unsigned long long)d.reserved);
  return s;
}

// The SBUF as a flat byte array, partition p at p * sbuf_bytes.
class ByteSbuf : public DmaSbufPort {
 public:
  ByteSbuf(const DmaParams& p, std::vector<uint8_t> init) : p_(p), bytes(std::move(init)) {}
  void read_word(uint32_t part, uint32_t addr, uint8_t* out) override {
    check(part, addr);
    std::copy_n(bytes.begin() + at(part, addr), p_.sbuf_word_bytes, out);
    ++reads;
  }
  void write_word(uint32_t part, uint32_t addr, const uint8_t* data, uint64_t strb) override {
    check(part, addr);
    EXPECT_NE(strb, 0u);
    for (uint32_t i = 0; i < p_.sbuf_word_bytes; ++i)
      if ((strb >> i) & 1) bytes[at(part, addr) + i] = data[i];
    ++writes;
  }
  size_t at(uint32_t part, uint32_t addr) const { return size_t(part) * p_.sbuf_bytes + addr; }
  void check(uint32_t part, uint32_t addr) {
    ASSERT_LT(part, p_.partitions);
    ASSERT_EQ(addr % p_.sbuf_word_bytes, 0u);
    ASSERT_LE(addr + p_.sbuf_word_bytes, p_.sbuf_bytes);
  }
  DmaParams p_;
  std::vector<uint8_t> bytes;
  uint64_t reads = 0, writes = 0;
};

struct Cpl {
  int q;
  DmaCode code;
  uint64_t cycle;
};

// One engine, one AxiMem, the SBUF, and every event of the run.
struct Bench {
  Bench(const DmaParams& p, const AxiMemConfig& mc, uint64_t fill_seed)
      : p(p), mem(mc), eng(p, kDmaQueueDepth), sbuf(p, {}) {
    std::mt19937_64 rng(fill_seed);
    dram.resize(kSize);
    for (auto& b : dram) b = uint8_t(rng());
    mem.write(kBase, dram);
    std::vector<uint8_t> s(size_t(p.partitions) * p.sbuf_bytes);
    for (auto& b : s) b = uint8_t(rng());
    sbuf.bytes = s;
    sbuf_ref = s;
    dram_ref = dram;
  }

  void step() {
    DmaCycleIn in;
    in.dram_base = kBase;
    in.dram_limit = kBase + kSize;
    in.axi = mem.outputs();
    for (int q = 0; q < 2; ++q) {
      in.desc_valid[q] = !pending[q].empty();
      if (in.desc_valid[q]) in.desc[q] = pending[q].front();
    }
    const uint64_t c = eng.cycle();
    const DmaCycleOut& o = eng.step(in, sbuf);
    const AxiSlaveOut& so = in.axi;
    const AxiMasterOut& m = o.axi;
    if (m.ar_valid && so.ar_ready) ar.push_back(c);
    if (m.aw_valid && so.aw_ready) aw.push_back(c);
    if (so.r_valid && m.r_ready) {
      r.push_back({c, 0, so.r_last, 0});
      if (so.r_last) rlast.push_back(c);
    }
    if (m.w_valid && so.w_ready) w.push_back({c, 0, m.w_last, m.w_strb});
    if (so.b_valid && m.b_ready) b.push_back(c);
    if (o.sbuf_wr_valid) sacc.push_back({c, o.sbuf_wr_part, o.sbuf_wr_addr, o.sbuf_wr_strb, 0, 0});
    if (o.sbuf_rd_req) sacc.push_back({c, o.sbuf_rd_part, o.sbuf_rd_addr, 0, 0, 0});
    EXPECT_FALSE(o.sbuf_wr_valid && o.sbuf_rd_req) << "cycle " << c;
    // Payload rules the RTL keeps: lanes outside wstrb / the SBUF strobe are 0.
    for (uint32_t i = 0; i < p.bus_bytes; ++i)
      if (!((m.w_strb >> i) & 1)) {
        EXPECT_EQ(m.w_data[i], 0) << "cycle " << c << " W lane " << i;
      }
    EXPECT_TRUE(m.b_ready);
    // busy_o: a descriptor accepted earlier and not completed before this
    // cycle (queued, running, or in its completion cycle), not counting the
    // descriptors stranded in a halted queue.
    EXPECT_EQ(o.busy, (!accepted[0].empty() && !o.halted[0]) || (!accepted[1].empty() && !o.halted[1]))
        << "busy, cycle " << c;
    for (int q = 0; q < 2; ++q) {
      if (in.desc_valid[q] && o.desc_ready[q]) {
        accept[q].push_back(c);
        accepted[q].push_back(pending[q].front());
        pending[q].pop_front();
      }
      if (o.cpl_valid[q]) {
        cpls.push_back({q, o.cpl_code[q], c});
        EXPECT_FALSE(accepted[q].empty()) << "completion without a descriptor";
        if (!accepted[q].empty()) {
          done_descs.push_back(accepted[q].front());
          if (o.cpl_code[q] == DmaCode::kOk)
            dma_apply(accepted[q].front(), p, {&dram_ref, kBase, &sbuf_ref, p.sbuf_bytes});
          accepted[q].pop_front();
        }
      } else {
        EXPECT_EQ(o.cpl_code[q], DmaCode::kOk);
      }
    }
    mem.tick(m);
  }

  bool run_until(size_t n_cpl, uint64_t max = kMaxCycles) {
    const uint64_t end = eng.cycle() + max;
    while (cpls.size() < n_cpl && eng.cycle() < end) step();
    return cpls.size() >= n_cpl;
  }
  void idle(int n) {
    for (int i = 0; i < n; ++i) step();
  }

  void expect_memories(const char* what) {
    const std::vector<uint8_t> got = mem.read(kBase, kSize);
    for (size_t i = 0; i < kSize; ++i)
      if (got[i] != dram_ref[i]) {
        ADD_FAILURE() << what << ": DRAM 0x" << std::hex << kBase + i << " got " << int(got[i]) << " want "
                      << int(dram_ref[i]);
        break;
      }
    for (size_t i = 0; i < sbuf.bytes.size(); ++i)
      if (sbuf.bytes[i] != sbuf_ref[i]) {
        ADD_FAILURE() << what << ": SBUF partition " << i / p.sbuf_bytes << " byte " << i % p.sbuf_bytes
                      << " got " << int(sbuf.bytes[i]) << " want " << int(sbuf_ref[i]);
        break;
      }
  }

  DmaParams p;
  AxiMem mem;
  DmaEngineModel eng;
  ByteSbuf sbuf;
  std::vector<uint8_t> dram, dram_ref, sbuf_ref;
  std::deque<DmaDesc> pending[2], accepted[2];
  std::vector<uint64_t> accept[2];
  std::vector<Cpl> cpls;
  std::vector<DmaDesc> done_descs;
  std::vector<uint64_t> ar, aw, rlast, b;
  std::vector<DmaBeat> r, w;
  std::vector<DmaSbufAccess> sacc;
};

AxiMemConfig fixed_mem(uint32_t db, uint32_t rl, uint32_t wl) {
  AxiMemConfig c;
  c.data_bytes = db;
  c.read_latency = rl;
  c.write_latency = wl;
  c.max_reads = 255;
  c.max_writes = 255;
  return c;
}

std::vector<uint64_t> in_window(const std::vector<uint64_t>& v, uint64_t lo, uint64_t hi) {
  std::vector<uint64_t> out;
  for (uint64_t c : v)
    if (c >= lo && c <= hi) out.push_back(c);
  return out;
}
template <class T>
std::vector<T> in_window(const std::vector<T>& v, uint64_t lo, uint64_t hi) {
  std::vector<T> out;
  for (const T& x : v)
    if (x.cycle >= lo && x.cycle <= hi) out.push_back(x);
  return out;
}

// Every event of one descriptor (run window [t.dispatch, t.complete]) equals
// the prediction.
void expect_timing(const Bench& run, const DmaDesc& d, const DmaTiming& t, const Cpl& cpl) {
  SCOPED_TRACE(str(d));
  EXPECT_EQ(cpl.cycle, t.complete) << "completion cycle";
  EXPECT_EQ(cpl.code, t.code) << "completion code";
  const uint64_t lo = t.dispatch, hi = t.complete;
  const bool st = d.is_store();
  EXPECT_EQ(in_window(st ? run.aw : run.ar, lo, hi), t.addr_hs) << (st ? "AW" : "AR") << " handshakes";
  EXPECT_EQ(in_window(st ? run.b : run.rlast, lo, hi), t.rlast) << (st ? "B" : "RLAST") << " handshakes";
  EXPECT_TRUE(in_window(st ? run.ar : run.aw, lo, hi).empty()) << "address channel of the other direction";
  const std::vector<DmaBeat> beats = in_window(st ? run.w : run.r, lo, hi);
  ASSERT_EQ(beats.size(), t.beats.size()) << (st ? "W" : "R") << " beats";
  for (size_t i = 0; i < beats.size(); ++i) {
    EXPECT_EQ(beats[i].cycle, t.beats[i].cycle) << "beat " << i;
    EXPECT_EQ(beats[i].last, t.beats[i].last) << "beat " << i;
    if (st) {
      EXPECT_EQ(beats[i].strb, t.beats[i].strb) << "W beat " << i;
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_TRUE(in_window(st ? run.r : run.w, lo, hi).empty()) << "data channel of the other direction";
  const std::vector<DmaSbufAccess> acc = in_window(run.sacc, lo, hi);
  if (std::getenv("DMA_DEBUG")) {
    for (size_t i = 0; i < std::max(acc.size(), t.sbuf.size()); ++i)
      std::printf("%zu: got %lld want %lld\n", i, i < acc.size() ? (long long)acc[i].cycle : -1LL,
                  i < t.sbuf.size() ? (long long)t.sbuf[i].cycle : -1LL);
    for (uint64_t x : t.addr_hs) std::printf("AW %llu\n", (unsigned long long)x);
    for (uint64_t x : t.rlast) std::printf("B %llu\n", (unsigned long long)x);
    std::printf("complete %llu\n", (unsigned long long)t.complete);
    for (const auto& x : in_window(st ? run.w : run.r, lo, hi)) std::printf("got beat %llu\n", (unsigned long long)x.cycle);
    for (const auto& x : t.beats) std::printf("want beat %llu\n", (unsigned long long)x.cycle);
  }
  ASSERT_EQ(acc.size(), t.sbuf.size()) << "SBUF accesses";
  for (size_t i = 0; i < acc.size(); ++i) {
    EXPECT_EQ(acc[i].cycle, t.sbuf[i].cycle) << "SBUF access " << i;
    EXPECT_EQ(acc[i].part, t.sbuf[i].part) << "SBUF access " << i;
    EXPECT_EQ(acc[i].addr, t.sbuf[i].addr) << "SBUF access " << i;
    if (!st) {
      EXPECT_EQ(acc[i].strb, t.sbuf[i].strb) << "SBUF write " << i;
    }
    if (::testing::Test::HasFailure()) return;
  }
}

// A random descriptor inside the window and the SBUF.
DmaDesc random_desc(std::mt19937_64& rng, const DmaParams& p, bool long_rows) {
  auto U = [&rng](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  for (;;) {
    DmaDesc d;
    d.dir = uint32_t(rng() & 1);
    d.rows = uint32_t(U(1, p.partitions));
    d.sbuf_part = uint32_t(U(0, p.partitions - d.rows));
    d.planes = uint32_t(U(1, 3));
    const uint32_t max_len = long_rows && rng() % 3 == 0 ? 1500 : 200;
    d.row_bytes = uint32_t(U(1, std::min<uint64_t>(p.sbuf_bytes / d.planes, max_len)));
    d.sbuf_addr = uint32_t(U(0, p.sbuf_bytes - d.planes * d.row_bytes));
    d.row_stride = uint32_t(rng() % 3 ? d.row_bytes + U(0, 300) : d.row_bytes);
    if (rng() % 4 == 0) d.row_stride = 4096 + uint32_t(U(0, 64));  // rows crossing 4 KiB in turn
    d.plane_stride = uint32_t(rng() % 2 ? d.rows * d.row_stride + U(0, 500) : U(0, 0x3000));
    const uint64_t span =
        uint64_t(d.planes - 1) * d.plane_stride + uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
    if (span > kSize) continue;
    d.dram_addr = kBase + U(0, kSize - span);
    return d;
  }
}

struct Width {
  uint32_t db, wb;
};
// DB == WB, DB > WB, DB < WB, the extremes of both.
const Width kWidths[] = {{8, 8}, {16, 4}, {4, 16}, {64, 8}, {8, 64}, {32, 32}, {4, 4}, {64, 64}};

// (a) + (b): sequences of valid descriptors in one queue, back to back, every
// event against dma_timing() (dispatch from the observed accept cycle and the
// previous completion), the data against dma_apply().
TEST(DmaEngineModel, TimingMatchesContract) {
  const uint64_t seed = test::test_seed(101);
  std::mt19937_64 rng(seed);
  int n_desc = 0;
  for (const Width& wd : kWidths) {
    for (uint32_t max_rw : {1u, 2u, 8u}) {
      SCOPED_TRACE("DB " + std::to_string(wd.db) + " WB " + std::to_string(wd.wb) + " MaxReads/Writes " +
                   std::to_string(max_rw) + " seed " + std::to_string(seed));
      const DmaParams p = params(wd.db, wd.wb, max_rw);
      const uint32_t rl = uint32_t(1 + rng() % 120), wl = uint32_t(1 + rng() % 60);
      Bench run(p, fixed_mem(wd.db, rl, wl), rng());
      const int n = 6;
      for (int i = 0; i < n; ++i) run.pending[0].push_back(random_desc(rng, p, true));
      ASSERT_TRUE(run.run_until(n)) << "timeout";
      run.idle(4);
      uint64_t prev_e = 0;
      for (int i = 0; i < n; ++i) {
        const DmaDesc& d = run.done_descs.at(i);
        const uint64_t disp = dma_dispatch(run.accept[0].at(i), i > 0, prev_e);
        const DmaTiming t = dma_timing(d, p, DmaDram{rl, wl}, disp);
        expect_timing(run, d, t, run.cpls.at(i));
        if (HasFailure()) return;
        prev_e = t.complete;
        ++n_desc;
      }
      EXPECT_TRUE(run.mem.idle());
      EXPECT_TRUE(run.mem.violations().empty());
      run.mem.check_end();
      run.expect_memories("after the sequence");
      if (HasFailure()) return;
    }
  }
  EXPECT_EQ(n_desc, 6 * 3 * int(std::size(kWidths)));
}

// Hand-picked shapes on top of the random ones: 1 byte, exactly 4 KiB, the
// longest bursts, rows crossing 4 KiB, all partitions, planes back to back.
TEST(DmaEngineModel, TimingEdgeShapes) {
  for (const Width& wd : kWidths) {
    SCOPED_TRACE("DB " + std::to_string(wd.db) + " WB " + std::to_string(wd.wb));
    const DmaParams p = params(wd.db, wd.wb);
    std::vector<DmaDesc> ds;
    for (uint32_t dir : {0u, 1u}) {
      DmaDesc one;
      one.dram_addr = kBase + 0x777;
      one.sbuf_part = 3;
      one.sbuf_addr = 11;
      one.dir = dir;
      ds.push_back(one);
      DmaDesc page;
      page.dram_addr = kBase + 0x1000 * (1 + dir);
      page.row_bytes = 4096;
      page.dir = dir;
      ds.push_back(page);
      DmaDesc cross;
      cross.dram_addr = kBase + 0x3000 - 301;
      cross.row_bytes = 700;
      cross.rows = 3;
      cross.row_stride = 4096;
      cross.sbuf_addr = 3;
      cross.dir = dir;
      ds.push_back(cross);
      DmaDesc all;
      all.dram_addr = kBase + 0x8001;
      all.row_bytes = 24;
      all.rows = p.partitions;
      all.row_stride = 24;
      all.planes = 3;
      all.plane_stride = 24 * p.partitions;
      all.sbuf_addr = 5;
      all.dir = dir;
      ds.push_back(all);
    }
    Bench run(p, fixed_mem(wd.db, 30, 7), 5);
    for (const DmaDesc& d : ds) run.pending[0].push_back(d);
    ASSERT_TRUE(run.run_until(ds.size()));
    run.idle(4);
    uint64_t prev_e = 0;
    for (size_t i = 0; i < ds.size(); ++i) {
      const DmaTiming t = dma_timing(ds[i], p, DmaDram{30, 7}, dma_dispatch(run.accept[0].at(i), i > 0, prev_e));
      expect_timing(run, ds[i], t, run.cpls.at(i));
      if (HasFailure()) return;
      prev_e = t.complete;
    }
    run.expect_memories("edge shapes");
  }
}

// (a) + (b) with AXI errors: AxiMem answers SLVERR / DECERR for a burst near
// the first, a middle or the last burst; timing, code, halting and the data
// (load: the SBUF prefix of dma_apply_load_error; store: DRAM holds exactly
// the issued bursts that were not answered with an error).
TEST(DmaEngineModel, AxiErrorsMatchContract) {
  const uint64_t seed = test::test_seed(202);
  std::mt19937_64 rng(seed);
  int runs = 0;
  for (const Width& wd : kWidths) {
    for (int it = 0; it < 12; ++it) {
      const DmaParams p = params(wd.db, wd.wb, it % 3 == 0 ? 2 : 8);
      DmaDesc d = random_desc(rng, p, false);
      d.dir = uint32_t(it & 1);
      const std::vector<DmaBurst> bursts = plan_bursts(d, p.bus_bytes);
      const size_t which = (it / 2) % 3 == 0 ? 0 : (it / 2) % 3 == 1 ? bursts.size() / 2 : bursts.size() - 1;
      const DmaBurst& eb = bursts[which];
      const uint64_t x = eb.start + rng() % eb.bytes;  // one byte of that burst
      const uint8_t resp = rng() & 1 ? kAxiSlvErr : kAxiDecErr;
      const uint32_t rl = uint32_t(1 + rng() % 60), wl = uint32_t(1 + rng() % 30);
      AxiMemConfig mc = fixed_mem(p.bus_bytes, rl, wl);
      mc.errors.push_back({x, x + 1, resp, true, true});
      SCOPED_TRACE("DB " + std::to_string(wd.db) + " WB " + std::to_string(wd.wb) + " error byte 0x" +
                   std::to_string(x) + " burst " + std::to_string(which) + "/" + std::to_string(bursts.size()) +
                   " seed " + std::to_string(seed));
      // AxiMem's rule: a burst touches the range with any byte of its beats.
      auto touches = [&](const DmaBurst& bu) { return bu.addr <= x && x < bu.addr + uint64_t(bu.beats) * p.bus_bytes; };
      DmaAxiError err;
      err.code = resp == kAxiDecErr ? DmaCode::kDecErr : DmaCode::kSlvErr;
      uint64_t beat = 0;
      for (size_t k = 0; k < bursts.size(); ++k) {
        if (touches(bursts[k])) {
          err.enabled = true;
          err.index = d.is_store() ? k : beat;
          break;
        }
        beat += bursts[k].beats;
      }
      ASSERT_TRUE(err.enabled);

      Bench run(p, mc, rng());
      run.pending[0].push_back(d);
      DmaDesc after;  // never runs: the queue halts
      after.dram_addr = kBase;
      after.row_bytes = 8;
      run.pending[0].push_back(after);
      ASSERT_TRUE(run.run_until(1));
      run.idle(rl + wl + 50);
      ASSERT_EQ(run.cpls.size(), 1u) << "the halted queue ran another descriptor";
      const DmaTiming t = dma_timing(d, p, DmaDram{rl, wl}, dma_dispatch(run.accept[0].at(0), false, 0),
                                     DmaCode::kOk, err);
      expect_timing(run, d, t, run.cpls[0]);
      EXPECT_EQ(run.cpls[0].code, err.code);
      EXPECT_TRUE(run.eng.halted(0));
      EXPECT_FALSE(run.eng.halted(1));
      EXPECT_TRUE(run.mem.idle()) << "bursts left open";
      run.mem.check_end();
      EXPECT_TRUE(run.mem.violations().empty());
      if (d.is_store()) {
        // DRAM: the issued bursts that AxiMem accepted.
        for (size_t k = 0; k < t.addr_hs.size(); ++k) {
          const DmaBurst& bu = bursts[k];
          if (touches(bu)) continue;
          const uint64_t row = d.dram_addr + uint64_t(bu.plane) * d.plane_stride + uint64_t(bu.row) * d.row_stride;
          for (uint32_t i = 0; i < bu.bytes; ++i) {
            const uint64_t in_row = bu.start - row + i;
            run.dram_ref[bu.start + i - kBase] =
                run.sbuf_ref[size_t(d.sbuf_part + bu.row) * p.sbuf_bytes + d.sbuf_addr + bu.plane * d.row_bytes +
                             in_row];
          }
        }
      } else {
        dma_apply_load_error(d, t, {&run.dram_ref, kBase, &run.sbuf_ref, p.sbuf_bytes});
      }
      run.expect_memories("after the AXI error");
      if (HasFailure()) return;
      ++runs;
    }
  }
  EXPECT_EQ(runs, 12 * int(std::size(kWidths)));
}

// (c) Random backpressure on every channel, random latencies and slave
// outstanding limits (ARREADY / AWREADY / WREADY drop when AxiMem is full),
// both queues: every descriptor completes with success, the data is exact,
// AxiMem's protocol checker finds nothing.
TEST(DmaEngineModel, RandomBackpressure) {
  const uint64_t seed = test::test_seed(303);
  std::mt19937_64 rng(seed);
  for (const Width& wd : kWidths) {
    for (int it = 0; it < 3; ++it) {
      const DmaParams p = params(wd.db, wd.wb, uint32_t(1 + rng() % 8));
      AxiMemConfig mc;
      mc.data_bytes = p.bus_bytes;
      mc.read_latency = uint32_t(1 + rng() % 80);
      mc.write_latency = uint32_t(1 + rng() % 80);
      mc.max_reads = uint32_t(1 + rng() % 10);
      mc.max_writes = uint32_t(1 + rng() % 10);
      auto P = [&rng] { return 0.15 + 0.85 * double(rng() % 1000) / 1000.0; };
      mc.ar_ready = P();
      mc.aw_ready = P();
      mc.w_ready = P();
      mc.r_valid = P();
      mc.b_valid = P();
      mc.seed = rng();
      SCOPED_TRACE("DB " + std::to_string(wd.db) + " WB " + std::to_string(wd.wb) + " seed " +
                   std::to_string(seed) + " it " + std::to_string(it));
      Bench run(p, mc, rng());
      const int n = 10;
      for (int i = 0; i < n; ++i) run.pending[rng() & 1].push_back(random_desc(rng, p, true));
      ASSERT_TRUE(run.run_until(n)) << "timeout";
      for (const Cpl& c : run.cpls) EXPECT_EQ(c.code, DmaCode::kOk);
      run.idle(200);
      EXPECT_FALSE(run.eng.busy());
      EXPECT_TRUE(run.mem.idle());
      run.mem.check_end();
      EXPECT_TRUE(run.mem.violations().empty()) << run.mem.violations().front();
      run.expect_memories("after random backpressure");
      if (HasFailure()) return;
    }
  }
}

DmaDesc small_load(uint64_t off, uint32_t len, uint32_t part, uint32_t sbuf_addr) {
  DmaDesc d;
  d.dram_addr = kBase + off;
  d.row_bytes = len;
  d.sbuf_part = part;
  d.sbuf_addr = sbuf_addr;
  return d;
}

// (d) Both queues filled at once: completions alternate, queue 0 first; the
// queue not served last wins; desc_ready drops while a queue is full.
TEST(DmaEngineModel, RoundRobin) {
  const DmaParams p = params(8, 8);
  Bench run(p, fixed_mem(8, 5, 3), 9);
  for (int i = 0; i < 6; ++i) {
    run.pending[0].push_back(small_load(0x100 * i, 32, 0, 64 * i));
    DmaDesc s = small_load(0x8000 + 0x100 * i, 32, 1, 512 + 64 * i);
    s.dir = 1;
    run.pending[1].push_back(s);
  }
  // First cycle: both queues accept (not full); the fifth descriptor of a
  // queue waits for a slot.
  run.step();
  EXPECT_EQ(run.accept[0].size(), 1u);
  EXPECT_EQ(run.accept[1].size(), 1u);
  ASSERT_TRUE(run.run_until(12));
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(run.cpls[i].q, int(i % 2)) << "completion " << i;
  for (const Cpl& c : run.cpls) EXPECT_EQ(c.code, DmaCode::kOk);
  // desc_ready is !full on the registered count: queue 1 takes 4 in cycles
  // 0..3 and its fifth waits for its first dispatch; queue 0 was popped in
  // cycle 1 (its slot free from cycle 2), so it takes 5 in cycles 0..4.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(run.accept[0].at(i), uint64_t(i));
  EXPECT_GT(run.accept[0].at(5), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(run.accept[1].at(i), uint64_t(i));
  EXPECT_GT(run.accept[1].at(4), 4u);
  run.idle(10);
  EXPECT_FALSE(run.eng.busy());
  run.expect_memories("round robin");

  // Only queue 1 busy, then queue 0 arrives: queue 0 next (not served last).
  Bench r2(p, fixed_mem(8, 5, 3), 10);
  r2.pending[1].push_back(small_load(0, 16, 0, 0));
  r2.pending[1].push_back(small_load(0x40, 16, 0, 16));
  r2.step();
  r2.step();
  r2.pending[0].push_back(small_load(0x80, 16, 0, 32));
  ASSERT_TRUE(r2.run_until(3));
  EXPECT_EQ(r2.cpls[0].q, 1);
  EXPECT_EQ(r2.cpls[1].q, 0);
  EXPECT_EQ(r2.cpls[2].q, 1);
}

// (d) A rejected descriptor (codes 1..3): completion in d + 2 with the code,
// no AXI handshake and no SBUF access at all, the queue halts (desc_ready low,
// its later descriptors never run and do not count for busy, as the RTL's
// busy_o), the other queue keeps running.
TEST(DmaEngineModel, RejectedAndHalted) {
  const DmaParams p = params(16, 4);
  struct Case {
    DmaDesc d;
    DmaCode code;
  };
  std::vector<Case> cases;
  DmaDesc zero = small_load(0, 0, 0, 0);
  cases.push_back({zero, DmaCode::kIllegal});
  DmaDesc rsvd = small_load(0, 8, 0, 0);
  rsvd.reserved = uint64_t(1) << 58;
  cases.push_back({rsvd, DmaCode::kIllegal});
  DmaDesc planes0 = small_load(0, 8, 0, 0);
  planes0.planes = 0;
  cases.push_back({planes0, DmaCode::kIllegal});
  cases.push_back({small_load(0, 8, 7, 0), DmaCode::kOk});  // control: part 7, 1 row is fine
  DmaDesc parts = small_load(0, 8, 7, 0);
  parts.rows = 2;
  cases.push_back({parts, DmaCode::kSbuf});
  cases.push_back({small_load(0, 16, 0, 4096 - 15), DmaCode::kSbuf});
  DmaDesc below = small_load(0, 8, 0, 0);
  below.dram_addr = kBase - 1;
  cases.push_back({below, DmaCode::kWindow});
  cases.push_back({small_load(kSize - 15, 16, 0, 0), DmaCode::kWindow});
  DmaDesc wrap = small_load(0, 16, 0, 0);
  wrap.rows = 2;
  wrap.row_stride = 0xffffffffu;
  cases.push_back({wrap, DmaCode::kWindow});
  DmaDesc store_win = small_load(kSize - 8, 16, 0, 0);
  store_win.dir = 1;
  cases.push_back({store_win, DmaCode::kWindow});
  for (const Case& c : cases) {
    SCOPED_TRACE(str(c.d));
    EXPECT_EQ(dma_check(c.d, p, kBase, kBase + kSize), c.code);
    Bench run(p, fixed_mem(16, 10, 5), 3);
    run.pending[0].push_back(c.d);
    run.pending[0].push_back(small_load(0x100, 8, 0, 512));  // runs only after success
    ASSERT_TRUE(run.run_until(1));
    EXPECT_EQ(run.cpls[0].code, c.code);
    if (c.code == DmaCode::kOk) continue;
    EXPECT_EQ(run.cpls[0].cycle, run.accept[0][0] + 3) << "rejected: e = d + 2 = accept + 3";
    run.idle(30);
    EXPECT_EQ(run.cpls.size(), 1u) << "the halted queue ran another descriptor";
    EXPECT_TRUE(run.mem.events().empty()) << "bus traffic for a rejected descriptor";
    EXPECT_EQ(run.sbuf.reads + run.sbuf.writes, 0u) << "SBUF access for a rejected descriptor";
    EXPECT_TRUE(run.eng.halted(0));
    EXPECT_FALSE(run.eng.busy()) << "a halted queue's stranded descriptor made busy_o high";
    DmaCycleIn in;
    in.axi = run.mem.outputs();
    DmaEngineModel copy = run.eng;  // look at the outputs without disturbing the run
    ByteSbuf scratch = run.sbuf;
    const DmaCycleOut o = copy.step(in, scratch);
    EXPECT_FALSE(o.desc_ready[0]);
    EXPECT_TRUE(o.desc_ready[1]);
    EXPECT_TRUE(o.halted[0]);
    EXPECT_FALSE(o.halted[1]);
    // The other queue still runs.
    run.pending[1].push_back(small_load(0x200, 40, 1, 8));
    ASSERT_TRUE(run.run_until(2));
    EXPECT_EQ(run.cpls[1].q, 1);
    EXPECT_EQ(run.cpls[1].code, DmaCode::kOk);
    run.idle(4);
    run.expect_memories("rejected, then the other queue");
    // A rejected descriptor's timing: the contract's d + 2.
    const DmaTiming t = dma_timing(c.d, p, DmaDram{10, 5}, dma_dispatch(run.accept[0][0], false, 0), c.code);
    EXPECT_EQ(t.complete, run.cpls[0].cycle);
  }
}

// (d) An AXI error halts its queue while the other queue keeps running, also
// with the other queue's descriptors interleaved round robin.
TEST(DmaEngineModel, ErrorHaltsOneQueue) {
  for (bool store : {false, true}) {
    SCOPED_TRACE(store ? "store" : "load");
    const DmaParams p = params(8, 16);
    AxiMemConfig mc = fixed_mem(8, 20, 10);
    mc.errors.push_back({kBase + 0x3000, kBase + 0x3010, kAxiSlvErr, true, true});
    Bench run(p, mc, 4);
    DmaDesc bad = small_load(0x2f00, 64, 0, 0);
    bad.planes = 16;
    bad.plane_stride = 0x80;
    bad.dir = store;
    run.pending[0].push_back(bad);
    run.pending[0].push_back(small_load(0x100, 8, 0, 2048));
    for (int i = 0; i < 3; ++i) run.pending[1].push_back(small_load(0x400 + 0x40 * i, 40, 1 + i, 0));
    ASSERT_TRUE(run.run_until(4));
    run.idle(100);
    ASSERT_EQ(run.cpls.size(), 4u);
    EXPECT_EQ(run.cpls[0].q, 0);
    EXPECT_EQ(run.cpls[0].code, DmaCode::kSlvErr);
    for (size_t i = 1; i < 4; ++i) {
      EXPECT_EQ(run.cpls[i].q, 1);
      EXPECT_EQ(run.cpls[i].code, DmaCode::kOk);
    }
    EXPECT_TRUE(run.eng.halted(0));
    EXPECT_FALSE(run.eng.halted(1));
    // Issue stopped: at most MaxReads / MaxWrites + 1 of the 16 bursts.
    size_t n = 0;
    for (const AxiEvent& e : run.mem.events())
      if (e.kind == (store ? AxiEvent::kAw : AxiEvent::kAr) && e.addr >= kBase + 0x2f00 &&
          e.addr < kBase + 0x2f00 + 16 * 0x80)
        ++n;
    EXPECT_GE(n, 3u);
    EXPECT_LE(n, p.max_reads + 3u);
    EXPECT_TRUE(run.mem.idle());
    EXPECT_TRUE(run.mem.violations().empty());
  }
}

// A copy is an independent engine: the same outputs for the same inputs, and
// stepping one does not move the other.
TEST(DmaEngineModel, CopyIsIndependent) {
  const DmaParams p = params(8, 8);
  Bench run(p, fixed_mem(8, 3, 2), 1);
  run.pending[0].push_back(small_load(0x10, 100, 2, 3));
  for (int i = 0; i < 9; ++i) run.step();
  DmaEngineModel a = run.eng;
  DmaEngineModel b(a);
  ByteSbuf sa = run.sbuf, sb = run.sbuf;
  DmaCycleIn in;
  in.dram_base = kBase;
  in.dram_limit = kBase + kSize;
  in.axi.ar_ready = true;
  in.axi.r_valid = true;
  for (int i = 0; i < 20; ++i) {
    const DmaCycleOut oa = a.step(in, sa);
    const DmaCycleOut ob = b.step(in, sb);
    EXPECT_EQ(oa.axi.ar_valid, ob.axi.ar_valid);
    EXPECT_EQ(oa.axi.r_ready, ob.axi.r_ready);
    EXPECT_EQ(oa.sbuf_wr_valid, ob.sbuf_wr_valid);
    EXPECT_EQ(oa.sbuf_wr_data, ob.sbuf_wr_data);
  }
  EXPECT_EQ(sa.bytes, sb.bytes);
  EXPECT_EQ(a.cycle(), run.eng.cycle() + 20);
  run.step();
  EXPECT_EQ(a.cycle(), run.eng.cycle() + 19);
}

TEST(DmaEngineModel, ParamsFromConfig) {
  for (const Config& c : kConfigs) {
    const DmaParams p = dma_params(c);
    EXPECT_EQ(p.partitions, c.partitions) << c.name;
    EXPECT_EQ(p.sbuf_bytes, c.sbuf_bytes) << c.name;
    EXPECT_EQ(p.sbuf_word_bytes, c.sbuf_word_bytes) << c.name;
    EXPECT_EQ(p.bus_bytes, c.axi_data_bytes) << c.name;
    EXPECT_EQ(p.max_reads, 8u) << c.name;
    EXPECT_EQ(p.max_writes, 8u) << c.name;
    DmaEngineModel m(p, kDmaQueueDepth);  // every configuration is legal
    EXPECT_FALSE(m.busy());
  }
  EXPECT_THROW(DmaEngineModel(params(3, 8), 4), std::invalid_argument);
  EXPECT_THROW(DmaEngineModel(params(8, 128), 4), std::invalid_argument);
}

}  // namespace
}  // namespace loom
