// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// cmn_ram_nr1w: behavioural wrapper of an SRAM with NumRd read ports and one
// write port, built from NumRd one-read one-write macros (g_copy[r].mem_q)
// that receive the same (duplicated) writes, each serving one read port:
// NumRd times the bits, but only single-read-port macros are needed. A true
// multi-port macro can replace this file later.
//
// Per read port r: synchronous read with one cycle latency, rdata_o[r] shows
// mem[raddr_i[r]] of the cycle re_i[r] was high and holds it until the next
// read of that port. Read-first: a read and a write of the same address in
// one cycle return the old word. Optional byte enables (ByteEn = 1, Width a
// multiple of 8). No reset (SRAM contents are undefined after reset; the
// --x-initial unique option of Verilator decides them). Read ports are
// packed vectors, port r at [r*AddrW +: AddrW] / [r*Width +: Width].

module cmn_ram_nr1w #(
  parameter int unsigned Width  = 32,
  parameter int unsigned Depth  = 64,
  parameter int unsigned NumRd  = 1,
  parameter bit          ByteEn = 1'b0,
  // derived, do not override
  parameter int unsigned AddrW  = (Depth > 1) ? $clog2(Depth) : 1,
  parameter int unsigned BeW    = ByteEn ? Width / 8 : 1
) (
  input  logic                   clk_i,
  // write port (written into every copy)
  input  logic                   we_i,
  input  logic [AddrW-1:0]       waddr_i,
  input  logic [Width-1:0]       wdata_i,
  input  logic [BeW-1:0]         wbe_i,    // byte enables (ignored when ByteEn = 0)
  // read ports
  input  logic [NumRd-1:0]       re_i,
  input  logic [NumRd*AddrW-1:0] raddr_i,
  output logic [NumRd*Width-1:0] rdata_o
);

  for (genvar r = 0; r < NumRd; r++) begin : g_copy
    logic [Width-1:0] mem_q [Depth];
    logic [Width-1:0] rdata_q;

    if (ByteEn) begin : g_be
      // One process per byte lane: Yosys merges the lanes into one memory
      // write port with bit enables; a loop inside one process would not.
      for (genvar i = 0; i < BeW; i++) begin : g_lane
        always_ff @(posedge clk_i) begin
          if (we_i && wbe_i[i]) begin
            mem_q[waddr_i][8*i +: 8] <= wdata_i[8*i +: 8];
          end
        end
      end
    end else begin : g_nobe
      always_ff @(posedge clk_i) begin
        if (we_i) begin
          mem_q[waddr_i] <= wdata_i;
        end
      end
    end

    always_ff @(posedge clk_i) begin
      if (re_i[r]) begin
        rdata_q <= mem_q[raddr_i[r*AddrW +: AddrW]];
      end
    end

    assign rdata_o[r*Width +: Width] = rdata_q;
  end

  if (!ByteEn) begin : g_unused_wbe
    logic unused_wbe;
    assign unused_wbe = ^wbe_i;
  end

`ifndef SYNTHESIS
  // Addresses beyond Depth (non power of two depths) are illegal.
  RamWaddrRange_A: assert property (@(posedge clk_i) we_i |-> (32'(waddr_i) < Depth));
  for (genvar r = 0; r < NumRd; r++) begin : g_rd_asserts
    RamRaddrRange_A: assert property (@(posedge clk_i)
        re_i[r] |-> (32'(raddr_i[r*AddrW +: AddrW]) < Depth));
  end
`endif

endmodule
