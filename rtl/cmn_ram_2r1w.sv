// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// cmn_ram_2r1w: two-read one-write SRAM, same behaviour per read port as
// cmn_ram_1r1w (synchronous read, one cycle latency, read-first, optional
// byte enables). It is built from two 1R1W macros that receive the same
// (duplicated) writes, each serving one read port: twice the bits, no
// multi-port macro needed. A true 2R1W macro can replace this file later.

module cmn_ram_2r1w #(
  parameter int unsigned Width  = 32,
  parameter int unsigned Depth  = 64,
  parameter bit          ByteEn = 1'b0,
  // derived, do not override
  parameter int unsigned AddrW  = (Depth > 1) ? $clog2(Depth) : 1,
  parameter int unsigned BeW    = ByteEn ? Width / 8 : 1
) (
  input  logic             clk_i,
  // write port (written into both copies)
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic [BeW-1:0]   wbe_i,
  // read port A
  input  logic             re_a_i,
  input  logic [AddrW-1:0] raddr_a_i,
  output logic [Width-1:0] rdata_a_o,
  // read port B
  input  logic             re_b_i,
  input  logic [AddrW-1:0] raddr_b_i,
  output logic [Width-1:0] rdata_b_o
);

  cmn_ram_1r1w #(
    .Width  (Width),
    .Depth  (Depth),
    .ByteEn (ByteEn)
  ) u_copy_a (
    .clk_i,
    .we_i,
    .waddr_i,
    .wdata_i,
    .wbe_i,
    .re_i    (re_a_i),
    .raddr_i (raddr_a_i),
    .rdata_o (rdata_a_o)
  );

  cmn_ram_1r1w #(
    .Width  (Width),
    .Depth  (Depth),
    .ByteEn (ByteEn)
  ) u_copy_b (
    .clk_i,
    .we_i,
    .waddr_i,
    .wdata_i,
    .wbe_i,
    .re_i    (re_b_i),
    .raddr_i (raddr_b_i),
    .rdata_o (rdata_b_o)
  );

endmodule
