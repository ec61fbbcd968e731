// skew_fifo: the FIFO in which the earlier-arriving input stream of an add / wire block waits for the later one
// (docs/datapath.md §1, §9). push: an input pixel this cycle; pop: the block consumes its head this cycle.
// avail / head see the incoming pixel when the FIFO is empty (bypass), so a pixel can be consumed on its arrival
// cycle. DEPTH is computed by the generator from the timing schedule (the largest backlog + 1). Holds when ce = 0.
module skew_fifo #(
  parameter WIDTH = 8,
  parameter DEPTH = 2,
  parameter AW = 1
) (
  input  wire clk, input wire rst, input wire ce, input wire restart,
  input  wire push, input wire [WIDTH-1:0] din,
  input  wire pop,
  output wire avail,
  output wire [WIDTH-1:0] head
);
  reg [WIDTH-1:0] mem [0:DEPTH-1];
  reg [AW:0] count_r;
  reg [AW-1:0] rd_r, wr_r;
  wire [AW:0] count = restart ? {(AW+1){1'b0}} : count_r;
  wire [AW-1:0] rd = restart ? {AW{1'b0}} : rd_r;
  wire [AW-1:0] wr = restart ? {AW{1'b0}} : wr_r;
  wire empty = count == 0;
  assign avail = !empty || push;
  assign head = empty ? din : mem[rd];
  wire through = empty && push && pop;      // consumed on arrival: never stored
  wire store = push && !through;
  wire take = pop && !empty;
  always @(posedge clk) begin
    if (rst) begin
      count_r <= 0; rd_r <= 0; wr_r <= 0;
    end else if (ce) begin
      if (store) mem[wr] <= din;
      wr_r <= store ? ((wr == DEPTH - 1) ? {AW{1'b0}} : wr + 1'b1) : wr;
      rd_r <= take ? ((rd == DEPTH - 1) ? {AW{1'b0}} : rd + 1'b1) : rd;
      count_r <= count + store - take;
    end
  end
endmodule
