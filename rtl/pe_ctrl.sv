// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// pe_ctrl: tensor-engine controller. Command queue, in-order issue that
// implements the issue rules of docs/timing.md, weight-bank bookkeeping,
// the skewed SBUF read streams for the P array rows, the PSUM token line
// and the issue / retire observation events.
//
// Streams (s = issue cycle; "stage j" = a value generated at row 0 in cycle
// t and delayed by j registers, i.e. seen in cycle t+j):
//   stationary : stage 0 in cycle s+m carries column m (m = 0..P-1) of an
//                LDW. Row k reads SBUF with stage k (cycle s+k+m, only
//                k < K, m < M) and writes the weight with stage k+1 (end of
//                cycle s+1+k+m; zero where k >= K or m >= M).
//   moving     : stage 0 in cycle s+f carries element f (f = 0..F-1) of an
//                MM. Row k reads SBUF with stage k (cycle s+f+k, only
//                k < K) and feeds the array with stage k+1 (zero for k >= K).
//   token      : stage 0 in cycle s+f carries {bank, entry off+f, acc, M,
//                last, tag}. PSUM partition m pre-reads with stage P+m
//                (s+P+f+m, accumulate only) and writes with stage P+m+1
//                (s+P+1+f+m); only m < M. The last element at stage 2P is
//                the MM retire (s+2P+F-1).
// Stage 0 of each stream is combinational from the head of the queue in
// the issue cycle and from a small generator register afterwards.

module pe_ctrl #(
  parameter int unsigned P           = 8,
  parameter int unsigned SbufBytes   = 4096,
  parameter int unsigned PsumBanks   = 4,
  parameter int unsigned PsumEntries = 64,
  parameter int unsigned CmdDepth    = 4,
  // derived, do not override
  parameter int unsigned ColW        = $clog2(P),
  parameter int unsigned PBankW      = $clog2(PsumBanks),
  parameter int unsigned EntW        = $clog2(PsumEntries),
  parameter int unsigned PAddrW      = PBankW + EntW
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  // command port
  input  logic                               cmd_valid_i,
  output logic                               cmd_ready_o,
  input  logic [loom_pkg::CmdW-1:0]          cmd_i,
  output logic                               busy_o,
  // SBUF moving read port
  output logic [P-1:0]                       mv_req_o,
  output logic [P*loom_pkg::SbufAddrW-1:0]   mv_addr_o,
  input  logic [P-1:0]                       mv_rvalid_i,
  input  logic [P*loom_pkg::DataW-1:0]       mv_rdata_i,
  // SBUF stationary read port
  output logic [P-1:0]                       st_req_o,
  output logic [P*loom_pkg::SbufAddrW-1:0]   st_addr_o,
  input  logic [P-1:0]                       st_rvalid_i,
  input  logic [P*loom_pkg::DataW-1:0]       st_rdata_i,
  // array left edge: moving operands
  output logic [P*loom_pkg::DataW-1:0]       x_o,
  output logic [P-1:0]                       sel_o,
  // array weight load, one per row
  output logic [P-1:0]                       w_we_o,
  output logic [P*ColW-1:0]                  w_col_o,
  output logic [P-1:0]                       w_bank_o,
  output logic [P*loom_pkg::DataW-1:0]       w_data_o,
  // PSUM control, one per partition
  output logic [P-1:0]                       psum_rd_en_o,
  output logic [P*PAddrW-1:0]                psum_rd_addr_o,
  output logic [P-1:0]                       psum_wr_en_o,
  output logic [P-1:0]                       psum_wr_acc_o,
  output logic [P*PBankW-1:0]                psum_wr_bank_o,
  output logic [P*EntW-1:0]                  psum_wr_entry_o,
  // observation
  output logic                               obs_issue_valid_o,
  output logic [loom_pkg::TagW-1:0]          obs_issue_tag_o,
  output logic [loom_pkg::OpW-1:0]           obs_issue_op_o,
  output logic                               obs_ldw_retire_valid_o,
  output logic [loom_pkg::TagW-1:0]          obs_ldw_retire_tag_o,
  output logic                               obs_mm_retire_valid_o,
  output logic [loom_pkg::TagW-1:0]          obs_mm_retire_tag_o
);

  localparam int unsigned AW     = loom_pkg::SbufAddrW;
  localparam int unsigned DW     = loom_pkg::DataW;
  localparam int unsigned TW     = loom_pkg::TagW;
  localparam int unsigned KW     = $clog2(P + 1);           // K, M: 0..P
  localparam int unsigned DrainW = $clog2(2 * P + PsumEntries);

  localparam logic [ColW-1:0] LastCol = ColW'(P - 1);

  // ---------------------------------------------------------------------------
  // Command queue
  // ---------------------------------------------------------------------------
  logic                          fifo_full, fifo_empty, issue;
  logic [loom_pkg::CmdW-1:0]     fifo_rdata;
  logic [$clog2(CmdDepth+1)-1:0] fifo_count;
  loom_pkg::pe_cmd_t             head;

  assign cmd_ready_o = !fifo_full;

  cmn_fifo #(
    .Width (loom_pkg::CmdW),
    .Depth (CmdDepth)
  ) u_cmd_fifo (
    .clk_i,
    .rst_ni,
    .clr_i   (1'b0),
    .push_i  (cmd_valid_i && cmd_ready_o),
    .wdata_i (cmd_i),
    .pop_i   (issue),
    .rdata_o (fifo_rdata),
    .full_o  (fifo_full),
    .empty_o (fifo_empty),
    .count_o (fifo_count)
  );

  assign head = fifo_rdata;

  logic unused_fifo_count;
  assign unused_fifo_count = ^fifo_count;

  // ---------------------------------------------------------------------------
  // Weight-bank state: the n-th LDW writes bank n mod 2; an MM uses the bank
  // of the most recent LDW (bank 0 with K = M = 0 before any LDW).
  // ---------------------------------------------------------------------------
  logic            ldw_bank_q;            // bank the next LDW writes
  logic            mm_bank_q;             // bank of the most recent LDW
  logic [2*KW-1:0] bank_k_q, bank_m_q;    // K, M per weight bank
  logic [2*TW-1:0] ldw_tag_q;             // tag of the LDW loading each bank
  logic [TW-1:0]   tag_q;                 // tag of the head (= issue count)

  // ---------------------------------------------------------------------------
  // Issue
  // ---------------------------------------------------------------------------
  logic head_is_ldw, ldw_bank_free, issue_ldw, issue_mm;

  // Generators (row-0 streams); declared here for the issue rules.
  logic             ld_act_q;                    // LDW column m_q in this cycle
  logic [ColW-1:0]  ld_m_q;
  logic [AW-1:0]    ld_addr_q;
  logic             ld_bank_q;
  logic [KW-1:0]    ld_k_q, ld_mcnt_q;

  logic             mv_act_q;                    // MM element in this cycle
  logic [EntW-1:0]  mv_rem_q;                    // elements left after it
  logic [AW-1:0]    mv_addr_q;
  logic             mv_sel_q;
  logic [KW-1:0]    mv_k_q, mv_mcnt_q;
  logic [EntW-1:0]  mv_entry_q;
  logic [PBankW-1:0] mv_pbank_q;
  logic             mv_acc_q;
  logic [TW-1:0]    mv_tag_q;

  assign head_is_ldw = (head.op == loom_pkg::PE_OP_LDW);

  // c >= s_lastMM(b) + F_lastMM(b) - 1: blocked only while the moving
  // generator streams an element of bank b that is not its last one.
  assign ldw_bank_free = !(mv_act_q && (mv_sel_q == ldw_bank_q) && (mv_rem_q != '0));

  // LDW: c >= s_prevLDW + P  <=> the stationary generator is idle.
  // MM : c >= s_prevMM + F   <=> the moving generator is idle.
  assign issue     = !fifo_empty && (head_is_ldw ? (!ld_act_q && ldw_bank_free) : !mv_act_q);
  assign issue_ldw = issue && head_is_ldw;
  assign issue_mm  = issue && !head_is_ldw;

  // ---------------------------------------------------------------------------
  // Stationary generator and stage 0
  // ---------------------------------------------------------------------------
  logic            st0_valid, st0_colen, st0_bank;
  logic [ColW-1:0] st0_m;
  logic [AW-1:0]   st0_addr;
  logic [KW-1:0]   st0_k;

  always_comb begin
    if (issue_ldw) begin
      st0_valid = 1'b1;
      st0_m     = '0;
      st0_addr  = head.sbuf_addr;
      st0_bank  = ldw_bank_q;
      st0_k     = head.rows[KW-1:0];
      st0_colen = (head.cols[KW-1:0] != '0);
    end else begin
      st0_valid = ld_act_q;
      st0_m     = ld_m_q;
      st0_addr  = ld_addr_q;
      st0_bank  = ld_bank_q;
      st0_k     = ld_k_q;
      st0_colen = ({1'b0, ld_m_q} < (ColW+1)'(ld_mcnt_q));
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_act_q <= 1'b0;
    end else if (issue_ldw) begin
      ld_act_q <= 1'b1;                  // P >= 2: columns 1..P-1 follow
    end else if (ld_act_q && (ld_m_q == LastCol)) begin
      ld_act_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (issue_ldw) begin
      ld_m_q    <= ColW'(1);
      ld_addr_q <= head.sbuf_addr + AW'(1);
      ld_bank_q <= ldw_bank_q;
      ld_k_q    <= head.rows[KW-1:0];
      ld_mcnt_q <= head.cols[KW-1:0];
    end else if (ld_act_q) begin
      ld_m_q    <= ld_m_q + 1'b1;
      ld_addr_q <= ld_addr_q + AW'(1);
    end
  end

  // ---------------------------------------------------------------------------
  // Moving generator and stage 0 (moving stream + token)
  // ---------------------------------------------------------------------------
  logic              mv0_valid, mv0_sel, mv0_acc, mv0_last;
  logic [AW-1:0]     mv0_addr;
  logic [KW-1:0]     mv0_k, mv0_mcnt;
  logic [EntW-1:0]   mv0_entry;
  logic [PBankW-1:0] mv0_pbank;
  logic [TW-1:0]     mv0_tag;
  logic [EntW-1:0]   head_f_m2;            // F - 2 (generator count after issue)

  assign head_f_m2 = EntW'(head.cols - loom_pkg::ColsW'(2));

  always_comb begin
    if (issue_mm) begin
      mv0_valid = 1'b1;
      mv0_addr  = head.sbuf_addr;
      mv0_sel   = mm_bank_q;
      mv0_k     = bank_k_q[mm_bank_q*KW +: KW];
      mv0_mcnt  = bank_m_q[mm_bank_q*KW +: KW];
      mv0_entry = head.psum_off[EntW-1:0];
      mv0_pbank = head.psum_bank[PBankW-1:0];
      mv0_acc   = head.acc;
      mv0_last  = (head.cols == loom_pkg::ColsW'(1));
      mv0_tag   = tag_q;
    end else begin
      mv0_valid = mv_act_q;
      mv0_addr  = mv_addr_q;
      mv0_sel   = mv_sel_q;
      mv0_k     = mv_k_q;
      mv0_mcnt  = mv_mcnt_q;
      mv0_entry = mv_entry_q;
      mv0_pbank = mv_pbank_q;
      mv0_acc   = mv_acc_q;
      mv0_last  = (mv_rem_q == '0);
      mv0_tag   = mv_tag_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mv_act_q <= 1'b0;
    end else if (issue_mm) begin
      mv_act_q <= (head.cols != loom_pkg::ColsW'(1));
    end else if (mv_act_q && (mv_rem_q == '0)) begin
      mv_act_q <= 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (issue_mm) begin
      mv_rem_q   <= head_f_m2;
      mv_addr_q  <= head.sbuf_addr + AW'(1);
      mv_sel_q   <= mm_bank_q;
      mv_k_q     <= bank_k_q[mm_bank_q*KW +: KW];
      mv_mcnt_q  <= bank_m_q[mm_bank_q*KW +: KW];
      mv_entry_q <= head.psum_off[EntW-1:0] + EntW'(1);
      mv_pbank_q <= head.psum_bank[PBankW-1:0];
      mv_acc_q   <= head.acc;
      mv_tag_q   <= tag_q;
    end else if (mv_act_q) begin
      mv_rem_q   <= mv_rem_q - 1'b1;
      mv_addr_q  <= mv_addr_q + AW'(1);
      mv_entry_q <= mv_entry_q + 1'b1;
    end
  end

  // ---------------------------------------------------------------------------
  // Bank bookkeeping, tags, drain counter
  // ---------------------------------------------------------------------------
  logic [DrainW-1:0] drain_q, drain_d;

  always_comb begin
    drain_d = (drain_q != '0) ? drain_q - 1'b1 : '0;
    if (issue_ldw && (drain_d < DrainW'(2 * P - 1))) begin
      drain_d = DrainW'(2 * P - 1);                       // through LDW retire
    end
    if (issue_mm && (drain_d < DrainW'(2 * P - 1) + DrainW'(head.cols))) begin
      drain_d = DrainW'(2 * P - 1) + DrainW'(head.cols);  // through MM retire
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ldw_bank_q <= 1'b0;
      mm_bank_q  <= 1'b0;
      bank_k_q   <= '0;
      bank_m_q   <= '0;
      tag_q      <= '0;
      drain_q    <= '0;
    end else begin
      drain_q <= drain_d;
      if (issue) begin
        tag_q <= tag_q + 1'b1;
      end
      if (issue_ldw) begin
        ldw_bank_q                     <= !ldw_bank_q;
        mm_bank_q                      <= ldw_bank_q;
        bank_k_q[ldw_bank_q*KW +: KW]  <= head.rows[KW-1:0];
        bank_m_q[ldw_bank_q*KW +: KW]  <= head.cols[KW-1:0];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (issue_ldw) begin
      ldw_tag_q[ldw_bank_q*TW +: TW] <= tag_q;
    end
  end

  assign busy_o = !fifo_empty || (drain_q != '0);

  // ---------------------------------------------------------------------------
  // Delay lines. x_all = {x_q (stages 1..N), x0}: stage j at x_all[j*W +: W].
  // ---------------------------------------------------------------------------
  // Stationary stream, stages 0..P.
  logic [P:0]            st_valid, st_colen, st_bank;
  logic [(P+1)*ColW-1:0] st_m;
  logic [(P+1)*AW-1:0]   st_addr;
  logic [(P+1)*KW-1:0]   st_k;
  logic [P-1:0]          st_valid_q, st_colen_q, st_bank_q;
  logic [P*ColW-1:0]     st_m_q;
  logic [P*AW-1:0]       st_addr_q;
  logic [P*KW-1:0]       st_k_q;

  assign st_valid = {st_valid_q, st0_valid};
  assign st_colen = {st_colen_q, st0_colen};
  assign st_bank  = {st_bank_q,  st0_bank};
  assign st_m     = {st_m_q,     st0_m};
  assign st_addr  = {st_addr_q,  st0_addr};
  assign st_k     = {st_k_q,     st0_k};

  // Moving stream, stages 0..P.
  logic [P:0]            mv_valid, mv_sel;
  logic [(P+1)*AW-1:0]   mv_addr;
  logic [(P+1)*KW-1:0]   mv_k;
  logic [P-1:0]          mv_valid_q, mv_sel_sq;
  logic [P*AW-1:0]       mv_addr_sq;
  logic [P*KW-1:0]       mv_k_sq;

  assign mv_valid = {mv_valid_q, mv0_valid};
  assign mv_sel   = {mv_sel_sq,  mv0_sel};
  assign mv_addr  = {mv_addr_sq, mv0_addr};
  assign mv_k     = {mv_k_sq,    mv0_k};

  // Token line, stages 0..2P.
  localparam int unsigned TokN = 2 * P;
  logic [TokN:0]              tok_valid, tok_acc, tok_last;
  logic [(TokN+1)*EntW-1:0]   tok_entry;
  logic [(TokN+1)*PBankW-1:0] tok_pbank;
  logic [(TokN+1)*KW-1:0]     tok_mcnt;
  logic [(TokN+1)*TW-1:0]     tok_tag;
  logic [TokN-1:0]            tok_valid_q, tok_acc_q, tok_last_q;
  logic [TokN*EntW-1:0]       tok_entry_q;
  logic [TokN*PBankW-1:0]     tok_pbank_q;
  logic [TokN*KW-1:0]         tok_mcnt_q;
  logic [TokN*TW-1:0]         tok_tag_q;

  assign tok_valid = {tok_valid_q, mv0_valid};
  assign tok_acc   = {tok_acc_q,   mv0_acc};
  assign tok_last  = {tok_last_q,  mv0_last};
  assign tok_entry = {tok_entry_q, mv0_entry};
  assign tok_pbank = {tok_pbank_q, mv0_pbank};
  assign tok_mcnt  = {tok_mcnt_q,  mv0_mcnt};
  assign tok_tag   = {tok_tag_q,   mv0_tag};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_valid_q  <= '0;
      mv_valid_q  <= '0;
      tok_valid_q <= '0;
    end else begin
      st_valid_q  <= st_valid[P-1:0];
      mv_valid_q  <= mv_valid[P-1:0];
      tok_valid_q <= tok_valid[TokN-1:0];
    end
  end

  always_ff @(posedge clk_i) begin
    st_colen_q  <= st_colen[P-1:0];
    st_bank_q   <= st_bank[P-1:0];
    st_m_q      <= st_m[P*ColW-1:0];
    st_addr_q   <= st_addr[P*AW-1:0];
    st_k_q      <= st_k[P*KW-1:0];
    mv_sel_sq   <= mv_sel[P-1:0];
    mv_addr_sq  <= mv_addr[P*AW-1:0];
    mv_k_sq     <= mv_k[P*KW-1:0];
    tok_acc_q   <= tok_acc[TokN-1:0];
    tok_last_q  <= tok_last[TokN-1:0];
    tok_entry_q <= tok_entry[TokN*EntW-1:0];
    tok_pbank_q <= tok_pbank[TokN*PBankW-1:0];
    tok_mcnt_q  <= tok_mcnt[TokN*KW-1:0];
    tok_tag_q   <= tok_tag[TokN*TW-1:0];
  end

  // ---------------------------------------------------------------------------
  // Per row: SBUF reads (stage k) and array inputs (stage k+1)
  // ---------------------------------------------------------------------------
  for (genvar k = 0; k < P; k++) begin : g_row
    // stationary read of row k, column m: k < K, m < M
    assign st_req_o[k]             = st_valid[k] && st_colen[k] &&
                                     (KW'(k) < st_k[k*KW +: KW]);
    assign st_addr_o[k*AW +: AW]   = st_addr[k*AW +: AW];
    // weight write of row k, column m (zero where nothing was read)
    assign w_we_o[k]               = st_valid[k+1];
    assign w_col_o[k*ColW +: ColW] = st_m[(k+1)*ColW +: ColW];
    assign w_bank_o[k]             = st_bank[k+1];
    assign w_data_o[k*DW +: DW]    = st_rvalid_i[k] ? st_rdata_i[k*DW +: DW] : '0;

    // moving read of row k: k < K
    assign mv_req_o[k]             = mv_valid[k] && (KW'(k) < mv_k[k*KW +: KW]);
    assign mv_addr_o[k*AW +: AW]   = mv_addr[k*AW +: AW];
    // array input of row k (zero for rows that were not read)
    assign x_o[k*DW +: DW]         = mv_rvalid_i[k] ? mv_rdata_i[k*DW +: DW] : '0;
    assign sel_o[k]                = mv_sel[k+1];
  end

  // ---------------------------------------------------------------------------
  // Per PSUM partition: pre-read (stage P+m) and write (stage P+m+1), m < M
  // ---------------------------------------------------------------------------
  for (genvar m = 0; m < P; m++) begin : g_part
    localparam int unsigned Rd = P + m;
    localparam int unsigned Wr = P + m + 1;

    assign psum_rd_en_o[m] = tok_valid[Rd] && tok_acc[Rd] &&
                             (KW'(m) < tok_mcnt[Rd*KW +: KW]);
    assign psum_rd_addr_o[m*PAddrW +: PAddrW] = {tok_pbank[Rd*PBankW +: PBankW],
                                                 tok_entry[Rd*EntW +: EntW]};
    assign psum_wr_en_o[m]  = tok_valid[Wr] && (KW'(m) < tok_mcnt[Wr*KW +: KW]);
    assign psum_wr_acc_o[m] = tok_acc[Wr];
    assign psum_wr_bank_o[m*PBankW +: PBankW] = tok_pbank[Wr*PBankW +: PBankW];
    assign psum_wr_entry_o[m*EntW +: EntW]    = tok_entry[Wr*EntW +: EntW];
  end

  // ---------------------------------------------------------------------------
  // Observation
  // ---------------------------------------------------------------------------
  assign obs_issue_valid_o      = issue;
  assign obs_issue_tag_o        = tag_q;
  assign obs_issue_op_o         = head.op;
  // LDW retire: the last weight write (column P-1 of row P-1), s + 2P - 1.
  assign obs_ldw_retire_valid_o = st_valid[P] && (st_m[P*ColW +: ColW] == LastCol);
  assign obs_ldw_retire_tag_o   = ldw_tag_q[st_bank[P]*TW +: TW];
  // MM retire: the last element at the write stage of partition P-1.
  assign obs_mm_retire_valid_o  = tok_valid[TokN] && tok_last[TokN];
  assign obs_mm_retire_tag_o    = tok_tag[TokN*TW +: TW];

  // Deliberately unused: stage P of the row streams is only needed for the
  // weight write / array input of row P-1 and the LDW retire; reserved and
  // out-of-range command bits are checked by assertions only.
  logic unused_bits;
  assign unused_bits = ^{st_colen[P], st_addr[P*AW +: AW], st_k[P*KW +: KW],
                         mv_valid[P], mv_addr[P*AW +: AW], mv_k[P*KW +: KW],
                         head.rsvd_hi, head.rsvd_lo, head.rows, head.psum_bank,
                         head.psum_off};

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifndef SYNTHESIS
  loom_pkg::pe_cmd_t cmd_in;
  assign cmd_in = cmd_i;

  // valid/ready: valid holds and the payload is stable until accepted.
  CmdValidHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> cmd_valid_i);
  CmdStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && !cmd_ready_o |=> $stable(cmd_i));

  // Command fields (docs/tensor_top.md).
  CmdOp_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i |-> (cmd_in.op == loom_pkg::PE_OP_LDW || cmd_in.op == loom_pkg::PE_OP_MM));
  CmdRsvd_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i |-> (cmd_in.rsvd_hi == '0 && cmd_in.rsvd_lo == '0));
  CmdLdwK_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_LDW |->
      (cmd_in.rows >= 1 && 32'(cmd_in.rows) <= P));
  CmdLdwM_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_LDW |->
      (cmd_in.cols >= 1 && 32'(cmd_in.cols) <= P));
  CmdLdwZero_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_LDW |->
      (!cmd_in.acc && cmd_in.psum_bank == '0 && cmd_in.psum_off == '0));
  CmdMmRows_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_MM |-> (cmd_in.rows == '0));
  CmdMmF_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_MM |->
      (cmd_in.cols >= 1 && 32'(cmd_in.cols) <= PsumEntries));
  CmdMmBank_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_MM |-> (32'(cmd_in.psum_bank) < PsumBanks));
  CmdMmOff_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_in.op == loom_pkg::PE_OP_MM |->
      (32'(cmd_in.psum_off) + 32'(cmd_in.cols) <= PsumEntries));
  CmdSbufRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i |-> (32'(cmd_in.sbuf_addr) + 32'(cmd_in.cols) <= SbufBytes));

  // Issue rules hold by construction; check the generators never overlap.
  IssueLdwIdle_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue_ldw |-> !ld_act_q && ldw_bank_free);
  IssueMmIdle_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue_mm |-> !mv_act_q);
  // Every issued operation is in flight until its retire: busy stays high.
  BusyAfterIssue_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      issue |=> busy_o);
  // Retire events need an operation in flight.
  RetireBusy_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      obs_ldw_retire_valid_o || obs_mm_retire_valid_o |-> busy_o);
  // Weight-bank hazard check (simulation only): every LDW into bank b
  // starts a new epoch of b; an MM's elements carry the epoch of their bank
  // and row k flips its copy of b's epoch when it writes column 0 of b. An
  // element entering row k must see its own epoch there: otherwise it would
  // meet the new weights at some column (issued too early) or the old ones
  // (an LDW overtook it). This is the bank-free issue rule, checked per row.
  logic [1:0]   sva_bank_epoch_q;
  logic         sva_mv_epoch_q, sva_mv0_epoch;
  logic [P:0]   sva_mv_epoch;
  logic [P-1:0] sva_mv_epoch_sq;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sva_bank_epoch_q <= '0;
      sva_mv_epoch_q   <= 1'b0;
      sva_mv_epoch_sq  <= '0;
    end else begin
      if (issue_ldw) begin
        sva_bank_epoch_q[ldw_bank_q] <= !sva_bank_epoch_q[ldw_bank_q];
      end
      if (issue_mm) begin
        sva_mv_epoch_q <= sva_bank_epoch_q[mm_bank_q];
      end
      sva_mv_epoch_sq <= sva_mv_epoch[P-1:0];
    end
  end
  assign sva_mv0_epoch = issue_mm ? sva_bank_epoch_q[mm_bank_q] : sva_mv_epoch_q;
  assign sva_mv_epoch  = {sva_mv_epoch_sq, sva_mv0_epoch};
  for (genvar k = 0; k < P; k++) begin : g_epoch
    logic [1:0] row_epoch_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        row_epoch_q <= '0;
      end else if (w_we_o[k] && (w_col_o[k*ColW +: ColW] == '0)) begin
        row_epoch_q[w_bank_o[k]] <= !row_epoch_q[w_bank_o[k]];
      end
    end
    WeightEpoch_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        mv_rvalid_i[k] |-> (sva_mv_epoch[k+1] == row_epoch_q[sel_o[k]]));
  end
  // PSUM writes move one partition per cycle (structural skew).
  for (genvar m = 1; m < P; m++) begin : g_skew_asserts
    PsumWrSkew_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        psum_wr_en_o[m] |-> $past(psum_wr_en_o[m-1]));
  end
`endif

endmodule
