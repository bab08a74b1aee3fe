// SequencerModel: the sequencer RTL (rtl/sequencer.sv, seq_fetch.sv,
// seq_sem.sv, cmn_fifo.sv) as a cycle-stepped C++ model, register for
// register; the static checks are loom::decode() + loom::validate(), which
// seq_decode equals by test. docs/sequencer.md is the contract, docs/model.md
// "Sequencer model" how this is checked.
#include "loom/sequencer_model.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loom {

namespace {

constexpr uint8_t kCodeWindow = 6, kCodeSlvErr = 7, kCodeDecErr = 8, kCodeOverrun = 11;
constexpr uint8_t kCodeSemTimeout = 9, kCodeSemOverflow = 10;

bool Pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
uint32_t Log2(uint32_t v) {
  uint32_t l = 0;
  while ((1u << l) < v) ++l;
  return l;
}

// cmn_fifo: flop storage that a clear does not touch, registered count, not
// fall-through; rdata shows mem[rptr] also when empty.
template <class T>
struct Fifo {
  std::vector<T> mem;
  uint32_t depth = 1, wptr = 0, rptr = 0, count = 0;
  explicit Fifo(uint32_t d = 1) : mem(d), depth(d) {}
  const T& head() const { return mem[rptr]; }
  bool full() const { return count == depth; }
  bool empty() const { return count == 0; }
  void edge(bool clear, bool push, const T& w, bool pop) {
    if (push && !clear) mem[wptr] = w;
    if (clear) {
      wptr = rptr = count = 0;
      return;
    }
    if (push) wptr = wptr == depth - 1 ? 0 : wptr + 1;
    if (pop) rptr = rptr == depth - 1 ? 0 : rptr + 1;
    if (push && !pop) ++count;
    if (pop && !push) --count;
  }
};

struct BufEntry {  // instruction buffer slot: {fault, word}
  uint8_t fault = 0;
  InstrWords w{};
};
struct QEntry {  // engine queue entry: {index, word}
  uint32_t index = 0;
  InstrWords w{};
};
struct IEntry {  // in-flight entry: {tag, index, sig_inc, sig_sem}
  uint16_t tag = 0;
  uint32_t index = 0;
  uint32_t sig_sem = 0, sig_inc = 0;
};

// Header fields (bits 41:0).
uint32_t WaitSem(const InstrWords& w) { return uint32_t(w[0] >> 8) & 31; }
uint32_t WaitVal(const InstrWords& w) { return uint32_t(w[0] >> 13) & 0xffff; }
uint32_t SigSem(const InstrWords& w) { return uint32_t(w[0] >> 29) & 31; }
uint32_t SigInc(const InstrWords& w) { return uint32_t(w[0] >> 34) & 0xff; }
uint8_t Op(const InstrWords& w) { return uint8_t(w[0]); }

// seq_decode's queue_o, for any word (also one that is not legal).
uint32_t QueueOf(const InstrWords& w) {
  const uint8_t op = Op(w);
  if (op == 0x20 || op == 0x21) return 1;
  if (op == 0x30) return 2;
  if (op == 0x10) return ((w[0] >> 42) & 1) ? 4 : 3;
  if (op == 0x03) return uint32_t(w[1] & 7);
  return 0;
}

InstrWords Payload(InstrWords w) {  // bits 58:0 cleared
  w[0] &= ~((uint64_t(1) << 59) - 1);
  return w;
}

enum class St { kIdle, kRun, kDrain, kDone, kError };

}  // namespace

struct SequencerModel::State {
  // --- seq_fetch
  uint64_t base = 0;
  uint32_t nf = 0, fi = 0, rx = 0;
  uint8_t term = kCodeOverrun;
  bool run = false, fault = false;
  uint32_t cred = 0, keep = 0, drop = 0;
  bool ar_stale = false, arvalid = false;
  uint64_t araddr = 0;
  uint32_t arlen = 0;
  uint32_t bc = 0;     // DB <= 32: beat of the instruction being assembled
  InstrWords asm_w{};  // DB <= 32: assembly register
  std::array<uint8_t, kAxiMaxDataBytes> hold{};  // DB > 32: the held beat
  bool hvalid = false;
  Fifo<BufEntry> buf;
  // --- sequencer
  St state = St::kIdle;
  uint32_t watchdog = 0, dec_idx = 0, err_idx = 0;
  uint8_t err_code = 0;
  bool done_pulse = false, error_pulse = false;
  uint16_t pe_tag = 0;
  std::array<bool, 4> offer{};  // head offered last cycle and not accepted (held through a stop)
  std::array<bool, 2> dma_stop{};  // DMA queue had an error completion since the start (halted)
  std::vector<uint32_t> sem;
  std::array<uint32_t, 5> wd{};
  std::vector<Fifo<QEntry>> q;     // 0 PE, 1 ACT, 2 DMA0, 3 DMA1
  std::vector<Fifo<IEntry>> infl;  // 0 LDW, 1 MM, 2 ACT, 3 DMA0, 4 DMA1
  // Decode cache: the last head word checked and its code.
  bool dec_cached = false;
  InstrWords dec_word{};
  uint8_t dec_code = 0;
};

SequencerModel::SequencerModel(const SequencerParams& p) : p_(p), st_(std::make_unique<State>()) {
  auto bad = [](const std::string& what) {
    throw std::invalid_argument("SequencerModel: " + what);
  };
  if (p.semaphores < 1 || p.semaphores > kMaxSemaphores) bad("semaphores must be 1..32");
  if (!Pow2(p.axi_data_bytes) || p.axi_data_bytes < 4 || p.axi_data_bytes > kAxiMaxDataBytes)
    bad("axi_data_bytes must be 4..64, a power of two");
  if (p.axi_addr_bits < 32 || p.axi_addr_bits > 64) bad("axi_addr_bits must be 32..64");
  if (!Pow2(p.fetch_burst_instrs) || 32 * p.fetch_burst_instrs > 4096)
    bad("fetch_burst_instrs must be a power of two, 32 * n <= 4096");
  if (p.fetch_buf_depth < p.fetch_burst_instrs) bad("fetch_buf_depth < fetch_burst_instrs");
  if (p.fetch_max_bursts < 1 || p.fetch_max_bursts > 255) bad("fetch_max_bursts must be 1..255");
  for (uint32_t d : {p.pe_queue_depth, p.act_queue_depth, p.dma_queue_depth})
    if (d < 1 || d > 16) bad("queue depths must be 1..16");
  if (p.inflight_depth < 1 || p.inflight_depth > 64) bad("inflight_depth must be 1..64");
  State& s = *st_;
  s.buf = Fifo<BufEntry>(p.fetch_buf_depth);
  s.cred = p.fetch_buf_depth;
  s.sem.assign(p.semaphores, 0);
  s.q = {Fifo<QEntry>(p.pe_queue_depth), Fifo<QEntry>(p.act_queue_depth),
         Fifo<QEntry>(p.dma_queue_depth), Fifo<QEntry>(p.dma_queue_depth)};
  s.infl.assign(5, Fifo<IEntry>(p.inflight_depth));
  out_.obs_sem_value.assign(p.semaphores, 0);
}

SequencerModel::SequencerModel(const SequencerModel& o)
    : p_(o.p_), cycle_(o.cycle_), out_(o.out_), st_(std::make_unique<State>(*o.st_)) {}
SequencerModel& SequencerModel::operator=(const SequencerModel& o) {
  if (this != &o) {
    p_ = o.p_;
    cycle_ = o.cycle_;
    out_ = o.out_;
    st_ = std::make_unique<State>(*o.st_);
  }
  return *this;
}
SequencerModel::SequencerModel(SequencerModel&&) noexcept = default;
SequencerModel& SequencerModel::operator=(SequencerModel&&) noexcept = default;
SequencerModel::~SequencerModel() = default;

std::vector<uint16_t> SequencerModel::semaphores() const {
  return std::vector<uint16_t>(st_->sem.begin(), st_->sem.end());
}

std::array<bool, 4> SequencerModel::head_issue() const {
  const State& s = *st_;
  const uint32_t NS = p_.semaphores;
  const bool running = s.state == St::kRun;
  const bool h_pe_mm = s.q[0].head().w[0] & 1;
  // A held offer lapses on a halted DMA queue (it accepts nothing until the next start).
  const std::array<bool, 4> offer_live = {s.offer[0], s.offer[1], s.offer[2] && !s.dma_stop[0],
                                          s.offer[3] && !s.dma_stop[1]};
  std::array<bool, 4> h_issue{};
  for (int e = 0; e < 4; ++e) {
    const QEntry& h = s.q[e].head();
    const bool infl_ok = e == 0 ? !s.infl[h_pe_mm ? 1 : 0].full() : !s.infl[e + 1].full();
    const bool sync = Op(h.w) == 0x03;
    const uint32_t id = WaitSem(h.w), val = WaitVal(h.w);
    const bool wait_ok = val == 0 || (id < NS ? s.sem[id] : 0) >= val;
    h_issue[e] = running ? !s.q[e].empty() && !sync && wait_ok && infl_ok : offer_live[e];
  }
  return h_issue;
}

SeqOffers SequencerModel::offers() const {
  const State& s = *st_;
  const std::array<bool, 4> h_issue = head_issue();
  SeqOffers o;
  o.pe_cmd_valid = h_issue[0];
  o.pe_cmd = s.q[0].head().w[1];
  o.act_cmd_valid = h_issue[1];
  o.act_cmd = Payload(s.q[1].head().w);
  for (int q = 0; q < 2; ++q) {
    o.dma_desc_valid[q] = h_issue[2 + q];
    o.dma_desc[q] = Payload(s.q[2 + q].head().w);
    o.dma_index[q] = s.q[2 + q].head().index;
  }
  return o;
}

const SeqCycleOut& SequencerModel::step(const SeqCycleIn& in) {
  State& s = *st_;
  SeqCycleOut& o = out_;
  const uint32_t DB = p_.axi_data_bytes;
  const uint32_t db_log = Log2(DB);
  const uint64_t FB = std::max<uint64_t>(32ull * p_.fetch_burst_instrs, DB);
  const uint32_t NS = p_.semaphores;

  // ===== Fetch: outputs of the buffer head and the AXI port =====
  const bool head_valid = !s.buf.empty();
  const BufEntry head = s.buf.head();  // copies: the edge below moves the head
  const InstrWords fw = head.w;
  const bool term_valid = s.buf.empty() && !s.fault && s.rx == s.nf;
  const bool narrow = DB <= 32;
  const bool rready = narrow ? true : (s.drop != 0 || !s.hvalid);

  // ===== Decode stage =====
  const bool running = s.state == St::kRun;
  const bool can_start = in.start && s.state != St::kRun && s.state != St::kDrain;
  uint8_t d_code = 0;
  if (running && head_valid) {
    if (!s.dec_cached || s.dec_word != fw) {
      uint8_t c = 0;
      try {
        const Instr i = decode(fw);
        const Config cfg{
            "seqmodel", p_.partitions, p_.sbuf_bytes, 8, p_.psum_banks, p_.psum_entries, 4, 8};
        c = uint8_t(validate(cfg, i, NS).code);
      } catch (const IsaError& e) {
        c = uint8_t(e.code());
      }
      s.dec_cached = true;
      s.dec_word = fw;
      s.dec_code = c;
    }
    d_code = s.dec_code;
  }
  const uint32_t d_queue = QueueOf(fw);
  const uint8_t op = Op(fw);
  const bool d_nop = op == 0x01, d_end = op == 0x02, d_sync = op == 0x03;

  auto wait_ok = [&](const InstrWords& w) {
    const uint32_t id = WaitSem(w), val = WaitVal(w);
    const uint32_t cur = id < NS ? s.sem[id] : 0;
    return val == 0 || cur >= val;
  };

  const bool d_ok = running && head_valid && head.fault == 0 && d_code == 0;
  const bool d_wait_ok = wait_ok(fw);
  const bool d_seqsync = d_sync && d_queue == 0;
  const bool d_err =
      running && ((head_valid && (head.fault != 0 || d_code != 0)) || (!head_valid && term_valid));
  const uint8_t d_err_code = !head_valid ? s.term : head.fault != 0 ? head.fault : d_code;

  bool q_empty_all = true, i_empty_all = true;
  for (int e = 0; e < 4; ++e) q_empty_all = q_empty_all && s.q[e].empty();
  for (int k = 0; k < 5; ++k) i_empty_all = i_empty_all && s.infl[k].empty();
  const bool all_idle = q_empty_all && i_empty_all && !in.pe_busy && !in.act_busy && !in.dma_busy;
  const bool d_end_ok = d_ok && d_end && d_wait_ok && all_idle;

  std::array<bool, 4> q_push{};
  bool f_pop = false;
  if (d_ok) {
    if (d_nop) f_pop = true;
    if (d_seqsync && d_wait_ok) f_pop = true;
    if (d_queue != 0) {
      const uint32_t qi = (d_queue - 1) & 3;
      if (!s.q[qi].full()) {
        q_push[qi] = true;
        f_pop = true;
      }
    }
  }

  // ===== Queue heads =====
  const std::array<bool, 4> h_ready = {in.pe_cmd_ready, in.act_cmd_ready, in.dma_desc_ready[0],
                                       in.dma_desc_ready[1]};
  const bool h_pe_mm = s.q[0].head().w[0] & 1;
  // A held offer lapses on a halted DMA queue (it accepts nothing until the next start).
  const std::array<bool, 4> offer_live = {s.offer[0], s.offer[1], s.offer[2] && !s.dma_stop[0],
                                          s.offer[3] && !s.dma_stop[1]};
  const std::array<bool, 4> h_issue = head_issue();
  std::array<bool, 4> h_valid{}, h_wait_ok{}, h_sync_done{}, q_pop{};
  for (int e = 0; e < 4; ++e) {
    const QEntry& h = s.q[e].head();
    const bool infl_empty = e == 0 ? s.infl[0].empty() && s.infl[1].empty() : s.infl[e + 1].empty();
    const bool sync = Op(h.w) == 0x03;
    h_valid[e] = running && !s.q[e].empty();
    h_wait_ok[e] = wait_ok(h.w);
    h_sync_done[e] = h_valid[e] && sync && h_wait_ok[e] && infl_empty;
    q_pop[e] = (h_issue[e] && h_ready[e]) || h_sync_done[e];
  }
  o.pe_cmd_valid = h_issue[0];
  o.pe_cmd = s.q[0].head().w[1];
  o.act_cmd_valid = h_issue[1];
  o.act_cmd = Payload(s.q[1].head().w);
  for (int q = 0; q < 2; ++q) {
    o.dma_desc_valid[q] = h_issue[2 + q];
    o.dma_desc[q] = Payload(s.q[2 + q].head().w);
  }

  // ===== In-flight lists =====
  const std::array<bool, 5> i_push = {h_issue[0] && h_ready[0] && !h_pe_mm,
                                      h_issue[0] && h_ready[0] && h_pe_mm, h_issue[1] && h_ready[1],
                                      h_issue[2] && h_ready[2], h_issue[3] && h_ready[3]};
  const std::array<bool, 5> i_pop = {in.pe_ldw_retire, in.pe_mm_retire, in.act_done,
                                     in.dma_cpl_valid[0], in.dma_cpl_valid[1]};

  // ===== Signals and semaphores (seq_sem) =====
  struct Sig {
    bool ev;
    uint32_t sem, inc, index;
  };
  std::array<Sig, 10> sig{};
  const std::array<bool, 2> dma_ok = {in.dma_cpl_valid[0] && (in.dma_cpl_err[0] & 15) == 0,
                                      in.dma_cpl_valid[1] && (in.dma_cpl_err[1] & 15) == 0};
  const std::array<bool, 5> cpl_ev = {in.pe_ldw_retire, in.pe_mm_retire, in.act_done, dma_ok[0],
                                      dma_ok[1]};
  for (int k = 0; k < 5; ++k) {
    const IEntry& h = s.infl[k].head();
    sig[k] = {cpl_ev[k], h.sig_sem, h.sig_inc, h.index};
  }
  for (int e = 0; e < 4; ++e) {
    const QEntry& h = s.q[e].head();
    sig[5 + e] = {h_sync_done[e], SigSem(h.w), SigInc(h.w), h.index};
  }
  sig[9] = {d_ok && d_seqsync && d_wait_ok, SigSem(fw), SigInc(fw), s.dec_idx};
  std::array<bool, 10> sig_valid{};
  for (int k = 0; k < 10; ++k) sig_valid[k] = running && sig[k].ev && sig[k].inc != 0;

  std::array<uint32_t, kMaxSemaphores> sem_d{};  // fixed size: no allocation per cycle
  std::copy(s.sem.begin(), s.sem.end(), sem_d.begin());
  uint32_t chg = 0, ovf = 0;
  // Each semaphore's sum over the valid signals naming it (a signal naming
  // none of the NS semaphores adds to none); only the valid signals are
  // visited, most cycles none.
  std::array<uint32_t, kMaxSemaphores> sum;
  uint32_t any = 0;
  for (int k = 0; k < 10; ++k) {
    if (!sig_valid[k] || sig[k].sem >= NS) continue;
    const uint32_t x = sig[k].sem;
    if (!((any >> x) & 1)) {
      sum[x] = s.sem[x];
      any |= 1u << x;
    }
    sum[x] += sig[k].inc;
  }
  for (uint32_t x = 0; x < NS; ++x) {
    if (!((any >> x) & 1)) continue;
    if (sum[x] > 0xffff) {
      ovf |= 1u << x;
    } else {
      sem_d[x] = sum[x];
      chg |= 1u << x;
    }
  }
  if (can_start) std::fill(sem_d.begin(), sem_d.begin() + NS, 0);
  bool ovf_any = false;
  uint32_t ovf_index = 0xffffffffu;
  for (int k = 0; k < 10; ++k)
    if (sig_valid[k] && ((ovf >> sig[k].sem) & 1) && (!ovf_any || sig[k].index < ovf_index)) {
      ovf_any = true;
      ovf_index = sig[k].index;
    }

  // ===== Watchdog =====
  std::array<bool, 5> unsat{};
  std::array<uint32_t, 5> unsat_idx{};
  for (int e = 0; e < 4; ++e) {
    unsat[e] = h_valid[e] && !h_wait_ok[e];
    unsat_idx[e] = s.q[e].head().index;
  }
  unsat[4] = d_ok && (d_end || d_seqsync) && !d_wait_ok;
  unsat_idx[4] = s.dec_idx;
  bool wd_fire = false;
  uint32_t wd_idx = 0xffffffffu;
  for (int k = 0; k < 5; ++k) {
    if (unsat[k] && s.watchdog != 0 && s.wd[k] >= s.watchdog - 1) wd_fire = true;
    if (unsat[k] && unsat_idx[k] < wd_idx) wd_idx = unsat_idx[k];
  }

  // ===== Errors of this cycle: the lowest index wins =====
  bool err_any = false;
  uint8_t err_code = 0;
  uint32_t err_idx = 0;
  auto take = [&](bool cond, uint8_t code, uint32_t idx) {
    if (cond && (!err_any || idx < err_idx)) {
      err_any = true;
      err_code = code;
      err_idx = idx;
    }
  };
  for (int q = 0; q < 2; ++q) {
    const uint32_t c = in.dma_cpl_err[q] & 15;
    const uint8_t m = c == 2 ? 6 : c == 3 ? 4 : c == 4 ? 7 : c == 5 ? 8 : 3;
    take(running && in.dma_cpl_valid[q] && c != 0, m, s.infl[3 + q].head().index);
  }
  take(running && ovf_any, kCodeSemOverflow, ovf_index);
  take(running && wd_fire, kCodeSemTimeout, wd_idx);
  take(d_err, d_err_code, s.dec_idx);

  const bool f_stop = !running || (d_ok && d_end) || err_any;

  // ===== Outputs =====
  o.busy = s.state == St::kRun || s.state == St::kDrain;
  o.done = s.state == St::kDone;
  o.error = s.state == St::kError;
  o.done_pulse = s.done_pulse;
  o.error_pulse = s.error_pulse;
  o.error_code = s.err_code;
  o.error_index = s.err_idx;
  o.axi = AxiMasterOut{};
  o.axi.ar_valid = s.arvalid;
  o.axi.ar_id = 0;
  o.axi.ar_addr = s.araddr;
  o.axi.ar_len = s.arlen;
  o.axi.ar_size = db_log;
  o.axi.ar_burst = kAxiBurstIncr;
  o.axi.r_ready = rready;
  o.obs_dispatch_valid = f_pop;
  o.obs_dispatch_index = s.dec_idx;
  o.obs_dispatch_queue = d_queue;
  for (int e = 0; e < 4; ++e) {
    o.obs_issue_valid[e] = q_pop[e];
    o.obs_issue_index[e] = s.q[e].head().index;
  }
  o.obs_sem_valid = running ? chg : 0;
  for (uint32_t x = 0; x < NS; ++x) o.obs_sem_value[x] = uint16_t(sem_d[x]);

  // ===== Fetch: the edge =====
  {
    const bool start_i = can_start;
    const bool ar_hs = s.arvalid && in.axi.ar_ready;
    const bool r_hs = in.axi.r_valid && rready;
    const bool rlast_hs = r_hs && in.axi.r_last;
    const bool r_keep = r_hs && s.drop == 0;
    const bool r_err = (in.axi.r_resp >> 1) & 1;
    const bool fault_now = r_keep && r_err && s.run;
    const bool stop_now = s.run && (f_stop || fault_now);
    const uint8_t rfault = (in.axi.r_resp & 1) ? kCodeDecErr : kCodeSlvErr;

    // AR: the next burst.
    const uint64_t a_addr = s.base + (uint64_t(s.fi) << 5);
    const uint32_t n_room = uint32_t((FB - (a_addr & (FB - 1))) >> 5);
    const uint32_t n_left = s.nf - s.fi;
    const uint32_t n_burst = n_room < n_left ? n_room : n_left;
    const uint64_t a_end = a_addr + (uint64_t(n_burst) << 5);
    const uint64_t db_mask = uint64_t(DB) - 1;
    const uint64_t first_beat = a_addr & ~db_mask;
    const uint64_t last_beat = (a_end - 1) & ~db_mask;
    const bool ar_load = s.run && !stop_now && (!s.arvalid || ar_hs) && !s.ar_stale &&
                         s.fi < s.nf && s.cred >= n_burst &&
                         s.keep + s.drop + uint32_t(s.arvalid) < p_.fetch_max_bursts;

    // R: beats into instructions.
    bool push = false;
    BufEntry pw;
    if (narrow) {
      const uint32_t ib = 32 / DB;
      const bool last_of_instr = s.bc == ib - 1;
      InstrWords asm_d = s.asm_w;
      // Only a kept beat is assembled (asm_d is used only then): no byte
      // loop in the many cycles without one.
      for (uint32_t b = 0; r_keep && b < DB; ++b) {
        const uint32_t byte = s.bc * DB + b;
        uint64_t& word = asm_d[byte / 8];
        const uint32_t sh = 8 * (byte % 8);
        word = (word & ~(uint64_t(0xff) << sh)) | (uint64_t(in.axi.r_data[b]) << sh);
      }
      push = s.run && !f_stop && r_keep && (r_err || last_of_instr);
      pw.w = asm_d;
      pw.fault = r_err ? rfault : 0;
      if (start_i || stop_now)
        s.bc = 0;
      else if (r_keep && s.run)
        s.bc = last_of_instr ? 0 : s.bc + 1;
      if (r_keep) s.asm_w = asm_d;
    } else {
      const uint32_t k = DB / 32;
      const uint32_t slot = (uint32_t(s.base >> 5) + s.rx) & (k - 1);
      const bool hold_release = s.hvalid && (slot == k - 1 || s.rx + 1 == s.nf);
      push = s.run && !f_stop && (s.hvalid || fault_now);
      for (int j = 0; j < 4; ++j) {
        uint64_t x = 0;
        for (int b = 0; b < 8; ++b) x |= uint64_t(s.hold[slot * 32 + 8 * j + b]) << (8 * b);
        pw.w[j] = x;
      }
      pw.fault = fault_now ? rfault : 0;
      const bool hvalid_was = s.hvalid;
      if (start_i || stop_now)
        s.hvalid = false;
      else if (r_keep && s.run && !r_err)
        s.hvalid = true;
      else if (hold_release)
        s.hvalid = false;
      if (r_keep && !hvalid_was) s.hold = in.axi.r_data;
    }
    s.buf.edge(start_i, push, pw, f_pop);

    // Outstanding bursts.
    const bool ar_drop = s.ar_stale || !s.run;
    uint32_t keep_d = s.keep, drop_d = s.drop;
    if (ar_hs && !ar_drop) keep_d = (keep_d + 1) & 511;
    if (ar_hs && ar_drop) drop_d = (drop_d + 1) & 511;
    if (rlast_hs && s.drop != 0) drop_d = (drop_d - 1) & 511;
    if (rlast_hs && s.drop == 0) keep_d = (keep_d - 1) & 511;
    if (stop_now) {
      drop_d = (drop_d + keep_d) & 511;
      keep_d = 0;
    }
    s.keep = keep_d;
    s.drop = drop_d;
    if (ar_hs) {
      s.arvalid = false;
      s.ar_stale = false;
    } else if (stop_now && s.arvalid) {
      s.ar_stale = true;
    }
    if (start_i) {
      // How many leading instructions lie inside the window.
      uint64_t lim = in.dram_limit;
      if (p_.axi_addr_bits < 64 && lim > (uint64_t(1) << p_.axi_addr_bits))
        lim = uint64_t(1) << p_.axi_addr_bits;
      const bool aligned = (in.prog_base & 31) == 0;
      const bool end_ok = in.prog_base <= ~uint64_t(0) - 32 && in.prog_base + 32 <= lim;
      const bool in_window = aligned && in.prog_base >= in.dram_base && end_ok;
      const uint64_t room = in_window ? (lim - in.prog_base) >> 5 : 0;
      const uint32_t nf = room < in.prog_len ? uint32_t(room) : in.prog_len;
      s.base = in.prog_base;
      s.nf = nf;
      s.fi = 0;
      s.rx = 0;
      s.term = (!aligned || nf < in.prog_len) ? kCodeWindow : kCodeOverrun;
      s.run = true;
      s.fault = false;
      s.cred = p_.fetch_buf_depth;
    } else {
      if (stop_now) s.run = false;
      if (fault_now) s.fault = true;
      if (ar_load) {
        s.arvalid = true;
        s.araddr = p_.axi_addr_bits < 64 ? first_beat & ((uint64_t(1) << p_.axi_addr_bits) - 1)
                                         : first_beat;
        s.arlen = uint32_t((last_beat - first_beat) >> db_log) & 0xff;
        s.fi += n_burst;
      }
      if (push) ++s.rx;
      s.cred = s.cred - (ar_load ? n_burst : 0) + (f_pop ? 1 : 0);
    }
  }

  // ===== Sequencer: the edge =====
  const bool offer_pending = offer_live[0] || offer_live[1] || offer_live[2] || offer_live[3];
  for (int k = 0; k < 5; ++k) {  // (before the queues move their heads)
    const int qi = k == 0 ? 0 : k - 1;
    const QEntry& h = s.q[qi].head();
    const IEntry ie{s.pe_tag, h.index, SigSem(h.w), SigInc(h.w)};
    s.infl[k].edge(can_start, i_push[k], ie, i_pop[k]);
  }
  for (int e = 0; e < 4; ++e) {
    const QEntry qe{s.dec_idx, fw};
    const bool held = h_issue[e] && !h_ready[e];
    s.q[e].edge(can_start || (s.state != St::kRun && !held), q_push[e], qe, q_pop[e]);
    s.offer[e] = held;
  }
  for (int q = 0; q < 2; ++q)
    s.dma_stop[q] = !can_start && (s.dma_stop[q] || (in.dma_cpl_valid[q] && in.dma_cpl_err[q] != 0));
  std::copy(sem_d.begin(), sem_d.begin() + NS, s.sem.begin());
  for (int k = 0; k < 5; ++k) {
    if (!unsat[k] || can_start)
      s.wd[k] = 0;
    else if (s.wd[k] != 0xffffffffu)
      ++s.wd[k];
  }
  s.done_pulse = false;
  s.error_pulse = false;
  if (o.pe_cmd_valid && in.pe_cmd_ready) ++s.pe_tag;
  if (can_start) {
    s.state = St::kRun;
    s.watchdog = in.watchdog;
    s.dec_idx = 0;
    s.err_code = 0;
    s.err_idx = 0;
  } else {
    if (f_pop) ++s.dec_idx;
    if (s.state == St::kRun) {
      if (err_any) {
        s.state = St::kDrain;
        s.err_code = err_code;
        s.err_idx = err_idx;
      } else if (d_end_ok) {
        s.state = St::kDone;
        s.done_pulse = true;
      }
    } else if (s.state == St::kDrain) {
      if (!in.pe_busy && !in.act_busy && !in.dma_busy && !offer_pending) {
        s.state = St::kError;
        s.error_pulse = true;
      }
    }
  }
  ++cycle_;
  return o;
}

}  // namespace loom
