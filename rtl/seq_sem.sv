// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// seq_sem: the sequencer's semaphores (docs/isa.md "Semaphores",
// docs/sequencer.md). Semaphores 16-bit counters, cleared by clear_i, that
// only count up. In each cycle every valid signal source adds its inc to its
// semaphore; several signals in one cycle all count (summed per semaphore).
// If a semaphore's sum would exceed 65535 it keeps its old value and
// overflow_o names the lowest instruction index among the sources that
// signalled it in this cycle (the other semaphores update normally). The new
// values are visible at sem_o from the next cycle; obs_* show this cycle's
// changes (combinational).
// LOOM_FAULT_SEM_EARLY (fault injection only): sem_o, what the waits compare
// against, reads one more than the counter (saturating at 65535), so every
// wait is released one signal early; the counters and obs_* are unchanged.

module seq_sem #(
  parameter int unsigned Semaphores = 16,  // 1..32
  parameter int unsigned N          = 10   // signal sources
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  input  logic                     clear_i,       // all counters to 0 (start)
  input  logic [N-1:0]             sig_valid_i,   // source i signals in this cycle
  input  logic [N*5-1:0]           sig_sem_i,     // its semaphore (< Semaphores)
  input  logic [N*8-1:0]           sig_inc_i,     // its increment (1..255)
  input  logic [N*32-1:0]          sig_index_i,   // its instruction index
  output logic [Semaphores*16-1:0] sem_o,         // counters (registered)
  output logic [Semaphores-1:0]    chg_o,         // semaphore s changes at this edge
  output logic [Semaphores*16-1:0] next_o,        // values after this edge
  output logic                     overflow_o,
  output logic [31:0]              overflow_index_o
);

  localparam int unsigned SumW = 16 + 4 + 8;  // up to 16 sources of 255 on 65535

`ifdef LOOM_FAULT_SEM_EARLY
  localparam bit FaultEarly = 1'b1;
`else
  localparam bit FaultEarly = 1'b0;
`endif

  logic [Semaphores*16-1:0] sem_q, sem_d;
  logic [Semaphores-1:0]    ovf;
  logic [31:0]              ovf32;
  assign ovf32 = 32'(ovf);

  always_comb begin
    sem_d = sem_q;
    chg_o = '0;
    ovf   = '0;
    for (int s = 0; s < Semaphores; s++) begin
      logic [SumW-1:0] sum;
      logic            any;
      sum = SumW'(sem_q[s*16 +: 16]);
      any = 1'b0;
      for (int i = 0; i < N; i++) begin
        if (sig_valid_i[i] && 32'(sig_sem_i[i*5 +: 5]) == s) begin
          sum = sum + SumW'(sig_inc_i[i*8 +: 8]);
          any = 1'b1;
        end
      end
      if (any && sum > SumW'(16'hffff)) begin
        ovf[s] = 1'b1;
      end else if (any) begin
        sem_d[s*16 +: 16] = sum[15:0];
        chg_o[s] = 1'b1;
      end
    end
    if (clear_i) sem_d = '0;
  end

  // The lowest index among the sources that signal an overflowing semaphore.
  always_comb begin
    overflow_o       = 1'b0;
    overflow_index_o = '1;
    for (int i = 0; i < N; i++) begin
      if (sig_valid_i[i] && ovf32[sig_sem_i[i*5 +: 5]]
          && (!overflow_o || sig_index_i[i*32 +: 32] < overflow_index_o)) begin
        overflow_o       = 1'b1;
        overflow_index_o = sig_index_i[i*32 +: 32];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sem_q <= '0;
    end else begin
      sem_q <= sem_d;
    end
  end

  if (FaultEarly) begin : g_fault_early
    for (genvar s = 0; s < Semaphores; s++) begin : g_sem
      assign sem_o[s*16 +: 16] = (sem_q[s*16 +: 16] == 16'hffff) ? 16'hffff
                                                                 : sem_q[s*16 +: 16] + 16'd1;
    end
  end else begin : g_sem_o
    assign sem_o = sem_q;
  end
  assign next_o = sem_d;

`ifndef SYNTHESIS
  // Every signal names an existing semaphore (seq_decode rejects the others).
  for (genvar i = 0; i < N; i++) begin : g_chk
    SemIdInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        sig_valid_i[i] |-> (32'(sig_sem_i[i*5 +: 5]) < Semaphores && sig_inc_i[i*8 +: 8] != '0));
  end
  // Counters only grow (until the next clear); an overflowing one keeps its value.
  for (genvar s = 0; s < Semaphores; s++) begin : g_mono
    SemMonotonic_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !clear_i |-> (sem_d[s*16 +: 16] >= sem_q[s*16 +: 16]
                      && (!ovf[s] || sem_d[s*16 +: 16] == sem_q[s*16 +: 16])));
  end
`endif

endmodule
