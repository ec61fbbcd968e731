/** The compiler's calibration set (src/dhm/calibration-set.ts) in Node: read from the models folder, decoded with cli/image.ts. */
import { join } from 'node:path';
import type { Preprocessing } from '../src/models/registry';
import type { RgbFrame } from '../src/image/preprocess';
import { calibrationFrames } from '../src/dhm/calibration-set';
import { decodeImageFile } from './image';
import { MODELS_ROOT } from './paths';

/** The calibration frames for a preprocessing recipe (8-bit RGB HWC, in the set's order). */
export function nodeCalibrationFrames(preprocessing: Preprocessing): RgbFrame[] {
  return calibrationFrames(preprocessing, (img) => decodeImageFile(join(MODELS_ROOT, img.file.path)));
}
