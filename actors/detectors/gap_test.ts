import assert from "node:assert/strict";
import fc from "fast-check";
import { gapDeadline, gapDeadlineSince, isGap, START_GRACE_MS } from "./gap.ts";

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

Deno.test("gapDeadlineSince(): silence from before a start is judged no sooner than min(k x interval, 30 s) after it", () => {
  const start = 10_000_000;
  // a reading since the start, or none ever: the usual deadline
  assert.equal(gapDeadlineSince(start + 5_000, start, 60, 3), start + 185_000);
  assert.equal(gapDeadlineSince(undefined, start, 60, 3), start + 180_000);
  // restored, last heard 10 s before the start: its own deadline is later than the grace
  assert.equal(gapDeadlineSince(start - 10_000, start, 60, 3), start + 170_000);
  // last heard 10 min before (GridPulse was down): the grace, not at once
  assert.equal(gapDeadlineSince(start - 600_000, start, 60, 3), start + START_GRACE_MS);
  // a short interval: k x interval after the start
  assert.equal(gapDeadlineSince(start - 600_000, start, 1, 3), start + 3_000);
  fc.assert(
    fc.property(
      fc.integer({ min: -10_000_000, max: 10_000_000 }),
      fc.integer({ min: 1, max: 3600 }),
      fc.double({ min: 0.5, max: 10, noNaN: true }),
      (seenOffset, intervalS, factor) => {
        const seen = start + seenOffset;
        const deadline = gapDeadlineSince(seen, start, intervalS, factor);
        const usual = gapDeadline(seen, intervalS, factor);
        assert.ok(deadline >= usual, "never sooner than the usual deadline");
        if (seen >= start) assert.equal(deadline, usual);
        else {
          assert.ok(deadline > start, "never at the start itself");
          assert.ok(deadline <= Math.max(usual, start + START_GRACE_MS), "at most the grace late");
        }
      },
    ),
  );
});
