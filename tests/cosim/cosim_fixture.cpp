#include "cosim_fixture.h"
#include "common/test_seed.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace loom::test {

std::string test_file_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string n = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : n) {
    if (c == '/') c = '_';
  }
  return n;
}

static std::string full_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "." + info->name();
}

CosimResult cosim(RtlFactory factory, const Config& cfg, const Stimulus& stim,
                  const std::string& repro_env) {
  EXPECT_NE(factory, nullptr) << "no RTL model for configuration " << cfg.name;
  CosimOptions opt;
  opt.name = test_file_name();
  const char* w = std::getenv("LOOM_WAVES");
  opt.waves = w && std::string(w) == "1";
  // LOOM_X_SEED=<n>: start the RTL with every uninitialised flop and memory
  // bit random (seeded) instead of zero, to show nothing depends on them.
  if (const char* x = std::getenv("LOOM_X_SEED"); x && *x) {
    opt.rand_reset = 2;
    opt.seed = std::strtoull(x, nullptr, 0);
    fmt::print("[ x-seed   ] {}\n", opt.seed);
  }
  // LOOM_GOLDEN=core: the golden model's pure C++ core (predict()) instead of
  // its SystemC TLM layer; both give the same prediction (tests/model).
  if (const char* g = std::getenv("LOOM_GOLDEN"); g && std::string(g) == "core") opt.use_systemc = false;
  std::string env = repro_env;
  if (!opt.use_systemc) env += (env.empty() ? "" : " ") + std::string("LOOM_GOLDEN=core");
  if (opt.rand_reset) env += (env.empty() ? "" : " ") + fmt::format("LOOM_X_SEED={}", opt.seed);
  opt.repro = fmt::format("{}make test-one TEST='{}'", env.empty() ? "" : env + " ", full_test_name());
  CosimResult r = run_cosim(factory, cfg, stim, opt);
  fmt::print("[ cosim    ] {}: {} cycles, {} transactions and {} memory locations compared, {}\n",
             cfg.name, r.rtl_cycles, r.compared, r.mem_compared, r.pass ? "PASS" : "FAIL");
  if (!r.wave_path.empty()) fmt::print("[ waves    ] {}\n", r.wave_path);
  return r;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_pass(const CosimResult& r) {
  if (r.pass) return;
  ADD_FAILURE() << "co-simulation failed; report " << r.report_path << ":\n"
                << read_text(r.report_path);
}

}  // namespace loom::test
