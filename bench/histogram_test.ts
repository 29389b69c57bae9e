import assert from "node:assert/strict";
import fc from "fast-check";
import { Histogram, percentile, summarize } from "./histogram.ts";

Deno.test("percentile() uses the nearest rank", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(percentile(sorted, 50), 50);
  assert.deepEqual(percentile(sorted, 95), 95);
  assert.deepEqual(percentile(sorted, 99), 99);
  assert.deepEqual(percentile(sorted, 100), 100);
  assert.deepEqual(percentile(sorted, 0), 1);
  assert.deepEqual(percentile([7], 99), 7);
});

Deno.test("percentile() of nothing is NaN and a bad p is a RangeError", () => {
  assert.deepEqual(percentile([], 50), NaN);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
});

Deno.test("percentile() is always one of the samples and monotonic in p", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
      const sorted = Float64Array.from(values).sort();
      let previous = -Infinity;
      for (const p of [0, 10, 50, 90, 95, 99, 100]) {
        const v = percentile(sorted, p);
        if (!values.includes(v) && !(v === 0 && values.some((x) => x === 0))) return false;
        if (v < previous) return false;
        previous = v;
      }
      return true;
    }),
  );
});

Deno.test("summarize() sorts its input and gives min, mean and max", () => {
  const s = summarize([5, 1, 3]);
  assert.deepEqual(s, { count: 3, min: 1, mean: 3, p50: 3, p95: 5, p99: 5, max: 5 });
  assert.deepEqual(summarize([]).count, 0);
});

Deno.test("Histogram.record() refuses non-finite samples", () => {
  const h = new Histogram();
  h.record(2);
  assert.throws(() => h.record(Infinity), RangeError);
  assert.deepEqual(h.count, 1);
  assert.deepEqual(h.summary().p99, 2);
});
