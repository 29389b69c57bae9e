import assert from "node:assert/strict";
import fc from "fast-check";
import { AdrEventInput, formatDuration, parseDuration } from "./adr_event.ts";

Deno.test("parseDuration() reads weeks, days, hours, minutes and seconds", () => {
  assert.equal(parseDuration("PT1H"), 3600);
  assert.equal(parseDuration("P1DT30M"), 88_200);
  assert.equal(parseDuration("P1W"), 604_800);
  assert.equal(parseDuration("PT90S"), 90);
  for (const bad of ["", "P", "PT", "1H", "PT1.5H", "P1Y", "pt1h", "PT-1H"]) {
    assert.ok(Number.isNaN(parseDuration(bad)), bad);
  }
});

Deno.test("formatDuration() round-trips through parseDuration()", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 * 86_400 }), (s) => parseDuration(formatDuration(s)) === s),
  );
  assert.equal(formatDuration(5400), "PT1H30M");
  assert.equal(formatDuration(0), "PT0S");
});

Deno.test("AdrEventInput needs a target and bounds payload values", () => {
  const base = {
    programId: crypto.randomUUID(),
    eventName: "peak",
    intervalPeriod: { start: "2026-06-01T16:00:00Z", duration: "PT2H" },
    intervals: [{ id: 0, payloads: [{ type: "SIMPLE", values: [2] }] }],
    targets: { groups: ["north"] },
  };
  const parsed = AdrEventInput.parse(base);
  assert.equal(parsed.intervalPeriod.duration, 7200);
  assert.deepEqual(parsed.targets, { venIds: [], groups: ["north"] });
  const noTarget = AdrEventInput.safeParse({ ...base, targets: {} });
  assert.deepEqual(noTarget.error?.issues.map((i) => i.path.join(".")), ["targets"]);
  const level = AdrEventInput.safeParse({
    ...base,
    intervals: [{ id: 0, payloads: [{ type: "SIMPLE", values: [7] }] }],
  });
  assert.equal(level.success, false);
  const long = AdrEventInput.safeParse({
    ...base,
    intervalPeriod: { start: base.intervalPeriod.start, duration: "P40D" },
  });
  assert.deepEqual(long.error?.issues.map((i) => i.path.join(".")), ["intervalPeriod.duration"]);
});
