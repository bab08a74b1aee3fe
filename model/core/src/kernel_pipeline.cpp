// The MM pipeline shared by conv2d and the MLP (docs/kernels.md "The
// pipeline"): program order, semaphore thresholds, checks.
#include "kernel_pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace loom::detail {

PipeCounts emit_pipeline(const Config& cfg, const std::vector<PipeTile>& tiles,
                         const std::vector<DmaDesc>& params, std::vector<Instr>& prog,
                         const std::string& what) {
  struct Flat {
    const PipeStep* s;
    uint32_t u;
    bool first, last;
  };
  std::vector<Flat> flat;
  PipeCounts n;
  for (uint32_t u = 0; u < tiles.size();) {
    uint32_t e = u + 1;  // the run of interleaved tiles [u, e)
    while (e < tiles.size() && tiles[e].interleave) ++e;
    const size_t steps = tiles[u].steps.size();
    if (steps == 0) throw std::logic_error(what + ": an output tile without steps");
    if (e - u > cfg.psum_banks)
      throw std::logic_error(what + ": more interleaved tiles than banks");
    for (uint32_t v = u; v < e; ++v) {
      if (tiles[v].steps.size() != steps)
        throw std::logic_error(what + ": interleaved tiles with different step counts");
      if (tiles[v].store) ++n.stores;
    }
    for (size_t i = 0; i < steps; ++i)
      for (uint32_t v = u; v < e; ++v) {
        const PipeStep& s = tiles[v].steps[i];
        if (s.w_loads.empty() == !s.w_from || (s.w_from && *s.w_from >= flat.size()) ||
            (s.x_from && (!s.x_loads.empty() || *s.x_from >= flat.size())) || s.lead == 0)
          throw std::logic_error(what + ": a step's operands come from itself or earlier");
        flat.push_back({&s, v, i == 0, i + 1 == steps});
      }
    u = e;
  }
  n.steps = flat.size();
  n.tiles = tiles.size();
  // Where the loads go: at[p] the steps whose loads are emitted before step
  // p (p = max(t - lead, 0)), in step order. s_load after the stationary
  // (cw) and the moving (cx) loads of step t, counted in that order.
  std::vector<std::vector<uint64_t>> at(flat.size());
  for (uint64_t t = 0; t < flat.size(); ++t) {
    const uint32_t lead = flat[t].s->lead;
    at[t >= lead ? t - lead : 0].push_back(t);
  }
  std::vector<uint64_t> cw(flat.size()), cx(flat.size());
  for (const auto& steps : at)
    for (uint64_t t : steps) {
      const PipeStep& s = *flat[t].s;
      if (!s.w_loads.empty()) cw[t] = ++n.loads;
      if (!s.x_loads.empty()) ++n.loads;
      cx[t] = n.loads;
    }
  for (uint64_t t = 0; t < flat.size(); ++t) {
    const PipeStep& s = *flat[t].s;
    if (s.w_from) {
      if (flat[*s.w_from].s->w_loads.empty())
        throw std::logic_error(what + ": w_from names a step without weights");
      cw[t] = cw[*s.w_from];
    }
    if (s.x_from) {
      if (flat[*s.x_from].s->x_loads.empty())
        throw std::logic_error(what + ": x_from names a step without a moving load");
      cx[t] = cx[*s.x_from];
    }
  }
  for (auto [count, name] : {std::pair{n.loads, "operand loads"},
                             {n.steps, "MMs"},
                             {n.tiles, "output tiles"},
                             {uint64_t(params.size()), "records"}})
    if (count > kSemMax)
      throw std::invalid_argument(
          fmt::format("{}: {} {} exceed the 16-bit semaphore ({}); split the workload", what, count,
                      name, kSemMax));

  // Per-channel records first, on queue 1 (idle until the first store).
  for (const DmaDesc& d : params) prog.push_back(Instr::dma(1, d).signal(kKernelSemParams));

  // Loads of step t (queue 0, which completes in order): the first waits
  // until MM t - lead - 1 is done (lead 1: MM t - 2, the PE's last read of
  // buffers t % 2); the last stationary and the last moving descriptor
  // signal.
  auto emit_loads = [&](uint64_t t) {
    const PipeStep& s = *flat[t].s;
    bool first = true;
    for (const auto* loads : {&s.w_loads, &s.x_loads})
      for (size_t i = 0; i < loads->size(); ++i) {
        Instr in = Instr::dma(0, (*loads)[i]);
        if (first && t >= uint64_t(s.lead) + 1) in.wait(kKernelSemMm, uint32_t(t - s.lead));
        if (i + 1 == loads->size()) in.signal(kKernelSemLoad);
        prog.push_back(in);
        first = false;
      }
  };

  const uint32_t NB = cfg.psum_banks;
  uint64_t v = 0;  // stores emitted
  bool params_waited = params.empty();
  for (uint64_t t = 0; t < flat.size(); ++t) {
    const Flat& fl = flat[t];
    const PipeStep& s = *fl.s;
    for (uint64_t l : at[t]) emit_loads(l);  // prefetch (lead steps ahead)
    const uint32_t bank = fl.u % NB;
    prog.push_back(Instr::pe(PeCmd::ldw(s.w_sbuf, s.k, s.m)).wait(kKernelSemLoad, uint32_t(cw[t])));
    // Before the MM: the ACT that last read this bank (tile u - NB) is done
    // (first MM of a tile only), and the ACT that wrote an on-chip operand.
    uint32_t need = s.after_act;
    if (fl.first && fl.u >= NB) need = std::max(need, fl.u - NB + 1);
    if (need) prog.push_back(Instr::sync(Engine::kPe).wait(kKernelSemAct, need));
    Instr mm = Instr::pe(PeCmd::mm(s.x_sbuf, s.f, bank, 0, !fl.first));
    if (!s.x_loads.empty() || s.x_from) mm.wait(kKernelSemLoad, uint32_t(cx[t]));
    prog.push_back(mm.signal(kKernelSemMm));
    if (!fl.last) continue;

    const PipeTile& tile = tiles[fl.u];
    if (!params_waited) {
      prog.push_back(Instr::sync(Engine::kAct).wait(kKernelSemParams, uint32_t(params.size())));
      params_waited = true;
    }
    // C buffer v % 2 was last stored by store v - 2.
    if (tile.store && v >= 2)
      prog.push_back(Instr::sync(Engine::kAct).wait(kKernelSemStore, uint32_t(v - 1)));
    Instr::Act a = tile.act;
    a.psum_bank = bank;
    a.psum_off = 0;
    a.part = 0;
    a.m = s.m;
    a.f = s.f;
    prog.push_back(Instr::act(a).wait(kKernelSemMm, uint32_t(t + 1)).signal(kKernelSemAct));
    if (tile.store) {
      DmaDesc d = *tile.store;
      d.dir = 1;
      prog.push_back(Instr::dma(1, d).wait(kKernelSemAct, fl.u + 1).signal(kKernelSemStore));
      ++v;
    }
  }
  if (n.stores > 0)
    prog.push_back(Instr::end().wait(kKernelSemStore, uint32_t(n.stores)));
  else
    prog.push_back(Instr::end().wait(kKernelSemAct, uint32_t(n.tiles)));
  return n;
}

std::vector<uint32_t> pipeline_final_sems(const PipeCounts& c, size_t params, uint32_t sems) {
  std::vector<uint32_t> f(sems, 0);
  f[kKernelSemLoad] = uint32_t(c.loads);
  f[kKernelSemMm] = uint32_t(c.steps);
  f[kKernelSemAct] = uint32_t(c.tiles);
  f[kKernelSemStore] = uint32_t(c.stores);
  if (params) f[kKernelSemParams] = uint32_t(params);
  return f;
}

void check_program(const Config& cfg, const std::vector<Instr>& prog, uint32_t sems,
                   const std::string& what) {
  for (size_t i = 0; i < prog.size(); ++i) {
    const InstrCheck chk = validate(cfg, prog[i], sems);
    if (!chk.ok())
      throw std::logic_error(
          fmt::format("{}: generated instruction {} illegal: {}", what, i, chk.message));
  }
}

void check_requant(const Requant& q, const std::string& what) {
  if (q.shift > 63) throw std::invalid_argument(fmt::format("{}: shift {} > 63", what, q.shift));
  if (!q.per_channel && (q.scale < -32768 || q.scale > 32767))
    throw std::invalid_argument(fmt::format("{}: scale {} is not int16", what, q.scale));
}

void check_semaphores(uint32_t sems, bool params, const std::string& what) {
  const uint32_t need = params ? 5 : 4;
  if (sems < need || sems > kMaxSemaphores)
    throw std::invalid_argument(
        fmt::format("{}: needs {} semaphores, the core has {}", what, need, sems));
}

Instr::Act make_act(bool out_int8, const Requant& q, uint32_t bs_addr) {
  Instr::Act a;
  if (!out_int8) {
    a.mode = ActMode::kCopy;
    return a;
  }
  a.mode = ActMode::kRequant;
  a.shift = q.shift;
  a.relu = q.relu;
  if (q.per_channel) {
    a.bs_sbuf = true;
    a.bs_addr = bs_addr;
  } else {
    a.bias = q.bias;
    a.scale = q.scale;
  }
  return a;
}

}  // namespace loom::detail
