/**
 * One Verilog module per layer, generated from the program (constant weights, formats, modes become literals and
 * parameters of the hand-written blocks in hdl/). Every module has the same stream ports:
 *   clk, rst, ce, restart, in<i>_valid, in<i>_data (one pair per distinct input stream), out_valid, out_data
 * where a stream word holds channel c at [c·bits +: bits]. Pipeline latency from issue to out_valid =
 * layerLatencyCycles(layer) (docs/datapath.md §9); see docs/rtl.md for the structure of each block.
 */
import {
  convAccumulatorBits, fracBits, layerLatencyCycles,
  type Activation, type AddLayer, type ConvLayer, type DhmProgram, type FixedFormat, type MaxPoolLayer, type Overflow,
  type Rounding, type StreamInfo, type WireLayer,
} from '../dhm/program';
import { clog2, comment, csdDigits, identifier, indexBits, signedLiteral } from './verilog';
import { lineBufferRows, skewFifoDepth, windowGeometry, type StreamTimes } from './schedule';

/** How constant multipliers are built: shift-add from canonical signed digits, or a `*` left to the tool's DSPs. */
export type MultiplierStyle = 'shift-add' | 'dsp';

/** Generation context for one layer. */
export interface LayerContext {
  readonly program: DhmProgram;
  readonly times: StreamTimes;
  /** Module name to emit. */
  readonly module: string;
  /** Per conv weight index (OIHW) whether its product goes to a DSP multiplier (absent: all shift-add); ±2^k weights stay shifts. */
  readonly dspWeights?: Uint8Array;
}

const ROUND_CODE: Record<Rounding, number> = { floor: 0, 'half-up': 1, 'half-even': 2 };
const ACT_CODE: Record<Activation, number> = { none: 0, relu: 1, relu6: 2, hardtanh: 3 };
const OVF_CODE: Record<Overflow, number> = { saturate: 0, wrap: 1 };

/** Distinct input streams of a layer, in first-use order. */
export function layerInputs(l: { kind: string; input?: string; inputs?: readonly string[] }): string[] {
  return l.kind === 'conv' || l.kind === 'maxpool' ? [l.input!] : [...new Set(l.inputs!)];
}

function header(ctx: LayerContext, l: DhmProgram['layers'][number], ins: string[]): string[] {
  const p = ctx.program;
  const out = p.streams[l.output]!;
  const lines = [comment(`layer '${l.name}' (${l.kind}), latency ${layerLatencyCycles(l)} cycles`)];
  lines.push(`module ${ctx.module} (`);
  lines.push('  input wire clk, input wire rst, input wire ce, input wire restart,');
  ins.forEach((id, i) => {
    const s = p.streams[id]!;
    lines.push(`  input wire in${i}_valid, input wire [${s.channels * s.format.bits - 1}:0] in${i}_data,  ${comment(`stream '${id}'`)}`);
  });
  lines.push(`  output wire out_valid, output wire [${out.channels * out.format.bits - 1}:0] out_data`);
  lines.push(');');
  return lines;
}

/** Valid pipeline of L stages after `issue`; restart drops stale (previous-frame) results. */
function validPipe(L: number): string[] {
  if (L === 1) return ['  reg vp; always @(posedge clk) if (rst) vp <= 1\'b0; else if (ce) vp <= issue;', '  assign out_valid = vp;'];
  return [
    `  reg [${L - 1}:0] vp;`,
    `  always @(posedge clk) if (rst) vp <= ${L}'d0; else if (ce) vp <= {vp[${L - 2}:0] & {${L - 1}{~restart}}, issue};`,
    `  assign out_valid = vp[${L - 1}];`,
  ];
}

/** A code of format f in a stream word, extended to a (bits+1)-bit signed value. */
function extend(word: string, lo: number, f: FixedFormat): string {
  const slice = `${word}[${lo + f.bits - 1}:${lo}]`;
  return f.signed ? `{${word}[${lo + f.bits - 1}], ${slice}}` : `{1'b0, ${slice}}`;
}

/** Internal width of a requant block: the input, the relu6/hardtanh bounds and the output range, plus a sign bit. */
export function requantWidth(inW: number, out: FixedFormat, six: number, one: number): number {
  const bitlen = (v: number) => (v <= 0 ? 1 : Math.floor(Math.log2(v)) + 1);
  return Math.max(inW, out.bits + 1, bitlen(six) + 1, bitlen(one) + 1) + 1;
}

/** round_shift + requant instance lines for value `inW`-bit signed `src` into `dst` (OUT bits). */
function requantLines(tag: string, src: string, inW: number, shift: number, rounding: Rounding, act: Activation, ovf: Overflow, out: FixedFormat, dst: string): string[] {
  const rw = shift > 0 ? Math.max(2, inW - shift + 2) : inW - shift + 1;
  const f = fracBits(out);
  const six = f < 0 ? Math.floor(6 * 2 ** f) : 6 * 2 ** f;
  const one = Math.floor(2 ** f);
  if (six > 2 ** 31 - 1) throw new RangeError(`relu6 bound 6·2^${f} does not fit a 32-bit Verilog parameter`);
  return [
    `  wire signed [${rw - 1}:0] ${tag}_r;`,
    `  round_shift #(.IN_W(${inW}), .OUT_W(${rw}), .SHIFT(${shift}), .ROUND(${ROUND_CODE[rounding]})) ${tag}_rs (.in(${src}), .out(${tag}_r));`,
    `  requant #(.IN_W(${rw}), .ACT(${ACT_CODE[act]}), .SIX(${act === 'relu6' ? six : 0}), .ONE(${act === 'hardtanh' ? one : 0}), .OUT_BITS(${out.bits}), .OUT_SIGNED(${out.signed ? 1 : 0}), .OVF(${OVF_CODE[ovf]}), .EW(${requantWidth(rw, out, act === 'relu6' ? six : 0, act === 'hardtanh' ? one : 0)})) ${tag}_rq (.in(${tag}_r), .out(${dst}));`,
  ];
}

function windowInstance(ctx: LayerContext, l: ConvLayer | MaxPoolLayer): string[] {
  const p = ctx.program;
  const x = p.streams[l.input]!;
  const out = p.streams[l.output]!;
  const g = windowGeometry(l);
  const rows = lineBufferRows(p, l, ctx.times);
  const word = x.channels * x.format.bits;
  const nt = g.kH * g.kW;
  // signed counters hold rows/columns from −pad to the last window's last tap (and output indices)
  const reach = Math.max(x.height, x.width, out.height, out.width) + Math.max(g.pT, g.pL, l.padBottom, l.padRight) + Math.max(g.sH, g.sW) + Math.max(g.dH * (g.kH - 1), g.dW * (g.kW - 1)) + 2;
  const pw = Math.ceil(Math.log2(reach + 1)) + 2;
  return [
    `  wire issue; wire [${nt - 1}:0] tap_ok; wire [${nt * word - 1}:0] tap_data;`,
    `  ${comment(`line buffer: ${rows} rows x ${x.width} pixels x ${word} bits`)}`,
    `  window #(.WORD(${word}), .IN_H(${x.height}), .IN_W(${x.width}), .OUT_H(${out.height}), .OUT_W(${out.width}), .KH(${g.kH}), .KW(${g.kW}), .SH(${g.sH}), .SWD(${g.sW}), .DH(${g.dH}), .DW(${g.dW}), .PT(${g.pT}), .PL(${g.pL}), .ROWS(${rows}), .SB(${indexBits(rows)}), .CB(${indexBits(x.width)}), .PW(${pw}))`,
    '    win (.clk(clk), .rst(rst), .ce(ce), .restart(restart), .in_valid(in0_valid), .in_data(in0_data), .issue(issue), .tap_ok(tap_ok), .tap_data(tap_data));',
  ];
}

/** A node of an adder / comparator tree under construction: a register (name) or a constant. */
type Node = { readonly name: string; readonly width: number } | { readonly value: bigint };

/** Conv: window → registered constant products → registered binary adder tree (bias leaf) → requant register. */
export function convModule(ctx: LayerContext, l: ConvLayer): string {
  const p = ctx.program;
  const x = p.streams[l.input]!;
  const out = p.streams[l.output]!;
  const L = layerLatencyCycles(l);
  const cg = l.inChannels / l.groups;
  const og = l.outChannels / l.groups;
  const F = cg * l.kernelH * l.kernelW;
  const levels = clog2(F + 1);
  const accBits = convAccumulatorBits(l, x.format);
  const P = x.format.bits + (x.format.signed ? 0 : 1) + l.weightFormat.bits; // product width b_x' + b_w
  const word = x.channels * x.format.bits;
  const lines = header(ctx, l, [l.input]);
  lines.push(...windowInstance(ctx, l));
  // tap values (extended, signed): the pad value where the tap lies outside the image
  const used = new Set<string>();
  const prodLines: string[] = [];
  const regs: string[] = [];
  const leaves: Node[][] = [];
  let np = 0;
  for (let o = 0; o < l.outChannels; o++) {
    const g = Math.floor(o / og);
    const ls: Node[] = [];
    for (let i = 0; i < cg; i++) {
      const c = g * cg + i;
      for (let ky = 0; ky < l.kernelH; ky++) {
        for (let kx = 0; kx < l.kernelW; kx++) {
          const wi = ((o * cg + i) * l.kernelH + ky) * l.kernelW + kx;
          const w = l.weights[wi]!;
          if (w === 0) continue;
          const t = ky * l.kernelW + kx;
          const xn = `x_${t}_${c}`;
          used.add(`${t}_${c}`);
          const pn = `p${np++}`;
          regs.push(`  reg signed [${P - 1}:0] ${pn};`);
          let expr: string;
          if (ctx.dspWeights?.[wi] && csdDigits(w).length > 1) {
            expr = `${xn} * ${signedLiteral(w, P)}`;
          } else {
            const d = csdDigits(w);
            expr = d.map((q, n) => {
              const term = q.shift === 0 ? xn : `(${xn} <<< ${q.shift})`;
              return n === 0 ? (q.sign < 0 ? `-${term}` : term) : `${q.sign < 0 ? ' - ' : ' + '}${term}`;
            }).join('');
          }
          prodLines.push(`      ${pn} <= ${expr};  // w[${o}][${i}][${ky}][${kx}] = ${w}`);
          ls.push({ name: pn, width: P });
        }
      }
    }
    if (l.bias[o] !== 0) ls.push({ value: BigInt(l.bias[o]!) });
    leaves.push(ls);
  }
  for (const key of [...used].sort((a, b) => { const [ta, ca] = a.split('_').map(Number); const [tb, cb] = b.split('_').map(Number); return ta! - tb! || ca! - cb!; })) {
    const [t, c] = key.split('_').map(Number) as [number, number];
    const lo = t * word + c * x.format.bits;
    lines.push(`  wire signed [${P - 1}:0] x_${key} = tap_ok[${t}] ? $signed(${extend('tap_data', lo, x.format)}) : ${signedLiteral(l.padValue[c]!, P)};`);
  }
  lines.push(...regs);
  lines.push('  always @(posedge clk) begin', '    if (ce) begin', ...prodLines, '    end', '  end');
  // adder trees: exactly `levels` registered levels per output channel (odd nodes and short trees are delayed)
  const treeLines: string[] = [];
  const accs: Node[] = [];
  for (let o = 0; o < l.outChannels; o++) {
    let nodes = leaves[o]!;
    for (let lev = 1; lev <= levels; lev++) {
      const next: Node[] = [];
      for (let n = 0; n < nodes.length; n += 2) {
        const a = nodes[n]!;
        const b = nodes[n + 1];
        if ('value' in a && (b === undefined || 'value' in b)) {
          next.push({ value: a.value + (b && 'value' in b ? b.value : 0n) });
          continue;
        }
        const wa = 'width' in a ? a.width : 0;
        const wb = b && 'width' in b ? b.width : 0;
        const width = Math.min(accBits, Math.max(wa, wb, P) + (b ? 1 : 0));
        const name = `a${o}_${lev}_${n >> 1}`;
        regs.push(`  reg signed [${width - 1}:0] ${name};`);
        const term = (q: Node) => ('value' in q ? signedLiteral(q.value, width) : q.name);
        treeLines.push(`      ${name} <= ${b ? `${term(a)} + ${term(b)}` : term(a)};`);
        next.push({ name, width });
      }
      nodes = next;
    }
    accs.push(nodes[0] ?? { value: 0n });
  }
  lines.push(...regs.slice(np));
  lines.push('  always @(posedge clk) begin', '    if (ce) begin', ...treeLines, '    end', '  end');
  // re-quantisation, activation, overflow (one register)
  const ys: string[] = [];
  for (let o = 0; o < l.outChannels; o++) {
    const a = accs[o]!;
    lines.push(`  wire signed [${accBits - 1}:0] acc${o} = ${'value' in a ? signedLiteral(a.value, accBits) : a.name};`);
    lines.push(`  wire [${out.format.bits - 1}:0] y${o};`);
    lines.push(...requantLines(`q${o}`, `acc${o}`, accBits, l.shift[o]!, l.rounding, l.activation, l.overflow, out.format, `y${o}`));
    ys.unshift(`y${o}`);
  }
  lines.push(...outputRegister(out, ys, L));
  return lines.join('\n');
}

/** The end of every layer module: the output register `out_r` ← {ys} (channel 0 last), its valid pipeline of `latencyCycles`, endmodule. */
function outputRegister(out: StreamInfo, ys: readonly string[], latencyCycles: number): string[] {
  return [
    `  reg [${out.channels * out.format.bits - 1}:0] out_r;`,
    `  always @(posedge clk) if (ce) out_r <= {${ys.join(', ')}};`,
    '  assign out_data = out_r;',
    ...validPipe(latencyCycles),
    'endmodule',
    '',
  ];
}

/** Max-pool: window → registered comparator tree per channel (padding taps excluded) → output register. */
export function maxPoolModule(ctx: LayerContext, l: MaxPoolLayer): string {
  const p = ctx.program;
  const x = p.streams[l.input]!;
  const L = layerLatencyCycles(l);
  const nt = l.kernelH * l.kernelW;
  const levels = clog2(nt);
  const b = x.format.bits;
  const word = x.channels * b;
  const lines = header(ctx, l, [l.input]);
  lines.push(...windowInstance(ctx, l));
  const regs: string[] = [];
  const body: string[] = [];
  const outs: string[] = [];
  for (let c = 0; c < x.channels; c++) {
    let nodes = Array.from({ length: nt }, (_, t) => ({ v: `tap_ok[${t}]`, d: `$signed(${extend('tap_data', t * word + c * b, x.format)})` }));
    for (let lev = 1; lev <= levels; lev++) {
      const next: { v: string; d: string }[] = [];
      for (let n = 0; n < nodes.length; n += 2) {
        const a = nodes[n]!;
        const q = nodes[n + 1];
        const v = `m${c}_${lev}_${n >> 1}_v`;
        const d = `m${c}_${lev}_${n >> 1}_d`;
        regs.push(`  reg ${v}; reg signed [${b}:0] ${d};`);
        if (q) {
          body.push(`      ${v} <= ${a.v} | ${q.v};`);
          body.push(`      ${d} <= (${a.v} && (!${q.v} || ${a.d} >= ${q.d})) ? ${a.d} : ${q.d};`);
        } else {
          body.push(`      ${v} <= ${a.v};`, `      ${d} <= ${a.d};`);
        }
        next.push({ v, d });
      }
      nodes = next;
    }
    const root = nodes[0]!;
    lines.push(`  wire signed [${b}:0] mx${c} = ${root.d};`);
    outs.unshift(`mx${c}[${b - 1}:0]`);
  }
  lines.push(...regs);
  if (body.length) lines.push('  always @(posedge clk) begin', '    if (ce) begin', ...body, '    end', '  end');
  lines.push(`  reg [${word - 1}:0] out_r;`);
  lines.push(`  always @(posedge clk) if (ce) out_r <= {${outs.join(', ')}};`);
  lines.push('  assign out_data = out_r;');
  lines.push(...validPipe(L));
  lines.push('endmodule', '');
  return lines.join('\n');
}

/** Issue logic of a multi-input block: one skew FIFO per distinct input, issue when every input has a pixel. */
function joinInputs(ctx: LayerContext, l: AddLayer | WireLayer, ins: string[]): { lines: string[]; data: string[] } {
  const p = ctx.program;
  if (ins.length === 1) return { lines: ['  wire issue = in0_valid;'], data: ['in0_data'] };
  const lines: string[] = [];
  const data: string[] = [];
  ins.forEach((id, i) => {
    const s = p.streams[id]!;
    const w = s.channels * s.format.bits;
    const depth = skewFifoDepth(l, id, ctx.times);
    lines.push(`  wire av${i}; wire [${w - 1}:0] hd${i};`);
    lines.push(`  skew_fifo #(.WIDTH(${w}), .DEPTH(${depth}), .AW(${indexBits(depth)})) f${i} (.clk(clk), .rst(rst), .ce(ce), .restart(restart), .push(in${i}_valid), .din(in${i}_data), .pop(issue), .avail(av${i}), .head(hd${i}));`);
    data.push(`hd${i}`);
  });
  lines.push(`  wire issue = ${ins.map((_, i) => `av${i}`).join(' && ')};`);
  return { lines, data };
}

/** Residual add: skew FIFOs → registered alignment shifts → registered add, activation, overflow. */
export function addModule(ctx: LayerContext, l: AddLayer): string {
  const p = ctx.program;
  const out = p.streams[l.output]!;
  const ins = layerInputs(l);
  const lines = header(ctx, l, ins);
  const j = joinInputs(ctx, l, ins);
  lines.push(...j.lines);
  const ys: string[] = [];
  const stage1: string[] = [];
  for (let c = 0; c < out.channels; c++) {
    const widths: number[] = [];
    for (let k = 0; k < 2; k++) {
      const id = l.inputs[k]!;
      const f = p.streams[id]!.format;
      const src = j.data[ins.indexOf(id)]!;
      const s = l.shifts[k]!;
      const inW = f.bits + 1;
      const rw = s > 0 ? Math.max(2, inW - s + 2) : inW - s + 1;
      widths.push(rw);
      lines.push(`  wire signed [${inW - 1}:0] e${k}_${c} = $signed(${extend(src, c * f.bits, f)});`);
      lines.push(`  wire signed [${rw - 1}:0] al${k}_${c}; reg signed [${rw - 1}:0] ar${k}_${c};`);
      lines.push(`  round_shift #(.IN_W(${inW}), .OUT_W(${rw}), .SHIFT(${s}), .ROUND(${ROUND_CODE[l.rounding]})) rs${k}_${c} (.in(e${k}_${c}), .out(al${k}_${c}));`);
      stage1.push(`      ar${k}_${c} <= al${k}_${c};`);
    }
    const sw = Math.max(widths[0]!, widths[1]!) + 1;
    lines.push(`  wire signed [${sw - 1}:0] sum${c} = ar0_${c} + ar1_${c};`);
    lines.push(`  wire [${out.format.bits - 1}:0] y${c};`);
    const f = fracBits(out.format);
    const six = l.activation === 'relu6' ? Math.floor(6 * 2 ** f) : 0;
    const one = l.activation === 'hardtanh' ? Math.floor(2 ** f) : 0;
    lines.push(`  requant #(.IN_W(${sw}), .ACT(${ACT_CODE[l.activation]}), .SIX(${six}), .ONE(${one}), .OUT_BITS(${out.format.bits}), .OUT_SIGNED(${out.format.signed ? 1 : 0}), .OVF(${OVF_CODE[l.overflow]}), .EW(${requantWidth(sw, out.format, six, one)})) rq${c} (.in(sum${c}), .out(y${c}));`);
    ys.unshift(`y${c}`);
  }
  lines.push('  always @(posedge clk) begin', '    if (ce) begin', ...stage1, '    end', '  end');
  lines.push(...outputRegister(out, ys, layerLatencyCycles(l)));
  return lines.join('\n');
}

/** Wire (concat / split / slice / shuffle): skew FIFOs → channel selection, alignment shift, overflow → register. */
export function wireModule(ctx: LayerContext, l: WireLayer): string {
  const p = ctx.program;
  const out = p.streams[l.output]!;
  const ins = layerInputs(l);
  const lines = header(ctx, l, ins);
  const j = joinInputs(ctx, l, ins);
  lines.push(...j.lines);
  const ys: string[] = [];
  for (let c = 0; c < out.channels; c++) {
    const k = l.sourceInput[c]!;
    const id = l.inputs[k]!;
    const f = p.streams[id]!.format;
    const src = j.data[ins.indexOf(id)]!;
    const sc = l.sourceChannel[c]!;
    const inW = f.bits + 1;
    lines.push(`  wire signed [${inW - 1}:0] e${c} = $signed(${extend(src, sc * f.bits, f)});`);
    lines.push(`  wire [${out.format.bits - 1}:0] y${c};`);
    lines.push(...requantLines(`q${c}`, `e${c}`, inW, l.shifts[k]!, l.rounding, 'none', l.overflow, out.format, `y${c}`));
    ys.unshift(`y${c}`);
  }
  lines.push(...outputRegister(out, ys, layerLatencyCycles(l)));
  return lines.join('\n');
}

/** The Verilog module of one layer. */
export function layerModule(ctx: LayerContext, l: DhmProgram['layers'][number]): string {
  switch (l.kind) {
    case 'conv': return convModule(ctx, l);
    case 'maxpool': return maxPoolModule(ctx, l);
    case 'add': return addModule(ctx, l);
    case 'wire': return wireModule(ctx, l);
  }
}

export { identifier };
