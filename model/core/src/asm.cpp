// Assembler / disassembler (docs/isa.md "Assembly").
#include "loom/asm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace loom {
namespace {

struct Operand {
  std::string key, val;
  size_t key_col = 0, val_col = 0;
};

// One source line being turned into an instruction.
class LineParser {
 public:
  LineParser(size_t line, std::string mnemonic, size_t mcol)
      : line_(line), mnemonic_(std::move(mnemonic)), mcol_(mcol) {}

  [[noreturn]] void fail(size_t col, const std::string& msg) const {
    throw std::invalid_argument(fmt::format("line {}, column {}: {}", line_, col, msg));
  }

  // Registers the operands; each key must be in `allowed`, at most once.
  void set_operands(std::vector<Operand> ops, const std::set<std::string>& allowed) {
    for (Operand& o : ops) {
      if (!allowed.count(o.key))
        fail(o.key_col, fmt::format("unknown operand '{}' for {}", o.key, mnemonic_));
      if (ops_.count(o.key))
        fail(o.key_col, fmt::format("duplicate operand '{}' (first at column {})", o.key,
                                    ops_.at(o.key).key_col));
      ops_.emplace(o.key, std::move(o));
    }
  }

  bool has(const std::string& key) const { return ops_.count(key) != 0; }
  const Operand& get(const std::string& key) const {
    auto it = ops_.find(key);
    if (it == ops_.end()) fail(mcol_, fmt::format("missing operand '{}' for {}", key, mnemonic_));
    return it->second;
  }

  // Parses an unsigned number (decimal or 0x hex) starting at `col`.
  uint64_t number(const std::string& s, size_t col, const std::string& what) const {
    if (s.empty()) fail(col, fmt::format("missing value for '{}'", what));
    size_t i = 0;
    int base = 10;
    if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      i = 2;
      if (s.size() == 2) fail(col, fmt::format("bad number '{}' for '{}': no hex digits", s, what));
    }
    if (s[0] == '-') fail(col, fmt::format("'{}' cannot be negative", what));
    unsigned __int128 v = 0;
    bool big = false;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      int d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        fail(col + i, fmt::format("bad number '{}' for '{}': unexpected '{}'", s, what, c));
      v = v * base + d;
      if (v > ~uint64_t(0)) big = true;
    }
    if (big) fail(col, fmt::format("value {} out of range for '{}' (more than 64 bits)", s, what));
    return uint64_t(v);
  }

  uint64_t range(uint64_t v, uint64_t lo, uint64_t hi, size_t col, const std::string& what) const {
    if (v < lo || v > hi)
      fail(col, fmt::format("value {} out of range {}..{} for '{}'", v, lo, hi, what));
    return v;
  }

  // Unsigned operand of `bits` bits; `dflt` if absent and optional.
  uint64_t u(const std::string& key, uint32_t bits, std::optional<uint64_t> dflt = std::nullopt,
             uint64_t lo = 0) const {
    if (!has(key) && dflt) return *dflt;
    const Operand& o = get(key);
    const uint64_t hi = bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
    return range(number(o.val, o.val_col, key), lo, hi, o.val_col, key);
  }
  bool flag(const std::string& key) const { return u(key, 1, 0) != 0; }

  // Signed operand in two's complement of `bits` bits.
  int64_t s(const std::string& key, uint32_t bits, int64_t dflt) const {
    if (!has(key)) return dflt;
    const Operand& o = get(key);
    const bool neg = !o.val.empty() && o.val[0] == '-';
    const uint64_t mag = number(neg ? o.val.substr(1) : o.val, o.val_col + (neg ? 1 : 0), key);
    const int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
    if ((neg && mag > uint64_t(-lo)) || (!neg && mag > uint64_t(hi)))
      fail(o.val_col, fmt::format("value {} out of range {}..{} for '{}'", o.val, lo, hi, key));
    return neg ? -int64_t(mag) : int64_t(mag);
  }

  // `a` and `b` exclude each other: the later one is reported.
  void exclusive(const std::string& a, const std::string& b) const {
    if (has(a) && has(b)) {
      const Operand& x = get(a);
      const Operand& y = get(b);
      const Operand& later = x.key_col > y.key_col ? x : y;
      const Operand& earlier = x.key_col > y.key_col ? y : x;
      fail(later.key_col,
           fmt::format("operands '{}' and '{}' exclude each other", earlier.key, later.key));
    }
  }

  // "sN" at the start of `v` (column col): the id, and the rest of the string.
  uint32_t sem_id(const std::string& v, size_t col, const std::string& key, size_t* end) const {
    if (v.empty() || v[0] != 's')
      fail(col, fmt::format("'{}' expects a semaphore sN, got '{}'", key, v));
    size_t i = 1;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == 1) fail(col + 1, fmt::format("'{}': missing semaphore number after 's'", key));
    const uint64_t id = number(v.substr(1, i - 1), col + 1, key);
    range(id, 0, kMaxSemaphores - 1, col + 1, key + " semaphore");
    *end = i;
    return uint32_t(id);
  }

  SemOps sem_ops() const {
    SemOps s;
    if (has("wait")) {
      const Operand& o = get("wait");
      size_t i = 0;
      s.wait_sem = sem_id(o.val, o.val_col, "wait", &i);
      if (o.val.compare(i, 2, ">=") != 0)
        fail(o.val_col + i, fmt::format("'wait' expects sN>=VALUE, got '{}'", o.val));
      const uint64_t v = number(o.val.substr(i + 2), o.val_col + i + 2, "wait");
      s.wait_val = uint32_t(range(v, 1, kSemMax, o.val_col + i + 2, "wait value"));
    }
    if (has("signal")) {
      const Operand& o = get("signal");
      size_t i = 0;
      s.sig_sem = sem_id(o.val, o.val_col, "signal", &i);
      s.sig_inc = 1;
      if (i < o.val.size()) {
        if (o.val[i] != '+')
          fail(o.val_col + i, fmt::format("'signal' expects sN or sN+INC, got '{}'", o.val));
        const uint64_t v = number(o.val.substr(i + 1), o.val_col + i + 1, "signal");
        s.sig_inc = uint32_t(range(v, 1, 255, o.val_col + i + 1, "signal increment"));
      }
    }
    return s;
  }

  size_t line() const { return line_; }
  size_t mcol() const { return mcol_; }

 private:
  size_t line_;
  std::string mnemonic_;
  size_t mcol_;
  std::map<std::string, Operand> ops_;
};

const std::set<std::string> kSemKeys = {"wait", "signal"};

std::set<std::string> with_sem(std::set<std::string> s) {
  s.insert(kSemKeys.begin(), kSemKeys.end());
  return s;
}

// Whitespace-separated tokens of a line (comment removed) with 1-based columns.
std::vector<std::pair<std::string, size_t>> tokens(const std::string& line) {
  std::vector<std::pair<std::string, size_t>> out;
  size_t i = 0;
  const size_t n = std::min(line.find('#'), line.size());
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= n) break;
    const size_t start = i;
    while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    out.emplace_back(line.substr(start, i - start), start + 1);
  }
  return out;
}

Instr parse_line(size_t line_no, const std::vector<std::pair<std::string, size_t>>& toks) {
  std::string mn = toks[0].first;
  std::transform(mn.begin(), mn.end(), mn.begin(), [](unsigned char c) { return std::tolower(c); });
  LineParser L(line_no, mn, toks[0].second);

  std::vector<Operand> ops;
  for (size_t t = 1; t < toks.size(); ++t) {
    const auto& [tok, col] = toks[t];
    const size_t eq = tok.find('=');
    if (eq == std::string::npos) L.fail(col, fmt::format("expected key=value, got '{}'", tok));
    if (eq == 0) L.fail(col, fmt::format("missing operand name before '=' in '{}'", tok));
    Operand o{tok.substr(0, eq), tok.substr(eq + 1), col, col + eq + 1};
    if (o.val.empty()) L.fail(o.val_col, fmt::format("missing value for '{}'", o.key));
    ops.push_back(std::move(o));
  }

  static const std::set<std::string> kDmaKeys = with_sem(
      {"q", "dram", "row_stride", "rows", "row_bytes", "planes", "plane_stride", "part", "sbuf"});
  static const std::set<std::string> kActCommon = {"bank", "off", "src", "part", "m", "f", "dst"};

  Instr in;
  if (mn == "nop") {
    L.set_operands(ops, {});
    in.op = Instr::Nop{};
  } else if (mn == "end") {
    L.set_operands(ops, {"wait"});
    in.op = Instr::End{};
  } else if (mn == "sync") {
    L.set_operands(ops, with_sem({"engine"}));
    const Operand& o = L.get("engine");
    static const std::map<std::string, Engine> kEngines = {{"seq", Engine::kSeq},
                                                           {"pe", Engine::kPe},
                                                           {"act", Engine::kAct},
                                                           {"dma0", Engine::kDma0},
                                                           {"dma1", Engine::kDma1}};
    auto it = kEngines.find(o.val);
    if (it == kEngines.end())
      L.fail(o.val_col, fmt::format("unknown engine '{}' (seq, pe, act, dma0, dma1)", o.val));
    in.op = Instr::Sync{it->second};
  } else if (mn == "dma.load" || mn == "dma.store") {
    L.set_operands(ops, kDmaKeys);
    Instr::Dma d;
    d.queue = uint32_t(L.u("q", 1));
    d.desc.dram_addr = L.u("dram", 64);
    d.desc.row_stride = uint32_t(L.u("row_stride", 32));
    d.desc.rows = uint32_t(L.u("rows", 8));
    d.desc.row_bytes = uint32_t(L.u("row_bytes", 18));
    d.desc.planes = uint32_t(L.u("planes", 16, 1));
    d.desc.plane_stride = uint32_t(L.u("plane_stride", 32, 0));
    d.desc.sbuf_part = uint32_t(L.u("part", 8));
    d.desc.sbuf_addr = uint32_t(L.u("sbuf", 18));
    d.desc.dir = mn == "dma.store" ? 1 : 0;
    in.op = d;
  } else if (mn == "ldw") {
    L.set_operands(ops, with_sem({"sbuf", "k", "m"}));
    in.op = Instr::Pe{
        PeCmd::ldw(uint32_t(L.u("sbuf", 18)), uint32_t(L.u("k", 8)), uint32_t(L.u("m", 10)))};
  } else if (mn == "mm") {
    L.set_operands(ops, with_sem({"sbuf", "f", "bank", "off", "acc"}));
    in.op =
        Instr::Pe{PeCmd::mm(uint32_t(L.u("sbuf", 18)), uint32_t(L.u("f", 10)),
                            uint32_t(L.u("bank", 3)), uint32_t(L.u("off", 9, 0)), L.flag("acc"))};
  } else if (mn == "act.requant" || mn == "act.copy") {
    const bool copy = mn == "act.copy";
    std::set<std::string> keys = with_sem(kActCommon);
    if (!copy) keys.insert({"bs", "bias", "scale", "shift", "relu"});
    L.set_operands(ops, keys);
    Instr::Act a;
    a.mode = copy ? ActMode::kCopy : ActMode::kRequant;
    L.exclusive("src", "bank");
    L.exclusive("src", "off");
    a.src_sbuf = L.has("src");
    if (a.src_sbuf) {
      a.src_addr = uint32_t(L.u("src", 18));
    } else {
      a.psum_bank = uint32_t(L.u("bank", 3));
      a.psum_off = uint32_t(L.u("off", 9, 0));
    }
    a.part = uint32_t(L.u("part", 8, 0));
    a.m = uint32_t(L.u("m", 8));
    a.f = uint32_t(L.u("f", 10));
    a.dst_addr = uint32_t(L.u("dst", 18));
    if (!copy) {
      L.exclusive("bs", "bias");
      L.exclusive("bs", "scale");
      a.bs_sbuf = L.has("bs");
      if (a.bs_sbuf) {
        a.bs_addr = uint32_t(L.u("bs", 18));
      } else {
        a.bias = int32_t(L.s("bias", 32, 0));
        a.scale = int32_t(L.s("scale", 16, 1));
      }
      a.shift = uint32_t(L.u("shift", 6, 0));
      a.relu = L.flag("relu");
    }
    in.op = a;
  } else {
    L.fail(toks[0].second, fmt::format("unknown mnemonic '{}'", toks[0].first));
  }
  in.sem = L.sem_ops();
  try {
    encode(in);
  } catch (const IsaError& e) {
    L.fail(L.mcol(), e.what());
  }
  return in;
}

// The instructions with the line and the mnemonic's column of each.
struct Located {
  Instr instr;
  size_t line, col;
};

std::vector<Located> assemble_located(const std::string& text) {
  std::vector<Located> prog;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    ++line_no;
    const auto toks = tokens(text.substr(pos, nl - pos));
    if (!toks.empty()) prog.push_back({parse_line(line_no, toks), line_no, toks[0].second});
    pos = nl + 1;
  }
  return prog;
}

}  // namespace

std::vector<Instr> assemble(const std::string& text) {
  std::vector<Instr> prog;
  for (Located& l : assemble_located(text)) prog.push_back(std::move(l.instr));
  return prog;
}

std::vector<Instr> assemble(const std::string& text, const Config& cfg, uint32_t semaphores) {
  std::vector<Instr> prog;
  for (Located& l : assemble_located(text)) {
    const InstrCheck c = validate(cfg, l.instr, semaphores);
    if (!c.ok())
      throw std::invalid_argument(fmt::format("line {}, column {}: {}: {}", l.line, l.col,
                                              core_error_name(c.code), c.message));
    prog.push_back(std::move(l.instr));
  }
  return prog;
}

std::vector<uint8_t> assemble_binary(const std::string& text) {
  return encode_program(assemble(text));
}

std::string disassemble(const std::vector<Instr>& prog) {
  std::string out;
  for (const Instr& i : prog) out += to_string(i) + "\n";
  return out;
}

std::string disassemble(const std::vector<uint8_t>& bytes) {
  return disassemble(decode_program(bytes));
}

}  // namespace loom
