// Helpers shared by the conv2d and MLP kernel tests: a DRAM image builder,
// the run under many interleavings, and the wait-mutation check.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "loom/asm.h"
#include "loom/isa.h"
#include "loom/program_exec.h"

namespace loom::test {

inline constexpr uint64_t kKernelBase = 0x80000000;  // DRAM window base

// Regions placed one after the other at odd gaps (nothing relies on
// alignment), every byte not written by a region 0x5a.
class DramBuilder {
 public:
  uint64_t add(const std::vector<uint8_t>& bytes) {
    const uint64_t a = next_;
    regions_.push_back({a, bytes});
    next_ = a + bytes.size() + 13;
    return a;
  }
  uint64_t add(const std::vector<int8_t>& v) {
    return add(std::vector<uint8_t>(v.begin(), v.end()));
  }
  std::vector<uint8_t> image(uint64_t guard = 64) const {
    std::vector<uint8_t> d(next_ + guard - kKernelBase, 0x5a);
    for (const auto& [a, b] : regions_)
      std::copy(b.begin(), b.end(), d.begin() + (a - kKernelBase));
    return d;
  }

 private:
  uint64_t next_ = kKernelBase + 0x41;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> regions_;
};

inline int32_t le32(const std::vector<uint8_t>& d, uint64_t off) {
  return int32_t(uint32_t(d[off]) | uint32_t(d[off + 1]) << 8 | uint32_t(d[off + 2]) << 16 |
                 uint32_t(d[off + 3]) << 24);
}

// The options of interleaving i of kOrders: 0 highest index first; 1..10
// each queue starved (lowest and highest index first); then random.
inline constexpr uint64_t kOrders = 1 + 2 * kExecQueues + 2;
inline ExecOptions order_options(uint64_t i, uint32_t sems, std::mt19937_64& rng) {
  ExecOptions opt;
  opt.semaphores = sems;
  if (i == 0) {
    opt.order = ExecOrder::kHighestIndex;
  } else if (i <= 2 * kExecQueues) {
    opt.order = i % 2 ? ExecOrder::kLowestIndex : ExecOrder::kHighestIndex;
    opt.queue_rank[(i - 1) / 2] = 1;
  } else {
    opt.order = ExecOrder::kRandom;
    opt.seed = rng();
  }
  return opt;
}

inline std::vector<uint32_t> max_wait_values(const std::vector<Instr>& prog, uint32_t sems) {
  std::vector<uint32_t> w(sems, 0);
  for (const Instr& i : prog)
    if (i.sem.has_wait()) w[i.sem.wait_sem] = std::max(w[i.sem.wait_sem], i.sem.wait_val);
  return w;
}

// Runs `prog` in program order and under the kOrders interleavings; checks
// it completes, runs in program order by default (every wait looks back),
// ends with `final_sems` (= the largest wait on each semaphore), and that
// every interleaving gives the same DRAM, SBUF, PSUM and semaphores. The
// program-order result in *out.
inline void run_all_orders(const Config& c, const std::vector<Instr>& prog,
                           const std::vector<uint8_t>& dram, uint32_t sems,
                           const std::vector<uint32_t>& final_sems, std::mt19937_64& rng,
                           ExecResult* out) {
  ExecOptions base;
  base.semaphores = sems;
  *out = execute_program(c, prog, dram, kKernelBase, base);
  const ExecResult& r = *out;
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(std::is_sorted(r.order.begin(), r.order.end()));
  EXPECT_EQ(r.executed, prog.size());
  EXPECT_EQ(r.sems, final_sems);
  EXPECT_EQ(r.sems, max_wait_values(prog, sems));
  for (uint64_t i = 0; i < kOrders; ++i) {
    const ExecOptions opt = order_options(i, sems, rng);
    const ExecResult o = execute_program(c, prog, dram, kKernelBase, opt);
    SCOPED_TRACE(fmt::format("interleaving {} seed {}", i, opt.seed));
    ASSERT_TRUE(o.ok()) << o.message;
    ASSERT_TRUE(o.dram == r.dram);
    ASSERT_TRUE(o.core.image().sbuf == r.core.image().sbuf);
    ASSERT_TRUE(o.core.image().psum == r.core.image().psum);
    ASSERT_EQ(o.sems, r.sems);
  }
}

// The assembly text of the program assembles (with the configuration's
// checks) back to the same instructions and bytes.
inline void check_asm_round_trip(const Config& c, const std::vector<Instr>& prog, uint32_t sems) {
  const std::vector<Instr> back = assemble(disassemble(prog), c, sems);
  ASSERT_EQ(back, prog);
  EXPECT_EQ(decode_program(encode_program(prog)), prog);
}

// Clears the wait of every instruction `pick` selects; the count in *n.
inline std::vector<Instr> drop_waits(std::vector<Instr> prog,
                                     const std::function<bool(const Instr&)>& pick, int* n) {
  *n = 0;
  for (Instr& i : prog)
    if (i.sem.has_wait() && pick(i)) {
      i.sem.wait_sem = 0;
      i.sem.wait_val = 0;
      ++*n;
    }
  return prog;
}

// True if some interleaving of `prog` fails (deadlock or another error) or
// leaves a DRAM other than `want`.
inline bool some_order_breaks(const Config& c, const std::vector<Instr>& prog,
                              const std::vector<uint8_t>& dram, uint32_t sems,
                              const std::vector<uint8_t>& want, std::mt19937_64& rng) {
  for (uint64_t i = 0; i < kOrders; ++i) {
    const ExecResult o = execute_program(c, prog, dram, kKernelBase, order_options(i, sems, rng));
    if (!o.ok() || o.dram != want) return true;
  }
  return false;
}

// Instruction kinds for picking waits.
inline bool is_dma(const Instr& i, uint32_t q) {
  const auto* d = std::get_if<Instr::Dma>(&i.op);
  return d && d->queue == q;
}
inline bool is_pe(const Instr& i, PeOp op) {
  const auto* p = std::get_if<Instr::Pe>(&i.op);
  return p && p->cmd.op == op;
}
inline bool is_sync(const Instr& i, Engine e) {
  const auto* s = std::get_if<Instr::Sync>(&i.op);
  return s && s->engine == e;
}
inline bool is_act(const Instr& i) { return std::holds_alternative<Instr::Act>(i.op); }

// The kinds of wait the conv2d / MLP pipeline makes (docs/kernels.md "The
// pipeline"), each selected by instruction kind and semaphore.
struct WaitKind {
  const char* name;
  std::function<bool(const Instr&)> pick;
};
inline std::vector<WaitKind> pipeline_wait_kinds() {
  return {
      {"load waits for MM t-2 (buffer free)",
       [](const Instr& i) { return is_dma(i, 0) && i.sem.wait_sem == 1; }},
      {"LDW waits for its stationary load",
       [](const Instr& i) { return is_pe(i, PeOp::kLdw) && i.sem.wait_sem == 0; }},
      {"MM waits for its moving load",
       [](const Instr& i) { return is_pe(i, PeOp::kMm) && i.sem.wait_sem == 0; }},
      {"SYNC pe waits for ACT (PSUM bank free / operand written)",
       [](const Instr& i) { return is_sync(i, Engine::kPe) && i.sem.wait_sem == 2; }},
      {"ACT waits for the tile's last MM",
       [](const Instr& i) { return is_act(i) && i.sem.wait_sem == 1; }},
      {"SYNC act waits for store v-2 (C buffer free)",
       [](const Instr& i) { return is_sync(i, Engine::kAct) && i.sem.wait_sem == 3; }},
      {"SYNC act waits for the per-channel records",
       [](const Instr& i) { return is_sync(i, Engine::kAct) && i.sem.wait_sem == 4; }},
      {"store waits for its ACT",
       [](const Instr& i) { return is_dma(i, 1) && i.sem.wait_sem == 2; }},
  };
}

// For every kind of wait present in `prog`: dropping all waits of that kind
// breaks the program under some interleaving. Returns the kinds present.
inline std::vector<std::string> check_waits_needed(const Config& c, const std::vector<Instr>& prog,
                                                   const std::vector<uint8_t>& dram, uint32_t sems,
                                                   const std::vector<uint8_t>& want,
                                                   std::mt19937_64& rng) {
  std::vector<std::string> present;
  for (const WaitKind& k : pipeline_wait_kinds()) {
    int n = 0;
    const std::vector<Instr> m = drop_waits(prog, k.pick, &n);
    if (n == 0) continue;
    present.push_back(k.name);
    EXPECT_TRUE(some_order_breaks(c, m, dram, sems, want, rng))
        << "dropping " << n << " waits (" << k.name << ") breaks nothing";
  }
  return present;
}

}  // namespace loom::test
