// Two-flip-flop synchroniser for an asynchronous input (UART RX pin, reset button).
// INIT: the value both stages take at configuration / reset (1 for an idle-high UART line).
module sync2 #(parameter INIT = 1'b1) (
  input  wire clk,
  input  wire d,       // asynchronous input
  output wire q        // synchronised to clk, 2 cycles of latency
);
  (* altera_attribute = "-name SYNCHRONIZER_IDENTIFICATION FORCED_IF_ASYNCHRONOUS" *)
  reg s1 = INIT, s2 = INIT;
  always @(posedge clk) begin
    s1 <= d;
    s2 <= s1;
  end
  assign q = s2;
endmodule
