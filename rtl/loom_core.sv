// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// loom_core: the whole Loom core (docs/core.md). The host CSR block on
// AXI4-Lite (csr_axil), the sequencer that fetches the program over its own
// read-only AXI4 port and feeds the engine queues (sequencer), and the
// tensor subsystem (loom_tensor_top: SBUF, tensor engine, PSUM, ACT engine,
// DMA with its AXI4 master). This module is glue only: wiring, the soft
// reset, the DRAM window clamp and the performance counters.

module loom_core #(
  parameter int unsigned P             = 8,
  parameter int unsigned SbufBytes     = 4096,
  parameter int unsigned SbufWordBytes = 8,
  parameter int unsigned PsumBanks     = 4,
  parameter int unsigned PsumEntries   = 64,
  parameter int unsigned CmdDepth      = 4,
  parameter int unsigned AxiDataW      = 64,
  parameter int unsigned AxiAddrW      = 32,
  parameter int unsigned AxiIdW        = 4,
  parameter int unsigned Semaphores    = 16
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  // Host CSRs (docs/csr.md)
  input  logic                                s_axil_awvalid_i,
  output logic                                s_axil_awready_o,
  input  logic [11:0]                         s_axil_awaddr_i,
  input  logic [2:0]                          s_axil_awprot_i,
  input  logic                                s_axil_wvalid_i,
  output logic                                s_axil_wready_o,
  input  logic [31:0]                         s_axil_wdata_i,
  input  logic [3:0]                          s_axil_wstrb_i,
  output logic                                s_axil_bvalid_o,
  input  logic                                s_axil_bready_i,
  output logic [1:0]                          s_axil_bresp_o,
  input  logic                                s_axil_arvalid_i,
  output logic                                s_axil_arready_o,
  input  logic [11:0]                         s_axil_araddr_i,
  input  logic [2:0]                          s_axil_arprot_i,
  output logic                                s_axil_rvalid_o,
  input  logic                                s_axil_rready_i,
  output logic [31:0]                         s_axil_rdata_o,
  output logic [1:0]                          s_axil_rresp_o,
  output logic                                irq_o,
  // DMA AXI4 master (docs/dma.md)
  output logic                                m_axi_arvalid_o,
  input  logic                                m_axi_arready_i,
  output logic [AxiIdW-1:0]                   m_axi_arid_o,
  output logic [AxiAddrW-1:0]                 m_axi_araddr_o,
  output logic [7:0]                          m_axi_arlen_o,
  output logic [2:0]                          m_axi_arsize_o,
  output logic [1:0]                          m_axi_arburst_o,
  input  logic                                m_axi_rvalid_i,
  output logic                                m_axi_rready_o,
  input  logic [AxiIdW-1:0]                   m_axi_rid_i,
  input  logic [AxiDataW-1:0]                 m_axi_rdata_i,
  input  logic [1:0]                          m_axi_rresp_i,
  input  logic                                m_axi_rlast_i,
  output logic                                m_axi_awvalid_o,
  input  logic                                m_axi_awready_i,
  output logic [AxiIdW-1:0]                   m_axi_awid_o,
  output logic [AxiAddrW-1:0]                 m_axi_awaddr_o,
  output logic [7:0]                          m_axi_awlen_o,
  output logic [2:0]                          m_axi_awsize_o,
  output logic [1:0]                          m_axi_awburst_o,
  output logic                                m_axi_wvalid_o,
  input  logic                                m_axi_wready_i,
  output logic [AxiDataW-1:0]                 m_axi_wdata_o,
  output logic [AxiDataW/8-1:0]               m_axi_wstrb_o,
  output logic                                m_axi_wlast_o,
  input  logic                                m_axi_bvalid_i,
  output logic                                m_axi_bready_o,
  input  logic [AxiIdW-1:0]                   m_axi_bid_i,
  input  logic [1:0]                          m_axi_bresp_i,
  // Instruction fetch, read-only AXI4 master (docs/sequencer.md)
  output logic                                m_axi_if_arvalid_o,
  input  logic                                m_axi_if_arready_i,
  output logic [AxiIdW-1:0]                   m_axi_if_arid_o,
  output logic [AxiAddrW-1:0]                 m_axi_if_araddr_o,
  output logic [7:0]                          m_axi_if_arlen_o,
  output logic [2:0]                          m_axi_if_arsize_o,
  output logic [1:0]                          m_axi_if_arburst_o,
  input  logic                                m_axi_if_rvalid_i,
  output logic                                m_axi_if_rready_o,
  input  logic [AxiIdW-1:0]                   m_axi_if_rid_i,
  input  logic [AxiDataW-1:0]                 m_axi_if_rdata_i,
  input  logic [1:0]                          m_axi_if_rresp_i,
  input  logic                                m_axi_if_rlast_i,
  // Status levels, also readable as STATUS (for the testbench's waveforms)
  output logic                                busy_o,
  output logic                                done_o,
  output logic                                error_o,
  // Debug backdoor read of SBUF / PSUM (tensor_top.md), only while the
  // tensor engine is idle: the testbench reads the final memories with it
  input  logic                                dbg_req_i,
  input  logic                                dbg_psum_i,
  input  logic [loom_pkg::PartW-1:0]          dbg_part_i,
  input  logic [loom_pkg::SbufAddrW-1:0]      dbg_addr_i,
  output logic                                dbg_rvalid_o,
  output logic [loom_pkg::DbgDataW-1:0]       dbg_rdata_o,
  // Observation port (co-simulation): the sequencer's (sequencer.md) ...
  output logic                                obs_seq_dispatch_valid_o,
  output logic [31:0]                         obs_seq_dispatch_index_o,
  output logic [2:0]                          obs_seq_dispatch_queue_o,
  output logic [3:0]                          obs_seq_issue_valid_o,
  output logic [127:0]                        obs_seq_issue_index_o,
  output logic [Semaphores-1:0]               obs_seq_sem_valid_o,
  output logic [Semaphores*16-1:0]            obs_seq_sem_value_o,
  // ... and the tensor subsystem's (tensor_top.md)
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
  output logic [P*8*SbufWordBytes-1:0]        obs_act_wr_data_o,
  // ... and the engines' completion events the sequencer sees (the PE's
  // retires are obs_*_retire_* above)
  output logic [1:0]                          obs_dma_cpl_valid_o,
  output logic [2*loom_pkg::DmaErrW-1:0]      obs_dma_cpl_err_o,
  output logic                                obs_act_done_o
);

  // ---------------------------------------------------------------------------
  // Soft reset: CTRL.SOFT_RESET resets the sequencer and the engines (not the
  // CSR block) for one cycle. A flop, so the reset net is glitch-free; while
  // rst_ni is low the engines are in reset too.
  // ---------------------------------------------------------------------------
  logic soft_reset, eng_rst_nq;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      eng_rst_nq <= 1'b0;
    end else begin
      eng_rst_nq <= !soft_reset;
    end
  end

  // ---------------------------------------------------------------------------
  // CSRs
  // ---------------------------------------------------------------------------
  logic        start;
  logic [63:0] prog_base, dram_base, dram_limit;
  logic [31:0] prog_len, watchdog;
  logic        seq_busy, seq_done, seq_error, done_pulse, error_pulse;
  logic [7:0]  error_code;
  logic [31:0] error_index;
  logic [63:0] perf_cycles_q, perf_busy_pe_q, perf_busy_act_q, perf_busy_dma_q,
               perf_busy_seq_q, perf_macs_q, perf_dma_bytes_q;

  csr_axil u_csr (
    .clk_i,
    .rst_ni,
    .s_axil_awvalid_i,
    .s_axil_awready_o,
    .s_axil_awaddr_i,
    .s_axil_awprot_i,
    .s_axil_wvalid_i,
    .s_axil_wready_o,
    .s_axil_wdata_i,
    .s_axil_wstrb_i,
    .s_axil_bvalid_o,
    .s_axil_bready_i,
    .s_axil_bresp_o,
    .s_axil_arvalid_i,
    .s_axil_arready_o,
    .s_axil_araddr_i,
    .s_axil_arprot_i,
    .s_axil_rvalid_o,
    .s_axil_rready_i,
    .s_axil_rdata_o,
    .s_axil_rresp_o,
    .start_o          (start),
    .soft_reset_o     (soft_reset),
    .prog_base_o      (prog_base),
    .prog_len_o       (prog_len),
    .watchdog_o       (watchdog),
    .dram_base_o      (dram_base),
    .dram_limit_o     (dram_limit),
    .irq_o,
    .busy_i           (seq_busy),
    .done_i           (seq_done),
    .error_i          (seq_error),
    .error_code_i     (error_code),
    .error_index_i    (error_index),
    .done_pulse_i     (done_pulse),
    .error_pulse_i    (error_pulse),
    .perf_cycles_i    (perf_cycles_q),
    .perf_busy_pe_i   (perf_busy_pe_q),
    .perf_busy_act_i  (perf_busy_act_q),
    .perf_busy_dma_i  (perf_busy_dma_q),
    .perf_busy_seq_i  (perf_busy_seq_q),
    .perf_macs_i      (perf_macs_q),
    .perf_dma_bytes_i (perf_dma_bytes_q)
  );

  assign busy_o  = seq_busy;
  assign done_o  = seq_done;
  assign error_o = seq_error;

  // The 64-bit window registers on an AxiAddrW-bit bus: an address at or
  // above 2^AxiAddrW is clamped to the top of the address space (a limit of
  // 2^32 on a 32-bit bus means "up to the end").
  logic [AxiAddrW-1:0] win_base, win_limit;

  if (AxiAddrW < 64) begin : g_clamp
    assign win_base  = (dram_base[63:AxiAddrW] != '0) ? {AxiAddrW{1'b1}} : dram_base[AxiAddrW-1:0];
    assign win_limit = (dram_limit[63:AxiAddrW] != '0) ? {AxiAddrW{1'b1}}
                                                        : dram_limit[AxiAddrW-1:0];
  end else begin : g_no_clamp
    assign win_base  = dram_base[AxiAddrW-1:0];
    assign win_limit = dram_limit[AxiAddrW-1:0];
  end

  // ---------------------------------------------------------------------------
  // Sequencer <-> engines
  // ---------------------------------------------------------------------------
  logic                              pe_cmd_valid, pe_cmd_ready, pe_busy;
  logic [loom_pkg::CmdW-1:0]         pe_cmd;
  logic                              act_cmd_valid, act_cmd_ready, act_busy, act_done;
  logic [255:0]                      act_cmd;
  logic [1:0]                        dma_desc_valid, dma_desc_ready, dma_cpl_valid, dma_halted;
  logic [2*loom_pkg::DmaDescW-1:0]   dma_desc;
  logic [2*loom_pkg::DmaErrW-1:0]    dma_cpl_err;
  logic                              dma_busy;

  sequencer #(
    .P           (P),
    .SbufBytes   (SbufBytes),
    .PsumBanks   (PsumBanks),
    .PsumEntries (PsumEntries),
    .Semaphores  (Semaphores),
    .AxiDataW    (AxiDataW),
    .AxiAddrW    (AxiAddrW),
    .AxiIdW      (AxiIdW)
  ) u_seq (
    .clk_i,
    .rst_ni             (eng_rst_nq),
    .start_i            (start),
    .prog_base_i        (prog_base),
    .prog_len_i         (prog_len),
    .watchdog_i         (watchdog),
    .dram_base_i        (64'(win_base)),
    .dram_limit_i       (64'(win_limit)),
    .busy_o             (seq_busy),
    .done_o             (seq_done),
    .error_o            (seq_error),
    .error_code_o       (error_code),
    .error_index_o      (error_index),
    .done_pulse_o       (done_pulse),
    .error_pulse_o      (error_pulse),
    .m_axi_if_arvalid_o,
    .m_axi_if_arready_i,
    .m_axi_if_arid_o,
    .m_axi_if_araddr_o,
    .m_axi_if_arlen_o,
    .m_axi_if_arsize_o,
    .m_axi_if_arburst_o,
    .m_axi_if_rvalid_i,
    .m_axi_if_rready_o,
    .m_axi_if_rid_i,
    .m_axi_if_rdata_i,
    .m_axi_if_rresp_i,
    .m_axi_if_rlast_i,
    .pe_cmd_valid_o     (pe_cmd_valid),
    .pe_cmd_ready_i     (pe_cmd_ready),
    .pe_cmd_o           (pe_cmd),
    .pe_ldw_retire_i    (obs_ldw_retire_valid_o),
    .pe_ldw_retire_tag_i(obs_ldw_retire_tag_o),
    .pe_mm_retire_i     (obs_mm_retire_valid_o),
    .pe_mm_retire_tag_i (obs_mm_retire_tag_o),
    .pe_busy_i          (pe_busy),
    .act_cmd_valid_o    (act_cmd_valid),
    .act_cmd_ready_i    (act_cmd_ready),
    .act_cmd_o          (act_cmd),
    .act_done_i         (act_done),
    .act_busy_i         (act_busy),
    .dma_desc_valid_o   (dma_desc_valid),
    .dma_desc_ready_i   (dma_desc_ready),
    .dma_desc_o         (dma_desc),
    .dma_cpl_valid_i    (dma_cpl_valid),
    .dma_cpl_err_i      (dma_cpl_err),
    .dma_busy_i         (dma_busy),
    .dma_halted_i       (dma_halted),
    .obs_dispatch_valid_o (obs_seq_dispatch_valid_o),
    .obs_dispatch_index_o (obs_seq_dispatch_index_o),
    .obs_dispatch_queue_o (obs_seq_dispatch_queue_o),
    .obs_issue_valid_o    (obs_seq_issue_valid_o),
    .obs_issue_index_o    (obs_seq_issue_index_o),
    .obs_sem_valid_o      (obs_seq_sem_valid_o),
    .obs_sem_value_o      (obs_seq_sem_value_o)
  );

  assign obs_dma_cpl_valid_o = dma_cpl_valid;
  assign obs_dma_cpl_err_o   = dma_cpl_err;
  assign obs_act_done_o      = act_done;

  // ---------------------------------------------------------------------------
  // Tensor subsystem
  // ---------------------------------------------------------------------------
  loom_tensor_top #(
    .P             (P),
    .SbufBytes     (SbufBytes),
    .SbufWordBytes (SbufWordBytes),
    .PsumBanks     (PsumBanks),
    .PsumEntries   (PsumEntries),
    .CmdDepth      (CmdDepth),
    .AxiDataW      (AxiDataW),
    .AxiAddrW      (AxiAddrW),
    .AxiIdW        (AxiIdW)
  ) u_tensor (
    .clk_i,
    .rst_ni                 (eng_rst_nq),
    .cmd_valid_i            (pe_cmd_valid),
    .cmd_ready_o            (pe_cmd_ready),
    .cmd_i                  (pe_cmd),
    .busy_o                 (pe_busy),
    // no host preload: the DMA and the ACT engine are the SBUF's writers
    .sbuf_wr_valid_i        (1'b0),
    .sbuf_wr_part_i         ('0),
    .sbuf_wr_addr_i         ('0),
    .sbuf_wr_data_i         ('0),
    .sbuf_wr_strb_i         ('0),
    .act_cmd_valid_i        (act_cmd_valid),
    .act_cmd_ready_o        (act_cmd_ready),
    .act_cmd_i              (act_cmd),
    .act_busy_o             (act_busy),
    .act_done_o             (act_done),
    .dma_desc_valid_i       (dma_desc_valid),
    .dma_desc_ready_o       (dma_desc_ready),
    .dma_desc_i             (dma_desc),
    .dma_cpl_valid_o        (dma_cpl_valid),
    .dma_cpl_err_o          (dma_cpl_err),
    .dma_halted_o           (dma_halted),
    .dma_busy_o             (dma_busy),
    .dram_base_i            (win_base),
    .dram_limit_i           (win_limit),
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
    .m_axi_bresp_i,
    .dbg_req_i,
    .dbg_psum_i,
    .dbg_part_i,
    .dbg_addr_i,
    .dbg_rvalid_o,
    .dbg_rdata_o,
    .obs_issue_valid_o,
    .obs_issue_tag_o,
    .obs_issue_op_o,
    .obs_ldw_retire_valid_o,
    .obs_ldw_retire_tag_o,
    .obs_mm_retire_valid_o,
    .obs_mm_retire_tag_o,
    .obs_sbuf_wr_valid_o,
    .obs_sbuf_wr_part_o,
    .obs_sbuf_wr_addr_o,
    .obs_sbuf_wr_data_o,
    .obs_sbuf_wr_strb_o,
    .obs_psum_o,
    .obs_dma_rd_valid_o,
    .obs_dma_rd_part_o,
    .obs_dma_rd_addr_o,
    .obs_act_issue_valid_o,
    .obs_act_issue_tag_o,
    .obs_act_wr_valid_o,
    .obs_act_wr_addr_o,
    .obs_act_wr_strb_o,
    .obs_act_wr_data_o
  );

  // ---------------------------------------------------------------------------
  // Performance counters (docs/csr.md): cleared by START, counting while the
  // sequencer is busy. MACs and DMA bytes are counted when an MM command /
  // a descriptor is handed to its engine (K x M x F of the MM with the last
  // LDW's K and M; rows x row_bytes x planes of the descriptor).
  // ---------------------------------------------------------------------------
  loom_pkg::pe_cmd_t pe_cmd_s;
  loom_pkg::dma_desc_t dma_desc0_s, dma_desc1_s;
  logic [loom_pkg::RowsW-1:0] ldw_k_q;
  logic [loom_pkg::ColsW-1:0] ldw_m_q;
  // Products at their natural widths (K 8 x M 10 x F 10 bits; rows 8 x
  // row_bytes 18 x planes 16 bits): 64-bit multipliers would cost ~10k cells.
  logic [17:0] mm_km;
  logic [27:0] mm_macs;
  logic [63:0] desc_bytes;

  assign pe_cmd_s   = pe_cmd;
  // The counters need op, rows and cols only.
  logic unused_pe_cmd;
  assign unused_pe_cmd = ^{pe_cmd_s.rsvd_hi, pe_cmd_s.acc, pe_cmd_s.sbuf_addr, pe_cmd_s.psum_bank,
                           pe_cmd_s.psum_off, pe_cmd_s.rsvd_lo};
  assign dma_desc0_s = dma_desc[0 +: loom_pkg::DmaDescW];
  assign dma_desc1_s = dma_desc[loom_pkg::DmaDescW +: loom_pkg::DmaDescW];
  // The byte counter needs rows, row_bytes and planes only.
  logic unused_dma_desc;
  assign unused_dma_desc = ^{dma_desc0_s.dram_addr, dma_desc0_s.row_stride,
                             dma_desc0_s.plane_stride, dma_desc0_s.sbuf_part,
                             dma_desc0_s.sbuf_addr, dma_desc0_s.dir, dma_desc0_s.rsvd,
                             dma_desc1_s.dram_addr, dma_desc1_s.row_stride,
                             dma_desc1_s.plane_stride, dma_desc1_s.sbuf_part,
                             dma_desc1_s.sbuf_addr, dma_desc1_s.dir, dma_desc1_s.rsvd};
  assign mm_km      = 18'(ldw_k_q) * 18'(ldw_m_q);
  assign mm_macs    = 28'(mm_km) * 28'(pe_cmd_s.cols);

  // Bytes of a descriptor: rows x row_bytes x planes (zero-extended factors).
  logic [25:0] rb0, rb1;
  logic [41:0] bytes0, bytes1;
  assign rb0    = 26'(dma_desc0_s.rows) * 26'(dma_desc0_s.row_bytes);
  assign rb1    = 26'(dma_desc1_s.rows) * 26'(dma_desc1_s.row_bytes);
  assign bytes0 = 42'(rb0) * 42'(dma_desc0_s.planes);
  assign bytes1 = 42'(rb1) * 42'(dma_desc1_s.planes);

  assign desc_bytes = ((dma_desc_valid[0] && dma_desc_ready[0]) ? 64'(bytes0) : 64'd0) +
                      ((dma_desc_valid[1] && dma_desc_ready[1]) ? 64'(bytes1) : 64'd0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ldw_k_q          <= '0;
      ldw_m_q          <= '0;
      perf_cycles_q    <= '0;
      perf_busy_pe_q   <= '0;
      perf_busy_act_q  <= '0;
      perf_busy_dma_q  <= '0;
      perf_busy_seq_q  <= '0;
      perf_macs_q      <= '0;
      perf_dma_bytes_q <= '0;
    end else if (start) begin
      perf_cycles_q    <= '0;
      perf_busy_pe_q   <= '0;
      perf_busy_act_q  <= '0;
      perf_busy_dma_q  <= '0;
      perf_busy_seq_q  <= '0;
      perf_macs_q      <= '0;
      perf_dma_bytes_q <= '0;
    end else if (seq_busy) begin
      perf_cycles_q    <= perf_cycles_q + 64'd1;
      perf_busy_pe_q   <= perf_busy_pe_q + 64'(pe_busy);
      perf_busy_act_q  <= perf_busy_act_q + 64'(act_busy);
      perf_busy_dma_q  <= perf_busy_dma_q + 64'(dma_busy);
      perf_busy_seq_q  <= perf_busy_seq_q + 64'(seq_busy);
      perf_dma_bytes_q <= perf_dma_bytes_q + desc_bytes;
      if (pe_cmd_valid && pe_cmd_ready) begin
        if (pe_cmd_s.op == loom_pkg::PE_OP_LDW) begin
          ldw_k_q <= pe_cmd_s.rows;
          ldw_m_q <= pe_cmd_s.cols;
        end else begin
          perf_macs_q <= perf_macs_q + 64'(mm_macs);
        end
      end
    end
  end

endmodule
