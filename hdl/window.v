// window: the neighbourhood extractor of a conv / max-pool block (docs/datapath.md §1, §9).
// Counts the input pixels of a frame in raster order, stores them in a line_buffer, and walks the output positions
// in raster order: output (oy, ox) is ISSUED on the first enabled cycle on which (a) the last in-image tap of its
// window has arrived (on this cycle or earlier) and (b) no other output was issued on this cycle. Issue cycle
// s(k) = max(arrival(last tap of k), s(k-1) + 1), so with a fixed pipeline latency L after the issue the output is
// valid at t(k) = max(ready(k), t(k-1) + 1): the timing model of docs/datapath.md §9 with no output FIFO.
// On an issue, tap_ok[t] says whether tap t = ky*KW + kx lies inside the image (else it is padding) and
// tap_data[t*WORD +: WORD] holds the pixel (all channels) at that tap.
// restart (frame start) resets the counters combinationally, so the frame's first pixel may arrive with it.
module window #(
  parameter WORD = 8,
  parameter IN_H = 1, parameter IN_W = 1,
  parameter OUT_H = 1, parameter OUT_W = 1,
  parameter KH = 1, parameter KW = 1,
  parameter SH = 1, parameter SWD = 1,   // strides (rows, columns)
  parameter DH = 1, parameter DW = 1,    // dilations
  parameter PT = 0, parameter PL = 0,    // top / left padding
  parameter ROWS = 1,                    // rows kept in the line buffer
  parameter SB = 1, parameter CB = 1,    // bits of a slot / column index
  parameter PW = 20                      // bits of the signed row/column counters (the generator sizes them)
) (
  input  wire clk, input wire rst, input wire ce, input wire restart,
  input  wire in_valid,
  input  wire [WORD-1:0] in_data,
  output wire issue,
  output wire [KH*KW-1:0] tap_ok,
  output wire [KH*KW*WORD-1:0] tap_data
);
  localparam NT = KH * KW;
  localparam integer BSLOT0 = (ROWS - (PT % ROWS)) % ROWS;
  // input position (next pixel to arrive) and its line-buffer slot
  reg signed [PW-1:0] cur_row_r, cur_col_r;
  reg [SB-1:0] wr_slot_r;
  wire signed [PW-1:0] cur_row = restart ? {PW{1'b0}} : cur_row_r;
  wire signed [PW-1:0] cur_col = restart ? {PW{1'b0}} : cur_col_r;
  wire [SB-1:0] wr_slot = restart ? {SB{1'b0}} : wr_slot_r;
  // output position: window origin (oy*SH - PT, ox*SW - PL) and its slot
  reg signed [PW-1:0] brow_r, bcol_r;
  reg [PW-1:0] oy_r, ox_r;
  reg [SB-1:0] bslot_r;
  reg done_r;
  wire signed [PW-1:0] brow = restart ? -PT : brow_r;
  wire signed [PW-1:0] bcol = restart ? -PL : bcol_r;
  wire [PW-1:0] oy = restart ? {PW{1'b0}} : oy_r;
  wire [PW-1:0] ox = restart ? {PW{1'b0}} : ox_r;
  wire [SB-1:0] bslot = restart ? BSLOT0[SB-1:0] : bslot_r;
  wire done = restart ? 1'b0 : done_r;
  // last in-image tap of the window (largest row, then largest column), docs/datapath.md §9
  wire signed [PW-1:0] rspan = (IN_H - 1) - brow;
  wire signed [PW-1:0] cspan = (IN_W - 1) - bcol;
  wire signed [PW-1:0] rq = rspan / DH;
  wire signed [PW-1:0] cq = cspan / DW;
  wire signed [PW-1:0] last_row = brow + DH * ((rq < KH - 1) ? rq : KH - 1);
  wire signed [PW-1:0] last_col = bcol + DW * ((cq < KW - 1) ? cq : KW - 1);
  wire arrived = (cur_row > last_row) || (cur_row == last_row && cur_col > last_col)
               || (in_valid && cur_row == last_row && cur_col == last_col);
  assign issue = !done && arrived;

  wire [NT*SB-1:0] rd_slot;
  wire [NT*CB-1:0] rd_col;
  genvar t;
  generate for (t = 0; t < NT; t = t + 1) begin : tap
    localparam integer KY = t / KW;
    localparam integer KX = t % KW;
    localparam integer DROW = (KY * DH) % ROWS;
    wire signed [PW-1:0] r = brow + KY * DH;
    wire signed [PW-1:0] c = bcol + KX * DW;
    assign tap_ok[t] = (r >= 0) && (r < IN_H) && (c >= 0) && (c < IN_W);
    wire [SB:0] s1 = {1'b0, bslot} + DROW;
    wire [SB:0] s2 = (s1 >= ROWS) ? s1 - ROWS : s1;
    assign rd_slot[t*SB +: SB] = s2[SB-1:0];
    assign rd_col[t*CB +: CB] = tap_ok[t] ? c[CB-1:0] : {CB{1'b0}};
  end endgenerate

  line_buffer #(.WORD(WORD), .ROWS(ROWS), .COLS(IN_W), .NREAD(NT), .SW(SB), .CW(CB)) lb (
    .clk(clk), .ce(ce), .wr_en(in_valid), .wr_slot(wr_slot), .wr_col(cur_col[CB-1:0]), .wr_data(in_data),
    .rd_slot(rd_slot), .rd_col(rd_col), .rd_data(tap_data));

  always @(posedge clk) begin
    if (rst) begin
      cur_row_r <= 0; cur_col_r <= 0; wr_slot_r <= 0;
      brow_r <= -PT; bcol_r <= -PL; oy_r <= 0; ox_r <= 0; bslot_r <= BSLOT0[SB-1:0]; done_r <= 0;
    end else if (ce) begin
      cur_row_r <= cur_row; cur_col_r <= cur_col; wr_slot_r <= wr_slot;
      if (in_valid) begin
        if (cur_col == IN_W - 1) begin
          cur_col_r <= 0; cur_row_r <= cur_row + 1;
          wr_slot_r <= (wr_slot == ROWS - 1) ? {SB{1'b0}} : wr_slot + 1'b1;
        end else cur_col_r <= cur_col + 1;
      end
      brow_r <= brow; bcol_r <= bcol; oy_r <= oy; ox_r <= ox; bslot_r <= bslot; done_r <= done;
      if (issue) begin
        if (ox == OUT_W - 1) begin
          ox_r <= 0; bcol_r <= -PL; oy_r <= oy + 1; brow_r <= brow + SH;
          bslot_r <= ({1'b0, bslot} + (SH % ROWS) >= ROWS) ? bslot + (SH % ROWS) - ROWS : bslot + (SH % ROWS);
          if (oy == OUT_H - 1) done_r <= 1'b1;
        end else begin
          ox_r <= ox + 1; bcol_r <= bcol + SWD;
        end
      end
    end
  end
endmodule
