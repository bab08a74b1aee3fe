// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// loom_tensor_top: the tensor subsystem. SBUF + tensor engine (pe_ctrl and
// the P x P pe_array) + PSUM + ACT engine (act_engine) + DMA (dma_engine,
// AXI4 master to DRAM), with the command ports, the SBUF write port, the DMA
// descriptor and AXI ports, the debug read port and the observation port of
// docs/tensor_top.md. The cycle timing is the contract of docs/timing.md
// (tensor engine, ACT), docs/act.md (ACT) and docs/dma.md (DMA).

module loom_tensor_top #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  parameter int unsigned PsumBanks     = 4,
  parameter int unsigned PsumEntries   = 64,
  parameter int unsigned CmdDepth      = 4,
  parameter int unsigned AxiDataW      = 64,
  parameter int unsigned AxiAddrW      = 32,
  parameter int unsigned AxiIdW        = 4,
  parameter int unsigned DmaQueueDepth = 4,
  parameter int unsigned DmaMaxReads   = 8,
  parameter int unsigned DmaMaxWrites  = 8,
  parameter int unsigned ActQueueDepth = 2
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  // command port
  input  logic                                cmd_valid_i,
  output logic                                cmd_ready_o,
  input  logic [loom_pkg::CmdW-1:0]           cmd_i,
  output logic                                busy_o,
  // ACT command port (the ACT instruction word, header bits 58:0 cleared)
  input  logic                                act_cmd_valid_i,
  output logic                                act_cmd_ready_o,
  input  logic [255:0]                        act_cmd_i,
  output logic                                act_busy_o,
  output logic                                act_done_o,
  // SBUF write port (always accepted; shared with the DMA's SBUF writes,
  // never valid in the same cycle as they are)
  input  logic                                sbuf_wr_valid_i,
  input  logic [loom_pkg::PartW-1:0]          sbuf_wr_part_i,
  input  logic [loom_pkg::SbufAddrW-1:0]      sbuf_wr_addr_i,
  input  logic [8*SbufWordBytes-1:0]          sbuf_wr_data_i,
  input  logic [SbufWordBytes-1:0]            sbuf_wr_strb_i,
  // DMA descriptor queues, completions, DRAM window
  input  logic [1:0]                          dma_desc_valid_i,
  output logic [1:0]                          dma_desc_ready_o,
  input  logic [2*loom_pkg::DmaDescW-1:0]     dma_desc_i,
  output logic [1:0]                          dma_cpl_valid_o,
  output logic [2*loom_pkg::DmaErrW-1:0]      dma_cpl_err_o,
  output logic [1:0]                          dma_halted_o,
  output logic                                dma_busy_o,
  input  logic [AxiAddrW-1:0]                 dram_base_i,
  input  logic [AxiAddrW-1:0]                 dram_limit_i,
  // DMA AXI4 master: read address
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
  input  logic [1:0]                          m_axi_bresp_i,
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
  output logic [P*loom_pkg::PsumRecW-1:0]     obs_psum_o,
  output logic                                obs_dma_rd_valid_o,
  output logic [loom_pkg::PartW-1:0]          obs_dma_rd_part_o,
  output logic [loom_pkg::SbufAddrW-1:0]      obs_dma_rd_addr_o,
  output logic                                obs_act_issue_valid_o,
  output logic [loom_pkg::TagW-1:0]           obs_act_issue_tag_o,
  output logic [P-1:0]                        obs_act_wr_valid_o,
  output logic [loom_pkg::SbufAddrW-1:0]      obs_act_wr_addr_o,
  output logic [SbufWordBytes-1:0]            obs_act_wr_strb_o,
  output logic [P*8*SbufWordBytes-1:0]        obs_act_wr_data_o
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
  // SBUF write port as written: the external port or the DMA (muxed)
  logic                       wr_valid;
  logic [loom_pkg::PartW-1:0] wr_part;
  logic [AW-1:0]              wr_addr;
  logic [8*SbufWordBytes-1:0] wr_data;
  logic [SbufWordBytes-1:0]   wr_strb;
  // the DMA's SBUF write and word read ports
  logic                       dma_wr_valid;
  logic [loom_pkg::PartW-1:0] dma_wr_part;
  logic [AW-1:0]              dma_wr_addr;
  logic [8*SbufWordBytes-1:0] dma_wr_data;
  logic [SbufWordBytes-1:0]   dma_wr_strb;
  logic                       dma_rd_req;
  logic [loom_pkg::PartW-1:0] dma_rd_part;
  logic [AW-1:0]              dma_rd_addr;
  logic [8*SbufWordBytes-1:0] dma_rd_data;
  // the ACT engine's ports
  logic [P-1:0]                 act_psum_rd_en, act_sbuf_rd_en, act_wr_en, act_wr_busy;
  logic [P*PAddrW-1:0]          act_psum_rd_addr;
  logic [P*loom_pkg::AccW-1:0]  act_psum_rd_data;
  logic [P*AW-1:0]              act_sbuf_rd_addr;
  logic [P*8*SbufWordBytes-1:0] act_sbuf_rd_data, act_wr_data;
  logic [AW-1:0]                act_wr_addr;
  logic [SbufWordBytes-1:0]     act_wr_strb;

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
  // DMA: SBUF writes share the SBUF write port, store reads use the SBUF's
  // word read port (independent of the tensor engine's ports)
  // ---------------------------------------------------------------------------
  dma_engine #(
    .P             (P),
    .SbufBytes     (SbufBytes),
    .SbufWordBytes (SbufWordBytes),
    .AxiDataW      (AxiDataW),
    .AxiAddrW      (AxiAddrW),
    .AxiIdW        (AxiIdW),
    .QueueDepth    (DmaQueueDepth),
    .MaxReads      (DmaMaxReads),
    .MaxWrites     (DmaMaxWrites)
  ) u_dma (
    .clk_i,
    .rst_ni,
    .desc_valid_i    (dma_desc_valid_i),
    .desc_ready_o    (dma_desc_ready_o),
    .desc_i          (dma_desc_i),
    .cpl_valid_o     (dma_cpl_valid_o),
    .cpl_err_o       (dma_cpl_err_o),
    .halted_o        (dma_halted_o),
    .busy_o          (dma_busy_o),
    .dram_base_i,
    .dram_limit_i,
    .sbuf_wr_valid_o (dma_wr_valid),
    .sbuf_wr_part_o  (dma_wr_part),
    .sbuf_wr_addr_o  (dma_wr_addr),
    .sbuf_wr_data_o  (dma_wr_data),
    .sbuf_wr_strb_o  (dma_wr_strb),
    .sbuf_rd_req_o   (dma_rd_req),
    .sbuf_rd_part_o  (dma_rd_part),
    .sbuf_rd_addr_o  (dma_rd_addr),
    .sbuf_rd_data_i  (dma_rd_data),
    .m_axi_arvalid_o,
    .m_axi_arready_i,
    .m_axi_arid_o,
    .m_axi_araddr_o,
    .m_axi_arlen_o,
    .m_axi_arsize_o,
    .m_axi_arburst_o,
    .m_axi_rvalid_i,
    .m_axi_rready_o,
    .m_axi_rid_i,
    .m_axi_rdata_i,
    .m_axi_rresp_i,
    .m_axi_rlast_i,
    .m_axi_awvalid_o,
    .m_axi_awready_i,
    .m_axi_awid_o,
    .m_axi_awaddr_o,
    .m_axi_awlen_o,
    .m_axi_awsize_o,
    .m_axi_awburst_o,
    .m_axi_wvalid_o,
    .m_axi_wready_i,
    .m_axi_wdata_o,
    .m_axi_wstrb_o,
    .m_axi_wlast_o,
    .m_axi_bvalid_i,
    .m_axi_bready_o,
    .m_axi_bid_i,
    .m_axi_bresp_i
  );

  // SBUF write port: the DMA when its valid is high, else the external port
  // (the two are never valid together, SbufWrCollision_A).
  assign wr_valid = dma_wr_valid || sbuf_wr_valid_i;
  assign wr_part  = dma_wr_valid ? dma_wr_part : sbuf_wr_part_i;
  assign wr_addr  = dma_wr_valid ? dma_wr_addr : sbuf_wr_addr_i;
  assign wr_data  = dma_wr_valid ? dma_wr_data : sbuf_wr_data_i;
  assign wr_strb  = dma_wr_valid ? dma_wr_strb : sbuf_wr_strb_i;

  // ---------------------------------------------------------------------------
  // ACT engine: its own PSUM and SBUF read ports; its SBUF writes take each
  // partition's RAM write port when the write port above does not write that
  // partition (else the ACT stalls, docs/act.md)
  // ---------------------------------------------------------------------------
  for (genvar k = 0; k < P; k++) begin : g_act_busy
    assign act_wr_busy[k] = wr_valid && (wr_part == loom_pkg::PartW'(k));
  end

  act_engine #(
    .P             (P),
    .SbufBytes     (SbufBytes),
    .SbufWordBytes (SbufWordBytes),
    .PsumBanks     (PsumBanks),
    .PsumEntries   (PsumEntries),
    .QueueDepth    (ActQueueDepth)
  ) u_act (
    .clk_i,
    .rst_ni,
    .cmd_valid_i       (act_cmd_valid_i),
    .cmd_ready_o       (act_cmd_ready_o),
    .cmd_i             (act_cmd_i),
    .busy_o            (act_busy_o),
    .done_o            (act_done_o),
    .psum_rd_en_o      (act_psum_rd_en),
    .psum_rd_addr_o    (act_psum_rd_addr),
    .psum_rd_data_i    (act_psum_rd_data),
    .sbuf_rd_en_o      (act_sbuf_rd_en),
    .sbuf_rd_addr_o    (act_sbuf_rd_addr),
    .sbuf_rd_data_i    (act_sbuf_rd_data),
    .sbuf_wr_en_o      (act_wr_en),
    .sbuf_wr_addr_o    (act_wr_addr),
    .sbuf_wr_strb_o    (act_wr_strb),
    .sbuf_wr_data_o    (act_wr_data),
    .sbuf_wr_busy_i    (act_wr_busy),
    .obs_issue_valid_o (obs_act_issue_valid_o),
    .obs_issue_tag_o   (obs_act_issue_tag_o)
  );

  assign obs_act_wr_valid_o = act_wr_en;
  assign obs_act_wr_addr_o  = act_wr_addr;
  assign obs_act_wr_strb_o  = act_wr_strb;
  assign obs_act_wr_data_o  = act_wr_data;

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
    .wr_valid_i  (wr_valid),
    .wr_part_i   (wr_part),
    .wr_addr_i   (wr_addr),
    .wr_data_i   (wr_data),
    .wr_strb_i   (wr_strb),
    .mv_req_i    (mv_req),
    .mv_addr_i   (mv_addr),
    .mv_rvalid_o (mv_rvalid),
    .mv_rdata_o  (mv_rdata),
    .st_req_i    (st_req),
    .st_addr_i   (st_addr),
    .st_rvalid_o (st_rvalid),
    .st_rdata_o  (st_rdata),
    .wd_req_i    (dma_rd_req),
    .wd_part_i   (dma_rd_part),
    .wd_addr_i   (dma_rd_addr),
    .wd_rdata_o  (dma_rd_data),
    .ar_req_i    (act_sbuf_rd_en),
    .ar_addr_i   (act_sbuf_rd_addr),
    .ar_rdata_o  (act_sbuf_rd_data),
    .aw_en_i     (act_wr_en),
    .aw_addr_i   (act_wr_addr),
    .aw_strb_i   (act_wr_strb),
    .aw_data_i   (act_wr_data)
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
    .act_rd_en_i   (act_psum_rd_en),
    .act_rd_addr_i (act_psum_rd_addr),
    .act_rd_data_o (act_psum_rd_data),
    .obs_psum_o  (obs_psum_o)
  );

  // ---------------------------------------------------------------------------
  // Observation: SBUF writes (either source) are mirrored in the cycle they
  // happen; the DMA's SBUF word read requests likewise
  // ---------------------------------------------------------------------------
  assign obs_sbuf_wr_valid_o = wr_valid;
  assign obs_sbuf_wr_part_o  = wr_part;
  assign obs_sbuf_wr_addr_o  = wr_addr;
  assign obs_sbuf_wr_data_o  = wr_data;
  assign obs_sbuf_wr_strb_o  = wr_strb;
  assign obs_dma_rd_valid_o  = dma_rd_req;
  assign obs_dma_rd_part_o   = dma_rd_part;
  assign obs_dma_rd_addr_o   = dma_rd_addr;

`ifndef SYNTHESIS
  // The external SBUF write port and the DMA never write in the same cycle.
  SbufWrCollision_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !(sbuf_wr_valid_i && dma_wr_valid));
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
