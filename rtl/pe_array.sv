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

  // x_h / sel_h: position m of row k is the input of PE (k, m); position P
  // is the right edge. psum_v: row k of column m is the input of PE (k, m);
  // row P is the bottom edge.
  logic [P*(P+1)*DW-1:0] x_h;
  logic [P*(P+1)-1:0]    sel_h;
  logic [(P+1)*P*AW-1:0] psum_v;

  for (genvar k = 0; k < P; k++) begin : g_row
    logic [P-1:0] w_en;  // one-hot column enable of this row

    always_comb begin
      w_en = '0;
      if (w_we_i[k]) begin
        w_en[w_col_i[k*ColW +: ColW]] = 1'b1;
      end
    end

    assign x_h[(k*(P+1))*DW +: DW] = x_i[k*DW +: DW];
    assign sel_h[k*(P+1)]          = sel_i[k];

    for (genvar m = 0; m < P; m++) begin : g_col
      pe_mac #(
        .FaultStuck (FaultPeStuck && (k == 1) && (m == 1))
      ) u_pe (
        .clk_i,
        .x_i      (x_h[(k*(P+1)+m)*DW +: DW]),
        .sel_i    (sel_h[k*(P+1)+m]),
        .psum_i   (psum_v[(k*P+m)*AW +: AW]),
        .w_we_i   (w_en[m]),
        .w_bank_i (w_bank_i[k]),
        .w_data_i (w_data_i[k*DW +: DW]),
        .x_o      (x_h[(k*(P+1)+m+1)*DW +: DW]),
        .sel_o    (sel_h[k*(P+1)+m+1]),
        .psum_o   (psum_v[((k+1)*P+m)*AW +: AW])
      );
    end

    logic unused_right_edge;
    assign unused_right_edge = ^{x_h[(k*(P+1)+P)*DW +: DW], sel_h[k*(P+1)+P]};
  end

  assign psum_v[0 +: P*AW] = '0;
  assign col_o             = psum_v[P*P*AW +: P*AW];

endmodule
