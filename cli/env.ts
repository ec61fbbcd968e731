/** The pipeline's platform adapter for Node: files from the models folder, onnxruntime-web's wasm EP, sample-image calibration. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { PipelineEnv } from '../src/pipeline/pipeline';
import type { ModelEntry } from '../src/models/registry';
import type { RgbFrame } from '../src/image/preprocess';
import { nodeCalibrationFrames } from './calibration';
import { MODELS_ROOT, ModelNotFoundError } from './paths';
import { paperPlatformModel } from '../src/cost/platform-model';

/** A PipelineEnv for Node. The tail runs on the wasm EP (Node has no WebGPU); `threads` wasm threads (default 1). */
export function nodePipelineEnv(threads = 1): PipelineEnv {
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'warning';
  const frames = new Map<string, RgbFrame[]>();
  return {
    ort: ort as unknown as PipelineEnv['ort'],
    tailEp: 'wasm',
    platform: paperPlatformModel(),
    checkPlacement: false, // Node's ORT prints its log to stdout, not through console; the wasm EP is CPU-only anyway
    async loadFile(path) {
      const p = join(MODELS_ROOT, path);
      if (!existsSync(p)) throw new ModelNotFoundError(`${p} is missing: run \`npm run models\``);
      return new Uint8Array(await readFile(p));
    },
    async calibrationFrames(model: ModelEntry) {
      let f = frames.get(model.preprocessing);
      if (!f) {
        f = nodeCalibrationFrames(model.preprocessing);
        frames.set(model.preprocessing, f);
      }
      return f;
    },
  };
}
