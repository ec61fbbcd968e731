/**
 * Prebuilt head programs in Chromium (issue 16; src/pipeline/prebuilt.ts): for every page network's default system,
 * the file `npm run models` wrote (compiled in Node) is byte-identical to what the page's own compiler — the compile
 * worker, with the calibration images fetched and decoded in that worker as the page does — emits for the same model
 * and options; and the page's platform (www/platform.ts) uses the file only when its key matches: a stale compiler
 * hash, or a cut that is not prebuilt, gives no program and says why (the pipeline then compiles, visibly).
 */
import { workerCompiler } from '../../www/compile-worker';
import { browserPipelineEnv } from '../../www/platform';
import { getModel } from '../../src/models/registry';
import { loadGraph, splitAt } from '../../src/graph/index';
import { PREBUILT_DEFAULTS, PREBUILT_DIR, encodePrebuilt, headCompileOptions, prebuiltFileName, type PrebuiltKey } from '../../src/pipeline/prebuilt';
import type { Ort } from '../../src/pipeline/tail';
import { ok, equal } from './util/assert';
import { fetchBytes } from './util/fetch';

const fileUrl = (d: (typeof PREBUILT_DEFAULTS)[number]): string => `/models/${PREBUILT_DIR}/${prebuiltFileName(d.modelId, d.cutIndex, d.quant)}`;
const fetchText = async (url: string): Promise<string> => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} (run \`npm run models\`)`);
  return r.text();
};

describe('prebuilt head programs (page)', () => {
  const compiler = workerCompiler('/dist/workers/compile.worker.js');
  after(() => compiler.dispose());

  it("every prebuilt file is byte-identical to the page's worker compiler's program for the same model and options", async () => {
    for (const d of PREBUILT_DEFAULTS) {
      const text = await fetchText(fileUrl(d));
      const key = (JSON.parse(text) as { key: PrebuiltKey }).key;
      const model = getModel(d.modelId);
      const bytes = await fetchBytes(`/models/${model.file.path}`);
      const { head } = splitAt(loadGraph(bytes, model.file.path), d.cutIndex);
      const frames = await compiler.frames(new URL('/models/', location.href).href, model.preprocessing);
      // the options as src/pipeline/pipeline.ts builds them
      const { program } = await compiler.compile(head, headCompileOptions(model, d.cutIndex, d.quant, frames));
      ok(program.layers.length > 0, `${d.modelId}: a program`);
      equal(encodePrebuilt(key, program), text, `${d.modelId}: the prebuilt file's bytes are the worker compiler's`);
    }
  });

  it("the page's platform uses a prebuilt program only when its key matches, and says why not otherwise", async () => {
    const d = PREBUILT_DEFAULTS[0]!;
    const text = await fetchText(fileUrl(d));
    const compilerHash = (JSON.parse(text) as { key: PrebuiltKey }).key.compilerHash; // the hash it was built with
    const model = getModel(d.modelId);
    const envOf = (hash: string) => browserPipelineEnv({ ort: {} as Ort, tailEp: 'wasm', modelsBase: '/models/', compileWorkerUrl: null, transferWorkerUrl: null, compilerHash: hash });
    const good = envOf(compilerHash);
    const bytes = fetchBytes(`/models/${model.file.path}`);
    const hit = await good.prebuiltProgram!(model, d.cutIndex, d.quant, bytes);
    ok(hit.program !== null, `matching key: a program (${hit.detail})`);
    ok(/key checked/.test(hit.detail), hit.detail);
    const stale = await envOf('0'.repeat(64)).prebuiltProgram!(model, d.cutIndex, d.quant, bytes);
    equal(stale.program, null, 'a stale compiler hash gives no program');
    ok(/rejected: stale key: compilerHash differs/.test(stale.detail), stale.detail);
    const other = await good.prebuiltProgram!(model, 1, d.quant, bytes);
    equal(other.program, null, 'cut 1 is not prebuilt');
    ok(/no prebuilt program/.test(other.detail), other.detail);
  });
});
