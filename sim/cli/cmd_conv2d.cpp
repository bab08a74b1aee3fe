// `loom conv2d`: a 2-D convolution (NHWC int8 input, [KH][KW][C][CO] int8
// weights, int32 output) through the conv2d kernel (conv2d_program) on a
// back end, checked against reference_conv2d. --channel-major runs the
// kernel's channel-major layout: the tensors are transposed into DRAM and
// the output back, so the files stay NHWC.
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

constexpr const char* kCmd = "loom conv2d";

struct Conv2dOptions {
  // n, h, w, c, kh, kw, co: signed so that a negative value is reported as such.
  int64_t dim[7] = {0, 0, 0, 0, 0, 0, 0};
  CLI::Option* opt[7] = {};
  int64_t stride = 1, pad = 0;
  std::string input, weights, out;
  uint64_t seed = 1;
  bool channel_major = false;
  RunOptions run;
};
enum { kN, kH, kW, kC, kKh, kKw, kCo };

CliError usage(const std::string& msg) {
  return CliError(kExitUsage, fmt::format("{}: error: {} (see '{} --help')", kCmd, msg, kCmd));
}

void run_conv2d(Conv2dOptions& o) {
  RunSetup setup = setup_run(o.run, kCmd);
  if (!o.out.empty()) precheck_output(o.out);
  if (o.stride < 1 || o.stride > 255)
    throw usage(fmt::format("--stride {} is out of range 1..255", o.stride));
  if (o.pad < 0 || o.pad > 255) throw usage(fmt::format("--pad {} is out of range 0..255", o.pad));

  Dims dims(kCmd);
  const char* from[7] = {"--input",   "--input",   "--input",  "--input or --weights",
                         "--weights", "--weights", "--weights"};
  for (int i = 0; i < 7; ++i) dims.add(o.opt[i], o.dim[i], from[i]);
  NpyArray in_file, w_file;
  if (!o.input.empty()) {
    in_file = read_int8_tensor(o.input, "the input", 4);
    dims.from_file(o.input, in_file, {kN, kH, kW, kC});
  }
  if (!o.weights.empty()) {
    w_file = read_int8_tensor(o.weights, "the weights", 4);
    dims.from_file(o.weights, w_file, {kKh, kKw, kC, kCo});
  }
  RefConv2d s;
  s.n = uint32_t(dims.get(kN));
  s.h = uint32_t(dims.get(kH));
  s.w = uint32_t(dims.get(kW));
  s.c = uint32_t(dims.get(kC));
  s.kh = uint32_t(dims.get(kKh));
  s.kw = uint32_t(dims.get(kKw));
  s.co = uint32_t(dims.get(kCo));
  s.stride_h = s.stride_w = uint32_t(o.stride);
  s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = uint32_t(o.pad);
  if (s.kh > s.h + 2 * s.pad_top || s.kw > s.w + 2 * s.pad_left)
    throw usage(fmt::format("the {}x{} kernel is larger than the padded {}x{} input", s.kh, s.kw,
                            s.h + 2 * s.pad_top, s.w + 2 * s.pad_left));
  const uint64_t ho = (s.h + 2 * s.pad_top - s.kh) / s.stride_h + 1;
  const uint64_t wo = (s.w + 2 * s.pad_left - s.kw) / s.stride_w + 1;
  const uint64_t macs = uint64_t(s.n) * ho * wo * s.co * s.kh * s.kw * s.c;
  if (macs > kMaxMacs)
    throw usage(fmt::format("{} MACs is more than this tool runs ({})", macs, kMaxMacs));
  const uint64_t in_count = uint64_t(s.n) * s.h * s.w * s.c;
  const uint64_t w_count = uint64_t(s.kh) * s.kw * s.c * s.co;
  const uint64_t out_count = uint64_t(s.n) * ho * wo * s.co;

  // Inputs: the input then the weights drawn from the seed when not given.
  InputGenerator gen(o.seed);
  const std::vector<int8_t> in = o.input.empty() ? gen.draw(in_count) : in_file.as_int8();
  const std::vector<int8_t> w = o.weights.empty() ? gen.draw(w_count) : w_file.as_int8();

  Conv2dParams p;
  p.n = s.n, p.h = s.h, p.w = s.w, p.c = s.c, p.kh = s.kh, p.kw = s.kw, p.co = s.co;
  p.stride_h = s.stride_h, p.stride_w = s.stride_w;
  p.pad_top = s.pad_top, p.pad_bottom = s.pad_bottom, p.pad_left = s.pad_left,
  p.pad_right = s.pad_right;
  p.channel_major = o.channel_major;
  p.in_addr = kDramBase;
  p.w_addr = p.in_addr + align64(in_count);
  p.zero_addr = p.w_addr + align64(w_count);
  p.out_addr = p.zero_addr + align64(conv2d_zero_bytes(*setup.cfg));
  const uint64_t dram_bytes = align64(p.out_addr + 4 * out_count - kDramBase);
  if (dram_bytes > kMaxDramBytes)
    throw usage(fmt::format("the tensors need {} bytes of DRAM, more than this tool allocates ({})",
                            dram_bytes, kMaxDramBytes));
  Conv2dProgram g;
  try {
    g = conv2d_program(*setup.cfg, p);
  } catch (const std::invalid_argument& e) {
    throw usage(fmt::format("cannot tile this convolution on {}: {}", setup.cfg->name, e.what()));
  }

  RunInput ri;
  ri.program = encode_program(g.program);
  ri.dram_base = kDramBase;
  ri.dram.assign(dram_bytes, 0);
  const size_t pixels = size_t(s.n) * s.h * s.w, out_pixels = size_t(s.n) * ho * wo;
  const std::vector<int8_t> in_dram = o.channel_major ? transpose(in, pixels, s.c) : in;
  std::copy(in_dram.begin(), in_dram.end(),
            ri.dram.begin() + std::ptrdiff_t(p.in_addr - kDramBase));
  std::copy(w.begin(), w.end(), ri.dram.begin() + std::ptrdiff_t(p.w_addr - kDramBase));
  const std::vector<uint8_t> dram_in = ri.dram;

  Report r;
  r.command = kCmd;
  const bool seeded = o.input.empty() || o.weights.empty();
  r.workload = fmt::format(
      "conv2d N={} H={} W={} C={} KH={} KW={} CO={} stride {} pad {} -> "
      "{}x{}, {} ({})",
      s.n, s.h, s.w, s.c, s.kh, s.kw, s.co, o.stride, o.pad, ho, wo,
      o.channel_major ? "channel-major" : "NHWC",
      seeded ? fmt::format("seed {}", o.seed) : "inputs from files");
  r.workload_json = {
      {"kind", "conv2d"},
      {"n", s.n},
      {"h", s.h},
      {"w", s.w},
      {"c", s.c},
      {"kh", s.kh},
      {"kw", s.kw},
      {"co", s.co},
      {"stride", o.stride},
      {"pad", o.pad},
      {"out_h", ho},
      {"out_w", wo},
      {"layout", o.channel_major ? "channel_major" : "nhwc"},
      {"seed", seeded ? nlohmann::json(o.seed) : nlohmann::json(nullptr)},
      {"input", o.input.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.input)},
      {"weights", o.weights.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.weights)},
      {"dram", {{"base", kDramBase}, {"bytes", dram_bytes}}},
      {"in_addr", p.in_addr},
      {"w_addr", p.w_addr},
      {"zero_addr", p.zero_addr},
      {"out_addr", p.out_addr}};

  std::vector<int32_t> out;
  auto check = [&](Report& rep) {
    const size_t off = size_t(p.out_addr - kDramBase);
    out = read_i32(rep.run.dram, off, out_count);
    if (o.channel_major) out = transpose(out, s.co, out_pixels);  // [CO][N][HO][WO] -> NHWC
    const std::vector<int32_t> want = reference_conv2d(in, w, s);
    rep.checks.push_back(compare_i32("out == reference_conv2d", out, want, [&](size_t i) {
      return fmt::format("out[{}][{}][{}][{}]", i / s.co / wo / ho, i / s.co / wo % ho,
                         i / s.co % wo, i % s.co);
    }));
    rep.checks.push_back(unchanged_outside("DRAM outside out unchanged", dram_in, rep.run.dram, off,
                                           4 * out_count, kDramBase));
  };
  auto write = [&](Report& rep) {
    if (o.out.empty()) return;
    write_file_atomic(o.out, npy_serialize(npy_from_int32({s.n, ho, wo, s.co}, out)));
    rep.outputs["out"] = o.out;
  };
  run_and_report(setup, o.run, std::move(ri), r, check, write);
}

}  // namespace

Command add_conv2d(CLI::App& loom) {
  auto o = std::make_shared<Conv2dOptions>();
  CLI::App* sub = loom.add_subcommand(
      "conv2d",
      "Run a 2-D convolution (NHWC int8 input, [KH, KW, C, CO] int8 weights, int32 output) "
      "through the conv2d kernel and check it against a plain C++ reference");
  const char* names[7] = {"--n", "--h", "--w", "--c", "--kh", "--kw", "--co"};
  const char* help[7] = {
      "batch (from --input if omitted)", "input height (from --input)",
      "input width (from --input)",      "input channels (from --input or --weights)",
      "kernel height (from --weights)",  "kernel width (from --weights)",
      "output channels (from --weights)"};
  for (int i = 0; i < 7; ++i)
    o->opt[i] = sub->add_option(names[i], o->dim[i], help[i])->type_name(&names[i][2]);
  sub->add_option("--stride", o->stride, "stride in both directions (default 1)")->type_name("S");
  sub->add_option("--pad", o->pad, "zero padding on every side (default 0)")->type_name("P");
  sub->add_option("--input", o->input, "the input as a .npy file: int8, shape [N, H, W, C]")
      ->type_name("IN.npy");
  sub->add_option("--weights", o->weights,
                  "the weights as a .npy file: int8, shape [KH, KW, C, CO]")
      ->type_name("W.npy");
  sub->add_option("--seed", o->seed,
                  "seed of the tensors not given as files (std::mt19937_64, the input drawn "
                  "before the weights; default 1)")
      ->type_name("S");
  sub->add_option("--out", o->out, "write the output as a .npy file: int32, [N, HO, WO, CO]")
      ->type_name("OUT.npy");
  sub->add_flag("--channel-major", o->channel_major,
                "run the channel-major kernel: input [C, N, H, W] and output [CO, N, HO, WO] in "
                "DRAM (the files stay NHWC; transposed on the way in and out)");
  add_run_options(*sub, o->run);
  sub->footer(
      "HO = (H + 2 pad - KH) / stride + 1, likewise WO. Exit status: 0 PASS, 1 bad or unreadable\n"
      "input or unwritable output, 2 bad arguments or a mode not built yet, 3 FAIL (docs/cli.md).");
  return {sub, [o] { run_conv2d(*o); }};
}

}  // namespace loom::cli
