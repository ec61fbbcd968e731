// CRC-32 (IEEE 802.3 / zlib: reflected polynomial 0xEDB88320) of one byte, combinational.
// Running register convention: start from 32'hFFFFFFFF, feed bytes, the CRC is ~register
// (crc32("123456789") = 0xCBF43926, docs/protocol.md section 2).
module crc32 (
  input  wire [31:0] crc_in,   // running register before the byte
  input  wire [7:0]  data,
  output wire [31:0] crc_out   // running register after the byte
);
  function [31:0] step;
    input [31:0] c;
    input [7:0] d;
    integer i;
    reg [31:0] r;
    begin
      r = c ^ {24'd0, d};
      for (i = 0; i < 8; i = i + 1) r = r[0] ? ((r >> 1) ^ 32'hEDB88320) : (r >> 1);
      step = r;
    end
  endfunction
  assign crc_out = step(crc_in, data);
endmodule
