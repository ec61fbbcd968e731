// The RESULT stream (docs/protocol.md section 6, version 2) as bytes, generated while the head runs:
// a 16-byte header (format, shape, packed-map size), the packed feature map (section 6.1: HWC, channel-fastest,
// 1/2/4 bytes per value, zero-padded to whole 32-bit words), then the trailer (cycle counts, no per-layer
// entries, CRC-32 of the packed map). Output pixels come from the head through a small FIFO (`push`, `room`);
// the trailer waits for `cycles_valid` (the head's last output pixel). Needs no feature-map buffer.
module result_packer #(
  parameter OUT_C = 8,
  parameter OUT_BITS = 8,
  parameter OUT_SIGNED = 0,
  parameter OUT_INTBITS = 4,
  parameter OUT_H = 16,
  parameter OUT_W = 16,
  parameter FIFO_LOG2 = 3
) (
  input  wire                      clk,
  input  wire                      rst,          // also pulsed at every new run
  input  wire                      push,         // an output pixel of the head
  input  wire [OUT_C*OUT_BITS-1:0] push_data,
  output wire                      room,         // the FIFO can take a pixel on the next enabled head cycle
  input  wire [31:0]               first_cycle,  // head cycle of the first output pixel
  input  wire [31:0]               total_cycles, // last output pixel's cycle + 1
  input  wire                      cycles_valid,
  output wire [7:0]                byte_data,
  output wire                      byte_valid,
  input  wire                      byte_ready
);
  localparam BPV = OUT_BITS <= 8 ? 1 : OUT_BITS <= 16 ? 2 : 4;       // bytes per value
  localparam PACKING = BPV == 1 ? 1 : BPV == 2 ? 2 : 3;
  localparam PIX_BYTES = OUT_C * BPV;
  localparam MAP_BYTES = OUT_C * OUT_H * OUT_W * BPV;
  localparam P = (MAP_BYTES + 3) / 4 * 4;
  localparam TOTAL = 16 + P + 16;                                    // stream bytes
  localparam DEPTH = 1 << FIFO_LOG2;
  localparam W = OUT_C * OUT_BITS;

  // output FIFO
  reg [W-1:0] mem [0:DEPTH-1];
  reg [FIFO_LOG2:0] wp, rp;
  wire [FIFO_LOG2:0] count = wp - rp;
  assign room = count < DEPTH;
  reg [W-1:0] pix;
  reg have;
  reg [15:0] k;                 // byte index within the current pixel
  reg [31:0] pos;               // stream byte position
  reg [31:0] crc;
  wire in_map = pos >= 16 && pos < 16 + MAP_BYTES;
  wire in_pad = pos >= 16 + MAP_BYTES && pos < 16 + P;
  wire in_trailer = pos >= 16 + P;

  // current value, extended to 32 bits
  wire [15:0] chan = k / BPV;
  wire [1:0] bsel = k % BPV;
  wire [OUT_BITS-1:0] raw = pix[chan*OUT_BITS +: OUT_BITS];
  wire [31:0] ext = (OUT_SIGNED != 0) ? {{(32-OUT_BITS){raw[OUT_BITS-1]}}, raw} : {{(32-OUT_BITS){1'b0}}, raw};
  wire [7:0] vbyte = ext[bsel*8 +: 8];
  wire [31:0] crc_fin = ~crc;
  wire [31:0] tpos = pos - (16 + P);
  reg [7:0] b;
  always @* begin
    b = 8'd0;
    if (pos < 16) case (pos[3:0])
      4'd0: b = OUT_SIGNED != 0 ? 8'd1 : 8'd0;
      4'd1: b = OUT_BITS;
      4'd2: b = OUT_INTBITS;
      4'd3: b = PACKING;
      4'd4: b = OUT_C & 255;   4'd5: b = (OUT_C >> 8) & 255;
      4'd6: b = OUT_H & 255;   4'd7: b = (OUT_H >> 8) & 255;
      4'd8: b = OUT_W & 255;   4'd9: b = (OUT_W >> 8) & 255;
      4'd12: b = P & 255;      4'd13: b = (P >> 8) & 255;
      4'd14: b = (P >> 16) & 255; 4'd15: b = (P >> 24) & 255;
      default: b = 8'd0;
    endcase
    else if (in_map) b = vbyte;
    else if (in_trailer) case (tpos[3:0])
      4'd0: b = first_cycle[7:0];   4'd1: b = first_cycle[15:8];
      4'd2: b = first_cycle[23:16]; 4'd3: b = first_cycle[31:24];
      4'd4: b = total_cycles[7:0];  4'd5: b = total_cycles[15:8];
      4'd6: b = total_cycles[23:16]; 4'd7: b = total_cycles[31:24];
      4'd12: b = crc_fin[7:0];      4'd13: b = crc_fin[15:8];
      4'd14: b = crc_fin[23:16];    4'd15: b = crc_fin[31:24];
      default: b = 8'd0;            // per-layer entry count 0, reserved
    endcase
  end
  assign byte_data = b;
  assign byte_valid = pos < TOTAL && (in_map ? have : in_trailer ? cycles_valid : 1'b1);
  wire take = byte_valid && byte_ready;
  wire [31:0] crc_next;
  crc32 u_crc (.crc_in(crc), .data(b), .crc_out(crc_next));

  always @(posedge clk) begin
    if (rst) begin
      wp <= 0; rp <= 0; have <= 1'b0; k <= 0; pos <= 0; crc <= 32'hFFFFFFFF; pix <= {W{1'b0}};
    end else begin
      if (push) begin mem[wp[FIFO_LOG2-1:0]] <= push_data; wp <= wp + 1'b1; end
      if (take) begin
        pos <= pos + 1'b1;
        if (in_map || in_pad) crc <= crc_next;
        if (in_map) begin
          if (k == PIX_BYTES - 1) begin k <= 0; have <= 1'b0; end
          else k <= k + 1'b1;
        end
      end
      if (!have && count != 0) begin  // one idle cycle per pixel; the UART is far slower
        pix <= mem[rp[FIFO_LOG2-1:0]];
        rp <= rp + 1'b1;
        have <= 1'b1;
      end
    end
  end
endmodule
