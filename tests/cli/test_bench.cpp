// loom-bench's pieces (sim/bench_*.h, docs/performance.md): the analytic
// estimates, the workloads and their checks on the golden model, and one
// utilization point on the small RTL core.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench_run.h"
#include "bench_util.h"
#include "bench_workload.h"
#include "loom/core_models.h"

namespace loom::bench {
namespace {

const Config& tiny() { return config_by_name("tiny"); }

TEST(BenchAnalytic, ScaleSimFoldsFillStreamDrain) {
  // 64^3 at P = 8: 8 x 8 folds of 3P - 2 + N = 86 cycles.
  EXPECT_EQ(scalesim_gemm_cycles(8, 64, 64, 64), 64u * 86);
  EXPECT_EQ(overlapped_gemm_cycles(8, 64, 64, 64), 64u * 64 + 22);
  // Edge tiles count as whole folds: M = 9 -> 2 M tiles, K = 8 -> 1 K tile.
  EXPECT_EQ(scalesim_gemm_cycles(8, 9, 8, 10), 2u * 32);
  EXPECT_EQ(overlapped_gemm_cycles(8, 9, 8, 10), 2u * 10 + 22);
  // Hiding the fill and skew never costs cycles.
  for (uint32_t n : {1u, 8u, 100u}) EXPECT_LE(overlapped_gemm_cycles(16, 40, 70, n), scalesim_gemm_cycles(16, 40, 70, n));
}

TEST(BenchAnalytic, ErrorPercent) {
  EXPECT_DOUBLE_EQ(error_percent(100, 100), 0.0);
  EXPECT_DOUBLE_EQ(error_percent(102, 100), 2.0);
  EXPECT_DOUBLE_EQ(error_percent(99, 100), -1.0);
  EXPECT_DOUBLE_EQ(error_percent(5, 0), 0.0);
}

// Every workload kind runs on the golden model to its expected result, with
// odd shapes (edge tiles, padding, C and CO > P on tiny).
TEST(BenchWorkload, GoldenModelComputesTheExpectedResult) {
  const std::vector<Workload> ws = {gemm_workload(tiny(), 13, 9, 21), conv2d_workload(tiny(), {5, 6, 9, 10, 3, 1}),
                                    mlp_workload(tiny(), {10, 9, 12, 7})};
  for (const Workload& w : ws) {
    SCOPED_TRACE(w.label());
    EXPECT_GT(w.macs, 0u);
    EXPECT_EQ(w.expected.size() * 4, w.out_bytes);
    const RunFigures f = run_model(tiny(), w, bench_dram(tiny(), 10, false, 1));
    EXPECT_TRUE(f.ok) << f.message;
    EXPECT_EQ(f.macs, w.macs);
    EXPECT_GT(f.cycles, 0u);
    EXPECT_GT(f.utilization(tiny()), 0.0);
    EXPECT_LE(f.utilization(tiny()), 1.0);
  }
}

// The check is real: a wrong expected value fails the run and says where.
TEST(BenchWorkload, AWrongResultIsReported) {
  Workload w = gemm_workload(tiny(), 8, 8, 8);
  w.expected[5] += 1;
  const RunFigures f = run_model(tiny(), w, bench_dram(tiny(), 10, false, 1));
  EXPECT_FALSE(f.ok);
  EXPECT_NE(f.message.find("result element 5"), std::string::npos) << f.message;
}

// One utilization point on the RTL core: the result checked, the model's
// prediction exact at a fixed latency and with the RTL's own stalls.
TEST(BenchUtil, RtlPointIsCheckedAndPredictedExactly) {
  const Config& cfg = config_by_name("small");
  const Workload w = gemm_workload(cfg, 24, 16, 40);
  const UtilPoint u = measure_util(core_factory("small"), cfg, w, 30, true);
  ASSERT_TRUE(u.ok()) << u.failure();
  EXPECT_EQ(u.rtl.macs, w.macs);
  EXPECT_EQ(u.predicted.cycles, u.rtl.cycles);
  EXPECT_EQ(u.predicted_bp.cycles, u.rtl_bp.cycles);
  EXPECT_GT(u.rtl_bp.cycles, u.rtl.cycles);  // stalls cost cycles
  EXPECT_GT(u.utilization(), 0.0);
  EXPECT_LE(u.utilization(), 1.0);
  EXPECT_EQ(u.scalesim, scalesim_gemm_cycles(8, 24, 16, 40));

  const std::string path = ::testing::TempDir() + "/bench_util.dat";
  write_util_plot_data({u}, {"small", "medium"}, path);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_NE(text.str().find("workload \"small (P=8)\" \"medium (P=16)\"\n\"gemm 24x16x40\" "),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find(" -\n"), std::string::npos) << text.str();  // medium not measured
}

}  // namespace
}  // namespace loom::bench
