// round_shift: v · 2^-SHIFT with rounding (docs/datapath.md §4), combinational, exact.
// in: IN_W-bit signed; out: OUT_W-bit signed (the caller sizes OUT_W to hold the result: IN_W - SHIFT + 1 for
// SHIFT > 0, IN_W - SHIFT for SHIFT <= 0). ROUND: 0 floor, 1 half-up, 2 half-even. SHIFT <= 0: exact left shift.
module round_shift #(
  parameter IN_W = 8,
  parameter OUT_W = 9,
  parameter SHIFT = 0,
  parameter ROUND = 0
) (
  input  wire signed [IN_W-1:0]  in,
  output wire signed [OUT_W-1:0] out
);
  localparam integer POS = SHIFT > 0 ? SHIFT : 0;
  localparam integer NEG = SHIFT < 0 ? -SHIFT : 0;
  localparam integer EW = (IN_W > OUT_W ? IN_W : OUT_W) + POS + NEG + 2;
  wire signed [EW-1:0] x = in;                 // sign extension
  generate
    if (SHIFT <= 0) begin : left
      wire signed [EW-1:0] y = x <<< NEG;
      assign out = y[OUT_W-1:0];
    end else if (ROUND == 0) begin : floor_
      wire signed [EW-1:0] y = x >>> POS;
      assign out = y[OUT_W-1:0];
    end else if (ROUND == 1) begin : half_up
      wire signed [EW-1:0] half = {{(EW-1){1'b0}}, 1'b1} <<< (POS - 1);
      wire signed [EW-1:0] sum = x + half;
      wire signed [EW-1:0] y = sum >>> POS;
      assign out = y[OUT_W-1:0];
    end else begin : half_even
      wire signed [EW-1:0] q = x >>> POS;
      wire [POS-1:0] r = x[POS-1:0];                       // remainder v - q·2^s, 0 .. 2^s - 1
      wire [POS:0] unit = {{POS{1'b0}}, 1'b1};
      wire [POS:0] half1 = unit << (POS - 1);
      wire [POS-1:0] half = half1[POS-1:0];
      wire up = (r > half) || (r == half && q[0]);
      wire signed [EW-1:0] y = q + {{(EW-1){1'b0}}, up};
      assign out = y[OUT_W-1:0];
    end
  endgenerate
endmodule
