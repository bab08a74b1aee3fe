// The `loom` command line (docs/cli.md), run as a subprocess: round trips,
// every error case with its exit code and message, --help, outputs left
// untouched by failures.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loom/configs.h"
#include "common/test_seed.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

// Every instruction kind, every optional operand, wait and signal forms.
// Valid on `small` (P = 8).
const char* kAllKinds = R"(# every instruction kind
nop
dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
dma.store q=1 dram=0x20000 row_stride=8 rows=4 row_bytes=8 planes=3 plane_stride=0x100 part=4 sbuf=0x200 wait=s2>=3 signal=s3+2
LDW sbuf=0x200 k=8 m=8 wait=s0>=2        # mnemonics are case-insensitive
mm sbuf=0 f=64 bank=1 acc=1 signal=s1
mm sbuf=0x40 f=16 bank=3 off=48
act.requant bank=0 m=8 f=64 dst=0x400 bias=-3 scale=0x7fff shift=15 relu=1 wait=s1>=1 signal=s2
act.requant src=0x800 part=2 m=4 f=8 dst=0x900 bs=0x40
act.copy bank=2 off=3 m=8 f=16 dst=0xa00
act.copy src=0xb00 part=1 m=2 f=4 dst=0xc00 signal=s15
sync engine=seq wait=s3>=1
sync engine=pe signal=s5
sync engine=act
sync engine=dma0 wait=s2>=4
sync engine=dma1 signal=s4+255
	end wait=s3>=65535
)";
constexpr size_t kAllKindsCount = 16;

// docs/isa.md's example tile on `small`.
const char* kDocsExample = R"(
dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
dma.load q=1 dram=0x20000 row_stride=8 rows=8 row_bytes=8 part=0 sbuf=0x200 signal=s0
ldw sbuf=0x200 k=8 m=8 wait=s0>=2
mm sbuf=0 f=64 bank=0 signal=s1
act.requant bank=0 m=8 f=64 dst=0x400 bias=-3 scale=0x7fff shift=15 relu=1 wait=s1>=1 signal=s2
dma.store q=0 dram=0x30000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0x400 wait=s2>=1 signal=s3
end wait=s3>=1
)";

struct Result {
  int code = -1;  // exit status, or 128 + signal
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary);
  f << data;
}

size_t lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/loom_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    io_ = dir_ / ".io";
    fs::create_directory(io_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }

  fs::path path(const std::string& name) const { return dir_ / name; }
  std::string file(const std::string& name, const std::string& data) const {
    spit(path(name), data);
    return path(name).string();
  }
  // The user-visible files in the test directory (not the captured stdio).
  std::vector<std::string> listing() const {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path() != io_) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }

  // Runs `loom ARGS...` with stdout and stderr captured in files; a run
  // longer than 30 s is killed and fails the test (the CLI must not hang).
  Result loom(const std::vector<std::string>& args, const std::string& stdout_path = "") const {
    const std::string out = stdout_path.empty() ? (io_ / "stdout").string() : stdout_path;
    const std::string err = (io_ / "stderr").string();
    std::vector<std::string> argv_s = {LOOM_CLI};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, LOOM_CLI, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    Result r;
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << LOOM_CLI << ": " << std::strerror(rc);
      return r;
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      const pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << "loom did not finish within 30 s";
        return r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (stdout_path.empty()) r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  // A failed run: exit code `code`, exactly one line on stderr containing
  // every string of `expect`, nothing on stdout.
  void expect_error(const Result& r, int code, const std::vector<std::string>& expect) const {
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    for (const std::string& s : expect) EXPECT_NE(r.err.find(s), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }

  fs::path dir_, io_;
};

// ---------------------------------------------------------------------------
// Round trips

TEST_F(Cli, AsmDisasmAsmGivesTheSameBytes) {
  const std::string src = file("all.s", kAllKinds);
  const std::string bin1 = path("all.bin").string();
  Result r = loom({"asm", src, "-o", bin1});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  const std::string bytes1 = slurp(bin1);
  ASSERT_EQ(bytes1.size(), kAllKindsCount * 32);

  // disasm to stdout and to a file give the same text.
  r = loom({"disasm", bin1});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string text = r.out;
  EXPECT_EQ(lines(text), kAllKindsCount);
  for (const char* mn : {"nop", "end", "sync", "dma.load", "dma.store", "ldw", "mm ", "act.requant",
                         "act.copy", "wait=", "signal="})
    EXPECT_NE(text.find(mn), std::string::npos) << mn;
  const std::string src2 = path("all2.s").string();
  r = loom({"disasm", bin1, "-o", src2});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(src2), text);

  // ... and assembling it gives the same bytes back, which disassemble the same.
  const std::string bin2 = path("all2.bin").string();
  r = loom({"asm", src2, "--output", bin2, "--config", "small"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(bin2), bytes1);
  r = loom({"disasm", bin2, "--config", "small"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, text);
  EXPECT_EQ(listing(), (std::vector<std::string>{"all.bin", "all.s", "all2.bin", "all2.s"}));
}

TEST_F(Cli, DocsExampleAssemblesOnSmall) {
  const std::string src = file("tile.s", kDocsExample);
  const Result r = loom({"asm", src, "-o", path("tile.bin").string(), "--config", "small"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("tile.bin")).size(), 7u * 32);
  const std::string bytes = slurp(path("tile.bin"));
  EXPECT_EQ(uint8_t(bytes[0]), 0x10);       // dma
  EXPECT_EQ(uint8_t(bytes[6 * 32]), 0x02);  // end
}

TEST_F(Cli, EmptyProgram) {
  const std::string src = file("empty.s", "# nothing\n\n");
  Result r = loom({"asm", src, "-o", path("empty.bin").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("empty.bin")), "");
  r = loom({"disasm", path("empty.bin").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(Cli, OutputReplacesAnExistingFileKeepingItsMode) {
  const std::string src = file("p.s", "end\n");
  const std::string out = file("p.bin", "old contents");
  ::chmod(out.c_str(), 0640);
  const Result r = loom({"asm", src, "-o", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(out).size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(listing(), (std::vector<std::string>{"p.bin", "p.s"}));
}

TEST_F(Cli, OutputToADevice) {
  const std::string src = file("p.s", "end\n");
  const Result r = loom({"asm", src, "-o", "/dev/null"});
  EXPECT_EQ(r.code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));  // still the device, not replaced by a file
}

// ---------------------------------------------------------------------------
// Input errors: exit 1, one line

TEST_F(Cli, MissingFile) {
  const std::string nope = path("nope.s").string();
  expect_error(loom({"asm", nope, "-o", path("x.bin").string()}), 1,
               {nope + ": error: cannot read", "No such file"});
  expect_error(loom({"disasm", path("nope.bin").string()}), 1, {"nope.bin: error: cannot read"});
  EXPECT_TRUE(listing().empty());
}

TEST_F(Cli, DirectoryAsInput) {
  expect_error(loom({"asm", dir_.string(), "-o", path("x.bin").string()}), 1, {"is a directory"});
  expect_error(loom({"disasm", dir_.string()}), 1, {"is a directory"});
}

TEST_F(Cli, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const std::string src = file("p.s", "end\n");
  ::chmod(src.c_str(), 0);
  expect_error(loom({"asm", src, "-o", path("x.bin").string()}), 1,
               {"p.s: error: cannot read", "Permission denied"});
}

// A read that fails after open() (EIO), also when the tests run as root:
// /proc/self/mem of the loom process itself, whose page 0 is unmapped.
TEST_F(Cli, ReadError) {
  if (!fs::exists("/proc/self/mem")) GTEST_SKIP() << "no /proc/self/mem";
  expect_error(loom({"asm", "/proc/self/mem", "-o", path("x.bin").string()}), 1,
               {"/proc/self/mem: error: cannot read"});
  expect_error(loom({"disasm", "/proc/self/mem"}), 1, {"/proc/self/mem: error: cannot read"});
  EXPECT_TRUE(listing().empty());
}

TEST_F(Cli, BinarySizeNotAMultipleOf32) {
  for (size_t n : {1u, 31u, 33u, 95u}) {
    const std::string bin = file("odd.bin", std::string(n, '\x01'));
    expect_error(loom({"disasm", bin}), 1, {"odd.bin: error:", "not a multiple of 32"});
  }
}

TEST_F(Cli, BadInstructionWordNamesItsIndex) {
  ASSERT_EQ(loom({"asm", file("p.s", kDocsExample), "-o", path("p.bin").string()}).code, 0);
  const std::string good = slurp(path("p.bin"));

  std::string zero = good;  // instruction 3 zeroed: opcode 0x00
  std::fill(zero.begin() + 3 * 32, zero.begin() + 4 * 32, '\0');
  expect_error(loom({"disasm", file("zero.bin", zero)}), 1,
               {"zero.bin: error: instruction 3 (byte 0x60)", "illegal opcode", "ILLEGAL_OPCODE"});

  std::string resv = good;  // instruction 1: header bit 55 (reserved) set
  resv[1 * 32 + 6] = char(uint8_t(resv[1 * 32 + 6]) | 0x80);
  expect_error(loom({"disasm", file("resv.bin", resv)}), 1,
               {"instruction 1 (byte 0x20)", "reserved", "RESERVED"});

  std::string opc = good;  // instruction 6: unassigned opcode
  opc[6 * 32] = char(0x7f);
  expect_error(loom({"disasm", file("opc.bin", opc)}), 1, {"instruction 6 (byte 0xc0)"});

  // A failed disasm -o leaves no file.
  const std::string out = path("out.s").string();
  expect_error(loom({"disasm", path("zero.bin").string(), "-o", out}), 1, {"instruction 3"});
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, DisasmConfigChecksEveryInstruction) {
  ASSERT_EQ(loom({"asm", file("p.s", kDocsExample), "-o", path("p.bin").string()}).code, 0);
  // On tiny (P = 4) the first DMA's 8 partitions are out of range.
  expect_error(loom({"disasm", path("p.bin").string(), "--config", "tiny"}), 1,
               {"p.bin: error: instruction 0 (byte 0x0): SBUF_RANGE"});
}

struct AsmCase {
  const char* source;
  const char* where;    // "LINE:COLUMN"
  const char* message;  // part of the message
};

TEST_F(Cli, AssemblerErrorsInCompilerStyle) {
  const AsmCase cases[] = {
      {"nop\nfoo x=1\n", "2:1", "unknown mnemonic 'foo'"},
      {"ldw sbuf=0 k=8 m=8 bogus=1", "1:20", "unknown operand 'bogus' for ldw"},
      {"  mm sbuf=0 f=0x1g bank=0", "1:18", "unexpected 'g'"},
      {"\n\n   ldw sbuf=0 k=8", "3:4", "missing operand 'm'"},
      {"sync engine=gpu", "1:13", "unknown engine 'gpu'"},
      {"ldw sbuf=0 k=8 m=8 k=4", "1:20", "duplicate operand 'k'"},
      {"ldw sbuf=0 k=256 m=8", "1:14", "out of range"},
      {"end signal=s1", "1:5", "unknown operand 'signal'"},
      {"act.copy src=0 bank=0 m=1 f=1 dst=8", "1:16", "exclude each other"},
      {"ldw sbuf=0 k=8 m=8 wait=s1", "1:27", "'wait' expects sN>=VALUE"},
      {"nop\r\nnop x\r\n", "2:5", "expected key=value"},
  };
  for (const AsmCase& c : cases) {
    SCOPED_TRACE(c.source);
    const std::string src = file("bad.s", c.source);
    const std::string out = path("bad.bin").string();
    expect_error(loom({"asm", src, "-o", out}), 1, {src + ":" + c.where + ": error: ", c.message});
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST_F(Cli, ConfigValidationErrors) {
  // Legal encodings that break a configuration's ranges; reported at the mnemonic.
  const AsmCase cases[] = {
      {"nop\n  ldw sbuf=0 k=8 m=8 signal=s20", "2:3", "ILLEGAL_FIELD"},
      {"mm sbuf=0 f=64 bank=4", "1:1", "PSUM_RANGE"},
      {"ldw sbuf=4095 k=8 m=8", "1:1", "SBUF_RANGE"},
      {"ldw sbuf=0 k=9 m=8", "1:1", "ILLEGAL_FIELD"},
  };
  for (const AsmCase& c : cases) {
    SCOPED_TRACE(c.source);
    const std::string src = file("bad.s", c.source);
    const std::string out = path("bad.bin").string();
    expect_error(loom({"asm", src, "-o", out, "--config", "small"}), 1,
                 {src + ":" + c.where + ": error: " + c.message});
    EXPECT_FALSE(fs::exists(out));
    // Without --config only the encoding is checked: these assemble.
    EXPECT_EQ(loom({"asm", src, "-o", out}).code, 0);
    fs::remove(out);
  }
}

TEST_F(Cli, BinaryGivenToTheAssembler) {
  ASSERT_EQ(loom({"asm", file("p.s", kDocsExample), "-o", path("p.bin").string()}).code, 0);
  const std::string bin = path("p.bin").string();
  expect_error(loom({"asm", bin, "-o", path("q.bin").string()}), 1,
               {bin + ":1:2: error: NUL byte", "loom disasm"});
  EXPECT_FALSE(fs::exists(path("q.bin")));
}

TEST_F(Cli, HugeTokenGivesOneBoundedLine) {
  const std::string src = file("big.s", "nop " + std::string(200000, 'x') + "\n");
  const Result r = loom({"asm", src, "-o", path("big.bin").string()});
  expect_error(r, 1, {":1:5: error: expected key=value"});
  EXPECT_LT(r.err.size(), 1200u + src.size());
}

TEST_F(Cli, ControlCharactersAreEscaped) {
  const std::string src = file("ctl.s", "\x1b[31m x=1\n");
  const Result r = loom({"asm", src, "-o", path("x.bin").string()});
  expect_error(r, 1, {":1:1: error: unknown mnemonic", "\\x1b[31m"});
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
}

TEST_F(Cli, FailedAsmLeavesNoOutputAndKeepsAnOldOne) {
  const std::string src = file("bad.s", "end\nldw sbuf=0 k=8\n");
  const std::string out = path("bad.bin").string();
  expect_error(loom({"asm", src, "-o", out}), 1, {"bad.s:2:1: error:"});
  EXPECT_EQ(listing(), (std::vector<std::string>{"bad.s"}));  // no output, no temporary

  spit(out, "previous build");
  expect_error(loom({"asm", src, "-o", out}), 1, {"bad.s:2:1: error:"});
  EXPECT_EQ(slurp(out), "previous build");
  EXPECT_EQ(listing(), (std::vector<std::string>{"bad.bin", "bad.s"}));
}

TEST_F(Cli, UnwritableOutput) {
  const std::string src = file("p.s", "end\n");
  expect_error(loom({"asm", src, "-o", path("no/such/dir/p.bin").string()}), 1,
               {"p.bin: error: cannot write", "No such file"});
  expect_error(loom({"asm", src, "-o", dir_.string()}), 1, {"cannot write: is a directory"});
  EXPECT_EQ(listing(), (std::vector<std::string>{"p.s"}));
}

TEST_F(Cli, StdoutWriteFailure) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  ASSERT_EQ(loom({"asm", file("p.s", kDocsExample), "-o", path("p.bin").string()}).code, 0);
  const Result r = loom({"disasm", path("p.bin").string()}, "/dev/full");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------
// Usage errors: exit 2, one line

TEST_F(Cli, UnknownConfiguration) {
  const std::string src = file("p.s", "end\n");
  expect_error(loom({"asm", src, "-o", path("p.bin").string(), "--config", "huge"}), 2,
               {"unknown configuration 'huge'", "tiny", "small", "loom asm --help"});
  EXPECT_FALSE(fs::exists(path("p.bin")));
  expect_error(loom({"disasm", src, "--config", "Small"}), 2, {"unknown configuration 'Small'"});
}

TEST_F(Cli, BadArguments) {
  const std::string src = file("p.s", "end\n");
  const std::string out = path("p.bin").string();
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{}, "a subcommand is required"},
      {{"frob"}, "unknown subcommand 'frob'"},
      {{"--frobnicate"}, "unknown option '--frobnicate'"},
      {{"asm"}, "program is required"},
      {{"asm", src}, "--output is required"},
      {{"asm", src, "-o"}, "-o"},
      {{"asm", src, src, "-o", out}, "not expected"},
      {{"asm", src, "-o", out, "--config"}, "--config"},
      {{"asm", src, "-o", out, "--fast"}, "--fast"},
      {{"disasm"}, "program is required"},
      {{"disasm", src, "--json"}, "--json"},
      {{"configs", "tiny"}, "tiny"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += a + " ";
    SCOPED_TRACE(joined);
    expect_error(loom(c.args), 2, {"error: ", c.message, "--help"});
  }
  EXPECT_EQ(listing(), (std::vector<std::string>{"p.s"}));
}

// ---------------------------------------------------------------------------
// Help, version, configs

TEST_F(Cli, HelpOfEverySubcommand) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  };
  const Case cases[] = {
      {{"--help"},
       {"Usage: loom", "asm", "disasm", "configs", "gemm", "conv2d", "mlp", "run", "--version",
        "Exit status"}},
      {{"-h"}, {"Usage: loom"}},
      {{"asm", "--help"},
       {"Usage: loom asm", "PROGRAM.s", "-o,--output", "--config", "LINE:COLUMN"}},
      {{"disasm", "--help"},
       {"Usage: loom disasm", "PROGRAM.bin", "-o,--output", "--config", "stdout"}},
      {{"configs", "--help"}, {"Usage: loom configs", "--json"}},
      {{"gemm", "--help"},
       {"Usage: loom gemm", "--m", "--k", "--n", "--a", "--b", "--seed", "--out", "--config",
        "--mode", "--dram-latency", "--waves", "--json", "3 FAIL"}},
      {{"run", "--help"},
       {"Usage: loom run", "PROGRAM.s", "--load", "--dump", "--expect", "--dram-base",
        "--dram-size", "--mode", "--json"}},
      {{"gemm", "--mode", "rtl", "--config", "nope", "--help"}, {"Usage: loom gemm"}},
      {{"conv2d", "--help"},
       {"Usage: loom conv2d", "--input", "--weights", "--stride", "--pad", "--kh", "--co", "--out",
        "--channel-major", "--mode"}},
      {{"mlp", "--help"},
       {"Usage: loom mlp", "--batch", "--d0", "--d1", "--d2", "--x", "--w1", "--w2",
        "--hidden-shift", "--no-relu", "--out", "--feature-major", "--mode"}},
      {{"asm", "-h", "--config", "nope"}, {"Usage: loom asm"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0]);
    const Result r = loom(c.args);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    for (const std::string& m : c.mentions) EXPECT_NE(r.out.find(m), std::string::npos) << m;
  }
}

TEST_F(Cli, Version) {
  const Result r = loom({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string("loom ") + LOOM_VERSION + "\n");
}

TEST_F(Cli, ConfigsTableAndJson) {
  Result r = loom({"configs"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(r.out), 1 + loom::kConfigs.size());
  for (const loom::Config& c : loom::kConfigs) {
    std::istringstream table(r.out);
    std::string line;
    bool found = false;
    while (std::getline(table, line)) {
      std::istringstream f(line);
      std::string name;
      uint32_t p = 0, sb = 0;
      f >> name >> p >> sb;
      if (name == c.name) {
        found = true;
        EXPECT_EQ(p, c.partitions);
        EXPECT_EQ(sb, c.sbuf_bytes);
        EXPECT_EQ(line.find("(default)") != std::string::npos, c.name == loom::kDefaultConfig);
      }
    }
    EXPECT_TRUE(found) << c.name;
  }

  r = loom({"configs", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), loom::kConfigs.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const loom::Config& c = loom::kConfigs[i];
    EXPECT_EQ(j[i]["name"], c.name);
    EXPECT_EQ(j[i]["partitions"], c.partitions);
    EXPECT_EQ(j[i]["sbuf_bytes"], c.sbuf_bytes);
    EXPECT_EQ(j[i]["sbuf_word_bytes"], c.sbuf_word_bytes);
    EXPECT_EQ(j[i]["psum_banks"], c.psum_banks);
    EXPECT_EQ(j[i]["psum_entries"], c.psum_entries);
    EXPECT_EQ(j[i]["cmd_depth"], c.cmd_depth);
    EXPECT_EQ(j[i]["axi_data_bytes"], c.axi_data_bytes);
    EXPECT_EQ(j[i]["default"], c.name == loom::kDefaultConfig);
  }
}

// ---------------------------------------------------------------------------
// Workloads: gemm and run on the untimed model (--mode model). The inputs are
// .npy files written here and the results are read and checked here, with
// this file's own .npy code and reference arithmetic (not the tool's).

// A .npy file (version 1.0) as numpy.save writes it.
std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                const char* fortran = "False") {
  std::string h =
      "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string f = "\x93NUMPY\x01";
  f += '\0';
  f += char(h.size() & 0xff);
  f += char(h.size() >> 8);
  return f + h + data;
}

std::string i8_npy(uint32_t rows, uint32_t cols, const std::vector<int8_t>& v) {
  return npy("|i1", "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")",
             std::string(v.begin(), v.end()));
}

// A '<i4' .npy file's shape and elements (ADD_FAILURE on anything else).
struct I32Array {
  std::vector<uint64_t> shape;
  std::vector<int32_t> v;
};
I32Array read_i32_nd(const std::string& f) {
  I32Array m;
  if (f.size() < 10 || f.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0) {
    ADD_FAILURE() << "not a version 1.0 .npy file";
    return m;
  }
  const size_t hlen = uint8_t(f[8]) | (size_t(uint8_t(f[9])) << 8);
  const std::string h = f.substr(10, hlen);
  EXPECT_EQ((10 + hlen) % 64, 0u);
  EXPECT_EQ(h.back(), '\n');
  EXPECT_NE(h.find("'descr': '<i4'"), std::string::npos) << h;
  EXPECT_NE(h.find("'fortran_order': False"), std::string::npos) << h;
  const size_t sp = h.find("'shape': (");
  if (sp == std::string::npos) {
    ADD_FAILURE() << h;
    return m;
  }
  std::istringstream shape(h.substr(sp + 10, h.find(')', sp) - sp - 10));
  uint64_t count = 1, d = 0;
  char comma = 0;
  while (shape >> d) {
    m.shape.push_back(d);
    count *= d;
    shape >> comma;
  }
  const std::string data = f.substr(10 + hlen);
  if (data.size() != 4 * count) {
    ADD_FAILURE() << "data size " << data.size() << " for " << count << " elements";
    return m;
  }
  m.v.resize(count);
  for (size_t i = 0; i < m.v.size(); ++i) {
    uint32_t x = 0;
    for (size_t b = 0; b < 4; ++b) x |= uint32_t(uint8_t(data[4 * i + b])) << (8 * b);
    m.v[i] = int32_t(x);
  }
  return m;
}

// The same for a 2-D file.
struct I32Matrix {
  uint64_t rows = 0, cols = 0;
  std::vector<int32_t> v;
};
I32Matrix read_i32_npy(const std::string& f) {
  const I32Array a = read_i32_nd(f);
  EXPECT_EQ(a.shape.size(), 2u);
  if (a.shape.size() != 2) return {};
  return {a.shape[0], a.shape[1], a.v};
}

std::vector<int32_t> matmul(const std::vector<int8_t>& a, const std::vector<int8_t>& b, size_t m,
                            size_t k, size_t n) {
  std::vector<int32_t> c(m * n, 0);
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      int64_t s = 0;
      for (size_t x = 0; x < k; ++x) s += int64_t(a[i * k + x]) * b[x * n + j];
      c[i * n + j] = int32_t(s);  // |s| < 2^31 for K <= 2^17
    }
  return c;
}

std::vector<int8_t> random_i8(size_t n, std::mt19937_64& rng) {
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(rng());
  return v;
}

// The CLI tests' random seed (LOOM_SEED overrides it).
uint64_t test_seed() { return loom::test::test_seed(20261122); }

TEST_F(Cli, GemmRandomShapesEqualTheReference) {
  struct Shape {
    uint32_t m, k, n;
    const char* config;
  };
  std::vector<Shape> shapes = {{1, 1, 1, "tiny"},        {256, 256, 256, "small"},
                               {255, 1, 3, "small"},     {17, 33, 65, "tiny"},
                               {100, 37, 200, "medium"}, {3, 129, 7, "trn"},
                               {129, 5, 255, "small"}};
  std::mt19937_64 rng(test_seed());
  const char* configs[] = {"tiny", "small", "medium", "trn"};
  for (int i = 0; i < 5; ++i)
    shapes.push_back({uint32_t(1 + rng() % 256), uint32_t(1 + rng() % 256),
                      uint32_t(1 + rng() % 256), configs[rng() % 4]});
  for (const Shape& s : shapes) {
    SCOPED_TRACE(testing::Message() << s.m << "x" << s.k << "x" << s.n << " on " << s.config);
    const std::vector<int8_t> a = random_i8(size_t(s.m) * s.k, rng);
    const std::vector<int8_t> b = random_i8(size_t(s.k) * s.n, rng);
    const std::string fa = file("a.npy", i8_npy(s.m, s.k, a));
    const std::string fb = file("b.npy", i8_npy(s.k, s.n, b));
    const std::string out = path("c.npy").string();
    // M, K, N from the files; --n given too (it must agree).
    const Result r = loom({"gemm", "--a", fa, "--b", fb, "--n", std::to_string(s.n), "--out", out,
                           "--config", s.config});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("result"), std::string::npos);
    EXPECT_NE(r.out.find("PASS"), std::string::npos);
    const I32Matrix c = read_i32_npy(slurp(out));
    EXPECT_EQ(c.rows, s.m);
    EXPECT_EQ(c.cols, s.n);
    EXPECT_TRUE(c.v == matmul(a, b, s.m, s.k, s.n));
    fs::remove(out);
  }
}

// docs/cli.md "Generated inputs": element i is the top byte of the i-th
// output of std::mt19937_64(seed), A's M*K elements first, then B's.
TEST_F(Cli, GemmSeededInputsAreTheDocumentedOnes) {
  const uint32_t m = 9, k = 20, n = 11;
  for (const uint64_t seed : {uint64_t(1), uint64_t(77), uint64_t(0xdeadbeefcafe)}) {
    std::mt19937_64 g(seed);
    std::vector<int8_t> a(m * k), b(k * n);
    for (auto& x : a) x = int8_t(uint8_t(g() >> 56));
    for (auto& x : b) x = int8_t(uint8_t(g() >> 56));
    const std::string out = path("c.npy").string();
    const Result r = loom({"gemm", "--m", "9", "--k", "20", "--n", "11", "--seed",
                           std::to_string(seed), "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("seed " + std::to_string(seed)), std::string::npos) << r.out;
    EXPECT_TRUE(read_i32_npy(slurp(out)).v == matmul(a, b, m, k, n)) << seed;
  }
  // Without --seed: seed 1.
  ASSERT_EQ(loom({"gemm", "--m", "9", "--k", "20", "--n", "11", "--out", path("d.npy")}).code, 0);
  ASSERT_EQ(
      loom({"gemm", "--m", "9", "--k", "20", "--n", "11", "--seed", "1", "--out", path("e.npy")})
          .code,
      0);
  EXPECT_EQ(slurp(path("d.npy")), slurp(path("e.npy")));

  // Only A from a file: B is drawn from the seed, first draw.
  std::mt19937_64 g(5);
  std::vector<int8_t> b(k * n);
  for (auto& x : b) x = int8_t(uint8_t(g() >> 56));
  const std::vector<int8_t> a(m * k, 3);
  ASSERT_EQ(loom({"gemm", "--a", file("a.npy", i8_npy(m, k, a)), "--n", "11", "--seed", "5",
                  "--out", path("f.npy")})
                .code,
            0);
  EXPECT_TRUE(read_i32_npy(slurp(path("f.npy"))).v == matmul(a, b, m, k, n));
}

TEST_F(Cli, GemmJsonReport) {
  const std::string json = path("r.json").string();
  const Result r = loom({"gemm", "--m", "40", "--k", "24", "--n", "100", "--config", "medium",
                         "--dram-latency", "250", "--json", json, "--out", path("c.npy")});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s :
       {"cycles", "n/a (untimed model)", "array utilization", "busy per engine", "MACs", "96000",
        "DMA bytes loaded", "transactions compared", "mismatches", "PASS"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["command"], "loom gemm");
  EXPECT_EQ(j["result"], "PASS");
  EXPECT_EQ(j["mode"], "model");
  EXPECT_EQ(j["timed"], false);
  EXPECT_EQ(j["config"]["name"], "medium");
  EXPECT_EQ(j["config"]["partitions"], 16);
  EXPECT_EQ(j["workload"]["kind"], "gemm");
  EXPECT_EQ(j["workload"]["m"], 40);
  EXPECT_EQ(j["workload"]["k"], 24);
  EXPECT_EQ(j["workload"]["n"], 100);
  EXPECT_EQ(j["workload"]["seed"], 1);
  EXPECT_EQ(j["dram_latency"], 250);
  EXPECT_TRUE(j["cycles"].is_null());
  EXPECT_TRUE(j["utilization_percent"].is_null());
  EXPECT_TRUE(j["transactions_compared"].is_null());
  EXPECT_EQ(j["macs"], 40 * 24 * 100);
  EXPECT_EQ(j["mismatches"], 0);
  ASSERT_EQ(j["engines"].size(), 5u);
  uint64_t sum = 0;
  for (const char* e : {"seq", "dma0", "dma1", "pe", "act"}) {
    EXPECT_TRUE(j["engines"][e]["busy_percent"].is_null()) << e;
    sum += j["engines"][e]["instructions"].get<uint64_t>();
  }
  EXPECT_EQ(sum, j["instructions_executed"].get<uint64_t>());
  EXPECT_EQ(j["instructions_executed"], j["program_instructions"]);
  EXPECT_GT(j["engines"]["pe"]["instructions"].get<uint64_t>(), 0u);
  // Every operand byte is loaded at least once, C stored exactly once.
  EXPECT_GE(j["dma"]["load_bytes"].get<uint64_t>(), 40u * 24 + 24 * 100);
  EXPECT_EQ(j["dma"]["store_bytes"], 40 * 100 * 4);
  EXPECT_EQ(j["dma"]["bytes"], j["dma"]["load_bytes"].get<uint64_t>() + 40 * 100 * 4);
  EXPECT_EQ(j["core_status"]["done"], true);
  EXPECT_TRUE(j["core_status"]["error"].is_null());
  ASSERT_EQ(j["checks"].size(), 2u);
  EXPECT_EQ(j["checks"][0]["compared"], 40 * 100);
  EXPECT_EQ(j["checks"][0]["mismatches"], 0);
  EXPECT_EQ(j["outputs"]["out"], path("c.npy").string());
  EXPECT_EQ(j["outputs"]["json"], json);
}

TEST_F(Cli, GemmMalformedInputs) {
  const std::vector<int8_t> a(12, 1), b(20, 2);
  const std::string good_b = file("b.npy", i8_npy(4, 5, b));
  const std::string i8_34 = std::string(12, '\1');
  struct Case {
    const char* name;
    std::string bytes;
    std::vector<std::string> extra;  // more options
    const char* message;
  };
  const Case cases[] = {
      {"bad magic", "PK\x03\x04 a zip file", {}, "no \\x93NUMPY magic"},
      {"empty", "", {}, "no \\x93NUMPY magic"},
      {"bad version",
       std::string("\x93NUMPY\x09\x00", 8) + i8_npy(3, 4, a).substr(8),
       {},
       "version 9.0"},
      {"header not a dict", npy("|i1", "(3, 4)", i8_34).replace(10, 1, "["), {}, "not a dict"},
      {"int32 A", npy("<i4", "(3, 4)", std::string(48, '\0')), {}, "A must be int8"},
      {"uint8 A", npy("|u1", "(3, 4)", i8_34), {}, "A must be int8"},
      {"float A", npy("<f4", "(3, 4)", std::string(48, '\0')), {}, "'<f4' is not supported"},
      {"fortran order", npy("|i1", "(3, 4)", i8_34, "True"), {}, "fortran_order is True"},
      {"1-D", npy("|i1", "(12,)", i8_34), {}, "2 dimensions"},
      {"3-D", npy("|i1", "(1, 3, 4)", i8_34), {}, "2 dimensions"},
      {"zero rows", npy("|i1", "(0, 4)", ""), {}, "1.."},
      {"70000 rows",
       npy("|i1", "(70000, 4)", std::string(280000, '\1')),
       {},
       "A: shape [70000, 4]: every dimension must be 1..65535"},
      {"truncated header", i8_npy(3, 4, a).substr(0, 70), {}, "truncated .npy header"},
      {"truncated data", i8_npy(3, 4, a).substr(0, 128 + 11), {}, "truncated data"},
      {"trailing bytes", i8_npy(3, 4, a) + "x", {}, "data size mismatch"},
      {"huge shape", npy("|i1", "(4294967296, 4294967296)", i8_34), {}, "too large"},
      {"K differs from B", i8_npy(3, 5, std::vector<int8_t>(15)), {}, "does not match K = 5"},
      {"--m disagrees", i8_npy(3, 4, a), {"--m", "4"}, "shape [3, 4] does not match --m 4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string fa = file("a.npy", c.bytes);
    std::vector<std::string> args = {"gemm",
                                     "--a",
                                     fa,
                                     "--b",
                                     good_b,
                                     "--out",
                                     path("c.npy").string(),
                                     "--json",
                                     path("r.json").string()};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const Result r = loom(args);
    // K differs: B is the file whose shape is wrong.
    const std::string who = std::string(c.name) == "K differs from B" ? good_b : fa;
    expect_error(r, 1, {who + ": error: ", c.message});
    EXPECT_EQ(listing(), (std::vector<std::string>{"a.npy", "b.npy"}));
  }
  expect_error(loom({"gemm", "--a", path("nope.npy").string(), "--b", good_b}), 1,
               {"nope.npy: error: cannot read", "No such file"});
  expect_error(loom({"gemm", "--a", dir_.string(), "--b", good_b}), 1, {"is a directory"});
}

TEST_F(Cli, GemmUsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> message;
  };
  const Case cases[] = {
      {{"gemm", "--k", "4", "--n", "5"}, {"--m is required without --a"}},
      {{"gemm", "--m", "4", "--n", "5"}, {"--k is required"}},
      {{"gemm", "--m", "4", "--k", "5"}, {"--n is required without --b"}},
      {{"gemm", "--m", "abc", "--k", "4", "--n", "5"}, {"--m", "abc"}},
      {{"gemm", "--m", "4", "--k", "4x", "--n", "5"}, {"--k", "4x"}},
      {{"gemm", "--m", "0", "--k", "4", "--n", "5"}, {"M 0 is out of range 1..65535"}},
      {{"gemm", "--m", "-3", "--k", "4", "--n", "5"}, {"M -3 is out of range"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "65536"}, {"N 65536 is out of range"}},
      {{"gemm", "--m", "65535", "--k", "65535", "--n", "65535"}, {"MACs is more than"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--seed", "x"}, {"--seed"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--frob"}, {"--frob"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "extra"}, {"extra"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--config", "huge"},
       {"unknown configuration 'huge'"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--mode", "fpga"}, {"--mode", "fpga"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--mode", "rtl", "--config", "trn"},
       {"configuration 'trn' has no RTL model"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--waves", "w.fst"},
       {"--waves needs --mode rtl or cosim"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--dram-latency", "-1"}, {"--dram-latency"}},
      {{"gemm", "--m", "4", "--k", "4", "--n", "5", "--dram-latency", "1e9"}, {"--dram-latency"}},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += a + " ";
    SCOPED_TRACE(joined);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--out", path("c.npy").string(), "--json", path("r.json").string()});
    std::vector<std::string> expect = c.message;
    expect.push_back("loom gemm: error: ");
    expect.push_back("see 'loom gemm --help'");
    expect_error(loom(args), 2, expect);
    EXPECT_TRUE(listing().empty());
  }
}

TEST_F(Cli, GemmUnwritableOutputs) {
  const std::vector<std::string> gemm = {"gemm", "--m", "4", "--k", "4", "--n", "4"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = gemm;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  expect_error(loom(with({"--out", path("no/dir/c.npy").string()})), 1,
               {"c.npy: error: cannot write", "No such file"});
  expect_error(loom(with({"--json", dir_.string()})), 1, {"cannot write: is a directory"});
  expect_error(loom(with({"--out", path("c.npy").string(), "--json", path("no/r.json").string()})),
               1, {"r.json: error: cannot write"});
  EXPECT_TRUE(listing().empty());
  if (::geteuid() != 0) {
    fs::create_directory(path("ro"));
    fs::permissions(path("ro"), fs::perms::owner_read | fs::perms::owner_exec);
    expect_error(loom(with({"--out", path("ro/c.npy").string()})), 1,
                 {"c.npy: error: cannot write", "Permission denied"});
    EXPECT_TRUE(fs::is_empty(path("ro")));
  }
  // An existing output is replaced only by a successful run.
  const std::string out = file("c.npy", "old");
  expect_error(loom(with({"--out", out, "--mode", "rtl", "--config", "trn"})), 2,
               {"has no RTL model"});
  EXPECT_EQ(slurp(out), "old");
}

// docs/isa.md's example tile with an int32 result: C[m][f] = sum_k W[k][m] B[k][f].
const char* kRunTile =
    R"(dma.load q=0 dram=0x10000 row_stride=64 rows=8 row_bytes=64 part=0 sbuf=0 signal=s0
dma.load q=1 dram=0x20000 row_stride=8 rows=8 row_bytes=8 part=0 sbuf=0x200 signal=s0
ldw sbuf=0x200 k=8 m=8 wait=s0>=2
mm sbuf=0 f=64 bank=0 signal=s1
act.copy bank=0 m=8 f=64 dst=0x400 wait=s1>=1 signal=s2
dma.store q=0 dram=0x30000 row_stride=256 rows=8 row_bytes=256 part=0 sbuf=0x400 wait=s2>=1 signal=s3
end wait=s3>=1
)";

TEST_F(Cli, RunLoadsRunsAndDumps) {
  std::mt19937_64 rng(test_seed());
  const std::vector<int8_t> mov = random_i8(8 * 64, rng), w = random_i8(8 * 8, rng);
  std::vector<int32_t> want(8 * 64, 0);
  for (size_t m = 0; m < 8; ++m)
    for (size_t f = 0; f < 64; ++f)
      for (size_t k = 0; k < 8; ++k) want[m * 64 + f] += int32_t(w[k * 8 + m]) * mov[k * 64 + f];
  std::string want_bytes;
  for (const int32_t x : want)
    for (int b = 0; b < 4; ++b) want_bytes += char(uint32_t(x) >> (8 * b));

  const std::string src = file("tile.s", kRunTile);
  const std::string fb = file("b.npy", i8_npy(8, 64, mov));               // .npy: its data
  const std::string fw = file("w.bin", std::string(w.begin(), w.end()));  // raw bytes
  const std::string fe = file("want.bin", want_bytes);
  const std::string json = path("r.json").string();
  const std::string args_dumps[] = {"0x30000:int32[8,64]=" + path("c.npy").string(),
                                    "196608:2048=" + path("c.bin").string(),
                                    "0x30000:16=" + path("c16.npy").string()};
  Result r = loom({"run", src, "--load", "0x10000=" + fb, "--load", "0x20000=" + fw, "--dump",
                   args_dumps[0], "--dump", args_dumps[1], "--dump", args_dumps[2], "--expect",
                   "0x30000=" + fe, "--json", json});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("PASS"), std::string::npos);
  const I32Matrix c = read_i32_npy(slurp(path("c.npy")));
  EXPECT_EQ(c.rows, 8u);
  EXPECT_EQ(c.cols, 64u);
  EXPECT_TRUE(c.v == want);
  EXPECT_EQ(slurp(path("c.bin")), want_bytes);
  const std::string c16 = slurp(path("c16.npy"));
  EXPECT_NE(c16.find("'descr': '|u1'"), std::string::npos);
  EXPECT_NE(c16.find("'shape': (16,)"), std::string::npos);
  EXPECT_EQ(c16.substr(c16.size() - 16), want_bytes.substr(0, 16));
  nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["result"], "PASS");
  EXPECT_EQ(j["workload"]["format"], "assembly");
  EXPECT_EQ(j["program_instructions"], 7);
  EXPECT_EQ(j["macs"], 8 * 8 * 64);
  EXPECT_EQ(j["checks"][0]["compared"], 2048);
  EXPECT_EQ(j["outputs"]["dumps"].size(), 3u);

  // The binary of the same program does the same; a wrong --expect is a FAIL
  // (exit 3): the report on stdout, one line on stderr, the JSON says FAIL.
  ASSERT_EQ(loom({"asm", src, "-o", path("tile.bin").string()}).code, 0);
  std::string bad = want_bytes;
  bad[100] ^= 1;
  r = loom({"run", path("tile.bin").string(), "--load", "0x10000=" + fb, "--load", "0x20000=" + fw,
            "--expect", "0x30000=" + file("bad.bin", bad), "--json", json});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("loom run: FAIL: DRAM 0x30000 == "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 2048 differ, first byte 0x30064"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("FAIL"), std::string::npos);
  j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["result"], "FAIL");
  EXPECT_EQ(j["workload"]["format"], "binary");
  EXPECT_EQ(j["mismatches"], 1);
}

TEST_F(Cli, RunBadPrograms) {
  // Assembler errors and malformed binaries: exit 1 before running.
  expect_error(loom({"run", file("bad.s", "nop\nldw sbuf=0 k=8\n")}), 1,
               {"bad.s:2:1: error: missing operand 'm'"});
  expect_error(loom({"run", file("big.s", "ldw sbuf=0 k=8 m=8\n"), "--config", "tiny"}), 1,
               {"big.s:1:1: error: ILLEGAL_FIELD"});
  expect_error(loom({"run", file("odd.bin", std::string(33, '\0'))}), 1,
               {"odd.bin: error: ", "not a multiple of 32"});
  expect_error(loom({"run", path("nope.s").string()}), 1, {"nope.s: error: cannot read"});

  // Programs that run and stop with a core error: FAIL, exit 3, the error
  // and its instruction named.
  struct Case {
    const char* source;
    const char* message;
  };
  const Case cases[] = {
      {"nop\n", "PROGRAM_OVERRUN"},
      {"ldw sbuf=0 k=8 m=8 wait=s0>=1\nend\n", "SEM_TIMEOUT"},
      {"dma.load q=0 dram=0x2000000 row_stride=8 rows=1 row_bytes=8 part=0 sbuf=0\nend\n",
       "DRAM_WINDOW"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.source);
    const Result r = loom({"run", file("p.s", c.source), "--json", path("r.json").string()});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("loom run: FAIL: instruction "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    const nlohmann::json j = nlohmann::json::parse(slurp(path("r.json")));
    EXPECT_EQ(j["result"], "FAIL");
    EXPECT_EQ(j["core_status"]["error"], c.message);
    EXPECT_EQ(j["core_status"]["done"], false);
  }

  // A bad instruction word in a binary stops the program there.
  ASSERT_EQ(loom({"asm", file("t.s", kRunTile), "-o", path("t.bin").string()}).code, 0);
  std::string bin = slurp(path("t.bin"));
  bin[2 * 32] = char(0x7f);
  const Result r = loom({"run", file("t.bin", bin)});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("instruction 2: ILLEGAL_OPCODE"), std::string::npos) << r.err;
}

TEST_F(Cli, RunArgumentErrors) {
  const std::string src = file("t.s", kRunTile);
  const std::string f = file("f.bin", std::string(16, '\1'));
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const Case cases[] = {
      {{"run"}, "program is required"},
      {{"run", src, "--load", f}, "expected ADDR=FILE"},
      {{"run", src, "--load", "=" + f}, "expected ADDR=FILE"},
      {{"run", src, "--load", "zz=" + f}, "'zz' is not a number"},
      {{"run", src, "--load", "-1=" + f}, "'-1' is not a number"},
      {{"run", src, "--load", "0x=" + f}, "'0x' is not a number"},
      {{"run", src, "--load", "0x-1=" + f}, "'0x-1' is not a number"},
      {{"run", src, "--load", "0x10000000000000000=" + f}, "is not a number"},
      // Decimal, not octal: 020 is 20, outside a 16-byte window.
      {{"run", src, "--load", "020=" + f, "--dram-size", "16"}, "16 bytes at 0x14 are outside"},
      {{"run", src, "--load", "0xfffff8=" + f}, "16 bytes at 0xfffff8 are outside the DRAM window"},
      {{"run", src, "--load", "0x10=" + f, "--dram-base", "0x100"}, "outside the DRAM window"},
      {{"run", src, "--expect", "0x1000000=" + f}, "outside the DRAM window"},
      {{"run", src, "--dump", "0x100=" + path("d.bin").string()}, "expected ADDR:BYTES=FILE"},
      {{"run", src, "--dump", "0x100:float32[2]=" + path("d.bin").string()}, "unknown dtype"},
      {{"run", src, "--dump", "0x100:int32[2,x]=" + path("d.bin").string()}, "expected"},
      {{"run", src, "--dump", "0xffffff:2=" + path("d.bin").string()}, "outside the DRAM window"},
      {{"run", src, "--dump", "0:int64[4294967296,4294967296]=" + path("d.npy").string()},
       "shape too large"},
      {{"run", src, "--dram-size", "0x80000000"}, "more than this tool allocates"},
      {{"run", src, "--dram-size", "lots"}, "'lots' is not a number"},
      {{"run", src, "--dram-base", "0xffffffffffffffff"}, "overflows"},
      {{"run", src, "--config", "nope"}, "unknown configuration"},
      {{"run", src, "--waves", "w.fst"}, "--waves needs --mode rtl or cosim"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += a + " ";
    SCOPED_TRACE(joined);
    expect_error(loom(c.args), 2, {"loom run: error: ", c.message, "see 'loom run --help'"});
    EXPECT_EQ(listing(), (std::vector<std::string>{"f.bin", "t.s"}));
  }
  // Input files: exit 1.
  expect_error(loom({"run", src, "--load", "0=" + path("nope.bin").string()}), 1,
               {"nope.bin: error: cannot read"});
  expect_error(loom({"run", src, "--load", "0=" + file("bad.npy", "\x93NUMPY\x01")}), 1,
               {"bad.npy: error: ", "no version"});
  expect_error(loom({"run", src, "--dump", "0:4=" + path("no/dir/d.bin").string()}), 1,
               {"d.bin: error: cannot write"});
}

// ---------------------------------------------------------------------------
// conv2d and mlp, against references written here.

std::string i8_npy_nd(const std::vector<uint64_t>& shape, const std::vector<int8_t>& v) {
  std::string t = "(";
  for (size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
  return npy("|i1", t + (shape.size() == 1 ? ",)" : ")"), std::string(v.begin(), v.end()));
}

struct ConvShape {
  uint32_t n, h, w, c, kh, kw, co, stride, pad;
  uint32_t ho() const { return (h + 2 * pad - kh) / stride + 1; }
  uint32_t wo() const { return (w + 2 * pad - kw) / stride + 1; }
};

// out[n][y][x][o] = sum in[n][y*s + i - pad][x*s + j - pad][c] * w[i][j][c][o], zero outside.
std::vector<int32_t> conv2d(const std::vector<int8_t>& in, const std::vector<int8_t>& w,
                            const ConvShape& s) {
  std::vector<int32_t> out(size_t(s.n) * s.ho() * s.wo() * s.co, 0);
  for (uint32_t n = 0; n < s.n; ++n)
    for (uint32_t y = 0; y < s.ho(); ++y)
      for (uint32_t x = 0; x < s.wo(); ++x)
        for (uint32_t o = 0; o < s.co; ++o) {
          int64_t sum = 0;
          for (uint32_t i = 0; i < s.kh; ++i)
            for (uint32_t j = 0; j < s.kw; ++j) {
              const int64_t iy = int64_t(y) * s.stride + i - s.pad;
              const int64_t ix = int64_t(x) * s.stride + j - s.pad;
              if (iy < 0 || ix < 0 || iy >= s.h || ix >= s.w) continue;
              for (uint32_t c = 0; c < s.c; ++c)
                sum += int64_t(in[((size_t(n) * s.h + iy) * s.w + ix) * s.c + c]) *
                       w[((size_t(i) * s.kw + j) * s.c + c) * s.co + o];
            }
          out[((size_t(n) * s.ho() + y) * s.wo() + x) * s.co + o] = int32_t(sum);
        }
  return out;
}

TEST_F(Cli, Conv2dShapesEqualTheReference) {
  std::vector<std::pair<ConvShape, const char*>> shapes = {
      {{1, 1, 1, 1, 1, 1, 1, 1, 0}, "tiny"},      {{2, 9, 7, 5, 3, 3, 11, 2, 1}, "small"},
      {{1, 8, 8, 17, 3, 3, 9, 1, 1}, "tiny"},     {{3, 6, 5, 3, 2, 4, 20, 1, 0}, "medium"},
      {{1, 12, 10, 33, 1, 1, 70, 1, 0}, "small"}, {{1, 5, 5, 2, 5, 5, 3, 3, 2}, "small"}};
  std::mt19937_64 rng(test_seed());
  for (int i = 0; i < 3; ++i) {
    ConvShape s{uint32_t(1 + rng() % 2),
                uint32_t(1 + rng() % 12),
                uint32_t(1 + rng() % 12),
                uint32_t(1 + rng() % 40),
                0,
                0,
                uint32_t(1 + rng() % 40),
                uint32_t(1 + rng() % 2),
                uint32_t(rng() % 2)};
    s.kh = uint32_t(1 + rng() % std::min<uint32_t>(3, s.h + 2 * s.pad));
    s.kw = uint32_t(1 + rng() % std::min<uint32_t>(3, s.w + 2 * s.pad));
    shapes.push_back({s, i == 0 ? "tiny" : "small"});
  }
  for (const auto& [s, config] : shapes) {
    SCOPED_TRACE(testing::Message() << "N" << s.n << " H" << s.h << " W" << s.w << " C" << s.c
                                    << " K" << s.kh << "x" << s.kw << " CO" << s.co << " stride "
                                    << s.stride << " pad " << s.pad << " on " << config);
    const std::vector<int8_t> in = random_i8(size_t(s.n) * s.h * s.w * s.c, rng);
    const std::vector<int8_t> w = random_i8(size_t(s.kh) * s.kw * s.c * s.co, rng);
    const std::string out = path("o.npy").string();
    const Result r = loom({"conv2d", "--input", file("in.npy", i8_npy_nd({s.n, s.h, s.w, s.c}, in)),
                           "--weights", file("w.npy", i8_npy_nd({s.kh, s.kw, s.c, s.co}, w)),
                           "--stride", std::to_string(s.stride), "--pad", std::to_string(s.pad),
                           "--c", std::to_string(s.c), "--out", out, "--config", config});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("PASS"), std::string::npos);
    const I32Array o = read_i32_nd(slurp(out));
    EXPECT_EQ(o.shape, (std::vector<uint64_t>{s.n, s.ho(), s.wo(), s.co}));
    EXPECT_TRUE(o.v == conv2d(in, w, s));
    fs::remove(out);
  }

  // Seeded: the input is drawn first, then the weights.
  const ConvShape s{1, 4, 5, 3, 2, 2, 6, 1, 1};
  std::mt19937_64 g(42);
  std::vector<int8_t> in(4 * 5 * 3), w(2 * 2 * 3 * 6);
  for (auto& x : in) x = int8_t(uint8_t(g() >> 56));
  for (auto& x : w) x = int8_t(uint8_t(g() >> 56));
  const Result r = loom({"conv2d",
                         "--n",
                         "1",
                         "--h",
                         "4",
                         "--w",
                         "5",
                         "--c",
                         "3",
                         "--kh",
                         "2",
                         "--kw",
                         "2",
                         "--co",
                         "6",
                         "--pad",
                         "1",
                         "--seed",
                         "42",
                         "--out",
                         path("s.npy").string(),
                         "--json",
                         path("r.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(read_i32_nd(slurp(path("s.npy"))).v == conv2d(in, w, s));
  const nlohmann::json j = nlohmann::json::parse(slurp(path("r.json")));
  EXPECT_EQ(j["workload"]["kind"], "conv2d");
  EXPECT_EQ(j["workload"]["out_h"], s.ho());
  EXPECT_EQ(j["workload"]["out_w"], s.wo());
  EXPECT_EQ(j["macs"], uint64_t(s.ho()) * s.wo() * 6 * 2 * 2 * 3);
  EXPECT_EQ(j["result"], "PASS");
}

int8_t requant(int64_t x, int64_t bias, int64_t scale, uint32_t shift, bool relu) {
  int64_t v = (x + bias) * scale;
  if (shift > 0) v = (v + (int64_t(1) << (shift - 1))) >> shift;  // round half up (floor)
  if (relu && v < 0) v = 0;
  return int8_t(std::clamp<int64_t>(v, -128, 127));
}

std::vector<int32_t> mlp(const std::vector<int8_t>& x, const std::vector<int8_t>& w1,
                         const std::vector<int8_t>& w2, size_t b, size_t d0, size_t d1, size_t d2,
                         int64_t bias, int64_t scale, uint32_t shift, bool relu) {
  const std::vector<int32_t> h32 = matmul(x, w1, b, d0, d1);
  std::vector<int8_t> h(h32.size());
  for (size_t i = 0; i < h.size(); ++i) h[i] = requant(h32[i], bias, scale, shift, relu);
  return matmul(h, w2, b, d1, d2);
}

TEST_F(Cli, MlpShapesEqualTheReference) {
  struct Case {
    uint32_t b, d0, d1, d2;
    const char* config;
    std::vector<std::string> quant;  // options
    int64_t bias, scale;
    uint32_t shift;
    bool relu;
  };
  std::vector<Case> cases = {
      {1, 1, 1, 1, "tiny", {}, 0, 1, 8, true},
      {7, 33, 20, 9, "tiny", {}, 0, 1, 8, true},
      {64, 100, 37, 50, "small", {}, 0, 1, 8, true},
      {5, 17, 130, 3, "medium", {"--hidden-shift", "0"}, 0, 1, 0, true},
      {9,
       24,
       40,
       31,
       "small",
       {"--hidden-bias", "-300", "--hidden-scale", "-3", "--hidden-shift", "5", "--no-relu"},
       -300,
       -3,
       5,
       false}};
  std::mt19937_64 rng(test_seed());
  cases.push_back({uint32_t(1 + rng() % 100),
                   uint32_t(1 + rng() % 100),
                   uint32_t(1 + rng() % 100),
                   uint32_t(1 + rng() % 100),
                   "small",
                   {},
                   0,
                   1,
                   8,
                   true});
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "B" << c.b << " D " << c.d0 << "," << c.d1 << "," << c.d2
                                    << " on " << c.config);
    const std::vector<int8_t> x = random_i8(size_t(c.b) * c.d0, rng);
    const std::vector<int8_t> w1 = random_i8(size_t(c.d0) * c.d1, rng);
    const std::vector<int8_t> w2 = random_i8(size_t(c.d1) * c.d2, rng);
    std::vector<std::string> args = {"mlp",
                                     "--x",
                                     file("x.npy", i8_npy(c.b, c.d0, x)),
                                     "--w1",
                                     file("w1.npy", i8_npy(c.d0, c.d1, w1)),
                                     "--w2",
                                     file("w2.npy", i8_npy(c.d1, c.d2, w2)),
                                     "--out",
                                     path("y.npy").string(),
                                     "--config",
                                     c.config};
    args.insert(args.end(), c.quant.begin(), c.quant.end());
    const Result r = loom(args);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const I32Matrix y = read_i32_npy(slurp(path("y.npy")));
    EXPECT_EQ(y.rows, c.b);
    EXPECT_EQ(y.cols, c.d2);
    EXPECT_TRUE(y.v == mlp(x, w1, w2, c.b, c.d0, c.d1, c.d2, c.bias, c.scale, c.shift, c.relu));
  }

  // Seeded: X, W1, W2 drawn in this order.
  std::mt19937_64 g(3);
  std::vector<int8_t> x(4 * 6), w1(6 * 5), w2(5 * 2);
  for (auto* v : {&x, &w1, &w2})
    for (auto& e : *v) e = int8_t(uint8_t(g() >> 56));
  ASSERT_EQ(loom({"mlp", "--batch", "4", "--d0", "6", "--d1", "5", "--d2", "2", "--seed", "3",
                  "--out", path("s.npy").string()})
                .code,
            0);
  EXPECT_TRUE(read_i32_npy(slurp(path("s.npy"))).v == mlp(x, w1, w2, 4, 6, 5, 2, 0, 1, 8, true));
}

// --channel-major / --feature-major: the files keep the NHWC / row-major
// shapes, the output equals the same reference, the layout is reported.
TEST_F(Cli, ChannelMajorLayoutsEqualTheReference) {
  std::mt19937_64 rng(test_seed());
  for (const auto& [s, config] :
       std::vector<std::pair<ConvShape, const char*>>{{{2, 9, 7, 5, 3, 3, 11, 2, 1}, "small"},
                                                      {{1, 8, 8, 17, 3, 3, 9, 1, 1}, "tiny"},
                                                      {{3, 6, 5, 3, 2, 4, 20, 1, 0}, "medium"},
                                                      {{1, 12, 10, 33, 1, 1, 70, 1, 0}, "small"}}) {
    SCOPED_TRACE(testing::Message() << "N" << s.n << " H" << s.h << " W" << s.w << " C" << s.c
                                    << " K" << s.kh << "x" << s.kw << " CO" << s.co << " stride "
                                    << s.stride << " pad " << s.pad << " on " << config);
    const std::vector<int8_t> in = random_i8(size_t(s.n) * s.h * s.w * s.c, rng);
    const std::vector<int8_t> w = random_i8(size_t(s.kh) * s.kw * s.c * s.co, rng);
    const std::string out = path("o.npy").string(), json = path("r.json").string();
    const Result r = loom({"conv2d", "--input", file("in.npy", i8_npy_nd({s.n, s.h, s.w, s.c}, in)),
                           "--weights", file("w.npy", i8_npy_nd({s.kh, s.kw, s.c, s.co}, w)),
                           "--stride", std::to_string(s.stride), "--pad", std::to_string(s.pad),
                           "--channel-major", "--out", out, "--config", config, "--json", json});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("channel-major"), std::string::npos) << r.out;
    const I32Array o = read_i32_nd(slurp(out));
    EXPECT_EQ(o.shape, (std::vector<uint64_t>{s.n, s.ho(), s.wo(), s.co}));
    EXPECT_TRUE(o.v == conv2d(in, w, s));
    EXPECT_EQ(nlohmann::json::parse(slurp(json))["workload"]["layout"], "channel_major");
    fs::remove(out);
  }
  const std::string json = path("r.json").string();
  ASSERT_EQ(loom({"conv2d", "--n", "1", "--h", "3", "--w", "3", "--c", "2", "--kh", "1", "--kw",
                  "1", "--co", "2", "--json", json})
                .code,
            0);
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["workload"]["layout"], "nhwc");

  for (const auto& [bb, d0, d1, d2, config] :
       std::vector<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, const char*>>{
           {70, 19, 12, 5, "small"}, {1, 3, 4, 2, "tiny"}, {130, 40, 33, 17, "medium"}}) {
    SCOPED_TRACE(testing::Message() << "B" << bb << " D " << d0 << "," << d1 << "," << d2);
    const std::vector<int8_t> x = random_i8(size_t(bb) * d0, rng);
    const std::vector<int8_t> w1 = random_i8(size_t(d0) * d1, rng);
    const std::vector<int8_t> w2 = random_i8(size_t(d1) * d2, rng);
    const Result r =
        loom({"mlp", "--x", file("x.npy", i8_npy(bb, d0, x)), "--w1",
              file("w1.npy", i8_npy(d0, d1, w1)), "--w2", file("w2.npy", i8_npy(d1, d2, w2)),
              "--feature-major", "--config", config, "--out", path("y.npy"), "--json", json});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("feature-major"), std::string::npos) << r.out;
    const I32Matrix y = read_i32_npy(slurp(path("y.npy")));
    EXPECT_EQ(y.rows, bb);
    EXPECT_EQ(y.cols, d2);
    EXPECT_TRUE(y.v == mlp(x, w1, w2, bb, d0, d1, d2, 0, 1, 8, true));
    EXPECT_EQ(nlohmann::json::parse(slurp(json))["workload"]["layout"], "feature_major");
  }
}

// --mode rtl: the same workloads on the Verilated whole core; results equal
// references computed here, and the report carries the RTL's cycles,
// utilization and busy percentages (docs/cli.md "Modes").
TEST_F(Cli, RtlModeRunsTheWholeCore) {
  std::mt19937_64 rng(test_seed());
  // GEMM, odd shape, at two configurations.
  for (const char* config : {"small", "tiny"}) {
    SCOPED_TRACE(config);
    const uint32_t m = 13, k = 21, n = 37;
    const std::vector<int8_t> a = random_i8(size_t(m) * k, rng);
    const std::vector<int8_t> b = random_i8(size_t(k) * n, rng);
    const std::string json = path("r.json").string();
    const Result r = loom({"gemm", "--a", file("a.npy", i8_npy(m, k, a)), "--b",
                           file("b.npy", i8_npy(k, n, b)), "--mode", "rtl", "--config", config,
                           "--dram-latency", "50", "--out", path("c.npy"), "--json", json});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_TRUE(read_i32_npy(slurp(path("c.npy"))).v == matmul(a, b, m, k, n));
    const nlohmann::json j = nlohmann::json::parse(slurp(json));
    EXPECT_EQ(j["mode"], "rtl");
    EXPECT_EQ(j["result"], "PASS");
    ASSERT_TRUE(j["cycles"].is_number());
    const double util = j["utilization_percent"].get<double>();
    EXPECT_GT(util, 0.0);
    EXPECT_LE(util, 100.0);
    EXPECT_EQ(j["macs"], m * k * n);
    for (const char* e : {"seq", "dma0", "dma1", "pe", "act"}) {
      ASSERT_TRUE(j["engines"][e]["busy_percent"].is_number()) << e;
      EXPECT_LE(j["engines"][e]["busy_percent"].get<double>(), 100.0) << e;
    }
    EXPECT_GT(j["engines"]["pe"]["busy_percent"].get<double>(), 0.0);
    EXPECT_EQ(j["instructions_executed"], j["program_instructions"]);
    EXPECT_EQ(j["dma"]["store_bytes"], m * n * 4);
    // The same run on the model: the same C.
    ASSERT_EQ(loom({"gemm", "--a", path("a.npy"), "--b", path("b.npy"), "--config", config,
                    "--out", path("cm.npy")})
                  .code,
              0);
    EXPECT_EQ(slurp(path("c.npy")), slurp(path("cm.npy")));
  }
  // conv2d with padding and stride, and an MLP.
  const ConvShape s{1, 7, 6, 5, 3, 3, 9, 2, 1};
  const std::vector<int8_t> in = random_i8(size_t(s.n) * s.h * s.w * s.c, rng);
  const std::vector<int8_t> w = random_i8(size_t(s.kh) * s.kw * s.c * s.co, rng);
  Result r = loom({"conv2d", "--input", file("in.npy", i8_npy_nd({s.n, s.h, s.w, s.c}, in)),
                   "--weights", file("w.npy", i8_npy_nd({s.kh, s.kw, s.c, s.co}, w)), "--stride",
                   std::to_string(s.stride), "--pad", std::to_string(s.pad), "--mode", "rtl",
                   "--out", path("o.npy")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_nd(slurp(path("o.npy"))).v == conv2d(in, w, s));
  const uint32_t bb = 6, d0 = 19, d1 = 12, d2 = 5;
  const std::vector<int8_t> x = random_i8(size_t(bb) * d0, rng);
  const std::vector<int8_t> w1 = random_i8(size_t(d0) * d1, rng);
  const std::vector<int8_t> w2 = random_i8(size_t(d1) * d2, rng);
  r = loom({"mlp", "--x", file("x.npy", i8_npy(bb, d0, x)), "--w1",
            file("w1.npy", i8_npy(d0, d1, w1)), "--w2", file("w2.npy", i8_npy(d1, d2, w2)),
            "--mode", "rtl", "--out", path("y.npy")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_npy(slurp(path("y.npy"))).v == mlp(x, w1, w2, bb, d0, d1, d2, 0, 1, 8, true));
  // The same two in the channel-major / feature-major layouts.
  r = loom({"conv2d", "--input", path("in.npy"), "--weights", path("w.npy"), "--stride",
            std::to_string(s.stride), "--pad", std::to_string(s.pad), "--channel-major", "--mode",
            "rtl", "--out", path("o.npy")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_nd(slurp(path("o.npy"))).v == conv2d(in, w, s));
  r = loom({"mlp", "--x", path("x.npy"), "--w1", path("w1.npy"), "--w2", path("w2.npy"),
            "--feature-major", "--mode", "rtl", "--out", path("y.npy")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_npy(slurp(path("y.npy"))).v ==
              mlp(x, w1, w2, bb, d0, d1, d2, 0, 1, 8, true));
  // A DMA outside the window stops the core: FAIL (exit 3) with the RTL's code.
  const std::string src = file(
      "bad.s",
      "nop\ndma.load q=0 dram=0x4000000 row_stride=8 rows=1 row_bytes=8 part=0 sbuf=0\nend\n");
  r = loom({"run", src, "--mode", "rtl"});
  EXPECT_EQ(r.code, 3) << r.err << r.out;
  EXPECT_NE(r.out.find("DRAM_WINDOW"), std::string::npos) << r.out;
  // --waves writes an FST file.
  ASSERT_EQ(loom({"gemm", "--m", "4", "--k", "4", "--n", "4", "--mode", "rtl", "--waves",
                  path("w.fst")})
                .code,
            0);
  EXPECT_GT(fs::file_size(path("w.fst")), 0u);
}

TEST_F(Cli, GemmRandomShapesUpTo256InEveryMode) {
  // The issue's acceptance: `loom gemm` equals a product computed here, outside
  // the simulator, for random shapes up to 256 (odd sizes included) in the
  // model, rtl and cosim modes.
  std::mt19937_64 rng(test_seed());
  std::uniform_int_distribution<uint32_t> dim(1, 256);
  for (int shape = 0; shape < 3; ++shape) {
    uint32_t m = dim(rng), k = dim(rng), n = dim(rng);
    if (shape == 0) m = 256, k = 255, n = 129;  // the largest, and odd
    const std::vector<int8_t> a = random_i8(size_t(m) * k, rng);
    const std::vector<int8_t> b = random_i8(size_t(k) * n, rng);
    const std::vector<int32_t> want = matmul(a, b, m, k, n);
    for (const char* mode : {"model", "rtl", "cosim"}) {
      SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n) +
                   " --mode " + mode);
      const Result r = loom({"gemm", "--a", file("a.npy", i8_npy(m, k, a)), "--b",
                             file("b.npy", i8_npy(k, n, b)), "--mode", mode, "--out",
                             path("c.npy")});
      ASSERT_EQ(r.code, 0) << r.err << r.out;
      EXPECT_TRUE(read_i32_npy(slurp(path("c.npy"))).v == want);
    }
  }
}

TEST_F(Cli, CosimModeChecksEveryTransaction) {
  // --mode cosim: the whole core against the whole-core golden model; the
  // report counts the transactions compared, none differ, and C is the
  // reference product. GEMM (odd shape) at small, an MLP at tiny.
  std::mt19937_64 rng(test_seed());
  const uint32_t m = 11, k = 19, n = 23;
  const std::vector<int8_t> a = random_i8(size_t(m) * k, rng);
  const std::vector<int8_t> b = random_i8(size_t(k) * n, rng);
  const std::string json = path("r.json").string();
  Result r = loom({"gemm", "--a", file("a.npy", i8_npy(m, k, a)), "--b",
                   file("b.npy", i8_npy(k, n, b)), "--mode", "cosim", "--out", path("c.npy"),
                   "--json", json});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_npy(slurp(path("c.npy"))).v == matmul(a, b, m, k, n));
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(j["mode"], "cosim");
  EXPECT_EQ(j["result"], "PASS");
  ASSERT_TRUE(j["transactions_compared"].is_number());
  EXPECT_GT(j["transactions_compared"].get<uint64_t>(), 1000u);
  EXPECT_EQ(j["mismatches"], 0);
  EXPECT_NE(r.out.find("transactions compared"), std::string::npos) << r.out;
  const uint32_t bb = 5, d0 = 9, d1 = 7, d2 = 6;
  const std::vector<int8_t> x = random_i8(size_t(bb) * d0, rng);
  const std::vector<int8_t> w1 = random_i8(size_t(d0) * d1, rng);
  const std::vector<int8_t> w2 = random_i8(size_t(d1) * d2, rng);
  r = loom({"mlp", "--x", file("x.npy", i8_npy(bb, d0, x)), "--w1",
            file("w1.npy", i8_npy(d0, d1, w1)), "--w2", file("w2.npy", i8_npy(d1, d2, w2)),
            "--mode", "cosim", "--config", "tiny", "--out", path("y.npy")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(read_i32_npy(slurp(path("y.npy"))).v == mlp(x, w1, w2, bb, d0, d1, d2, 0, 1, 8, true));
}

TEST_F(Cli, GemmALayouts) {
  // Every --a-layout gives the reference C on the model and the RTL core;
  // tiled is the default and named in the JSON; on the RTL core, tiled A
  // takes fewer cycles than A^T, which takes fewer than row-major A.
  std::mt19937_64 rng(test_seed());
  const uint32_t m = 19, k = 45, n = 70;
  const std::vector<int8_t> a = random_i8(size_t(m) * k, rng);
  const std::vector<int8_t> b = random_i8(size_t(k) * n, rng);
  const std::string fa = file("a.npy", i8_npy(m, k, a)), fb = file("b.npy", i8_npy(k, n, b));
  const std::string json = path("r.json").string();
  Result r = loom({"gemm", "--a", fa, "--b", fb, "--json", json});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(nlohmann::json::parse(slurp(json))["workload"]["a_layout"], "tiled");
  std::vector<uint64_t> cycles;
  for (const char* layout : {"tiled", "transposed", "row-major"}) {
    SCOPED_TRACE(layout);
    for (const char* mode : {"model", "rtl"}) {
      r = loom({"gemm", "--a", fa, "--b", fb, "--a-layout", layout, "--mode", mode,
                "--dram-latency", "100", "--out", path("c.npy"), "--json", json});
      ASSERT_EQ(r.code, 0) << r.err << r.out;
      EXPECT_TRUE(read_i32_npy(slurp(path("c.npy"))).v == matmul(a, b, m, k, n)) << mode;
      const nlohmann::json j = nlohmann::json::parse(slurp(json));
      EXPECT_EQ(j["workload"]["a_layout"], layout);
      if (std::string(mode) == "rtl") cycles.push_back(j["cycles"].get<uint64_t>());
    }
  }
  ASSERT_EQ(cycles.size(), 3u);
  EXPECT_LT(cycles[0], cycles[1]);
  EXPECT_LT(cycles[1], cycles[2]);
  r = loom({"gemm", "--m", "4", "--k", "4", "--n", "4", "--a-layout", "packed"});
  EXPECT_EQ(r.code, 2) << r.err;
}

TEST_F(Cli, Conv2dAndMlpErrors) {
  const std::string in = file("in.npy", i8_npy_nd({1, 4, 4, 3}, std::vector<int8_t>(48)));
  const std::string w = file("w.npy", i8_npy_nd({3, 3, 2, 5}, std::vector<int8_t>(90)));
  const std::string x = file("x.npy", i8_npy(2, 3, std::vector<int8_t>(6)));
  const std::string w1 = file("w1.npy", i8_npy(4, 5, std::vector<int8_t>(20)));
  const std::string in3 = file("in3.npy", i8_npy(4, 3, std::vector<int8_t>(12)));
  const std::vector<std::string> files = {"in.npy", "in3.npy", "w.npy", "w1.npy", "x.npy"};
  struct Case {
    std::vector<std::string> args;
    int code;
    std::vector<std::string> message;
  };
  const Case cases[] = {
      {{"conv2d", "--input", in, "--weights", w},
       1,
       {"w.npy: error: shape [3, 3, 2, 5] does not "
        "match --c 3 (from "}},
      {{"conv2d", "--input", in3, "--kh", "1", "--kw", "1", "--co", "1"},
       1,
       {"in3.npy: error: the input must have 4 dimensions"}},
      {{"conv2d", "--input", in, "--kh", "1", "--kw", "1"},
       2,
       {"--co is required without --weights"}},
      {{"conv2d", "--input", in, "--h", "5", "--kh", "1", "--kw", "1", "--co", "1"},
       1,
       {"in.npy: error: shape [1, 4, 4, 3] does not match --h 5"}},
      {{"conv2d", "--input", in, "--kh", "6", "--kw", "1", "--co", "1"},
       2,
       {"kernel is larger than the padded"}},
      {{"conv2d", "--input", in, "--kh", "1", "--kw", "1", "--co", "1", "--stride", "0"},
       2,
       {"--stride 0 is out of range"}},
      {{"conv2d", "--input", in, "--kh", "1", "--kw", "1", "--co", "0"},
       2,
       {"--co 0 is out of range"}},
      {{"conv2d", "--input", in, "--kh", "1", "--kw", "1", "--co", "1", "--mode", "cosim",
        "--config", "trn"},
       2,
       {"configuration 'trn' has no RTL model"}},
      {{"mlp", "--x", x, "--w1", w1, "--d2", "3"},
       1,
       {"w1.npy: error: shape [4, 5] does not match "
        "--d0 3"}},
      {{"mlp", "--x", x, "--d1", "4"}, 2, {"--d2 is required without --w2"}},
      {{"mlp", "--batch", "2", "--d0", "2", "--d1", "2", "--d2", "2", "--hidden-shift", "64"},
       2,
       {"--hidden-shift 64 is out of range 0..63"}},
      {{"mlp", "--batch", "2", "--d0", "2", "--d1", "2", "--d2", "2", "--hidden-scale", "40000"},
       2,
       {"--hidden-scale 40000 is not an int16"}},
      {{"mlp", "--batch", "2", "--d0", "2", "--d1", "2", "--d2", "2", "--waves", "w.fst"},
       2,
       {"--waves needs"}},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += a + " ";
    SCOPED_TRACE(joined);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--out", path("o.npy").string(), "--json", path("r.json").string()});
    expect_error(loom(args), c.code, c.message);
    EXPECT_EQ(listing(), files);
  }
}

}  // namespace
