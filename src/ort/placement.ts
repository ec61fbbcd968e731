/**
 * Which execution provider really ran each node: onnxruntime-web prints its node placement in the verbose log
 * (`ort.env.logLevel = 'verbose'` plus session option `logSeverityLevel: 0`). In browsers and workers that log
 * goes through `console`; this module captures it while a session is created and parses the placement.
 */

/** Parsed placement of one session. `nodesByProvider` maps an EP name to the node descriptions placed on it. */
export interface Placement {
  /** The provider every node was placed on, or null when nodes were split over several (or no log was seen). */
  readonly allOn: string | null;
  readonly nodeCount: number;
  readonly nodesByProvider: Readonly<Record<string, readonly string[]>>;
  /** The placement lines as logged, for error messages. */
  readonly lines: readonly string[];
}

/** Parse ORT's "Node placements" log lines. */
export function parsePlacement(log: readonly string[]): Placement {
  const nodesByProvider: Record<string, string[]> = {};
  const lines: string[] = [];
  let allOn: string | null = null;
  let nodeCount = 0;
  let current: string | null = null;
  for (const raw of log) {
    for (const line of raw.split('\n')) {
      const all = /All nodes placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (all) {
        allOn = all[1]!;
        nodeCount = Number(all[2]);
        nodesByProvider[allOn] = [];
        lines.push(line.trim());
        current = null;
        continue;
      }
      const some = /Node\(s\) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
      if (some) {
        current = some[1]!;
        nodeCount += Number(some[2]);
        nodesByProvider[current] ??= [];
        lines.push(line.trim());
        continue;
      }
      const node = current ? /VerifyEachNodeIsAssignedToAnEp\]\s+(\S.*)$/.exec(line) : null;
      if (node && current && !/placements/.test(node[1]!)) {
        nodesByProvider[current]!.push(node[1]!.trim());
        lines.push(line.trim());
      }
    }
  }
  return { allOn, nodeCount, nodesByProvider, lines };
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

interface Listener {
  readonly lines: string[];
  readonly silent: boolean;
}
const listeners = new Set<Listener>();
const ORT_CHATTER = /^\d{4}-\d\d-\d\d [\d:.]+ \[[VI]:onnxruntime/;
let hooked = false;
let inShaderDump = false;
let afterShaderDump = false;

/**
 * Replace the console methods once, for good, with wrappers that feed the active listeners. It must be permanent:
 * onnxruntime-web's Emscripten runtime binds `console.log` when it initialises, so a wrapper installed only around
 * the first session would swallow every later session's log.
 */
function hookConsole(): void {
  if (hooked) return;
  hooked = true;
  const methods: ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
  for (const m of methods) {
    const original = console[m].bind(console);
    console[m] = (...args: unknown[]) => {
      let silent = false;
      const line = args.map(String).join(' ');
      // ORT's verbose/info lines are only wanted while a placement is being captured; the WebGPU EP's shader
      // dumps (one console call per line, between '=== WebGPU Shader code … Start' and '… End ===') never are.
      if (inShaderDump || line.startsWith('=== WebGPU Shader code')) {
        inShaderDump = !/End ===\s*$/.test(line);
        afterShaderDump = !inShaderDump;
        return;
      }
      if (afterShaderDump && line.trim() === '') return; // the blank line ORT prints after each dump
      afterShaderDump = false;
      if (!listeners.size && ORT_CHATTER.test(line)) return;
      if (listeners.size) {
        for (const l of listeners) {
          l.lines.push(line);
          silent ||= l.silent;
        }
      }
      if (!silent) original(...args);
    };
  }
}

/**
 * Run `fn` while copying everything written to `console` into a buffer (and hiding it when `silent`); returns fn's
 * result and the parsed placement. Use around `InferenceSession.create`.
 */
export async function withPlacementLog<T>(fn: () => Promise<T>, silent = true): Promise<{ result: T; placement: Placement; log: string[] }> {
  hookConsole();
  const listener: Listener = { lines: [], silent };
  listeners.add(listener);
  try {
    const result = await fn();
    return { result, placement: parsePlacement(listener.lines), log: listener.lines };
  } finally {
    listeners.delete(listener);
  }
}
