// Streaming frame decoder (docs/protocol.md section 2, version 2). Bytes in, no frame buffer:
// header fields are held in registers, every payload byte is passed on at once with its index
// (`pl_valid`, `pl_idx`, `pl_data`), and the frame ends with `done` + `ok` (CRC-32 matched) — the consumer
// must treat payload bytes as tentative until then. Rejections (header check, version, length > MAX_PAYLOAD)
// happen at the 12th byte, before any payload byte is passed on; scanning resumes with the next byte (a
// streaming receiver, section 2.1). A partial frame that receives no byte for TIMEOUT_CYCLES is abandoned
// (`abort` pulse when payload bytes had been passed on).
module frame_decoder #(
  parameter VERSION = 2,
  parameter MAX_PAYLOAD = 524,          // bytes, as announced in INFO
  parameter TIMEOUT_CYCLES = 10000000   // inter-byte timeout (100 ms at 100 MHz)
) (
  input  wire        clk,
  input  wire        rst,
  input  wire [7:0]  in_data,
  input  wire        in_valid,
  output reg  [7:0]  type_q,            // message type of the current frame (valid from the first payload byte)
  output reg  [31:0] len_q,             // payload length of the current frame
  output reg         start,             // pulse: a header was accepted (len_q, type_q valid)
  output reg         pl_valid,          // pulse: payload byte pl_data at index pl_idx
  output reg  [15:0] pl_idx,
  output reg  [7:0]  pl_data,
  output reg         done,              // pulse: frame complete; ok = CRC matched
  output reg         ok,
  output reg         abort,             // pulse: the frame was abandoned (inter-byte timeout)
  output reg         reject,            // pulse: a candidate frame was rejected, reason in reject_code
  output reg  [2:0]  reject_code,       // 1 header-crc, 2 bad-version, 3 frame-too-large, 4 frame-crc, 5 truncated-frame
  output wire        busy               // inside a frame
);
  localparam [2:0] HUNT = 3'd0, SYNC1 = 3'd1, HDR = 3'd2, PAY = 3'd3, CRC = 3'd4;
  reg [2:0] state;
  reg [3:0] hidx;                       // header byte index (2..11)
  reg [15:0] pidx;
  reg [1:0] cidx;
  reg [31:0] crc;                       // running register
  reg [15:0] hcheck_want;               // low 16 bits of the CRC over bytes 0..9
  reg [7:0] ver, b10;
  reg [23:0] crc_got;
  reg [31:0] len;
  reg [31:0] idle;
  wire [31:0] crc_next;
  crc32 u_crc (.crc_in(crc), .data(in_data), .crc_out(crc_next));
  wire [31:0] crc_a5;
  crc32 u_crc0 (.crc_in(32'hFFFFFFFF), .data(8'hA5), .crc_out(crc_a5));
  assign busy = state != HUNT && state != SYNC1;

  always @(posedge clk) begin
    start <= 1'b0; pl_valid <= 1'b0; done <= 1'b0; abort <= 1'b0; reject <= 1'b0;
    if (rst) begin
      state <= HUNT; idle <= 0; ok <= 1'b0; len_q <= 0; type_q <= 0; pl_idx <= 0; pl_data <= 0;
      hidx <= 0; pidx <= 0; cidx <= 0; crc <= 32'hFFFFFFFF; len <= 0; ver <= 0; b10 <= 0; crc_got <= 0;
      hcheck_want <= 0; reject_code <= 0;
    end else if (in_valid) begin
      idle <= 0;
      case (state)
        HUNT: if (in_data == 8'hA5) begin state <= SYNC1; crc <= crc_a5; end
        SYNC1:
          if (in_data == 8'h5A) begin state <= HDR; hidx <= 4'd2; crc <= crc_next; end
          else if (in_data == 8'hA5) crc <= crc_a5;
          else state <= HUNT;
        HDR: begin
          crc <= crc_next;
          hidx <= hidx + 1'b1;
          case (hidx)
            4'd2: ver <= in_data;
            4'd3: type_q <= in_data;
            4'd6: len[7:0] <= in_data;
            4'd7: len[15:8] <= in_data;
            4'd8: len[23:16] <= in_data;
            4'd9: begin len[31:24] <= in_data; hcheck_want <= ~crc_next[15:0]; end
            4'd10: b10 <= in_data;
            default: ;
          endcase
          if (hidx == 4'd11) begin
            if ({in_data, b10} != hcheck_want || ver != VERSION || len > MAX_PAYLOAD) begin
              state <= HUNT;
              reject <= 1'b1;
              reject_code <= {in_data, b10} != hcheck_want ? 3'd1 : ver != VERSION ? 3'd2 : 3'd3;
            end else begin
              len_q <= len;
              start <= 1'b1;
              pidx <= 0;
              cidx <= 0;
              state <= (len == 0) ? CRC : PAY;
            end
          end
        end
        PAY: begin
          crc <= crc_next;
          pl_valid <= 1'b1;
          pl_idx <= pidx;
          pl_data <= in_data;
          pidx <= pidx + 1'b1;
          if ({16'd0, pidx} == len_q - 1) state <= CRC;
        end
        CRC: begin
          cidx <= cidx + 1'b1;
          case (cidx)
            2'd0: crc_got[7:0] <= in_data;
            2'd1: crc_got[15:8] <= in_data;
            2'd2: crc_got[23:16] <= in_data;
            2'd3: begin
              done <= 1'b1;
              ok <= {in_data, crc_got} == ~crc;
              if ({in_data, crc_got} != ~crc) begin reject <= 1'b1; reject_code <= 3'd4; end
              state <= HUNT;
            end
          endcase
        end
        default: state <= HUNT;
      endcase
    end else if (state != HUNT) begin
      if (idle == TIMEOUT_CYCLES - 1) begin
        idle <= 0;
        if (state == PAY || state == CRC) abort <= 1'b1;
        if (state != SYNC1) begin reject <= 1'b1; reject_code <= 3'd5; end
        state <= HUNT;
      end else idle <= idle + 1'b1;
    end
  end
endmodule
