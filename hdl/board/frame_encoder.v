// Frame encoder (docs/protocol.md section 2): emits sync, header, header check, payload and CRC-32 byte by byte
// into the UART transmitter, computing both checks on the fly. The payload is read through `pl_idx` ->
// `pl_data` (combinational, from the endpoint's payload multiplexer). `len_field` is what the header declares,
// `len` how many payload bytes are sent: equal, except for the oversize-length fault (test input).
module frame_encoder #(parameter VERSION = 2) (
  input  wire        clk,
  input  wire        rst,
  input  wire        send,           // pulse while !busy: start a frame
  input  wire [7:0]  type_in,
  input  wire [15:0] len,            // payload bytes sent
  input  wire [31:0] len_field,      // payload length written in the header
  input  wire [7:0]  version,        // VERSION, or another one for the wrong-version fault
  output wire [15:0] pl_idx,         // index of the payload byte wanted
  input  wire [7:0]  pl_data,
  output wire        busy,
  // to the UART transmitter
  output reg  [7:0]  tx_data,
  output reg         tx_start,
  output reg         tx_last,        // with tx_start: the frame's last byte
  input  wire        tx_busy
);
  localparam [1:0] IDLE = 2'd0, HDR = 2'd1, PAY = 2'd2, CRC = 2'd3;
  reg [1:0] state;
  reg [3:0] hidx;
  reg [15:0] pidx, plen;
  reg [1:0] cidx;
  reg [31:0] crc, lenf, crcf;
  reg [15:0] hcheck;
  reg [7:0] typ, ver;
  reg [15:0] seq;
  reg wait_tx;                       // a byte was handed to the UART, wait until it is taken
  assign busy = state != IDLE;
  assign pl_idx = pidx;
  reg [7:0] b;
  always @* begin
    case (state)
      HDR: case (hidx)
        4'd0: b = 8'hA5;  4'd1: b = 8'h5A;  4'd2: b = ver;  4'd3: b = typ;
        4'd4: b = seq[7:0];  4'd5: b = seq[15:8];
        4'd6: b = lenf[7:0];  4'd7: b = lenf[15:8];  4'd8: b = lenf[23:16];  4'd9: b = lenf[31:24];
        4'd10: b = hcheck[7:0];  default: b = hcheck[15:8];
      endcase
      PAY: b = pl_data;
      default: case (cidx)
        2'd0: b = crcf[7:0];  2'd1: b = crcf[15:8];  2'd2: b = crcf[23:16];  default: b = crcf[31:24];
      endcase
    endcase
  end
  wire [31:0] crc_next;
  crc32 u_crc (.crc_in(crc), .data(b), .crc_out(crc_next));

  always @(posedge clk) begin
    tx_start <= 1'b0;
    tx_last <= 1'b0;
    if (rst) begin
      state <= IDLE; seq <= 0; wait_tx <= 0; tx_data <= 0; hidx <= 0; pidx <= 0; cidx <= 0; crc <= 32'hFFFFFFFF;
      lenf <= 0; plen <= 0; typ <= 0; ver <= 0; hcheck <= 0; crcf <= 0;
    end else if (state == IDLE) begin
      if (send) begin
        state <= HDR; hidx <= 0; pidx <= 0; cidx <= 0; crc <= 32'hFFFFFFFF;
        typ <= type_in; ver <= version; lenf <= len_field; plen <= len; wait_tx <= 0;
      end
    end else if (wait_tx) begin
      if (tx_busy) wait_tx <= 1'b0;       // the UART took the byte
    end else if (!tx_busy && !tx_start) begin
      tx_data <= b;
      tx_start <= 1'b1;
      wait_tx <= 1'b1;
      crc <= crc_next;
      case (state)
        HDR: begin
          if (hidx == 4'd9) hcheck <= ~crc_next[15:0];
          hidx <= hidx + 1'b1;
          if (hidx == 4'd11) state <= (plen == 0) ? CRC : PAY;
        end
        PAY: begin
          pidx <= pidx + 1'b1;
          if (pidx == plen - 1) begin state <= CRC; crcf <= ~crc_next; end
        end
        default: begin
          cidx <= cidx + 1'b1;
          if (cidx == 2'd3) begin state <= IDLE; seq <= seq + 1'b1; tx_last <= 1'b1; end
        end
      endcase
      if (state == HDR && hidx == 4'd11 && plen == 0) crcf <= ~crc_next;
    end
  end
endmodule
