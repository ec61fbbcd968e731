// line_buffer: circular buffer of ROWS input rows x COLS pixels (WORD bits each: all channels of one pixel),
// written once per input pixel at (wr_slot, wr_col), read at NREAD arbitrary (slot, col) taps in the same cycle.
// A tap that reads the pixel being written in this cycle gets the incoming pixel (write-through bypass), so a
// window can be issued on the cycle its last input pixel arrives (docs/rtl.md, "Window timing").
// Verilog-2005. Holds when ce = 0.
module line_buffer #(
  parameter WORD  = 8,   // bits per pixel (channels x stream bits)
  parameter ROWS  = 1,   // rows kept (computed by the generator from the timing schedule)
  parameter COLS  = 1,   // pixels per row (input width)
  parameter NREAD = 1,   // read taps
  parameter SW    = 1,   // bits of a slot index
  parameter CW    = 1    // bits of a column index
) (
  input  wire                  clk,
  input  wire                  ce,
  input  wire                  wr_en,
  input  wire [SW-1:0]         wr_slot,
  input  wire [CW-1:0]         wr_col,
  input  wire [WORD-1:0]       wr_data,
  input  wire [NREAD*SW-1:0]   rd_slot,
  input  wire [NREAD*CW-1:0]   rd_col,
  output wire [NREAD*WORD-1:0] rd_data
);
  reg [WORD-1:0] mem [0:ROWS*COLS-1];
  always @(posedge clk) if (ce && wr_en) mem[wr_slot * COLS + wr_col] <= wr_data;
  genvar t;
  generate for (t = 0; t < NREAD; t = t + 1) begin : rd
    wire [SW-1:0] s = rd_slot[t*SW +: SW];
    wire [CW-1:0] c = rd_col[t*CW +: CW];
    wire in_range = (s < ROWS) && (c < COLS);
    wire [WORD-1:0] stored = in_range ? mem[s * COLS + c] : {WORD{1'b0}};
    assign rd_data[t*WORD +: WORD] = (wr_en && s == wr_slot && c == wr_col) ? wr_data : stored;
  end endgenerate
endmodule
