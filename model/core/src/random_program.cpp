// Constrained-random legal programs (loom/random_program.h).
//
// Ordering scheme: every work instruction signals the semaphore of its
// *stream* (0 DMA queue 0, 1 DMA queue 1, 2 LDW, 3 MM, 4 ACT), by 1 or
// sometimes 2..4; its ordinal is the stream's running total after it, so
// sem[s] >= ordinal means "that instruction of stream s has completed"
// (each stream completes in order). Each instruction's memory accesses
// (SBUF, PSUM, DRAM rectangles) are recorded; a new instruction waits, per
// other stream, for the last earlier instruction it conflicts with (read
// after write, write after read, write after write). The first wait rides
// on the instruction, the others on SYNCs placed before it in its queue.
// Waits only name earlier instructions, so no deadlock; LDW and MM share
// the in-order PE queue and touch disjoint state (MM reads only SBUF and
// weights of an earlier LDW), so they are not ordered against each other.
#include "loom/random_program.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <stdexcept>

#include "loom/program_exec.h"

namespace loom {
namespace {

constexpr uint64_t kWinBase = 0x80000000;
constexpr uint64_t kProgArea = 0x10000;  // 2048 instructions at most
constexpr uint32_t kStreams = 5;
enum Stream : uint32_t { kDma0S = 0, kDma1S = 1, kLdwS = 2, kMmS = 3, kActS = 4 };

enum class Mem { kSbuf, kPsum, kDram };
// A rectangle: rows [r0, r1) (partitions; the PSUM bank * P + partition) x
// bytes / entries / addresses [a0, a1).
struct Region {
  Mem mem;
  uint64_t r0, r1, a0, a1;
  bool overlaps(const Region& o) const {
    return mem == o.mem && r0 < o.r1 && o.r0 < r1 && a0 < o.a1 && o.a0 < a1;
  }
};
struct Access {
  uint32_t stream;
  uint32_t ordinal;  // sem[stream] value once this instruction completed (running total)
  Region region;
  bool write;
};

class Generator {
 public:
  Generator(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt)
      : c_(cfg), opt_(opt), rng_(seed ^ 0x9e3779b97f4a7c15ull) {
    P_ = c_.partitions;
    // The SBUF area the program uses: at most 2 KiB per partition at a
    // random 64-byte-aligned base, since the co-simulation reads back every
    // written SBUF byte one debug access at a time (all 8 KiB x 16 on medium
    // took most of a run's time); different seeds cover different addresses.
    sb_n_ = opt.sbuf_span ? std::min(opt.sbuf_span, c_.sbuf_bytes) : std::min<uint32_t>(c_.sbuf_bytes, 2048);
    sb_lo_ = uni(0, (c_.sbuf_bytes - sb_n_) / 64) * 64;
    psum_written_.assign(size_t(c_.psum_banks) * P_ * c_.psum_entries, false);
    rp_.dram_base = kWinBase;
    rp_.prog_base = kWinBase;
    rp_.data_base = kWinBase + kProgArea;
    in_bytes_ = uint64_t(P_) * sb_n_ + 4096;
    rp_.out_bytes = 16384;
    rp_.out_base = rp_.data_base + in_bytes_;
    rp_.data.assign(in_bytes_ + rp_.out_bytes, 0);
    for (uint64_t i = 0; i < in_bytes_; ++i) rp_.data[i] = uint8_t(rng_());
    rp_.dram_limit = rp_.out_base + rp_.out_bytes;
  }

  RandomProgram run() {
    // Prologue: the used SBUF area from DRAM, so every later read sees written bytes.
    DmaDesc init;
    init.dram_addr = rp_.data_base;
    init.row_stride = sb_n_;
    init.rows = P_;
    init.row_bytes = sb_n_;
    init.sbuf_addr = sb_lo_;
    emit_dma(0, init);
    const uint32_t n = uni(opt_.min_ops, opt_.max_ops);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t k = uni(0, 99);
      if (k < 25) gen_load();
      else if (k < 40) gen_store();
      else if (k < 52) gen_ldw();
      else if (k < 70) gen_mm();
      else if (k < 92) gen_act();
      else if (k < 96) rp_.program.push_back(Instr::nop());
      else gen_sync_seq();
    }
    Instr end = Instr::end();
    if (uni(0, 1)) {  // END may wait, for a count that is reached
      const uint32_t s = uni(0, kStreams - 1);
      if (count_[s] > 0) end.wait(s, uni(1, count_[s]));
    }
    rp_.program.push_back(end);
    if (opt_.illegal != InjectedError::kNone) inject();
    if (rp_.program.size() * kInstrBytes > kProgArea) throw std::logic_error("random program too long");
    return rp_;
  }

 private:
  uint32_t uni(uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng_); }
  uint64_t uni64(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  // A small value most of the time, sometimes the largest: edges matter.
  uint32_t size_in(uint32_t lo, uint32_t hi) {
    const uint32_t r = uni(0, 9);
    if (r == 0) return hi;
    if (r == 1) return lo;
    if (r < 6) return uni(lo, std::min(hi, lo + 8));
    return uni(lo, hi);
  }
  Region sbuf(uint32_t p0, uint32_t np, uint64_t a0, uint64_t n) const {
    return {Mem::kSbuf, p0, uint64_t(p0) + np, a0, a0 + n};
  }
  Region psum(uint32_t bank, uint32_t p0, uint32_t np, uint32_t off, uint32_t f) const {
    return {Mem::kPsum, uint64_t(bank) * P_ + p0, uint64_t(bank) * P_ + p0 + np, off, uint64_t(off) + f};
  }

  static Engine engine_of(uint32_t stream) {
    switch (stream) {
      case kDma0S: return Engine::kDma0;
      case kDma1S: return Engine::kDma1;
      case kLdwS:
      case kMmS: return Engine::kPe;
      default: return Engine::kAct;
    }
  }
  static uint32_t queue_of(uint32_t stream) { return stream == kMmS ? kLdwS : stream; }

  // Appends `ins` (of `stream`, with `acc` accesses) after the SYNCs its
  // ordering needs; it signals its stream.
  void emit(Instr ins, uint32_t stream, const std::vector<std::pair<Region, bool>>& acc) {
    std::array<uint32_t, kStreams> need{};
    for (const Access& a : accesses_) {
      if (queue_of(a.stream) == queue_of(stream) && a.stream != kActS) continue;  // in-order queue
      if (a.stream == kLdwS && stream == kMmS) continue;
      for (const auto& [r, w] : acc)
        if ((w || a.write) && r.overlaps(a.region)) need[a.stream] = std::max(need[a.stream], a.ordinal);
    }
    const uint32_t q = queue_of(stream);
    std::vector<std::pair<uint32_t, uint32_t>> waits;
    for (uint32_t s = 0; s < kStreams; ++s)
      if (need[s] > satisfied_[q][s]) waits.push_back({s, need[s]});
    std::shuffle(waits.begin(), waits.end(), rng_);
    for (size_t i = 0; i < waits.size(); ++i) {
      const auto [s, v] = waits[i];
      satisfied_[q][s] = v;
      if (i + 1 == waits.size()) {
        ins.wait(s, v);
      } else {
        rp_.program.push_back(Instr::sync(engine_of(stream)).wait(s, v));
      }
    }
    // Mostly by 1, sometimes by more: a wait for the running total still
    // means "this instruction has completed", since a stream completes in order.
    const uint32_t inc = uni(0, 7) == 0 ? uni(2, 4) : 1;
    ins.signal(stream, inc);
    rp_.program.push_back(ins);
    const uint32_t ord = count_[stream] += inc;
    for (const auto& [r, w] : acc) accesses_.push_back({stream, ord, r, w});
  }

  void emit_dma(uint32_t queue, const DmaDesc& d) {
    const uint64_t span = uint64_t(d.planes - 1) * d.plane_stride + uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
    const Region dram{Mem::kDram, 0, 1, d.dram_addr, d.dram_addr + span};
    const Region sb = sbuf(d.sbuf_part, d.rows, d.sbuf_addr, uint64_t(d.planes) * d.row_bytes);
    emit(Instr::dma(queue, d), queue, {{dram, d.is_store()}, {sb, !d.is_store()}});
  }

  // A DMA shape that fits the SBUF and a DRAM area of `area` bytes.
  DmaDesc dma_shape(uint64_t area) {
    DmaDesc d;
    for (;;) {
      d.rows = size_in(1, P_);
      d.sbuf_part = uni(0, P_ - d.rows);
      d.planes = uni(0, 3) == 0 ? size_in(1, 4) : 1;
      d.row_bytes = size_in(1, std::min<uint32_t>(sb_n_ / d.planes, 512));
      d.sbuf_addr = sb_lo_ + uni(0, sb_n_ - d.planes * d.row_bytes);
      const uint32_t gap = uni(0, 2) == 0 ? 0 : size_in(0, 64);
      d.row_stride = d.row_bytes + gap;
      d.plane_stride = d.rows * d.row_stride + (uni(0, 1) ? 0 : size_in(0, 64));
      const uint64_t span =
          uint64_t(d.planes - 1) * d.plane_stride + uint64_t(d.rows - 1) * d.row_stride + d.row_bytes;
      if (span <= area) {
        d.dram_addr = uni64(0, area - span);
        return d;
      }
    }
  }

  void gen_load() {
    DmaDesc d = dma_shape(in_bytes_);
    if (uni(0, 4) == 0) d.row_stride = 0, d.plane_stride = uni(0, 1) ? 0 : d.row_bytes;  // broadcast rows
    d.dram_addr += rp_.data_base;
    emit_dma(uni(0, 1), d);
  }
  void gen_store() {
    DmaDesc d = dma_shape(rp_.out_bytes);
    d.dram_addr += rp_.out_base;
    d.dir = 1;
    emit_dma(uni(0, 1), d);
  }

  void gen_ldw() {
    const uint32_t k = size_in(1, P_), m = size_in(1, P_);
    const uint32_t addr = sb_lo_ + uni(0, sb_n_ - m);
    emit(Instr::pe(PeCmd::ldw(addr, k, m)), kLdwS, {{sbuf(0, k, addr, m), false}});
    w_k_ = k;
    w_m_ = m;
  }

  bool psum_all_written(uint32_t bank, uint32_t p0, uint32_t np, uint32_t off, uint32_t f) const {
    for (uint32_t p = p0; p < p0 + np; ++p)
      for (uint32_t e = off; e < off + f; ++e)
        if (!psum_written_[(size_t(bank) * P_ + p) * c_.psum_entries + e]) return false;
    return true;
  }

  void gen_mm() {
    if (w_k_ == 0) return gen_ldw();  // MM needs weights
    const uint32_t f = size_in(1, c_.psum_entries);
    const uint32_t bank = uni(0, c_.psum_banks - 1);
    const uint32_t off = uni(0, c_.psum_entries - f);
    const uint32_t addr = sb_lo_ + uni(0, sb_n_ - f);
    const bool acc = uni(0, 1) && psum_all_written(bank, 0, w_m_, off, f);
    std::vector<std::pair<Region, bool>> a{{sbuf(0, w_k_, addr, f), false},
                                           {psum(bank, 0, w_m_, off, f), true}};
    if (acc) a.push_back({psum(bank, 0, w_m_, off, f), false});
    emit(Instr::pe(PeCmd::mm(addr, f, bank, off, acc)), kMmS, a);
    for (uint32_t p = 0; p < w_m_; ++p)
      for (uint32_t e = off; e < off + f; ++e) psum_written_[(size_t(bank) * P_ + p) * c_.psum_entries + e] = true;
  }

  void gen_act() {
    Instr::Act a;
    a.mode = uni(0, 2) == 0 ? ActMode::kCopy : ActMode::kRequant;
    const bool copy = a.mode == ActMode::kCopy;
    a.m = size_in(1, P_);
    a.part = uni(0, P_ - a.m);
    const uint32_t out_w = copy ? 4 : 1;
    std::vector<std::pair<Region, bool>> acc;
    // PSUM source when a written block exists (a few tries), else SBUF.
    bool from_psum = false;
    if (uni(0, 2) != 0) {
      for (int t = 0; t < 8 && !from_psum; ++t) {
        a.f = size_in(1, c_.psum_entries);
        a.psum_bank = uni(0, c_.psum_banks - 1);
        a.psum_off = uni(0, c_.psum_entries - a.f);
        from_psum = psum_all_written(a.psum_bank, a.part, a.m, a.psum_off, a.f);
      }
    }
    if (from_psum) {
      acc.push_back({psum(a.psum_bank, a.part, a.m, a.psum_off, a.f), false});
      a.dst_addr = sb_lo_ + uni(0, (sb_n_ - a.f * out_w) / out_w) * out_w;
    } else {
      a.psum_bank = a.psum_off = 0;
      a.src_sbuf = true;
      // Source and destination must not overlap: try until they do not.
      for (;;) {
        a.f = size_in(1, std::min(c_.psum_entries, sb_n_ / 8));
        a.src_addr = sb_lo_ + uni(0, (sb_n_ - 4 * a.f) / 4) * 4;
        a.dst_addr = sb_lo_ + uni(0, (sb_n_ - a.f * out_w) / out_w) * out_w;
        if (a.dst_addr + a.f * out_w <= a.src_addr || a.src_addr + 4 * a.f <= a.dst_addr) break;
      }
      acc.push_back({sbuf(a.part, a.m, a.src_addr, 4ull * a.f), false});
    }
    acc.push_back({sbuf(a.part, a.m, a.dst_addr, uint64_t(a.f) * out_w), true});
    if (!copy) {
      a.relu = uni(0, 1);
      a.shift = uni(0, 4) == 0 ? uni(0, 63) : uni(0, 16);
      if (uni(0, 2) == 0) {
        a.bs_sbuf = true;
        a.bs_addr = sb_lo_ + uni(0, sb_n_ / 8 - 1) * 8;
        acc.push_back({sbuf(a.part, a.m, a.bs_addr, 8), false});
      } else if (uni(0, 1) == 0) {
        // A rounding probe: the bias puts the first element exactly half way,
        // t = x + bias = +-1, scale 2^j, shift j + 1: y = round_shift(+-2^j, j + 1)
        // = 1 or 0 (ties round up), so an ACT that rounds ties wrong differs
        // (make mutate's act_round); random values almost never hit a tie.
        const int64_t b = (uni(0, 1) ? 1 : -1) - int64_t(first_act_input(a));
        const uint32_t j = uni(0, 14);
        a.bias = (b >= INT32_MIN && b <= INT32_MAX) ? int32_t(b) : 0;
        a.scale = int32_t(1u << j);
        a.shift = j + 1;
        a.relu = false;
      } else {
        a.bias = int32_t(uint32_t(rng_()));
        if (uni(0, 1)) a.bias = int32_t(uni(0, 512)) - 256;
        a.scale = int32_t(uni(0, 65535)) - 32768;
      }
    }
    emit(Instr::act(a), kActS, acc);
  }

  // The first element ACT `a` will read (partition a.part, element 0): what
  // the functional executor leaves there after the program so far, which is
  // what the ACT reads, as the waits leave no race.
  int32_t first_act_input(const Instr::Act& a) {
    std::vector<Instr> prefix = rp_.program;
    prefix.push_back(Instr::end());
    const ExecResult r = execute_program(c_, prefix, rp_.window_image(), rp_.dram_base);
    if (!r.ok()) throw std::logic_error("random program prefix failed: " + r.message);
    if (!a.src_sbuf) return r.core.psum().value(a.part, a.psum_bank, a.psum_off);
    uint8_t w[4];
    r.core.sbuf().read(a.part, a.src_addr, w, 4);
    return int32_t(uint32_t(w[0]) | uint32_t(w[1]) << 8 | uint32_t(w[2]) << 16 | uint32_t(w[3]) << 24);
  }

  void inject() {
    Instr bad = Instr::nop();
    CoreError code = CoreError::kOk;
    switch (opt_.illegal) {
      case InjectedError::kSbufRange: {
        const uint32_t m = size_in(1, P_);
        bad = Instr::pe(PeCmd::ldw(c_.sbuf_bytes - m + 1, size_in(1, P_), m));
        code = CoreError::kSbufRange;
        break;
      }
      case InjectedError::kPsumRange: {
        const uint32_t f = size_in(1, c_.psum_entries);
        bad = Instr::pe(PeCmd::mm(sb_lo_, f, uni(0, c_.psum_banks - 1), c_.psum_entries - f + 1, false));
        code = CoreError::kPsumRange;
        break;
      }
      case InjectedError::kDramWindow: {
        DmaDesc d;
        d.rows = size_in(1, P_);
        d.row_bytes = size_in(1, 64);
        d.row_stride = d.row_bytes;
        d.sbuf_addr = sb_lo_;
        d.dram_addr = rp_.dram_limit - uint64_t(d.rows) * d.row_bytes + 1;
        bad = Instr::dma(uni(0, 1), d);
        code = CoreError::kDramWindow;
        break;
      }
      case InjectedError::kSemTimeout:
        bad = Instr::sync(Engine::kSeq).wait(kDefaultSemaphores - 1, 1);  // never signalled
        code = CoreError::kSemTimeout;
        break;
      case InjectedError::kIllegalField:
        bad = Instr::sync(Engine::kSeq).wait(kDefaultSemaphores + uni(0, kMaxSemaphores - kDefaultSemaphores - 1), 1);
        code = CoreError::kIllegalField;
        break;
      case InjectedError::kSemOverflow: {
        // 257 x 255 = 0xffff fits; the 258th signal overflows. Semaphore 14:
        // the streams use 0..4, the timeout injection 15.
        const size_t at = uni(1, uint32_t(rp_.program.size() - 1));
        const Instr sig = Instr::sync(Engine::kSeq).signal(kDefaultSemaphores - 2, 255);
        const std::vector<Instr> syncs(kSemMax / 255 + 1, sig);
        rp_.program.insert(rp_.program.begin() + long(at), syncs.begin(), syncs.end());
        rp_.expected_error = CoreError::kSemOverflow;
        rp_.error_index = at + syncs.size() - 1;
        return;
      }
      case InjectedError::kProgramOverrun:
        rp_.program.pop_back();  // END
        rp_.expected_error = CoreError::kProgramOverrun;
        rp_.error_index = rp_.program.size();
        return;
      case InjectedError::kAxiSlvErr:
      case InjectedError::kAxiDecErr: {
        // Legal for the core (inside the window), refused by the DRAM.
        rp_.poison_bytes = 64;
        rp_.poison_base = rp_.dram_limit;
        rp_.dram_limit += rp_.poison_bytes;
        rp_.data.resize(rp_.data.size() + rp_.poison_bytes, 0);
        DmaDesc d;
        d.rows = size_in(1, P_);
        d.row_bytes = size_in(1, 64 / d.rows);
        d.row_stride = d.row_bytes;
        d.sbuf_addr = sb_lo_;
        d.dram_addr = rp_.poison_base;
        bad = Instr::dma(uni(0, 1), d);
        code = opt_.illegal == InjectedError::kAxiSlvErr ? CoreError::kAxiSlvErr : CoreError::kAxiDecErr;
        break;
      }
      case InjectedError::kIllegalOpcode:
      case InjectedError::kReserved: {
        // A NOP, then patched in its encoding: opcode 0x01 becomes an
        // unassigned one, or one bit of an unused word is set.
        constexpr uint8_t kUnassigned[] = {0x00, 0x04, 0x0f, 0x11, 0x22, 0x31, 0x40, 0x7f, 0xff};
        rp_.patch_xor = {};
        if (opt_.illegal == InjectedError::kIllegalOpcode) {
          rp_.patch_xor[0] = uint64_t(0x01 ^ kUnassigned[uni(0, uint32_t(std::size(kUnassigned) - 1))]);
          code = CoreError::kIllegalOpcode;
        } else {
          rp_.patch_xor[uni(1, 3)] = uint64_t(1) << uni(0, 63);
          code = CoreError::kReserved;
        }
        const size_t at = uni(1, uint32_t(rp_.program.size() - 1));
        rp_.program.insert(rp_.program.begin() + long(at), Instr::nop());
        rp_.patch_index = at;
        rp_.expected_error = code;
        rp_.error_index = at;
        return;
      }
      case InjectedError::kNone:
        return;
    }
    const size_t at = uni(1, uint32_t(rp_.program.size() - 1));  // after the prologue, before END
    rp_.program.insert(rp_.program.begin() + long(at), bad);
    rp_.expected_error = code;
    rp_.error_index = at;
  }

  // SYNC seq waiting for a count an earlier instruction reaches.
  void gen_sync_seq() {
    const uint32_t s = uni(0, kStreams - 1);
    if (count_[s] == 0) return rp_.program.push_back(Instr::nop());
    rp_.program.push_back(Instr::sync(Engine::kSeq).wait(s, uni(1, count_[s])));
  }

  const Config& c_;
  RandomProgramOptions opt_;
  std::mt19937_64 rng_;
  uint32_t P_ = 0;
  uint64_t in_bytes_ = 0;
  uint32_t sb_lo_ = 0, sb_n_ = 0;  // the SBUF bytes [sb_lo_, sb_lo_ + sb_n_) of every partition
  RandomProgram rp_;
  std::vector<Access> accesses_;
  std::array<uint32_t, kStreams> count_{};
  std::array<std::array<uint32_t, kStreams>, kStreams> satisfied_{};  // [queue][stream]
  std::vector<bool> psum_written_;
  uint32_t w_k_ = 0, w_m_ = 0;  // the last LDW's K and M (0: none yet)
};

}  // namespace

std::vector<uint8_t> RandomProgram::program_bytes() const {
  std::vector<uint8_t> bytes = encode_program(program);
  if (patch_index < program.size())
    for (size_t w = 0; w < 4; ++w)
      for (size_t b = 0; b < 8; ++b) bytes[patch_index * 32 + w * 8 + b] ^= uint8_t(patch_xor[w] >> (8 * b));
  return bytes;
}

std::vector<uint8_t> RandomProgram::window_image() const {
  std::vector<uint8_t> img(size_t(dram_limit - dram_base), 0);
  const std::vector<uint8_t> words = program_bytes();
  std::copy(words.begin(), words.end(), img.begin() + (prog_base - dram_base));
  std::copy(data.begin(), data.end(), img.begin() + (data_base - dram_base));
  return img;
}

RandomProgram random_program(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt) {
  if (opt.min_ops > opt.max_ops || opt.max_ops > 1000 || (opt.sbuf_span != 0 && opt.sbuf_span < 64))
    throw std::invalid_argument("random_program: need min_ops <= max_ops <= 1000 and sbuf_span 0 or >= 64");
  return Generator(cfg, seed, opt).run();
}

}  // namespace loom
