// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// csr_axil: the host control / status registers of the Loom core on an
// AXI4-Lite slave (32-bit data, 12-bit byte address). Register map, access
// rules, error responses and IRQ behaviour: docs/csr.md.
//
// Handshake: AW and W are each captured in a one-entry holding register
// (awready = !aw_full_q, wready = !w_full_q: functions of flops only), in any
// order or in the same cycle. The write is performed in the first cycle with
// both held and no B response pending; B follows in the next cycle and is
// held until BREADY. A read is taken when no R response is pending
// (arready = !rvalid_q): the data is sampled at the AR handshake and R is
// valid from the next cycle, held until RREADY.
//
// Free of loom_pkg: every width here is the CSR map's.

module csr_axil #(
  parameter logic [31:0] IdValue      = 32'h4c4f_4f4d,  // "LOOM"
  parameter logic [31:0] VersionValue = 32'h0001_0000,  // CSR map 1.0
  parameter logic [31:0] WatchdogRst  = 32'h0010_0000   // 2^20 cycles
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  // AXI4-Lite slave
  input  logic        s_axil_awvalid_i,
  output logic        s_axil_awready_o,
  input  logic [11:0] s_axil_awaddr_i,
  input  logic [2:0]  s_axil_awprot_i,
  input  logic        s_axil_wvalid_i,
  output logic        s_axil_wready_o,
  input  logic [31:0] s_axil_wdata_i,
  input  logic [3:0]  s_axil_wstrb_i,
  output logic        s_axil_bvalid_o,
  input  logic        s_axil_bready_i,
  output logic [1:0]  s_axil_bresp_o,
  input  logic        s_axil_arvalid_i,
  output logic        s_axil_arready_o,
  input  logic [11:0] s_axil_araddr_i,
  input  logic [2:0]  s_axil_arprot_i,
  output logic        s_axil_rvalid_o,
  input  logic        s_axil_rready_i,
  output logic [31:0] s_axil_rdata_o,
  output logic [1:0]  s_axil_rresp_o,

  // To the core
  output logic        start_o,        // one-cycle pulse (CTRL.START written 1)
  output logic        soft_reset_o,   // one-cycle pulse (CTRL.SOFT_RESET written 1)
  output logic [63:0] prog_base_o,
  output logic [31:0] prog_len_o,     // instructions
  output logic [31:0] watchdog_o,     // semaphore-wait watchdog, cycles
  output logic [63:0] dram_base_o,    // DRAM window [base, limit)
  output logic [63:0] dram_limit_o,
  output logic        irq_o,          // |(IRQ_STATUS & IRQ_ENABLE)

  // From the core
  input  logic        busy_i,
  input  logic        done_i,
  input  logic        error_i,
  input  logic [7:0]  error_code_i,
  input  logic [31:0] error_index_i,
  input  logic        done_pulse_i,   // sets IRQ_STATUS.DONE
  input  logic        error_pulse_i,  // sets IRQ_STATUS.ERROR

  // Performance counters (free-running in the core)
  input  logic [63:0] perf_cycles_i,
  input  logic [63:0] perf_busy_pe_i,
  input  logic [63:0] perf_busy_act_i,
  input  logic [63:0] perf_busy_dma_i,
  input  logic [63:0] perf_busy_seq_i,
  input  logic [63:0] perf_macs_i,
  input  logic [63:0] perf_dma_bytes_i
);

  localparam logic [1:0] RespOkay   = 2'b00;
  localparam logic [1:0] RespSlverr = 2'b10;

  // Word offsets (byte address [11:2]); docs/csr.md.
  localparam logic [9:0] AddrId         = 10'h000;  // 0x000
  localparam logic [9:0] AddrVersion    = 10'h001;  // 0x004
  localparam logic [9:0] AddrCtrl       = 10'h002;  // 0x008
  localparam logic [9:0] AddrStatus     = 10'h003;  // 0x00c
  localparam logic [9:0] AddrErrCode    = 10'h004;  // 0x010
  localparam logic [9:0] AddrErrIndex   = 10'h005;  // 0x014
  localparam logic [9:0] AddrIrqEnable  = 10'h006;  // 0x018
  localparam logic [9:0] AddrIrqStatus  = 10'h007;  // 0x01c
  localparam logic [9:0] AddrProgBaseLo = 10'h008;  // 0x020
  localparam logic [9:0] AddrProgBaseHi = 10'h009;  // 0x024
  localparam logic [9:0] AddrProgLen    = 10'h00a;  // 0x028
  localparam logic [9:0] AddrWatchdog   = 10'h00b;  // 0x02c
  localparam logic [9:0] AddrDramBaseLo = 10'h00c;  // 0x030
  localparam logic [9:0] AddrDramBaseHi = 10'h00d;  // 0x034
  localparam logic [9:0] AddrDramLimLo  = 10'h00e;  // 0x038
  localparam logic [9:0] AddrDramLimHi  = 10'h00f;  // 0x03c
  localparam logic [9:0] AddrPerfBase   = 10'h040;  // 0x100: counter k lo at 0x100 + 8k, hi at + 4
  localparam int         NumPerf        = 7;

  // ---------------------------------------------------------------------------
  // Performance counters and their high-word snapshots
  // ---------------------------------------------------------------------------
  // Flat vectors (Yosys 0.23 would turn arrays into memories): counter k at
  // perf[k*64 +: 64], its latched high word at snap_hi[k*32 +: 32].
  logic [NumPerf*64-1:0] perf;
  assign perf = {perf_dma_bytes_i, perf_macs_i, perf_busy_seq_i, perf_busy_dma_i,
                 perf_busy_act_i, perf_busy_pe_i, perf_cycles_i};

  // ---------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------
  logic [63:0] prog_base_q, prog_base_d;
  logic [31:0] prog_len_q, prog_len_d;
  logic [31:0] watchdog_q, watchdog_d;
  logic [63:0] dram_base_q, dram_base_d;
  logic [63:0] dram_limit_q, dram_limit_d;
  logic [1:0]  irq_en_q, irq_en_d;
  logic [1:0]  irq_st_q, irq_st_d;
  logic        start_q, start_d;
  logic        srst_q, srst_d;

  // AXI state
  logic        aw_full_q, w_full_q;
  logic [9:0]  aw_word_q;
  logic [31:0] w_data_q;
  logic [3:0]  w_strb_q;
  logic        bvalid_q, bvalid_d;
  logic [1:0]  bresp_q, bresp_d;
  logic        rvalid_q;
  logic [31:0] rdata_q, rdata_d;
  logic [1:0]  rresp_q, rresp_d;

  logic aw_hs, w_hs, ar_hs, do_write;
  assign s_axil_awready_o = !aw_full_q;
  assign s_axil_wready_o  = !w_full_q;
  assign s_axil_arready_o = !rvalid_q;
  assign aw_hs    = s_axil_awvalid_i && s_axil_awready_o;
  assign w_hs     = s_axil_wvalid_i && s_axil_wready_o;
  assign ar_hs    = s_axil_arvalid_i && s_axil_arready_o;
  assign do_write = aw_full_q && w_full_q && !bvalid_q;

  // Byte-enable merge of the held write data into a 32-bit register value.
  logic [31:0] wmask;
  always_comb begin
    for (int b = 0; b < 4; b++) begin
      wmask[8*b +: 8] = {8{w_strb_q[b]}};
    end
  end

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data,
                                        input logic [31:0] mask);
    merge = (old & ~mask) | (data & mask);
  endfunction

  // ---------------------------------------------------------------------------
  // Write decode
  // ---------------------------------------------------------------------------
  always_comb begin
    prog_base_d  = prog_base_q;
    prog_len_d   = prog_len_q;
    watchdog_d   = watchdog_q;
    dram_base_d  = dram_base_q;
    dram_limit_d = dram_limit_q;
    irq_en_d     = irq_en_q;
    irq_st_d     = irq_st_q;
    start_d      = 1'b0;
    srst_d       = 1'b0;
    bvalid_d     = bvalid_q;
    bresp_d      = bresp_q;

    if (s_axil_bvalid_o && s_axil_bready_i) begin
      bvalid_d = 1'b0;
    end

    if (do_write) begin
      bvalid_d = 1'b1;
      bresp_d  = RespOkay;
      unique case (aw_word_q)
        AddrCtrl: begin
          // START while busy is refused (SLVERR, no pulse, no soft reset).
          if (busy_i && w_strb_q[0] && w_data_q[0]) begin
            bresp_d = RespSlverr;
          end else begin
            start_d = w_strb_q[0] && w_data_q[0];
            srst_d  = w_strb_q[0] && w_data_q[1];
          end
        end
        AddrIrqEnable: if (w_strb_q[0]) irq_en_d = w_data_q[1:0];
        AddrIrqStatus: irq_st_d = irq_st_q & ~(w_data_q[1:0] & {2{w_strb_q[0]}});
        AddrProgBaseLo, AddrProgBaseHi, AddrProgLen, AddrWatchdog,
        AddrDramBaseLo, AddrDramBaseHi, AddrDramLimLo, AddrDramLimHi: begin
          if (busy_i) begin
            bresp_d = RespSlverr;   // locked while the core runs; nothing changes
          end else begin
            unique case (aw_word_q)
              AddrProgBaseLo: prog_base_d[31:0]   = merge(prog_base_q[31:0], w_data_q, wmask);
              AddrProgBaseHi: prog_base_d[63:32]  = merge(prog_base_q[63:32], w_data_q, wmask);
              AddrProgLen:    prog_len_d          = merge(prog_len_q, w_data_q, wmask);
              AddrWatchdog:   watchdog_d          = merge(watchdog_q, w_data_q, wmask);
              AddrDramBaseLo: dram_base_d[31:0]   = merge(dram_base_q[31:0], w_data_q, wmask);
              AddrDramBaseHi: dram_base_d[63:32]  = merge(dram_base_q[63:32], w_data_q, wmask);
              AddrDramLimLo:  dram_limit_d[31:0]  = merge(dram_limit_q[31:0], w_data_q, wmask);
              AddrDramLimHi:  dram_limit_d[63:32] = merge(dram_limit_q[63:32], w_data_q, wmask);
              default: ;
            endcase
          end
        end
        // ID, VERSION, STATUS, ERROR_*, PERF_*: read-only; anything else unmapped.
        default: bresp_d = RespSlverr;
      endcase
    end

    // Events set IRQ_STATUS bits; a set wins over a clear in the same cycle.
    if (done_pulse_i) irq_st_d[0] = 1'b1;
    if (error_pulse_i) irq_st_d[1] = 1'b1;
  end

  // ---------------------------------------------------------------------------
  // Read decode (sampled at the AR handshake)
  // ---------------------------------------------------------------------------
  logic [9:0] ar_word;
  logic       ar_perf;        // a performance counter word
  logic [2:0] ar_perf_idx;
  logic       ar_perf_hi;
  logic [NumPerf*32-1:0] snap_hi;   // the latched high words

  assign ar_word     = s_axil_araddr_i[11:2];
  assign ar_perf     = (ar_word[9:4] == AddrPerfBase[9:4]) && (ar_word[3:1] < 3'(NumPerf));
  assign ar_perf_idx = ar_word[3:1];
  assign ar_perf_hi  = ar_word[0];

  always_comb begin
    rdata_d = '0;
    rresp_d = RespOkay;
    if (ar_perf) begin
      rdata_d = 32'h0;
      for (int k = 0; k < NumPerf; k++) begin
        if (ar_perf_idx == 3'(k)) begin
          rdata_d = ar_perf_hi ? snap_hi[k*32 +: 32] : perf[k*64 +: 32];
        end
      end
    end else begin
      unique case (ar_word)
        AddrId:         rdata_d = IdValue;
        AddrVersion:    rdata_d = VersionValue;
        AddrCtrl:       rdata_d = '0;   // write-only pulses read as 0
        AddrStatus:     rdata_d = {29'b0, error_i, done_i, busy_i};
        AddrErrCode:    rdata_d = {24'b0, error_code_i};
        AddrErrIndex:   rdata_d = error_index_i;
        AddrIrqEnable:  rdata_d = {30'b0, irq_en_q};
        AddrIrqStatus:  rdata_d = {30'b0, irq_st_q};
        AddrProgBaseLo: rdata_d = prog_base_q[31:0];
        AddrProgBaseHi: rdata_d = prog_base_q[63:32];
        AddrProgLen:    rdata_d = prog_len_q;
        AddrWatchdog:   rdata_d = watchdog_q;
        AddrDramBaseLo: rdata_d = dram_base_q[31:0];
        AddrDramBaseHi: rdata_d = dram_base_q[63:32];
        AddrDramLimLo:  rdata_d = dram_limit_q[31:0];
        AddrDramLimHi:  rdata_d = dram_limit_q[63:32];
        default:        rresp_d = RespSlverr;
      endcase
    end
  end

  // Reading counter k's low word latches its high word of the same cycle.
  for (genvar k = 0; k < NumPerf; k++) begin : g_perf
    logic [31:0] snap_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        snap_q <= '0;
      end else if (ar_hs && ar_perf && !ar_perf_hi && ar_perf_idx == 3'(k)) begin
        snap_q <= perf[k*64+32 +: 32];
      end
    end
    assign snap_hi[k*32 +: 32] = snap_q;
  end

  // ---------------------------------------------------------------------------
  // Flops
  // ---------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prog_base_q  <= '0;
      prog_len_q   <= '0;
      watchdog_q   <= WatchdogRst;
      dram_base_q  <= '0;
      dram_limit_q <= '0;
      irq_en_q     <= '0;
      irq_st_q     <= '0;
      start_q      <= 1'b0;
      srst_q       <= 1'b0;
      aw_full_q    <= 1'b0;
      w_full_q     <= 1'b0;
      aw_word_q    <= '0;
      w_data_q     <= '0;
      w_strb_q     <= '0;
      bvalid_q     <= 1'b0;
      bresp_q      <= RespOkay;
      rvalid_q     <= 1'b0;
      rdata_q      <= '0;
      rresp_q      <= RespOkay;
    end else begin
      prog_base_q  <= prog_base_d;
      prog_len_q   <= prog_len_d;
      watchdog_q   <= watchdog_d;
      dram_base_q  <= dram_base_d;
      dram_limit_q <= dram_limit_d;
      irq_en_q     <= irq_en_d;
      irq_st_q     <= irq_st_d;
      start_q      <= start_d;
      srst_q       <= srst_d;
      bvalid_q     <= bvalid_d;
      bresp_q      <= bresp_d;
      if (aw_hs) begin
        aw_full_q <= 1'b1;
        aw_word_q <= s_axil_awaddr_i[11:2];
      end else if (do_write) begin
        aw_full_q <= 1'b0;
      end
      if (w_hs) begin
        w_full_q <= 1'b1;
        w_data_q <= s_axil_wdata_i;
        w_strb_q <= s_axil_wstrb_i;
      end else if (do_write) begin
        w_full_q <= 1'b0;
      end
      if (ar_hs) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rdata_d;
        rresp_q  <= rresp_d;
      end else if (s_axil_rvalid_o && s_axil_rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  assign s_axil_bvalid_o = bvalid_q;
  assign s_axil_bresp_o  = bresp_q;
  assign s_axil_rvalid_o = rvalid_q;
  assign s_axil_rdata_o  = rdata_q;
  assign s_axil_rresp_o  = rresp_q;

  assign start_o      = start_q;
  assign soft_reset_o = srst_q;
  assign prog_base_o  = prog_base_q;
  assign prog_len_o   = prog_len_q;
  assign watchdog_o   = watchdog_q;
  assign dram_base_o  = dram_base_q;
  assign dram_limit_o = dram_limit_q;
  assign irq_o        = |(irq_st_q & irq_en_q);

  // Deliberately unused: the byte offset (accesses are whole words, WSTRB
  // selects bytes), the protection bits.
  logic unused_axil;
  assign unused_axil = ^{s_axil_awaddr_i[1:0], s_axil_araddr_i[1:0], s_axil_awprot_i,
                         s_axil_arprot_i};

  // ---------------------------------------------------------------------------
  // Assertions: AXI4-Lite handshake rules
  // ---------------------------------------------------------------------------
`ifndef SYNTHESIS
  // Master side: a valid stays up with a stable payload until its ready.
  AxilAwHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_awvalid_i && !s_axil_awready_o) |=> (s_axil_awvalid_i && $stable(s_axil_awaddr_i)
                                                 && $stable(s_axil_awprot_i)));
  AxilWHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_wvalid_i && !s_axil_wready_o) |=> (s_axil_wvalid_i && $stable(s_axil_wdata_i)
                                               && $stable(s_axil_wstrb_i)));
  AxilArHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_arvalid_i && !s_axil_arready_o) |=> (s_axil_arvalid_i && $stable(s_axil_araddr_i)
                                                 && $stable(s_axil_arprot_i)));
  // Slave side: a response stays up, unchanged, until it is accepted.
  AxilBHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_bvalid_o && !s_axil_bready_i) |=> (s_axil_bvalid_o && $stable(s_axil_bresp_o)));
  AxilRHold_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_rvalid_o && !s_axil_rready_i) |=> (s_axil_rvalid_o && $stable(s_axil_rdata_o)
                                               && $stable(s_axil_rresp_o)));
  // Responses only OKAY or SLVERR.
  AxilRespLegal_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (s_axil_bresp_o != 2'b01 && s_axil_bresp_o != 2'b11
     && s_axil_rresp_o != 2'b01 && s_axil_rresp_o != 2'b11));
  // START is a single-cycle pulse.
  CsrStartPulse_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    start_o |=> !start_o);
`endif

endmodule
