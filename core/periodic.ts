/**
 * A background job on a timer (retention, recommendations): a first pass after `firstDelayMs`, then one
 * `intervalMs` after the previous pass ended, so passes never overlap however long one takes. The returned
 * function stops it: no further pass starts, the running pass's signal is aborted, and it resolves once
 * that pass has finished.
 * @module
 */

/** Options for {@linkcode startPeriodic}. */
export interface PeriodicOptions {
  firstDelayMs: number;
  /** Between the end of a pass and the start of the next. */
  intervalMs: number;
  /** One pass; it catches and logs its own errors (a rejection would go unhandled). */
  pass(signal: AbortSignal): Promise<void>;
}

/** Starts the job; the returned function stops it and waits for a pass under way. */
export function startPeriodic(options: PeriodicOptions): () => Promise<void> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = options.pass(abort.signal).finally(() => {
        running = undefined;
        if (!abort.signal.aborted) schedule(options.intervalMs);
      });
    }, delay);
  };
  schedule(options.firstDelayMs);
  return async () => {
    abort.abort();
    clearTimeout(timer);
    await running;
  };
}
