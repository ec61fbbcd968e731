/**
 * `hybrid-dhm quantize <model-id> --cut N [--bits 8] [--weight-bits 8] [--rounding floor|half-up|half-even]
 *   [--overflow saturate|wrap] [--weight-quant pow2|haddoc2] [--per-channel] [--range max-abs|percentile]
 *   [--percentile P] [--json]`
 * Compiles the DHM head of a registry model at cut N (calibration: the four sample images, prepared with the model's
 * recipe) and prints the per-tensor report: observed float range, chosen format, fraction clipped, SQNR vs float.
 * `--json`: { model, cut, tensor, options, output: {shape, format}, layers, tensors: [...report rows] }.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, flagInt, flagNumber, flagChoice, UsageError, type ParsedArgs } from '../args';
import { resolveModel } from '../paths';
import { nodeCalibrationFrames } from '../calibration';
import { loadGraph, splitAt } from '../../src/graph/index';
import type { ModelEntry } from '../../src/models/registry';
import { CALIBRATION_IMAGES } from '../../src/dhm/calibration-set';
import { compileHead, formatReport, type CompileResult, type QuantOptions } from '../../src/dhm/quantize';
import { OVERFLOWS, ROUNDINGS, WEIGHT_QUANT_MODES, formatName } from '../../src/dhm/program';

export const USAGE = 'usage: hybrid-dhm quantize <model-id> --cut N [--bits 8] [--weight-bits 8] [--rounding floor|half-up|half-even] [--overflow saturate|wrap] [--weight-quant pow2|haddoc2] [--per-channel] [--range max-abs|percentile] [--percentile P] [--json]';

/** Flags shared with `emulate` (quantiser options). */
export const QUANT_FLAGS = ['cut', 'bits', 'weight-bits', 'rounding', 'overflow', 'weight-quant', 'range', 'percentile'] as const;
export const QUANT_BOOLEANS = ['per-channel'] as const;

/** Quantiser options from the shared flags (only the ones given). */
export function quantOptionsFromFlags(a: ParsedArgs): Partial<QuantOptions> {
  const o: Record<string, unknown> = {};
  const bits = flagInt(a, 'bits');
  if (bits !== undefined) o.bits = bits;
  const wb = flagInt(a, 'weight-bits');
  if (wb !== undefined) o.weightBits = wb;
  if (a.flags.has('rounding')) o.rounding = flagChoice(a, 'rounding', ROUNDINGS, 'half-up');
  if (a.flags.has('overflow')) o.overflow = flagChoice(a, 'overflow', OVERFLOWS, 'saturate');
  if (a.flags.has('weight-quant')) o.weightQuant = flagChoice(a, 'weight-quant', WEIGHT_QUANT_MODES, 'pow2');
  if (a.flags.has('range')) o.range = flagChoice(a, 'range', ['max-abs', 'percentile'] as const, 'max-abs');
  const p = flagNumber(a, 'percentile');
  if (p !== undefined) o.percentile = p;
  if (a.flags.has('per-channel')) o.perChannel = true;
  return o as Partial<QuantOptions>;
}

/** Load a registry model, split at `cut`, compile the head with the sample images as calibration set. */
export function compileModelHead(modelArg: string, cut: number, options: Partial<QuantOptions>, report: boolean): CompileResult & { entry: ModelEntry; tensor: string; tail: ReturnType<typeof splitAt>['tail'] } {
  const { path, entry } = resolveModel(modelArg);
  if (!entry) throw new UsageError(`'${modelArg}' is a file path; the DHM compiler needs a registry model id (it folds the model's preprocessing recipe into the first conv)`);
  if (!entry.float) throw new UsageError(`model '${entry.id}' is an int8 reference model; the DHM compiler needs a float model`);
  const g = loadGraph(new Uint8Array(readFileSync(path)), path);
  const s = splitAt(g, cut);
  const frames = nodeCalibrationFrames(entry.preprocessing);
  const r = compileHead(s.head, { ...options, preprocessing: entry.preprocessing, calibrationFrames: frames, modelId: entry.id, cutIndex: cut, report });
  return { ...r, entry, tensor: s.cut.tensor, tail: s.tail };
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS], ['json', 'help', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id, got ${a.positionals.length} arguments\n${USAGE}`);
  const cut = flagInt(a, 'cut');
  if (cut === undefined) throw new UsageError(`--cut N is required\n${USAGE}`);
  const r = compileModelHead(a.positionals[0]!, cut, quantOptionsFromFlags(a), true);
  const out = r.program.streams[r.program.output]!;
  const shape = [1, out.channels, out.height, out.width];
  if (a.flags.has('json')) {
    console.log(JSON.stringify({
      model: r.entry.id, cut, tensor: r.tensor, options: r.options, calibration: CALIBRATION_IMAGES.map((k) => `${k} (sample image)`),
      output: { shape, format: formatName(out.format) }, layers: r.program.layers.length,
      tensors: r.report.map((t) => ({ ...t, sqnrDb: Number.isFinite(t.sqnrDb) ? t.sqnrDb : null })),
    }, null, 1));
    return 0;
  }
  const o = r.options;
  console.log(`${r.entry.title} — DHM head at cut ${cut} (output tensor ${r.tensor}, NCHW ${shape.join('x')}, ${formatName(out.format)}), ${r.program.layers.length} layers`);
  console.log(`options: ${o.bits}-bit activations, ${o.weightBits}-bit weights (${o.weightQuant}${o.perChannel ? ', per channel' : ', per layer'}), rounding ${o.rounding}, overflow ${o.overflow}, range rule ${o.range}${o.range === 'percentile' ? ` p${o.percentile}` : ''}`);
  console.log(`calibration and report frames: the ${CALIBRATION_IMAGES.length} sample images of the calibration set (${CALIBRATION_IMAGES.join(', ')}); SQNR is measured (reference executor vs float64 evaluation of the head)`);
  console.log(formatReport(r.report));
  return 0;
}
