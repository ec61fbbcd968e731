// UART transmitter, 8N1, LSB first. CLKS_PER_BIT = clock frequency / baud rate.
// Present `data` with `start` while `busy` is low; the byte occupies the line for 10 * CLKS_PER_BIT cycles.
module uart_tx #(parameter CLKS_PER_BIT = 108) (
  input  wire       clk,
  input  wire       rst,    // synchronous, active high
  input  wire [7:0] data,
  input  wire       start,  // accepted when !busy
  output reg        tx,     // line, idle high
  output wire       busy
);
  localparam CW = $clog2(CLKS_PER_BIT + 1);
  reg [CW-1:0] cnt;
  reg [3:0] bitn;          // 0 = start bit, 1..8 data, 9 stop
  reg [8:0] shift;         // {data, start bit}
  reg active;
  assign busy = active;
  always @(posedge clk) begin
    if (rst) begin
      tx <= 1'b1; active <= 1'b0; cnt <= 0; bitn <= 0; shift <= 9'h1ff;
    end else if (!active) begin
      tx <= 1'b1;
      if (start) begin
        active <= 1'b1;
        shift <= {data, 1'b0};
        tx <= 1'b0;
        cnt <= 0;
        bitn <= 0;
      end
    end else if (cnt == CLKS_PER_BIT - 1) begin
      cnt <= 0;
      if (bitn == 4'd9) begin
        active <= 1'b0;
        tx <= 1'b1;
      end else begin
        bitn <= bitn + 1'b1;
        if (bitn == 4'd8) tx <= 1'b1;           // stop bit
        else begin tx <= shift[1]; shift <= {1'b1, shift[8:1]}; end
      end
    end else cnt <= cnt + 1'b1;
  end
endmodule
