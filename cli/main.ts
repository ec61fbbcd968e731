/**
 * `hybrid-dhm` — the Node CLI for batch experiments. One table of commands; each command module exports
 * `run(argv): Promise<exitCode>`. Errors go to stderr with a non-zero exit code (2 for usage errors, 1 otherwise).
 */
import { UsageError } from './args';

type Command = { readonly summary: string; readonly load: () => Promise<{ run(argv: string[]): Promise<number> }> };

/** The table of contents of the CLI. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  cuts: { summary: 'list the legal cut points of a model (head/tail split)', load: () => import('./commands/cuts') },
  split: { summary: 'write head.onnx and tail.onnx for a cut', load: () => import('./commands/split') },
  quantize: { summary: 'compile a DHM head and print the per-tensor quantisation report', load: () => import('./commands/quantize') },
  emulate: { summary: 'run a DHM head on an image (reference|wasm): shape, format, sha256, cycles', load: () => import('./commands/emulate') },
  reproduce: { summary: 'reproduce the paper with the cost models: cuts × bit widths → report.md, CSV, JSON, SVG', load: () => import('./commands/reproduce') },
  golden: { summary: 'write golden vectors (input frames, expected outputs, cycles) for a board testbench', load: () => import('./commands/golden') },
  'board-rtl': { summary: 'write the board design (head + UART protocol endpoint) and a Quartus project for the Cyclone 10 GX kit', load: () => import('./commands/board-rtl') },
  'serial-selftest': { summary: 'run the board-link fault list against the simulated board', load: () => import('./commands/serial-selftest') },
  rtl: { summary: 'write the synthesizable Verilog of a DHM head (+ Quartus skeleton)', load: () => import('./commands/rtl') },
  cosim: { summary: 'co-simulate the head RTL in Verilator against the reference and the emulator, bit- and cycle-exact', load: () => import('./commands/cosim') },
  synth: { summary: 'run yosys on the head RTL (coarse, or --full synth_intel_alm) beside the resource model', load: () => import('./commands/synth') },
  classify: { summary: 'classify an image with the hybrid system and the GPU-only baseline', load: () => import('./commands/classify') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`);
  return `usage: hybrid-dhm <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun \`hybrid-dhm <command> --help\` for a command's options.`;
}

/** Run the CLI with the given arguments (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`hybrid-dhm: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (e) {
    const err = e as Error;
    console.error(`hybrid-dhm ${name}: ${err.name && err.name !== 'Error' ? err.name + ': ' : ''}${err.message}`);
    if (process.env.HYBRID_DHM_DEBUG) console.error(err.stack);
    return e instanceof UsageError ? 2 : 1;
  }
}
