// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// cmn_ram_1r1w: behavioural wrapper of a one-read one-write SRAM macro.
// Synchronous read with one cycle latency: rdata_o shows mem[raddr_i] of the
// cycle re_i was high and holds it until the next read. Read-first: a read
// and a write of the same address in one cycle return the old word. Optional
// byte enables (ByteEn = 1, Width a multiple of 8). No reset (SRAM contents
// are undefined after reset; Verilator's --x-initial unique decides them).

module cmn_ram_1r1w #(
  parameter int unsigned Width  = 32,
  parameter int unsigned Depth  = 64,
  parameter bit          ByteEn = 1'b0,
  // derived, do not override
  parameter int unsigned AddrW  = (Depth > 1) ? $clog2(Depth) : 1,
  parameter int unsigned BeW    = ByteEn ? Width / 8 : 1
) (
  input  logic             clk_i,
  // write port
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic [BeW-1:0]   wbe_i,    // byte enables (ignored when ByteEn = 0)
  // read port
  input  logic             re_i,
  input  logic [AddrW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o
);

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
    logic unused_wbe;
    assign unused_wbe = ^wbe_i;
  end

  always_ff @(posedge clk_i) begin
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

`ifndef SYNTHESIS
  // Addresses beyond Depth (non power of two depths) are illegal.
  RamWaddrRange_A: assert property (@(posedge clk_i) we_i |-> (32'(waddr_i) < Depth));
  RamRaddrRange_A: assert property (@(posedge clk_i) re_i |-> (32'(raddr_i) < Depth));
`endif

endmodule
