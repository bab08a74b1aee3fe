// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// sequencer: turns a program in DRAM into engine commands (docs/isa.md is
// the program's contract, docs/sequencer.md this block's: ports, timing,
// errors). seq_fetch prefetches instructions over a read-only AXI4 master
// into an instruction buffer; the decode stage checks the buffer head
// (seq_decode) and dispatches it, in order, into one queue per engine (PE,
// ACT, DMA0, DMA1), or handles it itself (NOP, SYNC seq, END); a queue head
// leaves into its engine when its semaphore wait holds and the engine
// accepts; completions signal semaphores (seq_sem). A watchdog times out
// unsatisfied waits. The first error (lowest instruction index in its cycle)
// stops dispatch, drops queued instructions (a command already offered to
// its engine is still handed over: valid/ready), waits for the engines to go
// idle and is then reported.
// Free of loom_pkg: every width is the ISA's or the ports' own.

module sequencer #(
  parameter int unsigned P                = 8,
  parameter int unsigned SbufBytes        = 4096,
  parameter int unsigned PsumBanks        = 4,
  parameter int unsigned PsumEntries      = 64,
  parameter int unsigned Semaphores       = 16,  // 1..32
  parameter int unsigned AxiDataW         = 64,  // 32..512, power of two
  parameter int unsigned AxiAddrW         = 32,  // 32..64
  parameter int unsigned AxiIdW           = 4,
  parameter int unsigned FetchBufDepth    = 16,  // instruction buffer (instructions)
  parameter int unsigned FetchBurstInstrs = 4,   // instructions per fetch burst
  parameter int unsigned FetchMaxBursts   = 8,   // fetch bursts outstanding
  parameter int unsigned PeQueueDepth     = 4,
  parameter int unsigned ActQueueDepth    = 4,
  parameter int unsigned DmaQueueDepth    = 4,   // per DMA queue
  parameter int unsigned InflightDepth    = 8    // issued, not completed, per completion stream
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // Control (from csr_axil)
  input  logic                  start_i,
  input  logic [63:0]           prog_base_i,
  input  logic [31:0]           prog_len_i,
  input  logic [31:0]           watchdog_i,
  input  logic [63:0]           dram_base_i,
  input  logic [63:0]           dram_limit_i,
  output logic                  busy_o,
  output logic                  done_o,
  output logic                  done_pulse_o,
  output logic                  error_o,
  output logic                  error_pulse_o,
  output logic [7:0]            error_code_o,
  output logic [31:0]           error_index_o,

  // Instruction fetch: read-only AXI4 master
  output logic                  m_axi_if_arvalid_o,
  input  logic                  m_axi_if_arready_i,
  output logic [AxiIdW-1:0]     m_axi_if_arid_o,
  output logic [AxiAddrW-1:0]   m_axi_if_araddr_o,
  output logic [7:0]            m_axi_if_arlen_o,
  output logic [2:0]            m_axi_if_arsize_o,
  output logic [1:0]            m_axi_if_arburst_o,
  input  logic                  m_axi_if_rvalid_i,
  output logic                  m_axi_if_rready_o,
  input  logic [AxiIdW-1:0]     m_axi_if_rid_i,
  input  logic [AxiDataW-1:0]   m_axi_if_rdata_i,
  input  logic [1:0]            m_axi_if_rresp_i,
  input  logic                  m_axi_if_rlast_i,

  // PE (tensor engine)
  output logic                  pe_cmd_valid_o,
  input  logic                  pe_cmd_ready_i,
  output logic [63:0]           pe_cmd_o,
  input  logic                  pe_ldw_retire_i,
  input  logic [15:0]           pe_ldw_retire_tag_i,
  input  logic                  pe_mm_retire_i,
  input  logic [15:0]           pe_mm_retire_tag_i,
  input  logic                  pe_busy_i,

  // ACT engine
  output logic                  act_cmd_valid_o,
  input  logic                  act_cmd_ready_i,
  output logic [255:0]          act_cmd_o,
  input  logic                  act_done_i,
  input  logic                  act_busy_i,

  // DMA engine (two descriptor queues)
  output logic [1:0]            dma_desc_valid_o,
  input  logic [1:0]            dma_desc_ready_i,
  output logic [511:0]          dma_desc_o,
  input  logic [1:0]            dma_cpl_valid_i,
  input  logic [7:0]            dma_cpl_err_i,
  input  logic                  dma_busy_i,
  input  logic [1:0]            dma_halted_i,

  // Observation (combinational views of this cycle's events)
  output logic                  obs_dispatch_valid_o,
  output logic [31:0]           obs_dispatch_index_o,
  output logic [2:0]            obs_dispatch_queue_o,
  output logic [3:0]            obs_issue_valid_o,
  output logic [127:0]          obs_issue_index_o,
  output logic [Semaphores-1:0] obs_sem_valid_o,
  output logic [Semaphores*16-1:0] obs_sem_value_o
);

  localparam int unsigned NQ   = 4;   // engine queues: 0 PE, 1 ACT, 2 DMA0, 3 DMA1
  localparam int unsigned NI   = 5;   // completion streams: 0 LDW, 1 MM, 2 ACT, 3 DMA0, 4 DMA1
  localparam int unsigned NSig = 10;  // signal sources (see below)
  localparam int unsigned NWd  = 5;   // watchdog units: 4 queue heads, the decode stage
  localparam int unsigned QW   = 32 + 256;  // queue entry: {index, word}
  localparam int unsigned IW   = 16 + 32 + 5 + 8;  // in-flight entry: {tag, index, sig_sem, sig_inc}

  localparam logic [7:0] CodeSemTimeout  = 8'd9;
  localparam logic [7:0] CodeSemOverflow = 8'd10;

  typedef enum logic [2:0] {
    StIdle  = 3'd0,
    StRun   = 3'd1,
    StDrain = 3'd2,  // error detected: engines finish their commands
    StDone  = 3'd3,
    StError = 3'd4
  } state_e;

  state_e state_q;
  logic   running, can_start;
  assign running   = (state_q == StRun);
  assign can_start = start_i && (state_q != StRun) && (state_q != StDrain);

  logic [31:0] watchdog_q;

  // ---------------------------------------------------------------------------
  // Semaphores
  // ---------------------------------------------------------------------------
  logic [NSig-1:0]          sig_valid;
  logic [NSig*5-1:0]        sig_sem;
  logic [NSig*8-1:0]        sig_inc;
  logic [NSig*32-1:0]       sig_index;
  logic [Semaphores*16-1:0] sem, sem_next;
  logic [Semaphores-1:0]    sem_chg;
  logic                     ovf;
  logic [31:0]              ovf_index;

  seq_sem #(.Semaphores(Semaphores), .N(NSig)) u_sem (
    .clk_i,
    .rst_ni,
    .clear_i          (can_start),
    .sig_valid_i      (sig_valid),
    .sig_sem_i        (sig_sem),
    .sig_inc_i        (sig_inc),
    .sig_index_i      (sig_index),
    .sem_o            (sem),
    .chg_o            (sem_chg),
    .next_o           (sem_next),
    .overflow_o       (ovf),
    .overflow_index_o (ovf_index)
  );

  // wait_ok of an instruction header (bits 28:8): no wait, or sem >= value.
  function automatic logic wait_ok(input logic [28:8] w, input logic [Semaphores*16-1:0] s);
    logic [4:0]  id;
    logic [15:0] val;
    logic [31:0] cur;
    id  = w[12:8];
    val = w[28:13];
    cur = (32'(id) < Semaphores) ? 32'(s[32'(id)*16 +: 16]) : 32'd0;
    wait_ok = (val == '0) || (cur >= 32'(val));
  endfunction

  // ---------------------------------------------------------------------------
  // Fetch
  // ---------------------------------------------------------------------------
  logic         f_head_valid, f_term_valid, f_pop, f_stop;
  logic [255:0] f_word;
  logic [3:0]   f_fault, f_term_code;

  seq_fetch #(
    .AxiDataW    (AxiDataW),
    .AxiAddrW    (AxiAddrW),
    .AxiIdW      (AxiIdW),
    .BufDepth    (FetchBufDepth),
    .BurstInstrs (FetchBurstInstrs),
    .MaxBursts   (FetchMaxBursts)
  ) u_fetch (
    .clk_i,
    .rst_ni,
    .start_i         (can_start),
    .prog_base_i,
    .prog_len_i,
    .dram_base_i,
    .dram_limit_i,
    .stop_i          (f_stop),
    .head_valid_o    (f_head_valid),
    .head_word_o     (f_word),
    .head_fault_o    (f_fault),
    .pop_i           (f_pop),
    .term_valid_o    (f_term_valid),
    .term_code_o     (f_term_code),
    .m_axi_arvalid_o (m_axi_if_arvalid_o),
    .m_axi_arready_i (m_axi_if_arready_i),
    .m_axi_arid_o    (m_axi_if_arid_o),
    .m_axi_araddr_o  (m_axi_if_araddr_o),
    .m_axi_arlen_o   (m_axi_if_arlen_o),
    .m_axi_arsize_o  (m_axi_if_arsize_o),
    .m_axi_arburst_o (m_axi_if_arburst_o),
    .m_axi_rvalid_i  (m_axi_if_rvalid_i),
    .m_axi_rready_o  (m_axi_if_rready_o),
    .m_axi_rid_i     (m_axi_if_rid_i),
    .m_axi_rdata_i   (m_axi_if_rdata_i),
    .m_axi_rresp_i   (m_axi_if_rresp_i),
    .m_axi_rlast_i   (m_axi_if_rlast_i)
  );

  // ---------------------------------------------------------------------------
  // Decode stage: the instruction buffer head, index dec_idx_q
  // ---------------------------------------------------------------------------
  logic [31:0] dec_idx_q;
  logic [3:0]  d_code;
  logic [2:0]  d_queue;
  logic        d_nop, d_end, d_sync;

  seq_decode #(
    .P           (P),
    .SbufBytes   (SbufBytes),
    .PsumBanks   (PsumBanks),
    .PsumEntries (PsumEntries),
    .Semaphores  (Semaphores)
  ) u_decode (
    .instr_i   (f_word),
    .code_o    (d_code),
    .queue_o   (d_queue),
    .is_nop_o  (d_nop),
    .is_end_o  (d_end),
    .is_sync_o (d_sync)
  );

  logic            d_ok, d_wait_ok, d_seqsync, d_end_ok, d_err, all_idle;
  logic [7:0]      d_err_code;
  logic [NQ-1:0]   q_full, q_empty, q_push, q_pop;
  logic [NI-1:0]   i_full, i_empty;
  logic [NQ*QW-1:0] q_rdata;

  assign d_ok      = running && f_head_valid && (f_fault == '0) && (d_code == '0);
  assign d_wait_ok = wait_ok(f_word[28:8], sem);
  assign d_seqsync = d_sync && (d_queue == 3'd0);
  assign d_err     = running && ((f_head_valid && (f_fault != '0 || d_code != '0))
                                 || (!f_head_valid && f_term_valid));
  assign d_err_code = !f_head_valid ? 8'(f_term_code)
                    : (f_fault != '0) ? 8'(f_fault) : 8'(d_code);

  assign all_idle = (&q_empty) && (&i_empty) && !pe_busy_i && !act_busy_i && !dma_busy_i;
  assign d_end_ok = d_ok && d_end && d_wait_ok && all_idle;

  logic [1:0] d_qi;  // engine queue of the instruction (d_queue - 1)
  assign d_qi = d_queue[1:0] - 2'd1;
  always_comb begin
    q_push = '0;
    f_pop  = 1'b0;
    if (d_ok) begin
      if (d_nop) f_pop = 1'b1;
      if (d_seqsync && d_wait_ok) f_pop = 1'b1;
      if (d_queue != 3'd0 && !q_full[d_qi]) begin
        q_push[d_qi] = 1'b1;
        f_pop = 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------------------
  // Engine queues and their heads
  // ---------------------------------------------------------------------------
  logic [NQ-1:0]        h_valid, h_sync, h_wait_ok, h_infl_ok, h_infl_empty;
  // valid/ready: a command offered to an engine stays offered until it is
  // accepted, also when the run stops on an error meanwhile. offer_q marks a
  // head offered and not accepted in the last cycle; while draining, that
  // queue keeps its head (it is cleared once the head leaves) and offers it
  // until the engine takes it, so the engine executes it as part of the drain.
  logic [NQ-1:0]        offer_q;
  // ... except by a halted DMA queue, which accepts nothing until the next
  // start (dma.md): its offer lapses, the descriptor goes with the queue.
  // The mask is applied to offer_q's next value, not to offer_q itself, so
  // the command outputs stay free of a same-cycle path from dma_halted_i
  // (the whole-core model needs the sequencer's outputs to depend on no
  // engine input of the same cycle). The offer ends the cycle after.
  logic [NQ-1:0]        h_issue, h_ready, h_sync_done;
  logic [NQ*32-1:0]     h_idx;
  logic [NQ*256-1:0]    h_word;

  for (genvar e = 0; e < NQ; e++) begin : g_q
    localparam int unsigned Depth = (e == 0) ? PeQueueDepth
                                  : (e == 1) ? ActQueueDepth : DmaQueueDepth;
    logic [$clog2(Depth + 1)-1:0] count;
    cmn_fifo #(.Width(QW), .Depth(Depth)) u_q (
      .clk_i,
      .rst_ni,
      .clr_i   (can_start || (state_q != StRun && !(h_issue[e] && !h_ready[e]))),
      .push_i  (q_push[e]),
      .wdata_i ({dec_idx_q, f_word}),
      .pop_i   (q_pop[e]),
      .rdata_o (q_rdata[e*QW +: QW]),
      .full_o  (q_full[e]),
      .empty_o (q_empty[e]),
      .count_o (count)
    );
    logic unused_count;
    assign unused_count = ^count;

    assign h_word[e*256 +: 256] = q_rdata[e*QW +: 256];
    assign h_idx[e*32 +: 32]    = q_rdata[e*QW + 256 +: 32];
    assign h_valid[e]   = running && !q_empty[e];
    assign h_sync[e]    = (q_rdata[e*QW +: 8] == 8'h03);
    assign h_wait_ok[e] = wait_ok(q_rdata[e*QW + 8 +: 21], sem);
    // After an error stop, only a command still offered from before is issued.
    assign h_issue[e]   = running ? h_valid[e] && !h_sync[e] && h_wait_ok[e] && h_infl_ok[e]
                                  : offer_q[e];
    assign h_sync_done[e] = h_valid[e] && h_sync[e] && h_wait_ok[e] && h_infl_empty[e];
    assign q_pop[e]     = (h_issue[e] && h_ready[e]) || h_sync_done[e];
  end

  // PE: LDW or MM by opcode bit 0 (0x20 / 0x21).
  logic h_pe_mm;
  assign h_pe_mm = h_word[0];
  assign h_infl_ok    = {!i_full[4], !i_full[3], !i_full[2], h_pe_mm ? !i_full[1] : !i_full[0]};
  assign h_infl_empty = {i_empty[4], i_empty[3], i_empty[2], i_empty[0] && i_empty[1]};
  assign h_ready      = {dma_desc_ready_i[1], dma_desc_ready_i[0], act_cmd_ready_i, pe_cmd_ready_i};

  assign pe_cmd_valid_o   = h_issue[0];
  assign pe_cmd_o         = h_word[0*256 + 64 +: 64];
  assign act_cmd_valid_o  = h_issue[1];
  assign act_cmd_o        = {h_word[1*256 + 59 +: 197], 59'd0};
  assign dma_desc_valid_o = h_issue[3:2];
  assign dma_desc_o       = {h_word[3*256 + 59 +: 197], 59'd0, h_word[2*256 + 59 +: 197], 59'd0};

  // ---------------------------------------------------------------------------
  // In-flight commands, per completion stream, in completion order
  // ---------------------------------------------------------------------------
  logic [15:0]      pe_tag_q;  // tag of the next PE command (accept count since reset)
  logic [NI-1:0]    i_push, i_pop;
  logic [NI*IW-1:0] i_wdata, i_rdata;

  assign i_push = {h_issue[3] && h_ready[3], h_issue[2] && h_ready[2], h_issue[1] && h_ready[1],
                   h_issue[0] && h_ready[0] && h_pe_mm, h_issue[0] && h_ready[0] && !h_pe_mm};
  assign i_pop  = {dma_cpl_valid_i[1], dma_cpl_valid_i[0], act_done_i, pe_mm_retire_i,
                   pe_ldw_retire_i};
  for (genvar s = 0; s < NI; s++) begin : g_infl
    localparam int unsigned Q = (s == 0) ? 0 : s - 1;  // the queue feeding stream s
    logic [$clog2(InflightDepth + 1)-1:0] count;
    assign i_wdata[s*IW +: IW] = {pe_tag_q, h_idx[Q*32 +: 32], h_word[Q*256 + 29 +: 13]};
    cmn_fifo #(.Width(IW), .Depth(InflightDepth)) u_i (
      .clk_i,
      .rst_ni,
      .clr_i   (can_start),
      .push_i  (i_push[s]),
      .wdata_i (i_wdata[s*IW +: IW]),
      .pop_i   (i_pop[s]),
      .rdata_o (i_rdata[s*IW +: IW]),
      .full_o  (i_full[s]),
      .empty_o (i_empty[s]),
      .count_o (count)
    );
    logic unused_count;
    assign unused_count = ^count;
  end

  // In-flight entry fields.
  function automatic logic [15:0] i_tag(input int unsigned s, input logic [NI*IW-1:0] r);
    i_tag = r[s*IW + 45 +: 16];
  endfunction
  function automatic logic [31:0] i_index(input int unsigned s, input logic [NI*IW-1:0] r);
    i_index = r[s*IW + 13 +: 32];
  endfunction

  // ---------------------------------------------------------------------------
  // Signals: 0 LDW retire, 1 MM retire, 2 ACT done, 3 / 4 DMA0 / DMA1
  // completion (code 0), 5..8 SYNC completing at the PE / ACT / DMA0 / DMA1
  // head, 9 SYNC seq at the decode stage. Only while running.
  // ---------------------------------------------------------------------------
  logic [1:0] dma_ok;
  assign dma_ok = {dma_cpl_valid_i[1] && dma_cpl_err_i[7:4] == '0,
                   dma_cpl_valid_i[0] && dma_cpl_err_i[3:0] == '0};
  logic [NSig-1:0]    sv;  // source events
  logic [NSig*13-1:0] sf;  // their {sig_inc, sig_sem} (instruction bits 41:29)
  logic [NSig*32-1:0] sx;  // their instruction indices
  assign sv = {d_ok && d_seqsync && d_wait_ok, h_sync_done, dma_ok, act_done_i, pe_mm_retire_i,
               pe_ldw_retire_i};
  always_comb begin
    for (int s = 0; s < 5; s++) begin
      sf[s*13 +: 13] = i_rdata[s*IW +: 13];
      sx[s*32 +: 32] = i_index(s, i_rdata);
    end
    for (int e = 0; e < 4; e++) begin
      sf[(5 + e)*13 +: 13] = h_word[e*256 + 29 +: 13];
      sx[(5 + e)*32 +: 32] = h_idx[e*32 +: 32];
    end
    sf[9*13 +: 13] = f_word[41:29];
    sx[9*32 +: 32] = dec_idx_q;
    for (int i = 0; i < NSig; i++) begin
      sig_valid[i]          = running && sv[i] && (sf[i*13 + 5 +: 8] != '0);
      sig_sem[i*5 +: 5]     = sf[i*13 +: 5];
      sig_inc[i*8 +: 8]     = sf[i*13 + 5 +: 8];
      sig_index[i*32 +: 32] = sx[i*32 +: 32];
    end
  end

  // ---------------------------------------------------------------------------
  // Watchdog: consecutive cycles of an unsatisfied wait, per queue head and
  // for a SYNC seq / END at the decode stage.
  // ---------------------------------------------------------------------------
  logic [NWd-1:0]    unsat, wd_fire;
  logic [NWd*32-1:0] wd_q;
  logic [NWd*32-1:0] unsat_idx;
  assign unsat = {d_ok && (d_end || d_seqsync) && !d_wait_ok, h_valid & ~h_wait_ok};
  assign unsat_idx = {dec_idx_q, h_idx};
  for (genvar k = 0; k < NWd; k++) begin : g_wd
    assign wd_fire[k] = unsat[k] && (watchdog_q != '0) && (wd_q[k*32 +: 32] >= watchdog_q - 1);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wd_q[k*32 +: 32] <= '0;
      end else if (!unsat[k] || can_start) begin
        wd_q[k*32 +: 32] <= '0;
      end else if (wd_q[k*32 +: 32] != '1) begin
        wd_q[k*32 +: 32] <= wd_q[k*32 +: 32] + 32'd1;
      end
    end
  end

  // ---------------------------------------------------------------------------
  // Errors of this cycle: the lowest index wins.
  // ---------------------------------------------------------------------------
  logic        err_any;
  logic [7:0]  err_code;
  logic [31:0] err_idx;
  logic [31:0] wd_idx;  // the lowest index with an unsatisfied wait
  always_comb begin
    wd_idx = '1;
    for (int k = 0; k < NWd; k++) begin
      if (unsat[k] && unsat_idx[k*32 +: 32] < wd_idx) wd_idx = unsat_idx[k*32 +: 32];
    end
  end
  always_comb begin
    err_any  = 1'b0;
    err_code = '0;
    err_idx  = '0;
    // DMA completion errors, mapped to isa.md codes.
    for (int q = 0; q < 2; q++) begin
      logic [3:0] c;
      logic [7:0] m;
      c = dma_cpl_err_i[q*4 +: 4];
      unique case (c)
        4'd1:    m = 8'd3;  // DMA_ERR_ILLEGAL -> ILLEGAL_FIELD
        4'd2:    m = 8'd6;  // DMA_ERR_WINDOW  -> DRAM_WINDOW
        4'd3:    m = 8'd4;  // DMA_ERR_SBUF    -> SBUF_RANGE
        4'd4:    m = 8'd7;  // DMA_ERR_SLVERR  -> AXI_SLVERR
        4'd5:    m = 8'd8;  // DMA_ERR_DECERR  -> AXI_DECERR
        default: m = 8'd3;  // (not produced by dma_engine)
      endcase
      if (running && dma_cpl_valid_i[q] && c != '0
          && (!err_any || i_index(3 + q, i_rdata) < err_idx)) begin
        err_any  = 1'b1;
        err_code = m;
        err_idx  = i_index(3 + q, i_rdata);
      end
    end
    if (running && ovf && (!err_any || ovf_index < err_idx)) begin
      err_any  = 1'b1;
      err_code = CodeSemOverflow;
      err_idx  = ovf_index;
    end
    if (running && (|wd_fire) && (!err_any || wd_idx < err_idx)) begin
      err_any  = 1'b1;
      err_code = CodeSemTimeout;
      err_idx  = wd_idx;
    end
    if (d_err && (!err_any || dec_idx_q < err_idx)) begin
      err_any  = 1'b1;
      err_code = d_err_code;
      err_idx  = dec_idx_q;
    end
  end

  // The fetch stops at an END at the decode stage, an error, or outside a run.
  assign f_stop = !running || (d_ok && d_end) || err_any;

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  logic [7:0]  err_code_q;
  logic [31:0] err_idx_q;
  logic        done_pulse_q, error_pulse_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      watchdog_q    <= '0;
      dec_idx_q     <= '0;
      err_code_q    <= '0;
      err_idx_q     <= '0;
      done_pulse_q  <= 1'b0;
      error_pulse_q <= 1'b0;
      pe_tag_q      <= '0;
      offer_q       <= '0;
    end else begin
      done_pulse_q  <= 1'b0;
      error_pulse_q <= 1'b0;
      offer_q       <= h_issue & ~h_ready & {~dma_halted_i, 2'b11};
      if (pe_cmd_valid_o && pe_cmd_ready_i) pe_tag_q <= pe_tag_q + 16'd1;
      if (can_start) begin
        state_q    <= StRun;
        watchdog_q <= watchdog_i;
        dec_idx_q  <= '0;
        err_code_q <= '0;
        err_idx_q  <= '0;
      end else begin
        if (f_pop) dec_idx_q <= dec_idx_q + 32'd1;
        unique case (state_q)
          StRun: begin
            if (err_any) begin
              state_q    <= StDrain;
              err_code_q <= err_code;
              err_idx_q  <= err_idx;
            end else if (d_end_ok) begin
              state_q      <= StDone;
              done_pulse_q <= 1'b1;
            end
          end
          StDrain: begin
            if (!pe_busy_i && !act_busy_i && !dma_busy_i && offer_q == '0) begin
              state_q       <= StError;
              error_pulse_q <= 1'b1;
            end
          end
          default: ;
        endcase
      end
    end
  end

  assign busy_o        = (state_q == StRun) || (state_q == StDrain);
  assign done_o        = (state_q == StDone);
  assign error_o       = (state_q == StError);
  assign done_pulse_o  = done_pulse_q;
  assign error_pulse_o = error_pulse_q;
  assign error_code_o  = err_code_q;
  assign error_index_o = err_idx_q;

  // ---------------------------------------------------------------------------
  // Observation
  // ---------------------------------------------------------------------------
  assign obs_dispatch_valid_o = f_pop;
  assign obs_dispatch_index_o = dec_idx_q;
  assign obs_dispatch_queue_o = d_queue;
  assign obs_issue_valid_o    = q_pop;
  assign obs_issue_index_o    = h_idx;
  assign obs_sem_valid_o      = running ? sem_chg : '0;
  assign obs_sem_value_o      = sem_next;

  logic unused_seq;
  assign unused_seq = ^i_rdata;

`ifndef SYNTHESIS
  // Retire tags: LDWs retire in LDW order, MMs in MM order, each with the
  // tag the PE command was accepted with.
  SeqLdwRetireTag_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pe_ldw_retire_i |-> (!i_empty[0] && pe_ldw_retire_tag_i == i_tag(0, i_rdata)));
  SeqMmRetireTag_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pe_mm_retire_i |-> (!i_empty[1] && pe_mm_retire_tag_i == i_tag(1, i_rdata)));
  // Every completion belongs to an issued command.
  SeqActDoneExpected_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      act_done_i |-> !i_empty[2]);
  SeqDmaCplExpected_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (!dma_cpl_valid_i[0] || !i_empty[3]) && (!dma_cpl_valid_i[1] || !i_empty[4]));
  // A DMA queue halts only in the cycle after its error completion (dma.md);
  // the error completion is what stops the run.
  for (genvar q = 0; q < 2; q++) begin : g_halt
    SeqDmaHalted_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        $rose(dma_halted_i[q]) |-> $past(dma_cpl_valid_i[q] && dma_cpl_err_i[q*4 +: 4] != '0));
  end
  // Only legal instructions reach a queue; commands leave only while running,
  // or while draining if they were offered before the stop.
  SeqDrainOffer_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !running |-> (h_issue & ~offer_q) == '0);
  SeqPushLegal_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (q_push != '0) |-> (running && d_code == '0 && f_fault == '0));
  SeqIssueRunning_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (pe_cmd_valid_o || act_cmd_valid_o || dma_desc_valid_o != '0) |-> busy_o);
  // An issued command's wait holds.
  for (genvar e = 0; e < NQ; e++) begin : g_chk
    SeqIssueWaitOk_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        q_pop[e] |-> h_wait_ok[e]);
  end
  // done and error exclude each other; busy excludes both.
  SeqStatusOneHot_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      $onehot0({busy_o, done_o, error_o}));
  // Error codes are those of isa.md.
  SeqErrorCode_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      error_o |-> (error_code_o >= 8'd1 && error_code_o <= 8'd11));
`endif

endmodule
