// Copyright Loom contributors.
// SPDX-License-Identifier: Apache-2.0
//
// act_lane: the arithmetic lane of the ACT engine (docs/isa.md, ACT), one
// element per cycle, fully pipelined, latency 3 (docs/rtl.md, act_lane).
//
//   act.requant (mode_i 0): y = sat_int8(relu?(round_shift((x + bias) * scale, shift)))
//   act.copy    (mode_i 1): y = x                    (bias, scale, shift, relu ignored)
//
// Exact arithmetic, no intermediate wraps:
//   stage 1  t = x + bias                              33 bits signed
//   stage 2  v = t * scale                             49 bits signed, |v| <= 2^47
//   stage 3  w = (2 v) >>> shift                       50 bits signed (one fraction bit)
//            r = (w + 1) >>> 1 = round_shift(v, shift) 49 bits signed
//            y = sat_int8(relu ? max(r, 0) : r), sign-extended to 32 bits
// (w + 1) >>> 1 = floor((floor(v / 2^(s-1)) + 1) / 2) = floor((v + 2^(s-1)) / 2^s)
// for s >= 1 (round half up: add half an LSB, then shift), and (2v + 1) >>> 1 = v
// for s = 0, so no shift is special. Shifts 50..63 move out every bit of 2v
// (w = 0 or -1, r = 0), as the definition gives.
// Copy runs through the same datapath with bias 0, scale 1, shift 0, no ReLU
// and no saturation: y = r[31:0] = x.
//
// Valid bits are reset; datapath flops are not, and load only with a valid
// element, so y_o holds the last result while valid_o is low.
// Free of loom_pkg: every width here is fixed by the ISA.
//
// LOOM_FAULT_ACT_ROUND (fault injection only): ties round down instead of
// up (r - 1 when v is exactly half way between two results, shift >= 1),
// before ReLU and saturation; every other value is unchanged.

module act_lane (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               valid_i,
  input  logic signed [31:0] x_i,       // element (int32, PSUM or SBUF)
  input  logic signed [31:0] bias_i,    // bias[p] (int32)
  input  logic signed [15:0] scale_i,   // scale[p] (int16)
  input  logic        [5:0]  shift_i,   // right shift 0..63
  input  logic               relu_i,
  input  logic        [2:0]  mode_i,    // ISA ACT mode: 0 requant, 1 copy (2..7 reserved)
  output logic               valid_o,
  output logic signed [31:0] y_o        // requant: int8 sign-extended; copy: int32
);

  localparam int XW     = 32;        // x, bias, y
  localparam int ScaleW = 16;        // scale
  localparam int ShiftW = 6;         // shift
  localparam int SumW   = XW + 1;    // t = x + bias (derived, do not override)
  localparam int ProdW  = SumW + ScaleW;  // v = t * scale (derived, do not override)
  localparam int FracW  = ProdW + 1;      // 2v with one fraction bit (derived, do not override)

  logic copy;
  assign copy = (mode_i == 3'd1);

  // ---------------------------------------------------------------------------
  // Stage 1: add the bias (copy: bias 0, scale 1, shift 0, no ReLU)
  // ---------------------------------------------------------------------------
  logic                     valid1_q;
  logic signed [SumW-1:0]   t_d, t_q;
  logic signed [ScaleW-1:0] scale_d, scale_q;
  logic        [ShiftW-1:0] shift_d, shift1_q;
  logic                     relu_d, relu1_q, copy1_q;

  always_comb begin
    t_d     = SumW'(x_i) + SumW'(bias_i);
    scale_d = scale_i;
    shift_d = shift_i;
    relu_d  = relu_i;
    if (copy) begin
      t_d     = SumW'(x_i);
      scale_d = ScaleW'(1);
      shift_d = '0;
      relu_d  = 1'b0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (valid_i) begin
      t_q      <= t_d;
      scale_q  <= scale_d;
      shift1_q <= shift_d;
      relu1_q  <= relu_d;
      copy1_q  <= copy;
    end
  end

  // ---------------------------------------------------------------------------
  // Stage 2: multiply by the scale (33 x 16 -> 49 bits, exact)
  // ---------------------------------------------------------------------------
  logic                     valid2_q;
  logic signed [ProdW-1:0]  v_d, v_q;
  logic        [ShiftW-1:0] shift2_q;
  logic                     relu2_q, copy2_q;

  assign v_d = ProdW'(t_q) * ProdW'(scale_q);

  always_ff @(posedge clk_i) begin
    if (valid1_q) begin
      v_q      <= v_d;
      shift2_q <= shift1_q;
      relu2_q  <= relu1_q;
      copy2_q  <= copy1_q;
    end
  end

  // ---------------------------------------------------------------------------
  // Stage 3: round half up, shift, ReLU, saturate
  // ---------------------------------------------------------------------------
  logic signed [FracW-1:0] w, w_inc;
  logic signed [ProdW-1:0] r, r_ok;
  logic                    r_fits;   // r is an int8
  logic signed [7:0]       y8;
  logic signed [XW-1:0]    y_d, y_q;
  logic                    unused_w_inc;

  assign w     = $signed({v_q, 1'b0}) >>> shift2_q;
  assign w_inc = w + FracW'(1);       // |w| <= 2^48: no overflow
  assign r_ok  = w_inc[FracW-1:1];
  assign unused_w_inc = w_inc[0];
`ifdef LOOM_FAULT_ACT_ROUND
  // A tie: the bits shifted out are exactly 100..0 (shift 1..ProdW; larger
  // shifts move out every bit, |v| < 2^48 is never a tie there).
  logic [ProdW-1:0] tie_mask, tie_half;
  logic             tie;
  assign tie_mask = ~({ProdW{1'b1}} << shift2_q);
  assign tie_half = ProdW'(1) << (shift2_q - ShiftW'(1));
  assign tie      = (shift2_q != '0) && (32'(shift2_q) <= ProdW)
                    && ((v_q & tie_mask) == tie_half);
  assign r        = tie ? r_ok - ProdW'(1) : r_ok;
`else
  assign r        = r_ok;
`endif
  assign r_fits = (r[ProdW-1:7] == {(ProdW - 7){r[7]}});

  always_comb begin
    if (relu2_q && r[ProdW-1]) begin
      y8 = 8'h00;
    end else if (r_fits) begin
      y8 = r[7:0];
    end else if (r[ProdW-1]) begin
      y8 = 8'h80;   // -128
    end else begin
      y8 = 8'h7f;   //  127
    end
    y_d = copy2_q ? r[XW-1:0] : {{(XW - 8){y8[7]}}, y8};
  end

  always_ff @(posedge clk_i) begin
    if (valid2_q) begin
      y_q <= y_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Valid pipeline (reset)
  // ---------------------------------------------------------------------------
  logic valid3_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid1_q <= 1'b0;
      valid2_q <= 1'b0;
      valid3_q <= 1'b0;
    end else begin
      valid1_q <= valid_i;
      valid2_q <= valid1_q;
      valid3_q <= valid2_q;
    end
  end

  assign valid_o = valid3_q;
  assign y_o     = y_q;

  // ---------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------
`ifndef SYNTHESIS
  // Only the two defined modes (2..7 are reserved, the decoder rejects them).
  ActModeLegal_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    valid_i |-> (mode_i <= 3'd1));
  // A copied element is an int32 after the multiply by 1.
  ActCopyExact_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (valid2_q && copy2_q) |-> (v_q[ProdW-1:XW-1] == {(ProdW - XW + 1){v_q[XW-1]}}
                               && shift2_q == '0 && !relu2_q));
  // A requantized result is an int8 (sign-extended), and >= 0 with ReLU.
  ActReqInt8_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (valid2_q && !copy2_q) |-> (y_d[XW-1:7] == {(XW - 7){y_d[7]}}));
  ActReluNonNeg_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
    (valid2_q && relu2_q) |-> !y_d[XW-1]);
`endif

endmodule
