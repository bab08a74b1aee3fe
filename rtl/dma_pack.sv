// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// dma_pack: the DMA's byte realignment buffer (docs/dma.md), a byte FIFO of
// BufBytes = 4 * LaneBytes bytes. Byte 0 of buf_q is the oldest byte; bytes
// at and above cnt_q are zero.
//   push : bytes in_lo .. in_lo + in_n - 1 of in_data_i are appended
//   pop  : the oldest out_n bytes leave, placed at lanes out_lo ..
//          out_lo + out_n - 1 of out_data_o (other lanes zero), out_strb_o
//          marks them
// In one cycle the pop is taken first, then the push is appended; pushed
// bytes can be popped from the next cycle. flush_i empties the buffer.

module dma_pack #(
  parameter int unsigned LaneBytes = 8,
  // derived, do not override
  parameter int unsigned BufBytes  = 4 * LaneBytes,
  parameter int unsigned LoW       = $clog2(LaneBytes),
  parameter int unsigned NW        = $clog2(LaneBytes + 1),
  parameter int unsigned CntW      = $clog2(BufBytes + 1)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   flush_i,
  input  logic                   push_i,
  input  logic [8*LaneBytes-1:0] in_data_i,
  input  logic [LoW-1:0]         in_lo_i,
  input  logic [NW-1:0]          in_n_i,
  input  logic                   pop_i,
  input  logic [LoW-1:0]         out_lo_i,
  input  logic [NW-1:0]          out_n_i,
  output logic [8*LaneBytes-1:0] out_data_o,
  output logic [LaneBytes-1:0]   out_strb_o,
  output logic [CntW-1:0]        cnt_o
);

  localparam int unsigned LaneW = 8 * LaneBytes;
  localparam int unsigned BufW  = 8 * BufBytes;

  logic [BufW-1:0]  buf_q, buf_d;
  logic [CntW-1:0]  cnt_q, cnt_d;

  // Input: the valid bytes moved to lane 0, the rest zero.
  logic [LaneW-1:0]     in_sh, in_al;
  logic [LaneBytes-1:0] in_mask, out_mask;
  logic [LaneW-1:0]     head;

  assign in_sh = in_data_i >> {in_lo_i, 3'b000};
  for (genvar i = 0; i < LaneBytes; i++) begin : g_lane
    assign in_mask[i]         = (NW'(i) < in_n_i);
    assign out_mask[i]        = (NW'(i) < out_n_i);
    assign in_al[8*i +: 8]    = in_mask[i] ? in_sh[8*i +: 8] : 8'h00;
    assign head[8*i +: 8]     = out_mask[i] ? buf_q[8*i +: 8] : 8'h00;
  end

  logic [NW-1:0]   k;
  logic [CntW-1:0] pos;

  assign k   = pop_i ? out_n_i : '0;
  assign pos = cnt_q - CntW'(k);

  always_comb begin
    buf_d = buf_q;
    cnt_d = cnt_q;
    if (flush_i) begin
      buf_d = '0;
      cnt_d = '0;
    end else begin
      buf_d = buf_q >> {k, 3'b000};
      cnt_d = pos;
      if (push_i) begin
        buf_d = buf_d | (BufW'(in_al) << {pos, 3'b000});
        cnt_d = pos + CntW'(in_n_i);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q <= '0;
      cnt_q <= '0;
    end else begin
      buf_q <= buf_d;
      cnt_q <= cnt_d;
    end
  end

  assign out_data_o = head << {out_lo_i, 3'b000};
  assign out_strb_o = out_mask << out_lo_i;
  assign cnt_o      = cnt_q;

`ifndef SYNTHESIS
  PackNoUnderflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pop_i && !flush_i |-> (32'(out_n_i) <= 32'(cnt_q)));
  PackNoOverflow_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push_i && !flush_i |-> (32'(pos) + 32'(in_n_i) <= BufBytes));
  PackInLanes_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push_i |-> (32'(in_lo_i) + 32'(in_n_i) <= LaneBytes));
  PackOutLanes_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      pop_i |-> (32'(out_lo_i) + 32'(out_n_i) <= LaneBytes));
`endif

endmodule
