// Kernel library: program generators that tile a workload to a
// configuration's SBUF and PSUM, double-buffer it and insert the semaphore
// waits and signals (docs/kernels.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/isa.h"

namespace loom {

// C[M x N] = A[M x K] @ B[K x N]: int8 operands, int32 C (or int8 C
// requantized by ACT), all row-major in DRAM (docs/kernels.md "GEMM").
struct GemmParams {
  uint32_t m = 1, k = 1, n = 1;  // each >= 1
  uint64_t a_addr = 0;  // A [M x K] int8 row-major, or A^T [K x M] row-major if a_transposed
  uint64_t b_addr = 0;  // B [K x N] int8 row-major
  uint64_t c_addr = 0;  // C [M x N] row-major: int32 little-endian, or int8 if out_int8
  // A^T in DRAM (K x M row-major): the stationary tiles load with one row per
  // partition. false: A row-major, loaded transposed by a byte-gather DMA
  // (planes of 1-byte rows): same result, slower on the bus.
  bool a_transposed = false;
  // A pre-tiled by pack_gemm_a() (docs/kernels.md "Tiled A"): one descriptor
  // loads the stationary tiles of many K tiles of an M tile at once, one
  // contiguous row per partition. The fastest layout; overrides
  // a_transposed.
  bool a_tiled = false;
  // int8 C: C = act_requant(sum, bias, scale, shift, relu) per element.
  bool out_int8 = false;
  int32_t bias = 0;
  int32_t scale = 1;  // int16
  uint32_t shift = 0;
  bool relu = false;
  uint32_t semaphores = kDefaultSemaphores;  // at least 4 are used
  // Keep each column of B tiles (K x tile_n, a panel) in SBUF for all M
  // tiles when it fits, instead of reloading B every step
  // (docs/kernels.md "Operand reuse").
  bool reuse_b = true;
  // A buffers (and B buffers when B is reloaded), 2..kGemmMaxPrefetch:
  // step t uses buffer t % prefetch, and its loads are issued prefetch - 1
  // steps ahead of its MM (docs/kernels.md "Operand reuse": deeper hides
  // DRAM latency).
  uint32_t prefetch = 2;
};
inline constexpr uint32_t kGemmMaxPrefetch = 4;

// Semaphores of the GEMM protocol (docs/kernels.md "Semaphores").
enum GemmSem : uint32_t {
  kGemmSemLoad = 0,   // operand loads complete (DMA q0): +1 per A tile, +1 per B tile
  kGemmSemMm = 1,     // MM complete (PE): +1 per MM
  kGemmSemAct = 2,    // ACT complete: +1 per output tile
  kGemmSemStore = 3,  // C stores complete (DMA q1): +1 per output tile
};

struct GemmProgram {
  std::vector<Instr> program;
  // Tiling.
  uint32_t tile_m = 0, tile_k = 0, tile_n = 0;  // largest tile sizes
  uint32_t tiles_m = 0, tiles_k = 0, tiles_n = 0;
  uint32_t psum_banks = 0;  // banks used round robin
  // SBUF byte offsets of the buffers (the same in every partition).
  // sbuf_a[0..buffers-1]: the A buffers. B resident: sbuf_b[i] is panel i
  // (tiles_k tiles of tile_n bytes each; both the same panel when
  // panels == 1); else sbuf_b[0..buffers-1] are the B buffers.
  uint32_t sbuf_a[kGemmMaxPrefetch] = {}, sbuf_b[kGemmMaxPrefetch] = {}, sbuf_c[2] = {0, 0};
  uint32_t buffers = 0;        // prefetch
  uint32_t sbuf_used = 0;      // bytes per partition
  bool b_resident = false;     // B loaded once per panel (reuse_b and it fits)
  uint32_t panels = 0;         // B panels in SBUF when resident (1, or 2 if tiles_k == 1)
  uint64_t operand_loads = 0;  // DMA loads (descriptors) of A and B (the final s0)
  // K tiles per A load: tiles_k or fewer with a_tiled (an A *chunk*), else 1.
  uint32_t a_chunk = 1;
  // B tiles per resident-panel load with a_tiled (a *group*), else 1.
  uint32_t b_group = 1;
  // The value every semaphore has when the program ends (all of its signals
  // counted); the semaphores not used stay 0.
  std::vector<uint32_t> final_sems;
  uint64_t macs = 0;  // M * K * N
};

// Throws std::invalid_argument for a zero dimension, a configuration the
// buffers do not fit, fewer than 4 semaphores, or a program whose counters
// would exceed 65535.
GemmProgram gemm_program(const Config& cfg, const GemmParams& p);

// Tiled A (GemmParams::a_tiled, docs/kernels.md "Tiled A"), with Mt =
// min(P, M), Kt = min(P, K), TK = ceil(K / Kt): the Mt bytes
// A[mi Mt + j][ki Kt + r] (j = 0..Mt-1) of M tile mi, K tile ki, row r lie at
//   ((mi Kt + r) TK + ki) Mt + j,
// zero where the index is outside A. So the row of partition r of every
// stationary tile of M tile mi is one contiguous run of TK Mt bytes.
uint64_t gemm_a_tiled_bytes(const Config& cfg, uint32_t m, uint32_t k);
// Packs row-major A [M x K] into that image (gemm_a_tiled_bytes() bytes).
// Throws std::invalid_argument if a has not M K elements or M or K is 0.
std::vector<uint8_t> pack_gemm_a(const Config& cfg, uint32_t m, uint32_t k,
                                 const std::vector<int8_t>& a);

// DRAM bytes of the operands and result (a, b as given; c with its element size).
inline uint64_t gemm_c_bytes(const GemmParams& p) {
  return uint64_t(p.m) * p.n * (p.out_int8 ? 1 : 4);
}

// --- conv2d and MLP (docs/kernels.md "conv2d", "MLP") ------------------------

// Requantization of an output by ACT: act_requant(sum, bias, scale, shift,
// relu), with bias / scale the immediates (the same for every channel) or,
// with per_channel, one record per output channel read from DRAM at the
// kernel's bs address: record c at bs_addr + 8 c holds bias[c] (int32 LE,
// bytes 0..3) and scale[c] (int16 LE, bytes 4..5); bytes 6..7 are ignored
// (the SBUF record of docs/isa.md "ACT", pack_bias_scale() builds them).
struct Requant {
  bool per_channel = false;
  int32_t bias = 0;    // immediate (per_channel false)
  int32_t scale = 1;   // immediate, int16 (per_channel false)
  uint32_t shift = 0;  // 0..63, always immediate
  bool relu = false;
};

// The DRAM bytes of per-channel records (8 per channel).
std::vector<uint8_t> pack_bias_scale(const std::vector<int32_t>& bias,
                                     const std::vector<int16_t>& scale);

// Semaphores of the conv2d / MLP protocol (the GEMM's four, plus one for the
// per-channel records).
enum KernelSem : uint32_t {
  kKernelSemLoad = 0,    // operand loads (DMA q0): +1 per stationary tile, +1 per moving tile
  kKernelSemMm = 1,      // +1 per MM
  kKernelSemAct = 2,     // +1 per ACT
  kKernelSemStore = 3,   // +1 per output store (DMA q1)
  kKernelSemParams = 4,  // +1 per per-channel record load (DMA q1, at the start)
};

// out[n][ho][wo][co] = sum over kh, kw, c of
//   in[n][ho*sh + kh - pad_top][wo*sw + kw - pad_left][c] * w[kh][kw][c][co]
// (zero outside the input), int8 operands, int32 sums with wraparound;
// output int32 or, with out_int8, act_requant per element (Requant).
struct Conv2dParams {
  uint32_t n = 1, h = 1, w = 1, c = 1;  // input [N][H][W][C] int8 (NHWC), each >= 1
  uint32_t kh = 1, kw = 1, co = 1;      // weights [KH][KW][C][CO] int8, each >= 1
  uint32_t stride_h = 1, stride_w = 1;  // >= 1
  uint32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // zero padding
  // DRAM: input (N*H*W*C bytes), weights (KH*KW*C*CO bytes).
  uint64_t in_addr = 0;
  uint64_t w_addr = 0;
  uint64_t out_addr = 0;  // output [N][HO][WO][CO]: int32 LE, or int8 with out_int8
  // A region of DRAM the caller fills with zeros (at least
  // conv2d_zero_bytes(cfg) bytes); the kernel only reads it, to load the
  // padding into SBUF. Needed only when there is padding.
  uint64_t zero_addr = 0;
  uint64_t bs_addr = 0;  // CO records if out_int8 && quant.per_channel
  bool out_int8 = false;
  Requant quant;
  uint32_t semaphores = kDefaultSemaphores;  // 4 used, 5 with per-channel records
  // Channel-major tensors (docs/kernels.md "Channel-major layout"): input
  // [C][N][H][W], output [CO][N][HO][WO]; weights unchanged. The moving
  // loads become rows of contiguous pixels and the store one contiguous row
  // per channel, instead of one-byte gathers.
  bool channel_major = false;

  // HO = (H + pad_top + pad_bottom - KH) / stride_h + 1, WO likewise; 0 if
  // the kernel does not fit (or a stride is 0).
  uint32_t out_h() const;
  uint32_t out_w() const;
};

// Tiling and SBUF use shared by the conv2d and MLP programs.
struct KernelTiling {
  uint32_t tile_k = 0, tile_m = 0, tile_f = 0;  // partitions, stationary columns, moving columns
  uint32_t tiles_k = 0, tiles_m = 0, tiles_f = 0;
  uint32_t psum_banks = 0;
  uint32_t sbuf_w[2] = {0, 0}, sbuf_x[2] = {0, 0}, sbuf_c[2] = {0, 0};  // buffers (byte offsets)
  // conv2d channel-major (docs/kernels.md "Channel-major layout"): M tiles
  // in groups of m_group, whose output tiles run interleaved and share the
  // moving loads; the stationary tiles of a group stay in SBUF, slot
  // g S + i (M tile g of the group, step i) at sbuf_w[0] + (g S + i)
  // tile_m, loaded once per group (w_slots = m_group S). 0: the buffers W0
  // W1, reloaded every step.
  uint32_t m_group = 0, w_slots = 0;
  uint32_t sbuf_bs = 0;    // per-channel records (8 bytes per M tile)
  uint32_t sbuf_used = 0;  // bytes per partition
  uint64_t steps = 0;      // MMs
  uint64_t out_tiles = 0;  // ACTs
};

struct Conv2dProgram {
  std::vector<Instr> program;
  uint32_t out_h = 0, out_w = 0;
  // DRAM layout: the addresses of the params and the bytes each region has.
  uint64_t in_addr = 0, in_bytes = 0;
  uint64_t w_addr = 0, w_bytes = 0;
  uint64_t bs_addr = 0, bs_bytes = 0;      // 0 bytes: not read
  uint64_t zero_addr = 0, zero_bytes = 0;  // 0 bytes: not read (no padding)
  uint64_t out_addr = 0, out_bytes = 0;    // the only region written
  uint32_t out_elem_bytes = 4;             // 4 int32, 1 int8
  // Tiling: K = C tile, M = CO tile, F = output pixels (flattened n, ho, wo).
  KernelTiling tiling;
  std::vector<uint32_t> final_sems;  // every semaphore when the program ends
  uint64_t macs = 0;                 // N*HO*WO*CO*KH*KW*C
};

// Throws std::invalid_argument (with the reason) for a zero size or stride,
// a kernel larger than the padded input, too few semaphores, a scale not
// int16 or shift > 63, buffers that do not fit the SBUF, or a program whose
// counters would exceed 65535.
Conv2dProgram conv2d_program(const Config& cfg, const Conv2dParams& p);

// Bytes of zeros the conv2d kernel may read at zero_addr (the PSUM bank
// size: the largest moving tile).
inline uint64_t conv2d_zero_bytes(const Config& cfg) { return cfg.psum_entries; }

// Two-layer MLP:
//   H = act_requant(X @ W1, hidden)   int8 [B x D1] (per-channel b1 / scale1
//                                     from the bs1 records, ReLU by default)
//   Y = H @ W2                        int32 [B x D2], or act_requant(.., out)
// X [B x D0], W1 [D0 x D1], W2 [D1 x D2] int8 row-major; Y row-major. H
// stays in SBUF (docs/kernels.md "MLP").
struct MlpParams {
  uint32_t b = 1, d0 = 1, d1 = 1, d2 = 1;  // each >= 1
  uint64_t x_addr = 0, w1_addr = 0, w2_addr = 0;
  uint64_t y_addr = 0;
  uint64_t bs1_addr = 0;  // D1 records if hidden.per_channel
  uint64_t bs2_addr = 0;  // D2 records if out_int8 && out.per_channel
  Requant hidden = [] {
    Requant q;
    q.relu = true;
    return q;
  }();
  bool out_int8 = false;
  Requant out;
  uint32_t semaphores = kDefaultSemaphores;  // 4 used, 5 with per-channel records
  // X given as X^T [D0 x B] and Y written as Y^T [D2 x B], row-major
  // (docs/kernels.md "Channel-major layout"): contiguous rows on both sides.
  bool feature_major = false;
};

struct MlpProgram {
  std::vector<Instr> program;
  uint64_t x_addr = 0, x_bytes = 0;
  uint64_t w1_addr = 0, w1_bytes = 0;
  uint64_t w2_addr = 0, w2_bytes = 0;
  uint64_t bs1_addr = 0, bs1_bytes = 0;  // 0 bytes: not read
  uint64_t bs2_addr = 0, bs2_bytes = 0;
  uint64_t y_addr = 0, y_bytes = 0;  // the only region written
  uint32_t y_elem_bytes = 4;
  // Layer 1: K = D0, M = D1; layer 2: K = D1, M = D2; F = batch columns.
  KernelTiling layer1, layer2;
  uint32_t sbuf_h = 0;  // hidden activations H^T (D1 tiles x tile_f bytes per partition)
  uint32_t sbuf_used = 0;
  std::vector<uint32_t> final_sems;
  uint64_t macs = 0;  // B*D0*D1 + B*D1*D2
};

// Throws std::invalid_argument like conv2d_program().
MlpProgram mlp_program(const Config& cfg, const MlpParams& p);

}  // namespace loom
