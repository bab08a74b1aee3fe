// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// act_engine: executes ACT instructions (docs/isa.md "ACT", docs/act.md).
// An in-order command queue, a front end that makes one read step per
// cycle (bias / scale record words, then the F elements, all M partitions in
// lockstep), P act_lane instances (latency 3) and a collector that packs the
// results of each partition into SBUF words and writes whole words (partial
// strobes at the ends), all partitions of the command in the same cycle.
//
// Pipeline of one element f (no stall): read (PSUM or SBUF) in cycle r, data
// and lane input in r+1, lane output and SBUF write (if f ends a word or the
// command) in r+4. A command issues with its first read step: cycle s, steps
// s .. s+B+F-1 (B = record words), element f read in s+B+f, done_o in
// s+B+F+4 (the cycle after the last write).
//
// Stall rule (docs/act.md): in a cycle where the element at the write stage
// would write and the DMA / preload writes one of the command's partitions
// (sbuf_wr_busy_i), the whole engine freezes for that cycle: no write, no read
// step, no issue. act_lane cannot stop, so the freeze is emulated exactly: the
// front end holds and lane outputs that cannot be consumed go to a 4-entry
// stash in front of the write stage (4 = elements in flight between a read and
// the write stage), which the write stage drains first.
//
// Hazards: a command that reads the SBUF (SBUF source or bias / scale record)
// issues only when the engine is empty (every earlier write made), so it sees
// the writes of earlier ACTs; PSUM-source commands with immediates overlap.

module act_engine #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  parameter int unsigned PsumBanks     = 4,
  parameter int unsigned PsumEntries   = 64,
  parameter int unsigned QueueDepth    = 2,
  // derived, do not override
  parameter int unsigned AW            = loom_pkg::SbufAddrW,
  parameter int unsigned WordW         = 8 * SbufWordBytes,
  parameter int unsigned PBankW        = $clog2(PsumBanks),
  parameter int unsigned EntW          = $clog2(PsumEntries),
  parameter int unsigned PAddrW        = PBankW + EntW
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  // command port: the ACT instruction word, header bits 58:0 cleared
  input  logic                       cmd_valid_i,
  output logic                       cmd_ready_o,
  input  logic [255:0]               cmd_i,
  output logic                       busy_o,
  output logic                       done_o,
  // PSUM read port (data the next cycle)
  output logic [P-1:0]               psum_rd_en_o,
  output logic [P*PAddrW-1:0]        psum_rd_addr_o,
  input  logic [P*32-1:0]            psum_rd_data_i,
  // SBUF word read port (data the next cycle), word-aligned byte addresses
  output logic [P-1:0]               sbuf_rd_en_o,
  output logic [P*AW-1:0]            sbuf_rd_addr_o,
  input  logic [P*WordW-1:0]         sbuf_rd_data_i,
  // SBUF write port: one word per partition, same address and strobes for
  // every partition written in the cycle
  output logic [P-1:0]               sbuf_wr_en_o,
  output logic [AW-1:0]              sbuf_wr_addr_o,
  output logic [SbufWordBytes-1:0]   sbuf_wr_strb_o,
  output logic [P*WordW-1:0]         sbuf_wr_data_o,
  // partition k's SBUF write port is taken by the DMA / preload this cycle
  input  logic [P-1:0]               sbuf_wr_busy_i,
  // observation
  output logic                       obs_issue_valid_o,
  output logic [loom_pkg::TagW-1:0]  obs_issue_tag_o
);

  localparam int unsigned WB      = SbufWordBytes;
  localparam int unsigned OffW    = $clog2(WB);
  localparam int unsigned BsWords = (WB >= 8) ? 1 : 2;  // words of an 8-byte record
  localparam int unsigned Lo      = 99;                  // lowest stored command bit
  localparam int unsigned QW      = 256 - Lo;            // stored bits 255:99
  localparam int unsigned StepW   = 10;                  // step index, B + F <= 514
  localparam int unsigned SbW     = 1 + 1 + AW + OffW + 8 + 8;  // write sideband
  localparam int unsigned StashW  = SbW + P * 32;

  // ---------------------------------------------------------------------------
  // Command queue (stores instruction bits 255:99)
  // ---------------------------------------------------------------------------
  logic          q_full, q_empty, q_pop;
  logic [QW-1:0] q_head;
  logic [$clog2(QueueDepth + 1)-1:0] q_count;

  cmn_fifo #(
    .Width (QW),
    .Depth (QueueDepth)
  ) u_queue (
    .clk_i,
    .rst_ni,
    .clr_i   (1'b0),
    .push_i  (cmd_valid_i && !q_full),
    .wdata_i (cmd_i[255:Lo]),
    .pop_i   (q_pop),
    .rdata_o (q_head),
    .full_o  (q_full),
    .empty_o (q_empty),
    .count_o (q_count)
  );

  assign cmd_ready_o = !q_full;

  logic unused_cmd;
  assign unused_cmd = ^cmd_i[Lo-1:0];

  // ---------------------------------------------------------------------------
  // Front end: one read step per non-stalled cycle
  // ---------------------------------------------------------------------------
  logic              stall;        // write stage frozen (and with it the engine)
  logic              idle;         // nothing in flight after the front end
  logic              fe_active_q;  // cur_q has steps left (idx_q > 0)
  logic [QW-1:0]     cur_q;
  logic [StepW-1:0]  idx_q;
  logic [QW-1:0]     sc;           // command of this cycle's step
  logic [StepW-1:0]  si;           // step index
  logic              step;         // a step is made this cycle
  logic              issue;        // the head issues (its step 0) this cycle

  assign sc = fe_active_q ? cur_q : q_head;
  assign si = fe_active_q ? idx_q : '0;

  // fields of sc
  logic signed [31:0] sc_bias;
  logic signed [15:0] sc_scale;
  logic [5:0]         sc_shift;
  logic               sc_relu, sc_bs_sbuf, sc_copy, sc_src_sbuf;
  logic [2:0]         sc_mode;
  logic [4:0]         sc_rsvd;
  logic [AW-1:0]      sc_src, sc_dst, sc_bs;
  logic [7:0]         sc_part, sc_m;
  logic [9:0]         sc_f;
  logic [2:0]         sc_bank;
  logic [8:0]         sc_off;

  assign sc_bias     = sc[255-Lo -: 32];
  assign sc_scale    = sc[223-Lo -: 16];
  assign sc_shift    = sc[207-Lo -: 6];
  assign sc_relu     = sc[201-Lo];
  assign sc_bs_sbuf  = sc[200-Lo];
  assign sc_mode     = sc[199-Lo -: 3];
  assign sc_rsvd     = sc[196-Lo -: 5];
  assign sc_src      = sc[191-Lo -: 18];
  assign sc_dst      = sc[173-Lo -: 18];
  assign sc_bs       = sc[155-Lo -: 18];
  assign sc_part     = sc[137-Lo -: 8];
  assign sc_m        = sc[129-Lo -: 8];
  assign sc_f        = sc[121-Lo -: 10];
  assign sc_bank     = sc[111-Lo -: 3];
  assign sc_off      = sc[108-Lo -: 9];
  assign sc_src_sbuf = sc[99-Lo];
  assign sc_copy     = (sc_mode == 3'd1);

  logic unused_sc;
  assign unused_sc = ^{sc_rsvd, sc_mode[2:1]};

  // step decode
  logic [StepW-1:0] sc_b, sc_n, el_f;
  logic             st_bs, st_last_step, st_last_el;
  logic [AW-1:0]    src_ea, dst_ea, bs_wa;
  logic [EntW-1:0]  p_entry;
  logic [P-1:0]     sc_mask;
  logic             sc_reads_sbuf;

  assign sc_b          = sc_bs_sbuf ? StepW'(BsWords) : '0;
  assign sc_n          = sc_b + StepW'(sc_f);
  assign st_bs         = (si < sc_b);
  assign el_f          = si - sc_b;
  assign st_last_step  = (si == sc_n - 1'b1);
  assign st_last_el    = (el_f == StepW'(sc_f) - 1'b1);
  assign src_ea        = sc_src + AW'({el_f, 2'b00});
  assign dst_ea        = sc_dst + (sc_copy ? AW'({el_f, 2'b00}) : AW'(el_f));
  assign bs_wa         = {sc_bs[AW-1:OffW], OffW'(0)} + AW'(si) * AW'(WB);
  assign p_entry       = EntW'(sc_off) + EntW'(el_f);
  assign sc_reads_sbuf = sc_src_sbuf || sc_bs_sbuf;

  for (genvar k = 0; k < P; k++) begin : g_mask
    assign sc_mask[k] = (9'(k) >= 9'(sc_part)) && (9'(k) < 9'(sc_part) + 9'(sc_m));
  end

  // issue: the head, when the front end is free, the engine not frozen and,
  // for a command that reads the SBUF, nothing of earlier commands in flight
  assign issue = !fe_active_q && !q_empty && !stall && (!sc_reads_sbuf || idle);
  assign step  = (fe_active_q && !stall) || issue;
  assign q_pop = issue;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fe_active_q <= 1'b0;
      idx_q       <= '0;
    end else if (step) begin
      fe_active_q <= !st_last_step;
      idx_q       <= si + 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (issue) begin
      cur_q <= q_head;
    end
  end

  // issue tag: issue order since reset (= accept order)
  logic [loom_pkg::TagW-1:0] tag_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tag_q <= '0;
    end else if (issue) begin
      tag_q <= tag_q + 1'b1;
    end
  end
  assign obs_issue_valid_o = issue;
  assign obs_issue_tag_o   = tag_q;

  // read requests
  logic [AW-1:0] sb_ra;
  assign sb_ra = st_bs ? bs_wa : {src_ea[AW-1:OffW], OffW'(0)};
  for (genvar k = 0; k < P; k++) begin : g_rd
    assign sbuf_rd_en_o[k]                  = step && sc_mask[k] && (st_bs || sc_src_sbuf);
    assign sbuf_rd_addr_o[k*AW +: AW]       = sb_ra;
    assign psum_rd_en_o[k]                  = step && sc_mask[k] && !st_bs && !sc_src_sbuf;
    assign psum_rd_addr_o[k*PAddrW +: PAddrW] = {sc_bank[PBankW-1:0], p_entry};
  end

  logic unused_fe;
  assign unused_fe = ^{sc_bank, sc_off, src_ea, sc_bs};

  // ---------------------------------------------------------------------------
  // D stage: read data arrives; record words captured, elements enter the lanes
  // ---------------------------------------------------------------------------
  logic               d_el_q, d_bs_q;
  logic               d_bsn_q;
  logic [OffW-1:0]    d_bsoff_q, d_srcoff_q, d_dboff_q;
  logic               d_src_sbuf_q, d_bs_sbuf_q, d_copy_q, d_relu_q, d_last_q;
  logic signed [31:0] d_bias_q;
  logic signed [15:0] d_scale_q;
  logic [5:0]         d_shift_q;
  logic [AW-1:0]      d_wa_q;
  logic [7:0]         d_part_q, d_m_q;
  logic [P-1:0]       d_mask_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      d_el_q <= 1'b0;
      d_bs_q <= 1'b0;
    end else begin
      d_el_q <= step && !st_bs;
      d_bs_q <= step && st_bs;
    end
  end

  always_ff @(posedge clk_i) begin
    if (step) begin
      d_bsn_q      <= si[0];
      d_bsoff_q    <= sc_bs[OffW-1:0];
      d_srcoff_q   <= src_ea[OffW-1:0];
      d_dboff_q    <= dst_ea[OffW-1:0];
      d_wa_q       <= {dst_ea[AW-1:OffW], OffW'(0)};
      d_src_sbuf_q <= sc_src_sbuf;
      d_bs_sbuf_q  <= sc_bs_sbuf;
      d_copy_q     <= sc_copy;
      d_relu_q     <= sc_relu;
      d_last_q     <= st_last_el;
      d_bias_q     <= sc_bias;
      d_scale_q    <= sc_scale;
      d_shift_q    <= sc_shift;
      d_part_q     <= sc_part;
      d_m_q        <= sc_m;
      d_mask_q     <= sc_mask;
    end
  end

  // per-partition bias / scale from the SBUF record, and the lanes
  logic [P-1:0]    lane_vo;
  logic [P*32-1:0] lane_y;

  for (genvar k = 0; k < P; k++) begin : g_lane
    logic [WordW-1:0]   word;
    logic signed [31:0] bs_bias_q, x, bias;
    logic signed [15:0] bs_scale_q, scale;

    assign word = sbuf_rd_data_i[k*WordW +: WordW];

    if (WB >= 8) begin : g_bs_one
      always_ff @(posedge clk_i) begin
        if (d_bs_q) begin
          bs_bias_q  <= word[d_bsoff_q*8 +: 32];
          bs_scale_q <= word[(d_bsoff_q + OffW'(4))*8 +: 16];
        end
      end
    end else begin : g_bs_two
      always_ff @(posedge clk_i) begin
        if (d_bs_q && !d_bsn_q) begin
          bs_bias_q <= word[31:0];
        end
        if (d_bs_q && d_bsn_q) begin
          bs_scale_q <= word[15:0];
        end
      end
    end

    assign x     = d_src_sbuf_q ? word[d_srcoff_q*8 +: 32] : psum_rd_data_i[k*32 +: 32];
    assign bias  = d_bs_sbuf_q ? bs_bias_q : d_bias_q;
    assign scale = d_bs_sbuf_q ? bs_scale_q : d_scale_q;

    act_lane u_lane (
      .clk_i,
      .rst_ni,
      .valid_i (d_el_q && d_mask_q[k]),
      .x_i     (x),
      .bias_i  (bias),
      .scale_i (scale),
      .shift_i (d_shift_q),
      .relu_i  (d_relu_q),
      .mode_i  ({2'b00, d_copy_q}),
      .valid_o (lane_vo[k]),
      .y_o     (lane_y[k*32 +: 32])
    );
  end

  logic unused_d;
  assign unused_d = ^{d_bsn_q, d_bsoff_q, lane_vo};

  // write sideband through the lane latency (3 stages)
  logic [2:0]     sb_v_q;
  logic [SbW-1:0] sb1_q, sb2_q, sb3_q;
  logic [SbW-1:0] d_sb;

  assign d_sb = {d_copy_q, d_last_q, d_wa_q, d_dboff_q, d_part_q, d_m_q};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sb_v_q <= '0;
    end else begin
      sb_v_q <= {sb_v_q[1:0], d_el_q};
    end
  end

  always_ff @(posedge clk_i) begin
    if (d_el_q) begin
      sb1_q <= d_sb;
    end
    if (sb_v_q[0]) begin
      sb2_q <= sb1_q;
    end
    if (sb_v_q[1]) begin
      sb3_q <= sb2_q;
    end
  end

  // ---------------------------------------------------------------------------
  // Write stage: the stash head, else the lane output
  // ---------------------------------------------------------------------------
  logic              st_empty, st_full, st_push, st_pop;
  logic [StashW-1:0] st_head, lane_entry, cand;
  logic              cand_v;
  logic [2:0]        st_count;

  assign lane_entry = {sb3_q, lane_y};

  cmn_fifo #(
    .Width (StashW),
    .Depth (4)
  ) u_stash (
    .clk_i,
    .rst_ni,
    .clr_i   (1'b0),
    .push_i  (st_push),
    .wdata_i (lane_entry),
    .pop_i   (st_pop),
    .rdata_o (st_head),
    .full_o  (st_full),
    .empty_o (st_empty),
    .count_o (st_count)
  );

  assign cand   = st_empty ? lane_entry : st_head;
  assign cand_v = !st_empty || sb_v_q[2];

  logic            c_copy, c_last;
  logic [AW-1:0]   c_wa;
  logic [OffW-1:0] c_boff;
  logic [7:0]      c_part, c_m;
  logic [P*32-1:0] c_y;
  logic [P-1:0]    c_mask;
  logic            c_eow, c_wr, consume;
  logic [WB-1:0]   new_strb, strb_q;

  assign {c_copy, c_last, c_wa, c_boff, c_part, c_m, c_y} = cand;

  for (genvar k = 0; k < P; k++) begin : g_cmask
    assign c_mask[k] = (9'(k) >= 9'(c_part)) && (9'(k) < 9'(c_part) + 9'(c_m));
  end

  assign c_eow    = c_copy ? (c_boff == OffW'(WB - 4)) : (c_boff == OffW'(WB - 1));
  assign c_wr     = cand_v && (c_eow || c_last);
  assign stall    = c_wr && ((sbuf_wr_busy_i & c_mask) != '0);
  assign consume  = cand_v && !stall;
  assign new_strb = c_copy ? (WB'(4'hf) << c_boff) : (WB'(1) << c_boff);

  assign st_pop  = consume && !st_empty;
  assign st_push = sb_v_q[2] && !(consume && st_empty);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      strb_q <= '0;
    end else if (consume) begin
      strb_q <= c_wr ? '0 : (strb_q | new_strb);
    end
  end

  for (genvar k = 0; k < P; k++) begin : g_coll
    logic [WordW-1:0] acc_q, new_data, merged;
    logic [31:0]      y;
    assign y        = c_y[k*32 +: 32];
    assign new_data = (c_copy ? WordW'(y) : WordW'(y[7:0])) << (8 * c_boff);
    for (genvar b = 0; b < WB; b++) begin : g_byte
      assign merged[8*b +: 8] = new_strb[b] ? new_data[8*b +: 8]
                                            : (strb_q[b] ? acc_q[8*b +: 8] : 8'h00);
    end
    always_ff @(posedge clk_i) begin
      if (consume) begin
        acc_q <= merged;
      end
    end
    assign sbuf_wr_en_o[k]                 = consume && c_wr && c_mask[k];
    assign sbuf_wr_data_o[k*WordW +: WordW] = merged;
  end

  assign sbuf_wr_addr_o = c_wa;
  assign sbuf_wr_strb_o = strb_q | new_strb;

  // done: the cycle after the last write of a command
  logic done_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      done_q <= 1'b0;
    end else begin
      done_q <= consume && c_last;
    end
  end
  assign done_o = done_q;

  assign idle   = !d_el_q && !d_bs_q && (sb_v_q == '0) && st_empty;
  assign busy_o = !q_empty || fe_active_q || !idle;

  logic unused_st;
  assign unused_st = ^{st_full, st_count, q_count};

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifndef SYNTHESIS
  // The sequencer checked the instruction statically (docs/isa.md, docs/act.md).
  logic [QW-1:0] chk;
  logic [2:0]    chk_mode;
  logic [9:0]    chk_f;
  logic [7:0]    chk_part, chk_m;
  assign chk      = cmd_i[255:Lo];
  assign chk_mode = chk[199-Lo -: 3];
  assign chk_f    = chk[121-Lo -: 10];
  assign chk_part = chk[137-Lo -: 8];
  assign chk_m    = chk[129-Lo -: 8];
  ActCmdMode_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i |-> chk_mode <= 3'd1);
  ActCmdShape_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i |-> (chk_m != '0 && chk_f != '0 && 32'(chk_f) <= PsumEntries
                       && 32'(chk_part) + 32'(chk_m) <= P));
  ActCmdSrcAlign_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && chk[99-Lo] |-> chk[174-Lo +: 2] == 2'b00);
  ActCmdCopyDstAlign_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && chk_mode == 3'd1 |-> chk[156-Lo +: 2] == 2'b00);
  ActCmdBsAlign_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && chk[200-Lo] |-> chk[138-Lo +: 3] == 3'b000);
  ActCmdPsum_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !chk[99-Lo] |-> (32'(chk[111-Lo -: 3]) < PsumBanks
                                       && 32'(chk[108-Lo -: 9]) + 32'(chk_f) <= PsumEntries));
  // The stash never overflows (at most 4 elements between a read and the write stage).
  ActStashNoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      st_push |-> (!st_full || st_pop));
  // Lanes and sideband agree.
  ActLaneSync_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (lane_vo & ~{P{sb_v_q[2]}}) == '0);
  // A write stays inside the SBUF.
  ActWrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (sbuf_wr_en_o != '0) |-> (32'(sbuf_wr_addr_o) + WB <= SbufBytes));
  // A write never meets a DMA / preload write of the same partition.
  ActWrNoConflict_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (sbuf_wr_en_o & sbuf_wr_busy_i) == '0);
`endif

endmodule
