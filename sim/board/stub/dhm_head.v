// TEST-ONLY stand-in for the generated head (contract: prompts' head interface, issue 13), used until a generated
// head is available: the DhmProgram of sim/board/stub-program.ts — one `wire` layer (latency 1) that outputs
// input channels [B, R, G, G, R] (5 x UFIXED<8,8>), so t(k) = k + 1 (docs/datapath.md 9).
module dhm_head (
  input  wire clk,
  input  wire rst,
  input  wire ce,
  input  wire in_valid,
  input  wire [23:0] in_rgb,     // {B, G, R}
  input  wire in_first,
  output reg  out_valid,
  output reg  [39:0] out_data,   // channel c at [c*8 +: 8]
  output reg  out_last,
  output wire [31:0] cycle
);
  `include "dhm_head_params.vh"
  reg [31:0] cnt;                // enabled cycles since in_first, for the next cycle
  reg [31:0] npix;
  assign cycle = (in_valid && in_first) ? 32'd0 : cnt;
  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 0; out_data <= 0; out_last <= 0; cnt <= 0; npix <= 0;
    end else if (ce) begin
      cnt <= (in_valid && in_first) ? 32'd1 : cnt + 1'b1;
      out_valid <= in_valid;
      out_data <= {in_rgb[7:0], in_rgb[15:8], in_rgb[15:8], in_rgb[7:0], in_rgb[23:16]};
      npix <= in_valid ? ((in_first ? 32'd0 : npix) + 1'b1) : npix;
      out_last <= in_valid && ((in_first ? 32'd0 : npix) + 1 == `DHM_IN_H * `DHM_IN_W);
    end
  end
endmodule
