/**
 * Incremental rollups (seed 003): min, max, sum, count and last per 1m, 10m, 30m, 3h and 6h bucket,
 * kept by the actor and emitted when a bucket closes (a reading lands in a later bucket, or the host
 * timer passes the bucket's end). No batch job is needed.
 *
 * Exactness: a bucket is exact when every reading in it was seen once, in order. The first bucket of
 * each width an actor opens after it (re)started is inexact (readings committed before a crash, after
 * the last snapshot, are not replayed) unless its entity had no stored readings at all when the actor
 * was loaded (`emptyRollups(true)`), so are buckets restored from a snapshot unless a graceful release
 * wrote or confirmed it after committing everything its actor read (`restoredRollups`), and so is a bucket
 * that gets a reading at or before the metric's last timestamp (a redelivery or a late reading);
 * an inexact bucket is written as a `recompute` row: the writer queues it and the rollup repairer
 * (rollup_repair.ts) recomputes it from the readings table. A reading for an already emitted bucket
 * emits a recompute of that bucket. So redelivery, crashes and late data never leave a wrong rollup.
 * Pure functions over JSON-serialisable state.
 * @module
 */

/** Bucket widths: name and milliseconds, each table `rollup_{name}`. */
export const ROLLUP_WIDTHS = [
  ["1m", 60_000],
  ["10m", 600_000],
  ["30m", 1_800_000],
  ["3h", 10_800_000],
  ["6h", 21_600_000],
] as const;

/** A width's name. */
export type RollupWidth = typeof ROLLUP_WIDTHS[number][0];

/** One open bucket. */
export interface Bucket {
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
  exact: boolean;
}

/** Per width (same order as {@linkcode ROLLUP_WIDTHS}): the open bucket and where emitted data ends. */
export interface RollupState {
  open: (Bucket | null)[];
  /** End (exclusive, epoch ms) of the last emitted bucket per width; 0 when none. */
  emittedUntil: number[];
  /** Per width: a bucket was opened since the actor started, so the next one starts complete. */
  trusted: boolean[];
}

/** A bucket to write: exact rows are upserted as they are, inexact ones recomputed from the readings. */
export interface RollupRow extends Omit<Bucket, "start"> {
  width: RollupWidth;
  /** The bucket's start (epoch ms). */
  bucket: number;
}

/**
 * No buckets yet. `complete`: no reading of the series was stored when the actor started, so it sees
 * every one and even its first bucket of each width is exact (a new entity's actor).
 */
export function emptyRollups(complete = false): RollupState {
  return {
    open: ROLLUP_WIDTHS.map(() => null),
    emittedUntil: ROLLUP_WIDTHS.map(() => 0),
    trusted: ROLLUP_WIDTHS.map(() => complete),
  };
}

const toRow = (width: RollupWidth, b: Bucket): RollupRow => ({
  width,
  bucket: b.start,
  exact: b.exact,
  min: b.min,
  max: b.max,
  sum: b.sum,
  count: b.count,
  last: b.last,
  lastTs: b.lastTs,
});

const recompute = (width: RollupWidth, bucket: number): RollupRow => ({
  width,
  bucket,
  exact: false,
  min: 0,
  max: 0,
  sum: 0,
  count: 0,
  last: 0,
  lastTs: bucket,
});

/**
 * Adds a reading. `inOrder` is false for a reading at or before the metric's last timestamp: it does
 * not update the buckets (it may be a duplicate), it makes the bucket it falls into inexact instead.
 */
export function addReading(
  state: RollupState,
  ts: number,
  value: number,
  inOrder: boolean,
): { state: RollupState; rows: RollupRow[] } {
  // Hot path (every reading): plain loops and copies only of what changes.
  const rows: RollupRow[] = [];
  const open = state.open.slice();
  let emittedUntil = state.emittedUntil;
  let trusted = state.trusted;
  for (let i = 0; i < ROLLUP_WIDTHS.length; i++) {
    const [width, ms] = ROLLUP_WIDTHS[i];
    const start = Math.floor(ts / ms) * ms;
    const current = open[i];
    if (current && start === current.start) {
      open[i] = inOrder ? add(current, ts, value) : { ...current, exact: false };
    } else if ((current && start < current.start) || (!current && start < emittedUntil[i])) {
      rows.push(recompute(width, start)); // a bucket already emitted
    } else {
      if (current) {
        rows.push(toRow(width, current));
        if (emittedUntil === state.emittedUntil) emittedUntil = emittedUntil.slice();
        emittedUntil[i] = current.start + ms;
      }
      open[i] = {
        start,
        min: value,
        max: value,
        sum: value,
        count: 1,
        last: value,
        lastTs: ts,
        exact: inOrder && trusted[i],
      };
      if (!trusted[i]) {
        if (trusted === state.trusted) trusted = trusted.slice();
        trusted[i] = true;
      }
    }
  }
  return { state: { open, emittedUntil, trusted }, rows };
}

function add(b: Bucket, ts: number, value: number): Bucket {
  return {
    start: b.start,
    min: value < b.min ? value : b.min,
    max: value > b.max ? value : b.max,
    sum: b.sum + value,
    count: b.count + 1,
    last: ts >= b.lastTs ? value : b.last,
    lastTs: ts > b.lastTs ? ts : b.lastTs,
    exact: b.exact,
  };
}

/** Emits every open bucket whose end is at or before `until` (epoch ms). */
export function flushRollups(state: RollupState, until: number): { state: RollupState; rows: RollupRow[] } {
  const rows: RollupRow[] = [];
  let open = state.open;
  let emittedUntil = state.emittedUntil;
  ROLLUP_WIDTHS.forEach(([width, ms], i) => {
    const current = open[i];
    if (!current || current.start + ms > until) return;
    if (open === state.open) {
      open = open.slice();
      emittedUntil = emittedUntil.slice();
    }
    rows.push(toRow(width, current));
    emittedUntil[i] = current.start + ms;
    open[i] = null;
  });
  return { state: rows.length ? { ...state, open, emittedUntil } : state, rows };
}

/** The earliest end of an open bucket, or undefined when none is open. */
export function nextRollupEnd(state: RollupState): number | undefined {
  let next: number | undefined;
  for (let i = 0; i < ROLLUP_WIDTHS.length; i++) {
    const current = state.open[i];
    if (current) {
      const end = current.start + ROLLUP_WIDTHS[i][1];
      if (next === undefined || end < next) next = end;
    }
  }
  return next;
}

/** After a restore: open buckets, and the next bucket of each width, may miss committed readings. */
export function markInexact(state: RollupState): RollupState {
  return {
    ...state,
    open: state.open.map((b) => (b ? { ...b, exact: false } : null)),
    trusted: ROLLUP_WIDTHS.map(() => false),
  };
}

/** Rollups restored from a snapshot: as they were when the snapshot is complete, else {@linkcode markInexact}. */
export function restoredRollups(state: RollupState, complete: boolean | undefined): RollupState {
  return complete ? state : markInexact(state);
}
