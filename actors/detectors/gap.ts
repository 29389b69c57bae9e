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

/**
 * After a start, silence that began before it is judged no sooner than this (or k x the interval, if
 * shorter): a restored actor's last reading may be from before GridPulse was down, and what the device
 * published meanwhile waits at the broker, delivered in the first seconds after the shard subscribes.
 */
export const START_GRACE_MS = 30_000;

/**
 * The gap deadline of an actor started (created or restored) at `startedAt` that last heard from its
 * device at `lastSeenAt` (undefined: never, as far as it knows). Silence since before the start counts
 * in full, but the deadline falls no sooner than `min(k x interval, START_GRACE_MS)` after the start: the
 * readings published while GridPulse was down arrive in that time, so a device that kept reporting
 * raises no false gap alert at a restart, and one that did not is reported at most that late.
 *
 * @example
 * ```ts
 * import { gapDeadlineSince } from "./actors/detectors/gap.ts";
 * gapDeadlineSince(0, 600_000, 60, 3); // 630_000: last heard 10 min before a restart
 * gapDeadlineSince(590_000, 600_000, 60, 3); // 770_000: 10 s before it, the usual deadline
 * ```
 */
export function gapDeadlineSince(
  lastSeenAt: number | undefined,
  startedAt: number,
  expectedIntervalS: number,
  factor = DEFAULT_GAP_FACTOR,
): number {
  const deadline = gapDeadline(lastSeenAt ?? startedAt, expectedIntervalS, factor);
  if (lastSeenAt === undefined || lastSeenAt >= startedAt) return deadline;
  return Math.max(deadline, startedAt + Math.min(deadline - lastSeenAt, START_GRACE_MS));
}

/** Whether the gap has begun at `now`. */
export function isGap(now: number, deadline: number): boolean {
  return now >= deadline;
}
