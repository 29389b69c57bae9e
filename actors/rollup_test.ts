import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addReading,
  emptyRollups,
  flushRollups,
  markInexact,
  ROLLUP_WIDTHS,
  type RollupRow,
} from "./rollup.ts";

const readings = fc.array(
  fc.record({
    gap: fc.integer({ min: 1, max: 400_000 }),
    // `+ 0` turns -0 into 0: the min of 0 and -0 is either, and strict assertions tell them apart
    value: fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((v) => v + 0),
  }),
  { minLength: 1, maxLength: 80 },
);

Deno.test("addReading() emits each closed bucket once, equal to the aggregate of its in-order readings", () => {
  fc.assert(fc.property(readings, (list) => {
    let state = emptyRollups();
    let ts = Date.UTC(2026, 0, 1);
    const seen: { ts: number; value: number }[] = [];
    const rows: RollupRow[] = [];
    for (const { gap, value } of list) {
      ts += gap;
      seen.push({ ts, value });
      const r = addReading(state, ts, value, true);
      state = r.state;
      rows.push(...r.rows);
    }
    const flushed = flushRollups(state, Infinity);
    rows.push(...flushed.rows);
    for (const [width, ms] of ROLLUP_WIDTHS) {
      const mine = rows.filter((r) => r.width === width);
      const buckets = new Set(seen.map((s) => Math.floor(s.ts / ms) * ms));
      assert.equal(mine.length, buckets.size, `${width}: one row per bucket`);
      for (const row of mine) {
        const inside = seen.filter((s) => s.ts >= row.bucket && s.ts < row.bucket + ms);
        assert.equal(row.count, inside.length);
        assert.equal(row.min, Math.min(...inside.map((s) => s.value)));
        assert.equal(row.max, Math.max(...inside.map((s) => s.value)));
        assert.equal(row.last, inside.at(-1)!.value);
      }
      assert.equal(mine[0].exact, false, "the first bucket after a start is recomputed");
      assert.ok(mine.slice(1).every((r) => r.exact), "later buckets are exact");
    }
  }));
});

Deno.test("addReading() with a reading out of order marks its open bucket inexact, or recomputes an emitted one", () => {
  const t = Date.UTC(2026, 0, 1, 10);
  let { state } = addReading(emptyRollups(), t, 1, true);
  ({ state } = addReading(state, t + 61_000, 2, true)); // closes the 10:00 minute
  const late = addReading(state, t + 1_000, 5, false);
  assert.deepEqual(late.rows.filter((r) => r.width === "1m").map((r) => [r.bucket, r.exact]), [[t, false]]);
  assert.equal(late.state.open[1]!.exact, false, "the 10m bucket still open is marked");
});

Deno.test("markInexact() makes restored open buckets and the next bucket of each width inexact", () => {
  const t = Date.UTC(2026, 0, 1, 10);
  let { state } = addReading(emptyRollups(), t, 1, true);
  ({ state } = addReading(state, t + 60_000, 1, true));
  assert.equal(state.open[0]!.exact, true);
  state = markInexact(JSON.parse(JSON.stringify(state)));
  assert.equal(state.open[0]!.exact, false);
  const next = addReading(state, t + 120_000, 1, true);
  assert.equal(next.rows[0].exact, false);
  assert.equal(next.state.open[0]!.exact, false);
});
