// The mutation self-check of loom-regress (docs/verification.md "Mutation
// self-check"), run as a subprocess on the one fault model loom-regress links
// (psum_late, the model tests/core also uses), so no mutant is built for it:
// the fault is killed and reported, a fault given no seeds survives and fails
// the run, --fault list names every fault, and the faults of
// loom-regress-mutants are refused with a pointer to it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;
  std::string out;  // stdout and stderr
};

Result run(const std::string& args) {
  Result r;
  FILE* p = popen((std::string(LOOM_REGRESS) + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("loom_mutate_test_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

TEST(RegressMutate, FaultListNamesEveryFault) {
  const Result r = run("--fault list");
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* f : {"pe_stuck LOOM_FAULT_PE_STUCK", "psum_add_one LOOM_FAULT_PSUM_ADD_ONE",
                        "psum_bank_swap LOOM_FAULT_PSUM_BANK_SWAP", "dma_drop_beat LOOM_FAULT_DMA_DROP_BEAT",
                        "dma_cross_4k LOOM_FAULT_DMA_CROSS_4K", "sem_early LOOM_FAULT_SEM_EARLY",
                        "psum_late LOOM_FAULT_PSUM_LATE", "act_round LOOM_FAULT_ACT_ROUND"}) {
    std::string name(f), def(f);
    name = name.substr(0, name.find(' '));
    def = def.substr(def.find(' ') + 1);
    const size_t at = r.out.find(name + " ");
    ASSERT_NE(at, std::string::npos) << name << "\n" << r.out;
    const std::string line = r.out.substr(at, r.out.find('\n', at) - at);
    EXPECT_NE(line.find(def), std::string::npos) << line;
    // loom-regress links psum_late's model only; the others are the mutants'.
    EXPECT_EQ(line.find("loom-regress-mutants") == std::string::npos, name == "psum_late") << line;
  }
}

TEST(RegressMutate, LateOutputIsKilledAndReported) {
  const fs::path out = fresh_dir("killed");
  const Result r = run("--mutate --faults psum_late --seeds 3 --jobs 1 --out " + out.string());
  EXPECT_EQ(r.status, 0) << r.out;
  const std::string summary = slurp(out / "summary.txt");
  EXPECT_EQ(summary, r.out.substr(r.out.find("fault ")));
  // The table row: killed by seed 1 (every seed sees the late write) after one seed.
  const size_t row = summary.find("\npsum_late ");
  ASSERT_NE(row, std::string::npos) << summary;
  const std::string line = summary.substr(row + 1, summary.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("LOOM_FAULT_PSUM_LATE"), std::string::npos) << line;
  EXPECT_NE(line.find("    1  seed 1: "), std::string::npos) << line;
  EXPECT_NE(line.find("KILLED"), std::string::npos) << line;
  EXPECT_NE(summary.find("1 faults, 1 killed, 0 survived"), std::string::npos) << summary;
  EXPECT_NE(summary.find("1 cycle late"), std::string::npos) << summary;
  EXPECT_NE(summary.find("reproduce: "), std::string::npos) << summary;
  // The killing seed passed on the fault-free core, and the mutant's report is kept.
  EXPECT_NE(r.out.find("psum_late seed 1 on the fault-free core: PASS"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "psum_late" / "tiny-seed1.report.txt"));
  fs::remove_all(out);
}

TEST(RegressMutate, UnkilledFaultSurvivesAndFails) {
  // No seed can kill it: the check must say so and exit non-zero.
  const fs::path out = fresh_dir("survived");
  const Result r = run("--mutate --faults psum_late --seeds 0 --out " + out.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("SURVIVED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 faults, 0 killed, 1 survived"), std::string::npos) << r.out;
  fs::remove_all(out);
}

TEST(RegressMutate, MutantsOnlyFaultsPointToTheirExecutable) {
  Result r = run("--mutate --faults act_round --out " + fresh_dir("refused").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("loom-regress-mutants"), std::string::npos) << r.out;
  r = run("--one tiny 1 --fault psum_add_one --out " + fresh_dir("refused").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("loom-regress-mutants"), std::string::npos) << r.out;
  r = run("--mutate --faults no_such_fault");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("unknown fault 'no_such_fault'"), std::string::npos) << r.out;
}

}  // namespace
