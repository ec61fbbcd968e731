/** The abort helper every stage and backend shares (DOMException 'AbortError', as fetch and the Web APIs use). */

/** The AbortError every stage rejects with when its signal aborts. */
export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('the operation was aborted', 'AbortError');
}
