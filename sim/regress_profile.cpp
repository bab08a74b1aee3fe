#include "regress_profile.h"

#include <random>
#include <stdexcept>

namespace loom::regress {

namespace {

constexpr const char* kProfiles[] = {"normal", "fast", "slow", "starve", "bursty", "extreme"};

void set_ready(AxiMemConfig& m, double p) { m.ar_ready = m.aw_ready = m.w_ready = m.r_valid = m.b_valid = p; }

}  // namespace

bool is_profile(const std::string& name) {
  for (const char* p : kProfiles)
    if (name == p) return true;
  return false;
}

std::string profile_names() {
  std::string s;
  for (const char* p : kProfiles) s += (s.empty() ? "" : ", ") + std::string(p);
  return s;
}

void apply_profile(const std::string& name, uint64_t seed, AxiMemConfig& dram, AxiMemConfig& ifetch) {
  if (!is_profile(name)) throw std::invalid_argument("unknown memory profile '" + name + "'");
  // Its own generator: the seed's program and default draws stay the same.
  std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ull + 7);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  for (AxiMemConfig* m : {&dram, &ifetch}) {
    if (name == "fast") {  // the shortest legal latency, never a stall
      m->read_latency = m->write_latency = 1;
      set_ready(*m, 1.0);
      m->burst_on = m->burst_off = 0;
    } else if (name == "slow") {  // far DRAM, no backpressure
      m->read_latency = uni(300, 400);
      m->write_latency = uni(100, 200);
      set_ready(*m, 1.0);
    } else if (name == "starve") {  // every channel ready / valid 5 % of the cycles
      set_ready(*m, 0.05);
    } else if (name == "bursty") {  // short ready bursts between long stalls
      m->burst_on = uni(2, 16);
      m->burst_off = uni(16, 128);
    } else if (name == "extreme") {  // all of it at once
      m->read_latency = uni(300, 400);
      m->write_latency = uni(100, 200);
      set_ready(*m, 0.3);
      m->burst_on = uni(2, 8);
      m->burst_off = uni(32, 96);
    }
  }
}

}  // namespace loom::regress
