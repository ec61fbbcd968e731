/**
 * The few host globals the environment-neutral core may touch. They exist in browsers, workers and Node alike;
 * declaring them here (instead of pulling in DOM or Node typings) keeps DOM APIs a compile error in src/.
 */
declare const console: {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};
declare function setTimeout(cb: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare const performance: { now(): number };

/** The AbortSignal shape the core relies on (browsers, workers and Node ≥ 17 all provide it). */
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare class DOMException extends Error {
  constructor(message?: string, name?: string);
}
