// loom-model-speed: the whole-core golden model alone (docs/model.md "Speed").
//   loom-model-speed [--repeats N] [--m M --k K --n N] [--configs small,medium] [--no-txns]
//       predict_core() on the GEMM of `make bench` (256^3, DRAM latency 100):
//       cycles, seconds, cycles per second and the result's digest;
//       --no-txns: in the performance-only mode (CoreModelRun::record_txns
//       false; the digest then leaves the transactions out).
//   loom-model-speed --digest [--seeds N] [--configs tiny,small,medium]
//       one line per random program (legal and illegal, every memory profile
//       of loom-regress) with the digest of predict_core()'s whole result:
//       diff the output of two builds to check a model change is exact.
//   loom-model-speed --digest --no-txns [...]
//       the same programs in the performance-only mode, each line the digest
//       of everything but the transactions; every program also runs in the
//       default mode, and a difference outside the transactions is reported
//       on stderr (exit status 1).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/random_program.h"
#include "model_speed.h"
#include "regress_profile.h"

namespace {

using namespace loom;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  for (std::string x; std::getline(ss, x, ',');) v.push_back(x);
  return v;
}

// One random program as loom-regress runs it (regress_run.cpp's memory
// draws, the profile on top), the model alone.
uint64_t digest_random(const Config& cfg, uint64_t seed, bool illegal, const std::string& profile,
                       uint64_t& cycles, bool no_txns, bool& mismatch) {
  RandomProgramOptions po;
  if (illegal) po.illegal = kInjectedErrors[seed % std::size(kInjectedErrors)];
  const RandomProgram rp = random_program(cfg, seed, po);
  std::mt19937_64 rng(seed * 0x2545f4914f6cdd1dull + 1);
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  AxiMemConfig d, f;
  d.data_bytes = f.data_bytes = cfg.axi_data_bytes;
  d.read_latency = uni(0, 3) == 0 ? uni(1, 8) : uni(1, 60);
  d.write_latency = uni(1, 20);
  if (uni(0, 2) == 0) d.ar_ready = d.r_valid = d.w_ready = 0.5 + 0.1 * uni(0, 5);
  d.seed = seed;
  if (rp.poison_bytes > 0)
    d.errors.push_back({rp.poison_base, rp.poison_base + rp.poison_bytes,
                        uint8_t(rp.expected_error == CoreError::kAxiSlvErr ? 2 : 3), true, true});
  f.read_latency = uni(1, 30);
  f.seed = seed + 1;
  regress::apply_profile(profile, seed, d, f);
  AxiMem dram(d), ifetch(f);
  const std::vector<uint8_t> prog = rp.program_bytes();
  dram.write(rp.data_base, rp.data);
  dram.write(rp.prog_base, prog);
  ifetch.write(rp.prog_base, prog);
  CoreModelRun run;
  run.prog_base = rp.prog_base;
  run.prog_len = uint32_t(prog.size() / 32);
  run.watchdog = illegal ? 50000 : 0;
  run.dram_base = rp.dram_base;
  run.dram_limit = rp.dram_limit;
  run.dram = &dram;
  run.ifetch = &ifetch;
  run.dump_base = rp.dram_base;
  run.dump_bytes = rp.dram_limit - rp.dram_base;
  if (!no_txns) {
    const CorePrediction p = predict_core(cfg, run);
    cycles = p.perf_cycles;
    return bench::model_digest(p);
  }
  const uint64_t want = bench::model_digest(predict_core(cfg, run), false);
  run.record_txns = false;
  const CorePrediction p = predict_core(cfg, run);
  cycles = p.perf_cycles;
  const uint64_t got = bench::model_digest(p, false);
  mismatch = got != want || !p.txns.empty();
  return got;
}

}  // namespace

int main(int argc, char** argv) {
  bool digest = false, no_txns = false;
  int repeats = 3;
  uint32_t seeds = 20, m = 256, k = 256, n = 256;
  std::string configs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "{} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--digest") digest = true;
    else if (a == "--no-txns") no_txns = true;
    else if (a == "--repeats") repeats = std::stoi(next());
    else if (a == "--seeds") seeds = uint32_t(std::stoul(next()));
    else if (a == "--configs") configs = next();
    else if (a == "--m") m = uint32_t(std::stoul(next()));
    else if (a == "--k") k = uint32_t(std::stoul(next()));
    else if (a == "--n") n = uint32_t(std::stoul(next()));
    else {
      fmt::print(stderr, "usage: loom-model-speed [--repeats N] [--m M --k K --n N] [--configs a,b] [--no-txns]\n"
                         "       loom-model-speed --digest [--seeds N] [--configs a,b] [--no-txns]\n");
      return 2;
    }
  }
  if (!digest) {
    for (const std::string& c : split(configs.empty() ? "small,medium" : configs)) {
      const Config& cfg = config_by_name(c);
      const bench::ModelSpeed s = bench::time_model_gemm(cfg, m, k, n, 100, repeats, !no_txns);
      fmt::print("{:8} P={:<3} GEMM {}x{}x{}: {} cycles in {:.3f} s = {:.0f} cycles/s, {} transactions{}, busy PE {:.2f} ACT {:.2f} DMA {:.2f} (digest {:016x}{})\n",
                 c, cfg.partitions, m, k, n, s.cycles, s.seconds, s.cycles_per_second, s.txns,
                 no_txns ? " (performance-only mode)" : "", s.busy_pe, s.busy_act, s.busy_dma, s.digest,
                 no_txns ? ", without transactions" : "");
    }
    return 0;
  }
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t total = 0;
  int mismatches = 0;
  for (const std::string& c : split(configs.empty() ? "tiny,small,medium" : configs)) {
    const Config& cfg = config_by_name(c);
    for (const char* profile : {"normal", "fast", "slow", "starve", "bursty", "extreme"})
      for (uint32_t s = 1; s <= seeds; ++s)
        for (bool illegal : {false, true}) {
          uint64_t cycles = 0;
          bool mismatch = false;
          std::string line;
          try {
            const uint64_t h = digest_random(cfg, s, illegal, profile, cycles, no_txns, mismatch);
            line = fmt::format("{:016x} {} cycles", h, cycles);
          } catch (const std::exception& e) {
            line = fmt::format("threw: {}", e.what());
          }
          total += cycles;
          const std::string name = fmt::format("{} {} seed {} {}", c, profile, s, illegal ? "illegal" : "legal");
          fmt::print("{}: {}\n", name, line);
          if (mismatch) {
            fmt::print(stderr, "{}: the performance-only mode differs from the default outside the transactions\n", name);
            ++mismatches;
          }
        }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print(stderr, "{} cycles in {:.2f} s\n", total, secs);
  if (mismatches) fmt::print(stderr, "{} programs differ\n", mismatches);
  return mismatches ? 1 : 0;
}
