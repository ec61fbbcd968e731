/**
 * Pass `emit`: the DhmProgram — streams with their formats, layers with their integer parameters, rounding,
 * overflow and activation (per-layer overrides applied), add/concat alignment shifts fracBits(in_k) − fracBits(out),
 * and `meta` (options, provenance; `calibrated: false` marks an estimate-mode program).
 */
import { formatName, fracBits, type DhmLayer, type DhmProgram, type FixedFormat, type StreamInfo } from '../program';
import { QuantizeError } from './options';
import { activationOf, need, overrideOf, type CompilerContext, type CompilerState } from './state';

function alignShift(layer: string, inF: FixedFormat, outF: FixedFormat): number {
  const s = fracBits(inF) - fracBits(outF);
  if (s < -16 || s > 32) throw new QuantizeError(layer, `alignment shift ${s} (from ${formatName(inF)} to ${formatName(outF)}) is outside −16..32`);
  return s;
}

export function emit(s: CompilerState, ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'emit', 'lower');
  const formats = need(s, 'formats', 'emit', 'formats');
  const convs = need(s, 'convs', 'emit', 'weights');
  const frames = need(s, 'frames', 'emit', 'lower');
  const opts = ctx.quant;
  const streams: Record<string, StreamInfo> = {};
  streams[fh.inputId] = { channels: 3, height: fh.height, width: fh.width, format: formats.get(fh.inputId)! };
  const layers: DhmLayer[] = [];
  for (const l of fh.layers) {
    const st = fh.streams[l.output]!;
    const out = formats.get(l.output)!;
    streams[l.output] = { channels: st.channels, height: st.height, width: st.width, format: out };
    const o = overrideOf(ctx, l);
    const rounding = o.rounding ?? opts.rounding;
    const overflow = o.overflow ?? opts.overflow;
    if (l.kind === 'conv') {
      const q = convs.get(l.name)!;
      layers.push({
        kind: 'conv', name: l.name, input: l.input, output: l.output, inChannels: l.inChannels, outChannels: l.outChannels,
        kernelH: l.kernelH, kernelW: l.kernelW, strideH: l.strideH, strideW: l.strideW, dilationH: l.dilationH, dilationW: l.dilationW,
        padTop: l.padTop, padLeft: l.padLeft, padBottom: l.padBottom, padRight: l.padRight, groups: l.groups,
        padValue: q.padValue, weights: q.weights, weightFormat: q.weightFormat, bias: q.bias, shift: q.shift,
        rounding, overflow, activation: activationOf(ctx, l), weightQuant: q.weightQuant,
        ...(q.weightFracBits ? { weightFracBits: q.weightFracBits } : {}),
      });
    } else if (l.kind === 'maxpool') {
      const { kind, name, input, output, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, ceilMode } = l;
      layers.push({ kind, name, input, output, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, ceilMode });
    } else if (l.kind === 'add') {
      const sh = l.inputs.map((i) => alignShift(l.name, formats.get(i)!, out)) as [number, number];
      layers.push({ kind: 'add', name: l.name, output: l.output, inputs: l.inputs, shifts: sh, rounding, overflow, activation: activationOf(ctx, l) });
    } else {
      layers.push({
        kind: 'wire', name: l.name, op: l.op, output: l.output, inputs: l.inputs, sourceInput: l.sourceInput, sourceChannel: l.sourceChannel,
        shifts: l.inputs.map((i) => alignShift(l.name, formats.get(i)!, out)), rounding, overflow,
      });
    }
  }
  const program: DhmProgram = {
    version: 1,
    meta: {
      preprocessing: ctx.preprocessing, bits: opts.bits, weightBits: opts.weightBits, rounding: opts.rounding, overflow: opts.overflow,
      weightQuant: opts.weightQuant, perChannel: opts.perChannel, range: opts.range, calibrationFrames: frames.length,
      ...(ctx.mode === 'estimate' ? { calibrated: false } : {}),
      ...ctx.provenance, crossingTensor: fh.output, ...ctx.meta,
    },
    input: { id: fh.inputId, channels: 3, height: fh.height, width: fh.width, format: formats.get(fh.inputId)! },
    streams, layers, output: fh.output,
  };
  return { ...s, program };
}
