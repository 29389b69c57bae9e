/**
 * Latency samples and their percentiles. Every sample is kept (a bench records thousands, not
 * billions), so percentiles are exact rather than bucketed.
 *
 * @example
 * ```ts
 * import { Histogram } from "./bench/histogram.ts";
 * const h = new Histogram();
 * for (const ms of [3, 1, 2]) h.record(ms);
 * console.log(h.summary().p50); // 2
 * ```
 * @module
 */

/** The figures of a set of samples; all undefined-free, with `count` 0 when empty (then NaN). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The `p`-th percentile of ascending `sorted` by the nearest-rank method: the smallest sample such that
 * at least `p`% of the samples are at or below it. Nearest rank never invents a value between two samples,
 * which keeps a p99 of 100 spikes honest (it is the 99th worst, not an interpolation).
 *
 * @throws {RangeError} when `p` is outside 0-100.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be 0-100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[rank - 1];
}

/** Summarises `values` (any order). */
export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    min: n ? sorted[0] : NaN,
    mean: n ? sum / n : NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1] : NaN,
  };
}

/** Collects samples (milliseconds, or any unit) and summarises them. */
export class Histogram {
  #values: number[] = [];

  /** Adds one sample; non-finite values are refused so one bad clock read cannot hide in a mean. */
  record(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`sample must be finite, got ${value}`);
    this.#values.push(value);
  }

  get count(): number {
    return this.#values.length;
  }

  summary(): LatencySummary {
    return summarize(this.#values);
  }
}
