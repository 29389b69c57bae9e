/**
 * The spike detector (seed 000: Spike = value > 3x baseline): a value strictly above `factor` times a
 * warmed-up, positive baseline. Values at or below the factor are never spikes; so is anything while
 * the baseline warms up or is zero or negative (a plant at rest has no ratio to exceed).
 *
 * @example
 * ```ts
 * import { isSpike } from "./actors/detectors/spike.ts";
 * isSpike(31, 10, 3); // true
 * isSpike(30, 10, 3); // false
 * ```
 * @module
 */

/** The default spike factor. */
export const DEFAULT_SPIKE_FACTOR = 3;

/** Whether `value` is a spike against `baseline` (undefined while warming up). */
export function isSpike(value: number, baseline: number | undefined, factor = DEFAULT_SPIKE_FACTOR): boolean {
  return baseline !== undefined && baseline > 0 && value > factor * baseline;
}
