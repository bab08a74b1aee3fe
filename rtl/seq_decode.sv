// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// seq_decode: the sequencer's static check of one 256-bit instruction word
// (docs/isa.md, "Errors" codes 1..5, and DRAM_WINDOW for a DMA range beyond
// the 64-bit address space), purely combinational. code_o is exactly the
// code of the C++ reference, loom::decode() (codes 1, 2) then
// loom::validate() (codes 3..6), for every word and the configuration given
// by the parameters; tests/rtl/test_seq_decode.cpp compares the two on
// random and targeted words. Also classifies the word: which queue it goes
// to (the SYNC `engine` encoding) and whether it is a NOP / END / SYNC.
// Free of loom_pkg: every width is the ISA's.

module seq_decode #(
  parameter int unsigned P           = 8,     // partitions
  parameter int unsigned SbufBytes   = 4096,  // SBUF bytes per partition
  parameter int unsigned PsumBanks   = 4,
  parameter int unsigned PsumEntries = 64,
  parameter int unsigned Semaphores  = 16     // 1..32
) (
  input  logic [255:0] instr_i,
  output logic [3:0]   code_o,   // 0 legal; else the isa.md error code (1..6)
  output logic [2:0]   queue_o,  // 0 sequencer (NOP, END, SYNC seq), 1 PE, 2 ACT, 3 DMA0, 4 DMA1
  output logic         is_nop_o,
  output logic         is_end_o,
  output logic         is_sync_o
);

  localparam logic [3:0] CodeOk        = 4'd0;
  localparam logic [3:0] CodeIllOpcode = 4'd1;
  localparam logic [3:0] CodeReserved  = 4'd2;
  localparam logic [3:0] CodeIllField  = 4'd3;
  localparam logic [3:0] CodeSbuf      = 4'd4;
  localparam logic [3:0] CodePsum      = 4'd5;
  localparam logic [3:0] CodeWindow    = 4'd6;

  localparam logic [7:0] OpNop  = 8'h01;
  localparam logic [7:0] OpEnd  = 8'h02;
  localparam logic [7:0] OpSync = 8'h03;
  localparam logic [7:0] OpDma  = 8'h10;
  localparam logic [7:0] OpLdw  = 8'h20;
  localparam logic [7:0] OpMm   = 8'h21;
  localparam logic [7:0] OpAct  = 8'h30;

  // Bits each instruction kind defines (docs/isa.md); every other bit is
  // reserved. The header's wait / signal fields are bits 41:0.
  localparam logic [255:0] UsedHdr  = {214'd0, {42{1'b1}}};
  localparam logic [255:0] UsedSync = UsedHdr | {189'd0, 3'b111, 64'd0};
  localparam logic [255:0] UsedDma  = UsedHdr | {{197{1'b1}}, 16'd0, 1'b1, 42'd0};
  localparam logic [255:0] UsedPe   = UsedHdr | {126'd0, 2'b11, 10'd0, {51{1'b1}}, 67'd0};
  localparam logic [255:0] UsedAct  = UsedHdr | {{59{1'b1}}, 5'd0, {93{1'b1}}, 99'd0};

  localparam int unsigned Sb = SbufBytes;

  // Header.
  logic [7:0]  op;
  logic [4:0]  wait_sem, sig_sem;
  logic [15:0] wait_val;
  logic [7:0]  sig_inc;
  assign op       = instr_i[7:0];
  assign wait_sem = instr_i[12:8];
  assign wait_val = instr_i[28:13];
  assign sig_sem  = instr_i[33:29];
  assign sig_inc  = instr_i[41:34];

  logic is_nop, is_end, is_sync, is_dma, is_ldw, is_mm, is_act, known;
  assign is_nop  = (op == OpNop);
  assign is_end  = (op == OpEnd);
  assign is_sync = (op == OpSync);
  assign is_dma  = (op == OpDma);
  assign is_ldw  = (op == OpLdw);
  assign is_mm   = (op == OpMm);
  assign is_act  = (op == OpAct);
  assign known   = is_nop | is_end | is_sync | is_dma | is_ldw | is_mm | is_act;

  logic [255:0] used;
  always_comb begin
    used = UsedHdr;
    if (is_sync) used = UsedSync;
    if (is_dma) used = UsedDma;
    if (is_ldw || is_mm) used = UsedPe;
    if (is_act) used = UsedAct;
  end

  // SYNC.
  logic [2:0] engine;
  assign engine = instr_i[66:64];

  // LDW / MM (pe_cmd_t in bits 127:64).
  logic [1:0]  pe_dtype, pe_op;
  logic        pe_acc;
  logic [17:0] pe_addr;
  logic [7:0]  pe_rows;
  logic [9:0]  pe_cols;
  logic [2:0]  pe_bank;
  logic [8:0]  pe_off;
  assign pe_dtype = instr_i[129:128];
  assign pe_op    = instr_i[117:116];
  assign pe_acc   = instr_i[115];
  assign pe_addr  = instr_i[114:97];
  assign pe_rows  = instr_i[96:89];
  assign pe_cols  = instr_i[88:79];
  assign pe_bank  = instr_i[78:76];
  assign pe_off   = instr_i[75:67];

  // ACT.
  logic [31:0] a_bias;
  logic [15:0] a_scale;
  logic [5:0]  a_shift;
  logic        a_relu, a_bs_sbuf, a_src_sbuf;
  logic [2:0]  a_mode, a_bank;
  logic [17:0] a_src, a_dst, a_bs;
  logic [7:0]  a_part, a_m;
  logic [9:0]  a_f;
  logic [8:0]  a_off;
  assign a_bias     = instr_i[255:224];
  assign a_scale    = instr_i[223:208];
  assign a_shift    = instr_i[207:202];
  assign a_relu     = instr_i[201];
  assign a_bs_sbuf  = instr_i[200];
  assign a_mode     = instr_i[199:197];
  assign a_src      = instr_i[191:174];
  assign a_dst      = instr_i[173:156];
  assign a_bs       = instr_i[155:138];
  assign a_part     = instr_i[137:130];
  assign a_m        = instr_i[129:122];
  assign a_f        = instr_i[121:112];
  assign a_bank     = instr_i[111:109];
  assign a_off      = instr_i[108:100];
  assign a_src_sbuf = instr_i[99];

  // DMA (dma_desc_t in bits 255:59).
  logic [63:0] d_dram;
  logic [31:0] d_rstride, d_pstride;
  logic [15:0] d_planes;
  logic [17:0] d_row_bytes, d_sbuf_addr;
  logic [7:0]  d_rows, d_part;
  assign d_dram      = instr_i[255:192];
  assign d_rstride   = instr_i[191:160];
  assign d_pstride   = instr_i[159:128];
  assign d_planes    = instr_i[127:112];
  assign d_row_bytes = instr_i[111:94];
  assign d_rows      = instr_i[93:86];
  assign d_part      = instr_i[85:78];
  assign d_sbuf_addr = instr_i[77:60];

  // --- Code 2: reserved bits and canonical-encoding rules (check_rules) ----
  logic reserved;
  always_comb begin
    reserved = |(instr_i & ~used);
    if (wait_val == '0 && wait_sem != '0) reserved = 1'b1;
    if (sig_inc == '0 && sig_sem != '0) reserved = 1'b1;
    if (is_nop && (wait_val != '0 || sig_inc != '0)) reserved = 1'b1;
    if (is_end && sig_inc != '0) reserved = 1'b1;
    if (is_sync && engine > 3'd4) reserved = 1'b1;
    if (is_ldw || is_mm) begin
      if (pe_dtype != '0) reserved = 1'b1;
      if (pe_op != {1'b0, is_mm}) reserved = 1'b1;
      if (is_ldw && (pe_acc || pe_bank != '0 || pe_off != '0)) reserved = 1'b1;
      if (is_mm && pe_rows != '0) reserved = 1'b1;
    end
    if (is_act) begin
      if (a_mode > 3'd1) reserved = 1'b1;
      if (a_src_sbuf && (a_bank != '0 || a_off != '0)) reserved = 1'b1;
      if (!a_src_sbuf && a_src != '0) reserved = 1'b1;
      if (a_bs_sbuf && (a_bias != '0 || a_scale != '0)) reserved = 1'b1;
      if (!a_bs_sbuf && a_bs != '0) reserved = 1'b1;
      if (a_mode == 3'd1 && (a_relu || a_bs_sbuf || a_bs != '0 || a_bias != '0
                             || a_scale != '0 || a_shift != '0)) reserved = 1'b1;
    end
  end

  // --- Codes 3..6: ranges against the configuration (validate) -------------
  // DMA: exact sums (dma_check with the widest window).
  logic [34:0] d_sbuf_end;  // sbuf_addr + planes * row_bytes
  logic [65:0] d_dram_end;  // dram + (J-1) * plane_stride + (R-1) * row_stride + L
  logic [8:0]  d_part_end;
  logic [15:0] d_planes_m1;
  logic [7:0]  d_rows_m1;
  assign d_planes_m1 = d_planes - 16'd1;
  assign d_rows_m1   = d_rows - 8'd1;
  assign d_sbuf_end = 35'(d_sbuf_addr) + 35'(d_planes) * 35'(d_row_bytes);
  assign d_dram_end = 66'(d_dram) + 66'(d_planes_m1) * 66'(d_pstride)
                      + 66'(d_rows_m1) * 66'(d_rstride) + 66'(d_row_bytes);
  assign d_part_end = 9'(d_part) + 9'(d_rows);

  // PE.
  logic [18:0] pe_sbuf_end;
  logic [10:0] pe_psum_end;
  assign pe_sbuf_end = 19'(pe_addr) + 19'(pe_cols);
  assign pe_psum_end = 11'(pe_off) + 11'(pe_cols);

  // ACT.
  logic [8:0]  a_part_end;
  logic [19:0] a_src_end, a_dst_end, a_bs_end;
  logic [10:0] a_psum_end;
  assign a_part_end = 9'(a_part) + 9'(a_m);
  assign a_src_end  = 20'(a_src) + 20'({a_f, 2'b00});
  assign a_dst_end  = 20'(a_dst) + ((a_mode == 3'd1) ? 20'({a_f, 2'b00}) : 20'(a_f));
  assign a_bs_end   = 20'(a_bs) + 20'd8;
  assign a_psum_end = 11'(a_off) + 11'(a_f);

  logic [3:0] range_code;
  always_comb begin
    range_code = CodeOk;
    if (is_dma) begin
      if (d_row_bytes == '0 || d_rows == '0 || d_planes == '0) range_code = CodeIllField;
      else if (32'(d_part_end) > P) range_code = CodeSbuf;
      else if (d_sbuf_end > 35'(Sb)) range_code = CodeSbuf;
      else if (d_dram_end[65:64] != 2'd0) range_code = CodeWindow;
    end else if (is_ldw) begin
      if (pe_rows == '0 || 32'(pe_rows) > P) range_code = CodeIllField;
      else if (pe_cols == '0 || 32'(pe_cols) > P) range_code = CodeIllField;
      else if (32'(pe_sbuf_end) > Sb) range_code = CodeSbuf;
    end else if (is_mm) begin
      if (pe_cols == '0 || 32'(pe_cols) > PsumEntries) range_code = CodeIllField;
      else if (32'(pe_bank) >= PsumBanks) range_code = CodePsum;
      else if (32'(pe_psum_end) > PsumEntries) range_code = CodePsum;
      else if (32'(pe_sbuf_end) > Sb) range_code = CodeSbuf;
    end else if (is_act) begin
      if (a_m == '0 || 32'(a_m) > P) range_code = CodeIllField;
      else if (a_f == '0 || 32'(a_f) > PsumEntries) range_code = CodeIllField;
      else if (32'(a_part_end) > P) range_code = CodeSbuf;
      else if (a_src_sbuf && 32'(a_src_end) > Sb) range_code = CodeSbuf;
      else if (!a_src_sbuf && 32'(a_bank) >= PsumBanks) range_code = CodePsum;
      else if (!a_src_sbuf && 32'(a_psum_end) > PsumEntries) range_code = CodePsum;
      else if (32'(a_dst_end) > Sb) range_code = CodeSbuf;
      else if (a_bs_sbuf && 32'(a_bs_end) > Sb) range_code = CodeSbuf;
      // Alignment (after the range checks): an int32 element or a bias /
      // scale record never straddles an SBUF word.
      else if (a_src_sbuf && a_src[1:0] != '0) range_code = CodeIllField;
      else if (a_mode == 3'd1 && a_dst[1:0] != '0) range_code = CodeIllField;
      else if (a_bs_sbuf && a_bs[2:0] != '0) range_code = CodeIllField;
      else if (a_src_sbuf && 20'(a_src) < a_dst_end && 20'(a_dst) < a_src_end) begin
        range_code = CodeIllField;
      end
    end
  end

  logic sem_bad;
  assign sem_bad = (wait_val != '0 && 32'(wait_sem) >= Semaphores)
                || (sig_inc != '0 && 32'(sig_sem) >= Semaphores);

  always_comb begin
    if (!known) code_o = CodeIllOpcode;
    else if (reserved) code_o = CodeReserved;
    else if (sem_bad) code_o = CodeIllField;
    else code_o = range_code;
  end

  always_comb begin
    queue_o = 3'd0;
    if (is_ldw || is_mm) queue_o = 3'd1;
    if (is_act) queue_o = 3'd2;
    if (is_dma) queue_o = instr_i[42] ? 3'd4 : 3'd3;
    if (is_sync) queue_o = engine;
  end
  assign is_nop_o  = is_nop;
  // Only the carry out of the DRAM end sum matters (beyond 2^64 - 1).
  logic unused_dram_end;
  assign unused_dram_end = ^d_dram_end[63:0];
  assign is_end_o  = is_end;
  assign is_sync_o = is_sync;

endmodule
