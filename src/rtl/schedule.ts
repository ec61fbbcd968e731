/**
 * The timing schedule the generated RTL reproduces (docs/datapath.md §9), kept per output pixel: every stream's
 * valid cycle t(k) (cycle 0 = input pixel (0,0), one input pixel per cycle), and from it the sizes of the hardware's
 * buffers — line-buffer rows of each windowed block and skew-FIFO depths of each multi-input block — so that no
 * datum is overwritten before the cycle the hardware reads it. The RTL does NOT read these times: its issue logic
 * recomputes them cycle by cycle (docs/rtl.md); co-simulation compares the two.
 */
import { layerLatencyCycles, type DhmLayer, type DhmProgram } from '../dhm/program';

/** Valid cycle of every output pixel (raster order) of every stream, by stream id. */
export type StreamTimes = ReadonlyMap<string, Float64Array>;

/** t(k) for every stream: the input's raster index, then each layer's max(ready(k), t(k−1)+1). */
export function streamTimes(program: DhmProgram): StreamTimes {
  const times = new Map<string, Float64Array>();
  const { height: H, width: W } = program.input;
  const tIn = new Float64Array(H * W);
  for (let k = 0; k < tIn.length; k++) tIn[k] = k;
  times.set(program.input.id, tIn);
  for (const l of program.layers) {
    const out = program.streams[l.output]!;
    const L = layerLatencyCycles(l);
    const t = new Float64Array(out.height * out.width);
    let prev = -Infinity;
    if (l.kind === 'conv' || l.kind === 'maxpool') {
      const x = program.streams[l.input]!;
      const tx = times.get(l.input)!;
      const g = windowGeometry(l);
      for (let oy = 0; oy < out.height; oy++) {
        const r = lastTap(x.height, g.kH, g.sH, g.dH, g.pT, oy);
        for (let ox = 0; ox < out.width; ox++) {
          const c = lastTap(x.width, g.kW, g.sW, g.dW, g.pL, ox);
          prev = Math.max(tx[r * x.width + c]! + L, prev + 1);
          t[oy * out.width + ox] = prev;
        }
      }
    } else {
      const ins = l.inputs.map((id) => times.get(id)!);
      for (let k = 0; k < t.length; k++) {
        let m = -Infinity;
        for (const ti of ins) m = Math.max(m, ti[k]!);
        prev = Math.max(m + L, prev + 1);
        t[k] = prev;
      }
    }
    times.set(l.output, t);
  }
  return times;
}

/** Kernel, stride, dilation and leading padding of a conv or max-pool (max-pool: dilation 1). */
export function windowGeometry(l: DhmLayer & { kind: 'conv' | 'maxpool' }): { kH: number; kW: number; sH: number; sW: number; dH: number; dW: number; pT: number; pL: number } {
  return {
    kH: l.kernelH, kW: l.kernelW, sH: l.strideH, sW: l.strideW,
    dH: l.kind === 'conv' ? l.dilationH : 1, dW: l.kind === 'conv' ? l.dilationW : 1, pT: l.padTop, pL: l.padLeft,
  };
}

/** Largest in-image index of output position o's window along one axis. */
export function lastTap(inSize: number, k: number, stride: number, dil: number, padA: number, o: number): number {
  const start = o * stride - padA;
  return start + dil * Math.min(k - 1, Math.floor((inSize - 1 - start) / dil));
}

/** Smallest in-image index of output position o's window along one axis. */
export function firstTap(k: number, stride: number, dil: number, padA: number, o: number): number {
  const start = o * stride - padA;
  return start < 0 ? start + dil * Math.ceil(-start / dil) : start;
}

/**
 * Rows the line buffer of a windowed layer must keep (circular, one slot per row): for every output pixel, the rows
 * from the window's first in-image row to the newest input row that has arrived by its issue cycle t(k) − L must not
 * have overwritten a tap the pixel reads (the newest row may share the oldest row's slot while it has written only
 * columns left of the window).
 */
export function lineBufferRows(program: DhmProgram, l: DhmLayer & { kind: 'conv' | 'maxpool' }, times: StreamTimes): number {
  const x = program.streams[l.input]!;
  const out = program.streams[l.output]!;
  const tx = times.get(l.input)!;
  const t = times.get(l.output)!;
  const L = layerLatencyCycles(l);
  const g = windowGeometry(l);
  let j = -1;
  let rows = 1;
  for (let oy = 0; oy < out.height; oy++) {
    const top = firstTap(g.kH, g.sH, g.dH, g.pT, oy);
    for (let ox = 0; ox < out.width; ox++) {
      const s = t[oy * out.width + ox]! - L;
      while (j + 1 < tx.length && tx[j + 1]! <= s) j++;
      // row `top + d` shares the slot of row `top` (d = rows kept); it is written from column 0 up to newestCol
      // (a tap at newestCol would also see the write-through bypass), so d rows suffice only when the window's
      // first in-image column lies right of newestCol.
      const d = Math.floor(j / x.width) - top;
      const newestCol = j % x.width;
      const left = firstTap(g.kW, g.sW, g.dW, g.pL, ox);
      rows = Math.max(rows, left > newestCol ? d : d + 1);
    }
  }
  return rows;
}

/**
 * Depth of the skew FIFO of input stream `input` of a multi-input add / wire: the largest number of its pixels that
 * have arrived but are not yet consumed at an issue cycle (at least 2).
 */
export function skewFifoDepth(l: DhmLayer & { kind: 'add' | 'wire' }, input: string, times: StreamTimes): number {
  const ti = times.get(input)!;
  const t = times.get(l.output)!;
  const L = layerLatencyCycles(l);
  let j = 0;
  let depth = 2;
  for (let k = 0; k < t.length; k++) {
    const s = t[k]! - L;
    while (j < ti.length && ti[j]! <= s) j++;
    depth = Math.max(depth, j - k);
  }
  return depth;
}
