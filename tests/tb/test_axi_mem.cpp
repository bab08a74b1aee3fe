// Unit tests of the testbench DRAM (loom/axi_mem.h), driven by a small
// scripted AXI4 master: data, lanes and strobes, exact latencies and
// throughput, outstanding limits, backpressure and determinism, read
// reordering, error injection, and one test per protocol violation.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "common/test_seed.h"

namespace loom {
namespace {

using Data = std::array<uint8_t, kAxiMaxDataBytes>;

// ---------------------------------------------------------------------------
// AXI arithmetic written independently of the model.

uint32_t size_for(uint32_t bytes) {
  uint32_t s = 0;
  while ((1u << s) < bytes) ++s;
  return s;
}

uint64_t beat_address(uint64_t addr, uint32_t size, uint32_t i) {
  const uint64_t nb = uint64_t{1} << size;
  return i == 0 ? addr : addr / nb * nb + i * nb;
}

// Byte lanes [lo, hi] of beat i.
std::pair<uint32_t, uint32_t> lanes(uint64_t addr, uint32_t size, uint32_t i, uint32_t db) {
  const uint64_t nb = uint64_t{1} << size;
  const uint64_t a = beat_address(addr, size, i);
  return {uint32_t(a % db), uint32_t(a / nb * nb % db + nb - 1)};
}

// AxLEN of the burst that carries bytes [addr, addr + n) with beats of 2^size.
uint32_t len_for(uint64_t addr, uint64_t n, uint32_t size) {
  const uint64_t nb = uint64_t{1} << size;
  return uint32_t((addr + n - addr / nb * nb + nb - 1) / nb - 1);
}

std::vector<uint8_t> pattern(size_t n, uint32_t salt) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 7 + salt * 31 + (i >> 8) * 13 + 1);
  return v;
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = uint8_t(rng());
  return v;
}

// ---------------------------------------------------------------------------
// A scripted master.

struct Req {
  uint32_t id = 0;
  uint64_t addr = 0;
  uint32_t len = 0;
  uint32_t size = 0;
};

struct WBeatIn {
  Data data{};
  uint64_t strb = 0;
  bool last = false;
};

struct WriteReq {
  Req aw;
  std::vector<WBeatIn> w;
};

// The write burst that stores `bytes` at `addr` with beats of 2^size bytes on
// a db-byte bus, strobes only on the bytes written.
WriteReq make_write(uint32_t id, uint64_t addr, const std::vector<uint8_t>& bytes, uint32_t size,
                    uint32_t db) {
  WriteReq wr;
  wr.aw = {id, addr, len_for(addr, bytes.size(), size), size};
  for (uint32_t i = 0; i <= wr.aw.len; ++i) {
    WBeatIn b;
    const auto [lo, hi] = lanes(addr, size, i, db);
    const uint64_t base = beat_address(addr, size, i) / db * db;
    for (uint32_t l = lo; l <= hi; ++l) {
      const uint64_t a = base + l;
      if (a >= addr && a < addr + bytes.size()) {
        b.data[l] = bytes[a - addr];
        b.strb |= uint64_t{1} << l;
      }
    }
    b.last = i == wr.aw.len;
    wr.w.push_back(b);
  }
  return wr;
}

struct RBeat {
  uint64_t cycle;
  uint32_t id;
  Data data;
  uint32_t resp;
  bool last;
};

struct BBeat {
  uint64_t cycle;
  uint32_t id;
  uint32_t resp;
};

// The bytes [addr, addr + n) carried by the R beats of one burst.
std::vector<uint8_t> gather(const std::vector<RBeat>& beats, uint64_t addr, uint64_t n,
                            uint32_t size, uint32_t db) {
  std::vector<uint8_t> out(n, 0xA5);
  for (uint32_t i = 0; i < beats.size(); ++i) {
    const auto [lo, hi] = lanes(addr, size, i, db);
    const uint64_t base = beat_address(addr, size, i) / db * db;
    for (uint32_t l = lo; l <= hi; ++l) {
      const uint64_t a = base + l;
      if (a >= addr && a < addr + n) out[a - addr] = beats[i].data[l];
    }
  }
  return out;
}

// Splits R beats into bursts (the model never interleaves bursts).
std::vector<std::vector<RBeat>> split_bursts(const std::vector<RBeat>& beats) {
  std::vector<std::vector<RBeat>> out(1);
  for (const RBeat& b : beats) {
    out.back().push_back(b);
    if (b.last) out.emplace_back();
  }
  out.pop_back();
  return out;
}

enum class WOrder { kAfterAw, kFree, kBeforeAw };

struct MasterKnobs {
  double ar_valid = 1.0, aw_valid = 1.0, w_valid = 1.0, r_ready = 1.0, b_ready = 1.0;
  WOrder w_order = WOrder::kAfterAw;
  uint64_t seed = 99;
};

class Master {
 public:
  Master(AxiMem& mem, MasterKnobs k = {}) : mem_(mem), k_(k), rng_(k.seed) {}

  void read(const Req& r) { ar_q_.push_back(r); }
  void write(const WriteReq& w) {
    aw_q_.push_back(w.aw);
    for (const WBeatIn& b : w.w) w_q_.push_back({writes_queued_, b});
    ++writes_queued_;
  }

  void step() {
    AxiMasterOut in;
    if (!ar_on_ && !ar_q_.empty() && chance(k_.ar_valid)) ar_on_ = true;
    if (ar_on_) {
      const Req& r = ar_q_.front();
      in.ar_valid = true;
      in.ar_id = r.id;
      in.ar_addr = r.addr;
      in.ar_len = r.len;
      in.ar_size = r.size;
    }
    const bool aw_allowed = k_.w_order != WOrder::kBeforeAw || w_bursts_sent_ > aw_sent_;
    if (!aw_on_ && !aw_q_.empty() && aw_allowed && chance(k_.aw_valid)) aw_on_ = true;
    if (aw_on_) {
      const Req& r = aw_q_.front();
      in.aw_valid = true;
      in.aw_id = r.id;
      in.aw_addr = r.addr;
      in.aw_len = r.len;
      in.aw_size = r.size;
    }
    const bool w_allowed =
        !w_q_.empty() && (k_.w_order != WOrder::kAfterAw || w_q_.front().first < aw_sent_);
    if (!w_on_ && w_allowed && chance(k_.w_valid)) w_on_ = true;
    if (w_on_) {
      const WBeatIn& b = w_q_.front().second;
      in.w_valid = true;
      in.w_data = b.data;
      in.w_strb = b.strb;
      in.w_last = b.last;
    }
    in.r_ready = chance(k_.r_ready);
    in.b_ready = chance(k_.b_ready);

    const AxiSlaveOut o = mem_.outputs();
    const uint64_t c = mem_.cycle();
    check_slave(o, c);
    trace_ +=
        fmt::format("{}:{}{}{}{}{}{}:{}:{}\n", c, int(o.ar_ready), int(o.aw_ready), int(o.w_ready),
                    int(o.r_valid), int(o.b_valid), int(o.r_last), o.r_id, o.b_id);
    mem_.tick(in);

    if (in.ar_valid && o.ar_ready) {
      ar_cycles.push_back(c);
      ar_q_.pop_front();
      ar_on_ = false;
    }
    if (in.aw_valid && o.aw_ready) {
      aw_cycles.push_back(c);
      aw_q_.pop_front();
      aw_on_ = false;
      ++aw_sent_;
    }
    if (in.w_valid && o.w_ready) {
      if (in.w_last) {
        w_last_cycles.push_back(c);
        ++w_bursts_sent_;
      }
      w_q_.pop_front();
      w_on_ = false;
    }
    if (o.r_valid && in.r_ready) rbeats.push_back({c, o.r_id, o.r_data, o.r_resp, o.r_last});
    if (o.b_valid && in.b_ready) bbeats.push_back({c, o.b_id, o.b_resp});
    prev_o_ = o;
    prev_in_ = in;
  }

  // The memory's own side of the protocol: R and B stay valid with the same
  // payload until the master is ready.
  void check_slave(const AxiSlaveOut& o, uint64_t c) {
    if (prev_o_.r_valid && !prev_in_.r_ready) {
      EXPECT_TRUE(o.r_valid && o.r_id == prev_o_.r_id && o.r_data == prev_o_.r_data &&
                  o.r_resp == prev_o_.r_resp && o.r_last == prev_o_.r_last)
          << "R changed while RVALID && !RREADY at cycle " << c;
    }
    if (prev_o_.b_valid && !prev_in_.b_ready) {
      EXPECT_TRUE(o.b_valid && o.b_id == prev_o_.b_id && o.b_resp == prev_o_.b_resp)
          << "B changed while BVALID && !BREADY at cycle " << c;
    }
  }

  bool done() const {
    return ar_q_.empty() && aw_q_.empty() && w_q_.empty() && !ar_on_ && !aw_on_ && !w_on_ &&
           mem_.idle();
  }

  // Runs until everything is answered; false if max_cycles pass first.
  bool run(uint64_t max_cycles = 200000) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (done()) return true;
      step();
    }
    return done();
  }

  std::vector<uint64_t> ar_cycles, aw_cycles, w_last_cycles;
  std::vector<RBeat> rbeats;
  std::vector<BBeat> bbeats;
  const std::string& trace() const { return trace_; }

 private:
  bool chance(double p) {
    const double u = double(rng_() >> 11) * (1.0 / 9007199254740992.0);
    return u < p;
  }

  AxiMem& mem_;
  MasterKnobs k_;
  std::mt19937_64 rng_;
  std::deque<Req> ar_q_, aw_q_;
  std::deque<std::pair<size_t, WBeatIn>> w_q_;  // (write burst index, beat)
  size_t writes_queued_ = 0, aw_sent_ = 0, w_bursts_sent_ = 0;
  bool ar_on_ = false, aw_on_ = false, w_on_ = false;
  AxiSlaveOut prev_o_;
  AxiMasterOut prev_in_;
  std::string trace_;
};

// One cycle of hand-driven inputs; returns the outputs of that cycle.
AxiSlaveOut step(AxiMem& m, const AxiMasterOut& in) {
  const AxiSlaveOut o = m.outputs();
  m.tick(in);
  return o;
}

AxiMasterOut ar(uint32_t id, uint64_t addr, uint32_t len, uint32_t size) {
  AxiMasterOut in;
  in.ar_valid = true;
  in.ar_id = id;
  in.ar_addr = addr;
  in.ar_len = len;
  in.ar_size = size;
  in.r_ready = true;
  in.b_ready = true;
  return in;
}

AxiMasterOut aw(uint32_t id, uint64_t addr, uint32_t len, uint32_t size) {
  AxiMasterOut in;
  in.aw_valid = true;
  in.aw_id = id;
  in.aw_addr = addr;
  in.aw_len = len;
  in.aw_size = size;
  in.r_ready = true;
  in.b_ready = true;
  return in;
}

AxiMasterOut none() {
  AxiMasterOut in;
  in.r_ready = true;
  in.b_ready = true;
  return in;
}

AxiMasterOut with_w(AxiMasterOut in, uint64_t strb, bool last, uint8_t fill = 0x5A) {
  in.w_valid = true;
  in.w_data.fill(fill);
  in.w_strb = strb;
  in.w_last = last;
  return in;
}

std::string events_text(const std::vector<AxiEvent>& ev) {
  std::string s;
  for (const AxiEvent& e : ev) {
    s += fmt::format("{} {} id{} 0x{:x} len{} strb{:x} resp{} last{} d{:02x}\n", e.cycle,
                     axi_event_kind_name(e.kind), e.id, e.addr, e.len, e.strb, e.resp, int(e.last),
                     fmt::join(e.data, ""));
  }
  return s;
}

// ---------------------------------------------------------------------------
// Configuration and backdoor

TEST(AxiMem, RejectsBadConfiguration) {
  const std::vector<std::function<void(AxiMemConfig&)>> bad = {
      [](AxiMemConfig& c) { c.data_bytes = 2; },
      [](AxiMemConfig& c) { c.data_bytes = 12; },
      [](AxiMemConfig& c) { c.data_bytes = 128; },
      [](AxiMemConfig& c) { c.read_latency = 0; },
      [](AxiMemConfig& c) { c.write_latency = 0; },
      [](AxiMemConfig& c) { c.max_reads = 0; },
      [](AxiMemConfig& c) { c.w_ready = 1.5; },
      [](AxiMemConfig& c) { c.r_valid = -0.1; },
      [](AxiMemConfig& c) {
        c.errors.push_back({0x100, 0x200, 1, true, true});
      },
      [](AxiMemConfig& c) {
        c.errors.push_back({0x200, 0x200, 2, true, true});
      },
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    AxiMemConfig cfg;
    bad[i](cfg);
    EXPECT_THROW(AxiMem{cfg}, std::invalid_argument) << "case " << i;
  }
  for (uint32_t db : {4u, 8u, 16u, 32u, 64u}) {
    AxiMemConfig cfg;
    cfg.data_bytes = db;
    EXPECT_NO_THROW(AxiMem{cfg}) << db;
  }
}

TEST(AxiMem, BackdoorIsSparseAndZeroInitialised) {
  AxiMem m(AxiMemConfig{});
  EXPECT_EQ(m.read(0x123456789000, 16), std::vector<uint8_t>(16, 0));
  const std::vector<uint8_t> data = pattern(10000, 3);
  m.write(0x7FF0, data);  // spans four pages
  EXPECT_EQ(m.read(0x7FF0, data.size()), data);
  EXPECT_EQ(m.read(0x7FEF, 1), std::vector<uint8_t>{0});
  EXPECT_EQ(m.read(0x7FF0 + data.size(), 1), std::vector<uint8_t>{0});
  const std::vector<uint8_t> mid = m.read(0x8FFE, 4);
  EXPECT_EQ(mid, std::vector<uint8_t>(data.begin() + 0x100E, data.begin() + 0x1012));
  EXPECT_TRUE(m.idle());
  EXPECT_EQ(m.cycle(), 0u);
}

// ---------------------------------------------------------------------------
// Data, lanes and strobes

TEST(AxiMem, SingleBeatWriteThenRead) {
  AxiMemConfig cfg;
  cfg.read_latency = 3;
  cfg.write_latency = 2;
  AxiMem m(cfg);
  Master master(m);
  const std::vector<uint8_t> bytes = pattern(8, 1);
  master.write(make_write(3, 0x100, bytes, 3, 8));
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.bbeats.size(), 1u);
  EXPECT_EQ(master.bbeats[0].id, 3u);
  EXPECT_EQ(master.bbeats[0].resp, kAxiOkay);
  EXPECT_EQ(m.read(0x100, 8), bytes);

  master.read({9, 0x100, 0, 3});
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.rbeats.size(), 1u);
  EXPECT_EQ(master.rbeats[0].id, 9u);
  EXPECT_EQ(master.rbeats[0].resp, kAxiOkay);
  EXPECT_TRUE(master.rbeats[0].last);
  EXPECT_EQ(gather(master.rbeats, 0x100, 8, 3, 8), bytes);
  EXPECT_TRUE(m.violations().empty());

  // The event log: AW, W, B, AR, R in that order.
  std::vector<AxiEvent::Kind> kinds;
  for (const AxiEvent& e : m.events()) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<AxiEvent::Kind>{AxiEvent::kAw, AxiEvent::kW, AxiEvent::kB,
                                                AxiEvent::kAr, AxiEvent::kR}));
  EXPECT_EQ(m.events()[1].addr, 0x100u);
  EXPECT_EQ(m.events()[1].strb, 0xFFu);
}

TEST(AxiMem, UnalignedReadUsesLanesAtAndAboveTheAddress) {
  AxiMemConfig cfg;
  cfg.read_latency = 1;
  AxiMem m(cfg);
  const std::vector<uint8_t> mem = pattern(64, 2);
  m.write(0x1000, mem);
  Master master(m);
  master.read({1, 0x1003, 2, 3});  // beats at 0x1003, 0x1008, 0x1010
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.rbeats.size(), 3u);
  const RBeat& b0 = master.rbeats[0];
  for (uint32_t l = 0; l < 3; ++l) EXPECT_EQ(b0.data[l], 0) << "lane " << l;
  for (uint32_t l = 3; l < 8; ++l) EXPECT_EQ(b0.data[l], mem[l]) << "lane " << l;
  for (uint32_t l = 0; l < 8; ++l) {
    EXPECT_EQ(master.rbeats[1].data[l], mem[8 + l]);
    EXPECT_EQ(master.rbeats[2].data[l], mem[16 + l]);
  }
  for (uint32_t l = 8; l < kAxiMaxDataBytes; ++l) EXPECT_EQ(b0.data[l], 0) << "lane " << l;
  std::vector<uint64_t> addrs;
  for (const AxiEvent& e : m.events()) {
    if (e.kind == AxiEvent::kR) addrs.push_back(e.addr);
  }
  EXPECT_EQ(addrs, (std::vector<uint64_t>{0x1003, 0x1008, 0x1010}));
}

TEST(AxiMem, UnalignedWriteTouchesOnlyStrobedBytes) {
  AxiMem m(AxiMemConfig{});
  const std::vector<uint8_t> before(64, 0xEE);
  m.write(0x2000, before);
  const std::vector<uint8_t> bytes = pattern(13, 4);
  const WriteReq wr = make_write(0, 0x2005, bytes, 3, 8);  // 0x2005..0x2011: 3 beats
  ASSERT_EQ(wr.aw.len, 2u);
  EXPECT_EQ(wr.w[0].strb, 0xE0u);
  EXPECT_EQ(wr.w[2].strb, 0x03u);
  Master master(m);
  master.write(wr);
  ASSERT_TRUE(master.run());
  std::vector<uint8_t> expect = before;
  std::copy(bytes.begin(), bytes.end(), expect.begin() + 5);
  EXPECT_EQ(m.read(0x2000, 64), expect);
}

TEST(AxiMem, SparseStrobesSelectTheBytesWritten) {
  AxiMemConfig cfg;
  cfg.write_latency = 1;
  AxiMem m(cfg);
  m.write(0x40, std::vector<uint8_t>(8, 0x11));
  AxiMasterOut in = with_w(aw(0, 0x40, 0, 3), 0xA5, true, 0x77);  // lanes 0, 2, 5, 7
  step(m, in);
  for (int i = 0; i < 3; ++i) step(m, none());
  EXPECT_EQ(m.read(0x40, 8),
            (std::vector<uint8_t>{0x77, 0x11, 0x77, 0x11, 0x11, 0x77, 0x11, 0x77}));
  EXPECT_TRUE(m.idle());
  EXPECT_TRUE(m.violations().empty());
}

TEST(AxiMem, NarrowBurstsMoveAcrossLanes) {
  AxiMemConfig cfg;
  cfg.data_bytes = 16;
  cfg.read_latency = 2;
  AxiMem m(cfg);
  Master master(m);
  const std::vector<uint8_t> bytes = pattern(14, 5);
  const WriteReq wr = make_write(2, 0x306, bytes, 1, 16);  // 2-byte beats
  ASSERT_EQ(wr.aw.len, 6u);
  EXPECT_EQ(wr.w[0].strb, 0x00C0u);  // 0x306: lanes 6..7
  EXPECT_EQ(wr.w[4].strb, 0xC000u);  // 0x30E: lanes 14..15
  EXPECT_EQ(wr.w[5].strb, 0x0003u);  // 0x310: lanes 0..1
  master.write(wr);
  ASSERT_TRUE(master.run());
  EXPECT_EQ(m.read(0x306, 14), bytes);
  EXPECT_EQ(m.read(0x304, 2), std::vector<uint8_t>(2, 0));
  EXPECT_EQ(m.read(0x314, 2), std::vector<uint8_t>(2, 0));

  master.read({1, 0x306, 6, 1});
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.rbeats.size(), 7u);
  for (uint32_t i = 0; i < 7; ++i) {
    const uint32_t lane = (0x306 + 2 * i) % 16;
    for (uint32_t l = 0; l < 16; ++l) {
      const bool in_beat = l == lane || l == lane + 1;
      EXPECT_EQ(master.rbeats[i].data[l], in_beat ? bytes[2 * i + (l - lane)] : 0)
          << "beat " << i << " lane " << l;
    }
  }
}

TEST(AxiMem, LongestBurstsWriteAndReadBack) {
  AxiMemConfig cfg;
  cfg.read_latency = 5;
  AxiMem m(cfg);
  Master master(m);
  const std::vector<uint8_t> bytes = pattern(256 * 8, 6);
  const WriteReq wr = make_write(1, 0x4000, bytes, 3, 8);
  ASSERT_EQ(wr.aw.len, 255u);
  master.write(wr);
  master.read({1, 0x4800, 255, 3});  // unwritten: zeros
  ASSERT_TRUE(master.run());
  EXPECT_EQ(m.read(0x4000, bytes.size()), bytes);
  master.read({4, 0x4000, 255, 3});
  ASSERT_TRUE(master.run());
  const auto bursts = split_bursts(master.rbeats);
  ASSERT_EQ(bursts.size(), 2u);
  ASSERT_EQ(bursts[0].size(), 256u);
  EXPECT_EQ(gather(bursts[0], 0x4800, 2048, 3, 8), std::vector<uint8_t>(2048, 0));
  ASSERT_EQ(bursts[1].size(), 256u);
  EXPECT_EQ(gather(bursts[1], 0x4000, 2048, 3, 8), bytes);
  for (size_t i = 0; i < 256; ++i) EXPECT_EQ(bursts[1][i].last, i == 255) << i;
}

TEST(AxiMem, ExactlyFourKiBAndPageEdgesAreLegal) {
  for (uint32_t db : {16u, 64u}) {
    AxiMemConfig cfg;
    cfg.data_bytes = db;
    cfg.read_latency = 4;
    AxiMem m(cfg);
    Master master(m);
    const uint32_t beats = 4096 / db;  // 256 beats at 16 bytes, 64 at 64 bytes
    const std::vector<uint8_t> bytes = pattern(4096, db);
    const WriteReq wr = make_write(0, 0x3000, bytes, size_for(db), db);
    ASSERT_EQ(wr.aw.len + 1, beats);
    master.write(wr);
    // The last bytes of a page, from an unaligned start: legal.
    master.write(make_write(1, 0x5FF9, {1, 2, 3, 4, 5, 6, 7}, size_for(db), db));
    ASSERT_TRUE(master.run());
    master.read({0, 0x3000, beats - 1, size_for(db)});
    master.read({1, 0x3FFF, 0, size_for(db)});
    ASSERT_TRUE(master.run());
    EXPECT_TRUE(m.violations().empty()) << db;
    EXPECT_EQ(m.read(0x3000, 4096), bytes);
    EXPECT_EQ(m.read(0x5FF9, 7), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7}));
    const auto bursts = split_bursts(master.rbeats);
    ASSERT_EQ(bursts.size(), 2u);
    EXPECT_EQ(gather(bursts[0], 0x3000, 4096, size_for(db), db), bytes);
    EXPECT_EQ(gather(bursts[1], 0x3FFF, 1, size_for(db), db), std::vector<uint8_t>{bytes[4095]});
    for (const BBeat& b : master.bbeats) EXPECT_EQ(b.resp, kAxiOkay);
  }
}

// ---------------------------------------------------------------------------
// Timing

TEST(AxiMem, ReadLatencyIsExact) {
  for (uint32_t lat : {1u, 2u, 7u, 100u}) {
    AxiMemConfig cfg;
    cfg.read_latency = lat;
    AxiMem m(cfg);
    m.write(0x40, pattern(16, 7));
    for (int i = 0; i < 3; ++i) step(m, none());
    ASSERT_TRUE(m.outputs().ar_ready);
    const uint64_t hs = m.cycle();
    step(m, ar(5, 0x40, 1, 3));
    while (m.cycle() < hs + lat) {
      EXPECT_FALSE(m.outputs().r_valid) << "latency " << lat << " cycle " << m.cycle();
      step(m, none());
    }
    const AxiSlaveOut o0 = step(m, none());  // cycle hs + lat
    ASSERT_TRUE(o0.r_valid) << "latency " << lat;
    EXPECT_EQ(o0.r_id, 5u);
    EXPECT_FALSE(o0.r_last);
    const AxiSlaveOut o1 = step(m, none());
    ASSERT_TRUE(o1.r_valid);
    EXPECT_TRUE(o1.r_last);
    EXPECT_EQ(o1.r_data[0], pattern(16, 7)[8]);
    EXPECT_FALSE(m.outputs().r_valid);
    EXPECT_TRUE(m.idle());
    EXPECT_EQ(m.events().back().cycle, hs + lat + 1);
  }
}

TEST(AxiMem, RBeatHeldUntilReady) {
  AxiMemConfig cfg;
  cfg.read_latency = 2;
  AxiMem m(cfg);
  m.write(0, pattern(16, 8));
  AxiMasterOut in = ar(1, 0, 1, 3);
  in.r_ready = false;
  step(m, in);
  AxiMasterOut wait = none();
  wait.r_ready = false;
  step(m, wait);
  for (int i = 0; i < 5; ++i) {
    const AxiSlaveOut o = step(m, wait);
    ASSERT_TRUE(o.r_valid);
    EXPECT_FALSE(o.r_last);
    EXPECT_EQ(o.r_data[0], pattern(16, 8)[0]);
  }
  EXPECT_FALSE(step(m, none()).r_last);  // beat 0 taken
  EXPECT_TRUE(step(m, none()).r_last);   // beat 1 the next cycle
  EXPECT_TRUE(m.idle());
}

TEST(AxiMem, WriteLatencyIsExact) {
  for (uint32_t lat : {1u, 10u}) {
    AxiMemConfig cfg;
    cfg.write_latency = lat;
    AxiMem m(cfg);
    // AW with the first W beat in cycle 0, the last W beat in cycle 1.
    step(m, with_w(aw(4, 0x80, 1, 3), 0xFF, false, 0x31));
    EXPECT_EQ(m.read(0x80, 1), std::vector<uint8_t>{0});  // not before the last beat
    step(m, with_w(none(), 0xFF, true, 0x32));
    EXPECT_EQ(m.read(0x80, 16),
              (std::vector<uint8_t>{0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x32, 0x32,
                                    0x32, 0x32, 0x32, 0x32, 0x32, 0x32}));
    while (m.cycle() < 1 + lat) {
      EXPECT_FALSE(m.outputs().b_valid) << "cycle " << m.cycle();
      step(m, none());
    }
    const AxiSlaveOut o = step(m, none());
    ASSERT_TRUE(o.b_valid) << "latency " << lat;
    EXPECT_EQ(o.b_id, 4u);
    EXPECT_EQ(o.b_resp, kAxiOkay);
    EXPECT_TRUE(m.idle());
  }
}

TEST(AxiMem, WriteLatencyCountsFromTheAwWhenWCameFirst) {
  AxiMemConfig cfg;
  cfg.write_latency = 3;
  AxiMem m(cfg);
  step(m, with_w(none(), 0xFF, false));
  step(m, with_w(none(), 0xFF, true));
  for (int i = 0; i < 3; ++i) step(m, none());
  EXPECT_FALSE(m.idle());
  EXPECT_EQ(m.read(0x200, 1), std::vector<uint8_t>{0});  // no address yet
  step(m, aw(6, 0x200, 1, 3));                           // cycle 5
  EXPECT_EQ(m.read(0x200, 16), std::vector<uint8_t>(16, 0x5A));
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(step(m, none()).b_valid);
  const AxiSlaveOut o = step(m, none());  // cycle 8 = 5 + 3
  ASSERT_TRUE(o.b_valid);
  EXPECT_EQ(o.b_id, 6u);
  // W events carry the burst's id and beat addresses once the AW arrived.
  std::vector<uint64_t> w_addrs;
  for (const AxiEvent& e : m.events()) {
    if (e.kind == AxiEvent::kW) {
      w_addrs.push_back(e.addr);
      EXPECT_EQ(e.id, 6u);
    }
  }
  EXPECT_EQ(w_addrs, (std::vector<uint64_t>{0x200, 0x208}));
  EXPECT_TRUE(m.violations().empty());
}

TEST(AxiMem, OutstandingReadsStreamOneBeatPerCycle) {
  AxiMemConfig cfg;
  cfg.read_latency = 20;
  AxiMem m(cfg);
  const std::vector<uint8_t> mem = pattern(256, 9);
  m.write(0x1000, mem);
  Master master(m);
  for (uint32_t i = 0; i < 4; ++i) master.read({i, 0x1000 + 32 * i, 3, 3});
  ASSERT_TRUE(master.run());
  EXPECT_EQ(master.ar_cycles, (std::vector<uint64_t>{0, 1, 2, 3}));
  ASSERT_EQ(master.rbeats.size(), 16u);
  for (uint32_t i = 0; i < 16; ++i) {
    EXPECT_EQ(master.rbeats[i].cycle, 20u + i) << "beat " << i;  // back to back after 20
    EXPECT_EQ(master.rbeats[i].id, i / 4);
  }
  const auto bursts = split_bursts(master.rbeats);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(gather(bursts[i], 0x1000 + 32 * i, 32, 3, 8),
              std::vector<uint8_t>(mem.begin() + 32 * i, mem.begin() + 32 * i + 32));
  }
}

TEST(AxiMem, MaxReadsHoldsArReadyLow) {
  AxiMemConfig cfg;
  cfg.read_latency = 10;
  cfg.max_reads = 2;
  AxiMem m(cfg);
  Master master(m);
  for (uint32_t i = 0; i < 3; ++i) master.read({i, 0x100 * i, 1, 3});
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.ar_cycles.size(), 3u);
  EXPECT_EQ(master.ar_cycles[0], 0u);
  EXPECT_EQ(master.ar_cycles[1], 1u);
  // The third AR waits until the first burst's RLAST (cycle 11) frees a slot.
  ASSERT_TRUE(master.rbeats[1].last);
  EXPECT_EQ(master.rbeats[1].cycle, 11u);
  EXPECT_EQ(master.ar_cycles[2], 12u);
}

TEST(AxiMem, MaxWritesHoldsAwReadyLow) {
  AxiMemConfig cfg;
  cfg.write_latency = 10;
  cfg.max_writes = 2;
  AxiMem m(cfg);
  Master master(m);
  for (uint32_t i = 0; i < 3; ++i) master.write(make_write(i, 0x100 * i, pattern(8, i), 3, 8));
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.aw_cycles.size(), 3u);
  EXPECT_EQ(master.aw_cycles[0], 0u);
  EXPECT_EQ(master.aw_cycles[1], 1u);
  ASSERT_EQ(master.bbeats.size(), 3u);
  EXPECT_EQ(master.bbeats[0].cycle, 11u);  // W at cycle 1 (after its AW) + 10
  EXPECT_EQ(master.aw_cycles[2], master.bbeats[0].cycle + 1);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(m.read(0x100 * i, 8), pattern(8, i));
}

TEST(AxiMem, WBeforeAwIsAcceptedUpToMaxWrites) {
  AxiMemConfig cfg;
  cfg.max_writes = 2;
  cfg.write_latency = 2;
  AxiMem m(cfg);
  for (int burst = 0; burst < 2; ++burst) {
    ASSERT_TRUE(m.outputs().w_ready);
    step(m, with_w(none(), 0xFF, true, uint8_t(0x10 + burst)));
  }
  // Two bursts of W data wait for their AWs: no room for a third.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(step(m, none()).w_ready);
  EXPECT_TRUE(m.outputs().aw_ready);  // an AW for the waiting data is always welcome
  step(m, aw(1, 0x500, 0, 3));
  step(m, aw(2, 0x600, 0, 3));
  for (int i = 0; i < 4; ++i) step(m, none());
  EXPECT_TRUE(m.idle());
  EXPECT_EQ(m.read(0x500, 8), std::vector<uint8_t>(8, 0x10));
  EXPECT_EQ(m.read(0x600, 8), std::vector<uint8_t>(8, 0x11));
  EXPECT_TRUE(m.outputs().w_ready);

  // And through the scripted master, every W burst before its AW.
  MasterKnobs k;
  k.w_order = WOrder::kBeforeAw;
  Master master(m, k);
  for (uint32_t i = 0; i < 5; ++i)
    master.write(make_write(i, 0x1000 + 0x40 * i, pattern(20, i), 2, 8));
  ASSERT_TRUE(master.run());
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(m.read(0x1000 + 0x40 * i, 20), pattern(20, i));
  ASSERT_EQ(master.bbeats.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(master.bbeats[i].id, i);
  EXPECT_TRUE(m.violations().empty());
}

TEST(AxiMem, IdleOnlyWhenNothingIsOutstanding) {
  AxiMemConfig cfg;
  cfg.read_latency = 3;
  cfg.write_latency = 3;
  AxiMem m(cfg);
  EXPECT_TRUE(m.idle());
  step(m, ar(0, 0, 0, 3));
  EXPECT_FALSE(m.idle());
  EXPECT_EQ(m.outstanding_reads(), 1u);
  for (int i = 0; i < 3; ++i) step(m, none());
  EXPECT_TRUE(m.idle());
  step(m, aw(0, 0, 0, 3));
  EXPECT_FALSE(m.idle());
  EXPECT_EQ(m.outstanding_writes(), 1u);
  step(m, with_w(none(), 0xFF, true));
  EXPECT_FALSE(m.idle());  // waiting for B
  for (int i = 0; i < 3; ++i) step(m, none());
  EXPECT_TRUE(m.idle());
}

// ---------------------------------------------------------------------------
// Random traffic, backpressure, determinism

struct Traffic {
  std::vector<std::pair<Req, std::vector<uint8_t>>> reads;  // request, expected bytes
  std::vector<std::pair<WriteReq, std::pair<uint64_t, std::vector<uint8_t>>>> writes;
};

constexpr uint64_t kReadBase = 0x10000, kWriteBase = 0x80000, kRegion = 0x8000;

// Random legal bursts: reads of a preloaded region, writes to another one
// (which they may overlap among themselves).
Traffic random_traffic(std::mt19937_64& rng, uint32_t db, int n_reads, int n_writes,
                       const std::vector<uint8_t>& preload, uint32_t ids) {
  Traffic t;
  auto burst = [&](uint64_t base, uint32_t& size, uint64_t& addr, uint64_t& n) {
    size = uint32_t(rng() % (size_for(db) + 1));
    const uint64_t nb = uint64_t{1} << size;
    addr = base + rng() % kRegion;
    const uint64_t to_page = kAxiPageBytes - addr % kAxiPageBytes;
    const uint64_t to_max = 256 * nb - addr % nb;
    const uint64_t cap = std::min(to_page, to_max);
    n = 1 + (rng() % 4 == 0 ? cap - 1 : rng() % std::min<uint64_t>(cap, 200));
  };
  for (int i = 0; i < n_reads; ++i) {
    uint32_t size;
    uint64_t addr, n;
    burst(kReadBase, size, addr, n);
    const std::vector<uint8_t> exp(preload.begin() + (addr - kReadBase),
                                   preload.begin() + (addr - kReadBase + n));
    t.reads.push_back({{uint32_t(rng() % ids), addr, len_for(addr, n, size), size}, exp});
  }
  for (int i = 0; i < n_writes; ++i) {
    uint32_t size;
    uint64_t addr, n;
    burst(kWriteBase, size, addr, n);
    const std::vector<uint8_t> bytes = random_bytes(rng, n);
    t.writes.push_back({make_write(uint32_t(rng() % ids), addr, bytes, size, db), {addr, bytes}});
  }
  return t;
}

struct RunResult {
  std::string events, trace;
  uint64_t cycles = 0;
};

// Runs random traffic against a memory with `cfg`; checks every read and the
// final written region. The master's own randomness is fixed.
RunResult run_random(const AxiMemConfig& cfg, uint64_t traffic_seed, const MasterKnobs& knobs) {
  std::mt19937_64 rng(traffic_seed);
  AxiMem m(cfg);
  const std::vector<uint8_t> preload = random_bytes(rng, kRegion + kAxiPageBytes);
  m.write(kReadBase, preload);
  const Traffic t = random_traffic(rng, cfg.data_bytes, 40, 40, preload, 4);
  Master master(m, knobs);
  std::vector<uint8_t> shadow(kRegion + kAxiPageBytes, 0);
  // Interleave issue of reads and writes.
  for (size_t i = 0; i < std::max(t.reads.size(), t.writes.size()); ++i) {
    if (i < t.reads.size()) master.read(t.reads[i].first);
    if (i < t.writes.size()) {
      master.write(t.writes[i].first);
      const auto& [addr, bytes] = t.writes[i].second;
      std::copy(bytes.begin(), bytes.end(), shadow.begin() + (addr - kWriteBase));
    }
  }
  EXPECT_TRUE(master.run());
  EXPECT_TRUE(m.violations().empty());
  EXPECT_EQ(m.read(kWriteBase, shadow.size()), shadow) << "written region differs";
  // Match R bursts to ARs: in order per ID.
  std::map<uint32_t, std::deque<size_t>> per_id;
  for (size_t i = 0; i < t.reads.size(); ++i) per_id[t.reads[i].first.id].push_back(i);
  const auto bursts = split_bursts(master.rbeats);
  EXPECT_EQ(bursts.size(), t.reads.size());
  for (const auto& b : bursts) {
    auto& q = per_id[b.front().id];
    if (q.empty()) {
      ADD_FAILURE() << "R burst of id " << b.front().id << " nobody asked for";
      continue;
    }
    const auto& [req, exp] = t.reads[q.front()];
    q.pop_front();
    EXPECT_EQ(b.size(), req.len + 1u);
    for (const RBeat& beat : b) EXPECT_EQ(beat.resp, kAxiOkay);
    EXPECT_EQ(gather(b, req.addr, exp.size(), req.size, cfg.data_bytes), exp)
        << fmt::format("read 0x{:x} size {} len {}", req.addr, req.size, req.len);
  }
  // One B per write burst, in AW order.
  EXPECT_EQ(master.bbeats.size(), t.writes.size());
  for (size_t i = 0; i < std::min(master.bbeats.size(), t.writes.size()); ++i) {
    EXPECT_EQ(master.bbeats[i].id, t.writes[i].first.aw.id) << "B " << i;
    EXPECT_EQ(master.bbeats[i].resp, kAxiOkay);
  }
  // The event log agrees with what the master saw on the pins.
  std::vector<uint64_t> ar_ev, aw_ev, wlast_ev;
  std::vector<RBeat> r_ev;
  std::vector<BBeat> b_ev;
  for (const AxiEvent& e : m.events()) {
    switch (e.kind) {
      case AxiEvent::kAr:
        ar_ev.push_back(e.cycle);
        break;
      case AxiEvent::kAw:
        aw_ev.push_back(e.cycle);
        break;
      case AxiEvent::kW:
        if (e.last) wlast_ev.push_back(e.cycle);
        break;
      case AxiEvent::kR:
        r_ev.push_back({e.cycle, e.id, e.data, e.resp, e.last});
        break;
      case AxiEvent::kB:
        b_ev.push_back({e.cycle, e.id, e.resp});
        break;
    }
  }
  EXPECT_EQ(ar_ev, master.ar_cycles);
  EXPECT_EQ(aw_ev, master.aw_cycles);
  EXPECT_EQ(wlast_ev, master.w_last_cycles);
  EXPECT_EQ(r_ev.size(), master.rbeats.size());
  for (size_t i = 0; i < std::min(r_ev.size(), master.rbeats.size()); ++i) {
    const RBeat &a = r_ev[i], &b = master.rbeats[i];
    EXPECT_TRUE(a.cycle == b.cycle && a.id == b.id && a.data == b.data && a.resp == b.resp &&
                a.last == b.last)
        << "R event " << i;
  }
  EXPECT_EQ(b_ev.size(), master.bbeats.size());
  for (size_t i = 0; i < std::min(b_ev.size(), master.bbeats.size()); ++i) {
    const BBeat &a = b_ev[i], &b = master.bbeats[i];
    EXPECT_TRUE(a.cycle == b.cycle && a.id == b.id && a.resp == b.resp) << "B event " << i;
  }
  return {events_text(m.events()), master.trace(), m.cycle()};
}

AxiMemConfig stressed(uint32_t db, uint64_t seed) {
  AxiMemConfig cfg;
  cfg.data_bytes = db;
  cfg.read_latency = 17;
  cfg.write_latency = 5;
  cfg.max_reads = 4;
  cfg.max_writes = 3;
  cfg.ar_ready = 0.4;
  cfg.aw_ready = 0.5;
  cfg.w_ready = 0.6;
  cfg.r_valid = 0.7;
  cfg.b_valid = 0.3;
  cfg.reorder_reads = true;
  cfg.seed = seed;
  return cfg;
}

TEST(AxiMem, BackpressureKeepsDataExactAndIsDeterministic) {
  const uint64_t seed = test::test_seed(0xD7A3);
  MasterKnobs k;
  k.ar_valid = 0.6;
  k.aw_valid = 0.7;
  k.w_valid = 0.8;
  k.r_ready = 0.7;
  k.b_ready = 0.5;
  k.w_order = WOrder::kFree;
  const RunResult a = run_random(stressed(8, seed), seed + 1, k);
  const RunResult b = run_random(stressed(8, seed), seed + 1, k);
  EXPECT_EQ(a.events, b.events) << "same seed, different handshakes";
  EXPECT_EQ(a.trace, b.trace) << "same seed, different outputs";
  EXPECT_EQ(a.cycles, b.cycles);
  const RunResult c = run_random(stressed(8, seed + 1000), seed + 1, k);
  EXPECT_NE(a.trace, c.trace) << "another seed should change the outputs";
  EXPECT_NE(a.events, c.events);
  // Backpressure costs cycles: the same traffic without it is faster.
  AxiMemConfig fast = stressed(8, seed);
  fast.ar_ready = fast.aw_ready = fast.w_ready = fast.r_valid = fast.b_valid = 1.0;
  EXPECT_LT(run_random(fast, seed + 1, MasterKnobs{}).cycles, a.cycles);
}

class AxiMemWidth : public ::testing::TestWithParam<uint32_t> {};

TEST_P(AxiMemWidth, RandomTrafficIsExact) {
  const uint32_t db = GetParam();
  const uint64_t seed = test::test_seed(0xB05 + db);
  MasterKnobs k;
  k.r_ready = 0.8;
  k.w_order = WOrder::kFree;
  run_random(stressed(db, seed), seed, k);
  AxiMemConfig plain;
  plain.data_bytes = db;
  plain.read_latency = 3;
  run_random(plain, seed + 1, MasterKnobs{});
}

TEST_P(AxiMemWidth, LongestLegalBurstAtFullWidth) {
  const uint32_t db = GetParam();
  AxiMemConfig cfg;
  cfg.data_bytes = db;
  cfg.read_latency = 8;
  AxiMem m(cfg);
  Master master(m);
  const uint32_t beats = std::min<uint32_t>(256, 4096 / db);
  const std::vector<uint8_t> bytes = pattern(size_t(beats) * db, db);
  master.write(make_write(1, 0x7000, bytes, size_for(db), db));
  master.read({2, 0x7000, beats - 1, size_for(db)});  // issued with the write: sees old data
  ASSERT_TRUE(master.run());
  EXPECT_EQ(m.read(0x7000, bytes.size()), bytes);
  master.read({3, 0x7000, beats - 1, size_for(db)});
  ASSERT_TRUE(master.run());
  const auto bursts = split_bursts(master.rbeats);
  ASSERT_EQ(bursts.size(), 2u);
  EXPECT_EQ(gather(bursts[0], 0x7000, bytes.size(), size_for(db), db),
            std::vector<uint8_t>(bytes.size(), 0));
  EXPECT_EQ(gather(bursts[1], 0x7000, bytes.size(), size_for(db), db), bytes);
  // One beat per cycle from the AR handshake + latency.
  ASSERT_EQ(bursts[1].size(), beats);
  for (uint32_t i = 0; i < beats; ++i) {
    EXPECT_EQ(bursts[1][i].cycle, master.ar_cycles[1] + 8 + i);
  }
}

INSTANTIATE_TEST_SUITE_P(Bus, AxiMemWidth, ::testing::Values(4u, 8u, 16u, 32u, 64u),
                         [](const auto& info) { return std::to_string(info.param * 8) + "bit"; });

// ---------------------------------------------------------------------------
// Read reordering

// 24 bursts over 4 IDs, all outstanding together; returns the (id, address of
// the first beat) of the R bursts in the order they came back.
std::vector<std::pair<uint32_t, uint64_t>> reorder_run(bool reorder, uint64_t seed) {
  AxiMemConfig cfg;
  cfg.read_latency = 30;
  cfg.max_reads = 24;
  cfg.reorder_reads = reorder;
  cfg.seed = seed;
  AxiMem m(cfg);
  const std::vector<uint8_t> mem = pattern(24 * 64, 11);
  m.write(0x8000, mem);
  Master master(m);
  for (uint32_t i = 0; i < 24; ++i) master.read({i % 4, 0x8000 + 64 * i, 1 + i % 3, 3});
  EXPECT_TRUE(master.run());
  std::vector<std::pair<uint32_t, uint64_t>> order;
  for (const auto& b : split_bursts(master.rbeats)) {
    // Each burst is identified by its data: find the address it came from.
    uint64_t idx = 24;
    for (uint32_t i = 0; i < 24; ++i) {
      if (gather(b, 0x8000 + 64 * i, 8 * b.size(), 3, 8) ==
          std::vector<uint8_t>(mem.begin() + 64 * i, mem.begin() + 64 * i + 8 * b.size())) {
        idx = i;
      }
    }
    EXPECT_LT(idx, 24u) << "R burst data matches no request";
    EXPECT_EQ(b.front().id, idx % 4);
    EXPECT_EQ(b.size(), 2 + idx % 3);
    order.push_back({b.front().id, 0x8000 + 64 * idx});
  }
  EXPECT_EQ(order.size(), 24u);
  return order;
}

TEST(AxiMem, ReadsInOrderWithoutReordering) {
  const auto order = reorder_run(false, 1);
  for (uint32_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i].second, 0x8000 + 64 * i);
}

TEST(AxiMem, ReordersAcrossIdsNeverWithin) {
  const uint64_t seed = test::test_seed(5);
  const auto order = reorder_run(true, seed);
  bool out_of_order = false;
  std::map<uint32_t, uint64_t> last_addr;
  for (size_t i = 0; i < order.size(); ++i) {
    const auto [id, addr] = order[i];
    if (last_addr.count(id)) {
      EXPECT_GT(addr, last_addr[id]) << "reordered within id " << id;
    }
    last_addr[id] = addr;
    if (i > 0 && addr < order[i - 1].second) out_of_order = true;
  }
  EXPECT_TRUE(out_of_order) << "24 bursts over 4 IDs all came back in order";
  EXPECT_NE(order, reorder_run(true, seed + 1)) << "the order should depend on the seed";
  EXPECT_EQ(order, reorder_run(true, seed));
}

// ---------------------------------------------------------------------------
// Error injection

TEST(AxiMem, ReadErrorRangeGivesSlvErrOnEveryBeat) {
  AxiMemConfig cfg;
  cfg.read_latency = 2;
  cfg.errors.push_back({0x1010, 0x1100, uint8_t(kAxiSlvErr), true, false});
  AxiMem m(cfg);
  m.write(0x1000, pattern(512, 12));
  Master master(m);
  master.read({0, 0x1000, 1, 3});  // 0x1000..0x100F: just below the range
  master.read({1, 0x1000, 2, 3});  // reaches 0x1010
  master.read({2, 0x10FF, 0, 0});  // the last byte of the range
  master.read({3, 0x1100, 3, 3});  // just above
  ASSERT_TRUE(master.run());
  const auto bursts = split_bursts(master.rbeats);
  ASSERT_EQ(bursts.size(), 4u);
  const std::vector<uint32_t> want = {kAxiOkay, kAxiSlvErr, kAxiSlvErr, kAxiOkay};
  for (size_t i = 0; i < 4; ++i) {
    for (const RBeat& b : bursts[i]) EXPECT_EQ(b.resp, want[i]) << "burst " << i;
  }
  EXPECT_EQ(bursts[1].size(), 3u);                             // every beat is still delivered
  for (const RBeat& b : bursts[1]) EXPECT_EQ(b.data, Data{});  // error beats carry zeros
  const std::vector<uint8_t> mem = pattern(512, 12);
  EXPECT_EQ(gather(bursts[0], 0x1000, 16, 3, 8),
            std::vector<uint8_t>(mem.begin(), mem.begin() + 16));
  // The range covers reads only: a write there succeeds.
  master.write(make_write(7, 0x1020, {9, 9}, 3, 8));
  ASSERT_TRUE(master.run());
  EXPECT_EQ(master.bbeats.back().resp, kAxiOkay);
  EXPECT_EQ(m.read(0x1020, 2), (std::vector<uint8_t>{9, 9}));
}

TEST(AxiMem, WriteErrorRangeGivesDecErrAndLeavesMemory) {
  AxiMemConfig cfg;
  cfg.errors.push_back({0x2000, 0x3000, uint8_t(kAxiDecErr), false, true});
  AxiMem m(cfg);
  const std::vector<uint8_t> before = pattern(0x100, 13);
  m.write(0x1F80, before);
  Master master(m);
  master.write(make_write(1, 0x1FF0, pattern(16, 1), 3, 8));  // below: OK
  master.write(make_write(2, 0x2000, pattern(64, 2), 3, 8));  // inside: DECERR
  master.write(make_write(3, 0x2040, pattern(8, 3), 0, 8));   // inside, narrow: DECERR
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.bbeats.size(), 3u);
  EXPECT_EQ(master.bbeats[0].resp, kAxiOkay);
  EXPECT_EQ(master.bbeats[1].resp, kAxiDecErr);
  EXPECT_EQ(master.bbeats[2].resp, kAxiDecErr);
  EXPECT_EQ(m.read(0x1FF0, 16), pattern(16, 1));
  EXPECT_EQ(m.read(0x2000, 0x80),
            std::vector<uint8_t>(before.begin() + 0x80, before.begin() + 0x100));
  // Reads of the range are not affected.
  master.read({0, 0x2000, 0, 3});
  ASSERT_TRUE(master.run());
  EXPECT_EQ(master.rbeats.back().resp, kAxiOkay);
  EXPECT_TRUE(m.violations().empty());
}

TEST(AxiMem, FirstMatchingErrorRangeWins) {
  AxiMemConfig cfg;
  cfg.read_latency = 1;
  cfg.errors.push_back({0x100, 0x200, uint8_t(kAxiDecErr), true, true});
  cfg.errors.push_back({0x000, 0x1000, uint8_t(kAxiSlvErr), true, true});
  AxiMem m(cfg);
  Master master(m);
  master.read({0, 0x180, 0, 3});
  master.read({0, 0x300, 0, 3});
  ASSERT_TRUE(master.run());
  ASSERT_EQ(master.rbeats.size(), 2u);
  EXPECT_EQ(master.rbeats[0].resp, kAxiDecErr);
  EXPECT_EQ(master.rbeats[1].resp, kAxiSlvErr);
}

// ---------------------------------------------------------------------------
// Protocol violations: one test each

AxiMemConfig lax(uint32_t db = 8) {
  AxiMemConfig cfg;
  cfg.data_bytes = db;
  cfg.read_latency = 2;
  cfg.write_latency = 2;
  cfg.throw_on_violation = false;
  return cfg;
}

void expect_violation(const AxiMem& m, uint64_t cycle, std::initializer_list<const char*> parts) {
  ASSERT_EQ(m.violations().size(), 1u) << fmt::format("{}", fmt::join(m.violations(), "\n"));
  const std::string& v = m.violations()[0];
  EXPECT_EQ(v.rfind(fmt::format("cycle {}: ", cycle), 0), 0u) << v;
  for (const char* p : parts) EXPECT_NE(v.find(p), std::string::npos) << v << "\nlacks: " << p;
  EXPECT_EQ(v.find('\n'), std::string::npos) << "one line";
}

void run_for(AxiMem& m, int cycles) {
  for (int i = 0; i < cycles; ++i) step(m, none());
}

TEST(AxiMemProtocol, ArPayloadChangedWhileWaiting) {
  AxiMemConfig cfg = lax();
  cfg.ar_ready = 0.0;
  AxiMem m(cfg);
  for (int i = 0; i < 3; ++i) step(m, ar(1, 0x100, 3, 3));  // held: fine
  EXPECT_TRUE(m.violations().empty());
  step(m, ar(1, 0x108, 3, 3));
  expect_violation(m, 3, {"AR: payload changed while ARVALID && !ARREADY", "0x100", "0x108"});
}

TEST(AxiMemProtocol, ArValidDroppedBeforeReady) {
  AxiMemConfig cfg = lax();
  cfg.ar_ready = 0.0;
  AxiMem m(cfg);
  step(m, ar(1, 0x100, 3, 3));
  step(m, ar(1, 0x100, 3, 3));
  step(m, none());
  expect_violation(m, 2, {"ARVALID dropped before ARREADY"});
}

TEST(AxiMemProtocol, AwPayloadChangedWhileWaiting) {
  AxiMemConfig cfg = lax();
  cfg.aw_ready = 0.0;
  AxiMem m(cfg);
  step(m, aw(1, 0x100, 3, 3));
  step(m, aw(1, 0x100, 4, 3));
  expect_violation(m, 1, {"AW: payload changed while AWVALID && !AWREADY"});
}

TEST(AxiMemProtocol, AwValidDroppedBeforeReady) {
  AxiMemConfig cfg = lax();
  cfg.aw_ready = 0.0;
  AxiMem m(cfg);
  step(m, aw(1, 0x100, 3, 3));
  step(m, none());
  expect_violation(m, 1, {"AWVALID dropped before AWREADY"});
}

TEST(AxiMemProtocol, WDataChangedWhileWaiting) {
  AxiMemConfig cfg = lax();
  cfg.w_ready = 0.0;
  AxiMem m(cfg);
  AxiMasterOut in = with_w(none(), 0xFF, true, 0x11);
  step(m, in);
  step(m, in);
  in.w_data[3] = 0x12;
  step(m, in);
  expect_violation(m, 2, {"WDATA changed while WVALID && !WREADY", "lane 3"});
}

TEST(AxiMemProtocol, WStrobeChangedWhileWaiting) {
  AxiMemConfig cfg = lax();
  cfg.w_ready = 0.0;
  AxiMem m(cfg);
  step(m, with_w(none(), 0xFF, true));
  step(m, with_w(none(), 0x0F, true));
  expect_violation(m, 1, {"WSTRB/WLAST changed"});
}

TEST(AxiMemProtocol, WValidDroppedBeforeReady) {
  AxiMemConfig cfg = lax();
  cfg.w_ready = 0.0;
  AxiMem m(cfg);
  step(m, with_w(none(), 0xFF, true));
  step(m, none());
  expect_violation(m, 1, {"WVALID dropped before WREADY"});
}

TEST(AxiMemProtocol, ArCrossing4KiB) {
  AxiMem m(lax());
  step(m, none());
  step(m, ar(0, 0xFFC, 1, 3));  // beats 0xFFC (lanes 4..7) and 0x1000
  expect_violation(m, 1, {"AR:", "crosses a 4 KiB boundary", "0xffc", "last byte 0x1007"});
  run_for(m, 5);
  ASSERT_EQ(m.events().back().kind, AxiEvent::kR);
  EXPECT_EQ(m.events().back().resp, kAxiSlvErr);  // a violating burst is answered with SLVERR
}

TEST(AxiMemProtocol, AwCrossing4KiB) {
  AxiMem m(lax());
  m.write(0x1FF8, std::vector<uint8_t>(16, 0x33));
  step(m, with_w(aw(0, 0x1FF8, 1, 3), 0xFF, false));
  step(m, with_w(none(), 0xFF, true));
  expect_violation(m, 0, {"AW:", "crosses a 4 KiB boundary"});
  run_for(m, 4);
  EXPECT_EQ(m.events().back().kind, AxiEvent::kB);
  EXPECT_EQ(m.events().back().resp, kAxiSlvErr);
  EXPECT_EQ(m.read(0x1FF8, 16), std::vector<uint8_t>(16, 0x33));  // not written
}

TEST(AxiMemProtocol, WlastEarly) {
  AxiMem m(lax());
  step(m, with_w(aw(0, 0x100, 2, 3), 0xFF, false));
  step(m, with_w(none(), 0xFF, true));
  expect_violation(m, 1, {"WLAST on beat 1 but AWLEN 2"});
  step(m, with_w(none(), 0xFF, true));
  run_for(m, 4);
  EXPECT_EQ(m.events().back().resp, kAxiSlvErr);
  EXPECT_EQ(m.read(0x100, 24), std::vector<uint8_t>(24, 0));
}

TEST(AxiMemProtocol, WlastMissingOnLastBeat) {
  AxiMem m(lax());
  step(m, with_w(aw(0, 0x100, 1, 3), 0xFF, false));
  step(m, with_w(none(), 0xFF, false));
  expect_violation(m, 1, {"WLAST missing on the last beat (beat 1)"});
}

TEST(AxiMemProtocol, ArLenAbove255) {
  AxiMem m(lax(16));
  step(m, ar(0, 0x0, 256, 0));
  expect_violation(m, 0, {"ARLEN 256", "exceeds 255"});
}

TEST(AxiMemProtocol, AwLenAbove255) {
  AxiMem m(lax(16));
  step(m, aw(0, 0x0, 300, 0));
  expect_violation(m, 0, {"AWLEN 300", "exceeds 255"});
}

TEST(AxiMemProtocol, ArSizeWiderThanBus) {
  AxiMem m(lax(8));
  step(m, ar(0, 0x0, 0, 4));
  expect_violation(m, 0, {"ARSIZE 4", "wider than the 8-byte bus"});
}

TEST(AxiMemProtocol, AwSizeWiderThanBus) {
  AxiMem m(lax(32));
  step(m, aw(0, 0x0, 0, 6));
  expect_violation(m, 0, {"AWSIZE 6", "wider than the 32-byte bus"});
}

TEST(AxiMemProtocol, FixedBurst) {
  AxiMem m(lax());
  AxiMasterOut in = ar(0, 0x40, 3, 3);
  in.ar_burst = kAxiBurstFixed;
  step(m, in);
  expect_violation(m, 0, {"ARBURST 0 (FIXED)", "only INCR"});
}

TEST(AxiMemProtocol, WrapBurst) {
  AxiMem m(lax());
  AxiMasterOut in = aw(0, 0x40, 3, 3);
  in.aw_burst = kAxiBurstWrap;
  step(m, in);
  expect_violation(m, 0, {"AWBURST 2 (WRAP)", "only INCR"});
}

TEST(AxiMemProtocol, StrobeBelowUnalignedStart) {
  AxiMem m(lax());
  step(m, with_w(aw(0, 0x103, 0, 3), 0xFC, true));  // lanes 2..7; only 3..7 belong to the beat
  expect_violation(m, 0, {"WSTRB 0xfc of beat 0", "lanes 3..7"});
  run_for(m, 4);
  EXPECT_EQ(m.events().back().resp, kAxiSlvErr);
  EXPECT_EQ(m.read(0x100, 8), std::vector<uint8_t>(8, 0));
}

TEST(AxiMemProtocol, StrobeOutsideNarrowBeat) {
  AxiMem m(lax());
  step(m, aw(0, 0x102, 1, 1));           // 2-byte beats: lanes 2..3, then 4..5
  step(m, with_w(none(), 0x0C, false));  // fine
  step(m, with_w(none(), 0x0C, true));   // beat 1 uses lanes 4..5
  expect_violation(m, 2, {"WSTRB 0xc of beat 1", "lanes 4..5"});
}

TEST(AxiMemProtocol, StrobeAboveTheBus) {
  AxiMem m(lax(4));
  step(m, with_w(aw(0, 0x100, 0, 2), 0x1F, true));
  expect_violation(m, 0, {"WSTRB 0x1f", "lanes 0..3", "4-byte bus"});
}

TEST(AxiMemProtocol, WBeatCountDiffersFromLaterAw) {
  AxiMem m(lax());
  step(m, with_w(none(), 0xFF, false));
  step(m, with_w(none(), 0xFF, false));
  step(m, with_w(none(), 0xFF, true));
  EXPECT_TRUE(m.violations().empty());  // not knowable yet
  step(m, aw(0, 0x100, 1, 3));
  expect_violation(m, 3, {"3 W beats arrived before their AW with WLAST on beat 2, but AWLEN 1"});
}

TEST(AxiMemProtocol, WWithoutAwSeenAtTheEnd) {
  AxiMem m(lax());
  step(m, with_w(none(), 0xFF, false));
  step(m, with_w(none(), 0xFF, true));
  run_for(m, 10);
  EXPECT_TRUE(m.violations().empty());
  EXPECT_FALSE(m.idle());
  m.check_end();
  expect_violation(m, 12, {"2 W beats (first accepted at cycle 0) never got an AW"});
}

TEST(AxiMemProtocol, FirstViolationIsThrownByDefault) {
  AxiMem m(AxiMemConfig{});
  step(m, none());
  AxiMasterOut in = ar(0, 0x40, 0, 3);
  in.ar_burst = kAxiBurstWrap;
  try {
    step(m, in);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cycle 1: AR: ARBURST 2 (WRAP)", 0), 0u) << e.what();
  }
  EXPECT_EQ(m.cycle(), 2u);  // the edge completed
  EXPECT_EQ(m.violations().size(), 1u);
  // Later violations are collected, not thrown again.
  EXPECT_NO_THROW(step(m, in));
  EXPECT_EQ(m.violations().size(), 2u);
}

// record_events = false: the same memory in every other respect (outputs
// every cycle, contents, violations), nothing logged; the log can be turned
// on again on a copy.
TEST(AxiMem, WithoutTheEventLogEverythingElseIsTheSame) {
  const uint64_t seed = test::test_seed(0xE7E7);
  MasterKnobs k;
  k.ar_valid = 0.6;
  k.w_valid = 0.8;
  k.r_ready = 0.7;
  k.b_ready = 0.5;
  k.w_order = WOrder::kFree;
  struct Out {
    std::string trace;
    uint64_t cycles = 0;
    std::vector<uint8_t> region;
    size_t events = 0;
  };
  auto run = [&](bool record) {
    AxiMemConfig cfg = stressed(8, seed);
    cfg.record_events = record;
    std::mt19937_64 rng(seed + 1);
    AxiMem m(cfg);
    const std::vector<uint8_t> preload = random_bytes(rng, kRegion + kAxiPageBytes);
    m.write(kReadBase, preload);
    const Traffic t = random_traffic(rng, 8, 20, 20, preload, 4);
    Master master(m, k);
    for (size_t i = 0; i < t.reads.size(); ++i) {
      master.read(t.reads[i].first);
      master.write(t.writes[i].first);
    }
    EXPECT_TRUE(master.run());
    EXPECT_TRUE(m.violations().empty());
    return Out{master.trace(), m.cycle(), m.read(kWriteBase, kRegion), m.events().size()};
  };
  const Out on = run(true), off = run(false);
  EXPECT_EQ(on.trace, off.trace);
  EXPECT_EQ(on.cycles, off.cycles);
  EXPECT_EQ(on.region, off.region);
  EXPECT_GT(on.events, 0u);
  EXPECT_EQ(off.events, 0u);

  // Violation messages name a W beat's cycle without the log; W beats that
  // came before the switch keep their events up to date when their AW arrives.
  for (bool record : {true, false}) {
    AxiMemConfig cfg = lax();
    cfg.record_events = record;
    AxiMem m(cfg);
    step(m, with_w(none(), 0xFF, false));
    m.set_record_events(true);
    step(m, with_w(none(), 0xFF, true));
    run_for(m, 10);
    m.check_end();
    expect_violation(m, 12, {"2 W beats (first accepted at cycle 0) never got an AW"});
    AxiMem n(lax());
    n.set_record_events(record);
    step(n, with_w(aw(0, 0x103, 0, 3), 0xFC, true));
    expect_violation(n, 0, {"WSTRB 0xfc of beat 0 (accepted at cycle 0)", "lanes 3..7"});
    EXPECT_EQ(n.events().size(), record ? 2u : 0u);
  }
  AxiMem m(lax());
  m.set_record_events(false);
  step(m, with_w(none(), 0xFF, true));
  m.set_record_events(true);
  step(m, aw(7, 0x200, 0, 3));
  ASSERT_EQ(m.events().size(), 1u);  // the AW only; the W beat was not logged
  EXPECT_EQ(m.events()[0].kind, AxiEvent::kAw);
}

}  // namespace
}  // namespace loom
