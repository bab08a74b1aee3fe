// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// dma_walk: address walker of one DMA stream (docs/dma.md). Walks the rows
// of a descriptor, plane by plane, row by row, one chunk at a time. A chunk
// never crosses a multiple of ChunkBytes and never leaves its row: from
// address a with b bytes left in the row it covers
// n = min(ChunkBytes - a mod ChunkBytes, b) bytes.
// Row r of plane j starts at base + j * plane_stride + r * row_stride
// (the SBUF side uses row_stride = 0, plane_stride = row_bytes).
// start_i loads the first chunk (valid from the next cycle); next_i consumes
// the current chunk; stop_i abandons the walk.

module dma_walk #(
  parameter int unsigned AddrW      = 32,
  parameter int unsigned ChunkBytes = 8,
  // derived, do not override
  parameter int unsigned LoW        = $clog2(ChunkBytes),
  parameter int unsigned NW         = $clog2(ChunkBytes + 1)
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,
  input  logic                           start_i,
  input  logic                           stop_i,
  input  logic [AddrW-1:0]               base_i,
  input  logic [AddrW-1:0]               row_stride_i,
  input  logic [AddrW-1:0]               plane_stride_i,
  input  logic [loom_pkg::SbufAddrW-1:0] row_bytes_i,
  input  logic [loom_pkg::PartW-1:0]     rows_i,
  input  logic [15:0]                    planes_i,
  input  logic                           next_i,
  output logic                           valid_o,
  output logic [AddrW-1:0]               addr_o,
  output logic [loom_pkg::PartW-1:0]     row_o,
  output logic [LoW-1:0]                 lo_o,
  output logic [NW-1:0]                  n_o,
  output logic                           row_last_o,
  output logic                           last_o
);

  localparam int unsigned RemW = loom_pkg::SbufAddrW;

  logic                          valid_q, valid_d;
  logic [AddrW-1:0]              cur_q, cur_d;
  logic [AddrW-1:0]              row_start_q, row_start_d;
  logic [AddrW-1:0]              plane_start_q, plane_start_d;
  logic [RemW-1:0]               rem_q, rem_d;
  logic [loom_pkg::PartW-1:0]    r_q, r_d;
  logic [15:0]                   j_q, j_d;

  logic [LoW-1:0]  lo;
  logic [NW-1:0]   space, n;
  logic            row_last, row_end_plane, last;

  assign lo            = cur_q[LoW-1:0];
  assign space         = NW'(ChunkBytes) - NW'(lo);
  assign n             = (rem_q < RemW'(space)) ? NW'(rem_q) : space;
  assign row_last      = (rem_q == RemW'(n));
  assign row_end_plane = (r_q == rows_i - 1'b1);
  assign last          = row_last && row_end_plane && (j_q == planes_i - 1'b1);

  always_comb begin
    valid_d       = valid_q;
    cur_d         = cur_q;
    row_start_d   = row_start_q;
    plane_start_d = plane_start_q;
    rem_d         = rem_q;
    r_d           = r_q;
    j_d           = j_q;
    if (start_i) begin
      valid_d       = 1'b1;
      cur_d         = base_i;
      row_start_d   = base_i;
      plane_start_d = base_i;
      rem_d         = row_bytes_i;
      r_d           = '0;
      j_d           = '0;
    end else if (stop_i) begin
      valid_d = 1'b0;
    end else if (next_i && valid_q) begin
      if (!row_last) begin
        cur_d = cur_q + AddrW'(n);
        rem_d = rem_q - RemW'(n);
      end else if (last) begin
        valid_d = 1'b0;
      end else if (row_end_plane) begin
        j_d           = j_q + 1'b1;
        r_d           = '0;
        plane_start_d = plane_start_q + plane_stride_i;
        row_start_d   = plane_start_q + plane_stride_i;
        cur_d         = plane_start_q + plane_stride_i;
        rem_d         = row_bytes_i;
      end else begin
        r_d         = r_q + 1'b1;
        row_start_d = row_start_q + row_stride_i;
        cur_d       = row_start_q + row_stride_i;
        rem_d       = row_bytes_i;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else begin
      valid_q <= valid_d;
    end
  end

  // Address state: only meaningful while valid_q.
  always_ff @(posedge clk_i) begin
    cur_q         <= cur_d;
    row_start_q   <= row_start_d;
    plane_start_q <= plane_start_d;
    rem_q         <= rem_d;
    r_q           <= r_d;
    j_q           <= j_d;
  end

  assign valid_o    = valid_q;
  assign addr_o     = cur_q;
  assign row_o      = r_q;
  assign lo_o       = lo;
  assign n_o        = n;
  assign row_last_o = row_last;
  assign last_o     = last;

`ifndef SYNTHESIS
  WalkChunkNonEmpty_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_q |-> (n != '0) && (rem_q != '0));
  WalkNoStartWhileNext_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> !next_i);
`endif

endmodule
