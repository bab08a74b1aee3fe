// ActEngineModel: the ACT engine of docs/act.md, cycle by cycle. The state
// is rtl/act_engine.sv's (with act_lane.sv and the two cmn_fifo instances)
// register for register; step() evaluates the same combinational functions
// of that state and the inputs (every output, payloads included while their
// valid is low), makes the cycle's PSUM / SBUF reads and SBUF writes through
// the ActMemPort, then applies the edge. The read data of a partition is
// held until its next read, like the RAM output the RTL sees. Registers the
// RTL does not reset (the FIFOs' storage, the current command, the D-stage
// and sideband registers, the lanes' data, the collectors) start at 0.
#include "loom/act_engine_model.h"

#include <stdexcept>
#include <string>

namespace loom {

namespace {

constexpr uint32_t kAw = 18;  // loom_pkg::SbufAddrW
constexpr uint32_t kAMask = (1u << kAw) - 1;
constexpr uint32_t kStepMask = (1u << 10) - 1;  // StepW = 10
constexpr uint32_t kStashDepth = 4;

uint32_t clog2(uint32_t v) {
  uint32_t l = 0;
  while ((uint64_t(1) << l) < v) ++l;
  return l;
}
bool pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
uint64_t mask64(uint32_t w) { return w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1; }

// Bits lo .. lo+w-1 (w <= 32) of an instruction word.
uint32_t field(const InstrWords& iw, uint32_t lo, uint32_t w) {
  const uint32_t i = lo / 64, s = lo % 64;
  uint64_t v = iw[i] >> s;
  if (s + w > 64 && i + 1 < 4) v |= iw[i + 1] << (64 - s);
  return uint32_t(v & mask64(w));
}

// The fields of the stored command bits 255:99 (the RTL's sc_* wires).
struct ActFields {
  int32_t bias;
  int16_t scale;
  uint32_t shift;
  bool relu, bs_sbuf, copy, src_sbuf;
  uint32_t src, dst, bs, part, m, f, bank, off;
  explicit ActFields(const InstrWords& w)
      : bias(int32_t(field(w, 224, 32))),
        scale(int16_t(uint16_t(field(w, 208, 16)))),
        shift(field(w, 202, 6)),
        relu(field(w, 201, 1) != 0),
        bs_sbuf(field(w, 200, 1) != 0),
        copy(field(w, 197, 3) == 1),
        src_sbuf(field(w, 99, 1) != 0),
        src(field(w, 174, 18)),
        dst(field(w, 156, 18)),
        bs(field(w, 138, 18)),
        part(field(w, 130, 8)),
        m(field(w, 122, 8)),
        f(field(w, 112, 10)),
        bank(field(w, 109, 3)),
        off(field(w, 100, 9)) {}
};

// Byte i of a read word; 0 beyond the word (only an illegal command gets there).
uint8_t byte_of(const std::array<uint8_t, 64>& w, uint32_t wb, uint32_t i) { return i < wb ? w[i] : 0; }

bool in_range(uint32_t k, uint32_t part, uint32_t m) { return k >= part && k < part + m; }

// cmn_fifo: flop storage (kept across pops), registered count, not
// fall-through (a push is visible from the next cycle).
template <class T>
struct Fifo {
  std::vector<T> mem;
  uint32_t wptr = 0, rptr = 0, count = 0;
  Fifo(uint32_t depth, const T& init) : mem(depth, init) {}
  uint32_t depth() const { return uint32_t(mem.size()); }
  bool full() const { return count == depth(); }
  bool empty() const { return count == 0; }
  const T& head() const { return mem[rptr]; }
  T& tail() { return mem[wptr]; }  // the entry a push writes (fill it before edge())
  void edge(bool push, bool pop, const char* what) {
    if ((push && full() && !pop) || (pop && empty()))
      throw std::logic_error(std::string("ActEngineModel: ") + what + " over/underflow");
    if (push) wptr = wptr + 1 == depth() ? 0 : wptr + 1;
    if (pop) rptr = rptr + 1 == depth() ? 0 : rptr + 1;
    count = count + (push ? 1 : 0) - (pop ? 1 : 0);
  }
};

// The write sideband of one element (d_sb / sb1..3_q).
struct Side {
  bool copy = false, last = false;
  uint32_t wa = 0, boff = 0, part = 0, m = 0;
};

// One stash entry: the sideband and every lane's output.
struct Entry {
  Side sb;
  std::vector<uint32_t> y;
};

// act_lane: three stages; data registers load only with a valid element, so
// y holds the last result.
struct Lane {
  bool v1 = false, v2 = false;
  uint32_t val1 = 0, val2 = 0;  // y_o is State::lane_y[k]
};

}  // namespace

struct ActEngineModel::State {
  // parameters
  uint32_t p, wb, banks, entries, off_w, bs_words, bank_w, ent_w;
  // command queue and front end
  Fifo<InstrWords> q;
  bool fe_active = false;
  uint32_t idx = 0;
  InstrWords cur{};
  uint16_t tag = 0;
  // read data of the last read of each partition (used the cycle after it)
  std::vector<uint32_t> prd;
  std::vector<std::array<uint8_t, 64>> srd;
  // D stage
  bool d_el = false, d_bs = false, d_bsn = false;
  uint32_t d_bsoff = 0, d_srcoff = 0, d_dboff = 0, d_wa = 0;
  bool d_src_sbuf = false, d_bs_sbuf = false, d_copy = false, d_relu = false, d_last = false;
  int32_t d_bias = 0;
  int16_t d_scale = 0;
  uint32_t d_shift = 0, d_part = 0, d_m = 0;
  std::vector<bool> d_mask;
  std::vector<int32_t> bs_bias;
  std::vector<int16_t> bs_scale;
  // lanes and the sideband beside them
  std::vector<Lane> lanes;
  std::vector<uint32_t> lane_y;  // every lane's y_o
  uint32_t sb_v = 0;  // 3 bits
  Side sb1, sb2, sb3;
  // write stage
  Fifo<Entry> stash;
  uint64_t strb = 0;
  std::vector<std::array<uint8_t, 64>> acc;
  bool done_q = false;
  uint64_t issued = 0, completed = 0;
  // scratch of step() (no allocation per cycle)
  std::vector<uint32_t> lane_in;
  std::vector<char> lane_v;

  State(const Config& cfg, uint32_t qd)
      : p(cfg.partitions),
        wb(cfg.sbuf_word_bytes),
        banks(cfg.psum_banks),
        entries(cfg.psum_entries),
        off_w(clog2(cfg.sbuf_word_bytes)),
        bs_words(cfg.sbuf_word_bytes >= 8 ? 1 : 2),
        bank_w(clog2(cfg.psum_banks)),
        ent_w(clog2(cfg.psum_entries)),
        q(qd, InstrWords{}),
        prd(p, 0),
        srd(p, std::array<uint8_t, 64>{}),
        d_mask(p, false),
        bs_bias(p, 0),
        bs_scale(p, 0),
        lanes(p),
        lane_y(p, 0),
        stash(kStashDepth, Entry{Side{}, std::vector<uint32_t>(p, 0)}),
        acc(p, std::array<uint8_t, 64>{}),
        lane_in(p, 0),
        lane_v(p, 0) {}

  bool idle() const { return !d_el && !d_bs && sb_v == 0 && stash.empty(); }
  // Nothing queued, active, in the pipeline or completing: without a command
  // offered, step() reads and writes nothing and leaves every register as it
  // is (the lanes' and sideband's valids are all low, the write stage has no
  // candidate, the queue neither pushes nor pops).
  bool quiet() const {
    if (!q.empty() || fe_active || !idle() || done_q) return false;
    for (const Lane& l : lanes)
      if (l.v1 || l.v2) return false;
    return true;
  }
  bool busy() const { return !q.empty() || fe_active || !idle(); }
};

ActEngineModel::ActEngineModel(const Config& cfg, uint32_t queue_depth) {
  const uint32_t wb = cfg.sbuf_word_bytes;
  if (cfg.partitions < 1 || cfg.partitions > 256)
    throw std::invalid_argument("ActEngineModel: P must be 1..256");
  if (!pow2(wb) || wb < 4 || wb > 64)
    throw std::invalid_argument("ActEngineModel: SbufWordBytes must be a power of two in 4..64");
  if (cfg.sbuf_bytes == 0 || cfg.sbuf_bytes % wb != 0 || cfg.sbuf_bytes > (1u << kAw))
    throw std::invalid_argument("ActEngineModel: SbufBytes must be a multiple of WB, at most 2^18");
  if (!pow2(cfg.psum_banks) || cfg.psum_banks > 8)
    throw std::invalid_argument("ActEngineModel: PsumBanks must be a power of two in 1..8");
  if (!pow2(cfg.psum_entries) || cfg.psum_entries < 2 || cfg.psum_entries > 512)
    throw std::invalid_argument("ActEngineModel: PsumEntries must be a power of two in 2..512");
  if (queue_depth < 2 || queue_depth > 16)
    throw std::invalid_argument("ActEngineModel: QueueDepth must be 2..16");
  st_ = std::make_unique<State>(cfg, queue_depth);
  const uint32_t p = cfg.partitions;
  out_.wr_valid.assign(p, false);
  out_.wr_data.assign(p, std::array<uint8_t, 64>{});
  out_.psum_rd_en.assign(p, false);
  out_.sbuf_rd_en.assign(p, false);
  out_.cmd_ready = true;
}

ActEngineModel::ActEngineModel(const ActEngineModel& o)
    : cycle_(o.cycle_), out_(o.out_), quiet_(o.quiet_), st_(std::make_unique<State>(*o.st_)) {}
ActEngineModel& ActEngineModel::operator=(const ActEngineModel& o) {
  if (this != &o) {
    cycle_ = o.cycle_;
    out_ = o.out_;
    quiet_ = o.quiet_;
    st_ = std::make_unique<State>(*o.st_);
  }
  return *this;
}
ActEngineModel::ActEngineModel(ActEngineModel&&) noexcept = default;
ActEngineModel& ActEngineModel::operator=(ActEngineModel&&) noexcept = default;
ActEngineModel::~ActEngineModel() = default;

bool ActEngineModel::busy() const { return st_->busy(); }
uint64_t ActEngineModel::issued() const { return st_->issued; }
uint64_t ActEngineModel::completed() const { return st_->completed; }

const ActCycleOut& ActEngineModel::step(const ActCycleIn& in, ActMemPort& mem) {
  State& s = *st_;
  ActCycleOut& o = out_;
  // Fast path (docs/model.md "Speed"): the last step was quiet and left the
  // state as it found it; without a command this one computes the same
  // outputs from the same registers (the SBUF write-busy inputs only matter
  // with a write candidate, and a quiet state has none) and changes nothing.
  if (quiet_ && !in.cmd_valid) {
    ++cycle_;
    return o;
  }
  const bool quiet_step = !in.cmd_valid && s.quiet();
  const uint32_t P = s.p, WB = s.wb;
  const uint64_t wb_mask = mask64(WB);

  // --- front end: the command of this cycle's step ----------------------------
  const InstrWords& scw = s.fe_active ? s.cur : s.q.head();
  const ActFields sc(scw);
  const uint32_t si = s.fe_active ? s.idx : 0;
  const uint32_t sc_b = sc.bs_sbuf ? s.bs_words : 0;
  const uint32_t sc_n = (sc_b + sc.f) & kStepMask;
  const bool st_bs = si < sc_b;
  const uint32_t el_f = (si - sc_b) & kStepMask;
  const bool st_last_step = si == ((sc_n - 1) & kStepMask);
  const bool st_last_el = el_f == ((sc.f - 1) & kStepMask);
  const uint32_t src_ea = (sc.src + (el_f << 2)) & kAMask;
  const uint32_t dst_ea = (sc.dst + (sc.copy ? el_f << 2 : el_f)) & kAMask;
  const uint32_t bs_wa = ((sc.bs & ~(WB - 1)) + si * WB) & kAMask;
  const uint32_t p_entry = (sc.off + el_f) & uint32_t(mask64(s.ent_w));
  const bool sc_reads_sbuf = sc.src_sbuf || sc.bs_sbuf;

  // --- write stage: the stash head, else the lane output -----------------------
  const bool st_empty = s.stash.empty();
  // cand: the stash head, else the lane output {sb3_q, lane_y}
  const Side& c = st_empty ? s.sb3 : s.stash.head().sb;
  const std::vector<uint32_t>& cand_y = st_empty ? s.lane_y : s.stash.head().y;
  const bool cand_v = !st_empty || (s.sb_v & 4) != 0;
  const bool c_last = c.last;
  const bool c_eow = c.copy ? c.boff == ((WB - 4) & (WB - 1)) : c.boff == WB - 1;
  const bool c_wr = cand_v && (c_eow || c_last);
  bool conflict = false;
  for (uint32_t k = 0; k < P && k < in.sbuf_wr_busy.size(); ++k)
    conflict = conflict || (in.sbuf_wr_busy[k] && in_range(k, c.part, c.m));
  const bool stall = c_wr && conflict;
  const bool consume = cand_v && !stall;
  const uint64_t new_strb = (c.copy ? uint64_t(0xf) << c.boff : uint64_t(1) << c.boff) & wb_mask;
  const bool st_pop = consume && !st_empty;
  const bool st_push = (s.sb_v & 4) != 0 && !(consume && st_empty);

  o.stall = stall;
  o.wr_addr = c.wa;
  o.wr_strb = s.strb | new_strb;
  for (uint32_t k = 0; k < P; ++k) {
    const uint32_t y = cand_y[k];
    auto& w = o.wr_data[k];
    w.fill(0);
    for (uint32_t b = 0; b < WB; ++b) {
      if ((new_strb >> b) & 1) {
        const uint32_t i = b - c.boff;  // byte i of the result (new_strb: 0 <= i < 4 or 1)
        w[b] = uint8_t(y >> (8 * i));
      } else if ((s.strb >> b) & 1) {
        w[b] = s.acc[k][b];
      }
    }
    o.wr_valid[k] = consume && c_wr && in_range(k, c.part, c.m);
  }

  // --- issue and the read step ---------------------------------------------------
  const bool idle = s.idle();
  const bool issue = !s.fe_active && !s.q.empty() && !stall && (!sc_reads_sbuf || idle);
  const bool step = (s.fe_active && !stall) || issue;

  o.cmd_ready = !s.q.full();
  o.busy = s.busy();
  o.done = s.done_q;
  o.issue_valid = issue;
  o.issue_tag = s.tag;
  o.sbuf_rd_addr = st_bs ? bs_wa : (src_ea & ~(WB - 1));
  o.psum_rd_addr = ((sc.bank & uint32_t(mask64(s.bank_w))) << s.ent_w) | p_entry;
  for (uint32_t k = 0; k < P; ++k) {
    const bool mk = in_range(k, sc.part, sc.m);
    o.sbuf_rd_en[k] = step && mk && (st_bs || sc.src_sbuf);
    o.psum_rd_en[k] = step && mk && !st_bs && !sc.src_sbuf;
  }

  // --- D stage: the lanes' inputs of this cycle (last cycle's read data) -----------
  std::vector<uint32_t>& lane_in = s.lane_in;
  std::vector<char>& lane_v = s.lane_v;
  for (uint32_t k = 0; k < P; ++k) {
    lane_v[k] = s.d_el && s.d_mask[k];
    if (!lane_v[k]) continue;
    const auto& word = s.srd[k];
    int32_t x;
    if (s.d_src_sbuf) {
      uint32_t v = 0;
      for (uint32_t i = 0; i < 4; ++i) v |= uint32_t(byte_of(word, WB, s.d_srcoff + i)) << (8 * i);
      x = int32_t(v);
    } else {
      x = int32_t(s.prd[k]);
    }
    const int32_t bias = s.d_bs_sbuf ? s.bs_bias[k] : s.d_bias;
    const int16_t scale = s.d_bs_sbuf ? s.bs_scale[k] : s.d_scale;
    lane_in[k] = s.d_copy ? uint32_t(x)
                          : uint32_t(int32_t(act_requant(x, bias, scale, s.d_shift, s.d_relu)));
  }

  // record words into the bias / scale registers at the edge (the words read
  // last cycle; nothing below reads these registers before the edge)
  if (s.d_bs) {
    for (uint32_t k = 0; k < P; ++k) {
      const auto& word = s.srd[k];
      if (s.bs_words == 1) {
        uint32_t b = 0;
        for (uint32_t i = 0; i < 4; ++i) b |= uint32_t(byte_of(word, WB, s.d_bsoff + i)) << (8 * i);
        s.bs_bias[k] = int32_t(b);
        s.bs_scale[k] = int16_t(uint16_t(byte_of(word, WB, s.d_bsoff + 4) |
                                         (byte_of(word, WB, s.d_bsoff + 5) << 8)));
      } else if (!s.d_bsn) {
        s.bs_bias[k] = int32_t(uint32_t(word[0]) | uint32_t(word[1]) << 8 |
                               uint32_t(word[2]) << 16 | uint32_t(word[3]) << 24);
      } else {
        s.bs_scale[k] = int16_t(uint16_t(word[0] | (word[1] << 8)));
      }
    }
  }
  // --- memories: this cycle's reads (data used next cycle), then the writes ---------
  for (uint32_t k = 0; k < P; ++k) {
    if (o.psum_rd_en[k]) s.prd[k] = mem.psum_read(k, sc.bank & uint32_t(mask64(s.bank_w)), p_entry);
  }
  for (uint32_t k = 0; k < P; ++k) {
    if (o.sbuf_rd_en[k]) mem.sbuf_read_word(k, o.sbuf_rd_addr, s.srd[k].data());
  }
  for (uint32_t k = 0; k < P; ++k) {
    if (o.wr_valid[k]) mem.sbuf_write_word(k, o.wr_addr, o.wr_data[k].data(), o.wr_strb);
  }

  // --- the edge ---------------------------------------------------------------------
  // stash (before the lanes and sb3 move: it takes this cycle's lane output)
  if (st_push) {
    Entry& e = s.stash.tail();
    e.sb = s.sb3;
    e.y = s.lane_y;
  }
  s.stash.edge(st_push, st_pop, "stash");
  // lanes and sideband (old values first)
  for (uint32_t k = 0; k < P; ++k) {
    Lane& l = s.lanes[k];
    if (l.v2) s.lane_y[k] = l.val2;
    if (l.v1) l.val2 = l.val1;
    if (lane_v[k]) l.val1 = lane_in[k];
    l.v2 = l.v1;
    l.v1 = lane_v[k];
  }
  const Side d_sb{s.d_copy, s.d_last, s.d_wa, s.d_dboff, s.d_part, s.d_m};
  if (s.sb_v & 2) s.sb3 = s.sb2;
  if (s.sb_v & 1) s.sb2 = s.sb1;
  if (s.d_el) s.sb1 = d_sb;
  s.sb_v = ((s.sb_v << 1) | (s.d_el ? 1 : 0)) & 7;
  // write stage
  if (consume) {
    for (uint32_t k = 0; k < P; ++k) s.acc[k] = o.wr_data[k];
    s.strb = c_wr ? 0 : (s.strb | new_strb);
  }
  s.done_q = consume && c_last;
  // D stage registers
  s.d_el = step && !st_bs;
  s.d_bs = step && st_bs;
  if (step) {
    s.d_bsn = (si & 1) != 0;
    s.d_bsoff = sc.bs & (WB - 1);
    s.d_srcoff = src_ea & (WB - 1);
    s.d_dboff = dst_ea & (WB - 1);
    s.d_wa = dst_ea & ~(WB - 1);
    s.d_src_sbuf = sc.src_sbuf;
    s.d_bs_sbuf = sc.bs_sbuf;
    s.d_copy = sc.copy;
    s.d_relu = sc.relu;
    s.d_last = st_last_el;
    s.d_bias = sc.bias;
    s.d_scale = sc.scale;
    s.d_shift = sc.shift;
    s.d_part = sc.part;
    s.d_m = sc.m;
    for (uint32_t k = 0; k < P; ++k) s.d_mask[k] = in_range(k, sc.part, sc.m);
  }
  // front end and queue
  if (issue) s.cur = s.q.head();
  if (step) {
    s.fe_active = !st_last_step;
    s.idx = (si + 1) & kStepMask;
  }
  if (issue) {
    ++s.tag;
    ++s.issued;
  }
  if (o.done) ++s.completed;
  const bool q_push = in.cmd_valid && !s.q.full();
  if (q_push) s.q.tail() = in.cmd;
  s.q.edge(q_push, issue, "command queue");
  quiet_ = quiet_step;
  ++cycle_;
  return o;
}

}  // namespace loom
