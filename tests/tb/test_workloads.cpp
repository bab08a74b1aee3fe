// Unit tests of the stimulus builders.
#include "workloads.h"

#include <gtest/gtest.h>

#include "loom/model.h"

namespace loom {
namespace {

const Config& small() { return config_by_name("small"); }

TEST(StimBuilder, PreloadHasOnlyWrittenWordsAndBytes) {
  StimBuilder sb(small());
  sb.matrix(2, 9, 1, 3, {1, 2, 3});  // bytes 9..11 of partition 2
  const Stimulus s = sb.build();
  ASSERT_EQ(s.preload.size(), 1u);
  EXPECT_EQ(s.preload[0].part, 2u);
  EXPECT_EQ(s.preload[0].addr, 8u);
  EXPECT_EQ(s.preload[0].strb, 0b1110u);
  EXPECT_EQ(s.preload[0].data[1], 1);
  EXPECT_EQ(s.preload[0].data[3], 3);
}

TEST(StimBuilder, RejectsAMatrixOutsideSbuf) {
  StimBuilder sb(small());
  EXPECT_THROW(sb.matrix(7, 0, 2, 1, {1, 2}), std::invalid_argument);
  EXPECT_THROW(sb.matrix(0, small().sbuf_bytes - 1, 1, 2, {1, 2}), std::invalid_argument);
}

TEST(Gemm, ProgramComputesTheReferenceInTheModel) {
  const GemmProblem g = random_gemm(13, 21, 70, 5);
  const GemmProgram prog = build_gemm(small(), g);
  EXPECT_EQ(validate(small(), prog.stim), "");
  const Prediction pred = predict(small(), prog.stim);
  std::vector<Txn> writes;
  for (const Txn& t : pred.txns) {
    if (t.channel == Channel::kPsumWrite) writes.push_back(t);
  }
  EXPECT_EQ(gemm_result(small(), prog, pred, writes), reference_gemm(g));
}

TEST(Gemm, RejectsOperandsLargerThanSbuf) {
  EXPECT_THROW(build_gemm(small(), random_gemm(8, 512, 512, 1)), std::invalid_argument);
}

}  // namespace
}  // namespace loom
