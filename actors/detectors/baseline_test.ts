import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addToBaseline,
  type BaselineMethod,
  type BaselineSettings,
  baselineValue,
  emptyBaseline,
  resizeBaseline,
} from "./baseline.ts";

const feed = (values: number[], settings: BaselineSettings) =>
  values.reduce((state, v) => addToBaseline(state, v, settings), emptyBaseline());
const value = fc.double({ min: 0, max: 1e6, noNaN: true });
const closeTo = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

Deno.test("baselineValue() is undefined until warm-up values were seen", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<BaselineMethod>("mean", "median", "ewma"),
      fc.integer({ min: 1, max: 30 }),
      fc.array(value, { maxLength: 40 }),
      (method, warmup, values) => {
        const settings = { method, window: 10, warmup };
        const result = baselineValue(feed(values, settings), settings);
        assert.equal(result === undefined, values.length < warmup);
      },
    ),
  );
});

Deno.test("baselineValue() with mean or median does not depend on the order of the window's values", () => {
  fc.assert(fc.property(
    fc.constantFrom<BaselineMethod>("mean", "median"),
    fc.array(value, { minLength: 1, maxLength: 30 }),
    fc.infiniteStream(fc.nat()),
    (method, values, seeds) => {
      const settings = { method, window: values.length, warmup: 1 };
      const shuffled = values.slice();
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = seeds.next().value % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const a = baselineValue(feed(values, settings), settings);
      const b = baselineValue(feed(shuffled, settings), settings);
      // the median exactly; the mean up to float rounding (addition is not associative)
      if (method === "median") assert.equal(a, b);
      else assert.ok(closeTo(a, b), `${a} vs ${b}`);
    },
  ));
});

Deno.test("baselineValue() of equal values is that value whatever the method and order", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<BaselineMethod>("mean", "median", "ewma"),
      value,
      fc.integer({ min: 1, max: 50 }),
      (method, v, n) => {
        const settings = { method, window: 20, warmup: 1 };
        assert.ok(closeTo(baselineValue(feed(new Array(n).fill(v), settings), settings), v));
      },
    ),
  );
});

Deno.test("baselineValue() lies within the window's minimum and maximum", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<BaselineMethod>("mean", "median", "ewma"),
      fc.array(value, { minLength: 1, maxLength: 60 }),
      (method, values) => {
        const settings = { method, window: 15, warmup: 1 };
        const b = baselineValue(feed(values, settings), settings)!;
        const seen = method === "ewma" ? values : values.slice(-15);
        assert.ok(b >= Math.min(...seen) - 1e-6 && b <= Math.max(...seen) + 1e-6);
      },
    ),
  );
});

Deno.test("addToBaseline() keeps only the last window values", () => {
  const settings = { method: "mean" as const, window: 3, warmup: 1 };
  const state = feed([100, 1, 2, 3], settings);
  assert.deepEqual(state.values, [1, 2, 3]);
  assert.equal(baselineValue(state, settings), 2);
});

Deno.test("baselineValue() median of an even window averages the middle pair", () => {
  const settings = { method: "median" as const, window: 4, warmup: 4 };
  assert.equal(baselineValue(feed([1, 9, 3, 5], settings), settings), 4);
});

Deno.test("resizeBaseline() drops the oldest values when the window shrinks", () => {
  const state = feed([1, 2, 3, 4], { method: "mean", window: 10, warmup: 1 });
  assert.deepEqual(resizeBaseline(state, { method: "mean", window: 2, warmup: 1 }).values, [3, 4]);
});
