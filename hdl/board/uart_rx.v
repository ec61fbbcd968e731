// UART receiver, 8N1, LSB first. CLKS_PER_BIT = clock frequency / baud rate (e.g. 100 MHz / 921 600 -> 108).
// `rx` must already be synchronised to clk (sync2). A byte whose stop bit reads 0 is dropped (framing error) and
// counted on `frame_err` (one-cycle pulse); the frame decoder recovers from the lost byte by its CRC checks.
module uart_rx #(parameter CLKS_PER_BIT = 108) (
  input  wire       clk,
  input  wire       rst,        // synchronous, active high
  input  wire       rx,         // synchronised line, idle high
  output reg  [7:0] data,       // received byte, valid with `valid`
  output reg        valid,      // one-cycle pulse per received byte
  output reg        frame_err   // one-cycle pulse: stop bit was 0, byte dropped
);
  localparam CW = $clog2(CLKS_PER_BIT + 1);
  // the start bit is seen 3 cycles late (2-FF synchroniser + the IDLE register): sample bits at their middle
  localparam HALF = CLKS_PER_BIT / 2 > 3 ? CLKS_PER_BIT / 2 - 3 : 0;
  localparam [1:0] IDLE = 2'd0, START = 2'd1, BITS = 2'd2, STOP = 2'd3;
  reg [1:0] state;
  reg [CW-1:0] cnt;
  reg [2:0] bitn;
  reg [7:0] shift;
  always @(posedge clk) begin
    valid <= 1'b0;
    frame_err <= 1'b0;
    if (rst) begin
      state <= IDLE; cnt <= 0; bitn <= 0; shift <= 8'd0; data <= 8'd0;
    end else case (state)
      IDLE: if (!rx) begin state <= START; cnt <= 0; end
      START: // confirm the start bit at its middle
        if (cnt == HALF) begin
          if (!rx) begin state <= BITS; cnt <= 0; bitn <= 0; end
          else state <= IDLE; // a glitch
        end else cnt <= cnt + 1'b1;
      BITS:
        if (cnt == CLKS_PER_BIT - 1) begin
          cnt <= 0;
          shift <= {rx, shift[7:1]};
          if (bitn == 3'd7) state <= STOP;
          bitn <= bitn + 1'b1;
        end else cnt <= cnt + 1'b1;
      STOP:
        if (cnt == CLKS_PER_BIT - 1) begin
          state <= IDLE;
          cnt <= 0;
          if (rx) begin data <= shift; valid <= 1'b1; end
          else frame_err <= 1'b1;
        end else cnt <= cnt + 1'b1;
    endcase
  end
endmodule
