// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// cmn_fifo: synchronous FIFO with flop storage and a registered count.
// Not fall-through: an entry pushed in cycle c is visible at rdata_o from
// cycle c+1. full_o / empty_o / count_o are functions of flops only, so a
// producer's ready = !full_o never depends combinationally on pop_i (a push
// and a pop in the same cycle are allowed when full). A synchronous clr_i
// empties it at the end of the cycle (push and pop of that cycle are
// ignored); the sequencer clears its buffers with it, the other users tie it
// to 0. Push while full (without a pop) and pop while empty are illegal
// (asserted).

module cmn_fifo #(
  parameter int unsigned Width = 64,
  parameter int unsigned Depth = 4,
  // derived, do not override
  parameter int unsigned PtrW  = (Depth > 1) ? $clog2(Depth) : 1,
  parameter int unsigned CntW  = $clog2(Depth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clr_i,
  input  logic             push_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,
  output logic [Width-1:0] rdata_o,
  output logic             full_o,
  output logic             empty_o,
  output logic [CntW-1:0]  count_o
);

  localparam logic [PtrW-1:0] LastPtr = PtrW'(Depth - 1);

  logic [Depth*Width-1:0] mem_q;
  logic [PtrW-1:0]        wptr_q, wptr_d;
  logic [PtrW-1:0]        rptr_q, rptr_d;
  logic [CntW-1:0]        count_q, count_d;

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    count_d = count_q;
    if (push_i) begin
      wptr_d = (wptr_q == LastPtr) ? '0 : wptr_q + 1'b1;
    end
    if (pop_i) begin
      rptr_d = (rptr_q == LastPtr) ? '0 : rptr_q + 1'b1;
    end
    unique case ({push_i, pop_i})
      2'b10:   count_d = count_q + 1'b1;
      2'b01:   count_d = count_q - 1'b1;
      default: count_d = count_q;
    endcase
    if (clr_i) begin
      wptr_d  = '0;
      rptr_d  = '0;
      count_d = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
    end
  end

  // Storage: plain enabled flops (no reset), one slice per entry.
  for (genvar i = 0; i < Depth; i++) begin : g_entry
    always_ff @(posedge clk_i) begin
      if (push_i && !clr_i && (wptr_q == PtrW'(i))) begin
        mem_q[i*Width +: Width] <= wdata_i;
      end
    end
  end

  assign rdata_o = mem_q[rptr_q*Width +: Width];
  assign full_o  = (count_q == CntW'(Depth));
  assign empty_o = (count_q == '0);
  assign count_o = count_q;

`ifndef SYNTHESIS
  FifoNoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (push_i && !clr_i) |-> (!full_o || pop_i));
  FifoNoUnderflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      (pop_i && !clr_i) |-> !empty_o);
  FifoCountRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      32'(count_q) <= Depth);
`endif

endmodule
