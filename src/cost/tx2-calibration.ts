/**
 * The authors' own Jetson TX2 GPU measurements and the fit of the eager-PyTorch GPU model to them.
 *
 * Data (provenance `authors-measured`): `walcarher/FPGA_GPU_ConvBenchmark`, `conv_eval.py` + `GPU_time.csv`
 * (commit 0967c47, 2020-02-12), as tabulated in shared/notes/paper.md: PyTorch eager on the TX2, input 1×1×224×224
 * fp32 already on the GPU, module Conv2d(1→N, k×k, stride 1, no padding) → ReLU → max_pool2d(2×2), 5,000 iterations
 * without `torch.cuda.synchronize()` (sustained dispatch throughput), milliseconds per iteration (3 GPU ops).
 *
 * Model being fitted (the `eager-tx2` GPU model of gpu.ts): each op costs
 *   t_op = max(opFloorMs, bytes / effectiveBandwidth + FLOPs / convThroughput)
 * — a per-op dispatch floor (PyTorch + CUDA launch on the TX2's ARM cores) that *overlaps* with the GPU's work
 * (launches are asynchronous, so the op costs the larger of the two, not their sum), the GPU's work being its DRAM
 * traffic at an effective bandwidth plus, for convolutions, its FLOPs at an effective throughput.
 * The fit minimises the squared log error over the table (deterministic coarse-to-fine grid search), leaving out
 * the two rows listed in {@link TX2_OUTLIERS} (with the reason). Pure and deterministic.
 */

/** Output channels N of the authors' table rows. */
export const TX2_TABLE_N: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Kernel sizes k of the authors' table columns. */
export const TX2_TABLE_K: readonly number[] = [1, 3, 5, 7, 11];
/** Milliseconds per iteration, [N index][k index] (authors-measured, see the file header). */
export const TX2_TABLE_MS: readonly (readonly number[])[] = [
  [2.37, 1.66, 1.31, 1.23, 1.23],
  [1.25, 1.22, 1.21, 1.22, 1.2],
  [1.25, 1.25, 1.24, 1.24, 1.29],
  [1.34, 1.31, 1.3, 1.32, 1.58],
  [1.72, 1.79, 1.77, 1.87, 2.21],
  [3.35, 3.49, 3.46, 3.58, 4.13],
  [6.8, 7.07, 7.03, 7.29, 8.34],
  [13.6, 14.08, 14.01, 14.68, 16.62],
  [26.99, 27.94, 27.87, 29.04, 33.08],
  [53.43, 55.5, 55.29, 57.61, 65.71],
];
/** Source of the table. */
export const TX2_TABLE_SOURCE = "the authors' TX2 PyTorch benchmark (walcarher/FPGA_GPU_ConvBenchmark conv_eval.py + GPU_time.csv @0967c47; ms per Conv→ReLU→MaxPool iteration, shared/notes/paper.md)";

/** Rows left out of the fit: `N/k` → reason. */
export const TX2_OUTLIERS: ReadonlyMap<string, string> = new Map([
  ['2/1', '2.37 ms, ≈95 % above the ≈1.2 ms of every other small module: taken as warm-up of the first configuration measured (cuDNN autotuning, lazy CUDA init)'],
  ['2/3', '1.66 ms, ≈35 % above the ≈1.2 ms of every other small module: taken as the tail of that warm-up'],
]);

/** One op of the authors' module: bytes moved (fp32) and FLOPs. */
export interface Tx2Op {
  readonly op: 'conv' | 'relu' | 'maxpool';
  readonly bytes: number;
  readonly flops: number;
}

/** The three ops of one iteration of the authors' module for N output channels and a k×k kernel. */
export function tx2ModuleOps(n: number, k: number): readonly Tx2Op[] {
  const o = 224 - k + 1;
  const p = Math.floor(o / 2);
  return [
    { op: 'conv', bytes: 4 * (224 * 224 + n * o * o + n * k * k + n), flops: 2 * n * o * o * k * k },
    { op: 'relu', bytes: 4 * (2 * n * o * o), flops: 0 },
    { op: 'maxpool', bytes: 4 * (n * o * o + n * p * p), flops: 0 },
  ];
}

/** Parameters of the eager model fitted to the table. */
export interface Tx2Fit {
  readonly opFloorMs: number;
  readonly effectiveBandwidthGBs: number;
  readonly convGflops: number;
  /** Root-mean-square of ln(model / measured) over the fitted rows. */
  readonly rmsLogError: number;
}

/** Modelled ms per iteration of the authors' module. */
export function tx2ModuleMs(n: number, k: number, p: Pick<Tx2Fit, 'opFloorMs' | 'effectiveBandwidthGBs' | 'convGflops'>): number {
  let t = 0;
  for (const op of tx2ModuleOps(n, k)) t += Math.max(p.opFloorMs, op.bytes / (p.effectiveBandwidthGBs * 1e6) + op.flops / (p.convGflops * 1e6));
  return t;
}

/** One row of the fit table: measured vs modelled. */
export interface Tx2FitRow {
  readonly n: number;
  readonly k: number;
  readonly measuredMs: number;
  readonly modelMs: number;
  /** 100·(model − measured)/measured. */
  readonly errorPct: number;
  /** Reason when the row is left out of the fit. */
  readonly excluded: string | null;
}

/** Every table row with the model's value at `p`. */
export function tx2FitRows(p: Pick<Tx2Fit, 'opFloorMs' | 'effectiveBandwidthGBs' | 'convGflops'>): Tx2FitRow[] {
  const rows: Tx2FitRow[] = [];
  TX2_TABLE_N.forEach((n, i) => TX2_TABLE_K.forEach((k, j) => {
    const measuredMs = TX2_TABLE_MS[i]![j]!;
    const modelMs = tx2ModuleMs(n, k, p);
    rows.push({ n, k, measuredMs, modelMs, errorPct: (100 * (modelMs - measuredMs)) / measuredMs, excluded: TX2_OUTLIERS.get(`${n}/${k}`) ?? null });
  }));
  return rows;
}

/** Least-squares (log error) fit of floor, bandwidth and conv throughput; deterministic grid refinement. */
export function fitTx2(): Tx2Fit {
  const rows: { n: number; k: number; t: number }[] = [];
  TX2_TABLE_N.forEach((n, i) => TX2_TABLE_K.forEach((k, j) => {
    if (!TX2_OUTLIERS.has(`${n}/${k}`)) rows.push({ n, k, t: TX2_TABLE_MS[i]![j]! });
  }));
  const cost = (fl: number, bw: number, f: number): number => {
    let s = 0;
    for (const r of rows) {
      const e = Math.log(tx2ModuleMs(r.n, r.k, { opFloorMs: fl, effectiveBandwidthGBs: bw, convGflops: f }) / r.t);
      s += e * e;
    }
    return s;
  };
  let lo = [0.2, 5, 50];
  let hi = [0.6, 40, 3000];
  let best = [0.4, 16, 500];
  let bestCost = Infinity;
  const steps = 16;
  for (let round = 0; round < 7; round++) {
    for (let a = 0; a <= steps; a++) {
      for (let b = 0; b <= steps; b++) {
        for (let c = 0; c <= steps; c++) {
          const fl = lo[0]! + ((hi[0]! - lo[0]!) * a) / steps;
          const bw = lo[1]! * (hi[1]! / lo[1]!) ** (b / steps);
          const f = lo[2]! * (hi[2]! / lo[2]!) ** (c / steps);
          const cc = cost(fl, bw, f);
          if (cc < bestCost) {
            bestCost = cc;
            best = [fl, bw, f];
          }
        }
      }
    }
    const wf = ((hi[0]! - lo[0]!) / steps) * 2;
    const wb = (hi[1]! / lo[1]!) ** (2 / steps);
    const wc = (hi[2]! / lo[2]!) ** (2 / steps);
    lo = [best[0]! - wf, best[1]! / wb, best[2]! / wc];
    hi = [best[0]! + wf, best[1]! * wb, best[2]! * wc];
  }
  return { opFloorMs: best[0]!, effectiveBandwidthGBs: best[1]!, convGflops: best[2]!, rmsLogError: Math.sqrt(bestCost / rows.length) };
}

/**
 * Ranges of the two dispatch/bandwidth constants implied row by row (for the scenario bands): the per-op floor of
 * every fitted row whose three ops are all floor-bound at the fit (ms per iteration / 3), and the bandwidth implied by
 * every row of N ≥ 256 with a 1×1 kernel (bytes of the three ops / ms, the conv's FLOPs negligible there).
 */
export function tx2ImpliedRanges(fit: Tx2Fit): { readonly floorMs: readonly [number, number]; readonly bandwidthGBs: readonly [number, number] } {
  const floors: number[] = [];
  const bws: number[] = [];
  for (const r of tx2FitRows(fit)) {
    if (r.excluded) continue;
    const ops = tx2ModuleOps(r.n, r.k);
    const allFloor = ops.every((op) => op.bytes / (fit.effectiveBandwidthGBs * 1e6) + op.flops / (fit.convGflops * 1e6) <= fit.opFloorMs);
    if (allFloor) floors.push(r.measuredMs / 3);
    if (r.n >= 256 && r.k === 1) bws.push(ops.reduce((s, op) => s + op.bytes, 0) / (r.measuredMs * 1e6));
  }
  return { floorMs: [Math.min(...floors), Math.max(...floors)], bandwidthGBs: [Math.min(...bws), Math.max(...bws)] };
}
