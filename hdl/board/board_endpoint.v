// The board's protocol endpoint (docs/protocol.md, version 2) around the generated head `dhm_head`:
// UART 8N1 -> streaming frame decoder -> message handling (RESET/RESET_ACK, HELLO/INFO, RUN with the
// program-hash and shape checks, input DATA into a FIFO with cumulative ACKs, result DATA with a go-back-N
// window and a retransmit buffer, ERROR codes, timeouts) -> frame encoder -> UART.
//
// Buffering is modest and independent of the frame size: one input FIFO (2^IN_FIFO_LOG2 bytes), a small output
// FIFO in the result packer, and a retransmit buffer of WINDOW * CHUNK bytes (rounded up to a power of two).
// The head runs with `ce` high only when its next input pixel is ready (input phase) and the output FIFO has room,
// so the cycle counts it reports (counted in enabled cycles) are those of an unstalled head (docs/datapath.md 9).
//
// fault_* inputs exist only for the simulation's fault suite (tied to 0 on the FPGA top).
module board_endpoint #(
  parameter CLKS_PER_BIT = 108,            // clock / baud (100 MHz / 921 600 = 108.5 -> 108, +0.47 %)
  parameter IN_H = 32,
  parameter IN_W = 32,
  parameter OUT_C = 8,
  parameter OUT_BITS = 8,
  parameter OUT_SIGNED = 0,
  parameter OUT_INTBITS = 4,
  parameter OUT_H = 16,
  parameter OUT_W = 16,
  parameter [255:0] PROGRAM_HASH = 256'd0,
  parameter CLOCK_KHZ = 100000,
  parameter CHUNK = 128,                   // data bytes per DATA frame (multiple of 4); maxPayload = CHUNK + 12
  parameter WINDOW = 4,                    // DATA frames in flight (INFO windowFrames)
  parameter IN_FIFO_LOG2 = 10,             // input FIFO, bytes (log2); must hold WINDOW * CHUNK
  parameter OUT_FIFO_LOG2 = 3,
  parameter IBT_CYCLES = 10000000,         // inter-byte timeout (100 ms at 100 MHz, section 2.1)
  parameter ACK_TIMEOUT_CYCLES = 50000000, // result window without progress -> go back (500 ms at 100 MHz)
  parameter MAX_RETRIES = 4,
  parameter BOARD_ID_LEN = 8,
  parameter [8*BOARD_ID_LEN-1:0] BOARD_ID = "dhm-rtl0"
) (
  input  wire clk,
  input  wire rst,                         // synchronous, active high
  input  wire rx,                          // synchronised UART RX line
  output wire tx,                          // UART TX line
  input  wire fault_silent,                // pulse: ignore everything until a RESET
  input  wire fault_wrong_version,         // pulse: the next frame sent carries version 3
  input  wire fault_oversize,              // pulse: the next result DATA header declares a 2 GiB payload
  input  wire fault_hash,                  // level: the board holds another program (hash bit 255 flipped)
  output wire busy,                        // anything in progress (for the simulation harness)
  output wire run_active_o,
  output wire tx_byte_go,                  // a byte handed to the UART transmitter (simulation harness)
  output wire tx_byte_last,                // ... and it is the last byte of a frame
  output wire rx_reject,                   // the frame decoder rejected a candidate frame (simulation harness)
  output wire [2:0] rx_reject_code,        // 1 header-crc, 2 bad-version, 3 frame-too-large, 4 frame-crc, 5 truncated
  output wire [31:0] head_cycles_o         // last run's total head cycles (for LEDs / debug)
);
  localparam VERSION = 2;
  localparam MAX_PAYLOAD = CHUNK + 12;
  localparam [31:0] IN_TOTAL = IN_H * IN_W * 3;
  localparam [31:0] IN_PIX = IN_H * IN_W;
  localparam BPV = OUT_BITS <= 8 ? 1 : OUT_BITS <= 16 ? 2 : 4;
  localparam P = (OUT_C * OUT_H * OUT_W * BPV + 3) / 4 * 4;
  localparam [31:0] RES_TOTAL = 16 + P + 16;
  localparam [31:0] WIN_BYTES = WINDOW * CHUNK;
  localparam RB_LOG2 = $clog2(WINDOW * CHUNK);
  localparam [31:0] RB_SIZE = 1 << RB_LOG2;
  localparam IN_SIZE = 1 << IN_FIFO_LOG2;
  localparam [7:0] T_HELLO = 8'h01, T_INFO = 8'h02, T_RESET = 8'h03, T_RACK = 8'h04, T_ERROR = 8'h05,
                   T_RUN = 8'h10, T_DATA = 8'h11, T_ACK = 8'h12;
  localparam [2:0] K_RACK = 3'd0, K_INFO = 3'd1, K_ERR = 3'd2, K_ACK = 3'd3, K_DATA = 3'd4;
  localparam [1:0] TX_PROGRAM = 2'd0, TX_SHAPE = 2'd1, TX_NORUN = 2'd2;
  localparam [8*14-1:0] S_PROGRAM = "board program ";
  localparam [8*9-1:0] S_SHAPE = "bad shape";
  localparam [8*18-1:0] S_NORUN = "no run in progress";
  wire [255:0] hash = PROGRAM_HASH ^ {fault_hash, 255'd0};

  // ---------------------------------------------------------------- UART and framing
  wire [7:0] rx_byte; wire rx_valid, rx_ferr;
  uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (.clk(clk), .rst(rst), .rx(rx), .data(rx_byte), .valid(rx_valid), .frame_err(rx_ferr));
  wire [7:0] d_type; wire [31:0] d_len; wire d_start, d_pl_valid, d_done, d_ok, d_abort, d_busy;
  wire [15:0] d_idx; wire [7:0] d_data;
  frame_decoder #(.VERSION(VERSION), .MAX_PAYLOAD(MAX_PAYLOAD), .TIMEOUT_CYCLES(IBT_CYCLES)) u_dec (
    .clk(clk), .rst(rst), .in_data(rx_byte), .in_valid(rx_valid), .type_q(d_type), .len_q(d_len), .start(d_start),
    .pl_valid(d_pl_valid), .pl_idx(d_idx), .pl_data(d_data), .done(d_done), .ok(d_ok), .abort(d_abort),
    .reject(rx_reject), .reject_code(rx_reject_code), .busy(d_busy));
  wire [7:0] tx_byte; wire tx_go, tx_busy, tx_last;
  assign tx_byte_go = tx_go;
  assign tx_byte_last = tx_last;
  uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (.clk(clk), .rst(rst), .data(tx_byte), .start(tx_go), .tx(tx), .busy(tx_busy));
  reg e_send; reg [7:0] e_type; reg [15:0] e_len; reg [31:0] e_lenf; reg [7:0] e_ver;
  wire [15:0] e_idx; reg [7:0] e_byte; wire e_busy;
  frame_encoder #(.VERSION(VERSION)) u_enc (.clk(clk), .rst(rst), .send(e_send), .type_in(e_type), .len(e_len),
    .len_field(e_lenf), .version(e_ver), .pl_idx(e_idx), .pl_data(e_byte), .busy(e_busy),
    .tx_data(tx_byte), .tx_start(tx_go), .tx_last(tx_last), .tx_busy(tx_busy));

  // first 48 payload bytes of the frame being received (every message but DATA fits; DATA's 12-byte header)
  reg [7:0] plb [0:47];
  always @(posedge clk) if (d_pl_valid && d_idx < 16'd48) plb[d_idx[5:0]] <= d_data;
  wire [15:0] rx_run = {plb[1], plb[0]};
  wire [7:0]  rx_stream = plb[2];
  wire [31:0] rx_w4 = {plb[7], plb[6], plb[5], plb[4]};     // DATA total / ACK nextOffset
  wire [31:0] rx_w8 = {plb[11], plb[10], plb[9], plb[8]};   // DATA offset
  wire [31:0] rx_nonce = {plb[3], plb[2], plb[1], plb[0]};
  wire [15:0] run_h = {plb[35], plb[34]};
  wire [15:0] run_w = {plb[37], plb[36]};
  wire [31:0] run_total = {plb[43], plb[42], plb[41], plb[40]};
  reg hash_ok;
  integer hi;
  always @* begin
    hash_ok = 1'b1;
    for (hi = 0; hi < 32; hi = hi + 1) if (plb[2 + hi] != hash[255 - 8*hi -: 8]) hash_ok = 1'b0;
  end

  // ---------------------------------------------------------------- run state
  reg run_active, silent, f_ver, f_over;
  reg [15:0] cur_run;
  reg [31:0] next_in;
  reg restart;                              // pulse: clear FIFOs and the head for a new run
  // input FIFO with a tentative write pointer (a DATA payload is committed only when its CRC matched)
  reg [7:0] ifm [0:IN_SIZE-1];
  reg [IN_FIFO_LOG2:0] wr_commit, wr_tent, rd;
  reg ovf;
  wire wcond = run_active && rx_run == cur_run && rx_stream == 8'd0 && rx_w8 == next_in && rx_w4 == IN_TOTAL
               && next_in != IN_TOTAL;
  wire [31:0] rx_n = d_len - 32'd12;
  // Flow control by ACK: an input ACK lets the host send WINDOW * CHUNK bytes past it, so it is sent only when the
  // FIFO has room for all of them (the head may be stalled by a full result window); frames are never dropped
  // for lack of room.
  wire [IN_FIFO_LOG2:0] in_used = wr_commit - rd;     // sized: the pointers wrap
  wire [IN_FIFO_LOG2:0] in_tent = wr_tent - rd;
  wire in_room = {{(31 - IN_FIFO_LOG2){1'b0}}, in_used} + WIN_BYTES <= IN_SIZE;

  // pixel assembly and the head
  reg [7:0] pr, pg, pb; reg [1:0] bcnt; reg have_pix;
  reg [31:0] pix_cnt;
  reg head_done, first_seen;
  reg [31:0] first_cyc, total_cyc;
  wire in_phase = pix_cnt < IN_PIX;
  wire room;
  wire ce = run_active && !head_done && room && (!in_phase || have_pix);
  wire h_out_valid, h_out_last; wire [OUT_C*OUT_BITS-1:0] h_out_data; wire [31:0] h_cycle;
  dhm_head u_head (.clk(clk), .rst(rst || restart), .ce(ce), .in_valid(in_phase), .in_rgb({pb, pg, pr}),
    .in_first(pix_cnt == 0), .out_valid(h_out_valid), .out_data(h_out_data), .out_last(h_out_last), .cycle(h_cycle));
  wire push = ce && h_out_valid;
  wire [7:0] g_byte; wire g_valid;
  reg [31:0] res_sent, res_acked, res_gen;
  wire g_ready = (res_gen - res_acked) < RB_SIZE;
  result_packer #(.OUT_C(OUT_C), .OUT_BITS(OUT_BITS), .OUT_SIGNED(OUT_SIGNED), .OUT_INTBITS(OUT_INTBITS),
    .OUT_H(OUT_H), .OUT_W(OUT_W), .FIFO_LOG2(OUT_FIFO_LOG2)) u_pack (.clk(clk), .rst(rst || restart),
    .push(push), .push_data(h_out_data), .room(room), .first_cycle(first_cyc), .total_cycles(total_cyc),
    .cycles_valid(head_done), .byte_data(g_byte), .byte_valid(g_valid), .byte_ready(g_ready));
  assign head_cycles_o = total_cyc;
  assign run_active_o = run_active;

  // retransmit buffer of the result stream: bytes [res_acked, res_gen)
  reg [7:0] rb [0:RB_SIZE-1];
  reg [2:0] dup, ign;
  reg [31:0] timer;
  reg [3:0] retries;

  // ---------------------------------------------------------------- transmit queue
  reg p_rack, p_info, p_err, p_acknew, ack_zero; reg [1:0] p_dup;  // ACK(0) of RUN, ACK of new data, duplicate ACKs
  reg [31:0] p_nonce; reg [15:0] p_ecode, p_erun; reg [31:0] p_edet; reg [1:0] p_etxt;
  reg [2:0] t_kind; reg [31:0] t_val, t_nonce; reg [15:0] t_run, t_ecode, t_erun; reg [31:0] t_edet; reg [1:0] t_etxt;
  reg [7:0] t_elen;
  wire [31:0] res_left = RES_TOTAL - res_sent;
  wire [31:0] res_n = res_left < CHUNK ? res_left : CHUNK;
  wire can_data = run_active && res_sent < RES_TOTAL && (res_sent - res_acked) < WIN_BYTES && (res_gen - res_sent) >= res_n;
  assign busy = run_active || d_busy || e_busy || tx_busy || p_rack || p_info || p_err || p_acknew || ack_zero || p_dup != 0 || rx_valid;

  function [7:0] hexd; input [3:0] n; hexd = n < 10 ? 8'd48 + n : 8'd87 + n; endfunction
  function [7:0] b4; input [31:0] v; input [1:0] i; b4 = v[i*8 +: 8]; endfunction
  // payload byte `e_idx` of the frame being sent
  reg [7:0] tb; reg [15:0] ti;
  always @* begin
    tb = 8'd0;
    ti = e_idx;
    case (t_kind)
      K_RACK: tb = b4(t_nonce, ti[1:0]);
      K_INFO:
        if (ti == 0) tb = VERSION;
        else if (ti == 2) tb = WINDOW & 255;
        else if (ti == 3) tb = (WINDOW >> 8) & 255;
        else if (ti >= 4 && ti < 8) tb = b4(MAX_PAYLOAD, ti - 4);
        else if (ti >= 8 && ti < 12) tb = b4(CLOCK_KHZ, ti - 8);
        else if (ti >= 12 && ti < 44) tb = hash[255 - 8*(ti - 12) -: 8];
        else if (ti == 44) tb = BOARD_ID_LEN;
        else if (ti >= 48) tb = BOARD_ID[8*(BOARD_ID_LEN - 1 - (ti - 48)) +: 8];
      K_ERR:
        if (ti < 2) tb = b4({16'd0, t_ecode}, ti[1:0]);
        else if (ti < 4) tb = b4({16'd0, t_erun}, ti - 2);
        else if (ti < 8) tb = b4(t_edet, ti - 4);
        else if (ti == 8) tb = t_elen;
        else case (t_etxt)
          TX_PROGRAM: tb = ti < 23 ? S_PROGRAM[8*(13 - (ti - 9)) +: 8]
                           : hexd((ti - 23) % 2 == 0 ? hash[255 - 4*(ti - 23) -: 4] : hash[255 - 4*(ti - 23) -: 4]);
          TX_SHAPE: tb = S_SHAPE[8*(8 - (ti - 9)) +: 8];
          default: tb = S_NORUN[8*(17 - (ti - 9)) +: 8];
        endcase
      K_ACK:
        if (ti < 2) tb = b4({16'd0, t_run}, ti[1:0]);
        else if (ti >= 4) tb = b4(t_val, ti - 4);
      default: // K_DATA, result stream
        if (ti < 2) tb = b4({16'd0, t_run}, ti[1:0]);
        else if (ti == 2) tb = 8'd1;
        else if (ti >= 4 && ti < 8) tb = b4(RES_TOTAL, ti - 4);
        else if (ti >= 8 && ti < 12) tb = b4(t_val, ti - 8);
        else if (ti >= 12) tb = rb[(t_val + ti - 12) & (RB_SIZE - 1)];
    endcase
    e_byte = tb;
  end

  always @(posedge clk) begin
    e_send <= 1'b0;
    restart <= 1'b0;
    if (rst) begin
      run_active <= 0; silent <= 0; f_ver <= 0; f_over <= 0; cur_run <= 0; next_in <= 0;
      wr_commit <= 0; wr_tent <= 0; rd <= 0; ovf <= 0; bcnt <= 0; have_pix <= 0; pix_cnt <= 0;
      head_done <= 0; first_seen <= 0; first_cyc <= 0; total_cyc <= 0;
      res_sent <= 0; res_acked <= 0; res_gen <= 0; dup <= 0; ign <= 0; timer <= 0; retries <= 0;
      p_rack <= 0; p_info <= 0; p_err <= 0; p_acknew <= 0; p_dup <= 0; ack_zero <= 0;
      p_nonce <= 0; p_ecode <= 0; p_erun <= 0; p_edet <= 0; p_etxt <= 0;
      t_kind <= 0; t_val <= 0; t_nonce <= 0; t_run <= 0; t_ecode <= 0; t_erun <= 0; t_edet <= 0; t_etxt <= 0; t_elen <= 0;
      e_type <= 0; e_len <= 0; e_lenf <= 0; e_ver <= VERSION; pr <= 0; pg <= 0; pb <= 0;
    end else begin
      if (fault_silent) silent <= 1'b1;
      if (fault_wrong_version) f_ver <= 1'b1;
      if (fault_oversize) f_over <= 1'b1;

      // ---- input FIFO: tentative writes of a DATA payload, commit/rollback at the end of the frame
      if (d_start) begin wr_tent <= wr_commit; ovf <= 1'b0; end
      if (d_pl_valid && d_type == T_DATA && d_idx >= 16'd12 && wcond) begin
        if ({{(31 - IN_FIFO_LOG2){1'b0}}, in_tent} < IN_SIZE) begin ifm[wr_tent[IN_FIFO_LOG2-1:0]] <= d_data; wr_tent <= wr_tent + 1'b1; end
        else ovf <= 1'b1;
      end
      if (d_abort || (d_done && !d_ok)) wr_tent <= wr_commit;

      // ---- pixel assembly (3 bytes R, G, B) and the head
      if (rd != wr_commit && !have_pix) begin
        case (bcnt)
          2'd0: pr <= ifm[rd[IN_FIFO_LOG2-1:0]];
          2'd1: pg <= ifm[rd[IN_FIFO_LOG2-1:0]];
          default: pb <= ifm[rd[IN_FIFO_LOG2-1:0]];
        endcase
        rd <= rd + 1'b1;
        if (bcnt == 2'd2) begin bcnt <= 0; have_pix <= 1'b1; end else bcnt <= bcnt + 1'b1;
      end
      if (ce && in_phase) begin pix_cnt <= pix_cnt + 1'b1; have_pix <= 1'b0; end
      if (push) begin
        if (!first_seen) begin first_seen <= 1'b1; first_cyc <= h_cycle; end
        if (h_out_last) begin head_done <= 1'b1; total_cyc <= h_cycle + 1; end
      end

      // ---- result bytes into the retransmit buffer
      if (g_valid && g_ready) begin rb[res_gen[RB_LOG2-1:0]] <= g_byte; res_gen <= res_gen + 1'b1; end
      if (run_active && !restart && res_sent != res_acked) begin
        if (timer == ACK_TIMEOUT_CYCLES - 1) begin
          timer <= 0;
          res_sent <= res_acked;         // go back
          dup <= 0; ign <= 0;
          retries <= retries + 1'b1;
          if (retries == MAX_RETRIES - 1) run_active <= 1'b0;   // abandoned: wait for the host
        end else timer <= timer + 1'b1;
      end else timer <= 0;
      if (run_active && !restart && res_acked == RES_TOTAL) run_active <= 1'b0;  // result completely acknowledged

      // ---- transmit: one frame at a time, by priority
      if (!e_busy && !e_send && !silent && !d_done) begin
        e_ver <= f_ver ? VERSION + 1 : VERSION;
        if (p_rack || p_info || p_err || ack_zero || p_acknew || p_dup != 0 || can_data) f_ver <= 1'b0;
        if (p_rack) begin
          p_rack <= 0; t_kind <= K_RACK; t_nonce <= p_nonce; e_type <= T_RACK; e_len <= 4; e_lenf <= 4; e_send <= 1'b1;
        end else if (p_info) begin
          p_info <= 0; t_kind <= K_INFO; e_type <= T_INFO; e_len <= 48 + BOARD_ID_LEN; e_lenf <= 48 + BOARD_ID_LEN; e_send <= 1'b1;
        end else if (p_err) begin
          p_err <= 0; t_kind <= K_ERR; t_ecode <= p_ecode; t_erun <= p_erun; t_edet <= p_edet; t_etxt <= p_etxt;
          t_elen <= p_etxt == TX_PROGRAM ? 8'd78 : p_etxt == TX_SHAPE ? 8'd9 : 8'd18;
          e_type <= T_ERROR;
          e_len <= 9 + (p_etxt == TX_PROGRAM ? 16'd78 : p_etxt == TX_SHAPE ? 16'd9 : 16'd18);
          e_lenf <= 9 + (p_etxt == TX_PROGRAM ? 32'd78 : p_etxt == TX_SHAPE ? 32'd9 : 32'd18);
          e_send <= 1'b1;
        end else if (ack_zero || ((p_acknew || p_dup != 0) && in_room)) begin
          // one ACK carries the newest offset; duplicates (frames out of order) make the host go back
          if (ack_zero) ack_zero <= 1'b0;
          else if (p_acknew) begin p_acknew <= 1'b0; p_dup <= 0; end
          else p_dup <= p_dup - 1'b1;
          t_kind <= K_ACK; t_run <= cur_run; t_val <= ack_zero ? 32'd0 : next_in;
          e_type <= T_ACK; e_len <= 8; e_lenf <= 8; e_send <= 1'b1;
        end else if (can_data) begin
          t_kind <= K_DATA; t_run <= cur_run; t_val <= res_sent; res_sent <= res_sent + res_n;
          e_type <= T_DATA; e_len <= 12 + res_n[15:0]; e_lenf <= f_over ? 32'h80000000 : 12 + res_n; f_over <= 1'b0;
          e_send <= 1'b1;
        end
      end

      // ---- a received frame
`ifdef BOARD_DEBUG
      if (d_done) $display("%0t done type=%h len=%0d ok=%b", $time, d_type, d_len, d_ok);
      if (d_start) $display("%0t start type=%h len=%0d", $time, d_type, d_len);
      if (d_done || e_send) $display("  st sent=%0d acked=%0d gen=%0d next_in=%0d fifo=%0d pix=%0d have=%b room=%b hd=%b acknew=%b dup=%0d az=%b inroom=%b ce=%b", res_sent, res_acked, res_gen, next_in, wr_commit-rd, pix_cnt, have_pix, room, head_done, p_acknew, p_dup, ack_zero, in_room, ce);
      if (d_done && d_ok && (d_type == T_DATA || d_type == T_ACK)) $display("  rx run=%0d stream=%0d w4=%0d w8=%0d wcond=%b ovf=%b tent=%0d commit=%0d rd=%0d", rx_run, rx_stream, rx_w4, rx_w8, wcond, ovf, wr_tent, wr_commit, rd);
      if (e_send) $display("%0t send kind=%0d type=%h len=%0d", $time, t_kind, e_type, e_len);
`endif
      if (d_done && d_ok && (!silent || d_type == T_RESET)) begin
        case (d_type)
          T_RESET: if (d_len == 4) begin
            silent <= 1'b0; run_active <= 1'b0; restart <= 1'b1;
            p_info <= 0; p_err <= 0; p_acknew <= 0; p_dup <= 0; ack_zero <= 0; p_rack <= 1'b1; p_nonce <= rx_nonce;
          end
          T_HELLO: if (d_len == 5) begin
            run_active <= 1'b0; restart <= 1'b1; p_acknew <= 0; p_dup <= 0; ack_zero <= 0; p_info <= 1'b1;
          end
          T_RUN: if (d_len == 44) begin
            if (!hash_ok) begin
              p_err <= 1'b1; p_ecode <= 16'd4; p_erun <= rx_run; p_edet <= 0; p_etxt <= TX_PROGRAM;
            end else if (run_h != IN_H || run_w != IN_W || plb[38] != 8'd3 || plb[39] != 8'd0 || run_total != IN_TOTAL) begin
              p_err <= 1'b1; p_ecode <= 16'd5; p_erun <= rx_run; p_edet <= IN_TOTAL; p_etxt <= TX_SHAPE;
            end else if (run_active && rx_run == cur_run) begin
              ack_zero <= 1'b1;                           // a repeated RUN of the current run
            end else begin
              run_active <= 1'b1; cur_run <= rx_run; restart <= 1'b1;
              p_acknew <= 0; p_dup <= 0; ack_zero <= 1'b1;
            end
          end
          T_DATA: if (d_len >= 12 && rx_stream == 8'd0) begin
            if (run_active && rx_run == cur_run) begin
              if (wcond && !ovf && rx_n != 0 && next_in + rx_n <= IN_TOTAL) begin
                wr_commit <= wr_tent;
                next_in <= next_in + rx_n;
                p_acknew <= 1'b1;
              end else begin
                wr_tent <= wr_commit;
                if (p_dup != 2'd3) p_dup <= p_dup + 1'b1;
              end
            end else begin
              wr_tent <= wr_commit;
              p_err <= 1'b1; p_ecode <= 16'd7; p_erun <= rx_run; p_edet <= 0; p_etxt <= TX_NORUN;
            end
          end
          T_ACK: if (d_len == 8 && rx_stream == 8'd1 && run_active && rx_run == cur_run) begin
            if (rx_w4 > res_acked && rx_w4 <= res_sent && rx_w4 <= RES_TOTAL) begin
              res_acked <= rx_w4; retries <= 0; dup <= 0; timer <= 0;
            end else if (rx_w4 == res_acked && res_sent > res_acked) begin
              if (ign != 0) ign <= ign - 1'b1;
              else if (dup == 3'd1) begin res_sent <= res_acked; dup <= 0; ign <= WINDOW; end  // 2nd duplicate: go back
              else dup <= dup + 1'b1;
            end
          end
          default: ;
        endcase
      end else if (d_done) wr_tent <= wr_commit;

      if (restart) begin
        next_in <= 0; wr_commit <= 0; wr_tent <= 0; rd <= 0; bcnt <= 0; have_pix <= 0; pix_cnt <= 0;
        head_done <= 0; first_seen <= 0; first_cyc <= 0; total_cyc <= 0;
        res_sent <= 0; res_acked <= 0; res_gen <= 0; dup <= 0; ign <= 0; timer <= 0; retries <= 0;
      end
    end
  end
endmodule
