// Untimed functional executor of a whole program (docs/model.md "The
// functional executor").
#include "loom/program_exec.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <random>

#include "loom/dma_engine_model.h"

namespace loom {

const char* exec_queue_name(ExecQueue q) {
  switch (q) {
    case ExecQueue::kSeq:
      return "seq";
    case ExecQueue::kDma0:
      return "dma0";
    case ExecQueue::kDma1:
      return "dma1";
    case ExecQueue::kPe:
      return "pe";
    case ExecQueue::kAct:
      return "act";
  }
  return "?";
}

ExecQueue queue_of(const Instr& in) {
  if (const auto* s = std::get_if<Instr::Sync>(&in.op)) {
    switch (s->engine) {
      case Engine::kPe:
        return ExecQueue::kPe;
      case Engine::kAct:
        return ExecQueue::kAct;
      case Engine::kDma0:
        return ExecQueue::kDma0;
      case Engine::kDma1:
        return ExecQueue::kDma1;
      default:
        return ExecQueue::kSeq;
    }
  }
  if (const auto* d = std::get_if<Instr::Dma>(&in.op))
    return d->queue ? ExecQueue::kDma1 : ExecQueue::kDma0;
  if (std::holds_alternative<Instr::Pe>(in.op)) return ExecQueue::kPe;
  if (std::holds_alternative<Instr::Act>(in.op)) return ExecQueue::kAct;
  return ExecQueue::kSeq;
}

namespace {

constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();

class Executor {
 public:
  // decode_errors: for a binary program, the decode error of each word
  // (code kOk if it decoded; prog holds a NOP in its place otherwise).
  Executor(const Config& cfg, const std::vector<Instr>& prog, std::vector<uint8_t> dram,
           uint64_t dram_base, const ExecOptions& opt,
           const std::vector<std::pair<CoreError, std::string>>* decode_errors = nullptr)
      : cfg_(cfg),
        prog_(prog),
        decode_errors_(decode_errors),
        base_(dram_base),
        opt_(opt),
        r_(cfg),
        rng_(opt.seed) {
    r_.dram = std::move(dram);
    r_.sems.assign(opt.semaphores, 0);
  }

  ExecResult run() {
    if (opt_.semaphores < 1 || opt_.semaphores > kMaxSemaphores) {
      fail(CoreError::kIllegalField, 0,
           fmt::format("Semaphores = {} out of range 1..{}", opt_.semaphores, kMaxSemaphores));
      return std::move(r_);
    }
    for (;;) {
      const bool queues_empty =
          std::all_of(q_.begin(), q_.end(), [](const auto& q) { return q.empty(); });
      if (end_reached_ && queues_empty) {
        r_.done = true;
        return std::move(r_);
      }
      // Candidates: the head of every engine queue, and the sequencer's next
      // instruction (unless END stopped it). Pick the lowest ready index
      // (or as ExecOptions::order says).
      ready_.clear();
      uint64_t blocked = kNone;
      for (uint32_t e = 1; e < kExecQueues; ++e) {
        if (q_[e].empty()) continue;
        const uint32_t h = q_[e].front();
        if (wait_ok(prog_[h]))
          ready_.push_back({h, int(e)});
        else
          blocked = std::min<uint64_t>(blocked, h);
      }
      if (!end_reached_) {
        const uint64_t n = pc_;
        // Only a sequencer instruction (SYNC seq, END) waits before dispatch.
        const bool ready =
            n >= prog_.size() || queue_of(prog_[n]) != ExecQueue::kSeq || wait_ok(prog_[n]);
        if (ready)
          ready_.push_back({n, 0});
        else
          blocked = std::min(blocked, n);
      }
      uint64_t best = kNone;
      int best_q = -1;
      if (!ready_.empty()) {
        const auto& rank = opt_.queue_rank;
        auto by_index = [&rank](const auto& x, const auto& y) {
          const uint8_t rx = rank[x.second], ry = rank[y.second];
          return rx != ry ? rx < ry : x.first < y.first;
        };
        auto by_index_desc = [&rank](const auto& x, const auto& y) {
          const uint8_t rx = rank[x.second], ry = rank[y.second];
          return rx != ry ? rx < ry : x.first > y.first;
        };
        const auto pick = opt_.order == ExecOrder::kLowestIndex
                              ? std::min_element(ready_.begin(), ready_.end(), by_index)
                          : opt_.order == ExecOrder::kHighestIndex
                              ? std::min_element(ready_.begin(), ready_.end(), by_index_desc)
                              : ready_.begin() + std::uniform_int_distribution<size_t>(
                                                     0, ready_.size() - 1)(rng_);
        best = pick->first;
        best_q = pick->second;
      }
      if (best == kNone) {
        const Instr& in = prog_[blocked];
        fail(CoreError::kSemTimeout, blocked,
             fmt::format("deadlock: {} waits for s{} >= {} (s{} = {}) and no instruction can run",
                         to_string(in), in.sem.wait_sem, in.sem.wait_val, in.sem.wait_sem,
                         r_.sems[in.sem.wait_sem]));
        return std::move(r_);
      }
      const bool ok = best_q == 0 ? dispatch() : execute(ExecQueue(best_q));
      if (!ok) return std::move(r_);
    }
  }

 private:
  // A semaphore id out of range counts as ready: dispatch rejects it
  // (ILLEGAL_FIELD) before it can wait.
  bool wait_ok(const Instr& in) const {
    return !in.sem.has_wait() || in.sem.wait_sem >= r_.sems.size() ||
           r_.sems[in.sem.wait_sem] >= in.sem.wait_val;
  }

  bool fail(CoreError code, uint64_t index, std::string msg) {
    r_.error = code;
    r_.error_index = index;
    r_.message = fmt::format("instruction {}: {}: {}", index, core_error_name(code), msg);
    return false;
  }

  // Completion: the statistics and the signal.
  bool complete(uint32_t n, ExecQueue q) {
    const Instr& in = prog_[n];
    ++r_.instrs[uint32_t(q)];
    ++r_.executed;
    r_.order.push_back(n);
    if (in.sem.has_signal()) {
      uint32_t& s = r_.sems[in.sem.sig_sem];
      if (uint64_t(s) + in.sem.sig_inc > kSemMax)
        return fail(CoreError::kSemOverflow, n,
                    fmt::format("signal s{}+{} with s{} = {} exceeds {}", in.sem.sig_sem,
                                in.sem.sig_inc, in.sem.sig_sem, s, kSemMax));
      s += in.sem.sig_inc;
    }
    return true;
  }

  // The sequencer: decode checks (codes 1..5), then dispatch or execute.
  bool dispatch() {
    const uint64_t n = pc_;
    if (n >= prog_.size())
      return fail(CoreError::kProgramOverrun, n,
                  fmt::format("program length {} reached without END", prog_.size()));
    if (decode_errors_ && (*decode_errors_)[n].first != CoreError::kOk)
      return fail((*decode_errors_)[n].first, n, (*decode_errors_)[n].second);
    const Instr& in = prog_[n];
    try {
      (void)encode(in);  // field widths and encoding rules (codes 1, 2, 3)
    } catch (const IsaError& e) {
      return fail(e.code(), n, e.what());
    }
    const InstrCheck chk = validate(cfg_, in, opt_.semaphores);
    if (!chk.ok()) return fail(chk.code, n, chk.message);
    ++pc_;
    const ExecQueue q = queue_of(in);
    if (q != ExecQueue::kSeq) {
      q_[uint32_t(q)].push_back(uint32_t(n));
      return true;
    }
    if (std::holds_alternative<Instr::End>(in.op)) end_reached_ = true;
    return complete(uint32_t(n), q);
  }

  bool execute(ExecQueue q) {
    const uint32_t n = q_[uint32_t(q)].front();
    q_[uint32_t(q)].pop_front();
    const Instr& in = prog_[n];
    if (const auto* d = std::get_if<Instr::Dma>(&in.op)) {
      if (!do_dma(n, d->desc)) return false;
    } else if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
      if (p->cmd.op == PeOp::kLdw) {
        r_.core.ldw(p->cmd);
      } else {
        const WeightBanks::Bank& b = r_.core.weights().current_bank();
        r_.macs += uint64_t(b.k) * b.m * p->cmd.cols;
        r_.core.mm(p->cmd, nullptr);
      }
    } else if (const auto* a = std::get_if<Instr::Act>(&in.op)) {
      do_act(*a);
    }
    // SYNC: every earlier instruction of its queue has completed (in order).
    return complete(n, q);
  }

  bool do_dma(uint32_t n, const DmaDesc& d) {
    const uint64_t limit = base_ + r_.dram.size();
    const DmaCode code = dma_check(d, dma_params(cfg_), base_, limit);
    if (code != DmaCode::kOk)
      return fail(
          core_error_of(code), n,
          fmt::format("DMA {} bytes at {:#x} (row_stride {}, plane_stride {}, {} x {} x {}) "
                      "outside the DRAM window [{:#x}, {:#x})",
                      d.total_bytes(), d.dram_addr, d.row_stride, d.plane_stride, d.planes, d.rows,
                      d.row_bytes, base_, limit));
    SbufState& sb = r_.core.sbuf();
    for (uint32_t j = 0; j < d.planes; ++j)
      for (uint32_t r = 0; r < d.rows; ++r) {
        const uint64_t dram = d.dram_addr + uint64_t(j) * d.plane_stride +
                              uint64_t(r) * d.row_stride - base_;  // wraps like the DMA's
        const uint32_t part = d.sbuf_part + r;
        const uint32_t addr = d.sbuf_addr + j * d.row_bytes;
        for (uint32_t i = 0; i < d.row_bytes; i += 64) {
          const uint32_t len = std::min<uint32_t>(64, d.row_bytes - i);
          if (d.is_store())
            sb.read(part, addr + i, &r_.dram[dram + i], len);
          else
            sb.write(part, addr + i, &r_.dram[dram + i], len, ~uint64_t(0));
        }
      }
    (d.is_store() ? r_.dma_store_bytes : r_.dma_load_bytes) += d.total_bytes();
    return true;
  }

  void do_act(const Instr::Act& a) {
    SbufState& sb = r_.core.sbuf();
    std::vector<uint8_t> out;
    for (uint32_t p = a.part; p < a.part + a.m; ++p) {
      int32_t bias = a.bias, scale = a.scale;
      if (a.mode == ActMode::kRequant && a.bs_sbuf) {
        uint8_t rec[6];
        sb.read(p, a.bs_addr, rec, 6);
        bias = int32_t(uint32_t(rec[0]) | uint32_t(rec[1]) << 8 | uint32_t(rec[2]) << 16 |
                       uint32_t(rec[3]) << 24);
        scale = int16_t(uint16_t(rec[4] | rec[5] << 8));
      }
      out.clear();
      for (uint32_t f = 0; f < a.f; ++f) {
        int32_t x;
        if (a.src_sbuf) {
          uint8_t b[4];
          sb.read(p, a.src_addr + 4 * f, b, 4);
          x = int32_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
                      uint32_t(b[3]) << 24);
        } else {
          x = r_.core.psum().value(p, a.psum_bank, a.psum_off + f);
        }
        if (a.mode == ActMode::kCopy) {
          const uint32_t u = uint32_t(x);
          for (int k = 0; k < 4; ++k) out.push_back(uint8_t(u >> (8 * k)));
        } else {
          out.push_back(uint8_t(act_requant(x, bias, scale, a.shift, a.relu)));
        }
      }
      for (uint32_t i = 0; i < out.size(); i += 64)
        sb.write(p, a.dst_addr + i, out.data() + i,
                 std::min<uint32_t>(64, uint32_t(out.size()) - i), ~uint64_t(0));
    }
  }

  const Config& cfg_;
  const std::vector<Instr>& prog_;
  const std::vector<std::pair<CoreError, std::string>>* decode_errors_;
  uint64_t base_;
  ExecOptions opt_;
  ExecResult r_;
  uint64_t pc_ = 0;  // the sequencer's next instruction
  bool end_reached_ = false;
  std::array<std::deque<uint32_t>, kExecQueues> q_;  // [0] unused (the sequencer)
  std::mt19937_64 rng_;
  std::vector<std::pair<uint64_t, int>> ready_;  // (index, queue; 0 = dispatch)
};

}  // namespace

ExecResult execute_binary(const Config& cfg, const std::vector<uint8_t>& program,
                          std::vector<uint8_t> dram, uint64_t dram_base, const ExecOptions& opt) {
  if (program.size() % kInstrBytes != 0)
    throw std::invalid_argument(
        fmt::format("program of {} bytes is not a multiple of {}", program.size(), kInstrBytes));
  const size_t n = program.size() / kInstrBytes;
  std::vector<Instr> prog(n, Instr::nop());
  std::vector<std::pair<CoreError, std::string>> errors(n, {CoreError::kOk, ""});
  for (size_t i = 0; i < n; ++i) {
    InstrWords w{};
    for (int j = 0; j < 4; ++j)
      for (int b = 0; b < 8; ++b) w[j] |= uint64_t(program[i * kInstrBytes + 8 * j + b]) << (8 * b);
    try {
      prog[i] = decode(w);
    } catch (const IsaError& e) {
      errors[i] = {e.code(), fmt::format("byte {:#x}: {}", i * kInstrBytes, e.what())};
    }
  }
  return Executor(cfg, prog, std::move(dram), dram_base, opt, &errors).run();
}

ExecResult execute_program(const Config& cfg, const std::vector<Instr>& prog,
                           std::vector<uint8_t> dram, uint64_t dram_base, const ExecOptions& opt) {
  return Executor(cfg, prog, std::move(dram), dram_base, opt).run();
}

}  // namespace loom
