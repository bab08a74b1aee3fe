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
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loom/configs.h"

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
      {{"gemm"}, "unknown subcommand 'gemm'"},
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
      {{"--help"}, {"Usage: loom", "asm", "disasm", "configs", "--version", "Exit status"}},
      {{"-h"}, {"Usage: loom"}},
      {{"asm", "--help"},
       {"Usage: loom asm", "PROGRAM.s", "-o,--output", "--config", "LINE:COLUMN"}},
      {{"disasm", "--help"},
       {"Usage: loom disasm", "PROGRAM.bin", "-o,--output", "--config", "stdout"}},
      {{"configs", "--help"}, {"Usage: loom configs", "--json"}},
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

}  // namespace
