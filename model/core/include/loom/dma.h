// The DMA engine in the golden model's pure C++ core (docs/dma.md): the
// 256-bit descriptor, its check, the burst plan, the byte-exact functional
// effect and the timing contract for a fixed-latency DRAM without
// backpressure.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace loom {

// Completion codes (docs/dma.md "Errors").
enum class DmaCode : uint32_t {
  kOk = 0,
  kIllegal = 1,  // row_bytes, rows or planes zero, or a reserved bit set
  kWindow = 2,   // DRAM range outside [base, limit)
  kSbuf = 3,     // SBUF range outside the memory
  kSlvErr = 4,   // R or B resp 2'b10
  kDecErr = 5,   // R or B resp 2'b11
};

// loom_pkg::dma_desc_t. Field widths: see pack().
struct DmaDesc {
  uint64_t dram_addr = 0;     // 255:192
  uint32_t row_stride = 0;    // 191:160
  uint32_t plane_stride = 0;  // 159:128
  uint32_t planes = 1;        // 127:112 (16 bits)
  uint32_t row_bytes = 1;     // 111:94 (18 bits)
  uint32_t rows = 1;          // 93:86 (8 bits)
  uint32_t sbuf_part = 0;     // 85:78 (8 bits)
  uint32_t sbuf_addr = 0;     // 77:60 (18 bits)
  uint32_t dir = 0;           // 59: 0 load (DRAM -> SBUF), 1 store
  uint64_t reserved = 0;      // 58:0, must be 0

  // Four little-endian words: words[0] = bits 63:0, words[3] = dram_addr.
  // Fields are truncated to their widths.
  std::array<uint64_t, 4> pack() const;
  static DmaDesc unpack(const std::array<uint64_t, 4>& words);
  bool operator==(const DmaDesc& o) const {
    return dram_addr == o.dram_addr && row_stride == o.row_stride && plane_stride == o.plane_stride &&
           planes == o.planes && row_bytes == o.row_bytes && rows == o.rows && sbuf_part == o.sbuf_part &&
           sbuf_addr == o.sbuf_addr && dir == o.dir && reserved == o.reserved;
  }

  bool is_store() const { return dir != 0; }
  uint64_t total_bytes() const { return uint64_t(planes) * rows * row_bytes; }
};

// dma_engine parameters (docs/dma.md "Parameters").
struct DmaParams {
  uint32_t partitions = 8;        // P
  uint32_t sbuf_bytes = 4096;     // SbufBytes per partition
  uint32_t sbuf_word_bytes = 8;   // WB
  uint32_t bus_bytes = 8;         // DB = AxiDataW / 8
  uint32_t max_reads = 8;         // MaxReads
  uint32_t max_writes = 8;        // MaxWrites

  uint32_t burst_window() const { return bus_bytes * 256 < 4096 ? bus_bytes * 256 : 4096; }  // BB
  uint32_t buf_bytes() const {  // BufBytes = 4 * max(DB, WB)
    return 4 * (bus_bytes > sbuf_word_bytes ? bus_bytes : sbuf_word_bytes);
  }
};

// The descriptor check (codes 1, 3, 2 in this order; exact arithmetic).
// dram_base / dram_limit: the window [base, limit) sampled at the check.
DmaCode dma_check(const DmaDesc& d, const DmaParams& p, uint64_t dram_base, uint64_t dram_limit);

// One address chunk of a walker: `bytes` bytes from byte address `start`,
// which never cross a multiple of the walker's width nor leave a row.
struct DmaChunk {
  uint64_t start = 0;   // first byte address (DRAM, or SBUF byte offset)
  uint32_t bytes = 0;   // n
  uint32_t plane = 0;   // j
  uint32_t row = 0;     // r
  bool row_end = false; // last chunk of its row
};

// One AXI burst: INCR, full width, address aligned to DB.
struct DmaBurst {
  uint64_t addr = 0;    // a - a mod DB
  uint32_t beats = 0;   // len + 1 (1..256)
  uint64_t start = 0;   // a: first byte of the burst's chunk
  uint32_t bytes = 0;   // n: bytes of the row in this burst
  uint32_t plane = 0;
  uint32_t row = 0;
  uint32_t len() const { return beats - 1; }
};

// The DRAM chunks of width `width` in work order (plane, row, address).
std::vector<DmaChunk> dma_dram_chunks(const DmaDesc& d, uint32_t width);
// The SBUF word chunks (start = byte offset in partition sbuf_part + row).
std::vector<DmaChunk> dma_sbuf_chunks(const DmaDesc& d, uint32_t word_bytes);
// The bursts of docs/dma.md "AXI behaviour", split at multiples of
// BB = min(4096, 256 * bus_bytes). DRAM addresses wrap at 2^64.
std::vector<DmaBurst> plan_bursts(const DmaDesc& d, uint32_t bus_bytes);

// Byte arrays the functional effect works on. DRAM byte address x is
// dram[x - dram_base]; SBUF byte i of partition p is sbuf[p * sbuf_bytes + i].
struct DmaMemories {
  std::vector<uint8_t>* dram = nullptr;
  uint64_t dram_base = 0;
  std::vector<uint8_t>* sbuf = nullptr;
  uint32_t sbuf_bytes = 0;
};

// Checks the descriptor against the window [dram_base, dram_base +
// dram->size()) and, if accepted, moves its bytes (no AXI error). Returns the
// check's code; a rejected descriptor changes nothing.
DmaCode dma_apply(const DmaDesc& d, const DmaParams& p, DmaMemories m);

// An AXI error injected into a timing run: the R beat `index` (counting all R
// beats of the descriptor from 0) for a load, or the B response of burst
// `index` for a store, answers with `code` (kSlvErr or kDecErr).
struct DmaAxiError {
  bool enabled = false;
  uint64_t index = 0;
  DmaCode code = DmaCode::kSlvErr;
};

// One SBUF word write (load) or read request (store).
struct DmaSbufAccess {
  uint64_t cycle = 0;
  uint32_t part = 0;
  uint32_t addr = 0;    // aligned to WB
  uint64_t strb = 0;    // lanes a mod WB .. a mod WB + n - 1
  uint64_t src = 0;     // index of the byte in the descriptor's stream
  uint32_t bytes = 0;   // n
};

// One W beat (store) or R beat (load).
struct DmaBeat {
  uint64_t cycle = 0;   // handshake
  uint32_t burst = 0;
  bool last = false;    // wlast / rlast
  uint64_t strb = 0;    // W: lanes of the chunk (R: the lanes kept)
};

// Every cycle of one descriptor (docs/dma.md "Timing contract").
struct DmaTiming {
  uint64_t dispatch = 0;          // d
  DmaCode code = DmaCode::kOk;
  std::vector<uint64_t> addr_hs;  // tAR(k) (load) / tAW(k) (store), issued bursts only
  std::vector<uint64_t> rlast;    // load: tRLAST(k); store: tB(k)
  std::vector<DmaBeat> beats;     // R beats (load) / W beats (store)
  std::vector<DmaSbufAccess> sbuf;  // SBUF writes (load) / reads (store)
  uint64_t complete = 0;          // e
};

// A fixed-latency DRAM that never back-pressures and has no outstanding
// limit of its own (AxiMem with all probabilities 1.0 and max_* large).
struct DmaDram {
  uint32_t read_latency = 100;   // AR handshake a -> first R beat in a + read_latency
  uint32_t write_latency = 10;   // last W beat w -> B in w + write_latency
};

// Timing of a descriptor dispatched in cycle `dispatch` (checked in d + 1;
// rejected: e = d + 2). `code` is the check's result.
DmaTiming dma_timing(const DmaDesc& d, const DmaParams& p, const DmaDram& dram, uint64_t dispatch,
                     DmaCode check = DmaCode::kOk, const DmaAxiError& err = {});

// Dispatch cycle of a descriptor accepted in cycle `accept` when the previous
// descriptor (any queue) completed in `prev_complete` (none: pass 0 and
// has_prev = false): d = max(a + 1, e_prev + 1).
inline uint64_t dma_dispatch(uint64_t accept, bool has_prev, uint64_t prev_complete) {
  uint64_t d = accept + 1;
  if (has_prev && prev_complete + 1 > d) d = prev_complete + 1;
  return d;
}

// The functional effect of a load that met an AXI error, given its timing run
// `t` (dma_timing with the same error): only the SBUF writes in t.sbuf (the
// prefix made up to t_err) are applied. Stores are not covered (which DRAM
// bytes an erroring slave keeps is the slave's business).
void dma_apply_load_error(const DmaDesc& d, const DmaTiming& t, DmaMemories m);

}  // namespace loom
