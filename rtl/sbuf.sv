// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// sbuf: the state buffer (scratchpad). P partitions of SbufBytes bytes; each
// partition is a four-read-port cmn_ram_nr1w of SbufWordBytes-wide words
// with byte enables.
//   write port : one word per cycle into one partition (always accepted)
//   mv  port   : "moving" read, per partition req + byte address (RAM port 0)
//   st  port   : "stationary" read, per partition req + byte address (port 1)
//   word port  : one word of one partition, req + partition + word-aligned
//                byte address (port 2; the DMA's store reads)
//   ACT read   : one word per partition, per partition req + word-aligned
//                byte address (port 3; the ACT engine, docs/act.md)
//   ACT write  : one word per partition, per partition enable, one address
//                and one strobe set for all; partition k's RAM write port
//                takes the write port above when it addresses k, else the
//                ACT write (the ACT stalls instead of colliding, docs/act.md)
// A read returns the addressed byte (word) one cycle after its req (mv/st
// with rvalid); a read of an address written in the same cycle returns the
// old data.

module sbuf #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  // derived, do not override
  parameter int unsigned AddrW         = loom_pkg::SbufAddrW,
  parameter int unsigned WordW         = 8 * SbufWordBytes
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  // write port
  input  logic                             wr_valid_i,
  input  logic [loom_pkg::PartW-1:0]       wr_part_i,
  input  logic [AddrW-1:0]                 wr_addr_i,
  input  logic [WordW-1:0]                 wr_data_i,
  input  logic [SbufWordBytes-1:0]         wr_strb_i,
  // moving read port, per partition
  input  logic [P-1:0]                     mv_req_i,
  input  logic [P*AddrW-1:0]               mv_addr_i,
  output logic [P-1:0]                     mv_rvalid_o,
  output logic [P*8-1:0]                   mv_rdata_o,
  // stationary read port, per partition
  input  logic [P-1:0]                     st_req_i,
  input  logic [P*AddrW-1:0]               st_addr_i,
  output logic [P-1:0]                     st_rvalid_o,
  output logic [P*8-1:0]                   st_rdata_o,
  // word read port (one partition, word-aligned address)
  input  logic                             wd_req_i,
  input  logic [loom_pkg::PartW-1:0]       wd_part_i,
  input  logic [AddrW-1:0]                 wd_addr_i,
  output logic [WordW-1:0]                 wd_rdata_o,
  // ACT word read port, per partition
  input  logic [P-1:0]                     ar_req_i,
  input  logic [P*AddrW-1:0]               ar_addr_i,
  output logic [P*WordW-1:0]               ar_rdata_o,
  // ACT write port, per partition enable and data
  input  logic [P-1:0]                     aw_en_i,
  input  logic [AddrW-1:0]                 aw_addr_i,
  input  logic [SbufWordBytes-1:0]         aw_strb_i,
  input  logic [P*WordW-1:0]               aw_data_i
);

  localparam int unsigned Depth  = SbufBytes / SbufWordBytes;
  localparam int unsigned WAddrW = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned OffW   = $clog2(SbufWordBytes);
  localparam int unsigned PartQW = $clog2(P);

  logic [WAddrW-1:0] wr_waddr, aw_waddr;
  assign wr_waddr = wr_addr_i[OffW +: WAddrW];
  assign aw_waddr = aw_addr_i[OffW +: WAddrW];

  logic [P-1:0] mv_rvalid_q, st_rvalid_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mv_rvalid_q <= '0;
      st_rvalid_q <= '0;
    end else begin
      mv_rvalid_q <= mv_req_i;
      st_rvalid_q <= st_req_i;
    end
  end

  assign mv_rvalid_o = mv_rvalid_q;
  assign st_rvalid_o = st_rvalid_q;

  // Word port: the partition travels with the read and selects the word.
  logic [P*WordW-1:0] wd_word;
  logic [PartQW-1:0]  wd_part_q;

  always_ff @(posedge clk_i) begin
    if (wd_req_i) begin
      wd_part_q <= wd_part_i[PartQW-1:0];
    end
  end

  assign wd_rdata_o = wd_word[wd_part_q*WordW +: WordW];

  for (genvar k = 0; k < P; k++) begin : g_part
    logic [AddrW-1:0]         mv_addr, st_addr, ar_addr;
    logic [OffW-1:0]          mv_off_q, st_off_q;
    logic [WordW-1:0]         mv_word, st_word;
    logic                     wr_hit, we, wd_re;
    logic [WAddrW-1:0]        waddr;
    logic [WordW-1:0]         wdata;
    logic [SbufWordBytes-1:0] wbe;

    assign mv_addr = mv_addr_i[k*AddrW +: AddrW];
    assign st_addr = st_addr_i[k*AddrW +: AddrW];
    assign ar_addr = ar_addr_i[k*AddrW +: AddrW];
    assign wr_hit  = wr_valid_i && (wr_part_i == loom_pkg::PartW'(k));
    assign wd_re   = wd_req_i && (wd_part_i == loom_pkg::PartW'(k));
    // RAM write port: the (DMA / preload) write port first, else the ACT
    assign we      = wr_hit || aw_en_i[k];
    assign waddr   = wr_hit ? wr_waddr : aw_waddr;
    assign wdata   = wr_hit ? wr_data_i : aw_data_i[k*WordW +: WordW];
    assign wbe     = wr_hit ? wr_strb_i : aw_strb_i;

    cmn_ram_nr1w #(
      .Width  (WordW),
      .Depth  (Depth),
      .NumRd  (4),
      .ByteEn (1'b1)
    ) u_ram (
      .clk_i,
      .we_i    (we),
      .waddr_i (waddr),
      .wdata_i (wdata),
      .wbe_i   (wbe),
      .re_i    ({ar_req_i[k], wd_re, st_req_i[k], mv_req_i[k]}),
      .raddr_i ({ar_addr[OffW +: WAddrW], wd_addr_i[OffW +: WAddrW], st_addr[OffW +: WAddrW],
                 mv_addr[OffW +: WAddrW]}),
      .rdata_o ({ar_rdata_o[k*WordW +: WordW], wd_word[k*WordW +: WordW], st_word, mv_word})
    );

    // Byte select: the word offset travels with the read.
    always_ff @(posedge clk_i) begin
      if (mv_req_i[k]) begin
        mv_off_q <= mv_addr[OffW-1:0];
      end
      if (st_req_i[k]) begin
        st_off_q <= st_addr[OffW-1:0];
      end
    end

    assign mv_rdata_o[k*8 +: 8] = mv_word[mv_off_q*8 +: 8];
    assign st_rdata_o[k*8 +: 8] = st_word[st_off_q*8 +: 8];

    if (AddrW > OffW + WAddrW) begin : g_unused_hi
      logic unused_addr_hi;
      assign unused_addr_hi = ^{mv_addr[AddrW-1:OffW+WAddrW], st_addr[AddrW-1:OffW+WAddrW],
                                ar_addr[AddrW-1:OffW+WAddrW]};
    end
    logic unused_ar_off;
    assign unused_ar_off = ^ar_addr[OffW-1:0];
  end

  if (AddrW > OffW + WAddrW) begin : g_unused_wr_hi
    logic unused_wr_addr_hi;
    assign unused_wr_addr_hi = ^{wr_addr_i[AddrW-1:OffW+WAddrW], wd_addr_i[AddrW-1:OffW+WAddrW],
                                 aw_addr_i[AddrW-1:OffW+WAddrW]};
  end
  logic unused_wr_off;
  assign unused_wr_off = ^{wr_addr_i[OffW-1:0], wd_addr_i[OffW-1:0], aw_addr_i[OffW-1:0]};
  if (loom_pkg::PartW > PartQW) begin : g_unused_wd_part
    logic unused_wd_part_hi;
    assign unused_wd_part_hi = ^wd_part_i[loom_pkg::PartW-1:PartQW];
  end

`ifndef SYNTHESIS
  SbufWrPartRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_valid_i |-> (32'(wr_part_i) < P));
  SbufWrAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_valid_i |-> (32'(wr_addr_i) + SbufWordBytes <= SbufBytes));
  SbufWrAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_valid_i |-> (wr_addr_i[OffW-1:0] == '0));
  SbufWdPartRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wd_req_i |-> (32'(wd_part_i) < P));
  SbufWdAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wd_req_i |-> (32'(wd_addr_i) + SbufWordBytes <= SbufBytes));
  SbufWdAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wd_req_i |-> (wd_addr_i[OffW-1:0] == '0));
  SbufAwAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (aw_en_i != '0) |-> (32'(aw_addr_i) + SbufWordBytes <= SbufBytes));
  SbufAwAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (aw_en_i != '0) |-> (aw_addr_i[OffW-1:0] == '0));
  for (genvar k = 0; k < P; k++) begin : g_rd_asserts
    // The ACT never writes a partition in the cycle the write port does.
    SbufActWrCollision_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(aw_en_i[k] && wr_valid_i && (32'(wr_part_i) == k)));
    SbufArAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        ar_req_i[k] |-> (32'(ar_addr_i[k*AddrW +: AddrW]) + SbufWordBytes <= SbufBytes));
    SbufArAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        ar_req_i[k] |-> (ar_addr_i[k*AddrW +: OffW] == '0));
    SbufMvAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        mv_req_i[k] |-> (32'(mv_addr_i[k*AddrW +: AddrW]) < SbufBytes));
    SbufStAddrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        st_req_i[k] |-> (32'(st_addr_i[k*AddrW +: AddrW]) < SbufBytes));
  end
`endif

endmodule
