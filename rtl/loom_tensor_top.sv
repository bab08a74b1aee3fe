// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// loom_tensor_top: the tensor subsystem. SBUF + tensor engine (pe_ctrl and
// the P x P pe_array) + PSUM, with the command port, the SBUF write port,
// the debug read port and the observation port of docs/tensor_top.md. The
// cycle timing is the contract of docs/timing.md.

module loom_tensor_top #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  parameter int unsigned PsumBanks     = 4,
  parameter int unsigned PsumEntries   = 64,
  parameter int unsigned CmdDepth      = 4
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  // command port
  input  logic                                cmd_valid_i,
  output logic                                cmd_ready_o,
  input  logic [loom_pkg::CmdW-1:0]           cmd_i,
  output logic                                busy_o,
  // SBUF write port (always accepted)
  input  logic                                sbuf_wr_valid_i,
  input  logic [loom_pkg::PartW-1:0]          sbuf_wr_part_i,
  input  logic [loom_pkg::SbufAddrW-1:0]      sbuf_wr_addr_i,
  input  logic [8*SbufWordBytes-1:0]          sbuf_wr_data_i,
  input  logic [SbufWordBytes-1:0]            sbuf_wr_strb_i,
  // debug read port (only while busy_o is low)
  input  logic                                dbg_req_i,
  input  logic                                dbg_psum_i,
  input  logic [loom_pkg::PartW-1:0]          dbg_part_i,
  input  logic [loom_pkg::SbufAddrW-1:0]      dbg_addr_i,
  output logic                                dbg_rvalid_o,
  output logic [loom_pkg::DbgDataW-1:0]       dbg_rdata_o,
  // observation port (combinational views of this cycle's events)
  output logic                                obs_issue_valid_o,
  output logic [loom_pkg::TagW-1:0]           obs_issue_tag_o,
  output logic [loom_pkg::OpW-1:0]            obs_issue_op_o,
  output logic                                obs_ldw_retire_valid_o,
  output logic [loom_pkg::TagW-1:0]           obs_ldw_retire_tag_o,
  output logic                                obs_mm_retire_valid_o,
  output logic [loom_pkg::TagW-1:0]           obs_mm_retire_tag_o,
  output logic                                obs_sbuf_wr_valid_o,
  output logic [loom_pkg::PartW-1:0]          obs_sbuf_wr_part_o,
  output logic [loom_pkg::SbufAddrW-1:0]      obs_sbuf_wr_addr_o,
  output logic [8*SbufWordBytes-1:0]          obs_sbuf_wr_data_o,
  output logic [SbufWordBytes-1:0]            obs_sbuf_wr_strb_o,
  output logic [P*loom_pkg::PsumRecW-1:0]     obs_psum_o
);

  localparam int unsigned AW     = loom_pkg::SbufAddrW;
  localparam int unsigned DW     = loom_pkg::DataW;
  localparam int unsigned ColW   = $clog2(P);
  localparam int unsigned PBankW = $clog2(PsumBanks);
  localparam int unsigned EntW   = $clog2(PsumEntries);
  localparam int unsigned PAddrW = PBankW + EntW;
  localparam int unsigned PartQW = $clog2(P);

  // ---------------------------------------------------------------------------
  // Nets
  // ---------------------------------------------------------------------------
  // SBUF read ports
  logic [P-1:0]    mv_req, mv_rvalid, st_req, st_rvalid;
  logic [P*AW-1:0] mv_addr, st_addr;
  logic [P*DW-1:0] mv_rdata, st_rdata;
  // stationary port as driven by pe_ctrl (before the debug read mux)
  logic [P-1:0]    ctl_st_req;
  logic [P*AW-1:0] ctl_st_addr;
  // array edges
  logic [P*DW-1:0]            arr_x, arr_w_data;
  logic [P-1:0]               arr_sel, arr_w_we, arr_w_bank;
  logic [P*ColW-1:0]          arr_w_col;
  logic [P*loom_pkg::AccW-1:0] arr_col;
  // PSUM control
  logic [P-1:0]        psum_rd_en, psum_wr_en, psum_wr_acc;
  logic [P*PAddrW-1:0] psum_rd_addr;
  logic [P*PBankW-1:0] psum_wr_bank;
  logic [P*EntW-1:0]   psum_wr_entry;
  logic [loom_pkg::AccW-1:0] psum_dbg_rdata;

  // ---------------------------------------------------------------------------
  // Tensor-engine controller
  // ---------------------------------------------------------------------------
  pe_ctrl #(
    .P           (P),
    .SbufBytes   (SbufBytes),
    .PsumBanks   (PsumBanks),
    .PsumEntries (PsumEntries),
    .CmdDepth    (CmdDepth)
  ) u_pe_ctrl (
    .clk_i,
    .rst_ni,
    .cmd_valid_i,
    .cmd_ready_o,
    .cmd_i,
    .busy_o,
    .mv_req_o               (mv_req),
    .mv_addr_o              (mv_addr),
    .mv_rvalid_i            (mv_rvalid),
    .mv_rdata_i             (mv_rdata),
    .st_req_o               (ctl_st_req),
    .st_addr_o              (ctl_st_addr),
    .st_rvalid_i            (st_rvalid),
    .st_rdata_i             (st_rdata),
    .x_o                    (arr_x),
    .sel_o                  (arr_sel),
    .w_we_o                 (arr_w_we),
    .w_col_o                (arr_w_col),
    .w_bank_o               (arr_w_bank),
    .w_data_o               (arr_w_data),
    .psum_rd_en_o           (psum_rd_en),
    .psum_rd_addr_o         (psum_rd_addr),
    .psum_wr_en_o           (psum_wr_en),
    .psum_wr_acc_o          (psum_wr_acc),
    .psum_wr_bank_o         (psum_wr_bank),
    .psum_wr_entry_o        (psum_wr_entry),
    .obs_issue_valid_o,
    .obs_issue_tag_o,
    .obs_issue_op_o,
    .obs_ldw_retire_valid_o,
    .obs_ldw_retire_tag_o,
    .obs_mm_retire_valid_o,
    .obs_mm_retire_tag_o
  );

  // ---------------------------------------------------------------------------
  // Debug read: shares the SBUF stationary port / the PSUM read port
  // ---------------------------------------------------------------------------
  logic              dbg_sbuf;
  logic              dbg_rvalid_q, dbg_psum_q;
  logic [PartQW-1:0] dbg_part_q;

  assign dbg_sbuf = dbg_req_i && !dbg_psum_i;

  for (genvar k = 0; k < P; k++) begin : g_dbg_mux
    logic hit;
    assign hit                 = dbg_sbuf && (dbg_part_i == loom_pkg::PartW'(k));
    assign st_req[k]           = ctl_st_req[k] || hit;
    assign st_addr[k*AW +: AW] = ctl_st_req[k] ? ctl_st_addr[k*AW +: AW] : dbg_addr_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dbg_rvalid_q <= 1'b0;
    end else begin
      dbg_rvalid_q <= dbg_req_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (dbg_req_i) begin
      dbg_psum_q <= dbg_psum_i;
      dbg_part_q <= dbg_part_i[PartQW-1:0];
    end
  end

  assign dbg_rvalid_o = dbg_rvalid_q;
  assign dbg_rdata_o  = dbg_psum_q ? psum_dbg_rdata
                                   : loom_pkg::DbgDataW'(st_rdata[dbg_part_q*DW +: DW]);

  // ---------------------------------------------------------------------------
  // SBUF
  // ---------------------------------------------------------------------------
  sbuf #(
    .P             (P),
    .SbufBytes     (SbufBytes),
    .SbufWordBytes (SbufWordBytes)
  ) u_sbuf (
    .clk_i,
    .rst_ni,
    .wr_valid_i  (sbuf_wr_valid_i),
    .wr_part_i   (sbuf_wr_part_i),
    .wr_addr_i   (sbuf_wr_addr_i),
    .wr_data_i   (sbuf_wr_data_i),
    .wr_strb_i   (sbuf_wr_strb_i),
    .mv_req_i    (mv_req),
    .mv_addr_i   (mv_addr),
    .mv_rvalid_o (mv_rvalid),
    .mv_rdata_o  (mv_rdata),
    .st_req_i    (st_req),
    .st_addr_i   (st_addr),
    .st_rvalid_o (st_rvalid),
    .st_rdata_o  (st_rdata)
  );

  // ---------------------------------------------------------------------------
  // Systolic array
  // ---------------------------------------------------------------------------
  pe_array #(
    .P (P)
  ) u_pe_array (
    .clk_i,
    .x_i      (arr_x),
    .sel_i    (arr_sel),
    .w_we_i   (arr_w_we),
    .w_col_i  (arr_w_col),
    .w_bank_i (arr_w_bank),
    .w_data_i (arr_w_data),
    .col_o    (arr_col)
  );

  // ---------------------------------------------------------------------------
  // PSUM
  // ---------------------------------------------------------------------------
  psum #(
    .P           (P),
    .PsumBanks   (PsumBanks),
    .PsumEntries (PsumEntries)
  ) u_psum (
    .clk_i,
    .rst_ni,
    .rd_en_i     (psum_rd_en),
    .rd_addr_i   (psum_rd_addr),
    .wr_en_i     (psum_wr_en),
    .wr_acc_i    (psum_wr_acc),
    .wr_bank_i   (psum_wr_bank),
    .wr_entry_i  (psum_wr_entry),
    .col_i       (arr_col),
    .dbg_req_i   (dbg_req_i && dbg_psum_i),
    .dbg_part_i  (dbg_part_i),
    .dbg_addr_i  (dbg_addr_i),
    .dbg_rdata_o (psum_dbg_rdata),
    .obs_psum_o  (obs_psum_o)
  );

  // ---------------------------------------------------------------------------
  // Observation: SBUF writes are mirrored in the cycle they happen
  // ---------------------------------------------------------------------------
  assign obs_sbuf_wr_valid_o = sbuf_wr_valid_i;
  assign obs_sbuf_wr_part_o  = sbuf_wr_part_i;
  assign obs_sbuf_wr_addr_o  = sbuf_wr_addr_i;
  assign obs_sbuf_wr_data_o  = sbuf_wr_data_i;
  assign obs_sbuf_wr_strb_o  = sbuf_wr_strb_i;

`ifndef SYNTHESIS
  // The debug port borrows the read ports of an idle engine.
  DbgIdle_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i |-> !busy_o);
  DbgPartRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i |-> (32'(dbg_part_i) < P));
  DbgSbufAddr_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i && !dbg_psum_i |-> (32'(dbg_addr_i) < SbufBytes));
  DbgRvalid_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i |=> dbg_rvalid_o);
  // Observation records are well formed: reserved bits zero.
  for (genvar m = 0; m < P; m++) begin : g_obs_asserts
    ObsPsumRsvd_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        obs_psum_o[m*loom_pkg::PsumRecW + 46 +: 18] == '0);
  end
`endif

endmodule
