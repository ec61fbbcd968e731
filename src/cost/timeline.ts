/**
 * How much of the DHM head and its transfers the hybrid's latency exposes, per input case (devices.ts InputSource,
 * TransferMode). Times in ms; t = 0 is when GPU-only could start (the frame is in the TX2's memory), and the
 * hybrid's latency is this exposed time + the GPU tail.
 *
 * - host, `serial` (upper bound): T_link(frame) + T_FPGA(frame) + T_link(features).
 * - host, `overlapped` (lower bound): the DHM streams as DMA chunks arrive and sends features back chunk by chunk:
 *   start = T_link(first chunk); the last output leaves the FPGA at max(start + T_FPGA, T_link(frame) + drain);
 *   the features are all in memory at max(that + T_link(last chunk), start + T_firstOutput + T_link(features)).
 * - `camera`: the sensor streams the frame into the DHM (one pixel per DHM clock) while GPU-only's frame is read
 *   out, so only the drain (last input pixel → last output pixel) and the last output chunk are exposed, unless
 *   sending the features takes longer than the frame: max(drain + T_link(last chunk), T_firstOutput − T_frame +
 *   T_link(features)).
 * The FPGA works (and draws power) for the whole T_FPGA in every case.
 */
import type { CycleCounts } from '../dhm/program';
import type { InputSource, LinkProfile, TransferMode } from './devices';
import { firstChunkBytes, linkMs } from './link';

/** What the timeline needs about one head. */
export interface HeadTimelineInput {
  /** The compiler's exact counts (cycle 0 = first input pixel). */
  readonly cycles: CycleCounts;
  /** Input pixels of the frame (H·W): the cycle the last input pixel enters is frameCycles − 1. */
  readonly frameCycles: number;
  readonly clockMHz: number;
  /** Frame bytes sent by the host (ignored for a camera). */
  readonly inBytes: number;
  /** Feature-map bytes sent back. */
  readonly outBytes: number;
  readonly link: LinkProfile;
}

/** The exposed time and the busy times behind it, in ms. */
export interface HeadTimeline {
  readonly exposedMs: number;
  /** The FPGA's streaming time for the whole frame (T_FPGA). */
  readonly fpgaMs: number;
  /** Time the link carries data (both directions). */
  readonly linkMs: number;
  /** The formula with its numbers. */
  readonly how: string;
}

const r4 = (x: number): string => String(Number(x.toPrecision(4)));

/** Exposed FPGA + link time of a head for an input source and transfer mode. */
export function headTimeline(x: HeadTimelineInput, source: InputSource, transfers: TransferMode): HeadTimeline {
  const perCycleMs = 1 / (x.clockMHz * 1000);
  const fpgaMs = x.cycles.total * perCycleMs;
  const drainMs = Math.max(0, x.cycles.total - x.frameCycles) * perCycleMs;
  const firstOutMs = x.cycles.firstOutput * perCycleMs;
  const outMs = linkMs(x.outBytes, x.link);
  const lastOutChunkMs = linkMs(firstChunkBytes(x.outBytes, x.link), x.link);
  if (source === 'camera') {
    const frameMs = x.frameCycles * perCycleMs;
    const exposed = Math.max(0, drainMs + lastOutChunkMs, firstOutMs - frameMs + outMs);
    return { exposedMs: exposed, fpgaMs, linkMs: outMs, how: `camera: max(drain ${r4(drainMs)} + last chunk ${r4(lastOutChunkMs)}, first output ${r4(firstOutMs)} − frame ${r4(frameMs)} + features ${r4(outMs)}) ms` };
  }
  const inMs = linkMs(x.inBytes, x.link);
  if (transfers === 'serial') {
    return { exposedMs: inMs + fpgaMs + outMs, fpgaMs, linkMs: inMs + outMs, how: `serial: frame ${r4(inMs)} + FPGA ${r4(fpgaMs)} + features ${r4(outMs)} ms` };
  }
  const startMs = linkMs(firstChunkBytes(x.inBytes, x.link), x.link);
  const fpgaEnd = Math.max(startMs + fpgaMs, inMs + drainMs);
  const exposed = Math.max(fpgaEnd + lastOutChunkMs, startMs + firstOutMs + outMs);
  return { exposedMs: exposed, fpgaMs, linkMs: inMs + outMs, how: `overlapped: max(max(first chunk ${r4(startMs)} + FPGA ${r4(fpgaMs)}, frame ${r4(inMs)} + drain ${r4(drainMs)}) + last chunk ${r4(lastOutChunkMs)}, first chunk + first output ${r4(firstOutMs)} + features ${r4(outMs)}) ms` };
}
