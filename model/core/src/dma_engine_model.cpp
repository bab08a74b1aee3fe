// DmaEngineModel: the DMA engine of docs/dma.md, cycle by cycle. The state
// is the RTL's (rtl/dma_engine.sv, dma_walk.sv, dma_pack.sv) register for
// register: the control state, the two queues, three address walkers, the
// byte realignment buffer and the outstanding-burst counters. step()
// evaluates the same combinational functions of that state (every output,
// including payloads while their valid is low) and then applies the edge.
// Registers the RTL does not reset (walker addresses, the descriptor
// register, the SBUF read chunk) start at 0, as Verilator's
// --x-initial unique does by default.
#include "loom/dma_engine_model.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "loom/configs.h"

namespace loom {

namespace {

uint32_t log2_exact(uint32_t v) {
  uint32_t l = 0;
  while ((1u << l) < v) ++l;
  return l;
}
uint32_t clog2(uint32_t v) { return log2_exact(v); }  // $clog2: ceil(log2(v))
bool pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
uint64_t bits(uint32_t w) { return w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1; }

constexpr uint32_t kRowsMask = 0xff;      // PartW = 8
constexpr uint32_t kPlanesMask = 0xffff;  // 16-bit planes
constexpr uint32_t kSbufAddrMask = (1u << 18) - 1;  // SbufAddrW = 18

// dma_walk: one stream's address walker (chunk width `chunk`).
struct Walker {
  uint32_t chunk = 8;
  uint64_t addr_mask = ~uint64_t(0);  // AddrW
  bool valid = false;
  uint64_t cur = 0, row_start = 0, plane_start = 0;
  uint32_t rem = 0;  // RemW = 18 bits
  uint32_t r = 0;    // 8 bits
  uint32_t j = 0;    // 16 bits

  uint32_t lo() const { return uint32_t(cur & (chunk - 1)); }
  uint32_t n() const {
    const uint32_t space = chunk - lo();
    return rem < space ? rem : space;
  }
  bool row_last() const { return rem == n(); }
  bool row_end_plane(uint32_t rows) const { return r == ((rows - 1) & kRowsMask); }
  bool last(uint32_t rows, uint32_t planes) const {
    return row_last() && row_end_plane(rows) && j == ((planes - 1) & kPlanesMask);
  }

  // The edge: start / stop / next with the descriptor's geometry.
  void edge(bool start, bool stop, bool next, uint64_t base, uint64_t row_stride, uint64_t plane_stride,
            uint32_t row_bytes, uint32_t rows, uint32_t planes) {
    if (start) {
      valid = true;
      cur = row_start = plane_start = base & addr_mask;
      rem = row_bytes & kSbufAddrMask;
      r = 0;
      j = 0;
    } else if (stop) {
      valid = false;
    } else if (next && valid) {
      const uint32_t k = n();
      if (!row_last()) {
        cur = (cur + k) & addr_mask;
        rem = (rem - k) & kSbufAddrMask;
      } else if (last(rows, planes)) {
        valid = false;
      } else if (row_end_plane(rows)) {
        j = (j + 1) & kPlanesMask;
        r = 0;
        plane_start = (plane_start + plane_stride) & addr_mask;
        row_start = cur = plane_start;
        rem = row_bytes & kSbufAddrMask;
      } else {
        r = (r + 1) & kRowsMask;
        row_start = (row_start + row_stride) & addr_mask;
        cur = row_start;
        rem = row_bytes & kSbufAddrMask;
      }
    }
  }
};

enum class St { kIdle, kCheck, kRun, kDone };

}  // namespace

struct DmaEngineModel::State {
  // Derived parameters (docs/dma.md).
  uint32_t db = 8, wb = 8, m = 8, bb = 2048, buf_bytes = 32;
  uint32_t db_w = 3, bb_w = 11, bb_nw = 12;

  St state = St::kIdle;
  int qsel = 0;  // queue of the running descriptor
  int rr = 0;    // queue preferred at the next dispatch
  DmaDesc desc;  // desc_q (not reset: all zero)
  DmaCode err = DmaCode::kOk;
  uint32_t rd_out = 0, wr_out = 0, aw_ahead = 0;
  bool ar_hold = false, aw_hold = false;
  bool rd_pend = false;
  uint32_t rd_lo = 0, rd_n = 0;        // chunk of the SBUF read in flight (not reset)
  std::array<uint8_t, 64> rd_data{};  // the word read last cycle (sbuf_rd_data_i)
  Walker bw, ew, ww;                   // burst, beat, word walkers
  std::array<uint8_t, 256> buf{};      // dma_pack: byte 0 is the oldest
  uint32_t cnt = 0;
};

DmaEngineModel::DmaEngineModel(const DmaParams& p, uint32_t queue_depth)
    : p_(p), queue_depth_(queue_depth), st_(std::make_unique<State>()) {
  if (!pow2(p.bus_bytes) || p.bus_bytes < 4 || p.bus_bytes > 64)
    throw std::invalid_argument("DmaEngineModel: bus_bytes must be 4..64, a power of two");
  if (!pow2(p.sbuf_word_bytes) || p.sbuf_word_bytes < 4 || p.sbuf_word_bytes > 64)
    throw std::invalid_argument("DmaEngineModel: sbuf_word_bytes must be 4..64, a power of two");
  if (p.partitions < 1 || p.partitions > 256 || p.sbuf_bytes == 0 || p.sbuf_bytes % p.sbuf_word_bytes != 0 ||
      p.sbuf_bytes > (1u << 18))
    throw std::invalid_argument("DmaEngineModel: partitions / sbuf_bytes out of range");
  if (p.max_reads < 1 || p.max_reads > 255 || p.max_writes < 1 || p.max_writes > 255)
    throw std::invalid_argument("DmaEngineModel: max_reads / max_writes must be 1..255");
  if (queue_depth < 1) throw std::invalid_argument("DmaEngineModel: queue_depth must be >= 1");
  State& s = *st_;
  s.db = p.bus_bytes;
  s.wb = p.sbuf_word_bytes;
  s.m = std::max(s.db, s.wb);
  s.bb = p.burst_window();
  s.buf_bytes = p.buf_bytes();
  s.db_w = log2_exact(s.db);
  s.bb_w = log2_exact(s.bb);
  s.bb_nw = clog2(s.bb + 1);
  s.bw.chunk = s.bb;
  s.ew.chunk = s.db;
  s.ww.chunk = s.wb;
  s.ww.addr_mask = kSbufAddrMask;
  out_.axi.b_ready = true;
  out_.axi.ar_size = out_.axi.aw_size = s.db_w;
  out_.axi.ar_burst = out_.axi.aw_burst = kAxiBurstIncr;
}

DmaEngineModel::DmaEngineModel(const DmaEngineModel& o)
    : p_(o.p_),
      queue_depth_(o.queue_depth_),
      cycle_(o.cycle_),
      out_(o.out_),
      queues_(o.queues_),
      halted_(o.halted_),
      st_(std::make_unique<State>(*o.st_)) {}

DmaEngineModel& DmaEngineModel::operator=(const DmaEngineModel& o) {
  if (this != &o) {
    DmaEngineModel c(o);
    *this = std::move(c);
  }
  return *this;
}

DmaEngineModel::DmaEngineModel(DmaEngineModel&&) noexcept = default;
DmaEngineModel& DmaEngineModel::operator=(DmaEngineModel&&) noexcept = default;
DmaEngineModel::~DmaEngineModel() = default;

bool DmaEngineModel::busy() const {
  return st_->state != St::kIdle || (!queues_[0].empty() && !halted_[0]) ||
         (!queues_[1].empty() && !halted_[1]);
}

bool DmaEngineModel::halted(int q) const { return halted_.at(size_t(q)); }

const DmaCycleOut& DmaEngineModel::step(const DmaCycleIn& in, DmaSbufPort& sbuf) {
  State& s = *st_;
  const DmaDesc& d = s.desc;
  const bool ok = s.err == DmaCode::kOk;
  const bool run = s.state == St::kRun;
  const bool is_load = run && d.dir == 0;
  const bool is_store = run && d.dir != 0;
  const AxiSlaveOut& so = in.axi;
  DmaCycleOut& o = out_;

  // --- Walker fields.
  const uint32_t bw_n = s.bw.n(), ew_n = s.ew.n(), ww_n = s.ww.n();
  const uint32_t ew_lo = s.ew.lo(), ww_lo = s.ww.lo();
  const bool ww_last = s.ww.last(d.rows, d.planes);
  const bool ew_row_last = s.ew.row_last();

  // Burst fields (AR and AW alike).
  const uint64_t bus_addr = s.bw.cur & ~uint64_t(s.db - 1);
  const uint64_t bus_span = (uint64_t(s.bw.cur & (s.db - 1)) + bw_n - 1) & bits(s.bb_nw + 1);
  const uint32_t bus_len = uint32_t(bus_span >> s.db_w) & 0xff;
  const uint64_t beat_end = (s.ew.cur & (s.bb - 1)) + ew_n;
  const bool beat_burst_end = ew_row_last || (beat_end & (s.bb - 1)) == 0;

  // --- Queues and status.
  std::array<bool, 2> q_empty{}, q_full{};
  for (int q = 0; q < 2; ++q) {
    q_empty[q] = queues_[q].empty();
    q_full[q] = queues_[q].size() >= queue_depth_;
    o.desc_ready[q] = !q_full[q] && !halted_[q];
    o.cpl_valid[q] = s.state == St::kDone && s.qsel == q;
    o.cpl_code[q] = o.cpl_valid[q] ? s.err : DmaCode::kOk;
    o.halted[q] = halted_[q];
  }
  o.busy = s.state != St::kIdle || (!q_empty[0] && !halted_[0]) || (!q_empty[1] && !halted_[1]);

  // --- Load: AR, R, SBUF write.
  o.axi.ar_valid = is_load && s.bw.valid && (s.ar_hold || (s.rd_out < p_.max_reads && ok));
  o.axi.ar_id = 0;
  o.axi.ar_addr = bus_addr;
  o.axi.ar_len = bus_len;
  o.axi.ar_size = s.db_w;
  o.axi.ar_burst = kAxiBurstIncr;
  const bool ar_fire = o.axi.ar_valid && so.ar_ready;

  const bool sw_pop = is_load && ok && s.ww.valid && s.cnt >= ww_n;
  const bool r_room = s.cnt - (sw_pop ? ww_n : 0) + s.db <= s.buf_bytes;
  o.axi.r_ready = is_load && (!ok || r_room);
  const bool r_fire = so.r_valid && o.axi.r_ready;
  const bool r_last_fire = r_fire && so.r_last;
  const bool r_err = r_fire && (so.r_resp & 2);

  // --- Store: SBUF read, AW, W, B.
  const uint32_t rd_pend_bytes = s.rd_pend ? s.rd_n : 0;
  o.sbuf_rd_req = is_store && s.ww.valid && s.cnt + rd_pend_bytes + s.wb <= s.buf_bytes;
  o.sbuf_rd_part = (d.sbuf_part + s.ww.r) & 0xff;
  o.sbuf_rd_addr = uint32_t(s.ww.cur) & ~(s.wb - 1);

  o.axi.aw_valid = is_store && s.bw.valid && (s.aw_hold || (s.wr_out < p_.max_writes && ok));
  o.axi.aw_id = 0;
  o.axi.aw_addr = bus_addr;
  o.axi.aw_len = bus_len;
  o.axi.aw_size = s.db_w;
  o.axi.aw_burst = kAxiBurstIncr;
  const bool aw_fire = o.axi.aw_valid && so.aw_ready;

  o.axi.w_valid = is_store && s.ew.valid && s.aw_ahead != 0 && s.cnt >= ew_n;
  o.axi.w_last = beat_burst_end;
  const bool w_fire = o.axi.w_valid && so.w_ready;
  const bool w_last_fire = w_fire && o.axi.w_last;

  o.axi.b_ready = true;
  const bool b_fire = so.b_valid && is_store;
  const bool b_err = b_fire && (so.b_resp & 2);

  // --- Realignment buffer output (both the SBUF write and W show it).
  const uint32_t out_lo = is_load ? ww_lo : ew_lo;
  const uint32_t out_n = is_load ? ww_n : ew_n;
  std::array<uint8_t, 64> lanes{};
  uint64_t strb = 0;
  for (uint32_t i = 0; i < out_n && out_lo + i < s.m; ++i) {
    lanes[out_lo + i] = s.buf[i];
    strb |= uint64_t(1) << (out_lo + i);
  }
  o.sbuf_wr_valid = sw_pop;
  o.sbuf_wr_part = (d.sbuf_part + s.ww.r) & 0xff;
  o.sbuf_wr_addr = uint32_t(s.ww.cur) & ~(s.wb - 1);
  o.sbuf_wr_data.fill(0);
  std::copy_n(lanes.begin(), s.wb, o.sbuf_wr_data.begin());
  o.sbuf_wr_strb = strb & bits(s.wb);
  o.axi.w_data.fill(0);
  std::copy_n(lanes.begin(), s.db, o.axi.w_data.begin());
  o.axi.w_strb = strb & bits(s.db);

  // --- SBUF accesses of this cycle (read first: it sees the old contents).
  std::array<uint8_t, 64> rd_word{};
  if (o.sbuf_rd_req) sbuf.read_word(o.sbuf_rd_part, o.sbuf_rd_addr, rd_word.data());
  if (o.sbuf_wr_valid) sbuf.write_word(o.sbuf_wr_part, o.sbuf_wr_addr, o.sbuf_wr_data.data(), o.sbuf_wr_strb);

  // --- Counters, errors, completion.
  uint32_t rd_out_d = s.rd_out, wr_out_d = s.wr_out, aw_ahead_d = s.aw_ahead;
  if (ar_fire && !r_last_fire) ++rd_out_d;
  else if (!ar_fire && r_last_fire) --rd_out_d;
  if (aw_fire && !b_fire) ++wr_out_d;
  else if (!aw_fire && b_fire) --wr_out_d;
  if (aw_fire && !w_last_fire) ++aw_ahead_d;
  else if (!aw_fire && w_last_fire) --aw_ahead_d;

  const bool axi_err = r_err || b_err;
  const uint32_t axi_resp = r_err ? so.r_resp : so.b_resp;
  const bool err_any = !ok || axi_err;
  bool done = false;
  if (run) {
    if (is_load)
      done = (sw_pop && ww_last) || (err_any && rd_out_d == 0 && !o.axi.ar_valid);
    else
      done = (b_fire && s.wr_out == 1 && !s.bw.valid) ||
             (err_any && wr_out_d == 0 && aw_ahead_d == 0 && !o.axi.aw_valid);
  }

  // --- Control state: next values.
  St state_d = s.state;
  int qsel_d = s.qsel, rr_d = s.rr;
  DmaCode err_d = s.err;
  std::array<bool, 2> halted_d = halted_;
  int pop_q = -1;
  bool start = false;
  switch (s.state) {
    case St::kIdle:
      if (!((q_empty[0] || halted_[0]) && (q_empty[1] || halted_[1]))) {
        qsel_d = (!q_empty[s.rr] && !halted_[s.rr]) ? s.rr : 1 - s.rr;
        pop_q = qsel_d;
        rr_d = 1 - qsel_d;
        err_d = DmaCode::kOk;
        state_d = St::kCheck;
      }
      break;
    case St::kCheck: {
      const DmaCode c = dma_check(d, p_, in.dram_base, in.dram_limit);
      err_d = c;
      start = c == DmaCode::kOk;
      state_d = start ? St::kRun : St::kDone;
      break;
    }
    case St::kRun:
      if (ok && axi_err) err_d = (axi_resp & 1) ? DmaCode::kDecErr : DmaCode::kSlvErr;
      if (done) state_d = St::kDone;
      break;
    case St::kDone:
      if (!ok) halted_d[s.qsel] = true;
      state_d = St::kIdle;
      break;
  }

  // --- Realignment buffer: pop, then push (flush outside RUN).
  const bool pk_push = is_load ? (r_fire && ok && !(so.r_resp & 2)) : (is_store && s.rd_pend);
  const bool pk_pop = sw_pop || w_fire;
  if (!run) {
    s.buf.fill(0);
    s.cnt = 0;
  } else {
    const uint32_t k = pk_pop ? out_n : 0;
    if (k > s.cnt) throw std::logic_error("DmaEngineModel: realignment buffer underflow");
    std::memmove(s.buf.data(), s.buf.data() + k, s.buf_bytes - k);
    std::fill(s.buf.begin() + (s.buf_bytes - k), s.buf.begin() + s.buf_bytes, uint8_t(0));
    s.cnt -= k;
    if (pk_push) {
      const uint8_t* src = is_load ? so.r_data.data() : s.rd_data.data();
      const uint32_t src_bytes = is_load ? s.db : s.wb;
      const uint32_t in_lo = is_load ? ew_lo : s.rd_lo;
      const uint32_t in_n = is_load ? ew_n : s.rd_n;
      if (s.cnt + in_n > s.buf_bytes) throw std::logic_error("DmaEngineModel: realignment buffer overflow");
      for (uint32_t i = 0; i < in_n; ++i) {
        const uint32_t lane = in_lo + i;
        s.buf[s.cnt + i] |= (lane < src_bytes && lane < s.m) ? src[lane] : 0;
      }
      s.cnt += in_n;
    }
  }

  // --- Walkers.
  const bool walk_stop = s.state == St::kDone;
  const bool bw_next = ar_fire || aw_fire;
  const bool ew_next = (is_load && r_fire) || w_fire;
  const bool ww_next = sw_pop || o.sbuf_rd_req;
  s.bw.edge(start, walk_stop, bw_next, d.dram_addr, d.row_stride, d.plane_stride, d.row_bytes, d.rows, d.planes);
  s.ew.edge(start, walk_stop, ew_next, d.dram_addr, d.row_stride, d.plane_stride, d.row_bytes, d.rows, d.planes);
  s.ww.edge(start, walk_stop, ww_next, d.sbuf_addr, 0, d.row_bytes, d.row_bytes, d.rows, d.planes);

  // --- Registers.
  s.rd_out = rd_out_d;
  s.wr_out = wr_out_d;
  s.aw_ahead = aw_ahead_d;
  s.ar_hold = o.axi.ar_valid && !so.ar_ready;
  s.aw_hold = o.axi.aw_valid && !so.aw_ready;
  s.rd_pend = o.sbuf_rd_req;
  if (o.sbuf_rd_req) {
    s.rd_lo = ww_lo;
    s.rd_n = ww_n;
    s.rd_data = rd_word;
  }
  s.state = state_d;
  s.qsel = qsel_d;
  s.rr = rr_d;
  s.err = err_d;
  // Queues: the pushes of desc_valid && desc_ready (the registered ready),
  // the dispatch pop; the descriptor register takes the popped head.
  if (pop_q >= 0) {
    s.desc = queues_[pop_q].front();
    queues_[pop_q].pop_front();
  }
  for (int q = 0; q < 2; ++q)
    if (in.desc_valid[q] && o.desc_ready[q]) queues_[q].push_back(DmaDesc::unpack(in.desc[q].pack()));
  halted_ = halted_d;
  ++cycle_;
  return o;
}

DmaParams dma_params(const Config& cfg) {
  DmaParams p;
  p.partitions = cfg.partitions;
  p.sbuf_bytes = cfg.sbuf_bytes;
  p.sbuf_word_bytes = cfg.sbuf_word_bytes;
  p.bus_bytes = cfg.axi_data_bytes;
  p.max_reads = 8;
  p.max_writes = 8;
  return p;
}

}  // namespace loom
