#include "loom/axi_mem.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace loom {
namespace {

uint32_t log2u(uint32_t v) {
  uint32_t l = 0;
  while ((1u << (l + 1)) <= v) ++l;
  return l;
}

const char* burst_name(uint32_t burst) {
  switch (burst) {
    case kAxiBurstFixed:
      return "FIXED";
    case kAxiBurstWrap:
      return "WRAP";
    default:
      return "reserved";
  }
}

uint64_t lane_mask(uint32_t lo, uint32_t hi) {  // bits lo..hi set
  const uint64_t upto_hi = hi >= 63 ? ~uint64_t{0} : (uint64_t{1} << (hi + 1)) - 1;
  return upto_hi & ~((uint64_t{1} << lo) - 1);
}

}  // namespace

const char* axi_event_kind_name(AxiEvent::Kind k) {
  switch (k) {
    case AxiEvent::kAr:
      return "AR";
    case AxiEvent::kAw:
      return "AW";
    case AxiEvent::kW:
      return "W";
    case AxiEvent::kR:
      return "R";
    case AxiEvent::kB:
      return "B";
  }
  return "?";
}

AxiMem::AxiMem(const AxiMemConfig& cfg) : cfg_(cfg), rng_(cfg.seed) {
  rng_used_ = !(cfg.ar_ready >= 1.0 && cfg.aw_ready >= 1.0 && cfg.w_ready >= 1.0 &&
                cfg.r_valid >= 1.0 && cfg.b_valid >= 1.0) ||
              cfg.reorder_reads || cfg.burst_on > 0;
  const uint32_t db = cfg_.data_bytes;
  if (db < 4 || db > kAxiMaxDataBytes || (db & (db - 1)) != 0) {
    throw std::invalid_argument(
        fmt::format("AxiMem: data_bytes {} is not one of 4, 8, 16, 32, 64", db));
  }
  if (cfg_.read_latency < 1 || cfg_.write_latency < 1) {
    throw std::invalid_argument(fmt::format(
        "AxiMem: read_latency {} and write_latency {} must be at least 1 (registered outputs)",
        cfg_.read_latency, cfg_.write_latency));
  }
  if (cfg_.max_reads < 1 || cfg_.max_writes < 1) {
    throw std::invalid_argument(fmt::format("AxiMem: max_reads {} and max_writes {} must be >= 1",
                                            cfg_.max_reads, cfg_.max_writes));
  }
  for (double p : {cfg_.ar_ready, cfg_.aw_ready, cfg_.w_ready, cfg_.r_valid, cfg_.b_valid}) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument(fmt::format("AxiMem: probability {} is outside [0, 1]", p));
    }
  }
  if ((cfg_.burst_on == 0) != (cfg_.burst_off == 0)) {
    throw std::invalid_argument(fmt::format(
        "AxiMem: burst_on {} and burst_off {} must both be 0 (off) or both > 0", cfg_.burst_on,
        cfg_.burst_off));
  }
  for (const auto& e : cfg_.errors) {
    if (e.base >= e.limit || (e.resp != kAxiSlvErr && e.resp != kAxiDecErr)) {
      throw std::invalid_argument(
          fmt::format("AxiMem: error range [0x{:x}, 0x{:x}) resp {}: need base < limit and resp "
                      "2 (SLVERR) or 3 (DECERR)",
                      e.base, e.limit, e.resp));
    }
  }
  compute_outputs();
}

// ---------------------------------------------------------------------------
// Backdoor memory

uint8_t* AxiMem::page(uint64_t addr) {
  auto& p = pages_.map[addr / kAxiPageBytes];
  if (!p) p = std::make_unique<std::array<uint8_t, kAxiPageBytes>>();  // zero-filled
  return p->data();
}

const uint8_t* AxiMem::page(uint64_t addr) const {
  const auto it = pages_.map.find(addr / kAxiPageBytes);
  return it == pages_.map.end() ? nullptr : it->second->data();
}

void AxiMem::write(uint64_t addr, const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const uint64_t a = addr + done;
    const size_t off = a % kAxiPageBytes;
    const size_t n = std::min(bytes.size() - done, size_t(kAxiPageBytes - off));
    std::memcpy(page(a) + off, bytes.data() + done, n);
    done += n;
  }
}

std::vector<uint8_t> AxiMem::read(uint64_t addr, size_t n) const {
  std::vector<uint8_t> out(n, 0);
  size_t done = 0;
  while (done < n) {
    const uint64_t a = addr + done;
    const size_t off = a % kAxiPageBytes;
    const size_t k = std::min(n - done, size_t(kAxiPageBytes - off));
    if (const uint8_t* p = page(a)) std::memcpy(out.data() + done, p + off, k);
    done += k;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Helpers

bool AxiMem::chance(double p) {
  // Always one draw, so the random sequence does not depend on p; except
  // when nothing ever reads the sequence (rng_used_ false: every
  // probability >= 1, so every chance() is true, no reordering, no bursty
  // periods), where the draw is skipped.
  if (!rng_used_) return true;
  const double u = double(rng_() >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
  return u < p;
}

void AxiMem::violation(const std::string& what) {
  violations_.push_back(fmt::format("cycle {}: {}", cycle_, what));
}

bool AxiMem::idle() const { return reads_.empty() && writes_.empty() && bresps_.empty(); }

uint64_t AxiMem::beat_addr(uint64_t addr, uint32_t size, uint32_t beat) const {
  const uint64_t n = uint64_t{1} << size;
  return beat == 0 ? addr : (addr & ~(n - 1)) + uint64_t(beat) * n;
}

void AxiMem::beat_lanes(uint64_t addr, uint32_t size, uint32_t beat, uint32_t& lo,
                        uint32_t& hi) const {
  const uint64_t n = uint64_t{1} << size;
  const uint64_t a = beat_addr(addr, size, beat);
  lo = uint32_t(a % cfg_.data_bytes);
  hi = uint32_t((a & ~(n - 1)) % cfg_.data_bytes + n - 1);
}

uint32_t AxiMem::error_resp(uint64_t addr, uint32_t len, uint32_t size, bool write) const {
  const uint64_t n = uint64_t{1} << size;
  const uint64_t end = (addr & ~(n - 1)) + uint64_t(len + 1) * n;  // exclusive
  for (const auto& e : cfg_.errors) {
    if ((write ? e.writes : e.reads) && addr < e.limit && e.base < end) return e.resp;
  }
  return kAxiOkay;
}

bool AxiMem::check_request(const char* ch, uint64_t addr, uint32_t len, uint32_t size,
                           uint32_t burst) {
  bool ok = true;
  if (burst != kAxiBurstIncr) {
    violation(fmt::format("{}: {}BURST {} ({}) at {}ADDR 0x{:x}: only INCR (1) is supported", ch,
                          ch, burst, burst_name(burst), ch, addr));
    ok = false;
  }
  if (len >= kAxiMaxBeats) {
    violation(fmt::format("{}: {}LEN {} at {}ADDR 0x{:x} exceeds 255 (256 beats)", ch, ch, len, ch,
                          addr));
    ok = false;
  }
  const uint32_t bus_size = log2u(cfg_.data_bytes);
  if (size > bus_size) {
    violation(fmt::format("{}: {}SIZE {} at {}ADDR 0x{:x} is wider than the {}-byte bus", ch, ch,
                          size, ch, addr, cfg_.data_bytes));
    ok = false;
  }
  const uint32_t l = std::min(len, kAxiMaxBeats - 1);
  const uint32_t s = std::min(size, bus_size);
  const uint64_t n = uint64_t{1} << s;
  const uint64_t last = (addr & ~(n - 1)) + uint64_t(l + 1) * n - 1;
  if (addr / kAxiPageBytes != last / kAxiPageBytes) {
    violation(fmt::format(
        "{}: burst {}ADDR 0x{:x} {}LEN {} {}SIZE {} crosses a 4 KiB boundary (last byte 0x{:x})",
        ch, ch, addr, ch, l, ch, s, last));
    ok = false;
  }
  return ok;
}

// ---------------------------------------------------------------------------
// Protocol checks of the master

void AxiMem::check_stability(const AxiMasterOut& in) {
  const AxiMasterOut& p = prev_in_;
  if (p.ar_valid && !prev_out_.ar_ready) {
    if (!in.ar_valid) {
      violation(fmt::format("AR: ARVALID dropped before ARREADY (ARADDR 0x{:x})", p.ar_addr));
    } else if (in.ar_id != p.ar_id || in.ar_addr != p.ar_addr || in.ar_len != p.ar_len ||
               in.ar_size != p.ar_size || in.ar_burst != p.ar_burst) {
      violation(
          fmt::format("AR: payload changed while ARVALID && !ARREADY: id/addr/len/size/burst "
                      "{}/0x{:x}/{}/{}/{} -> {}/0x{:x}/{}/{}/{}",
                      p.ar_id, p.ar_addr, p.ar_len, p.ar_size, p.ar_burst, in.ar_id, in.ar_addr,
                      in.ar_len, in.ar_size, in.ar_burst));
    }
  }
  if (p.aw_valid && !prev_out_.aw_ready) {
    if (!in.aw_valid) {
      violation(fmt::format("AW: AWVALID dropped before AWREADY (AWADDR 0x{:x})", p.aw_addr));
    } else if (in.aw_id != p.aw_id || in.aw_addr != p.aw_addr || in.aw_len != p.aw_len ||
               in.aw_size != p.aw_size || in.aw_burst != p.aw_burst) {
      violation(
          fmt::format("AW: payload changed while AWVALID && !AWREADY: id/addr/len/size/burst "
                      "{}/0x{:x}/{}/{}/{} -> {}/0x{:x}/{}/{}/{}",
                      p.aw_id, p.aw_addr, p.aw_len, p.aw_size, p.aw_burst, in.aw_id, in.aw_addr,
                      in.aw_len, in.aw_size, in.aw_burst));
    }
  }
  if (p.w_valid && !prev_out_.w_ready) {
    if (!in.w_valid) {
      violation("W: WVALID dropped before WREADY");
    } else {
      const uint32_t db = cfg_.data_bytes;
      const auto d = std::mismatch(p.w_data.begin(), p.w_data.begin() + db, in.w_data.begin());
      if (d.first != p.w_data.begin() + db) {
        const auto lane = d.first - p.w_data.begin();
        violation(
            fmt::format("W: WDATA changed while WVALID && !WREADY (lane {}: 0x{:02x} -> 0x{:02x})",
                        lane, *d.first, *d.second));
      } else if (in.w_strb != p.w_strb || in.w_last != p.w_last) {
        violation(
            fmt::format("W: WSTRB/WLAST changed while WVALID && !WREADY: 0x{:x}/{} -> 0x{:x}/{}",
                        p.w_strb, int(p.w_last), in.w_strb, int(in.w_last)));
      }
    }
  }
}

void AxiMem::check_w_beat(WriteBurst& wb, uint32_t beat) {
  uint32_t lo = 0, hi = 0;
  beat_lanes(wb.addr, wb.size, beat, lo, hi);
  const uint64_t strb = wb.beats[beat].strb;
  if (strb & ~lane_mask(lo, hi)) {
    violation(fmt::format(
        "W: WSTRB 0x{:x} of beat {} (accepted at cycle {}) sets lanes outside its byte lanes "
        "{}..{} (AWADDR 0x{:x} AWSIZE {}, {}-byte bus)",
        strb, beat, wb.beats[beat].cycle, lo, hi, wb.addr, wb.size,
        cfg_.data_bytes));
    wb.bad = true;
  }
}

// ---------------------------------------------------------------------------
// Handshakes

void AxiMem::accept_ar(const AxiMasterOut& in) {
  const bool ok = check_request("AR", in.ar_addr, in.ar_len, in.ar_size, in.ar_burst);
  ReadBurst rb;
  rb.id = in.ar_id;
  rb.addr = in.ar_addr;
  rb.len = std::min(in.ar_len, kAxiMaxBeats - 1);
  rb.size = std::min(in.ar_size, log2u(cfg_.data_bytes));
  rb.resp = ok ? error_resp(rb.addr, rb.len, rb.size, false) : kAxiSlvErr;
  rb.first_cycle = cycle_ + cfg_.read_latency;
  const uint32_t db = cfg_.data_bytes;
  rb.data.assign(size_t(rb.len + 1) * db, 0);
  if (rb.resp == kAxiOkay) {
    for (uint32_t b = 0; b <= rb.len; ++b) {
      uint32_t lo = 0, hi = 0;
      beat_lanes(rb.addr, rb.size, b, lo, hi);
      const uint64_t base = beat_addr(rb.addr, rb.size, b) / db * db;
      const std::vector<uint8_t> bytes = read(base + lo, hi - lo + 1);
      std::copy(bytes.begin(), bytes.end(), rb.data.begin() + size_t(b) * db + lo);
    }
  }
  AxiEvent e;
  e.cycle = cycle_;
  e.kind = AxiEvent::kAr;
  e.id = in.ar_id;
  e.addr = in.ar_addr;
  e.len = in.ar_len;
  if (cfg_.record_events) events_.push_back(e);
  reads_.push_back(std::move(rb));
}

void AxiMem::attach_aw(WriteBurst& wb) {
  const uint32_t n = uint32_t(wb.beats.size());
  const uint32_t want = wb.len + 1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!wb.beats[i].recorded) continue;
    AxiEvent& e = events_[wb.beats[i].event];
    e.id = wb.id;
    e.addr = beat_addr(wb.addr, wb.size, std::min(i, wb.len));
    e.len = wb.len;
  }
  if (n == 0) return;
  if (wb.w_done && n != want) {
    violation(fmt::format(
        "W: {} W beats arrived before their AW with WLAST on beat {}, but AWLEN {} (AWADDR 0x{:x}) "
        "means {} beats",
        n, n - 1, wb.len, wb.addr, want));
    wb.bad = true;
  } else if (!wb.w_done && n > want) {
    violation(fmt::format(
        "W: {} W beats arrived before their AW without WLAST, more than AWLEN {} (AWADDR 0x{:x}) "
        "allows",
        n, wb.len, wb.addr));
    wb.bad = true;
    wb.w_done = true;
  } else if (!wb.w_done && n == want) {
    violation(fmt::format("W: WLAST missing on the last beat (beat {}) of AWADDR 0x{:x} AWLEN {}",
                          n - 1, wb.addr, wb.len));
    wb.bad = true;
    wb.w_done = true;
  }
  for (uint32_t i = 0; i < std::min(n, want); ++i) check_w_beat(wb, i);
}

void AxiMem::accept_aw(const AxiMasterOut& in) {
  const bool ok = check_request("AW", in.aw_addr, in.aw_len, in.aw_size, in.aw_burst);
  AxiEvent e;
  e.cycle = cycle_;
  e.kind = AxiEvent::kAw;
  e.id = in.aw_id;
  e.addr = in.aw_addr;
  e.len = in.aw_len;
  if (cfg_.record_events) events_.push_back(e);
  // W beats follow AW order: the oldest burst without an AW owns this one.
  auto it =
      std::find_if(writes_.begin(), writes_.end(), [](const WriteBurst& w) { return !w.has_aw; });
  if (it == writes_.end()) it = writes_.insert(writes_.end(), WriteBurst{});
  WriteBurst& wb = *it;
  wb.has_aw = true;
  wb.id = in.aw_id;
  wb.addr = in.aw_addr;
  wb.len = std::min(in.aw_len, kAxiMaxBeats - 1);
  wb.size = std::min(in.aw_size, log2u(cfg_.data_bytes));
  wb.bad = wb.bad || !ok;
  attach_aw(wb);
}

void AxiMem::accept_w(const AxiMasterOut& in) {
  auto it =
      std::find_if(writes_.begin(), writes_.end(), [](const WriteBurst& w) { return !w.w_done; });
  if (it == writes_.end()) it = writes_.insert(writes_.end(), WriteBurst{});
  WriteBurst& wb = *it;
  const uint32_t beat = uint32_t(wb.beats.size());
  AxiEvent e;
  e.cycle = cycle_;
  e.kind = AxiEvent::kW;
  if (wb.has_aw) {
    e.id = wb.id;
    e.addr = beat_addr(wb.addr, wb.size, beat);
    e.len = wb.len;
  }
  e.data = in.w_data;
  std::fill(e.data.begin() + cfg_.data_bytes, e.data.end(), 0);
  e.strb = in.w_strb;
  e.last = in.w_last;
  WBeat wbeat;
  wbeat.data = e.data;
  wbeat.strb = in.w_strb;
  wbeat.last = in.w_last;
  wbeat.cycle = cycle_;
  if (cfg_.record_events) {
    wbeat.recorded = true;
    wbeat.event = events_.size();
    events_.push_back(e);
  }
  wb.beats.push_back(wbeat);
  if (wb.has_aw) {
    check_w_beat(wb, beat);
    if (beat == wb.len) {
      wb.w_done = true;
      if (!in.w_last) {
        violation(
            fmt::format("W: WLAST missing on the last beat (beat {}) of AWADDR 0x{:x} AWLEN {}",
                        beat, wb.addr, wb.len));
        wb.bad = true;
      }
    } else if (in.w_last) {
      violation(fmt::format("W: WLAST on beat {} but AWLEN {} (AWADDR 0x{:x}) means {} beats", beat,
                            wb.len, wb.addr, wb.len + 1));
      wb.bad = true;
    }
  } else if (in.w_last) {
    wb.w_done = true;
  } else if (wb.beats.size() == kAxiMaxBeats) {
    violation("W: 256 W beats without WLAST (and no AW yet)");
    wb.bad = true;
    wb.w_done = true;
  }
}

void AxiMem::retire_r() {
  ReadBurst& rb = reads_[size_t(r_current_)];
  if (cfg_.record_events) {
    AxiEvent& e = events_.emplace_back();
    e.cycle = cycle_;
    e.kind = AxiEvent::kR;
    e.id = out_.r_id;
    e.addr = beat_addr(rb.addr, rb.size, rb.next_beat);
    e.len = rb.len;
    e.data = out_.r_data;
    e.resp = out_.r_resp;
    e.last = out_.r_last;
  }
  if (++rb.next_beat > rb.len) {
    reads_.erase(reads_.begin() + r_current_);
    r_current_ = -1;
  }
}

void AxiMem::retire_b() {
  const BResp& b = bresps_.front();
  AxiEvent e;
  e.cycle = cycle_;
  e.kind = AxiEvent::kB;
  e.id = b.id;
  e.addr = b.addr;
  e.len = b.len;
  e.resp = b.resp;
  if (cfg_.record_events) events_.push_back(e);
  bresps_.pop_front();
}

void AxiMem::complete_writes() {
  const uint32_t db = cfg_.data_bytes;
  while (!writes_.empty() && writes_.front().has_aw && writes_.front().w_done) {
    const WriteBurst& wb = writes_.front();
    BResp b;
    b.id = wb.id;
    b.addr = wb.addr;
    b.len = wb.len;
    b.resp = wb.bad ? kAxiSlvErr : error_resp(wb.addr, wb.len, wb.size, true);
    b.first_cycle = cycle_ + cfg_.write_latency;
    if (b.resp == kAxiOkay) {
      for (uint32_t i = 0; i <= wb.len; ++i) {
        const WBeat& beat = wb.beats[i];
        const uint64_t base = beat_addr(wb.addr, wb.size, i) / db * db;
        for (uint32_t lane = 0; lane < db; ++lane) {
          if (beat.strb >> lane & 1)
            page(base + lane)[(base + lane) % kAxiPageBytes] = beat.data[lane];
        }
      }
    }
    bresps_.push_back(b);
    writes_.pop_front();
  }
}

// ---------------------------------------------------------------------------
// The edge

void AxiMem::clear_r() {
  out_.r_valid = false;
  out_.r_id = 0;
  out_.r_data.fill(0);
  out_.r_resp = 0;
  out_.r_last = false;
}

void AxiMem::clear_b() {
  out_.b_valid = false;
  out_.b_id = 0;
  out_.b_resp = 0;
}

bool AxiMem::w_can_accept() const {
  const bool open =
      std::any_of(writes_.begin(), writes_.end(), [](const WriteBurst& w) { return !w.w_done; });
  return open || writes_.size() + bresps_.size() < cfg_.max_writes;
}

void AxiMem::compute_outputs() {
  // Bursty mode: a new period's length is drawn first, at its boundary.
  if (cfg_.burst_on > 0) {
    if (period_left_ == 0) {
      stalled_ = !stalled_;
      const uint64_t mean = stalled_ ? cfg_.burst_off : cfg_.burst_on;
      period_left_ = uint32_t(1 + rng_() % (2 * mean - 1));
    }
    --period_left_;
  }
  const bool on = !(cfg_.burst_on > 0 && stalled_);
  const bool ar_r = chance(cfg_.ar_ready) && on;
  const bool aw_r = chance(cfg_.aw_ready) && on;
  const bool w_r = chance(cfg_.w_ready) && on;
  out_.ar_ready = ar_r && reads_.size() < cfg_.max_reads;
  const bool w_waits_for_aw =
      std::any_of(writes_.begin(), writes_.end(), [](const WriteBurst& w) { return !w.has_aw; });
  out_.aw_ready = aw_r && (w_waits_for_aw || writes_.size() + bresps_.size() < cfg_.max_writes);
  out_.w_ready = w_r && w_can_accept();

  // R: a beat once offered stays until its handshake; bursts are not
  // interleaved.
  if (!out_.r_valid) {
    const bool offer = chance(cfg_.r_valid) && on;
    if (r_current_ < 0) {
      std::vector<size_t> cand;
      for (size_t i = 0; i < reads_.size(); ++i) {
        if (reads_[i].first_cycle > cycle_) continue;
        const bool oldest_of_id =
            std::none_of(reads_.begin(), reads_.begin() + i,
                         [&](const ReadBurst& o) { return o.id == reads_[i].id; });
        if (i == 0 || (cfg_.reorder_reads && oldest_of_id)) cand.push_back(i);
      }
      if (offer && !cand.empty()) {
        const size_t pick = cand.size() == 1 ? 0 : size_t(rng_() % cand.size());
        r_current_ = int64_t(cand[pick]);
      }
    }
    if (offer && r_current_ >= 0) {
      const ReadBurst& rb = reads_[size_t(r_current_)];
      out_.r_valid = true;
      out_.r_id = rb.id;
      std::copy(rb.data.begin() + size_t(rb.next_beat) * cfg_.data_bytes,
                rb.data.begin() + size_t(rb.next_beat + 1) * cfg_.data_bytes, out_.r_data.begin());
      out_.r_resp = rb.resp;
      out_.r_last = rb.next_beat == rb.len;
    }
  }

  if (!out_.b_valid) {
    const bool offer = chance(cfg_.b_valid) && on;
    if (offer && !bresps_.empty() && bresps_.front().first_cycle <= cycle_) {
      out_.b_valid = true;
      out_.b_id = bresps_.front().id;
      out_.b_resp = bresps_.front().resp;
    }
  }
}

void AxiMem::reset() {
  reads_.clear();
  r_current_ = -1;
  writes_.clear();
  bresps_.clear();
  out_ = AxiSlaveOut{};
  // No stability check across the reset: the master starts from idle pins.
  prev_in_ = AxiMasterOut{};
  prev_out_ = AxiSlaveOut{};
  compute_outputs();
}

void AxiMem::tick(const AxiMasterOut& in) {
  const size_t violations_before = violations_.size();
  check_stability(in);
  if (in.ar_valid && out_.ar_ready) accept_ar(in);
  if (in.aw_valid && out_.aw_ready) accept_aw(in);
  if (in.w_valid && out_.w_ready) accept_w(in);
  const bool r_hs = out_.r_valid && in.r_ready;
  const bool b_hs = out_.b_valid && in.b_ready;
  if (r_hs) retire_r();
  if (b_hs) retire_b();
  complete_writes();

  prev_in_ = in;
  prev_out_ = out_;
  ++cycle_;
  if (r_hs) clear_r();
  if (b_hs) clear_b();
  compute_outputs();

  if (cfg_.throw_on_violation && !thrown_ && violations_.size() > violations_before) {
    thrown_ = true;
    throw std::runtime_error(violations_[violations_before]);
  }
}

void AxiMem::check_end() {
  const size_t violations_before = violations_.size();
  for (const WriteBurst& wb : writes_) {
    if (!wb.has_aw && !wb.beats.empty()) {
      violation(fmt::format("W: {} W beat{} (first accepted at cycle {}) never got an AW",
                            wb.beats.size(), wb.beats.size() == 1 ? "" : "s",
                            wb.beats.front().cycle));
    }
  }
  if (cfg_.throw_on_violation && !thrown_ && violations_.size() > violations_before) {
    thrown_ = true;
    throw std::runtime_error(violations_[violations_before]);
  }
}

}  // namespace loom
