// `loom run PROGRAM.s|PROGRAM.bin`: any program on a back end, with DRAM
// images loaded before it runs, regions compared (--expect) and dumped
// after it.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "command.h"
#include "diag.h"
#include "error.h"
#include "io.h"
#include "loom/asm.h"
#include "loom/isa.h"
#include "workload.h"

namespace loom::cli {
namespace {

constexpr const char* kCmd = "loom run";

struct RunCmdOptions {
  std::string program;
  std::vector<std::string> loads, dumps, expects;
  std::string dram_base = "0";
  std::string dram_size = "0x1000000";
  RunOptions run;
};

CliError usage(const std::string& msg) {
  return CliError(kExitUsage, fmt::format("{}: error: {} (see '{} --help')", kCmd, msg, kCmd));
}

// A decimal or 0x-hexadecimal unsigned number; nullopt if `s` is not one.
std::optional<uint64_t> number(const std::string& s) {
  if (s.empty() || s[0] == '-' || s[0] == '+' || std::isspace(static_cast<unsigned char>(s[0])))
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  // Base 10 unless 0x: a leading zero is not octal.
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char* digits = s.c_str() + (hex ? 2 : 0);
  if (!std::isxdigit(static_cast<unsigned char>(*digits))) return std::nullopt;  // no sign, space
  const unsigned long long v = std::strtoull(digits, &end, hex ? 16 : 10);
  if (errno != 0 || end == digits || *end != '\0') return std::nullopt;
  return uint64_t(v);
}

uint64_t number_or_usage(const std::string& s, const std::string& what) {
  const auto v = number(s);
  if (!v) throw usage(fmt::format("{}: '{}' is not a number (decimal or 0x hex)", what, s));
  return *v;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "ADDR=FILE" of --load and --expect: the address and the bytes (a .npy
// file's data, any other file as it is).
struct Image {
  std::string spec, file;
  uint64_t addr = 0;
  std::vector<uint8_t> bytes;
};

Image read_image(const std::string& opt, const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw usage(fmt::format("{} '{}': expected ADDR=FILE", opt, spec));
  Image im;
  im.spec = spec;
  im.addr = number_or_usage(spec.substr(0, eq), opt);
  im.file = spec.substr(eq + 1);
  if (ends_with(im.file, ".npy")) {
    im.bytes = read_npy(im.file).data;
  } else {
    const std::string raw = read_file(im.file);
    im.bytes.assign(raw.begin(), raw.end());
  }
  return im;
}

// "ADDR:BYTES=FILE" or "ADDR:DTYPE[D0,D1,...]=FILE" of --dump.
struct Dump {
  uint64_t addr = 0, bytes = 0;
  NpyDtype dtype = NpyDtype::kUint8;
  std::vector<uint64_t> shape;
  std::string file;
};

Dump parse_dump(const std::string& spec) {
  const std::string form =
      "--dump '" + spec + "': expected ADDR:BYTES=FILE or ADDR:DTYPE[SHAPE]=FILE";
  const size_t colon = spec.find(':'), eq = spec.find('=');
  if (colon == std::string::npos || eq == std::string::npos || colon > eq || colon == 0 ||
      eq + 1 == spec.size())
    throw usage(form);
  Dump d;
  d.addr = number_or_usage(spec.substr(0, colon), "--dump");
  d.file = spec.substr(eq + 1);
  const std::string size = spec.substr(colon + 1, eq - colon - 1);
  if (const auto n = number(size)) {
    d.bytes = *n;
    d.shape = {*n};
  } else {
    const size_t lb = size.find('[');
    if (lb == std::string::npos || size.back() != ']') throw usage(form);
    const std::string t = size.substr(0, lb);
    if (t == "int8")
      d.dtype = NpyDtype::kInt8;
    else if (t == "uint8")
      d.dtype = NpyDtype::kUint8;
    else if (t == "int32")
      d.dtype = NpyDtype::kInt32;
    else if (t == "int64")
      d.dtype = NpyDtype::kInt64;
    else
      throw usage(
          fmt::format("--dump '{}': unknown dtype '{}' (int8, uint8, int32, int64)", spec, t));
    std::string dims = size.substr(lb + 1, size.size() - lb - 2);
    uint64_t count = 1;
    size_t pos = 0;
    while (pos <= dims.size()) {
      const size_t comma = std::min(dims.find(',', pos), dims.size());
      const auto v = number(dims.substr(pos, comma - pos));
      if (!v) throw usage(form);
      d.shape.push_back(*v);
      if (__builtin_mul_overflow(count, *v, &count) || d.shape.size() > 32)
        throw usage(fmt::format("--dump '{}': shape too large", spec));
      pos = comma + 1;
    }
    if (__builtin_mul_overflow(count, uint64_t(npy_itemsize(d.dtype)), &d.bytes))
      throw usage(fmt::format("--dump '{}': shape too large", spec));
  }
  return d;
}

// Offset of [addr, addr + bytes) in the window, or a usage error.
size_t window_offset(const std::string& what, uint64_t addr, uint64_t bytes, uint64_t base,
                     uint64_t size) {
  if (addr < base || addr - base > size || bytes > size - (addr - base))
    throw usage(fmt::format("{}: {} bytes at {:#x} are outside the DRAM window [{:#x}, {:#x})",
                            what, bytes, addr, base, base + size));
  return size_t(addr - base);
}

void run_run(RunCmdOptions& o) {
  RunSetup setup = setup_run(o.run, kCmd);
  const uint64_t base = number_or_usage(o.dram_base, "--dram-base");
  const uint64_t size = number_or_usage(o.dram_size, "--dram-size");
  if (size > kMaxDramBytes)
    throw usage(fmt::format("--dram-size {:#x} is more than this tool allocates ({:#x})", size,
                            kMaxDramBytes));
  if (base + size < base) throw usage("--dram-base + --dram-size overflows 64 bits");
  std::vector<Dump> dumps;
  for (const std::string& s : o.dumps) {
    dumps.push_back(parse_dump(s));
    window_offset("--dump " + s, dumps.back().addr, dumps.back().bytes, base, size);
    precheck_output(dumps.back().file);
  }

  // The program: a binary if it has a NUL byte (assembly text never does).
  const std::string text = read_file(o.program);
  std::vector<uint8_t> program;
  const bool binary = text.find('\0') != std::string::npos;
  if (binary) {
    if (text.size() % 32 != 0)
      throw input_error(o.program, fmt::format("a binary program of {} bytes: not a multiple of "
                                               "32 (one instruction is 32 bytes)",
                                               text.size()));
    program.assign(text.begin(), text.end());
  } else {
    try {
      program = encode_program(assemble(text, *setup.cfg));
    } catch (const std::invalid_argument& e) {
      throw CliError(kExitInput, asm_diagnostic(o.program, e.what()));
    }
  }

  RunInput in;
  in.program = program;
  in.dram_base = base;
  in.dram.assign(size, 0);
  nlohmann::json loads = nlohmann::json::array();
  for (const std::string& s : o.loads) {
    const Image im = read_image("--load", s);
    const size_t off = window_offset("--load " + s, im.addr, im.bytes.size(), base, size);
    std::copy(im.bytes.begin(), im.bytes.end(), in.dram.begin() + std::ptrdiff_t(off));
    loads.push_back({{"addr", im.addr}, {"bytes", im.bytes.size()}, {"file", im.file}});
  }
  std::vector<Image> expects;
  for (const std::string& s : o.expects) {
    expects.push_back(read_image("--expect", s));
    window_offset("--expect " + s, expects.back().addr, expects.back().bytes.size(), base, size);
  }

  Report r;
  r.command = kCmd;
  r.workload = fmt::format("program {} ({} instructions, {})", o.program, program.size() / 32,
                           binary ? "binary" : "assembly");
  r.workload_json = {{"kind", "program"},
                     {"program", o.program},
                     {"format", binary ? "binary" : "assembly"},
                     {"dram", {{"base", base}, {"bytes", size}}},
                     {"loads", loads}};
  auto check = [&](Report& rep) {
    for (const Image& e : expects) {
      Check c{fmt::format("DRAM {:#x} == {}", e.addr, e.file), e.bytes.size(), 0, ""};
      const size_t off = size_t(e.addr - base);
      for (size_t i = 0; i < e.bytes.size(); ++i)
        if (rep.run.dram[off + i] != e.bytes[i] && c.mismatches++ == 0)
          c.first = fmt::format("byte {:#x} = {:#04x}, expected {:#04x}", e.addr + i,
                                rep.run.dram[off + i], e.bytes[i]);
      rep.checks.push_back(c);
    }
  };
  auto write = [&](Report& rep) {
    nlohmann::json written = nlohmann::json::array();
    for (const Dump& d : dumps) {
      const size_t off = size_t(d.addr - base);
      const std::vector<uint8_t> bytes(rep.run.dram.begin() + std::ptrdiff_t(off),
                                       rep.run.dram.begin() + std::ptrdiff_t(off + d.bytes));
      if (ends_with(d.file, ".npy")) {
        NpyArray a;
        a.dtype = d.dtype;
        a.shape = d.shape;
        a.data = bytes;
        write_file_atomic(d.file, npy_serialize(a));
      } else {
        write_file_atomic(d.file, std::string(bytes.begin(), bytes.end()));
      }
      written.push_back({{"addr", d.addr}, {"bytes", d.bytes}, {"file", d.file}});
    }
    if (!dumps.empty()) rep.outputs["dumps"] = written;
  };
  run_and_report(setup, o.run, std::move(in), r, check, write);
}

}  // namespace

Command add_run(CLI::App& loom) {
  auto o = std::make_shared<RunCmdOptions>();
  CLI::App* sub = loom.add_subcommand(
      "run",
      "Run a program (assembly or binary) on a DRAM image: load files into DRAM, run, compare "
      "and dump DRAM regions");
  sub->add_option("program", o->program,
                  "the program: assembly text, or a binary program (a file with a NUL byte)")
      ->required()
      ->type_name("PROGRAM.s|PROGRAM.bin");
  sub->add_option("--load", o->loads,
                  "before the run, put FILE's bytes at DRAM address ADDR (a .npy file: its "
                  "data; any other file: as it is); repeatable")
      ->type_name("ADDR=FILE");
  sub->add_option("--expect", o->expects,
                  "after the run, compare DRAM at ADDR with FILE (as --load reads it); a "
                  "difference is a FAIL; repeatable")
      ->type_name("ADDR=FILE");
  sub->add_option("--dump", o->dumps,
                  "after the run, write BYTES bytes of DRAM from ADDR to FILE, or a DTYPE (int8, "
                  "uint8, int32, int64) array of SHAPE (e.g. int32[4,8]); FILE.npy gets a .npy "
                  "file, any other name the raw bytes; repeatable")
      ->type_name("ADDR:BYTES=FILE|ADDR:DTYPE[SHAPE]=FILE");
  sub->add_option("--dram-base", o->dram_base, "first address of the DRAM window (default 0)")
      ->type_name("ADDR");
  sub->add_option("--dram-size", o->dram_size,
                  "bytes of the DRAM window, zero-filled before the loads (default 0x1000000)")
      ->type_name("BYTES");
  add_run_options(*sub, o->run);
  sub->footer(
      "Numbers are decimal or 0x hexadecimal. PASS: the program reaches END without a core error\n"
      "and every --expect matches. Exit status: 0 PASS, 1 bad or unreadable input (an assembler\n"
      "error, a malformed .npy) or unwritable output, 2 bad arguments, 3 FAIL (docs/cli.md).");
  return {sub, [o] { run_run(*o); }};
}

}  // namespace loom::cli
