/**
 * Main-thread responsiveness, measured: every Long Task (PerformanceObserver 'longtask': a task over 50 ms) is kept
 * with its start time, so a run or a live session can ask for the longest task and their count in its own window.
 */

/** One main-thread task over 50 ms: start (performance.now() time base) and duration, ms. */
export interface LongTask {
  readonly startMs: number;
  readonly durationMs: number;
}

/** The longest task and the count of tasks over 50 ms in a window (ms, measured here). */
export interface LongTaskSummary {
  readonly longestMs: number;
  readonly count: number;
}

/** The page's Long Task record. */
export interface LongTaskMonitor {
  /** False where the browser has no 'longtask' entry type: figures are then unavailable (never zero by default). */
  readonly supported: boolean;
  /** Tasks that ended after `sinceMs` (performance.now() base). */
  since(sinceMs: number): LongTaskSummary;
}

const KEEP = 2000;

/** Start observing Long Tasks (from page load). */
export function longTaskMonitor(): LongTaskMonitor {
  const tasks: LongTask[] = [];
  const supported = typeof PerformanceObserver !== 'undefined' && (PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false);
  if (supported) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ startMs: e.startTime, durationMs: e.duration });
      if (tasks.length > KEEP) tasks.splice(0, tasks.length - KEEP);
    }).observe({ type: 'longtask', buffered: true });
  }
  return {
    supported,
    since(sinceMs) {
      let longestMs = 0;
      let count = 0;
      for (const t of tasks) {
        if (t.startMs + t.durationMs < sinceMs) continue;
        count++;
        longestMs = Math.max(longestMs, t.durationMs);
      }
      return { longestMs, count };
    },
  };
}
