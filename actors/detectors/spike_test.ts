import assert from "node:assert/strict";
import fc from "fast-check";
import { isSpike } from "./spike.ts";
import { addToBaseline, baselineValue, emptyBaseline } from "./baseline.ts";

const baseline = fc.double({ min: 1e-3, max: 1e6, noNaN: true });
const factor = fc.double({ min: 1.01, max: 20, noNaN: true });

Deno.test("isSpike() is false at or below factor x baseline", () => {
  fc.assert(fc.property(baseline, factor, fc.double({ min: 0, max: 1, noNaN: true }), (b, f, share) => {
    assert.equal(isSpike(f * b * share, b, f), false);
    assert.equal(isSpike(f * b, b, f), false);
  }));
});

Deno.test("isSpike() is true above factor x baseline", () => {
  fc.assert(fc.property(baseline, factor, fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (b, f, excess) => {
    const value = f * b + Math.max(excess, f * b * 1e-9);
    fc.pre(value > f * b);
    assert.equal(isSpike(value, b, f), true);
  }));
});

Deno.test("isSpike() is false while the baseline warms up", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 30 }),
      fc.double({ min: 1, max: 100, noNaN: true }),
      (warmup, level) => {
        const settings = { method: "mean" as const, window: 30, warmup };
        let state = emptyBaseline();
        for (let i = 0; i < warmup - 1; i++) {
          assert.equal(isSpike(level * 1000, baselineValue(state, settings)), false);
          state = addToBaseline(state, level, settings);
        }
        assert.equal(isSpike(level * 1000, baselineValue(state, settings)), false);
        state = addToBaseline(state, level, settings);
        assert.equal(isSpike(level * 1000, baselineValue(state, settings)), true, "spike once warmed up");
      },
    ),
  );
});

Deno.test("isSpike() is false for a zero or negative baseline", () => {
  assert.equal(isSpike(5, 0), false);
  assert.equal(isSpike(5, -1), false);
});
