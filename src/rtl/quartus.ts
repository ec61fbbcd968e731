/**
 * A Quartus Prime project skeleton for the head alone (`dhm_head.qsf`, `dhm_head.sdc`): device 10CX220YF780E5G
 * (Cyclone 10 GX, the board of ../shared/notes/rtl-recipes.md), top `dhm_head`, every Verilog file, a 100 MHz clock
 * constraint (the kit's `user_clk`, Intel user guide 683696). Virtual pins: the head's ports are not board pins
 * (the board shell of hdl/ wraps the head); the skeleton is for compiling the head to read its fit and timing.
 * Not run here: no Quartus on this machine.
 */

/** Device of the skeleton (Cyclone 10 GX FPGA Development Kit). */
export const QUARTUS_DEVICE = '10CX220YF780E5G';
/** Clock period of the skeleton's constraint in ns (100 MHz `user_clk` of the kit). */
export const QUARTUS_CLOCK_PERIOD_NS = 10;

/** The .qsf text for the given Verilog files (paths relative to the project folder). */
export function quartusQsf(verilogFiles: readonly string[], banner: readonly string[]): string {
  return [
    ...banner.map((b) => b.replace(/^\/\//, '#')),
    'set_global_assignment -name FAMILY "Cyclone 10 GX"',
    `set_global_assignment -name DEVICE ${QUARTUS_DEVICE}`,
    'set_global_assignment -name TOP_LEVEL_ENTITY dhm_head',
    'set_global_assignment -name PROJECT_OUTPUT_DIRECTORY output_files',
    'set_global_assignment -name VERILOG_INPUT_VERSION VERILOG_2001',
    ...verilogFiles.map((f) => `set_global_assignment -name VERILOG_FILE ${f}`),
    'set_global_assignment -name SDC_FILE dhm_head.sdc',
    '# the head alone: its ports are virtual pins (the board shell connects them)',
    'set_instance_assignment -name VIRTUAL_PIN ON -to *',
    'set_instance_assignment -name VIRTUAL_PIN OFF -to clk',
    '',
  ].join('\n');
}

/** The .sdc text: one clock on `clk`. */
export function quartusSdc(): string {
  return [
    `# ${1000 / QUARTUS_CLOCK_PERIOD_NS} MHz, the kit's user_clk (Intel user guide 683696)`,
    `create_clock -name clk -period ${QUARTUS_CLOCK_PERIOD_NS.toFixed(3)} [get_ports clk]`,
    'derive_clock_uncertainty',
    '',
  ].join('\n');
}
