/**
 * Exponential backoff with jitter, for reconnecting stores and restarting workers.
 * @module
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** First delay in ms. @default {100} */
  minDelayMs?: number;
  /** Largest delay in ms. @default {10000} */
  maxDelayMs?: number;
  /** Growth per attempt. @default {2} */
  multiplier?: number;
  /** Fraction of the delay randomised (0-1). @default {0.2} */
  jitter?: number;
}

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { minDelayMs = 100, maxDelayMs = 10_000, multiplier = 2, jitter = 0.2 } = options;
  if (attempt < 0 || !Number.isFinite(attempt)) throw new RangeError(`attempt must be >= 0, got ${attempt}`);
  const base = Math.min(maxDelayMs, minDelayMs * multiplier ** attempt);
  return Math.round(base * (1 - jitter + Math.random() * jitter * 2));
}

/** Options for {@linkcode retry}. */
export interface RetryOptions extends BackoffOptions {
  /** Give up after this many attempts. @default {Infinity} */
  maxAttempts?: number;
  /** Give up after this long in total (ms). @default {Infinity} */
  timeoutMs?: number;
  /** Stops retrying. */
  signal?: AbortSignal;
  /** Called before each wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it resolves, waiting with exponential backoff between attempts.
 *
 * @example
 * ```ts
 * import { retry } from "./core/retry.ts";
 * const value = await retry(() => Promise.resolve(42), { maxAttempts: 3 });
 * ```
 * @throws the last error once `maxAttempts` or `timeoutMs` is reached, or the signal aborts.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxAttempts = Infinity, timeoutMs = Infinity, signal, onRetry } = options;
  const started = Date.now();
  for (let attempt = 0;; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      const delay = backoffDelay(attempt, options);
      if (attempt + 1 >= maxAttempts || Date.now() - started + delay > timeoutMs) throw error;
      onRetry?.(error, attempt, delay);
      await sleep(delay, signal);
    }
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(id);
      reject(signal!.reason);
    };
    const id = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
