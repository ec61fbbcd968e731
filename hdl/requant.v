// requant: activation (docs/datapath.md §5) then overflow (§6) of a re-quantised value, combinational.
// in: IN_W-bit signed (the output of round_shift); out: OUT_BITS-bit code of the output stream format
// (two's complement when OUT_SIGNED, else unsigned). ACT: 0 none, 1 relu, 2 relu6, 3 hardtanh. SIX = floor(6·2^f),
// ONE = floor(2^f) in output codes (f = fracBits(out)). OVF: 0 saturate, 1 wrap (keep the low OUT_BITS bits).
module requant #(
  parameter IN_W = 16,
  parameter ACT = 0,
  parameter SIX = 0,
  parameter ONE = 0,
  parameter OUT_BITS = 8,
  parameter OUT_SIGNED = 1,
  parameter OVF = 0,
  parameter EW = 42      // internal width: holds in, SIX, ONE and the output range with a sign bit (the generator sizes it)
) (
  input  wire signed [IN_W-1:0] in,
  output wire [OUT_BITS-1:0] out
);
  wire signed [EW-1:0] v = in;
  wire signed [EW-1:0] zero = 0;
  wire signed [EW-1:0] six = SIX;
  wire signed [EW-1:0] one = ONE;
  wire signed [EW-1:0] mone = -one;
  wire signed [EW-1:0] a =
      ACT == 1 ? (v < zero ? zero : v) :
      ACT == 2 ? (v < zero ? zero : (v > six ? six : v)) :
      ACT == 3 ? (v < mone ? mone : (v > one ? one : v)) : v;
  wire signed [EW-1:0] lo = OUT_SIGNED ? -({{(EW-1){1'b0}}, 1'b1} <<< (OUT_BITS - 1)) : zero;
  wire signed [EW-1:0] hi = OUT_SIGNED ? ({{(EW-1){1'b0}}, 1'b1} <<< (OUT_BITS - 1)) - 1 : ({{(EW-1){1'b0}}, 1'b1} <<< OUT_BITS) - 1;
  wire signed [EW-1:0] sat = a < lo ? lo : (a > hi ? hi : a);
  assign out = OVF == 0 ? sat[OUT_BITS-1:0] : a[OUT_BITS-1:0];
endmodule
