// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// psum: the partial-sum buffer. P partitions, each a one-read-port
// cmn_ram_nr1w of PsumBanks * PsumEntries int32 words (address
// bank * PsumEntries + entry).
// Partition m receives, from the pe_ctrl token line:
//   pre-read (cycle t)   : rd_en_i[m], rd_addr_i[m]       (accumulate only)
//   write    (cycle t+1) : wr_en_i[m], wr_acc_i[m], bank, entry, col_i[m]
// and writes value = (acc ? old : 0) + col_i[m] (int32 wraparound), where
// old is the pre-read word; when the pre-read address equals the address
// written in the same cycle, old is the word being written (forwarding).
// obs_psum_o shows every write in the cycle it happens.
// The read port is shared with the debug read (dbg_req_i, only while the
// engine is idle); dbg_rdata_o is valid one cycle after dbg_req_i.
// A second read port serves the ACT engine (act_rd_*, docs/act.md): per
// partition enable and address, data in act_rd_data_o the next cycle;
// read-first (a read of the address written in the same cycle returns the
// old word, no forwarding).
// LOOM_FAULT_PSUM_LATE (fault injection only): the write of partition 0
// (data, record) happens one cycle late.
// LOOM_FAULT_PSUM_ADD_ONE (fault injection only): the accumulate adder adds
// one too many (value = old + col + 1 on accumulate writes).
// LOOM_FAULT_PSUM_BANK_SWAP (fault injection only): the RAM write address
// swaps banks 0 and 1 (the record still names the bank asked for), so reads
// of those banks find the other bank's words.

module psum #(
  parameter int unsigned P           = 8,
  parameter int unsigned PsumBanks   = 4,
  parameter int unsigned PsumEntries = 64,
  // derived, do not override
  parameter int unsigned PBankW      = $clog2(PsumBanks),
  parameter int unsigned EntW        = $clog2(PsumEntries),
  parameter int unsigned PAddrW      = PBankW + EntW
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  // accumulate pre-read, per partition
  input  logic [P-1:0]                         rd_en_i,
  input  logic [P*PAddrW-1:0]                  rd_addr_i,
  // write, per partition
  input  logic [P-1:0]                         wr_en_i,
  input  logic [P-1:0]                         wr_acc_i,
  input  logic [P*PBankW-1:0]                  wr_bank_i,
  input  logic [P*EntW-1:0]                    wr_entry_i,
  input  logic [P*loom_pkg::AccW-1:0]          col_i,
  // debug read
  input  logic                                 dbg_req_i,
  input  logic [loom_pkg::PartW-1:0]           dbg_part_i,
  input  logic [loom_pkg::SbufAddrW-1:0]       dbg_addr_i,
  output logic [loom_pkg::AccW-1:0]            dbg_rdata_o,
  // ACT read port, per partition (data the next cycle)
  input  logic [P-1:0]                         act_rd_en_i,
  input  logic [P*PAddrW-1:0]                  act_rd_addr_i,
  output logic [P*loom_pkg::AccW-1:0]          act_rd_data_o,
  // observation
  output logic [P*loom_pkg::PsumRecW-1:0]      obs_psum_o
);

  localparam int unsigned AW    = loom_pkg::AccW;
  localparam int unsigned Depth = PsumBanks * PsumEntries;
  localparam int unsigned PartQW = $clog2(P);

`ifdef LOOM_FAULT_PSUM_LATE
  localparam bit FaultLate = 1'b1;
`else
  localparam bit FaultLate = 1'b0;
`endif
`ifdef LOOM_FAULT_PSUM_ADD_ONE
  localparam bit FaultAddOne = 1'b1;
`else
  localparam bit FaultAddOne = 1'b0;
`endif
`ifdef LOOM_FAULT_PSUM_BANK_SWAP
  localparam bit FaultBankSwap = 1'b1;
`else
  localparam bit FaultBankSwap = 1'b0;
`endif

  logic [P*AW-1:0]   ram_rdata;
  logic [PartQW-1:0] dbg_part_q;

  for (genvar m = 0; m < P; m++) begin : g_part
    logic              dbg_hit, re;
    logic [PAddrW-1:0] raddr;
    logic [AW-1:0]     rdata, old, value;
    logic              fwd_q;
    logic [AW-1:0]     fwd_data_q;
    // what is written into the RAM (and observed) this cycle
    logic              we, w_acc;
    logic [PBankW-1:0] w_bank;
    logic [EntW-1:0]   w_entry;
    logic [AW-1:0]     w_data;
    logic [loom_pkg::PsumRecW-1:0] rec;
    logic [PBankW-1:0] ram_bank;   // the bank the RAM writes (w_bank unless faulty)

    assign dbg_hit = dbg_req_i && (dbg_part_i == loom_pkg::PartW'(m));
    assign re      = rd_en_i[m] || dbg_hit;
    assign raddr   = rd_en_i[m] ? rd_addr_i[m*PAddrW +: PAddrW] : dbg_addr_i[PAddrW-1:0];

    cmn_ram_nr1w #(
      .Width  (AW),
      .Depth  (Depth),
      .NumRd  (2),
      .ByteEn (1'b0)
    ) u_ram (
      .clk_i,
      .we_i    (we),
      .waddr_i ({ram_bank, w_entry}),
      .wdata_i (w_data),
      .wbe_i   (1'b1),
      .re_i    ({act_rd_en_i[m], re}),
      .raddr_i ({act_rd_addr_i[m*PAddrW +: PAddrW], raddr}),
      .rdata_o ({act_rd_data_o[m*AW +: AW], rdata})
    );

    // Write-to-read forwarding: a pre-read of the address written in the
    // same cycle returns the new word.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fwd_q <= 1'b0;
      end else if (re) begin
        fwd_q <= we && (raddr == {ram_bank, w_entry});
      end
    end
    always_ff @(posedge clk_i) begin
      if (re) begin
        fwd_data_q <= w_data;
      end
    end

    assign old   = fwd_q ? fwd_data_q : rdata;
    // The fault adds its one only on accumulate writes (the adder with old).
    assign value = (wr_acc_i[m] ? old : '0) + col_i[m*AW +: AW]
                   + AW'(FaultAddOne && wr_acc_i[m]);

    if (FaultLate && (m == 0)) begin : g_fault_late
      // Extra register stage: the write happens one cycle late.
      logic              late_we_q, late_acc_q;
      logic [PBankW-1:0] late_bank_q;
      logic [EntW-1:0]   late_entry_q;
      logic [AW-1:0]     late_data_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          late_we_q <= 1'b0;
        end else begin
          late_we_q <= wr_en_i[m];
        end
      end
      always_ff @(posedge clk_i) begin
        late_acc_q   <= wr_acc_i[m];
        late_bank_q  <= wr_bank_i[m*PBankW +: PBankW];
        late_entry_q <= wr_entry_i[m*EntW +: EntW];
        late_data_q  <= value;
      end
      assign we      = late_we_q;
      assign w_acc   = late_acc_q;
      assign w_bank  = late_bank_q;
      assign w_entry = late_entry_q;
      assign w_data  = late_data_q;
    end else begin : g_write
      assign we      = wr_en_i[m];
      assign w_acc   = wr_acc_i[m];
      assign w_bank  = wr_bank_i[m*PBankW +: PBankW];
      assign w_entry = wr_entry_i[m*EntW +: EntW];
      assign w_data  = value;
    end

    // The fault flips bank bit 0 for banks 0 and 1 only (a 1-bank PSUM
    // has nothing to swap).
    if (FaultBankSwap && (PsumBanks > 1)) begin : g_fault_swap
      assign ram_bank = (32'(w_bank) < 2) ? (w_bank ^ PBankW'(1)) : w_bank;
    end else begin : g_bank
      assign ram_bank = w_bank;
    end

    // Record layout: loom_pkg::psum_rec_t {rsvd, valid, acc, bank, entry, value}
    // (a concatenation: Yosys 0.23 cannot access struct members of a
    // variable declared inside a generate block).
    assign rec = {18'b0, we, w_acc, loom_pkg::BankW'(w_bank), loom_pkg::EntryW'(w_entry), w_data};

    assign obs_psum_o[m*loom_pkg::PsumRecW +: loom_pkg::PsumRecW] = rec;
    assign ram_rdata[m*AW +: AW] = rdata;
  end

  // Debug read data: the RAM word of the partition read in the last cycle.
  always_ff @(posedge clk_i) begin
    if (dbg_req_i) begin
      dbg_part_q <= dbg_part_i[PartQW-1:0];
    end
  end
  assign dbg_rdata_o = ram_rdata[dbg_part_q*AW +: AW];

  logic unused_dbg;
  assign unused_dbg = ^{dbg_part_i, dbg_addr_i};

`ifndef SYNTHESIS
  PsumDbgPart_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i |-> (32'(dbg_part_i) < P));
  PsumDbgAddr_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      dbg_req_i |-> (32'(dbg_addr_i) < Depth));
  for (genvar m = 0; m < P; m++) begin : g_asserts
    // The read port serves either the pre-read or the debug read.
    PsumRdConflict_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !(rd_en_i[m] && dbg_req_i && (32'(dbg_part_i) == m)));
    PsumBankRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        wr_en_i[m] |-> (32'(wr_bank_i[m*PBankW +: PBankW]) < PsumBanks));
    // An accumulate write always follows its pre-read of the same address.
    PsumAccPreRead_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        wr_en_i[m] && wr_acc_i[m] |->
        $past(rd_en_i[m]) &&
        ($past(rd_addr_i[m*PAddrW +: PAddrW]) ==
         {wr_bank_i[m*PBankW +: PBankW], wr_entry_i[m*EntW +: EntW]}));
  end
`endif

endmodule
