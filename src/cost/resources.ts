/**
 * FPGA resource estimator for a DHM head (`DhmProgram`) on a device profile. Every rule is stated in
 * {@link RESOURCE_RULES} (printed in the report's assumptions section). The estimate is structural — it counts the
 * hardware the datapath of docs/datapath.md needs, from the program's actual integer weights — and ignores
 * routing, placement and synthesis optimisations (sharing of common sub-expressions across multipliers, for
 * instance, would lower the ALM count; retiming registers would raise the register count).
 */
import type { ConvLayer, DhmLayer, DhmProgram, HeadCycles, StreamInfo } from '../dhm/program';
import { csdNonZero } from './csd';
import type { FpgaProfile } from './devices';
import { constant, modelled, type Constant, type Figure } from '../provenance/provenance';

/** How constant multipliers are mapped (closed union).
 * - `logic`: every multiplier in ALMs (shift-and-add from CSD).
 * - `dsp-largest-first`: the multipliers with the most CSD adders go to 18x19 DSP multipliers until the DSP budget is
 *   used up (ties: program order, then weight order); the rest in ALMs.
 * - `dsp-all`: every non-trivial multiplier on a DSP multiplier (may exceed the budget: then the head does not fit). */
export type DspPolicy = 'logic' | 'dsp-largest-first' | 'dsp-all';

/** Resources the estimator reports (closed union), in the order of the report's tables. */
export type ResourceName = 'alms' | 'registers' | 'dspBlocks' | 'm20k' | 'mlab';
export const RESOURCE_NAMES: readonly ResourceName[] = ['alms', 'registers', 'dspBlocks', 'm20k', 'mlab'];
/** Soft-logic resources, held to the fit threshold; hard blocks may be used up to 100 %. */
export const SOFT_RESOURCES: readonly ResourceName[] = ['alms', 'registers'];

/** Estimator options. */
export interface ResourceOptions {
  readonly dspPolicy: DspPolicy;
  /** DSP multipliers (18x19) available to the head; default: the device's. */
  readonly dspMultiplierBudget?: number;
}

/** The estimator's own constants (assumptions), listed in the report. */
export const RESOURCE_RULES = {
  controlAlmsPerWindowedLayer: constant(16, 'ALMs', 'assumption', 'row/column counters and frame-valid logic of a layer with a K×K window or a stride: two 16-bit counters at 2 bits/ALM'),
  controlRegistersPerWindowedLayer: constant(32, 'registers', 'assumption', 'the two 16-bit counters above'),
  fitThreshold: constant(0.9, 'ratio', 'assumption', 'a head fits when its ALM and register use is at most 90 % (routing and packing of soft logic rarely reach 100 %); hard blocks (DSP, M20K, MLAB) may be used up to 100 %'),
} as const satisfies Record<string, Constant>;

/** Prose of every rule, in order, for the report. */
export const RESOURCE_RULE_TEXT: readonly string[] = [
  "Constant multiplier x·w (x: input stream code of B_in bits; w: integer weight code of B_w bits): w = 0 → removed; w = ±2^k → wiring; otherwise (CSD non-zero digits − 1) adders, each as wide as the product, P = B_in + B_w bits (the most-negative × most-negative product 2^(B_in+B_w−2) needs B_in + B_w signed bits; an unsigned input needs the same).",
  'Adder: ceil(width / 2) ALMs (two dedicated full-adder bits per ALM in arithmetic mode).',
  'Adder tree per output channel: one leaf per non-zero weight plus one for a non-zero bias; a binary tree of (leaves − 1) adders, level l (0-based) adders P + l + 1 bits wide; every level registered.',
  'Products are registered (P bits each, except on DSP multipliers, whose registers are internal).',
  'Re-quantisation, activation and overflow per output channel: a rounding adder as wide as the tree output plus a saturating mux (ceil(B_out/2) ALMs), B_out output register bits.',
  'DSP-mapped product: ceil(B_in/18)·ceil(B_w/19) 18x19 multipliers; 2 multipliers per DSP block; its result still enters the ALM adder tree.',
  'Line buffers of a K_h×K_w window (conv, max-pool): one FIFO per layer, depth W_in, width dilation_h·(K_h − 1)·C_in·B_in bits (docs/datapath.md §1); MLAB when depth ≤ 32 (ceil(width/20) MLABs of 10 ALMs), else M20K in the cheapest of 512×40, 1K×20, 2K×10, 4K×5, 8K×2, 16K×1.',
  'Window registers: K_h·(dilation_w·(K_w − 1) + 1)·C_in·B_in bits.',
  'Max-pool: per channel (K_h·K_w − 1) comparators, each ceil(B/2) ALMs of compare + ceil(B/2) of select mux; registered per tree level.',
  'Residual add: per channel alignment rounding adders (only for right shifts), one (B+1)-bit adder and a saturating mux; 2 register stages.',
  'Wiring (concat/split/shuffle/slice): no logic except a rounding adder per right-shifted channel; one output register stage.',
  'Skew FIFOs: a layer with several inputs delays its early inputs by (latest − earliest) first-output cycle of its inputs, scaled by the stream\'s pixel rate (its H·W over the frame\'s H·W); memory as for line buffers. Needs the compiler\'s cycle counts; without them skew FIFOs are 0 and the figure says so.',
  'ALM demand of a head = max(logic ALMs + MLAB ALMs, registers / 4) (four registers per ALM, ideal packing).',
];

/** Per-layer counts (plain integers; units in the field names). */
export interface LayerResourceCounts {
  readonly layer: string;
  readonly kind: DhmLayer['kind'];
  /** Constant multipliers by kind (conv only). */
  readonly multZero: number;
  readonly multShift: number;
  readonly multAdders: number;
  readonly multDsp: number;
  /** CSD adders of the logic-mapped multipliers. */
  readonly csdAdders: number;
  readonly treeAdders: number;
  readonly multiplierAlms: number;
  readonly treeAlms: number;
  readonly otherAlms: number;
  readonly mlabAlms: number;
  readonly alms: number;
  readonly registers: number;
  readonly dspMultipliers: number;
  readonly m20k: number;
  readonly mlab: number;
  readonly lineBufferBits: number;
  readonly skewFifoBits: number;
}

/** Per-head totals, utilisation and fit. */
export interface HeadResources {
  readonly layers: readonly LayerResourceCounts[];
  readonly policy: DspPolicy;
  readonly totals: Readonly<Record<ResourceName, Figure>>;
  readonly capacity: Readonly<Record<ResourceName, Figure>>;
  readonly utilisation: Readonly<Record<ResourceName, Figure>>;
  readonly fits: boolean;
  /** The resource with the highest utilisation. */
  readonly limiting: ResourceName;
  /** Whether skew FIFOs were costed from cycle counts. */
  readonly skewCosted: boolean;
}

const M20K_MODES: readonly (readonly [number, number])[] = [[512, 40], [1024, 20], [2048, 10], [4096, 5], [8192, 2], [16384, 1]];

/** Memory blocks for a FIFO of `depth` words × `widthBits` (rule in RESOURCE_RULE_TEXT). */
export function fifoBlocks(depth: number, widthBits: number, dev: FpgaProfile): { readonly m20k: number; readonly mlab: number } {
  if (depth <= 0 || widthBits <= 0) return { m20k: 0, mlab: 0 };
  if (depth <= dev.mlabMaxDepth.value) return { m20k: 0, mlab: Math.ceil(widthBits / 20) * Math.ceil(depth / dev.mlabMaxDepth.value) };
  let best = Infinity;
  for (const [d, w] of M20K_MODES) best = Math.min(best, Math.ceil(depth / d) * Math.ceil(widthBits / w));
  return { m20k: best, mlab: 0 };
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

type MutableCounts = { -readonly [K in keyof LayerResourceCounts]: LayerResourceCounts[K] };

function emptyCounts(layer: DhmLayer): MutableCounts {
  return {
    layer: layer.name, kind: layer.kind, multZero: 0, multShift: 0, multAdders: 0, multDsp: 0, csdAdders: 0, treeAdders: 0,
    multiplierAlms: 0, treeAlms: 0, otherAlms: 0, mlabAlms: 0, alms: 0, registers: 0, dspMultipliers: 0, m20k: 0, mlab: 0,
    lineBufferBits: 0, skewFifoBits: 0,
  };
}

function stream(p: DhmProgram, id: string, layer: string): StreamInfo {
  const s = p.streams[id];
  if (!s) throw new RangeError(`resource estimator: layer '${layer}' reads stream '${id}', which the program does not declare`);
  return s;
}

/** Histogram of CSD adder counts of one conv layer's non-trivial weights plus the per-channel tree leaves. */
interface ConvScan {
  /** hist[a] = number of weights needing a CSD adders (a ≥ 1). */
  readonly hist: number[];
  readonly zero: number;
  readonly shift: number;
  /** leaves per output channel (non-zero weights + non-zero bias). */
  readonly leaves: Int32Array;
}

/** Scans of conv layers already seen (layers are immutable; heads of one network share layer objects). */
const SCANS = new WeakMap<ConvLayer, ConvScan>();

function scanConv(l: ConvLayer): ConvScan {
  const hit = SCANS.get(l);
  if (hit) return hit;
  const s = scanConvUncached(l);
  SCANS.set(l, s);
  return s;
}

function scanConvUncached(l: ConvLayer): ConvScan {
  const perO = (l.inChannels / l.groups) * l.kernelH * l.kernelW;
  if (l.weights.length !== l.outChannels * perO) {
    throw new RangeError(`resource estimator: conv '${l.name}' has ${l.weights.length} weights, expected ${l.outChannels}×${perO} (OIHW)`);
  }
  const hist: number[] = [0];
  let zero = 0;
  let shift = 0;
  const leaves = new Int32Array(l.outChannels);
  for (let o = 0; o < l.outChannels; o++) {
    let nzCount = 0;
    for (let i = o * perO, e = i + perO; i < e; i++) {
      const w = l.weights[i]!;
      if (w === 0) {
        zero++;
        continue;
      }
      nzCount++;
      const nz = csdNonZero(w);
      if (nz === 1) shift++;
      else {
        const a = nz - 1;
        while (hist.length <= a) hist.push(0);
        hist[a]!++;
      }
    }
    leaves[o] = nzCount + (l.bias[o] !== 0 ? 1 : 0);
  }
  return { hist, zero, shift, leaves };
}

/** ALMs and registers of a registered binary adder tree with `leaves` leaves of `leafBits` bits. */
export function adderTreeCost(leaves: number, leafBits: number): { readonly adders: number; readonly alms: number; readonly registers: number; readonly outBits: number } {
  let n = leaves;
  let level = 0;
  let adders = 0;
  let alms = 0;
  let registers = 0;
  while (n > 1) {
    const a = Math.floor(n / 2);
    const w = leafBits + level + 1;
    adders += a;
    alms += a * ceilDiv(w, 2);
    const next = Math.ceil(n / 2);
    registers += next * w;
    n = next;
    level++;
  }
  return { adders, alms, registers, outBits: leafBits + level };
}

/**
 * The DSP policy's choice per conv layer (by layer index): `taken[a]` = how many of the layer's multipliers needing `a`
 * CSD adders go to 18x19 DSP multipliers. Largest adder count first, then program order; the budget is in 18x19
 * multipliers (a b_x × b_w product takes ceil(b_x/18)·ceil(b_w/19) of them).
 */
function dspSelection(program: DhmProgram, scans: ReadonlyMap<number, ConvScan>, dev: FpgaProfile, opts: ResourceOptions): Map<number, number[]> {
  const devMults = dev.multipliers18x19.value;
  let budget = opts.dspPolicy === 'logic' ? 0 : opts.dspPolicy === 'dsp-all' ? Infinity : (opts.dspMultiplierBudget ?? devMults);
  const dspTaken = new Map<number, number[]>();
  if (budget > 0) {
    const maxA = Math.max(0, ...[...scans.values()].map((s) => s.hist.length - 1));
    for (let a = maxA; a >= 1 && budget > 0; a--) {
      for (const [idx, s] of scans) {
        if (budget <= 0) break;
        const l = program.layers[idx] as ConvLayer;
        const inBits = stream(program, l.input, l.name).format.bits;
        const per = ceilDiv(inBits, 18) * ceilDiv(l.weightFormat.bits, 19);
        const avail = s.hist[a] ?? 0;
        const take = Math.min(avail, Math.floor(budget / per));
        if (take <= 0) continue;
        const arr = dspTaken.get(idx) ?? [];
        arr[a] = take;
        dspTaken.set(idx, arr);
        budget -= take * per;
      }
    }
  }
  return dspTaken;
}

/**
 * Which weights the DSP policy puts on DSP multipliers, per conv layer name: a mask over the layer's OIHW weights
 * (1 = a DSP multiplier). Within a layer and an adder count, the first weights in OIHW order are taken, so the RTL
 * generator (`RtlOptions.dspWeights` of src/rtl/head.ts) builds exactly the multipliers {@link estimateResources} counts.
 */
export function dspWeightMasks(program: DhmProgram, dev: FpgaProfile, opts: ResourceOptions): Map<string, Uint8Array> {
  const scans = new Map<number, ConvScan>();
  program.layers.forEach((l, idx) => { if (l.kind === 'conv') scans.set(idx, scanConv(l)); });
  const masks = new Map<string, Uint8Array>();
  for (const [idx, taken] of dspSelection(program, scans, dev, opts)) {
    const l = program.layers[idx] as ConvLayer;
    const left = [...taken].map((t) => t ?? 0);
    const mask = new Uint8Array(l.weights.length);
    for (let i = 0; i < l.weights.length; i++) {
      const w = l.weights[i]!;
      if (w === 0) continue;
      const a = csdNonZero(w) - 1;
      if (a >= 1 && (left[a] ?? 0) > 0) {
        mask[i] = 1;
        left[a]!--;
      }
    }
    masks.set(l.name, mask);
  }
  return masks;
}

/**
 * Estimate the resources of a head. `cycles` (the compiler's exact per-layer counts) lets skew FIFOs of multi-input
 * layers be costed; without it they count as zero and `skewCosted` is false.
 */
export function estimateResources(program: DhmProgram, dev: FpgaProfile, opts: ResourceOptions, cycles?: HeadCycles): HeadResources {
  const counts: MutableCounts[] = [];
  const scans = new Map<number, ConvScan>();
  const prodBits = new Map<number, number>();
  const frameHW = program.input.height * program.input.width;
  // First output cycle of every stream (input: 0), from the per-layer cycle counts.
  const firstOut = new Map<string, number>();
  if (cycles) {
    firstOut.set(program.input.id, 0);
    const byLayer = new Map(cycles.perLayer.map((c) => [c.layer, c.firstOutput] as const));
    for (const l of program.layers) {
      const f = byLayer.get(l.name);
      if (f === undefined) throw new RangeError(`resource estimator: cycle counts lack layer '${l.name}'`);
      firstOut.set(l.output, f);
    }
  }
  const addFifo = (c: MutableCounts, depth: number, width: number, kind: 'line' | 'skew'): void => {
    const b = fifoBlocks(depth, width, dev);
    c.m20k += b.m20k;
    c.mlab += b.mlab;
    c.mlabAlms += b.mlab * dev.almsPerMlab.value;
    if (kind === 'line') c.lineBufferBits += depth * width;
    else c.skewFifoBits += depth * width;
  };
  const window = (c: MutableCounts, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, inS: StreamInfo): void => {
    const bits = inS.format.bits;
    const spanW = dw * (kw - 1) + 1;
    const lines = dh * (kh - 1);
    c.registers += kh * spanW * inS.channels * bits;
    if (lines > 0) addFifo(c, inS.width, lines * inS.channels * bits, 'line');
    if (kh > 1 || kw > 1 || sh > 1 || sw > 1) {
      c.otherAlms += RESOURCE_RULES.controlAlmsPerWindowedLayer.value;
      c.registers += RESOURCE_RULES.controlRegistersPerWindowedLayer.value;
    }
  };
  const skew = (c: MutableCounts, inputs: readonly string[], layerName: string): void => {
    if (!cycles || inputs.length < 2) return;
    const uniq = [...new Set(inputs)];
    if (uniq.length < 2) return;
    const f = uniq.map((id) => firstOut.get(id));
    if (f.some((x) => x === undefined)) throw new RangeError(`resource estimator: no first-output cycle for an input of '${layerName}'`);
    const latest = Math.max(...(f as number[]));
    uniq.forEach((id, k) => {
      const d = latest - (f[k] as number);
      if (d <= 0) return;
      const s = stream(program, id, layerName);
      const depth = Math.ceil((d * s.height * s.width) / frameHW);
      addFifo(c, depth, s.channels * s.format.bits, 'skew');
    });
  };

  program.layers.forEach((l, idx) => {
    const c = emptyCounts(l);
    counts.push(c);
    const out = stream(program, l.output, l.name);
    const outBits = out.format.bits;
    switch (l.kind) {
      case 'conv': {
        const inS = stream(program, l.input, l.name);
        const scan = scanConv(l);
        scans.set(idx, scan);
        // product width b_x + b_w: a signed b_x-bit code times a b_w-bit code reaches (−2^(b_x−1))·(−2^(b_w−1)) =
        // 2^(b_x+b_w−2), which needs b_x + b_w signed bits; an unsigned b_x-bit code (b_x + 1 signed) needs the same
        const pw = inS.format.bits + l.weightFormat.bits;
        prodBits.set(idx, pw);
        c.multZero = scan.zero;
        c.multShift = scan.shift;
        c.multAdders = scan.hist.reduce((s, n) => s + n, 0);
        // products registered: shift and adder products (DSP ones are corrected below)
        c.registers += (c.multShift + c.multAdders) * pw;
        const treeCache = new Map<number, ReturnType<typeof adderTreeCost>>();
        for (let o = 0; o < l.outChannels; o++) {
          const n = scan.leaves[o]!;
          let t = treeCache.get(n);
          if (!t) {
            t = adderTreeCost(n, pw);
            treeCache.set(n, t);
          }
          c.treeAdders += t.adders;
          c.treeAlms += t.alms;
          c.registers += t.registers + outBits;
          c.otherAlms += n > 0 ? ceilDiv(t.outBits, 2) + ceilDiv(outBits, 2) : 0;
        }
        window(c, l.kernelH, l.kernelW, l.strideH, l.strideW, l.dilationH, l.dilationW, inS);
        break;
      }
      case 'maxpool': {
        const inS = stream(program, l.input, l.name);
        const bits = inS.format.bits;
        const k = l.kernelH * l.kernelW;
        c.otherAlms += inS.channels * (k - 1) * (ceilDiv(bits, 2) + ceilDiv(bits, 2));
        let n = k;
        let regs = 0;
        while (n > 1) {
          n = Math.ceil(n / 2);
          regs += n * bits;
        }
        c.registers += inS.channels * (regs + bits);
        window(c, l.kernelH, l.kernelW, l.strideH, l.strideW, 1, 1, inS);
        break;
      }
      case 'add': {
        const ch = out.channels;
        const rounding = l.shifts.filter((s) => s > 0).length;
        c.otherAlms += ch * (rounding * ceilDiv(outBits + 1, 2) + ceilDiv(outBits + 1, 2) + ceilDiv(outBits, 2));
        c.registers += ch * 2 * outBits;
        skew(c, l.inputs, l.name);
        break;
      }
      case 'wire': {
        let rounded = 0;
        for (let j = 0; j < l.sourceInput.length; j++) if ((l.shifts[l.sourceInput[j]!] ?? 0) > 0) rounded++;
        c.otherAlms += rounded * ceilDiv(outBits + 1, 2);
        c.registers += out.channels * outBits;
        skew(c, l.inputs, l.name);
        break;
      }
    }
  });

  // DSP mapping of adder-built multipliers.
  const dspTaken = dspSelection(program, scans, dev, opts);
  for (const [idx, s] of scans) {
    const c = counts[idx]!;
    const l = program.layers[idx] as ConvLayer;
    const pw = prodBits.get(idx)!;
    const inBits = stream(program, l.input, l.name).format.bits;
    const per = ceilDiv(inBits, 18) * ceilDiv(l.weightFormat.bits, 19);
    const taken = dspTaken.get(idx) ?? [];
    let adders = 0;
    let dsp = 0;
    s.hist.forEach((n, a) => {
      const t = taken[a] ?? 0;
      dsp += t;
      adders += (n - t) * a;
    });
    c.multDsp = dsp;
    c.dspMultipliers = dsp * per;
    c.csdAdders = adders;
    c.multiplierAlms = adders * ceilDiv(pw, 2);
    c.registers -= dsp * pw;
  }
  for (const c of counts) c.alms = c.multiplierAlms + c.treeAlms + c.otherAlms + c.mlabAlms;

  const sum = (k: keyof LayerResourceCounts): number => counts.reduce((s, c) => s + (c[k] as number), 0);
  const logicAlms = sum('alms');
  const registers = sum('registers');
  const almDemand = Math.max(logicAlms, ceilDiv(registers, dev.registersPerAlm.value));
  const dspMults = sum('dspMultipliers');
  const dspBlocks = ceilDiv(dspMults, dev.multipliersPerDsp.value);
  const mlabCap = Math.floor(dev.mlabTotalBits.value / dev.mlabBitsPerBlock.value);
  const src = `resource estimator (${opts.dspPolicy}) on ${program.layers.length} layers, rules in RESOURCE_RULE_TEXT`;
  const totals: Record<ResourceName, Figure> = {
    alms: modelled(almDemand, 'ALMs', `${src}; max(logic ${logicAlms} incl. MLAB ALMs, registers/4)`),
    registers: modelled(registers, 'registers', src),
    dspBlocks: modelled(dspBlocks, 'DSP blocks', `${src}; ${dspMults} 18x19 multipliers / 2`),
    m20k: modelled(sum('m20k'), 'M20K blocks', src),
    mlab: modelled(sum('mlab'), 'MLAB blocks', src),
  };
  const capacity: Record<ResourceName, Figure> = {
    alms: modelled(dev.alms.value, 'ALMs', dev.alms.source),
    registers: modelled(dev.registers.value, 'registers', dev.registers.source),
    dspBlocks: modelled(dev.dspBlocks.value, 'DSP blocks', dev.dspBlocks.source),
    m20k: modelled(dev.m20kBlocks.value, 'M20K blocks', dev.m20kBlocks.source),
    mlab: modelled(mlabCap, 'MLAB blocks', `${dev.mlabTotalBits.source} / 640 bits per MLAB`),
  };
  const utilisation = {} as Record<ResourceName, Figure>;
  // limiting = highest use relative to its limit; DSPs cannot limit when overflowing multipliers fall back to ALMs.
  const limitOf = (r: ResourceName): number => (SOFT_RESOURCES.includes(r) ? RESOURCE_RULES.fitThreshold.value : 1);
  let limiting: ResourceName = 'alms';
  for (const r of RESOURCE_NAMES) {
    const u = totals[r].value / capacity[r].value;
    utilisation[r] = modelled(u, 'ratio', `${r} estimate / device capacity`);
    if (r === 'dspBlocks' && opts.dspPolicy !== 'dsp-all') continue;
    if (u / limitOf(r) > utilisation[limiting].value / limitOf(limiting)) limiting = r;
  }
  const fits = RESOURCE_NAMES.every((r) => utilisation[r].value <= limitOf(r));
  return { layers: counts, policy: opts.dspPolicy, totals, capacity, utilisation, fits, limiting, skewCosted: cycles !== undefined };
}
