/**
 * The transfer stage's work (src/pipeline/pipeline.ts, stage `transfer`): the head's integer feature map through the
 * link's wire format (src/backend/featuremap.ts: 4 values per 32-bit word, channel-fastest, as the authors' PCIe DMA)
 * and back, then dequantised to the tail's float32 NCHW input. One function, run in-process or in the page's transfer
 * worker (workers/transfer.worker.ts): both give the same floats.
 */
import { packFeatureMap, unpackFeatureMap } from '../backend/featuremap';
import { dequantize } from '../dhm/dequantize';
import type { FixedFormat } from '../dhm/program';

/** The tail's input after the transfer stage: float32 NCHW (dequantised codes), its dims, and the bytes on the wire. */
export interface TailInput {
  readonly data: Float32Array;
  readonly dims: readonly [1, number, number, number];
  readonly wireBytes: number;
}

/**
 * Pack `output` (NCHW codes in `format`, shape [C, H, W]) for the link, unpack it as the receiver does, dequantise.
 * Packing errors (a value outside `format`) name the value at fault.
 */
export function linkTransfer(output: Int32Array, shape: readonly [number, number, number], format: FixedFormat): TailInput {
  const [c, h, w] = shape;
  const wire = packFeatureMap(output, c, h, w, format);
  const received = unpackFeatureMap(wire, c, h, w, format);
  return { data: dequantize(received, format), dims: [1, c, h, w], wireBytes: wire.length };
}
