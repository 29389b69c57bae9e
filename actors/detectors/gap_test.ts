import assert from "node:assert/strict";
import fc from "fast-check";
import { gapDeadline, isGap } from "./gap.ts";

const epoch = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 });

Deno.test("gapDeadline() is last seen + k x the expected interval", () => {
  fc.assert(
    fc.property(
      epoch,
      fc.integer({ min: 1, max: 86_400 }),
      fc.integer({ min: 1, max: 10 }),
      (last, interval, k) => {
        assert.equal(gapDeadline(last, interval, k), last + k * interval * 1000);
      },
    ),
  );
});

Deno.test("isGap() is false before the deadline and true from it on", () => {
  fc.assert(
    fc.property(
      epoch,
      fc.integer({ min: 1, max: 3_600 }),
      fc.double({ min: 1, max: 10, noNaN: true }),
      fc.integer({ min: 1, max: 1e7 }),
      (last, interval, k, offset) => {
        const deadline = gapDeadline(last, interval, k);
        assert.ok(deadline > last);
        assert.equal(isGap(deadline - 1, deadline), false);
        assert.equal(isGap(deadline, deadline), true);
        assert.equal(isGap(deadline + offset, deadline), true);
      },
    ),
  );
});

Deno.test("gapDeadline() moves with every new reading (monotone in last seen)", () => {
  fc.assert(
    fc.property(
      epoch,
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 1, max: 3_600 }),
      (a, d, interval) => {
        assert.ok(gapDeadline(a + d, interval) > gapDeadline(a, interval));
      },
    ),
  );
});

Deno.test("gapDeadline() rejects a non-positive interval or factor", () => {
  assert.throws(() => gapDeadline(0, 0), RangeError);
  assert.throws(() => gapDeadline(0, 60, 0), RangeError);
});
