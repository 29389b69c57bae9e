import assert from "node:assert/strict";
import fc from "fast-check";
import { crosses, evaluateThreshold, type ThresholdRule } from "./threshold.ts";

const rule = (comparator: "above" | "below", threshold: number, durationS = 0): ThresholdRule => ({
  comparator,
  threshold,
  durationS,
});

Deno.test("crosses() is strict: the limit itself is within", () => {
  fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (t) => {
    assert.equal(crosses(rule("above", t), t), false);
    assert.equal(crosses(rule("below", t), t), false);
  }));
  assert.equal(crosses(rule("above", 10), 10.5), true);
  assert.equal(crosses(rule("below", 10), 9.5), true);
});

Deno.test("evaluateThreshold() breaches only after the minimum duration", () => {
  const r = rule("above", 100, 60);
  let result = evaluateThreshold(undefined, r, 150, 0);
  assert.deepEqual([result.breached, result.cleared], [false, false]);
  result = evaluateThreshold(result.state, r, 150, 59_999);
  assert.equal(result.breached, false);
  result = evaluateThreshold(result.state, r, 150, 60_000);
  assert.equal(result.breached, true);
  result = evaluateThreshold(result.state, r, 90, 61_000);
  assert.deepEqual([result.breached, result.cleared, result.state.since], [false, true, undefined]);
});

Deno.test("evaluateThreshold() with zero duration breaches on the first crossing value", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e5, noNaN: true }),
      fc.double({ min: 1e-3, max: 1e5, noNaN: true }),
      (limit, excess) => {
        assert.equal(evaluateThreshold(undefined, rule("above", limit), limit + excess, 1).breached, true);
      },
    ),
  );
});
