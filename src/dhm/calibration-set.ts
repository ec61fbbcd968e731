/**
 * The calibration set of the DHM compiler — its one definition, used by the pipeline's platforms (cli/env.ts,
 * www/platform.ts), the CLI's quantize/golden/reproduce commands, the test helpers and the benchmarks: the four sample
 * images of the registry, in this order, each prepared with the model's preprocessing (`toFrame`: resize, crop, 8-bit
 * RGB HWC). Decoding is the environment's (Node: cli/image.ts; page: www/image.ts), so callers pass a decoder.
 */
import { SAMPLE_IMAGES, type Preprocessing, type ProvisionedFile, type SampleImageId } from '../models/registry';
import { toFrame, type RgbaImage, type RgbFrame } from '../image/preprocess';

/** The images of the calibration set, in order (the first one, cat, is also the benchmarks' timed frame). */
export const CALIBRATION_IMAGES: readonly SampleImageId[] = ['cat', 'dragonfly', 'hot_dog', 'parrot'];

/** One image of the set: its id and its provisioned file (path relative to the models folder). */
export interface CalibrationImage {
  readonly id: SampleImageId;
  readonly file: ProvisionedFile;
}

/** The files of the calibration set, in order. */
export function calibrationImages(): readonly CalibrationImage[] {
  return CALIBRATION_IMAGES.map((id) => ({ id, file: SAMPLE_IMAGES[id] }));
}

/** The calibration frames for a model's preprocessing recipe, decoding each image with `decode`. */
export function calibrationFrames(preprocessing: Preprocessing, decode: (img: CalibrationImage) => RgbaImage): RgbFrame[] {
  return calibrationImages().map((img) => toFrame(decode(img), preprocessing));
}

/** {@link calibrationFrames} with an asynchronous decoder (the page fetches and decodes in parallel). */
export async function loadCalibrationFrames(preprocessing: Preprocessing, decode: (img: CalibrationImage) => Promise<RgbaImage>): Promise<RgbFrame[]> {
  return (await Promise.all(calibrationImages().map(decode))).map((im) => toFrame(im, preprocessing));
}
