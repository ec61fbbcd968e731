// cycle_counter: per-layer cycle counters (docs/datapath.md §9): the enabled cycle of a stream's first and last
// output pixel in the current frame and the number of output pixels, counted from the frame start (restart = cycle 0).
module cycle_counter (
  input  wire clk, input wire rst, input wire ce, input wire restart,
  input  wire valid,
  output wire [31:0] cycle,
  output reg  [31:0] first_cycle,
  output reg  [31:0] last_cycle,
  output reg  [31:0] count
);
  reg [31:0] now_r;
  assign cycle = restart ? 32'd0 : now_r;
  always @(posedge clk) begin
    if (rst) begin
      now_r <= 0; first_cycle <= 32'hffffffff; last_cycle <= 32'hffffffff; count <= 0;
    end else if (ce) begin
      now_r <= cycle + 1;
      if (restart) begin first_cycle <= 32'hffffffff; last_cycle <= 32'hffffffff; count <= 0; end
      if (valid) begin
        if (restart || count == 0) first_cycle <= cycle;
        last_cycle <= cycle;
        count <= (restart ? 32'd0 : count) + 1;
      end
    end
  end
endmodule
