/**
 * The head-backend contract: where the DHM head runs. All backends take the same program and the same 8-bit
 * RGB frame and must return the same integers (checked exactly by the tests and by cross-check mode).
 * Implemented by src/pipeline/backends.ts (reference, in-process Wasm), src/board (serial board) and the page's
 * worker backend; consumed by src/pipeline. Lives below both so neither imports the other.
 */
import type { DhmProgram, FixedFormat, HeadCycles } from '../dhm/program';

/** Where the head runs: the TypeScript reference executor, the Wasm emulator (in a worker), or an FPGA board (real or simulated). */
export type HeadBackendKind = 'reference' | 'wasm' | 'board';

/** A measured link transfer (board backends only): bytes moved each way and wall time on the link. */
export interface LinkMeasurement {
  readonly bytesToBoard: number;
  readonly bytesFromBoard: number;
  /** Time of the transfer, milliseconds, measured here on the clock named by `clockKind`. */
  readonly ms: number;
  /** 'wall': the real clock (a real port); 'simulated-line': the simulated line's clock (baud-rate pacing of a fake port). */
  readonly clockKind?: 'wall' | 'simulated-line';
  /** Effective throughput measured here, bytes per second. */
  readonly bytesPerSecond: number;
  /** What the link was ('web-serial @921600 baud', 'simulated serial @921600 baud', …). */
  readonly description: string;
}

/** The head's output feature map with its format and cycle counts. */
export interface HeadResult {
  /** Output feature map, NCHW (N = 1), integer codes in `format`. */
  readonly output: Int32Array;
  /** [channels, height, width] of `output`. */
  readonly shape: readonly [number, number, number];
  readonly format: FixedFormat;
  /** Exact cycle counts of the streaming pipeline for this frame. */
  readonly cycles: HeadCycles;
  readonly backend: HeadBackendKind;
  /** Wall time of the run as seen by the caller, milliseconds, measured here (not the FPGA's time). */
  readonly wallMs: number;
  /** Present for board backends: the measured link transfer. */
  readonly link?: LinkMeasurement;
}

/** An 8-bit RGB frame, HWC row-major, values 0..255 (see src/image/preprocess.ts). */
export interface FrameInput {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A place the DHM head can run. `run` rejects with a DOMException named 'AbortError' when `signal` aborts. */
export interface HeadBackend {
  readonly kind: HeadBackendKind;
  /** Human-readable description (e.g. 'Wasm emulator (worker)', 'simulated board @921600 baud'). */
  readonly description: string;
  run(program: DhmProgram, frame: FrameInput, signal?: AbortSignal): Promise<HeadResult>;
  /**
   * Optional: hands back the `output` of an earlier result that the caller will not read again, so that a later run
   * can write its output into that memory instead of allocating (a fresh multi-MB array costs page faults on every
   * frame). The caller must not touch the array afterwards (it may be transferred to a worker and detached).
   */
  recycle?(output: Int32Array): void;
  /** Release workers, ports and memory. The backend must not be used afterwards. */
  dispose(): Promise<void>;
}
