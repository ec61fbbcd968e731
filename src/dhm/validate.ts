/**
 * Validation of a DhmProgram against docs/datapath.md (version-1 limits of §2, shapes of §3.1/§7, stream references).
 * Every executor (reference, Wasm wrapper) and the cycle formula call {@link validateProgram} first, so a bad
 * program fails with a {@link DhmProgramError} naming the layer and field instead of producing wrong numbers.
 */
import {
  ACTIVATIONS, OVERFLOWS, ROUNDINGS, WEIGHT_QUANT_MODES, convAccumulatorBits, convBiasBound, convOutputSize, formatName, formatRange,
  paddingOnlyWindow, poolOutputSize, sameFormat,
  type ConvLayer, type DhmLayer, type DhmProgram, type FixedFormat, type StreamInfo,
} from './program';

/** A program that violates the datapath spec. `layer` is the layer name ('' for program-level fields). */
export class DhmProgramError extends Error {
  override name = 'DhmProgramError';
  constructor(
    readonly layer: string,
    readonly field: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`DHM program${layer ? ` layer '${layer}'` : ''}: field '${field}': expected ${expected}, got ${got}`);
  }
}

const MAX_STREAM_BITS = 16;
const MAX_WEIGHT_BITS = 16;
const MAX_ACC_BITS = 53;

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}

function checkFormat(layer: string, field: string, f: FixedFormat | undefined, maxBits: number): void {
  if (!f || typeof f !== 'object') throw new DhmProgramError(layer, field, 'a FixedFormat', String(f));
  if (typeof f.signed !== 'boolean') throw new DhmProgramError(layer, `${field}.signed`, 'a boolean', String(f.signed));
  if (!isInt(f.bits) || f.bits < 1 || f.bits > maxBits) throw new DhmProgramError(layer, `${field}.bits`, `an integer 1..${maxBits}`, String(f.bits));
  if (!isInt(f.intBits) || Math.abs(f.intBits) > 64) throw new DhmProgramError(layer, `${field}.intBits`, 'an integer in -64..64', String(f.intBits));
}

function checkPositive(layer: string, field: string, v: number, min = 1): void {
  if (!isInt(v) || v < min) throw new DhmProgramError(layer, field, `an integer ≥ ${min}`, String(v));
}

function checkArray(layer: string, field: string, a: unknown, len: number): asserts a is Int32Array {
  if (!(a instanceof Int32Array)) throw new DhmProgramError(layer, field, `an Int32Array of length ${len}`, a === undefined ? 'undefined' : Object.prototype.toString.call(a));
  if (a.length !== len) throw new DhmProgramError(layer, field, `length ${len}`, `length ${a.length}`);
}


function checkMode(layer: string, field: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) throw new DhmProgramError(layer, field, `one of ${allowed.join('|')}`, `'${String(v)}'`);
}

function checkShift(layer: string, field: string, s: number, lo: number, hi: number): void {
  if (!isInt(s) || s < lo || s > hi) throw new DhmProgramError(layer, field, `an integer ${lo}..${hi}`, String(s));
}

/** Every output row/column of a window op has at least one in-image tap (docs/datapath.md §3.1). */
function checkWindowsHitImage(layer: string, axis: 'H' | 'W', inSize: number, outSize: number, k: number, stride: number, dil: number, padA: number): void {
  const o = paddingOnlyWindow(inSize, outSize, k, stride, dil, padA);
  if (o >= 0) throw new DhmProgramError(layer, `pad${axis === 'H' ? 'Top/padBottom' : 'Left/padRight'}`, `every window along ${axis} to contain an in-image tap`, `output ${axis === 'H' ? 'row' : 'column'} ${o} reads only padding`);
}

function checkStreamShape(layer: string, s: StreamInfo, c: number, h: number, w: number, what: string): void {
  if (s.channels !== c || s.height !== h || s.width !== w) {
    throw new DhmProgramError(layer, what, `shape ${c}×${h}×${w}`, `${s.channels}×${s.height}×${s.width}`);
  }
}

function validateConv(l: ConvLayer, inp: StreamInfo, out: StreamInfo): void {
  const n = l.name;
  for (const f of ['inChannels', 'outChannels', 'kernelH', 'kernelW', 'strideH', 'strideW', 'dilationH', 'dilationW', 'groups'] as const) checkPositive(n, f, l[f]);
  for (const f of ['padTop', 'padLeft', 'padBottom', 'padRight'] as const) checkPositive(n, f, l[f], 0);
  if (l.inChannels % l.groups !== 0 || l.outChannels % l.groups !== 0) {
    throw new DhmProgramError(n, 'groups', `a divisor of inChannels (${l.inChannels}) and outChannels (${l.outChannels})`, String(l.groups));
  }
  if (inp.channels !== l.inChannels) throw new DhmProgramError(n, 'inChannels', `the input stream's channels (${inp.channels})`, String(l.inChannels));
  const oh = convOutputSize(inp.height, l.kernelH, l.strideH, l.dilationH, l.padTop, l.padBottom);
  const ow = convOutputSize(inp.width, l.kernelW, l.strideW, l.dilationW, l.padLeft, l.padRight);
  if (oh < 1 || ow < 1) throw new DhmProgramError(n, 'kernel/pads', 'an output of at least 1×1', `${oh}×${ow}`);
  checkStreamShape(n, out, l.outChannels, oh, ow, `output stream '${l.output}'`);
  checkWindowsHitImage(n, 'H', inp.height, oh, l.kernelH, l.strideH, l.dilationH, l.padTop);
  checkWindowsHitImage(n, 'W', inp.width, ow, l.kernelW, l.strideW, l.dilationW, l.padLeft);
  checkFormat(n, 'weightFormat', l.weightFormat, MAX_WEIGHT_BITS);
  if (!l.weightFormat.signed || l.weightFormat.bits < 2) throw new DhmProgramError(n, 'weightFormat', 'a signed format of 2..16 bits', formatName(l.weightFormat));
  const cg = l.inChannels / l.groups;
  checkArray(n, 'weights', l.weights, l.outChannels * cg * l.kernelH * l.kernelW);
  const wr = formatRange(l.weightFormat);
  const ws = l.weights, wMin = wr.min, wMax = wr.max; // locals: this loop runs over every weight of every program
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (w < wMin || w > wMax) throw new DhmProgramError(n, `weights[${i}]`, `a code in ${formatName(l.weightFormat)} range ${wMin}..${wMax}`, String(w));
  }
  checkArray(n, 'padValue', l.padValue, l.inChannels);
  const ir = formatRange(inp.format);
  for (let c = 0; c < l.inChannels; c++) {
    const p = l.padValue[c]!;
    if (p < ir.min || p > ir.max) throw new DhmProgramError(n, `padValue[${c}]`, `a code of the input format ${formatName(inp.format)} (${ir.min}..${ir.max})`, String(p));
  }
  checkArray(n, 'bias', l.bias, l.outChannels);
  const bb = convBiasBound(l, inp.format);
  for (let o = 0; o < l.outChannels; o++) {
    const b = l.bias[o]!;
    if (Math.abs(b) > bb) throw new DhmProgramError(n, `bias[${o}]`, `|bias| ≤ 2^(b_x'+b_w−2) = ${bb}`, String(b));
  }
  const accBits = convAccumulatorBits(l, inp.format);
  if (accBits > MAX_ACC_BITS) throw new DhmProgramError(n, 'accumulator', `accBits ≤ ${MAX_ACC_BITS}`, `${accBits} (input ${formatName(inp.format)}, weights ${formatName(l.weightFormat)}, fan-in ${cg * l.kernelH * l.kernelW})`);
  checkArray(n, 'shift', l.shift, l.outChannels);
  for (let o = 0; o < l.outChannels; o++) {
    const s = l.shift[o]!;
    checkShift(n, `shift[${o}]`, s, -16, 48);
    if (accBits + Math.max(0, -s) > 62) throw new DhmProgramError(n, `shift[${o}]`, `accBits (${accBits}) + left shift ≤ 62`, String(s));
  }
  if (l.weightFracBits !== undefined) checkArray(n, 'weightFracBits', l.weightFracBits, l.outChannels);
  checkMode(n, 'rounding', l.rounding, ROUNDINGS);
  checkMode(n, 'overflow', l.overflow, OVERFLOWS);
  checkMode(n, 'activation', l.activation, ACTIVATIONS);
  checkMode(n, 'weightQuant', l.weightQuant, WEIGHT_QUANT_MODES);
}

/**
 * Check a program against the spec (shapes, array lengths, code ranges, formats, modes, stream references, the
 * version-1 limits of docs/datapath.md §2); throws {@link DhmProgramError} naming the first problem.
 */
export function validateProgram(p: DhmProgram): void {
  if (!p || typeof p !== 'object') throw new DhmProgramError('', 'program', 'an object', String(p));
  if (p.version !== 1) throw new DhmProgramError('', 'version', '1', String(p.version));
  const inp = p.input;
  if (!inp) throw new DhmProgramError('', 'input', 'a ProgramInput', 'undefined');
  if (inp.channels !== 3) throw new DhmProgramError('', 'input.channels', '3 (R,G,B)', String(inp.channels));
  checkPositive('', 'input.height', inp.height);
  checkPositive('', 'input.width', inp.width);
  checkFormat('', 'input.format', inp.format, MAX_STREAM_BITS);
  if (inp.format.signed || inp.format.bits !== 8 || inp.format.intBits !== 8) throw new DhmProgramError('', 'input.format', 'UFIXED<8,8>', formatName(inp.format));
  const streams = p.streams;
  if (!streams || typeof streams !== 'object') throw new DhmProgramError('', 'streams', 'a record of StreamInfo', String(streams));
  const si = streams[inp.id];
  if (!si) throw new DhmProgramError('', 'streams', `an entry for the input stream '${inp.id}'`, 'none');
  checkStreamShape('', si, 3, inp.height, inp.width, `streams['${inp.id}']`);
  if (!sameFormat(si.format, inp.format)) throw new DhmProgramError('', `streams['${inp.id}'].format`, formatName(inp.format), formatName(si.format));
  if (!Array.isArray(p.layers) || p.layers.length === 0) throw new DhmProgramError('', 'layers', 'at least one layer', String(p.layers?.length ?? p.layers));
  const produced = new Set<string>([inp.id]);
  const names = new Set<string>();
  const get = (layer: string, field: string, id: string): StreamInfo => {
    if (!produced.has(id)) throw new DhmProgramError(layer, field, 'a stream produced by an earlier layer or the program input', `'${id}'`);
    return streams[id]!;
  };
  for (const l of p.layers as readonly DhmLayer[]) {
    const n = l.name;
    if (typeof n !== 'string' || n === '') throw new DhmProgramError('', 'layers[].name', 'a non-empty string', String(n));
    if (names.has(n)) throw new DhmProgramError(n, 'name', 'a unique layer name', 'a duplicate');
    names.add(n);
    if (produced.has(l.output)) throw new DhmProgramError(n, 'output', 'a new stream id', `'${l.output}' (already produced)`);
    const out = streams[l.output];
    if (!out) throw new DhmProgramError(n, 'output', `an entry in streams for '${l.output}'`, 'none');
    for (const f of ['channels', 'height', 'width'] as const) checkPositive(n, `streams['${l.output}'].${f}`, out[f]);
    checkFormat(n, `streams['${l.output}'].format`, out.format, MAX_STREAM_BITS);
    switch (l.kind) {
      case 'conv':
        validateConv(l, get(n, 'input', l.input), out);
        break;
      case 'maxpool': {
        const x = get(n, 'input', l.input);
        for (const f of ['kernelH', 'kernelW', 'strideH', 'strideW'] as const) checkPositive(n, f, l[f]);
        for (const f of ['padTop', 'padLeft', 'padBottom', 'padRight'] as const) checkPositive(n, f, l[f], 0);
        if (l.padTop >= l.kernelH || l.padBottom >= l.kernelH) throw new DhmProgramError(n, 'padTop/padBottom', `< kernelH (${l.kernelH})`, `${l.padTop}/${l.padBottom}`);
        if (l.padLeft >= l.kernelW || l.padRight >= l.kernelW) throw new DhmProgramError(n, 'padLeft/padRight', `< kernelW (${l.kernelW})`, `${l.padLeft}/${l.padRight}`);
        if (typeof l.ceilMode !== 'boolean') throw new DhmProgramError(n, 'ceilMode', 'a boolean', String(l.ceilMode));
        const oh = poolOutputSize(x.height, l.kernelH, l.strideH, l.padTop, l.padBottom, l.ceilMode);
        const ow = poolOutputSize(x.width, l.kernelW, l.strideW, l.padLeft, l.padRight, l.ceilMode);
        if (oh < 1 || ow < 1) throw new DhmProgramError(n, 'kernel/pads', 'an output of at least 1×1', `${oh}×${ow}`);
        checkStreamShape(n, out, x.channels, oh, ow, `output stream '${l.output}'`);
        checkWindowsHitImage(n, 'H', x.height, oh, l.kernelH, l.strideH, 1, l.padTop);
        checkWindowsHitImage(n, 'W', x.width, ow, l.kernelW, l.strideW, 1, l.padLeft);
        if (!sameFormat(out.format, x.format)) throw new DhmProgramError(n, `streams['${l.output}'].format`, `the input format ${formatName(x.format)}`, formatName(out.format));
        break;
      }
      case 'add': {
        if (!Array.isArray(l.inputs) || l.inputs.length !== 2) throw new DhmProgramError(n, 'inputs', 'two stream ids', String(l.inputs));
        if (!Array.isArray(l.shifts) || l.shifts.length !== 2) throw new DhmProgramError(n, 'shifts', 'two shifts', String(l.shifts));
        l.inputs.forEach((id, k) => {
          const x = get(n, `inputs[${k}]`, id);
          checkStreamShape(n, x, out.channels, out.height, out.width, `inputs[${k}] '${id}'`);
          checkShift(n, `shifts[${k}]`, l.shifts[k]!, -16, 32);
        });
        checkMode(n, 'rounding', l.rounding, ROUNDINGS);
        checkMode(n, 'overflow', l.overflow, OVERFLOWS);
        checkMode(n, 'activation', l.activation, ACTIVATIONS);
        break;
      }
      case 'wire': {
        if (!Array.isArray(l.inputs) || l.inputs.length < 1) throw new DhmProgramError(n, 'inputs', 'at least one stream id', String(l.inputs));
        if (!Array.isArray(l.shifts) || l.shifts.length !== l.inputs.length) throw new DhmProgramError(n, 'shifts', `${l.inputs.length} shifts (one per input)`, String(l.shifts?.length));
        const ins = l.inputs.map((id, k) => {
          const x = get(n, `inputs[${k}]`, id);
          if (x.height !== out.height || x.width !== out.width) throw new DhmProgramError(n, `inputs[${k}] '${id}'`, `height×width ${out.height}×${out.width}`, `${x.height}×${x.width}`);
          checkShift(n, `shifts[${k}]`, l.shifts[k]!, -16, 32);
          return x;
        });
        checkArray(n, 'sourceInput', l.sourceInput, out.channels);
        checkArray(n, 'sourceChannel', l.sourceChannel, out.channels);
        for (let j = 0; j < out.channels; j++) {
          const k = l.sourceInput[j]!;
          if (k < 0 || k >= ins.length) throw new DhmProgramError(n, `sourceInput[${j}]`, `an input index 0..${ins.length - 1}`, String(k));
          const c = l.sourceChannel[j]!;
          if (c < 0 || c >= ins[k]!.channels) throw new DhmProgramError(n, `sourceChannel[${j}]`, `a channel 0..${ins[k]!.channels - 1} of '${l.inputs[k]}'`, String(c));
        }
        checkMode(n, 'op', l.op, ['concat', 'split', 'shuffle', 'slice']);
        checkMode(n, 'rounding', l.rounding, ROUNDINGS);
        checkMode(n, 'overflow', l.overflow, OVERFLOWS);
        break;
      }
      default:
        throw new DhmProgramError(n, 'kind', 'conv|maxpool|add|wire', `'${String((l as { kind: unknown }).kind)}'`);
    }
    produced.add(l.output);
  }
  if (p.output === inp.id || !produced.has(p.output)) throw new DhmProgramError('', 'output', 'a stream produced by a layer', `'${p.output}'`);
}
