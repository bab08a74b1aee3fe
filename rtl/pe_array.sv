// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// pe_array: P x P weight-stationary systolic array of pe_mac, built with
// generate loops (no loops over unpacked arrays: Verilator BLKLOOPINIT).
//   row k, left edge   : x_i[k] / sel_i[k]  (SBUF moving read of partition k)
//   row 0, top edge    : partial sum 0
//   column m, bottom   : col_o[m]           (to PSUM partition m)
//   weight load, row k : (w_we_i[k], w_col_i[k], w_bank_i[k], w_data_i[k]),
//                        the column is decoded to a one-hot once per row.
// x moves one PE right per cycle, partial sums one PE down per cycle, so
// the element that enters row k in cycle t reaches PE (k, m) in cycle t+m,
// and the sum of column m leaves the bottom P-k cycles after row k.

module pe_array #(
  parameter int unsigned P    = 8,
  // derived, do not override
  parameter int unsigned ColW = $clog2(P)
) (
  input  logic                          clk_i,
  // moving operands, one per row
  input  logic [P*loom_pkg::DataW-1:0]  x_i,
  input  logic [P-1:0]                  sel_i,
  // weight load broadcast, one per row
  input  logic [P-1:0]                  w_we_i,
  input  logic [P*ColW-1:0]             w_col_i,
  input  logic [P-1:0]                  w_bank_i,
  input  logic [P*loom_pkg::DataW-1:0]  w_data_i,
  // column results (bottom edge)
  output logic [P*loom_pkg::AccW-1:0]   col_o
);

  localparam int unsigned DW = loom_pkg::DataW;
  localparam int unsigned AW = loom_pkg::AccW;

`ifdef LOOM_FAULT_PE_STUCK
  localparam bit FaultPeStuck = 1'b1;
`else
  localparam bit FaultPeStuck = 1'b0;
`endif

  // Each PE's outputs are wires of its own generate block, read by its right
  // and lower neighbours: not one packed P x P vector, which Verilator
  // rebuilt with a chain of wide concatenations every cycle (quadratic in
  // P^2 words: most of the whole core's time at P = 16), and not unpacked
  // arrays driven by ports (Yosys 0.23 fails an internal assertion on them).
  for (genvar k = 0; k < P; k++) begin : g_row
    logic [P-1:0] w_en;  // one-hot column enable of this row

    always_comb begin
      w_en = '0;
      if (w_we_i[k]) begin
        w_en[w_col_i[k*ColW +: ColW]] = 1'b1;
      end
    end

    for (genvar m = 0; m < P; m++) begin : g_col
      logic [DW-1:0] x_in, x_out;
      logic          sel_in, sel_out;
      logic [AW-1:0] psum_in, psum_out;

      if (m == 0) begin : g_left
        assign x_in   = x_i[k*DW +: DW];
        assign sel_in = sel_i[k];
      end else begin : g_inner_x
        assign x_in   = g_row[k].g_col[m-1].x_out;
        assign sel_in = g_row[k].g_col[m-1].sel_out;
      end
      if (k == 0) begin : g_top
        assign psum_in = '0;
      end else begin : g_inner_psum
        assign psum_in = g_row[k-1].g_col[m].psum_out;
      end

      pe_mac #(
        .FaultStuck (FaultPeStuck && (k == 1) && (m == 1))
      ) u_pe (
        .clk_i,
        .x_i      (x_in),
        .sel_i    (sel_in),
        .psum_i   (psum_in),
        .w_we_i   (w_en[m]),
        .w_bank_i (w_bank_i[k]),
        .w_data_i (w_data_i[k*DW +: DW]),
        .x_o      (x_out),
        .sel_o    (sel_out),
        .psum_o   (psum_out)
      );
    end

    logic unused_right_edge;
    assign unused_right_edge = ^{g_col[P-1].x_out, g_col[P-1].sel_out};
  end

  for (genvar m = 0; m < P; m++) begin : g_bottom
    assign col_o[m*AW +: AW] = g_row[P-1].g_col[m].psum_out;
  end

endmodule
