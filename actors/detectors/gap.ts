/**
 * The data-gap detector (seed 000: System alert for a data gap): no reading for `factor` x the expected
 * interval. The host arms a timer at {@linkcode gapDeadline}; it fires within a second of it even if the
 * device never sends again.
 *
 * @example
 * ```ts
 * import { gapDeadline, isGap } from "./actors/detectors/gap.ts";
 * const deadline = gapDeadline(1_000, 60, 3); // 181_000
 * isGap(181_000, deadline); // true
 * ```
 * @module
 */

/** The default gap factor k. */
export const DEFAULT_GAP_FACTOR = 3;

/**
 * When silence since `lastSeenAt` (epoch ms) becomes a gap.
 *
 * @throws {RangeError} for a non-positive interval or factor.
 */
export function gapDeadline(
  lastSeenAt: number,
  expectedIntervalS: number,
  factor = DEFAULT_GAP_FACTOR,
): number {
  if (!(expectedIntervalS > 0)) {
    throw new RangeError(`expected interval must be > 0 s, got ${expectedIntervalS}`);
  }
  if (!(factor > 0)) throw new RangeError(`gap factor must be > 0, got ${factor}`);
  return lastSeenAt + Math.round(factor * expectedIntervalS * 1000);
}

/** Whether the gap has begun at `now`. */
export function isGap(now: number, deadline: number): boolean {
  return now >= deadline;
}
