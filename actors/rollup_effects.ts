/**
 * Rollup rows and the rollup timer as effects, for the kinds that came after the plant (VEN, site),
 * with the plant's rules: a bucket closes by a later reading, or by the `rollup` timer at the earliest
 * bucket end once the entity has been quiet for {@linkcode ROLLUP_GRACE_MS} (a device replaying old
 * data closes its buckets by its readings, not early by the timer).
 * @module
 */
import type { Effect } from "./kind.ts";
import { flushRollups, nextRollupEnd, type RollupRow, type RollupState } from "./rollup.ts";

/** How long after a bucket's end the rollup timer waits for stragglers. */
export const ROLLUP_GRACE_MS = 10_000;
const ROLLUPS_SINK = "rollups";

/** Writes of closed buckets of one series. */
export function rollupWrites(series: string, entityId: string, metric: string, rows: RollupRow[]): Effect[] {
  return rows.map((r) => ({
    type: "write",
    sink: ROLLUPS_SINK,
    row: { series, entity_id: entityId, metric, ...r },
  }));
}

/** When the `rollup` timer of some rollup states is due: the earliest bucket end, after the grace. */
export function rollupDeadline(
  states: Iterable<RollupState>,
  lastSeenAt: number | undefined,
): number | undefined {
  let at: number | undefined;
  for (const state of states) {
    const end = nextRollupEnd(state);
    if (end !== undefined && (at === undefined || end < at)) at = end;
  }
  return at === undefined ? undefined : Math.max(at, lastSeenAt ?? 0) + ROLLUP_GRACE_MS;
}

/** The `rollup` timer over some rollup states (cancelled when no bucket is open). */
export function rollupTimer(states: Iterable<RollupState>, lastSeenAt: number | undefined): Effect {
  return { type: "timer", name: "rollup", at: rollupDeadline(states, lastSeenAt) };
}

/**
 * The `rollup` timer fired at `now`: closes the buckets that ended before `now - grace`, unless the
 * entity reported within the grace. Returns the flushed states (same objects when unchanged) and rows.
 */
export function flushDue<K extends string>(
  states: Record<K, RollupState>,
  now: number,
  lastSeenAt: number | undefined,
): { states: Record<K, RollupState>; rows: [K, RollupRow[]][] } {
  const until = now - ROLLUP_GRACE_MS;
  if (lastSeenAt !== undefined && lastSeenAt > until) return { states, rows: [] };
  const out = { ...states };
  const rows: [K, RollupRow[]][] = [];
  for (const key of Object.keys(states) as K[]) {
    const flushed = flushRollups(states[key], until);
    if (flushed.rows.length === 0) continue;
    out[key] = flushed.state;
    rows.push([key, flushed.rows]);
  }
  return { states: out, rows };
}
