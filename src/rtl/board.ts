/**
 * The board design around a generated head (docs/board.md): the `dhm_board` wrapper (2-FF synchroniser + the
 * protocol endpoint of hdl/board/ with this program's shapes, format and hash baked in as parameters), the
 * Cyclone 10 GX FPGA Development Kit top level, and the Quartus Prime project files (.qpf, .qsf, .sdc).
 * Environment-neutral strings: the CLI writes them to disk, the page could offer them for download.
 *
 * Kit facts (clock pin, header pins, bank voltages) that could not be checked against Intel's kit documentation
 * are marked *unverified* in the generated files; see docs/board.md.
 */
import type { DhmProgram } from '../dhm/program';
import { QUARTUS_DEVICE } from './quartus';

/** Options of the board design. */
export interface BoardDesignOptions {
  /** SHA-256 of the canonical program (docs/protocol.md 7), 64 lowercase hex digits (src/board/program-hash.ts). */
  readonly programHashHex: string;
  /** Board clock, kHz. Default 100 000 (the kit's 100 MHz `user_clk`, Intel UG 683696 — see docs/board.md). */
  readonly clockKHz?: number;
  /** UART clocks per bit (clock / baud). Default 108 = 100 MHz / 921 600 rounded down (925 926 baud, +0.47 %). */
  readonly clocksPerBit?: number;
  /** Data bytes per DATA frame (a multiple of 4); the board's maxPayload is this + 12. Default 128. */
  readonly chunkBytes?: number;
  /** Flow-control window, DATA frames. Default 4. */
  readonly windowFrames?: number;
  /** Inter-byte timeout, clock cycles. Default 100 ms of clock (docs/protocol.md 2.1). */
  readonly interByteTimeoutCycles?: number;
  /** Result window without acknowledgement before going back, clock cycles. Default 500 ms of clock. */
  readonly ackTimeoutCycles?: number;
  /** Board id announced in INFO (ASCII, ≤ 255 characters). */
  readonly boardId?: string;
}

/** Resolved board parameters (what the wrapper bakes in). */
export interface BoardParams {
  readonly clockKHz: number;
  readonly clocksPerBit: number;
  readonly chunkBytes: number;
  readonly windowFrames: number;
  /** Board maxPayload announced in INFO, bytes. */
  readonly maxPayload: number;
  readonly interByteTimeoutCycles: number;
  readonly ackTimeoutCycles: number;
  readonly boardId: string;
  /** Line rate the UART runs at: clock / clocksPerBit, baud. */
  readonly baudRate: number;
  /** log2 of the input FIFO size in bytes: room for two windows of DATA chunks (ACK flow control needs one). */
  readonly inFifoLog2: number;
}

/** Resolve defaults and check ranges (throws RangeError naming the option). */
export function boardParams(o: BoardDesignOptions): BoardParams {
  const clockKHz = o.clockKHz ?? 100_000;
  const clocksPerBit = o.clocksPerBit ?? 108;
  const chunkBytes = o.chunkBytes ?? 128;
  const windowFrames = o.windowFrames ?? 4;
  const clockHz = clockKHz * 1000;
  if (!/^[0-9a-f]{64}$/.test(o.programHashHex)) throw new RangeError(`programHashHex must be 64 lowercase hex digits, got '${o.programHashHex}'`);
  if (!Number.isInteger(clocksPerBit) || clocksPerBit < 4) throw new RangeError(`clocksPerBit must be an integer ≥ 4, got ${clocksPerBit}`);
  if (!Number.isInteger(chunkBytes) || chunkBytes < 4 || chunkBytes % 4 !== 0 || chunkBytes > 65536 - 12) throw new RangeError(`chunkBytes must be a multiple of 4 in 4..65524, got ${chunkBytes}`);
  if (!Number.isInteger(windowFrames) || windowFrames < 1 || windowFrames > 7) throw new RangeError(`windowFrames must be 1..7, got ${windowFrames}`);
  const boardId = o.boardId ?? 'hybrid-dhm RTL board (Cyclone 10 GX)';
  if (boardId.length < 1 || boardId.length > 255 || !/^[\x20-\x7e]+$/.test(boardId)) throw new RangeError(`boardId must be 1..255 printable ASCII characters`);
  return {
    clockKHz,
    clocksPerBit,
    chunkBytes,
    windowFrames,
    maxPayload: chunkBytes + 12,
    interByteTimeoutCycles: o.interByteTimeoutCycles ?? Math.round(clockHz / 10),
    ackTimeoutCycles: o.ackTimeoutCycles ?? Math.round(clockHz / 2),
    boardId,
    baudRate: clockHz / clocksPerBit,
    inFifoLog2: Math.ceil(Math.log2(2 * windowFrames * chunkBytes)),
  };
}

function outInfo(program: DhmProgram): { c: number; h: number; w: number; bits: number; signed: boolean; intBits: number } {
  const out = program.streams[program.output];
  if (!out) throw new RangeError(`program output stream '${program.output}' is not in program.streams`);
  return { c: out.channels, h: out.height, w: out.width, bits: out.format.bits, signed: out.format.signed, intBits: out.format.intBits };
}

function vstr(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * `dhm_board.v`: the board core for this program — ports clk, rst, rx_async (UART RX pin), tx (UART TX pin),
 * test-only fault inputs (tie to 0 on hardware), busy / run_active / frame events / cycle count for LEDs and the
 * simulation harness.
 */
export function boardWrapperVerilog(program: DhmProgram, opts: BoardDesignOptions): string {
  const p = boardParams(opts);
  const o = outInfo(program);
  const { height: inH, width: inW } = program.input;
  return `// Generated by hybrid-dhm (src/rtl/board.ts) for program ${opts.programHashHex}. Do not edit.
// Input ${inH}x${inW} RGB888; output ${o.c}x${o.h}x${o.w} ${o.signed ? 'FIXED' : 'UFIXED'}<${o.bits},${o.intBits}>.
// UART ${p.clocksPerBit} clocks per bit at ${p.clockKHz} kHz = ${p.baudRate.toFixed(0)} baud; DATA chunks of ${p.chunkBytes} bytes, window ${p.windowFrames}.
module dhm_board (
  input  wire clk,
  input  wire rst,                  // synchronous, active high
  input  wire rx_async,             // UART RX pin (asynchronous)
  output wire tx,                   // UART TX pin
  input  wire fault_silent,         // test only: tie to 0 on hardware
  input  wire fault_wrong_version,  // test only
  input  wire fault_oversize,       // test only
  input  wire fault_hash,           // test only
  output wire busy,
  output wire run_active,
  output wire tx_byte_go,
  output wire tx_byte_last,
  output wire rx_reject,
  output wire [2:0] rx_reject_code,
  output wire [31:0] head_cycles
);
  wire rx;
  sync2 #(.INIT(1'b1)) u_sync (.clk(clk), .d(rx_async), .q(rx));
  board_endpoint #(
    .CLKS_PER_BIT(${p.clocksPerBit}),
    .IN_H(${inH}), .IN_W(${inW}),
    .OUT_C(${o.c}), .OUT_BITS(${o.bits}), .OUT_SIGNED(${o.signed ? 1 : 0}), .OUT_INTBITS(${o.intBits}),
    .OUT_H(${o.h}), .OUT_W(${o.w}),
    .PROGRAM_HASH(256'h${opts.programHashHex}),
    .CLOCK_KHZ(${p.clockKHz}),
    .CHUNK(${p.chunkBytes}), .WINDOW(${p.windowFrames}), .IN_FIFO_LOG2(${p.inFifoLog2}),
    .IBT_CYCLES(${p.interByteTimeoutCycles}), .ACK_TIMEOUT_CYCLES(${p.ackTimeoutCycles}),
    .BOARD_ID_LEN(${p.boardId.length}), .BOARD_ID(${vstr(p.boardId)})
  ) u_ep (
    .clk(clk), .rst(rst), .rx(rx), .tx(tx),
    .fault_silent(fault_silent), .fault_wrong_version(fault_wrong_version), .fault_oversize(fault_oversize),
    .fault_hash(fault_hash), .busy(busy), .run_active_o(run_active), .tx_byte_go(tx_byte_go),
    .tx_byte_last(tx_byte_last), .rx_reject(rx_reject), .rx_reject_code(rx_reject_code), .head_cycles_o(head_cycles)
  );
endmodule
`;
}

/** Hand-written library files of hdl/board/ the board needs (besides the head's own files). */
export const BOARD_HDL_FILES: readonly string[] = ['sync2.v', 'uart_rx.v', 'uart_tx.v', 'crc32.v', 'frame_decoder.v', 'frame_encoder.v', 'result_packer.v', 'board_endpoint.v'];

/**
 * The kit top's ports, with the I/O standard assumed for each. NO pin location is given: none could be checked
 * against Intel's kit documentation here, so the .qsf carries each location as a commented-out line to fill in from
 * the kit's baseline pinout (docs/board.md). The I/O standards are *unverified* assumptions too.
 */
export const KIT_PORTS = {
  clk_100m: { standard: '1.8 V', note: '100 MHz user clock input, LVCMOS per the kit user guide (UG 683696) as summarised in the project notes; bank voltage and location unverified' },
  reset_n: { standard: '1.8 V', note: 'user push button, active low (unverified)' },
  uart_rx: { standard: '1.8 V', note: 'UART RX, from the USB-UART adapter TXD through a 3.3 V -> 1.8 V level shifter (unverified bank voltage)' },
  uart_tx: { standard: '1.8 V', note: 'UART TX, to the USB-UART adapter RXD through a level shifter (unverified bank voltage)' },
  led_run_n: { standard: '1.8 V', note: 'user LED, on while a run is active (unverified polarity)' },
} as const;

/** The kit top level `board_top` (Verilog-2005): reset synchroniser, the board core with faults tied off, an LED. */
export function kitTopVerilog(): string {
  return `// Generated by hybrid-dhm (src/rtl/board.ts): top level for the Intel Cyclone 10 GX FPGA Development Kit.
// Pin locations and I/O standards are in board_top.qsf and are UNVERIFIED (docs/board.md).
module board_top (
  input  wire clk_100m,     // 100 MHz user clock (unverified pin, see .qsf)
  input  wire reset_n,      // push button, active low (unverified)
  input  wire uart_rx,      // from the USB-UART adapter's TXD
  output wire uart_tx,      // to the USB-UART adapter's RXD
  output wire led_run_n     // LED, active low (unverified polarity)
);
  wire rst_n_s;
  sync2 #(.INIT(1'b0)) u_rst (.clk(clk_100m), .d(reset_n), .q(rst_n_s));
  wire run_active;
  dhm_board u_board (
    .clk(clk_100m), .rst(!rst_n_s), .rx_async(uart_rx), .tx(uart_tx),
    .fault_silent(1'b0), .fault_wrong_version(1'b0), .fault_oversize(1'b0), .fault_hash(1'b0),
    .busy(), .run_active(run_active), .tx_byte_go(), .tx_byte_last(), .rx_reject(), .rx_reject_code(), .head_cycles()
  );
  assign led_run_n = !run_active;
endmodule
`;
}

/** Quartus Prime project files for the kit (10CX220YF780E5G): .qpf, .qsf (sources, pins, I/O standards), .sdc. */
export function quartusProject(verilogFiles: readonly string[], opts: { readonly clockKHz?: number } = {}): { readonly qpf: string; readonly qsf: string; readonly sdc: string } {
  const periodNs = 1e6 / (opts.clockKHz ?? 100_000);
  const pins = Object.entries(KIT_PORTS);
  const qsf = [
    '# Generated by hybrid-dhm (src/rtl/board.ts). Intel Cyclone 10 GX FPGA Development Kit.',
    `# Device from the kit name (${QUARTUS_DEVICE}). Pin locations are NOT given (none was verified against Intel's`,
    '# kit documentation): fill in each commented set_location_assignment from the kit\'s baseline pinout. Without',
    '# them Quartus places the pins itself and the design compiles, but it will not talk to your wires.',
    '# The I/O standards below are UNVERIFIED assumptions (docs/board.md).',
    'set_global_assignment -name FAMILY "Cyclone 10 GX"',
    `set_global_assignment -name DEVICE ${QUARTUS_DEVICE}`,
    'set_global_assignment -name PROJECT_OUTPUT_DIRECTORY output_files',
    'set_global_assignment -name TOP_LEVEL_ENTITY board_top',
    'set_global_assignment -name VERILOG_INPUT_VERSION VERILOG_2001',
    ...verilogFiles.map((f) => `set_global_assignment -name VERILOG_FILE ${f}`),
    'set_global_assignment -name SEARCH_PATH .',
    'set_global_assignment -name SDC_FILE board_top.sdc',
    ...pins.flatMap(([name, p]) => [
      `# ${p.note}`,
      `# set_location_assignment PIN_<unverified> -to ${name}`,
      `set_instance_assignment -name IO_STANDARD "${p.standard}" -to ${name}`,
    ]),
    '',
  ].join('\n');
  const sdc = [
    '# Generated by hybrid-dhm (src/rtl/board.ts).',
    `create_clock -name clk_100m -period ${periodNs.toFixed(3)} [get_ports clk_100m]`,
    'derive_clock_uncertainty',
    '# asynchronous inputs behind 2-FF synchronisers (sync2), and a slow output',
    'set_false_path -from [get_ports {uart_rx reset_n}]',
    'set_false_path -to [get_ports {uart_tx led_run_n}]',
    '',
  ].join('\n');
  const qpf = ['# Generated by hybrid-dhm (src/rtl/board.ts).', 'PROJECT_REVISION = "board_top"', ''].join('\n');
  return { qpf, qsf, sdc };
}
