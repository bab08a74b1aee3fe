// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// dma_engine: the DMA between DRAM (AXI4 master) and the SBUF (docs/dma.md).
// Two descriptor queues served round robin, one descriptor at a time:
// dispatch (IDLE), check (CHECK), transfer (RUN), completion event (DONE).
// Three dma_walk instances walk the descriptor in AXI bursts, AXI beats and
// SBUF words; dma_pack realigns the byte stream between the two sides.
//
// LOOM_FAULT_DMA_DROP_BEAT (fault injection only): the SBUF write of the
// third SBUF word (index 2 from 0) of every load descriptor is dropped
// (sbuf_wr_valid_o forced low, g_fault_drop); the engine carries on as if
// it had written it.
// LOOM_FAULT_DMA_CROSS_4K (fault injection only): bursts are split at 8 KiB
// instead of 4 KiB windows where the bus allows 256 beats of 8 KiB (32-byte
// bus or wider, e.g. tiny), so a burst can cross a 4 KiB boundary; the 4 KiB
// assertions below are left out then, so the testbench (AxiMem's protocol
// checker, the scoreboard's dram_ar / dram_aw) must catch it.

module dma_engine #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  parameter int unsigned AxiDataW      = 64,
  parameter int unsigned AxiAddrW      = 32,
  parameter int unsigned AxiIdW        = 4,
  parameter int unsigned QueueDepth    = 4,
  parameter int unsigned MaxReads      = 8,
  parameter int unsigned MaxWrites     = 8
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  // descriptor queues
  input  logic [1:0]                          desc_valid_i,
  output logic [1:0]                          desc_ready_o,
  input  logic [2*loom_pkg::DmaDescW-1:0]     desc_i,
  // completion events
  output logic [1:0]                          cpl_valid_o,
  output logic [2*loom_pkg::DmaErrW-1:0]      cpl_err_o,
  output logic [1:0]                          halted_o,
  output logic                                busy_o,
  // DRAM window [base, limit)
  input  logic [AxiAddrW-1:0]                 dram_base_i,
  input  logic [AxiAddrW-1:0]                 dram_limit_i,
  // SBUF write port (loom_tensor_top's sbuf_wr_*)
  output logic                                sbuf_wr_valid_o,
  output logic [loom_pkg::PartW-1:0]          sbuf_wr_part_o,
  output logic [loom_pkg::SbufAddrW-1:0]      sbuf_wr_addr_o,
  output logic [8*SbufWordBytes-1:0]          sbuf_wr_data_o,
  output logic [SbufWordBytes-1:0]            sbuf_wr_strb_o,
  // SBUF read port (one word, data in the next cycle)
  output logic                                sbuf_rd_req_o,
  output logic [loom_pkg::PartW-1:0]          sbuf_rd_part_o,
  output logic [loom_pkg::SbufAddrW-1:0]      sbuf_rd_addr_o,
  input  logic [8*SbufWordBytes-1:0]          sbuf_rd_data_i,
  // AXI4 master: read address
  output logic                                m_axi_arvalid_o,
  input  logic                                m_axi_arready_i,
  output logic [AxiIdW-1:0]                   m_axi_arid_o,
  output logic [AxiAddrW-1:0]                 m_axi_araddr_o,
  output logic [7:0]                          m_axi_arlen_o,
  output logic [2:0]                          m_axi_arsize_o,
  output logic [1:0]                          m_axi_arburst_o,
  // read data
  input  logic                                m_axi_rvalid_i,
  output logic                                m_axi_rready_o,
  input  logic [AxiIdW-1:0]                   m_axi_rid_i,
  input  logic [AxiDataW-1:0]                 m_axi_rdata_i,
  input  logic [1:0]                          m_axi_rresp_i,
  input  logic                                m_axi_rlast_i,
  // write address
  output logic                                m_axi_awvalid_o,
  input  logic                                m_axi_awready_i,
  output logic [AxiIdW-1:0]                   m_axi_awid_o,
  output logic [AxiAddrW-1:0]                 m_axi_awaddr_o,
  output logic [7:0]                          m_axi_awlen_o,
  output logic [2:0]                          m_axi_awsize_o,
  output logic [1:0]                          m_axi_awburst_o,
  // write data
  output logic                                m_axi_wvalid_o,
  input  logic                                m_axi_wready_i,
  output logic [AxiDataW-1:0]                 m_axi_wdata_o,
  output logic [AxiDataW/8-1:0]               m_axi_wstrb_o,
  output logic                                m_axi_wlast_o,
  // write response
  input  logic                                m_axi_bvalid_i,
  output logic                                m_axi_bready_o,
  input  logic [AxiIdW-1:0]                   m_axi_bid_i,
  input  logic [1:0]                          m_axi_bresp_i
);

  localparam int unsigned DescW = loom_pkg::DmaDescW;
  localparam int unsigned ErrW  = loom_pkg::DmaErrW;
  localparam int unsigned AW    = loom_pkg::SbufAddrW;
  localparam int unsigned DB    = AxiDataW / 8;                   // bus bytes
  localparam int unsigned WB    = SbufWordBytes;                  // SBUF word bytes
  localparam int unsigned M     = (DB > WB) ? DB : WB;            // pack lanes
`ifdef LOOM_FAULT_DMA_CROSS_4K
  localparam bit FaultCross4k = 1'b1;
`else
  localparam bit FaultCross4k = 1'b0;
`endif
  localparam int unsigned BB    = (FaultCross4k && 256 * DB >= 8192) ? 8192 :
                                  (256 * DB < 4096) ? 256 * DB : 4096;  // burst window
  localparam int unsigned BufBytes = 4 * M;
  localparam int unsigned DbW   = $clog2(DB);
  localparam int unsigned WbW   = $clog2(WB);
  localparam int unsigned BbW   = $clog2(BB);
  localparam int unsigned MW    = $clog2(M);
  localparam int unsigned MNW   = $clog2(M + 1);
  localparam int unsigned DbNW  = $clog2(DB + 1);
  localparam int unsigned WbNW  = $clog2(WB + 1);
  localparam int unsigned BbNW  = $clog2(BB + 1);
  localparam int unsigned CntW  = $clog2(BufBytes + 1);
  localparam int unsigned RdW   = $clog2(MaxReads + 1);
  localparam int unsigned WrW   = $clog2(MaxWrites + 1);
  localparam int unsigned DramW = 66;  // exact window arithmetic

`ifdef LOOM_FAULT_DMA_DROP_BEAT
  localparam bit FaultDropBeat = 1'b1;
`else
  localparam bit FaultDropBeat = 1'b0;
`endif

  // Control states.
  localparam logic [1:0] StIdle  = 2'd0;  // dispatch
  localparam logic [1:0] StCheck = 2'd1;  // check the descriptor
  localparam logic [1:0] StRun   = 2'd2;  // transfer
  localparam logic [1:0] StDone  = 2'd3;  // completion event

  // ---------------------------------------------------------------------------
  // Descriptor queues
  // ---------------------------------------------------------------------------
  logic [1:0]         q_full, q_empty, q_pop;
  logic [2*DescW-1:0] q_head;
  logic [1:0]         halted_q, halted_d;

  for (genvar q = 0; q < 2; q++) begin : g_queue
    logic [$clog2(QueueDepth + 1)-1:0] count;
    cmn_fifo #(
      .Width (DescW),
      .Depth (QueueDepth)
    ) u_fifo (
      .clk_i,
      .rst_ni,
      .clr_i   (1'b0),
      .push_i  (desc_valid_i[q] && desc_ready_o[q]),
      .wdata_i (desc_i[q*DescW +: DescW]),
      .pop_i   (q_pop[q]),
      .rdata_o (q_head[q*DescW +: DescW]),
      .full_o  (q_full[q]),
      .empty_o (q_empty[q]),
      .count_o (count)
    );
    logic unused_count;
    assign unused_count    = ^count;
    assign desc_ready_o[q] = !q_full[q] && !halted_q[q];
  end

  // ---------------------------------------------------------------------------
  // Control state
  // ---------------------------------------------------------------------------
  logic [1:0]           state_q, state_d;
  logic                 qsel_q, qsel_d;     // queue of the running descriptor
  logic                 rr_q, rr_d;         // queue preferred at the next dispatch
  loom_pkg::dma_desc_t  desc_q;
  logic [DescW-1:0]     desc_d;
  logic                 desc_load;
  loom_pkg::dma_err_e   err_q, err_d;
  logic [RdW-1:0]       rd_out_q, rd_out_d;     // read bursts outstanding
  logic [WrW-1:0]       wr_out_q, wr_out_d;     // write bursts outstanding (no B yet)
  logic [WrW-1:0]       aw_ahead_q, aw_ahead_d; // AW accepted, W burst not finished
  logic                 ar_hold_q, aw_hold_q;   // address valid, not yet accepted
  logic                 rd_pend_q;              // SBUF read issued last cycle
  logic [WbW-1:0]       rd_lo_q;
  logic [WbNW-1:0]      rd_n_q;

  logic run, is_load, is_store, start, done;
  logic err_any;

  assign run      = (state_q == StRun);
  assign is_load  = run && !desc_q.dir;
  assign is_store = run && desc_q.dir;

  // ---------------------------------------------------------------------------
  // Check (cycle after dispatch)
  // ---------------------------------------------------------------------------
  logic             chk_illegal, chk_sbuf, chk_window;
  logic [47:0]      plane_span;
  logic [39:0]      row_span;
  logic [DramW-1:0] dram_end;
  logic [35:0]      sbuf_end;
  loom_pkg::dma_err_e chk_err;

  assign plane_span  = 48'(16'(desc_q.planes - 16'd1)) * 48'(desc_q.plane_stride);
  assign row_span    = 40'(8'(desc_q.rows - 8'd1)) * 40'(desc_q.row_stride);
  assign dram_end    = DramW'(desc_q.dram_addr) + DramW'(plane_span) + DramW'(row_span)
                     + DramW'(desc_q.row_bytes);
  assign sbuf_end    = 36'(desc_q.sbuf_addr) + 36'(desc_q.planes) * 36'(desc_q.row_bytes);
  assign chk_illegal = (desc_q.rsvd != '0) || (desc_q.row_bytes == '0) ||
                       (desc_q.rows == '0) || (desc_q.planes == '0);
  assign chk_sbuf    = (32'(desc_q.sbuf_part) + 32'(desc_q.rows) > P) ||
                       (sbuf_end > 36'(SbufBytes));
  assign chk_window  = (DramW'(desc_q.dram_addr) < DramW'(dram_base_i)) ||
                       (dram_end > DramW'(dram_limit_i));
  assign chk_err     = chk_illegal ? loom_pkg::DMA_ERR_ILLEGAL :
                       chk_sbuf    ? loom_pkg::DMA_ERR_SBUF    :
                       chk_window  ? loom_pkg::DMA_ERR_WINDOW  : loom_pkg::DMA_OK;

  assign start = (state_q == StCheck) && (chk_err == loom_pkg::DMA_OK);

  // ---------------------------------------------------------------------------
  // Walkers
  // ---------------------------------------------------------------------------
  logic                     bw_valid, bw_row_last, bw_last, bw_next;
  logic [AxiAddrW-1:0]      bw_addr;
  logic [loom_pkg::PartW-1:0] bw_row;
  logic [BbW-1:0]           bw_lo;
  logic [BbNW-1:0]          bw_n;

  logic                     ew_valid, ew_row_last, ew_last, ew_next;
  logic [AxiAddrW-1:0]      ew_addr;
  logic [loom_pkg::PartW-1:0] ew_row;
  logic [DbW-1:0]           ew_lo;
  logic [DbNW-1:0]          ew_n;

  logic                     ww_valid, ww_row_last, ww_last, ww_next;
  logic [AW-1:0]            ww_addr;
  logic [loom_pkg::PartW-1:0] ww_row;
  logic [WbW-1:0]           ww_lo;
  logic [WbNW-1:0]          ww_n;

  logic                     walk_stop;
  assign walk_stop = (state_q == StDone);

  // Burst walker: AR (load) / AW (store) bursts.
  dma_walk #(
    .AddrW      (AxiAddrW),
    .ChunkBytes (BB)
  ) u_walk_burst (
    .clk_i,
    .rst_ni,
    .start_i        (start),
    .stop_i         (walk_stop),
    .base_i         (desc_q.dram_addr[AxiAddrW-1:0]),
    .row_stride_i   (AxiAddrW'(desc_q.row_stride)),
    .plane_stride_i (AxiAddrW'(desc_q.plane_stride)),
    .row_bytes_i    (desc_q.row_bytes),
    .rows_i         (desc_q.rows),
    .planes_i       (desc_q.planes),
    .next_i         (bw_next),
    .valid_o        (bw_valid),
    .addr_o         (bw_addr),
    .row_o          (bw_row),
    .lo_o           (bw_lo),
    .n_o            (bw_n),
    .row_last_o     (bw_row_last),
    .last_o         (bw_last)
  );

  // Beat walker: R beats (load) / W beats (store).
  dma_walk #(
    .AddrW      (AxiAddrW),
    .ChunkBytes (DB)
  ) u_walk_beat (
    .clk_i,
    .rst_ni,
    .start_i        (start),
    .stop_i         (walk_stop),
    .base_i         (desc_q.dram_addr[AxiAddrW-1:0]),
    .row_stride_i   (AxiAddrW'(desc_q.row_stride)),
    .plane_stride_i (AxiAddrW'(desc_q.plane_stride)),
    .row_bytes_i    (desc_q.row_bytes),
    .rows_i         (desc_q.rows),
    .planes_i       (desc_q.planes),
    .next_i         (ew_next),
    .valid_o        (ew_valid),
    .addr_o         (ew_addr),
    .row_o          (ew_row),
    .lo_o           (ew_lo),
    .n_o            (ew_n),
    .row_last_o     (ew_row_last),
    .last_o         (ew_last)
  );

  // Word walker: SBUF writes (load) / SBUF reads (store).
  dma_walk #(
    .AddrW      (AW),
    .ChunkBytes (WB)
  ) u_walk_word (
    .clk_i,
    .rst_ni,
    .start_i        (start),
    .stop_i         (walk_stop),
    .base_i         (desc_q.sbuf_addr),
    .row_stride_i   (AW'(0)),
    .plane_stride_i (desc_q.row_bytes),
    .row_bytes_i    (desc_q.row_bytes),
    .rows_i         (desc_q.rows),
    .planes_i       (desc_q.planes),
    .next_i         (ww_next),
    .valid_o        (ww_valid),
    .addr_o         (ww_addr),
    .row_o          (ww_row),
    .lo_o           (ww_lo),
    .n_o            (ww_n),
    .row_last_o     (ww_row_last),
    .last_o         (ww_last)
  );

  // Burst fields from the burst walker (AR and AW alike).
  logic [AxiAddrW-1:0] bus_addr;
  logic [BbNW:0]       bus_span;
  logic [7:0]          bus_len;
  logic [BbW:0]        beat_end;       // (beat address + n) mod BB, as BbW+1 bits
  logic                beat_burst_end; // the beat chunk ends its burst

  assign bus_addr       = {bw_addr[AxiAddrW-1:DbW], DbW'(0)};
  assign bus_span       = (BbNW+1)'(bw_addr[DbW-1:0]) + (BbNW+1)'(bw_n) - 1'b1;
  assign bus_len        = 8'(bus_span >> DbW);
  assign beat_end       = (BbW+1)'(ew_addr[BbW-1:0]) + (BbW+1)'(ew_n);
  assign beat_burst_end = ew_row_last || (beat_end[BbW-1:0] == '0);

  // ---------------------------------------------------------------------------
  // Realignment buffer
  // ---------------------------------------------------------------------------
  logic            pk_push, pk_pop, pk_flush;
  logic [8*M-1:0]  pk_in_data, pk_out_data;
  logic [MW-1:0]   pk_in_lo, pk_out_lo;
  logic [MNW-1:0]  pk_in_n, pk_out_n;
  logic [M-1:0]    pk_out_strb;
  logic [CntW-1:0] pk_cnt;

  dma_pack #(
    .LaneBytes (M)
  ) u_pack (
    .clk_i,
    .rst_ni,
    .flush_i    (pk_flush),
    .push_i     (pk_push),
    .in_data_i  (pk_in_data),
    .in_lo_i    (pk_in_lo),
    .in_n_i     (pk_in_n),
    .pop_i      (pk_pop),
    .out_lo_i   (pk_out_lo),
    .out_n_i    (pk_out_n),
    .out_data_o (pk_out_data),
    .out_strb_o (pk_out_strb),
    .cnt_o      (pk_cnt)
  );

  // ---------------------------------------------------------------------------
  // Load: AR, R, SBUF write
  // ---------------------------------------------------------------------------
  logic ar_fire, r_fire, r_last_fire, r_err, sw_pop, r_room;

  assign m_axi_arvalid_o = is_load && bw_valid &&
                           (ar_hold_q || ((32'(rd_out_q) < MaxReads) && (err_q == loom_pkg::DMA_OK)));
  assign m_axi_arid_o    = '0;
  assign m_axi_araddr_o  = bus_addr;
  assign m_axi_arlen_o   = bus_len;
  assign m_axi_arsize_o  = 3'(DbW);
  assign m_axi_arburst_o = 2'b01;
  assign ar_fire         = m_axi_arvalid_o && m_axi_arready_i;

  assign sw_pop      = is_load && (err_q == loom_pkg::DMA_OK) && ww_valid &&
                       (pk_cnt >= CntW'(ww_n));
  assign r_room      = (32'(pk_cnt) - (sw_pop ? 32'(ww_n) : 32'd0) + DB <= BufBytes);
  assign m_axi_rready_o = is_load && ((err_q != loom_pkg::DMA_OK) || r_room);
  assign r_fire      = m_axi_rvalid_i && m_axi_rready_o;
  assign r_last_fire = r_fire && m_axi_rlast_i;
  assign r_err       = r_fire && m_axi_rresp_i[1];

  if (FaultDropBeat) begin : g_fault_drop
    // SBUF words written by the running descriptor so far (saturates at 3).
    logic [1:0] sw_idx_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        sw_idx_q <= '0;
      end else if (start) begin
        sw_idx_q <= '0;
      end else if (sw_pop && (sw_idx_q != 2'd3)) begin
        sw_idx_q <= sw_idx_q + 1'b1;
      end
    end
    assign sbuf_wr_valid_o = sw_pop && (sw_idx_q != 2'd2);
  end else begin : g_sw_valid
    assign sbuf_wr_valid_o = sw_pop;
  end
  assign sbuf_wr_part_o  = desc_q.sbuf_part + ww_row;
  assign sbuf_wr_addr_o  = {ww_addr[AW-1:WbW], WbW'(0)};
  assign sbuf_wr_data_o  = pk_out_data[8*WB-1:0];
  assign sbuf_wr_strb_o  = pk_out_strb[WB-1:0];

  // ---------------------------------------------------------------------------
  // Store: SBUF read, AW, W, B
  // ---------------------------------------------------------------------------
  logic aw_fire, w_fire, w_last_fire, b_fire, b_err;
  logic [31:0] rd_pend_bytes;

  assign rd_pend_bytes  = rd_pend_q ? 32'(rd_n_q) : 32'd0;
  assign sbuf_rd_req_o  = is_store && ww_valid &&
                          (32'(pk_cnt) + rd_pend_bytes + WB <= BufBytes);
  assign sbuf_rd_part_o = desc_q.sbuf_part + ww_row;
  assign sbuf_rd_addr_o = {ww_addr[AW-1:WbW], WbW'(0)};

  assign m_axi_awvalid_o = is_store && bw_valid &&
                           (aw_hold_q || ((32'(wr_out_q) < MaxWrites) && (err_q == loom_pkg::DMA_OK)));
  assign m_axi_awid_o    = '0;
  assign m_axi_awaddr_o  = bus_addr;
  assign m_axi_awlen_o   = bus_len;
  assign m_axi_awsize_o  = 3'(DbW);
  assign m_axi_awburst_o = 2'b01;
  assign aw_fire         = m_axi_awvalid_o && m_axi_awready_i;

  assign m_axi_wvalid_o = is_store && ew_valid && (aw_ahead_q != '0) &&
                          (pk_cnt >= CntW'(ew_n));
  assign m_axi_wdata_o  = pk_out_data[8*DB-1:0];
  assign m_axi_wstrb_o  = pk_out_strb[DB-1:0];
  assign m_axi_wlast_o  = beat_burst_end;
  assign w_fire         = m_axi_wvalid_o && m_axi_wready_i;
  assign w_last_fire    = w_fire && m_axi_wlast_o;

  assign m_axi_bready_o = 1'b1;
  assign b_fire         = m_axi_bvalid_i && is_store;
  assign b_err          = b_fire && m_axi_bresp_i[1];

  // ---------------------------------------------------------------------------
  // Walker steps and buffer control
  // ---------------------------------------------------------------------------
  assign bw_next = ar_fire || aw_fire;
  assign ew_next = (is_load && r_fire) || w_fire;
  assign ww_next = sw_pop || sbuf_rd_req_o;

  assign pk_flush   = (state_q != StRun);
  assign pk_push    = is_load ? (r_fire && (err_q == loom_pkg::DMA_OK) && !m_axi_rresp_i[1])
                              : (is_store && rd_pend_q);
  assign pk_in_data = is_load ? (8*M)'(m_axi_rdata_i) : (8*M)'(sbuf_rd_data_i);
  assign pk_in_lo   = is_load ? MW'(ew_lo) : MW'(rd_lo_q);
  assign pk_in_n    = is_load ? MNW'(ew_n) : MNW'(rd_n_q);
  assign pk_pop     = sw_pop || w_fire;
  assign pk_out_lo  = is_load ? MW'(ww_lo) : MW'(ew_lo);
  assign pk_out_n   = is_load ? MNW'(ww_n) : MNW'(ew_n);

  // ---------------------------------------------------------------------------
  // Counters, errors, completion
  // ---------------------------------------------------------------------------
  always_comb begin
    rd_out_d   = rd_out_q;
    wr_out_d   = wr_out_q;
    aw_ahead_d = aw_ahead_q;
    if (ar_fire && !r_last_fire) begin
      rd_out_d = rd_out_q + 1'b1;
    end else if (!ar_fire && r_last_fire) begin
      rd_out_d = rd_out_q - 1'b1;
    end
    if (aw_fire && !b_fire) begin
      wr_out_d = wr_out_q + 1'b1;
    end else if (!aw_fire && b_fire) begin
      wr_out_d = wr_out_q - 1'b1;
    end
    if (aw_fire && !w_last_fire) begin
      aw_ahead_d = aw_ahead_q + 1'b1;
    end else if (!aw_fire && w_last_fire) begin
      aw_ahead_d = aw_ahead_q - 1'b1;
    end
  end

  // First AXI error response of the running descriptor.
  logic            axi_err;
  logic [1:0]      axi_resp;
  assign axi_err  = r_err || b_err;
  assign axi_resp = r_err ? m_axi_rresp_i : m_axi_bresp_i;
  assign err_any  = (err_q != loom_pkg::DMA_OK) || axi_err;

  always_comb begin
    unique case (state_q)
      StRun: begin
        if (is_load) begin
          done = (sw_pop && ww_last) ||
                 (err_any && (rd_out_d == '0) && !m_axi_arvalid_o);
        end else begin
          done = (b_fire && (wr_out_q == WrW'(1)) && !bw_valid) ||
                 (err_any && (wr_out_d == '0) && (aw_ahead_d == '0) && !m_axi_awvalid_o);
        end
      end
      default: done = 1'b0;
    endcase
  end

  always_comb begin
    state_d   = state_q;
    qsel_d    = qsel_q;
    rr_d      = rr_q;
    err_d     = err_q;
    halted_d  = halted_q;
    q_pop     = '0;
    desc_load = 1'b0;
    desc_d    = q_head[DescW-1:0];
    unique case (state_q)
      StIdle: begin
        if ((q_empty | halted_q) != 2'b11) begin
          // Round robin: rr_q first if it is eligible.
          if (!q_empty[rr_q] && !halted_q[rr_q]) begin
            qsel_d = rr_q;
          end else begin
            qsel_d = !rr_q;
          end
          q_pop[qsel_d] = 1'b1;
          desc_load     = 1'b1;
          desc_d        = qsel_d ? q_head[DescW +: DescW] : q_head[DescW-1:0];
          rr_d          = !qsel_d;
          err_d         = loom_pkg::DMA_OK;
          state_d       = StCheck;
        end
      end
      StCheck: begin
        err_d   = chk_err;
        state_d = (chk_err == loom_pkg::DMA_OK) ? StRun : StDone;
      end
      StRun: begin
        if ((err_q == loom_pkg::DMA_OK) && axi_err) begin
          err_d = axi_resp[0] ? loom_pkg::DMA_ERR_DECERR : loom_pkg::DMA_ERR_SLVERR;
        end
        if (done) begin
          state_d = StDone;
        end
      end
      StDone: begin
        if (err_q != loom_pkg::DMA_OK) begin
          halted_d[qsel_q] = 1'b1;
        end
        state_d = StIdle;
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StIdle;
      qsel_q     <= 1'b0;
      rr_q       <= 1'b0;
      err_q      <= loom_pkg::DMA_OK;
      halted_q   <= '0;
      rd_out_q   <= '0;
      wr_out_q   <= '0;
      aw_ahead_q <= '0;
      ar_hold_q  <= 1'b0;
      aw_hold_q  <= 1'b0;
      rd_pend_q  <= 1'b0;
    end else begin
      state_q    <= state_d;
      qsel_q     <= qsel_d;
      rr_q       <= rr_d;
      err_q      <= err_d;
      halted_q   <= halted_d;
      rd_out_q   <= rd_out_d;
      wr_out_q   <= wr_out_d;
      aw_ahead_q <= aw_ahead_d;
      ar_hold_q  <= m_axi_arvalid_o && !m_axi_arready_i;
      aw_hold_q  <= m_axi_awvalid_o && !m_axi_awready_i;
      rd_pend_q  <= sbuf_rd_req_o;
    end
  end

  always_ff @(posedge clk_i) begin
    if (desc_load) begin
      desc_q <= desc_d;
    end
    if (sbuf_rd_req_o) begin
      rd_lo_q <= ww_lo;
      rd_n_q  <= ww_n;
    end
  end

  for (genvar q = 0; q < 2; q++) begin : g_cpl
    assign cpl_valid_o[q]            = (state_q == StDone) && (qsel_q == 1'(q));
    assign cpl_err_o[q*ErrW +: ErrW] = cpl_valid_o[q] ? err_q : loom_pkg::DMA_OK;
  end
  assign halted_o = halted_q;
  // A halted queue's descriptors never run, so they do not make the engine busy:
  // !busy_o means "nothing more will happen", also after an error.
  assign busy_o   = (state_q != StIdle) || ((q_empty | halted_q) != 2'b11);

  // Deliberately unused: IDs (one descriptor at a time, ID 0), walker fields
  // not needed by every stream, unused pack lanes.
  logic unused_sigs;
  assign unused_sigs = ^{m_axi_rid_i, m_axi_bid_i, m_axi_rresp_i[0], m_axi_bresp_i[0],
                         bw_row, bw_lo, bw_row_last, bw_last, ew_row, ew_last, ww_row_last,
                         ww_addr[WbW-1:0], beat_end[BbW], axi_resp[1],
                         desc_q.dram_addr, bw_addr[DbW-1:0], ew_addr};
  if (M > WB) begin : g_unused_wb
    logic unused_pack_wb;
    assign unused_pack_wb = ^{pk_out_data[8*M-1:8*WB], pk_out_strb[M-1:WB]};
  end
  if (M > DB) begin : g_unused_db
    logic unused_pack_db;
    assign unused_pack_db = ^{pk_out_data[8*M-1:8*DB], pk_out_strb[M-1:DB]};
  end

`ifndef SYNTHESIS
  // AXI: payload stable while valid && !ready; valid held until ready.
  DmaArStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o && !m_axi_arready_i |=> m_axi_arvalid_o &&
      $stable(m_axi_araddr_o) && $stable(m_axi_arlen_o) && $stable(m_axi_arid_o));
  DmaAwStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_awvalid_o && !m_axi_awready_i |=> m_axi_awvalid_o &&
      $stable(m_axi_awaddr_o) && $stable(m_axi_awlen_o) && $stable(m_axi_awid_o));
  DmaWStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_wvalid_o && !m_axi_wready_i |=> m_axi_wvalid_o &&
      $stable(m_axi_wdata_o) && $stable(m_axi_wstrb_o) && $stable(m_axi_wlast_o));
  // Bursts: aligned, at most 256 beats, never across 4 KiB.
`ifndef LOOM_FAULT_DMA_CROSS_4K
  DmaAr4k_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o |-> (32'(m_axi_araddr_o[11:0]) + (32'(m_axi_arlen_o) + 1) * DB <= 4096));
  DmaAw4k_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_awvalid_o |-> (32'(m_axi_awaddr_o[11:0]) + (32'(m_axi_awlen_o) + 1) * DB <= 4096));
`endif
  DmaArAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o |-> (m_axi_araddr_o[DbW-1:0] == '0));
  DmaAwAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_awvalid_o |-> (m_axi_awaddr_o[DbW-1:0] == '0));
  // Outstanding bursts within limits; no W without its AW.
  DmaRdOut_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(rd_out_q) <= MaxReads);
  DmaWrOut_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(wr_out_q) <= MaxWrites);
  DmaWAfterAw_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_wvalid_o |-> (aw_ahead_q != '0));
  DmaRUnexpected_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire |-> (rd_out_q != '0));
  DmaBUnexpected_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_bvalid_i |-> (is_store && (wr_out_q != '0)));
  // RLAST where the walker expects the end of the burst.
  DmaRlast_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire |-> (m_axi_rlast_i == beat_burst_end));

  // WLAST consistent with AWLEN: beat count of the current W burst against
  // the AWLEN of its burst (lengths kept in issue order).
  logic [7:0] sva_len_q [256];
  logic [7:0] sva_aw_idx_q, sva_w_idx_q, sva_beat_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sva_aw_idx_q <= '0;
      sva_w_idx_q  <= '0;
      sva_beat_q   <= '0;
    end else begin
      if (aw_fire) begin
        sva_len_q[sva_aw_idx_q] <= m_axi_awlen_o;
        sva_aw_idx_q            <= sva_aw_idx_q + 1'b1;
      end
      if (w_fire) begin
        sva_beat_q <= m_axi_wlast_o ? 8'd0 : sva_beat_q + 1'b1;
        if (m_axi_wlast_o) begin
          sva_w_idx_q <= sva_w_idx_q + 1'b1;
        end
      end
    end
  end
  logic [7:0] sva_cur_len;
  assign sva_cur_len = sva_len_q[sva_w_idx_q];
  DmaWlast_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_fire |-> (m_axi_wlast_o == (sva_beat_q == sva_cur_len)));

  // SBUF accesses inside the memory, aligned.
  DmaSbufWrRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      sbuf_wr_valid_o |-> (32'(sbuf_wr_part_o) < P) &&
                          (32'(sbuf_wr_addr_o) + WB <= SbufBytes) && (sbuf_wr_strb_o != '0));
  DmaSbufRdRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      sbuf_rd_req_o |-> (32'(sbuf_rd_part_o) < P) && (32'(sbuf_rd_addr_o) + WB <= SbufBytes));
  // No bus or SBUF traffic outside RUN.
  DmaQuietOutsideRun_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !run |-> !m_axi_arvalid_o && !m_axi_awvalid_o && !m_axi_wvalid_o &&
               !sbuf_wr_valid_o && !sbuf_rd_req_o);
`endif

endmodule
