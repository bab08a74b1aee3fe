// Instruction encoding (docs/isa.md): encode, decode, disassembly line and
// the static checks.
#include "loom/isa.h"

#include <fmt/format.h>

#include "loom/dma_engine_model.h"
#include "loom/model.h"

namespace loom {
namespace {

// A field of the 256-bit instruction word: bits [lsb + width - 1 : lsb].
struct Field {
  const char* name;
  uint32_t lsb;
  uint32_t width;
  uint32_t msb() const { return lsb + width - 1; }
};

uint64_t mask(uint32_t width) { return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1; }

uint64_t get(const InstrWords& w, Field f) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < f.width; ++i) {
    const uint32_t b = f.lsb + i;
    v |= ((w[b / 64] >> (b % 64)) & 1) << i;
  }
  return v;
}

// Sets the field; throws if `v` does not fit.
void put(InstrWords& w, Field f, uint64_t v, const char* kind) {
  if ((v & ~mask(f.width)) != 0)
    throw IsaError(CoreError::kIllegalField, fmt::format("{}: {} = {:#x} does not fit its {} bits",
                                                         kind, f.name, v, f.width));
  for (uint32_t i = 0; i < f.width; ++i) {
    const uint32_t b = f.lsb + i;
    if ((v >> i) & 1) w[b / 64] |= uint64_t(1) << (b % 64);
  }
}

// Signed field (two's complement in `width` bits).
void put_signed(InstrWords& w, Field f, int64_t v, const char* kind) {
  const int64_t lo = -(int64_t(1) << (f.width - 1)), hi = (int64_t(1) << (f.width - 1)) - 1;
  if (v < lo || v > hi)
    throw IsaError(CoreError::kIllegalField,
                   fmt::format("{}: {} = {} out of range {}..{}", kind, f.name, v, lo, hi));
  put(w, f, uint64_t(v) & mask(f.width), kind);
}
int64_t get_signed(const InstrWords& w, Field f) {
  const uint64_t v = get(w, f);
  const uint64_t sign = uint64_t(1) << (f.width - 1);
  return int64_t((v ^ sign) - sign);
}

// --- Field tables (docs/isa.md) ---------------------------------------------

// Header, every instruction: bits 58:0.
constexpr Field kOpcode{"opcode", 0, 8};
constexpr Field kWaitSem{"wait_sem", 8, 5};
constexpr Field kWaitVal{"wait_val", 13, 16};
constexpr Field kSigSem{"sig_sem", 29, 5};
constexpr Field kSigInc{"sig_inc", 34, 8};
constexpr Field kQueue{"queue", 42, 1};
constexpr Field kHdrRes{"reserved", 43, 16};  // 58:43

// SYNC.
constexpr Field kEngine{"engine", 64, 3};

// LDW / MM: pe_cmd_t in bits 127:64, dtype above it.
constexpr Field kPeCmd{"pe_cmd", 64, 64};
constexpr Field kPeDtype{"dtype", 128, 2};

// ACT.
constexpr Field kActBias{"bias", 224, 32};
constexpr Field kActScale{"scale", 208, 16};
constexpr Field kActShift{"shift", 202, 6};
constexpr Field kActRelu{"relu", 201, 1};
constexpr Field kActBsSbuf{"bs_sbuf", 200, 1};
constexpr Field kActMode{"mode", 197, 3};
constexpr Field kActSrcAddr{"src_addr", 174, 18};
constexpr Field kActDstAddr{"dst_addr", 156, 18};
constexpr Field kActBsAddr{"bs_addr", 138, 18};
constexpr Field kActPart{"part", 130, 8};
constexpr Field kActM{"m", 122, 8};
constexpr Field kActF{"f", 112, 10};
constexpr Field kActBank{"psum_bank", 109, 3};
constexpr Field kActOff{"psum_off", 100, 9};
constexpr Field kActSrcSbuf{"src_sbuf", 99, 1};

// The bits each kind defines (header included); every other bit is reserved.
InstrWords used_bits(Opcode op) {
  InstrWords u{};
  auto use = [&](Field f) {
    for (uint32_t i = 0; i < f.width; ++i) u[(f.lsb + i) / 64] |= uint64_t(1) << ((f.lsb + i) % 64);
  };
  use(kOpcode);
  use(kWaitSem);
  use(kWaitVal);
  use(kSigSem);
  use(kSigInc);
  switch (op) {
    case Opcode::kNop:
    case Opcode::kEnd:
      break;
    case Opcode::kSync:
      use(kEngine);
      break;
    case Opcode::kDma:
      use(kQueue);
      use(Field{"desc", 59, 197});  // dma_desc_t bits 255:59
      break;
    case Opcode::kLdw:
    case Opcode::kMm:
      // pe_cmd_t bits 53:3 (its 63:54 and 2:0 are reserved) and dtype.
      use(Field{"pe_cmd", 64 + 3, 51});
      use(kPeDtype);
      break;
    case Opcode::kAct:
      for (Field f :
           {kActBias, kActScale, kActShift, kActRelu, kActBsSbuf, kActMode, kActSrcAddr,
            kActDstAddr, kActBsAddr, kActPart, kActM, kActF, kActBank, kActOff, kActSrcSbuf})
        use(f);
      break;
  }
  return u;
}

bool known_opcode(uint64_t v) {
  switch (Opcode(v)) {
    case Opcode::kNop:
    case Opcode::kEnd:
    case Opcode::kSync:
    case Opcode::kDma:
    case Opcode::kLdw:
    case Opcode::kMm:
    case Opcode::kAct:
      return true;
  }
  return false;
}

const char* opcode_name(Opcode op) {
  switch (op) {
    case Opcode::kNop:
      return "nop";
    case Opcode::kEnd:
      return "end";
    case Opcode::kSync:
      return "sync";
    case Opcode::kDma:
      return "dma";
    case Opcode::kLdw:
      return "ldw";
    case Opcode::kMm:
      return "mm";
    case Opcode::kAct:
      return "act";
  }
  return "?";
}

[[noreturn]] void reserved(const std::string& what) { throw IsaError(CoreError::kReserved, what); }

// The rules both encode() and decode() enforce on values that fit their
// fields (canonical encoding: an unused field is zero).
void check_rules(const Instr& in) {
  const SemOps& s = in.sem;
  const char* k = opcode_name(in.opcode());
  if (s.wait_val == 0 && s.wait_sem != 0)
    reserved(fmt::format("{}: wait_sem = {} without a wait (wait_val 0)", k, s.wait_sem));
  if (s.sig_inc == 0 && s.sig_sem != 0)
    reserved(fmt::format("{}: sig_sem = {} without a signal (sig_inc 0)", k, s.sig_sem));
  if (std::holds_alternative<Instr::Nop>(in.op) && (s.has_wait() || s.has_signal()))
    reserved("nop: wait / signal fields are reserved");
  if (std::holds_alternative<Instr::End>(in.op) && s.has_signal())
    reserved("end: signal fields are reserved");
  if (const auto* d = std::get_if<Instr::Dma>(&in.op)) {
    if (d->desc.reserved != 0) reserved("dma: dma_desc_t reserved bits 58:0 must be 0");
  }
  if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
    const PeCmd& c = p->cmd;
    if (c.op == PeOp::kLdw && (c.acc || c.psum_bank != 0 || c.psum_off != 0))
      reserved("ldw: pe_cmd acc, psum_bank and psum_off are reserved (must be 0)");
    if (c.op == PeOp::kMm && c.rows != 0) reserved("mm: pe_cmd rows is reserved (must be 0)");
  }
  if (const auto* a = std::get_if<Instr::Act>(&in.op)) {
    if (a->src_sbuf && (a->psum_bank != 0 || a->psum_off != 0))
      reserved("act: psum_bank / psum_off must be 0 with an SBUF source");
    if (!a->src_sbuf && a->src_addr != 0) reserved("act: src_addr must be 0 with a PSUM source");
    if (a->bs_sbuf && (a->bias != 0 || a->scale != 0))
      reserved("act: bias / scale immediates must be 0 with bias / scale from SBUF");
    if (!a->bs_sbuf && a->bs_addr != 0)
      reserved("act: bs_addr must be 0 with immediate bias / scale");
    if (a->mode == ActMode::kCopy && (a->relu || a->bs_sbuf || a->bs_addr != 0 || a->bias != 0 ||
                                      a->scale != 0 || a->shift != 0))
      reserved("act: copy mode has no bias, scale, shift or relu (must be 0)");
  }
}

}  // namespace

const char* core_error_name(CoreError e) {
  switch (e) {
    case CoreError::kOk:
      return "OK";
    case CoreError::kIllegalOpcode:
      return "ILLEGAL_OPCODE";
    case CoreError::kReserved:
      return "RESERVED";
    case CoreError::kIllegalField:
      return "ILLEGAL_FIELD";
    case CoreError::kSbufRange:
      return "SBUF_RANGE";
    case CoreError::kPsumRange:
      return "PSUM_RANGE";
    case CoreError::kDramWindow:
      return "DRAM_WINDOW";
    case CoreError::kAxiSlvErr:
      return "AXI_SLVERR";
    case CoreError::kAxiDecErr:
      return "AXI_DECERR";
    case CoreError::kSemTimeout:
      return "SEM_TIMEOUT";
    case CoreError::kSemOverflow:
      return "SEM_OVERFLOW";
    case CoreError::kProgramOverrun:
      return "PROGRAM_OVERRUN";
  }
  return "?";
}

CoreError core_error_of(DmaCode c) {
  switch (c) {
    case DmaCode::kOk:
      return CoreError::kOk;
    case DmaCode::kIllegal:
      return CoreError::kIllegalField;
    case DmaCode::kWindow:
      return CoreError::kDramWindow;
    case DmaCode::kSbuf:
      return CoreError::kSbufRange;
    case DmaCode::kSlvErr:
      return CoreError::kAxiSlvErr;
    case DmaCode::kDecErr:
      return CoreError::kAxiDecErr;
  }
  return CoreError::kIllegalField;
}

Opcode Instr::opcode() const {
  struct V {
    Opcode operator()(const Nop&) const { return Opcode::kNop; }
    Opcode operator()(const End&) const { return Opcode::kEnd; }
    Opcode operator()(const Sync&) const { return Opcode::kSync; }
    Opcode operator()(const Dma&) const { return Opcode::kDma; }
    Opcode operator()(const Pe& p) const {
      return p.cmd.op == PeOp::kMm ? Opcode::kMm : Opcode::kLdw;
    }
    Opcode operator()(const Act&) const { return Opcode::kAct; }
  };
  return std::visit(V{}, op);
}

bool Instr::operator==(const Instr& o) const { return encode(*this) == encode(o); }

InstrWords encode(const Instr& in) {
  const Opcode opc = in.opcode();
  const char* k = opcode_name(opc);
  InstrWords w{};
  if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
    if (p->cmd.op != PeOp::kLdw && p->cmd.op != PeOp::kMm)
      throw IsaError(CoreError::kIllegalOpcode,
                     fmt::format("pe: pe_cmd op {} is not LDW or MM", unsigned(p->cmd.op)));
  }
  check_rules(in);
  put(w, kOpcode, uint64_t(opc), k);
  put(w, kWaitSem, in.sem.wait_sem, k);
  put(w, kWaitVal, in.sem.wait_val, k);
  put(w, kSigSem, in.sem.sig_sem, k);
  put(w, kSigInc, in.sem.sig_inc, k);
  if (const auto* s = std::get_if<Instr::Sync>(&in.op)) {
    put(w, kEngine, uint64_t(s->engine), k);
    if (uint32_t(s->engine) > uint32_t(Engine::kDma1))
      reserved(fmt::format("sync: engine {} is reserved", unsigned(s->engine)));
  } else if (const auto* d = std::get_if<Instr::Dma>(&in.op)) {
    put(w, kQueue, d->queue, k);
    const DmaDesc& x = d->desc;
    // Check the widths (pack() truncates), then take pack()'s bits.
    InstrWords t{};
    put(t, Field{"row_stride", 160, 32}, x.row_stride, k);
    put(t, Field{"plane_stride", 128, 32}, x.plane_stride, k);
    put(t, Field{"planes", 112, 16}, x.planes, k);
    put(t, Field{"row_bytes", 94, 18}, x.row_bytes, k);
    put(t, Field{"rows", 86, 8}, x.rows, k);
    put(t, Field{"sbuf_part", 78, 8}, x.sbuf_part, k);
    put(t, Field{"sbuf_addr", 60, 18}, x.sbuf_addr, k);
    put(t, Field{"dir", 59, 1}, x.dir, k);
    const std::array<uint64_t, 4> desc = x.pack();
    for (int i = 0; i < 4; ++i) w[i] |= desc[i];
  } else if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
    const PeCmd& c = p->cmd;
    InstrWords t{};
    put(t, Field{"sbuf_addr", 0, 18}, c.sbuf_addr, k);
    put(t, Field{"rows", 0, 8}, c.rows, k);
    put(t, Field{"cols", 0, 10}, c.cols, k);
    put(t, Field{"psum_bank", 0, 3}, c.psum_bank, k);
    put(t, Field{"psum_off", 0, 9}, c.psum_off, k);
    put(w, kPeCmd, c.pack(), k);
    // dtype 0 (int8) is the only one today.
  } else if (const auto* a = std::get_if<Instr::Act>(&in.op)) {
    if (uint32_t(a->mode) > uint32_t(ActMode::kCopy))
      reserved(fmt::format("act: mode {} is reserved", unsigned(a->mode)));
    put_signed(w, kActBias, a->bias, k);
    put_signed(w, kActScale, a->scale, k);
    put(w, kActShift, a->shift, k);
    put(w, kActRelu, a->relu, k);
    put(w, kActBsSbuf, a->bs_sbuf, k);
    put(w, kActMode, uint64_t(a->mode), k);
    put(w, kActSrcAddr, a->src_addr, k);
    put(w, kActDstAddr, a->dst_addr, k);
    put(w, kActBsAddr, a->bs_addr, k);
    put(w, kActPart, a->part, k);
    put(w, kActM, a->m, k);
    put(w, kActF, a->f, k);
    put(w, kActBank, a->psum_bank, k);
    put(w, kActOff, a->psum_off, k);
    put(w, kActSrcSbuf, a->src_sbuf, k);
  }
  return w;
}

Instr decode(const InstrWords& w) {
  const uint64_t opv = get(w, kOpcode);
  if (!known_opcode(opv))
    throw IsaError(CoreError::kIllegalOpcode, fmt::format("illegal opcode {:#04x}", opv));
  const Opcode opc = Opcode(opv);
  const char* k = opcode_name(opc);
  const InstrWords used = used_bits(opc);
  for (int i = 3; i >= 0; --i) {
    const uint64_t bad = w[i] & ~used[i];
    if (bad == 0) continue;
    uint32_t b = 63;
    while (!((bad >> b) & 1)) --b;
    reserved(fmt::format("{}: reserved bit {} set", k, 64 * i + b));
  }
  Instr in;
  in.sem.wait_sem = uint32_t(get(w, kWaitSem));
  in.sem.wait_val = uint32_t(get(w, kWaitVal));
  in.sem.sig_sem = uint32_t(get(w, kSigSem));
  in.sem.sig_inc = uint32_t(get(w, kSigInc));
  switch (opc) {
    case Opcode::kNop:
      in.op = Instr::Nop{};
      break;
    case Opcode::kEnd:
      in.op = Instr::End{};
      break;
    case Opcode::kSync: {
      const uint64_t e = get(w, kEngine);
      if (e > uint64_t(Engine::kDma1)) reserved(fmt::format("sync: engine {} is reserved", e));
      in.op = Instr::Sync{Engine(e)};
      break;
    }
    case Opcode::kDma: {
      InstrWords d = w;
      d[0] &= ~mask(59);  // the header lives in dma_desc_t's reserved bits 58:0
      in.op = Instr::Dma{uint32_t(get(w, kQueue)), DmaDesc::unpack(d)};
      break;
    }
    case Opcode::kLdw:
    case Opcode::kMm: {
      const uint64_t dt = get(w, kPeDtype);
      if (dt != 0) reserved(fmt::format("{}: dtype {} is reserved (0: int8)", k, dt));
      const PeCmd c = PeCmd::unpack(get(w, kPeCmd));
      const PeOp want = opc == Opcode::kLdw ? PeOp::kLdw : PeOp::kMm;
      if (c.op != want)
        reserved(
            fmt::format("{}: pe_cmd op field {} does not match the opcode", k, unsigned(c.op)));
      in.op = Instr::Pe{c};
      break;
    }
    case Opcode::kAct: {
      Instr::Act a;
      const uint64_t mode = get(w, kActMode);
      if (mode > uint64_t(ActMode::kCopy)) reserved(fmt::format("act: mode {} is reserved", mode));
      a.mode = ActMode(mode);
      a.bias = int32_t(get_signed(w, kActBias));
      a.scale = int32_t(get_signed(w, kActScale));
      a.shift = uint32_t(get(w, kActShift));
      a.relu = get(w, kActRelu) != 0;
      a.bs_sbuf = get(w, kActBsSbuf) != 0;
      a.src_addr = uint32_t(get(w, kActSrcAddr));
      a.dst_addr = uint32_t(get(w, kActDstAddr));
      a.bs_addr = uint32_t(get(w, kActBsAddr));
      a.part = uint32_t(get(w, kActPart));
      a.m = uint32_t(get(w, kActM));
      a.f = uint32_t(get(w, kActF));
      a.psum_bank = uint32_t(get(w, kActBank));
      a.psum_off = uint32_t(get(w, kActOff));
      a.src_sbuf = get(w, kActSrcSbuf) != 0;
      in.op = a;
      break;
    }
  }
  check_rules(in);
  return in;
}

namespace {

std::string sem_suffix(const SemOps& s) {
  std::string out;
  if (s.has_wait()) out += fmt::format(" wait=s{}>={}", s.wait_sem, s.wait_val);
  if (s.has_signal()) {
    out += fmt::format(" signal=s{}", s.sig_sem);
    if (s.sig_inc != 1) out += fmt::format("+{}", s.sig_inc);
  }
  return out;
}

const char* engine_name(Engine e) {
  switch (e) {
    case Engine::kSeq:
      return "seq";
    case Engine::kPe:
      return "pe";
    case Engine::kAct:
      return "act";
    case Engine::kDma0:
      return "dma0";
    case Engine::kDma1:
      return "dma1";
  }
  return "?";
}

}  // namespace

std::string to_string(const Instr& in) {
  std::string s;
  if (std::holds_alternative<Instr::Nop>(in.op)) {
    s = "nop";
  } else if (std::holds_alternative<Instr::End>(in.op)) {
    s = "end";
  } else if (const auto* y = std::get_if<Instr::Sync>(&in.op)) {
    s = fmt::format("sync engine={}", engine_name(y->engine));
  } else if (const auto* d = std::get_if<Instr::Dma>(&in.op)) {
    const DmaDesc& x = d->desc;
    s = fmt::format(
        "{} q={} dram={:#x} row_stride={} rows={} row_bytes={} planes={} plane_stride={} part={} "
        "sbuf={:#x}",
        x.is_store() ? "dma.store" : "dma.load", d->queue, x.dram_addr, x.row_stride, x.rows,
        x.row_bytes, x.planes, x.plane_stride, x.sbuf_part, x.sbuf_addr);
  } else if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
    const PeCmd& c = p->cmd;
    if (c.op == PeOp::kLdw)
      s = fmt::format("ldw sbuf={:#x} k={} m={}", c.sbuf_addr, c.rows, c.cols);
    else
      s = fmt::format("mm sbuf={:#x} f={} bank={} off={} acc={}", c.sbuf_addr, c.cols, c.psum_bank,
                      c.psum_off, c.acc ? 1 : 0);
  } else if (const auto* a = std::get_if<Instr::Act>(&in.op)) {
    s = a->mode == ActMode::kCopy ? "act.copy" : "act.requant";
    if (a->src_sbuf)
      s += fmt::format(" src={:#x}", a->src_addr);
    else
      s += fmt::format(" bank={} off={}", a->psum_bank, a->psum_off);
    s += fmt::format(" part={} m={} f={} dst={:#x}", a->part, a->m, a->f, a->dst_addr);
    if (a->mode == ActMode::kRequant) {
      if (a->bs_sbuf)
        s += fmt::format(" bs={:#x}", a->bs_addr);
      else
        s += fmt::format(" bias={} scale={}", a->bias, a->scale);
      s += fmt::format(" shift={} relu={}", a->shift, a->relu ? 1 : 0);
    }
  }
  return s + sem_suffix(in.sem);
}

InstrCheck validate(const Config& c, const Instr& in, uint32_t semaphores) {
  auto fail = [](CoreError code, std::string msg) { return InstrCheck{code, std::move(msg)}; };
  const char* k = opcode_name(in.opcode());
  if (in.sem.has_wait() && in.sem.wait_sem >= semaphores)
    return fail(CoreError::kIllegalField, fmt::format("{}: wait semaphore s{} out of range s0..s{}",
                                                      k, in.sem.wait_sem, semaphores - 1));
  if (in.sem.has_signal() && in.sem.sig_sem >= semaphores)
    return fail(CoreError::kIllegalField,
                fmt::format("{}: signal semaphore s{} out of range s0..s{}", k, in.sem.sig_sem,
                            semaphores - 1));
  if (const auto* d = std::get_if<Instr::Dma>(&in.op)) {
    // The DMA's own check (docs/dma.md), with the widest window: what is
    // left for run time is the window itself.
    const DmaCode code = dma_check(d->desc, dma_params(c), 0, ~uint64_t(0));
    switch (code) {
      case DmaCode::kOk:
        break;
      case DmaCode::kIllegal:
        return fail(CoreError::kIllegalField, "dma: row_bytes, rows or planes is 0");
      case DmaCode::kSbuf:
        return fail(CoreError::kSbufRange,
                    fmt::format("dma: SBUF range (partitions {}..{}, bytes {:#x}..{:#x}) outside "
                                "P = {}, SbufBytes = {}",
                                d->desc.sbuf_part, uint64_t(d->desc.sbuf_part) + d->desc.rows - 1,
                                d->desc.sbuf_addr,
                                uint64_t(d->desc.sbuf_addr) +
                                    uint64_t(d->desc.planes) * d->desc.row_bytes - 1,
                                c.partitions, c.sbuf_bytes));
      default:
        return fail(CoreError::kDramWindow, "dma: DRAM range beyond the 64-bit address space");
    }
  } else if (const auto* p = std::get_if<Instr::Pe>(&in.op)) {
    const PeCmd& cmd = p->cmd;
    const std::string e = check_pe_cmd(c, cmd);
    if (!e.empty()) {
      // The code: which bound check_pe_cmd() found broken.
      CoreError code = CoreError::kIllegalField;
      const bool ranges_ok = cmd.op == PeOp::kLdw ? cmd.rows >= 1 && cmd.rows <= c.partitions &&
                                                        cmd.cols >= 1 && cmd.cols <= c.partitions
                                                  : cmd.cols >= 1 && cmd.cols <= c.psum_entries;
      if (ranges_ok) {
        if (cmd.op == PeOp::kMm &&
            (cmd.psum_bank >= c.psum_banks || uint64_t(cmd.psum_off) + cmd.cols > c.psum_entries))
          code = CoreError::kPsumRange;
        else
          code = CoreError::kSbufRange;
      }
      return fail(code, fmt::format("{}: {}", k, e));
    }
  } else if (const auto* a = std::get_if<Instr::Act>(&in.op)) {
    if (a->m < 1 || a->m > c.partitions)
      return fail(CoreError::kIllegalField,
                  fmt::format("act: m={} out of range 1..{}", a->m, c.partitions));
    if (a->f < 1 || a->f > c.psum_entries)
      return fail(CoreError::kIllegalField,
                  fmt::format("act: f={} out of range 1..{}", a->f, c.psum_entries));
    if (uint64_t(a->part) + a->m > c.partitions)
      return fail(CoreError::kSbufRange, fmt::format("act: part + m = {} exceeds P = {}",
                                                     uint64_t(a->part) + a->m, c.partitions));
    const uint64_t src_end = uint64_t(a->src_addr) + 4 * uint64_t(a->f);
    if (a->src_sbuf) {
      if (src_end > c.sbuf_bytes)
        return fail(CoreError::kSbufRange,
                    fmt::format("act: src + 4f = {} exceeds SbufBytes {}", src_end, c.sbuf_bytes));
    } else {
      if (a->psum_bank >= c.psum_banks)
        return fail(CoreError::kPsumRange,
                    fmt::format("act: bank={} out of range 0..{}", a->psum_bank, c.psum_banks - 1));
      if (uint64_t(a->psum_off) + a->f > c.psum_entries)
        return fail(CoreError::kPsumRange,
                    fmt::format("act: off + f = {} exceeds PsumEntries {}",
                                uint64_t(a->psum_off) + a->f, c.psum_entries));
    }
    const uint64_t esize = a->mode == ActMode::kCopy ? 4 : 1;
    const uint64_t dst_end = uint64_t(a->dst_addr) + esize * a->f;
    if (dst_end > c.sbuf_bytes)
      return fail(CoreError::kSbufRange, fmt::format("act: dst + {}f = {} exceeds SbufBytes {}",
                                                     esize, dst_end, c.sbuf_bytes));
    if (a->bs_sbuf && uint64_t(a->bs_addr) + 8 > c.sbuf_bytes)
      return fail(CoreError::kSbufRange, fmt::format("act: bs + 8 = {} exceeds SbufBytes {}",
                                                     uint64_t(a->bs_addr) + 8, c.sbuf_bytes));
    // Alignment (docs/isa.md "ACT", after the range checks): an int32 element never straddles an
    // SBUF word, nor does a bias / scale record (words are >= 4 bytes).
    if (a->src_sbuf && a->src_addr % 4 != 0)
      return fail(CoreError::kIllegalField,
                  fmt::format("act: src={} is not a multiple of 4", a->src_addr));
    if (a->mode == ActMode::kCopy && a->dst_addr % 4 != 0)
      return fail(CoreError::kIllegalField,
                  fmt::format("act: copy dst={} is not a multiple of 4", a->dst_addr));
    if (a->bs_sbuf && a->bs_addr % 8 != 0)
      return fail(CoreError::kIllegalField,
                  fmt::format("act: bs={} is not a multiple of 8", a->bs_addr));
    if (a->src_sbuf && a->src_addr < dst_end && a->dst_addr < src_end)
      return fail(CoreError::kIllegalField, "act: SBUF source and destination overlap");
  }
  return {};
}

int64_t round_shift(int64_t v, uint32_t shift) {
  if (shift > 63) throw std::invalid_argument("round_shift: shift > 63");
  if (shift == 0) return v;
  // Arithmetic shift right of v + 2^(shift-1): floor division by 2^shift.
  const int64_t t = v + (int64_t(1) << (shift - 1));
  return t >= 0 ? t >> shift : -((-t + (int64_t(1) << shift) - 1) >> shift);
}

int8_t act_requant(int32_t x, int32_t bias, int32_t scale, uint32_t shift, bool relu) {
  if (scale < -32768 || scale > 32767)
    throw std::invalid_argument(fmt::format("act_requant: scale {} is not int16", scale));
  const int64_t v = (int64_t(x) + bias) * scale;  // |v| <= 2^47
  int64_t r = round_shift(v, shift);
  if (relu && r < 0) r = 0;
  return int8_t(r < -128 ? -128 : r > 127 ? 127 : r);
}

std::vector<uint8_t> encode_program(const std::vector<Instr>& prog) {
  std::vector<uint8_t> out;
  out.reserve(prog.size() * kInstrBytes);
  for (size_t n = 0; n < prog.size(); ++n) {
    InstrWords w;
    try {
      w = encode(prog[n]);
    } catch (const IsaError& e) {
      throw IsaError(e.code(), fmt::format("instruction {}: {}", n, e.what()));
    }
    for (uint64_t x : w)
      for (int b = 0; b < 8; ++b) out.push_back(uint8_t(x >> (8 * b)));
  }
  return out;
}

std::vector<Instr> decode_program(const std::vector<uint8_t>& bytes) {
  if (bytes.size() % kInstrBytes != 0)
    throw IsaError(CoreError::kIllegalField,
                   fmt::format("program of {} bytes is not a multiple of {} (instruction {} is "
                               "truncated)",
                               bytes.size(), kInstrBytes, bytes.size() / kInstrBytes));
  std::vector<Instr> out;
  for (size_t n = 0; n < bytes.size() / kInstrBytes; ++n) {
    InstrWords w{};
    for (int i = 0; i < 4; ++i)
      for (int b = 0; b < 8; ++b) w[i] |= uint64_t(bytes[n * kInstrBytes + 8 * i + b]) << (8 * b);
    try {
      out.push_back(decode(w));
    } catch (const IsaError& e) {
      throw IsaError(e.code(),
                     fmt::format("instruction {} (byte {:#x}): {}", n, n * kInstrBytes, e.what()));
    }
  }
  return out;
}

}  // namespace loom
