/**
 * The analytic cycle formula of a DHM head (docs/datapath.md §9): per layer and for the head, the cycle at which
 * the first output pixel is valid and the frame's completion (`total` = last valid cycle + 1), with cycle 0 = the
 * cycle input pixel (0,0) is presented. No cycle stepping: every stream's valid-time function t is evaluated in
 * closed form per output pixel (max-plus algebra), O(output pixels) per layer:
 *
 *   t_input(y, x)  = y·W + x
 *   ready(oy, ox)  = t_in(lastRow(oy), lastCol(ox)) + L          (conv, maxpool; L = layerLatencyCycles)
 *   ready(k)       = max_j t_in_j(k) + L                           (add, wire)
 *   t(k)           = max(ready(k), t(k−1) + 1)                     (one pixel per clock through the output FIFO)
 *
 * lastRow(oy) is the largest in-image row of output row oy's window, lastRow = start + d·min(k−1, floor((H−1−start)/d))
 * with start = oy·stride − padTop (same for columns): since t_in is strictly increasing in raster order, the window's
 * max valid time is reached at its last in-image tap. Must equal the Wasm emulator's counts exactly.
 */
import { layerLatencyCycles, type CycleCounts, type DhmProgram, type HeadCycles } from './program';
import { validateProgram } from './validate';

/** Largest in-image index of each output position's window along one axis (validated: every window hits). */
function lastTaps(inSize: number, outSize: number, k: number, stride: number, dil: number, padA: number): Int32Array {
  const last = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padA;
    last[o] = start + dil * Math.min(k - 1, Math.floor((inSize - 1 - start) / dil));
  }
  return last;
}

/** Cycle counts of every layer and of the head's output stream, by formula. Validates the program first. */
export function formulaCycles(program: DhmProgram): HeadCycles {
  validateProgram(program);
  const times = new Map<string, Float64Array>();
  const { height: H, width: W } = program.input;
  const tIn = new Float64Array(H * W);
  for (let k = 0; k < tIn.length; k++) tIn[k] = k; // y·W + x = raster index
  times.set(program.input.id, tIn);
  const perLayer: ({ layer: string } & CycleCounts)[] = [];
  for (const l of program.layers) {
    const out = program.streams[l.output]!;
    const L = layerLatencyCycles(l);
    const n = out.height * out.width;
    const t = new Float64Array(n);
    if (l.kind === 'conv' || l.kind === 'maxpool') {
      const x = program.streams[l.input]!;
      const tx = times.get(l.input)!;
      const dH = l.kind === 'conv' ? l.dilationH : 1;
      const dW = l.kind === 'conv' ? l.dilationW : 1;
      const rows = lastTaps(x.height, out.height, l.kernelH, l.strideH, dH, l.padTop);
      const cols = lastTaps(x.width, out.width, l.kernelW, l.strideW, dW, l.padLeft);
      let prev = -Infinity;
      for (let oy = 0; oy < out.height; oy++) {
        const base = rows[oy]! * x.width;
        for (let ox = 0; ox < out.width; ox++) {
          prev = Math.max(tx[base + cols[ox]!]! + L, prev + 1);
          t[oy * out.width + ox] = prev;
        }
      }
    } else {
      const ins = l.inputs.map((id) => times.get(id)!);
      let prev = -Infinity;
      for (let k = 0; k < n; k++) {
        let m = -Infinity;
        for (const ti of ins) m = Math.max(m, ti[k]!);
        prev = Math.max(m + L, prev + 1);
        t[k] = prev;
      }
    }
    times.set(l.output, t);
    perLayer.push({ layer: l.name, firstOutput: t[0]!, total: t[n - 1]! + 1 });
  }
  const o = times.get(program.output)!;
  return { firstOutput: o[0]!, total: o[o.length - 1]! + 1, perLayer };
}
