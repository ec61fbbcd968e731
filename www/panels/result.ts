/**
 * The result panel (#results): the hybrid top-5 as soon as it is known (with the run's numbers, the quantisation
 * report and the feature map), then the GPU-only top-5, the agreement line and the timelines once the baseline has
 * run; the cross-check verdict; the main thread's longest task.
 */
import { SAMPLE_IMAGES } from '../../src/models/registry';
import { formatRange, parseFormat } from '../../src/dhm/program';
import { measured } from '../../src/provenance/provenance';
import type { HybridFirstResult, HybridResult, PreparedHybrid } from '../../src/pipeline/pipeline';
import type { PageCrossCheck } from '../backends';
import { drawFeatureMap, figure, h, lane, num, table, top5List, type Segment } from '../render';
import { $ } from '../dom';
import { attachRtlDownload } from '../rtl-download';
import type { EstimatesPanel } from './estimates';

/** The result panel's operations. */
export interface ResultPanel {
  /** Show the hybrid result (the baseline column says it is still running). Stamps #top5-hybrid[data-shown-ms]. */
  showHybrid(r: HybridFirstResult, p: PreparedHybrid, bits: number): void;
  /** Complete the result with the GPU-only baseline: its top-5, agreement, both timelines and the full table. */
  showBaseline(r: HybridResult, p: PreparedHybrid, bits: number): Promise<void>;
  showCrossCheck(cc: PageCrossCheck | null): void;
  /** Show the main thread's longest task in a window (ms, measured) or that it cannot be measured. */
  showLongTasks(what: string, longest: { longestMs: number; count: number } | null): void;
}

const ms = (r: HybridFirstResult, s: string): number => r.timings.filter((t) => t.stage === s).reduce((a, t) => a + t.ms, 0);

function runTable(r: HybridFirstResult): void {
  $('run-table').replaceChildren(table('Numbers of this run (hover a value for its source)', ['figure', 'value'], r.table.map((row) => [row.name, figure(row.figure)]), { id: 'run-numbers' }));
}

/** Create the result panel (estimates: for the paper-platform lanes of the calibrated program). */
export function createResultPanel(estimates: EstimatesPanel): ResultPanel {
  return {
    showHybrid(r, p, bits) {
      $('results').hidden = false;
      const scoreKind = p.model.outputIsProbability ? 'p' : 'logit';
      $('top5-hybrid').replaceChildren(top5List('top5-hybrid-list', 'Top-5 classes, hybrid', r.hybrid.top5, scoreKind));
      $('top5-hybrid').dataset.shownMs = String(performance.now());
      $('top5-gpu').replaceChildren(h('p', { class: 'help', id: 'gpu-pending' }, `running the full model on ${r.tailEp}…`));
      $('agreement').textContent = '';
      delete $('agreement').dataset.agree;
      $('timeline').replaceChildren();
      const fb = $('fallback');
      const problems = [r.fallback, r.misplacedNodes.length ? `nodes not on ${r.tailEp}: ${r.misplacedNodes.join(', ')}` : null].filter((x) => x);
      fb.hidden = problems.length === 0;
      fb.textContent = problems.length ? `Tail placement: ${problems.join('; ')}` : '';
      runTable(r);
      const src = $('program-source');
      src.textContent = p.programSource.kind === 'prebuilt'
        ? `Head program: prebuilt (compiled ahead of time by \`npm run models\`, like a bitstream; ${p.programSource.detail}).`
        : `Head program: compiled in this page (${p.programSource.detail}).`;
      src.dataset.source = p.programSource.kind;
      // The quantisation report is computed after the first result (in the compile worker), then shown.
      $('quant-report').replaceChildren(h('p', { class: 'help' }, 'computing the per-layer report (in the compile worker)…'));
      p.quantReport().then((rep) => $('quant-report').replaceChildren(table(`Quantisation of the head (${p.program.layers.length} layers, ${bits}-bit), measured here on the ${Object.keys(SAMPLE_IMAGES).length} calibration images`,
        ['layer', 'kind', 'format', 'observed range', 'clipped', 'SQNR'],
        rep.map((t) => [t.layer, t.kind, t.format, `${num(t.min)} … ${num(t.max)}`, `${(100 * t.clippedFraction).toFixed(3)} %`, Number.isFinite(t.sqnrDb) ? `${t.sqnrDb.toFixed(1)} dB` : 'exact']),
        { id: 'quant-table' })), (e: Error) => $('quant-report').replaceChildren(h('p', { class: 'bad' }, `The per-layer report failed: ${e.name}: ${e.message}`)));
      attachRtlDownload($('rtl-btn') as HTMLButtonElement, p.program, `${String(p.program.meta.modelId ?? 'head')}-cut${String(p.program.meta.cutIndex ?? '')}-${bits}bit`, (m) => { $('rtl-note').textContent = m; });
      // The rest of the hybrid view after the top-5 has been painted.
      const fmap = r.head.output.slice(); // ours while drawing (the run may recycle the original to the worker)
      setTimeout(async () => {
        const range = formatRange(parseFormat(r.head.format));
        let lo = Infinity, hi = -Infinity;
        for (const v of fmap) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        const drawn = await drawFeatureMap($<HTMLCanvasElement>('fmap'), fmap, r.head.shape, lo, hi);
        const [c, hh, w] = r.head.shape;
        $('fmap-caption').textContent = `${drawn} of ${c} channels, ${hh}×${w} each: the ${r.head.format} codes the FPGA sends over the link (format range ${range.min}…${range.max}; this map's codes ${lo}…${hi}, mapped to black…white).`;
        $('fmap').setAttribute('aria-label', `Feature map at cut ${r.cut.index}: ${c} channels of ${hh}×${w}`);
      }, 0);
    },

    async showBaseline(r, p, bits) {
      const fb = $('fallback');
      const problems = [r.fallback, r.misplacedNodes.length ? `nodes not on ${r.tailEp}: ${r.misplacedNodes.join(', ')}` : null].filter((x) => x);
      fb.hidden = problems.length === 0;
      fb.textContent = problems.length ? `Tail placement: ${problems.join('; ')}` : '';
      const scoreKind = p.model.outputIsProbability ? 'p' : 'logit';
      $('top5-gpu').replaceChildren(top5List('top5-gpu-list', 'Top-5 classes, GPU only', r.gpuOnly.top5, scoreKind));
      const h1 = r.hybrid.top5[0]!;
      const g1 = r.gpuOnly.top5[0]!;
      const pos = r.hybrid.top5.findIndex((x) => x.index === g1.index);
      const ag = $('agreement');
      ag.textContent = h1.index === g1.index
        ? `Top-1 agrees: ${h1.label}.`
        : `Top-1 differs: hybrid says ${h1.label}, GPU-only says ${g1.label} (${pos >= 0 ? `#${pos + 1} in the hybrid top-5` : 'not in the hybrid top-5'}).`;
      ag.dataset.agree = String(h1.index === g1.index);
      runTable(r);

      // Timeline: the paper platform (modelled) and this machine (measured), each against its GPU-only baseline.
      const fpga = r.table.find((x) => x.name.startsWith('FPGA head time'))!.figure;
      const lanes: HTMLElement[] = [];
      const e = await estimates.estimate(r.model, r.cut.index, bits, p.clockMHz, p.program).catch(() => null);
      if (e) {
        const paperHybrid: Segment[] = [{ name: 'FPGA head', figure: fpga }, { name: 'link (PCIe, frame in + features out)', figure: e.row.figures.linkMs }, { name: 'GPU tail on the TX2', figure: e.row.figures.tailMs }];
        const paperGpu: Segment[] = [{ name: 'whole network on the TX2', figure: e.row.figures.gpuOnlyLatencyMs }];
        const maxP = Math.max(paperHybrid.reduce((a, s) => a + s.figure.value, 0), e.row.figures.gpuOnlyLatencyMs.value);
        lanes.push(h('div', { class: 'lanes' }, h('p', { class: 'help' }, 'Paper platform (Cyclone 10 GX + PCIe + Jetson TX2), modelled:'),
          lane('Hybrid', paperHybrid, maxP, 'lane-paper-hybrid'), lane('GPU only', paperGpu, maxP, 'lane-paper-gpu')));
      }
      const src = (s: string): string => `wall time of stage '${s}' in this browser`;
      const hereHybrid: Segment[] = [
        { name: `head on ${r.backendDescription}`, figure: measured(ms(r, 'run-head'), 'ms', src('run-head')) },
        { name: 'transfer (pack, unpack, dequantise)', figure: measured(ms(r, 'transfer'), 'ms', src('transfer')) },
        { name: `tail (${r.tailEp})`, figure: measured(ms(r, 'run-tail'), 'ms', src('run-tail')) },
      ];
      const hereGpu: Segment[] = [{ name: `full model (${r.tailEp})`, figure: measured(ms(r, 'gpu-only'), 'ms', `${src('gpu-only')} (the first run of a model includes creating its session)`) }];
      const maxH = Math.max(hereHybrid.reduce((a, s) => a + s.figure.value, 0), ms(r, 'gpu-only'));
      const prep = r.timings.filter((t) => ['load-model', 'choose-cut', 'quantize-head'].includes(t.stage));
      const pm = p.prepareMs;
      lanes.push(h('div', { class: 'lanes' }, h('p', { class: 'help', id: 'prep-times', 'data-frames-ms': String(pm.framesMs), 'data-compile-ms': String(pm.compileMs), 'data-tail-session-ms': String(pm.tailSessionMs) },
        `This machine, measured (a different device from the paper's; preparation, not in the bars: ${prep.map((t) => `${t.stage} ${t.cached ? 'cached (prepared earlier or in the background)' : num(t.ms) + ' ms'}`).join(', ')}; ` +
        (p.programSource.kind === 'prebuilt'
          ? `inside quantize-head: the head program was prebuilt (no calibration here) while the tail's session took ${num(pm.tailSessionMs)} ms from the stage's start):`
          : `inside quantize-head: calibration images ${num(pm.framesMs)} ms, then the compiler ${num(pm.compileMs)} ms while the tail's session took ${num(pm.tailSessionMs)} ms from the stage's start):`)),
        lane('Hybrid', hereHybrid, maxH, 'lane-here-hybrid'), lane('GPU only', hereGpu, maxH, 'lane-here-gpu')));
      $('timeline').replaceChildren(...lanes);
    },

    showCrossCheck(cc) {
      if (!cc) {
        $('crosscheck-result').replaceChildren();
        return;
      }
      const d = cc.firstDifference;
      $('crosscheck-result').replaceChildren(h('p', { class: cc.bitIdentical ? 'ok' : 'bad', id: 'crosscheck-verdict', 'data-identical': String(cc.bitIdentical) },
        `Cross-check ${cc.backends[0]} vs ${cc.backends[1]}: `,
        cc.bitIdentical ? `bit-identical (${cc.values} values)` : `${cc.differing} of ${cc.values} values differ${d ? `; first at channel ${d.c}, y ${d.y}, x ${d.x}: ${d.a} vs ${d.b}` : ''}`,
        `; formats ${cc.sameFormat ? 'equal' : 'DIFFER'}; cycle counts ${cc.sameCycles ? 'equal' : 'DIFFER'}.`));
    },

    showLongTasks(what, longest) {
      const lt = $('longtask');
      if (!longest) {
        lt.textContent = 'Main thread: long-task timing is not supported by this browser.';
        delete lt.dataset.ms;
        return;
      }
      lt.textContent = `Main thread: the longest blocking task during ${what} took ${longest.longestMs.toFixed(0)} ms; ${longest.count} task(s) over 50 ms (Long Tasks API, measured here). ` +
        'Off the main thread: the quantiser, the emulator, the estimates, the image preprocessing and transfer (pixel worker) and onnxruntime-web (its own worker, on both EPs).';
      lt.dataset.ms = String(longest.longestMs);
      lt.dataset.count = String(longest.count);
    },
  };
}
