// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// loom_pkg: types and fixed widths shared by the Loom tensor subsystem.
// The command layout is the contract of docs/tensor_top.md; the C++ view is
// model/core/include/loom/pe_cmd.h. Reference everything as loom_pkg::name
// (Yosys 0.23 rejects `import loom_pkg::*`).

package loom_pkg;

  // Fixed port widths of loom_tensor_top (docs/tensor_top.md).
  localparam int unsigned CmdW      = 64;  // pe_cmd_t
  localparam int unsigned PartW     = 8;   // partition index on the ports
  localparam int unsigned SbufAddrW = 18;  // SBUF byte address (up to 192 KiB)
  localparam int unsigned TagW      = 16;  // command tag (accept order, wraps)
  localparam int unsigned OpW       = 2;   // pe_op_e
  localparam int unsigned RowsW     = 8;   // pe_cmd_t.rows
  localparam int unsigned ColsW     = 10;  // pe_cmd_t.cols
  localparam int unsigned BankW     = 3;   // pe_cmd_t.psum_bank
  localparam int unsigned EntryW    = 9;   // pe_cmd_t.psum_off / PSUM entry
  localparam int unsigned DataW     = 8;   // int8 operands
  localparam int unsigned AccW      = 32;  // int32 partial sums
  localparam int unsigned PsumRecW  = 64;  // one obs_psum_o record
  localparam int unsigned DbgDataW  = 32;  // dbg_rdata_o

  // Tensor-engine operation.
  typedef enum logic [OpW-1:0] {
    PE_OP_LDW = 2'd0,  // LoadStationary: weights into the next weight bank
    PE_OP_MM  = 2'd1   // MultiplyMoving: stream moving data, write PSUM
  } pe_op_e;

  // Tensor-engine command, 64 bits, msb first (docs/tensor_top.md).
  typedef struct packed {
    logic [9:0]        rsvd_hi;    // 63:54 reserved, 0
    pe_op_e            op;         // 53:52
    logic              acc;        // 51    MM: 1 accumulate, 0 overwrite
    logic [SbufAddrW-1:0] sbuf_addr;  // 50:33 byte offset inside every partition
    logic [RowsW-1:0]  rows;       // 32:25 LDW: K (1..P); MM: 0
    logic [ColsW-1:0]  cols;       // 24:15 LDW: M (1..P); MM: F (1..PsumEntries)
    logic [BankW-1:0]  psum_bank;  // 14:12 MM: PSUM bank
    logic [EntryW-1:0] psum_off;   // 11:3  MM: first PSUM entry
    logic [2:0]        rsvd_lo;    // 2:0   reserved, 0
  } pe_cmd_t;

  // PSUM observation record, one per partition (bits [64m+63:64m] of obs_psum_o).
  typedef struct packed {
    logic [17:0]       rsvd;   // 63:46 zero
    logic              valid;  // 45    a write to this partition in this cycle
    logic              acc;    // 44    accumulate
    logic [BankW-1:0]  bank;   // 43:41
    logic [EntryW-1:0] entry;  // 40:32
    logic [AccW-1:0]   value;  // 31:0  value written (after accumulation)
  } psum_rec_t;

  // ---------------------------------------------------------------------------
  // DMA engine (docs/dma.md)
  // ---------------------------------------------------------------------------
  localparam int unsigned DmaDescW = 256;  // dma_desc_t (the reserved field fills it up)
  localparam int unsigned DmaErrW  = 4;    // completion / error code (dma_err_e)

  // Completion codes (cpl_err_o); 0 is success.
  typedef enum logic [DmaErrW-1:0] {
    DMA_OK          = 4'd0,  // success
    DMA_ERR_ILLEGAL = 4'd1,  // zero count or reserved bit set
    DMA_ERR_WINDOW  = 4'd2,  // DRAM range outside [base, limit)
    DMA_ERR_SBUF    = 4'd3,  // SBUF range outside the memory
    DMA_ERR_SLVERR  = 4'd4,  // AXI response 2'b10
    DMA_ERR_DECERR  = 4'd5   // AXI response 2'b11
  } dma_err_e;

  // DMA descriptor, 256 bits, msb first (docs/dma.md). DRAM row r of plane j
  // <-> SBUF partition sbuf_part + r, bytes sbuf_addr + j * row_bytes.
  typedef struct packed {
    logic [63:0]          dram_addr;     // 255:192 row 0 of plane 0
    logic [31:0]          row_stride;    // 191:160 DRAM bytes between rows
    logic [31:0]          plane_stride;  // 159:128 DRAM bytes between planes
    logic [15:0]          planes;        // 127:112 plane count, >= 1
    logic [SbufAddrW-1:0] row_bytes;     // 111:94  bytes per row, >= 1
    logic [PartW-1:0]     rows;          // 93:86   rows = partitions, >= 1
    logic [PartW-1:0]     sbuf_part;     // 85:78   first partition
    logic [SbufAddrW-1:0] sbuf_addr;     // 77:60   byte offset in the partitions
    logic                 dir;           // 59      0 DRAM->SBUF, 1 SBUF->DRAM
    logic [DmaDescW-198:0] rsvd;         // 58:0    reserved, 0
  } dma_desc_t;

endpackage
