// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// pe_mac: one processing element of the weight-stationary array.
// Two int8 weight registers (double buffer, bank 0 / 1). Every cycle:
//   x_q     <= x_i,  sel_q <= sel_i            (moving operand passes right)
//   psum_q  <= psum_i + w[sel_i] * x_i         (partial sum passes down)
// with signed int8 x int8 products and int32 wraparound. A weight write
// (w_we_i) stores w_data_i into bank w_bank_i at the end of the cycle; a
// multiply in the same cycle still uses the old weight (read-first).
// Datapath flops have no reset: nothing reads them before an operation
// writes them (see docs/rtl.md).
// FaultStuck (fault injection only, set by pe_array under
// LOOM_FAULT_PE_STUCK): the product is lost, psum_q <= psum_i.

module pe_mac #(
  parameter bit FaultStuck = 1'b0
) (
  input  logic                                clk_i,
  // moving operand from the left
  input  logic signed [loom_pkg::DataW-1:0]   x_i,
  input  logic                                sel_i,    // weight bank of x_i
  // partial sum from above
  input  logic signed [loom_pkg::AccW-1:0]    psum_i,
  // weight load
  input  logic                                w_we_i,
  input  logic                                w_bank_i,
  input  logic signed [loom_pkg::DataW-1:0]   w_data_i,
  // to the right / below
  output logic signed [loom_pkg::DataW-1:0]   x_o,
  output logic                                sel_o,
  output logic signed [loom_pkg::AccW-1:0]    psum_o
);

  logic signed [loom_pkg::DataW-1:0] w0_q, w1_q, w_sel;
  logic signed [loom_pkg::DataW-1:0] x_q;
  logic                              sel_q;
  logic signed [loom_pkg::AccW-1:0]  psum_q, psum_d;
  logic signed [2*loom_pkg::DataW-1:0] prod;

  assign w_sel = sel_i ? w1_q : w0_q;
  assign prod  = w_sel * x_i;  // signed 8 x 8 -> 16

  if (FaultStuck) begin : g_fault_stuck
    logic unused_prod;
    assign unused_prod = ^prod;
    assign psum_d = psum_i;
  end else begin : g_mac
    assign psum_d = psum_i + {{(loom_pkg::AccW - 2*loom_pkg::DataW){prod[2*loom_pkg::DataW-1]}}, prod};
  end

  always_ff @(posedge clk_i) begin
    x_q    <= x_i;
    sel_q  <= sel_i;
    psum_q <= psum_d;
    if (w_we_i && !w_bank_i) begin
      w0_q <= w_data_i;
    end
    if (w_we_i && w_bank_i) begin
      w1_q <= w_data_i;
    end
  end

  assign x_o    = x_q;
  assign sel_o  = sel_q;
  assign psum_o = psum_q;

endmodule
