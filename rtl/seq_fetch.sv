// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// seq_fetch: the sequencer's instruction fetch (docs/sequencer.md, "Fetch").
// A read-only AXI4 master prefetches the program into an instruction buffer
// of BufDepth 256-bit words, several bursts outstanding, each burst
// reserving its buffer slots (credits) when its AR is raised, so R is never
// back-pressured for lack of room. Bursts cover the instructions between
// multiples of FB = max(BurstInstrs * 32, DB) bytes, so they never cross
// 4 KiB. The window check is done once, at start: the fetch requests the
// leading instructions that lie inside [dram_base, min(dram_limit,
// 2^AxiAddrW)) and the sequencer gets a "terminal" slot after them
// (DRAM_WINDOW, or PROGRAM_OVERRUN when the whole program was fetched). An
// R beat with SLVERR / DECERR puts a fault slot (code 7 / 8) into the buffer
// for the instruction it carries and stops the fetch. After a stop (END at
// the decode stage, an error, done) the bursts still outstanding are
// counted as "drop" bursts, and their beats are accepted and discarded, also
// after the next start (one AXI ID: responses come back in order).

module seq_fetch #(
  parameter int unsigned AxiDataW    = 64,  // 32..512, power of two
  parameter int unsigned AxiAddrW    = 32,  // 32..64
  parameter int unsigned AxiIdW      = 4,
  parameter int unsigned BufDepth    = 16,  // instruction buffer, instructions
  parameter int unsigned BurstInstrs = 4,   // instructions per burst (power of two)
  parameter int unsigned MaxBursts   = 8,   // AR accepted, RLAST not yet (incl. dropped ones)
  // derived, do not override
  parameter int unsigned DB          = AxiDataW / 8,
  parameter int unsigned CredW       = $clog2(BufDepth + 1)
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  input  logic                start_i,        // start a run (the sequencer is idle)
  input  logic [63:0]         prog_base_i,
  input  logic [31:0]         prog_len_i,
  input  logic [63:0]         dram_base_i,
  input  logic [63:0]         dram_limit_i,
  input  logic                stop_i,         // level: no more fetching for this run

  // Instruction buffer head (the decode stage)
  output logic                head_valid_o,
  output logic [255:0]        head_word_o,
  output logic [3:0]          head_fault_o,   // 0, or 7 AXI_SLVERR / 8 AXI_DECERR
  input  logic                pop_i,
  // Terminal slot: every fetched instruction has left the buffer; the slot
  // after them (index = fetched count) is DRAM_WINDOW (6) or
  // PROGRAM_OVERRUN (11).
  output logic                term_valid_o,
  output logic [3:0]          term_code_o,

  // AXI4 read master
  output logic                m_axi_arvalid_o,
  input  logic                m_axi_arready_i,
  output logic [AxiIdW-1:0]   m_axi_arid_o,
  output logic [AxiAddrW-1:0] m_axi_araddr_o,
  output logic [7:0]          m_axi_arlen_o,
  output logic [2:0]          m_axi_arsize_o,
  output logic [1:0]          m_axi_arburst_o,
  input  logic                m_axi_rvalid_i,
  output logic                m_axi_rready_o,
  input  logic [AxiIdW-1:0]   m_axi_rid_i,
  input  logic [AxiDataW-1:0] m_axi_rdata_i,
  input  logic [1:0]          m_axi_rresp_i,
  input  logic                m_axi_rlast_i
);

  localparam int unsigned FB    = (BurstInstrs * 32 > DB) ? BurstInstrs * 32 : DB;
  localparam int unsigned FbLog = $clog2(FB);
  localparam int unsigned DbLog = $clog2(DB);
  localparam int unsigned CntW  = 9;  // outstanding burst counters (MaxBursts <= 255)
  localparam logic [63:0]  DbMask = 64'(DB) - 64'd1;

  localparam logic [3:0] CodeWindow  = 4'd6;
  localparam logic [3:0] CodeSlvErr  = 4'd7;
  localparam logic [3:0] CodeDecErr  = 4'd8;
  localparam logic [3:0] CodeOverrun = 4'd11;

  // ---------------------------------------------------------------------------
  // Start: how many leading instructions lie inside the window.
  // ---------------------------------------------------------------------------
  logic [64:0] lim, base_end, room;
  logic [31:0] nf_start;
  logic        aligned, in_window;
  always_comb begin
    lim = {1'b0, dram_limit_i};
    if (AxiAddrW < 64 && lim > (65'd1 << AxiAddrW)) lim = 65'd1 << AxiAddrW;
    base_end  = {1'b0, prog_base_i} + 65'd32;
    aligned   = (prog_base_i[4:0] == 5'd0);
    in_window = aligned && prog_base_i >= dram_base_i && base_end <= lim;
    room      = in_window ? ((lim - {1'b0, prog_base_i}) >> 5) : 65'd0;
    nf_start  = (room < 65'(prog_len_i)) ? room[31:0] : prog_len_i;
  end

  logic [63:0]      base_q;
  logic [31:0]      nf_q;      // instructions to fetch
  logic [31:0]      fi_q;      // next instruction to request
  logic [31:0]      rx_q;      // next instruction to receive (push)
  logic [3:0]       term_q;    // terminal slot code
  logic             run_q;     // fetching for the current run
  logic             fault_q;   // an AXI error slot was pushed (no terminal slot)
  logic [CredW-1:0] cred_q;    // buffer slots not reserved by a burst
  logic [CntW-1:0]  keep_q;    // outstanding bursts of the current run
  logic [CntW-1:0]  drop_q;    // older outstanding bursts whose beats are dropped
  logic             ar_stale_q;  // the AR waiting for ready belongs to a stopped run

  // ---------------------------------------------------------------------------
  // AR: the next burst, held in a register until its handshake.
  // ---------------------------------------------------------------------------
  logic                arvalid_q;
  logic [AxiAddrW-1:0] araddr_q;
  logic [7:0]          arlen_q;
  logic [63:0]         a_addr, a_end, first_beat, last_beat;
  logic [31:0]         n_room, n_left, n_burst;
  logic [63:0]         len_bytes;
  logic                ar_hs, ar_load, stop_now;

  always_comb begin
    a_addr     = base_q + 64'({fi_q, 5'd0});
    n_room     = 32'((FB - 32'(a_addr[FbLog-1:0])) >> 5);
    n_left     = nf_q - fi_q;
    n_burst    = (n_room < n_left) ? n_room : n_left;
    a_end      = a_addr + 64'({n_burst, 5'd0});
    first_beat = a_addr & ~DbMask;
    last_beat  = (a_end - 64'd1) & ~DbMask;
    len_bytes  = last_beat - first_beat;
  end

  assign ar_hs   = arvalid_q && m_axi_arready_i;
  assign ar_load = run_q && !stop_now && (!arvalid_q || ar_hs) && !ar_stale_q
                && (fi_q < nf_q) && (32'(cred_q) >= n_burst)
                && (32'(keep_q) + 32'(drop_q) + 32'(arvalid_q) < MaxBursts);

  // ---------------------------------------------------------------------------
  // R: beats into instructions.
  // ---------------------------------------------------------------------------
  logic        r_hs, r_keep, r_err, rlast_hs;
  logic        push;
  logic [255:0] push_word;
  logic [3:0]  push_fault;
  logic        fault_now;

  assign r_hs     = m_axi_rvalid_i && m_axi_rready_o;
  assign rlast_hs = r_hs && m_axi_rlast_i;
  assign r_keep   = r_hs && (drop_q == '0);
  assign r_err    = m_axi_rresp_i[1];

  // A kept beat with an error response: fault slot for the instruction it
  // carries, and the fetch stops.
  assign fault_now = r_keep && r_err && run_q;
  assign stop_now  = run_q && (stop_i || fault_now);

  logic hold_release;  // DB > 32: the held beat's last slot is pushed

  if (DB <= 32) begin : g_narrow
    // IB beats per instruction, assembled in a shift register.
    localparam int unsigned IB = 32 / DB;
    localparam int unsigned BcW = (IB > 1) ? $clog2(IB) : 1;
    logic [255:0] asm_q, asm_d;
    logic [BcW-1:0] bc_q;
    logic last_beat_of_instr;

    assign last_beat_of_instr = (32'(bc_q) == IB - 1);
    always_comb begin
      asm_d = asm_q;
      asm_d[32'(bc_q) * AxiDataW +: AxiDataW] = m_axi_rdata_i;
    end
    assign push       = run_q && !stop_i && r_keep && (r_err || last_beat_of_instr);
    assign push_word  = asm_d;
    assign push_fault = r_err ? (m_axi_rresp_i[0] ? CodeDecErr : CodeSlvErr) : 4'd0;
    assign m_axi_rready_o = 1'b1;
    assign hold_release = 1'b0;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        bc_q <= '0;
      end else if (start_i || stop_now) begin
        bc_q <= '0;
      end else if (r_keep && run_q) begin
        bc_q <= last_beat_of_instr ? '0 : bc_q + 1'b1;
      end
    end
    always_ff @(posedge clk_i) begin
      if (r_keep) asm_q <= asm_d;
    end
  end else begin : g_wide
    // K instructions per beat: a beat is held and its program slots are
    // pushed one per cycle; R is ready while nothing is held.
    localparam int unsigned K = DB / 32;
    localparam int unsigned KLog = $clog2(K);
    logic [AxiDataW-1:0] hold_q;
    logic                hvalid_q;
    logic [KLog-1:0]     slot;
    // Slot of instruction rx in its beat: address bits 5 +: KLog.
    assign slot         = base_q[5 +: KLog] + rx_q[KLog-1:0];
    assign hold_release = hvalid_q && ((32'(slot) == K - 1) || (rx_q + 32'd1 == nf_q));
    assign push         = run_q && !stop_i && (hvalid_q || fault_now);
    assign push_word    = hold_q[32'(slot) * 256 +: 256];
    assign push_fault   = fault_now ? (m_axi_rresp_i[0] ? CodeDecErr : CodeSlvErr) : 4'd0;
    assign m_axi_rready_o = (drop_q != '0) || !hvalid_q;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        hvalid_q <= 1'b0;
      end else if (start_i || stop_now) begin
        hvalid_q <= 1'b0;
      end else if (r_keep && run_q && !r_err) begin
        hvalid_q <= 1'b1;
      end else if (hold_release) begin
        hvalid_q <= 1'b0;
      end
    end
    always_ff @(posedge clk_i) begin
      if (r_keep && !hvalid_q) hold_q <= m_axi_rdata_i;
    end
  end

  // ---------------------------------------------------------------------------
  // Instruction buffer
  // ---------------------------------------------------------------------------
  logic        buf_empty, buf_full;
  logic [259:0] buf_rdata;
  logic [CredW-1:0] buf_count;

  cmn_fifo #(.Width(260), .Depth(BufDepth)) u_buf (
    .clk_i,
    .rst_ni,
    .clr_i   (start_i),
    .push_i  (push),
    .wdata_i ({push_fault, push_word}),
    .pop_i   (pop_i),
    .rdata_o (buf_rdata),
    .full_o  (buf_full),
    .empty_o (buf_empty),
    .count_o (buf_count)
  );

  assign head_valid_o = !buf_empty;
  assign head_word_o  = buf_rdata[255:0];
  assign head_fault_o = buf_rdata[259:256];
  assign term_valid_o = buf_empty && !fault_q && (rx_q == nf_q);
  assign term_code_o  = term_q;

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  logic [CntW-1:0] keep_d, drop_d;
  logic            ar_drop;
  assign ar_drop = ar_stale_q || !run_q;
  always_comb begin
    keep_d = keep_q;
    drop_d = drop_q;
    if (ar_hs && !ar_drop) keep_d = keep_d + 1'b1;
    if (ar_hs && ar_drop) drop_d = drop_d + 1'b1;
    if (rlast_hs && drop_q != '0) drop_d = drop_d - 1'b1;
    if (rlast_hs && drop_q == '0) keep_d = keep_d - 1'b1;
    if (stop_now) begin
      drop_d = drop_d + keep_d;
      keep_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      base_q     <= '0;
      nf_q       <= '0;
      fi_q       <= '0;
      rx_q       <= '0;
      term_q     <= CodeOverrun;
      run_q      <= 1'b0;
      fault_q    <= 1'b0;
      cred_q     <= CredW'(BufDepth);
      keep_q     <= '0;
      drop_q     <= '0;
      ar_stale_q <= 1'b0;
      arvalid_q  <= 1'b0;
      araddr_q   <= '0;
      arlen_q    <= '0;
    end else begin
      keep_q <= keep_d;
      drop_q <= drop_d;
      if (ar_hs) begin
        arvalid_q  <= 1'b0;
        ar_stale_q <= 1'b0;
      end else if (stop_now && arvalid_q) begin
        ar_stale_q <= 1'b1;
      end
      if (start_i) begin
        base_q  <= prog_base_i;
        nf_q    <= nf_start;
        fi_q    <= '0;
        rx_q    <= '0;
        term_q  <= (!aligned || nf_start < prog_len_i) ? CodeWindow : CodeOverrun;
        run_q   <= 1'b1;
        fault_q <= 1'b0;
        cred_q  <= CredW'(BufDepth);
      end else begin
        if (stop_now) run_q <= 1'b0;
        if (fault_now) fault_q <= 1'b1;
        if (ar_load) begin
          arvalid_q <= 1'b1;
          araddr_q  <= first_beat[AxiAddrW-1:0];
          arlen_q   <= len_bytes[DbLog +: 8];
          fi_q      <= fi_q + n_burst;
        end
        if (push) rx_q <= rx_q + 32'd1;
        cred_q <= cred_q - (ar_load ? CredW'(n_burst) : '0) + CredW'(pop_i);
      end
    end
  end

  assign m_axi_arvalid_o = arvalid_q;
  assign m_axi_arid_o    = '0;
  assign m_axi_araddr_o  = araddr_q;
  assign m_axi_arlen_o   = arlen_q;
  assign m_axi_arsize_o  = 3'(DbLog);
  assign m_axi_arburst_o = 2'b01;  // INCR

  // Deliberately unused: the read ID (one ID, in-order responses), the upper
  // address bits of the burst arithmetic, the buffer count (credits track it).
  logic unused_fetch;
  assign unused_fetch = ^{m_axi_rid_i, first_beat, last_beat, len_bytes, a_end, buf_count,
                          hold_release, room, base_end};

`ifndef SYNTHESIS
  // The buffer never overflows: every pushed slot was reserved by its burst.
  FetchBufNoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push |-> !buf_full);
  // Credits plus the slots in use never exceed the buffer.
  FetchCredits_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      run_q |-> (32'(cred_q) + 32'(buf_count) <= BufDepth));
  // Bursts: at least one beat, at most 256, never across 4 KiB, aligned to DB.
  FetchArLen_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o |-> ((64'(m_axi_araddr_o) & 64'hfff) + (64'(m_axi_arlen_o) + 64'd1) * DB
                           <= 64'h1000));
  FetchArAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_arvalid_o |-> ((64'(m_axi_araddr_o) & DbMask) == 64'd0));
  FetchArStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (m_axi_arvalid_o && !m_axi_arready_i) |=> (m_axi_arvalid_o && $stable(m_axi_araddr_o)
                                                 && $stable(m_axi_arlen_o)));
  // No R beat without an outstanding burst; never more than MaxBursts.
  FetchRExpected_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      m_axi_rvalid_i |-> (keep_q + drop_q != '0));
  FetchMaxBursts_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(keep_q) + 32'(drop_q) <= MaxBursts);
  // Only the instructions that were requested are received.
  FetchRxBehindFi_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rx_q <= fi_q);
`endif

endmodule
