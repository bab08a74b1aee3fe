// `loom gemm`: C = A @ B (int8 x int8 -> int32) through the GEMM kernel
// (gemm_program) on a back end, checked against reference_matmul.
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

constexpr const char* kCmd = "loom gemm";

struct GemmOptions {
  int64_t m = 0, k = 0, n = 0;  // signed: a negative value is reported as such
  CLI::Option *m_opt = nullptr, *k_opt = nullptr, *n_opt = nullptr;
  std::string a, b, out;
  uint64_t seed = 1;
  std::string a_layout = "tiled";  // how the host lays A out in DRAM (docs/cli.md)
  RunOptions run;
};

CliError usage(const std::string& msg) {
  return CliError(kExitUsage, fmt::format("{}: error: {} (see '{} --help')", kCmd, msg, kCmd));
}

// A dimension from its option, when no file gives it.
int64_t dim(const CLI::Option* opt, int64_t value, const char* file_opt) {
  if (opt->count() == 0)
    throw usage(fmt::format("{} is required without {}", opt->get_name(), file_opt));
  return value;
}

void check_range(const char* name, int64_t v) {
  if (v < 1 || v > 65535) throw usage(fmt::format("{} {} is out of range 1..65535", name, v));
}

void run_gemm(GemmOptions& o) {
  RunSetup setup = setup_run(o.run, kCmd);
  if (!o.out.empty()) precheck_output(o.out);

  // Shapes: from the files when given (the options, if also given, must agree).
  NpyArray a_file, b_file;
  int64_t m = 0, k = 0, n = 0;
  if (!o.a.empty()) {
    a_file = read_int8_tensor(o.a, "A", 2);
    check_dim(a_file, o.a, 0, o.m_opt, o.m);
    check_dim(a_file, o.a, 1, o.k_opt, o.k);
    m = int64_t(a_file.shape[0]);
    k = int64_t(a_file.shape[1]);
  } else {
    m = dim(o.m_opt, o.m, "--a");
    k = o.k_opt->count() ? o.k : 0;
  }
  if (!o.b.empty()) {
    b_file = read_int8_tensor(o.b, "B", 2);
    check_dim(b_file, o.b, 1, o.n_opt, o.n);
    if (k != 0 && b_file.shape[0] != uint64_t(k))
      throw input_error(
          o.b, fmt::format("B's shape {} does not match K = {} ({})", b_file.shape_str(), k,
                           o.a.empty() ? "--k" : "the columns of " + o.a));
    k = int64_t(b_file.shape[0]);
    n = int64_t(b_file.shape[1]);
  } else {
    if (k == 0) k = dim(o.k_opt, o.k, "--a or --b");
    n = dim(o.n_opt, o.n, "--b");
  }
  check_range("M", m);
  check_range("K", k);
  check_range("N", n);
  if (uint64_t(m * k * n) > kMaxMacs)
    throw usage(
        fmt::format("M x K x N = {} MACs is more than this tool runs ({})", m * k * n, kMaxMacs));

  // Inputs: A then B drawn from the seed when not given.
  InputGenerator gen(o.seed);
  const std::vector<int8_t> a = o.a.empty() ? gen.draw(uint64_t(m * k)) : a_file.as_int8();
  const std::vector<int8_t> b = o.b.empty() ? gen.draw(uint64_t(k * n)) : b_file.as_int8();

  GemmParams p;
  p.m = uint32_t(m);
  p.k = uint32_t(k);
  p.n = uint32_t(n);
  // The host writes A in the layout the kernel loads fastest (tiled, the
  // default: pack_gemm_a), or as A^T, or as given (row-major).
  p.a_tiled = o.a_layout == "tiled";
  p.a_transposed = o.a_layout == "transposed";
  std::vector<uint8_t> a_image;
  if (p.a_tiled) {
    a_image = pack_gemm_a(*setup.cfg, p.m, p.k, a);
  } else {
    a_image.resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t row = i / size_t(k), col = i % size_t(k);
      a_image[p.a_transposed ? col * size_t(m) + row : i] = uint8_t(a[i]);
    }
  }
  p.a_addr = kDramBase;
  p.b_addr = kDramBase + align64(a_image.size());
  p.c_addr = p.b_addr + align64(b.size());
  const uint64_t dram_bytes = align64(p.c_addr + gemm_c_bytes(p) - kDramBase);
  if (dram_bytes > kMaxDramBytes)
    throw usage(fmt::format("A, B and C need {} bytes of DRAM, more than this tool allocates ({})",
                            dram_bytes, kMaxDramBytes));
  GemmProgram g;
  try {
    g = gemm_program(*setup.cfg, p);
  } catch (const std::invalid_argument& e) {
    throw usage(fmt::format("cannot tile this GEMM on {}: {}", setup.cfg->name, e.what()));
  }

  RunInput in;
  in.program = encode_program(g.program);
  in.dram_base = kDramBase;
  in.dram.assign(dram_bytes, 0);
  std::copy(a_image.begin(), a_image.end(),
            in.dram.begin() + std::ptrdiff_t(p.a_addr - kDramBase));
  std::copy(b.begin(), b.end(), in.dram.begin() + std::ptrdiff_t(p.b_addr - kDramBase));
  const std::vector<uint8_t> dram_in = in.dram;

  Report r;
  r.command = kCmd;
  r.workload = fmt::format("GEMM {}x{}x{} (int8 x int8 -> int32, {})", m, k, n,
                           o.a.empty() || o.b.empty() ? fmt::format("seed {}", o.seed)
                                                      : std::string("inputs from files"));
  r.workload_json = {
      {"kind", "gemm"},
      {"m", m},
      {"k", k},
      {"n", n},
      {"seed", o.a.empty() || o.b.empty() ? nlohmann::json(o.seed) : nlohmann::json(nullptr)},
      {"a", o.a.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.a)},
      {"b", o.b.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.b)},
      {"dram", {{"base", kDramBase}, {"bytes", dram_bytes}}},
      {"a_layout", o.a_layout},
      {"a_addr", p.a_addr},
      {"b_addr", p.b_addr},
      {"c_addr", p.c_addr},
      {"tiles", {{"m", g.tiles_m}, {"k", g.tiles_k}, {"n", g.tiles_n}}}};

  std::vector<int32_t> c(size_t(m * n));
  auto check = [&](Report& rep) {
    const std::vector<uint8_t>& d = rep.run.dram;
    const size_t c0 = p.c_addr - kDramBase;
    for (size_t i = 0; i < c.size(); ++i) {
      uint32_t x = 0;
      for (size_t j = 0; j < 4; ++j) x |= uint32_t(d[c0 + 4 * i + j]) << (8 * j);
      c[i] = int32_t(x);
    }
    const std::vector<int32_t> want = reference_matmul(a, b, p.m, p.k, p.n);
    Check cc{"C == reference_matmul", c.size(), 0, ""};
    for (size_t i = 0; i < c.size(); ++i)
      if (c[i] != want[i] && cc.mismatches++ == 0)
        cc.first =
            fmt::format("C[{}][{}] = {}, expected {}", i / size_t(n), i % size_t(n), c[i], want[i]);
    rep.checks.push_back(cc);
    Check dc{"DRAM outside C unchanged", d.size() - 4 * c.size(), 0, ""};
    for (size_t i = 0; i < d.size(); ++i) {
      if (i >= c0 && i < c0 + 4 * c.size()) continue;
      if (d[i] != dram_in[i] && dc.mismatches++ == 0)
        dc.first =
            fmt::format("byte {:#x} = {:#04x}, was {:#04x}", kDramBase + i, d[i], dram_in[i]);
    }
    rep.checks.push_back(dc);
  };
  auto write = [&](Report& rep) {
    if (o.out.empty()) return;
    write_file_atomic(o.out, npy_serialize(npy_from_int32({uint64_t(m), uint64_t(n)}, c)));
    rep.outputs["out"] = o.out;
  };
  run_and_report(setup, o.run, std::move(in), r, check, write);
}

}  // namespace

Command add_gemm(CLI::App& loom) {
  auto o = std::make_shared<GemmOptions>();
  CLI::App* sub = loom.add_subcommand(
      "gemm",
      "Run C = A @ B (A int8 M x K, B int8 K x N, C int32 M x N) through the GEMM kernel and "
      "check C against a plain C++ reference");
  o->m_opt =
      sub->add_option("--m", o->m, "rows of A and C (taken from --a if omitted)")->type_name("M");
  o->k_opt =
      sub->add_option("--k", o->k, "columns of A, rows of B (taken from --a / --b if omitted)")
          ->type_name("K");
  o->n_opt = sub->add_option("--n", o->n, "columns of B and C (taken from --b if omitted)")
                 ->type_name("N");
  sub->add_option("--a", o->a, "A as a .npy file: int8, shape [M, K], C order")->type_name("A.npy");
  sub->add_option("--b", o->b, "B as a .npy file: int8, shape [K, N], C order")->type_name("B.npy");
  sub->add_option("--seed", o->seed,
                  "seed of the inputs not given as files (std::mt19937_64, A drawn before B; "
                  "default 1)")
      ->type_name("S");
  sub->add_option("--out", o->out, "write C as a .npy file: int32, shape [M, N]")
      ->type_name("C.npy");
  sub->add_option("--a-layout", o->a_layout,
                  "how A lies in the core's DRAM: tiled (default: packed by the host so one DMA "
                  "descriptor loads many stationary tiles, the fastest), transposed (A^T, K x M), "
                  "row-major (as given; gathered byte by byte, slow)")
      ->type_name("LAYOUT")
      ->check(CLI::IsMember({"tiled", "transposed", "row-major"}));
  add_run_options(*sub, o->run);
  sub->footer(
      "M, K, N are 1..65535. Prints a report; exit status: 0 PASS, 1 bad or unreadable input or\n"
      "unwritable output, 2 bad arguments or a mode not built yet, 3 FAIL (docs/cli.md).");
  return {sub, [o] { run_gemm(*o); }};
}

}  // namespace loom::cli
