// `loom mlp`: a two-layer MLP (Y = requant(X @ W1) @ W2, int8 operands, int32
// Y) through the MLP kernel (mlp_program) on a back end, checked against
// reference_mlp. --feature-major runs the kernel on X^T and Y^T in DRAM
// (transposed on the way in and out, so the files stay row-major).
#include <fmt/format.h>

#include <memory>

#include "command.h"
#include "error.h"
#include "io.h"
#include "loom/isa.h"
#include "loom/kernels.h"
#include "loom/reference.h"
#include "workload.h"

namespace loom::cli {
namespace {

constexpr const char* kCmd = "loom mlp";

struct MlpOptions {
  int64_t dim[4] = {0, 0, 0, 0};  // batch, d0, d1, d2
  CLI::Option* opt[4] = {};
  std::string x, w1, w2, out;
  int64_t bias = 0, scale = 1, shift = 8;
  bool no_relu = false;
  bool feature_major = false;
  uint64_t seed = 1;
  RunOptions run;
};
enum { kB, kD0, kD1, kD2 };

CliError usage(const std::string& msg) {
  return CliError(kExitUsage, fmt::format("{}: error: {} (see '{} --help')", kCmd, msg, kCmd));
}

void run_mlp(MlpOptions& o) {
  RunSetup setup = setup_run(o.run, kCmd);
  if (!o.out.empty()) precheck_output(o.out);
  if (o.bias < INT32_MIN || o.bias > INT32_MAX)
    throw usage(fmt::format("--hidden-bias {} is not an int32", o.bias));
  if (o.scale < -32768 || o.scale > 32767)
    throw usage(fmt::format("--hidden-scale {} is not an int16", o.scale));
  if (o.shift < 0 || o.shift > 63)
    throw usage(fmt::format("--hidden-shift {} is out of range 0..63", o.shift));

  Dims dims(kCmd);
  dims.add(o.opt[kB], o.dim[kB], "--x");
  dims.add(o.opt[kD0], o.dim[kD0], "--x or --w1");
  dims.add(o.opt[kD1], o.dim[kD1], "--w1 or --w2");
  dims.add(o.opt[kD2], o.dim[kD2], "--w2");
  NpyArray xf, w1f, w2f;
  if (!o.x.empty()) {
    xf = read_int8_tensor(o.x, "X", 2);
    dims.from_file(o.x, xf, {kB, kD0});
  }
  if (!o.w1.empty()) {
    w1f = read_int8_tensor(o.w1, "W1", 2);
    dims.from_file(o.w1, w1f, {kD0, kD1});
  }
  if (!o.w2.empty()) {
    w2f = read_int8_tensor(o.w2, "W2", 2);
    dims.from_file(o.w2, w2f, {kD1, kD2});
  }
  const uint64_t b = dims.get(kB), d0 = dims.get(kD0), d1 = dims.get(kD1), d2 = dims.get(kD2);
  const uint64_t macs = b * d0 * d1 + b * d1 * d2;
  if (macs > kMaxMacs)
    throw usage(fmt::format("{} MACs is more than this tool runs ({})", macs, kMaxMacs));

  // Inputs: X, W1, W2 drawn in this order from the seed when not given.
  InputGenerator gen(o.seed);
  const std::vector<int8_t> x = o.x.empty() ? gen.draw(b * d0) : xf.as_int8();
  const std::vector<int8_t> w1 = o.w1.empty() ? gen.draw(d0 * d1) : w1f.as_int8();
  const std::vector<int8_t> w2 = o.w2.empty() ? gen.draw(d1 * d2) : w2f.as_int8();

  MlpParams p;
  p.b = uint32_t(b), p.d0 = uint32_t(d0), p.d1 = uint32_t(d1), p.d2 = uint32_t(d2);
  p.hidden.per_channel = false;
  p.hidden.bias = int32_t(o.bias);
  p.hidden.scale = int32_t(o.scale);
  p.hidden.shift = uint32_t(o.shift);
  p.hidden.relu = !o.no_relu;
  p.feature_major = o.feature_major;
  p.x_addr = kDramBase;
  p.w1_addr = p.x_addr + align64(x.size());
  p.w2_addr = p.w1_addr + align64(w1.size());
  p.y_addr = p.w2_addr + align64(w2.size());
  const uint64_t dram_bytes = align64(p.y_addr + 4 * b * d2 - kDramBase);
  if (dram_bytes > kMaxDramBytes)
    throw usage(fmt::format("the tensors need {} bytes of DRAM, more than this tool allocates ({})",
                            dram_bytes, kMaxDramBytes));
  MlpProgram g;
  try {
    g = mlp_program(*setup.cfg, p);
  } catch (const std::invalid_argument& e) {
    throw usage(fmt::format("cannot tile this MLP on {}: {}", setup.cfg->name, e.what()));
  }

  RunInput ri;
  ri.program = encode_program(g.program);
  ri.dram_base = kDramBase;
  ri.dram.assign(dram_bytes, 0);
  const std::vector<int8_t> x_dram = o.feature_major ? transpose(x, b, d0) : x;
  std::copy(x_dram.begin(), x_dram.end(), ri.dram.begin() + std::ptrdiff_t(p.x_addr - kDramBase));
  std::copy(w1.begin(), w1.end(), ri.dram.begin() + std::ptrdiff_t(p.w1_addr - kDramBase));
  std::copy(w2.begin(), w2.end(), ri.dram.begin() + std::ptrdiff_t(p.w2_addr - kDramBase));
  const std::vector<uint8_t> dram_in = ri.dram;

  Report r;
  r.command = kCmd;
  const bool seeded = o.x.empty() || o.w1.empty() || o.w2.empty();
  r.workload = fmt::format(
      "MLP B={} D0={} D1={} D2={}, hidden requant bias {} scale {} shift {}{}, {} "
      "({})",
      b, d0, d1, d2, o.bias, o.scale, o.shift, o.no_relu ? "" : " relu",
      o.feature_major ? "feature-major" : "row-major",
      seeded ? fmt::format("seed {}", o.seed) : "inputs from files");
  r.workload_json = {
      {"kind", "mlp"},
      {"batch", b},
      {"d0", d0},
      {"d1", d1},
      {"d2", d2},
      {"hidden", {{"bias", o.bias}, {"scale", o.scale}, {"shift", o.shift}, {"relu", !o.no_relu}}},
      {"layout", o.feature_major ? "feature_major" : "row_major"},
      {"seed", seeded ? nlohmann::json(o.seed) : nlohmann::json(nullptr)},
      {"x", o.x.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.x)},
      {"w1", o.w1.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.w1)},
      {"w2", o.w2.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.w2)},
      {"dram", {{"base", kDramBase}, {"bytes", dram_bytes}}},
      {"x_addr", p.x_addr},
      {"w1_addr", p.w1_addr},
      {"w2_addr", p.w2_addr},
      {"y_addr", p.y_addr}};

  std::vector<int32_t> y;
  auto check = [&](Report& rep) {
    const size_t off = size_t(p.y_addr - kDramBase);
    y = read_i32(rep.run.dram, off, b * d2);
    if (o.feature_major) y = transpose(y, d2, b);  // Y^T -> Y
    const std::vector<int32_t> want =
        reference_mlp(x, w1, w2, p.b, p.d0, p.d1, p.d2, std::vector<int32_t>(d1, p.hidden.bias),
                      std::vector<int32_t>(d1, p.hidden.scale), p.hidden.shift, p.hidden.relu);
    rep.checks.push_back(compare_i32("Y == reference_mlp", y, want, [&](size_t i) {
      return fmt::format("Y[{}][{}]", i / d2, i % d2);
    }));
    rep.checks.push_back(unchanged_outside("DRAM outside Y unchanged", dram_in, rep.run.dram, off,
                                           4 * b * d2, kDramBase));
  };
  auto write = [&](Report& rep) {
    if (o.out.empty()) return;
    write_file_atomic(o.out, npy_serialize(npy_from_int32({b, d2}, y)));
    rep.outputs["out"] = o.out;
  };
  run_and_report(setup, o.run, std::move(ri), r, check, write);
}

}  // namespace

Command add_mlp(CLI::App& loom) {
  auto o = std::make_shared<MlpOptions>();
  CLI::App* sub = loom.add_subcommand(
      "mlp",
      "Run a two-layer MLP, Y = requant(X @ W1) @ W2 (int8 X, W1, W2; int8 hidden layer; int32 "
      "Y), through the MLP kernel and check it against a plain C++ reference");
  o->opt[kB] = sub->add_option("--batch", o->dim[kB], "rows of X and Y (from --x if omitted)")
                   ->type_name("B");
  o->opt[kD0] =
      sub->add_option("--d0", o->dim[kD0], "input features (from --x or --w1)")->type_name("D0");
  o->opt[kD1] =
      sub->add_option("--d1", o->dim[kD1], "hidden features (from --w1 or --w2)")->type_name("D1");
  o->opt[kD2] =
      sub->add_option("--d2", o->dim[kD2], "output features (from --w2)")->type_name("D2");
  sub->add_option("--x", o->x, "X as a .npy file: int8, shape [B, D0]")->type_name("X.npy");
  sub->add_option("--w1", o->w1, "W1 as a .npy file: int8, shape [D0, D1]")->type_name("W1.npy");
  sub->add_option("--w2", o->w2, "W2 as a .npy file: int8, shape [D1, D2]")->type_name("W2.npy");
  sub->add_option("--hidden-bias", o->bias, "hidden requant bias, int32 (default 0)")
      ->type_name("BIAS");
  sub->add_option("--hidden-scale", o->scale, "hidden requant scale, int16 (default 1)")
      ->type_name("SCALE");
  sub->add_option("--hidden-shift", o->shift, "hidden requant right shift, 0..63 (default 8)")
      ->type_name("SHIFT");
  sub->add_flag("--no-relu", o->no_relu, "no ReLU on the hidden layer");
  sub->add_flag("--feature-major", o->feature_major,
                "run the feature-major kernel: X^T [D0, B] and Y^T [D2, B] in DRAM (the files "
                "stay row-major; transposed on the way in and out)");
  sub->add_option("--seed", o->seed,
                  "seed of the tensors not given as files (std::mt19937_64; X, W1, W2 drawn in "
                  "this order; default 1)")
      ->type_name("S");
  sub->add_option("--out", o->out, "write Y as a .npy file: int32, shape [B, D2]")
      ->type_name("Y.npy");
  add_run_options(*sub, o->run);
  sub->footer(
      "H = sat_int8(relu(round_shift((X @ W1 + bias) * scale, shift))) (docs/isa.md \"ACT\").\n"
      "Exit status: 0 PASS, 1 bad or unreadable input or unwritable output, 2 bad arguments or\n"
      "a mode not built yet, 3 FAIL (docs/cli.md).");
  return {sub, [o] { run_mlp(*o); }};
}

}  // namespace loom::cli
