/**
 * `hybrid-dhm serial-selftest [--json] [--baud N]` — run the board-link fault list (docs/protocol.md §10) against the
 * simulated board through the fake serial port, with the same decoder and backend code the page uses. Prints per
 * fault what was injected, what the backend reported, and whether the following clean run succeeded. Exit code 1 if
 * any case fails. Pacing is the fake link's simulated line clock (10 bits/byte), not wall time.
 */
import { flagInt, parseArgs, UsageError } from '../args';
import { runSelfTest } from '../../src/board/selftest';

export const USAGE = 'usage: hybrid-dhm serial-selftest [--json] [--baud N]';

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['baud'], ['json', 'help']);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length > 0) throw new UsageError(`unexpected argument '${a.positionals[0]}'\n${USAGE}`);
  const baudRate = flagInt(a, 'baud', 921_600)!;
  if (baudRate <= 0) throw new UsageError(`--baud must be positive, got ${baudRate}`);
  const json = a.flags.has('json');
  const report = await runSelfTest({
    baudRate,
    onCase: json ? undefined : (c) => {
      console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.fault}`);
      console.log(`      injected: ${c.injected}`);
      console.log(`      observed: ${c.fired ? c.evidence : `DID NOT FIRE: ${c.evidence}`}`);
      console.log(`      expected: ${c.expected.kind === 'recover' ? 'recovery (retransmission / resync), bit-exact output' : c.expected.errorName}`);
      console.log(`      reported: ${c.reported}`);
      console.log(`      specific: ${c.specificOk ? 'met' : 'NOT MET'}: ${c.specific}`);
      console.log(`      next run: ${c.nextRun}   (${c.wallMs.toFixed(0)} ms wall)`);
    },
  });
  if (json) {
    console.log(JSON.stringify(report, null, 1));
  } else {
    console.log(`\nserial self-test: ${report.passed} passed, ${report.failed} failed (simulated board, program ${report.program}, ${report.baudRate} baud on the simulated line clock, board max payload ${report.boardMaxPayload} B)`);
  }
  return report.failed === 0 ? 0 : 1;
}
