import assert from "node:assert/strict";
import fc from "fast-check";
import { PlantTelemetry } from "../../domain/telemetry.ts";
import { decodePlantTelemetry, quickReading } from "./decode.ts";

const candidate = fc.record(
  {
    ts: fc.oneof(fc.integer({ min: 0, max: 5e12 }), fc.double(), fc.string(), fc.constant(1_767_225_600_000)),
    mw: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
    metric: fc.oneof(
      fc.constantFrom("power_mw", "Power", "a", "x".repeat(41), "reactive_mvar"),
      fc.string(),
      fc.integer(),
    ),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

Deno.test("quickReading() accepts only what PlantTelemetry accepts, with the same values", () => {
  fc.assert(
    fc.property(candidate, (json) => {
      const quick = quickReading(json);
      if (!quick) return;
      const parsed = PlantTelemetry.safeParse(json);
      assert.ok(parsed.success, `quick accepted ${JSON.stringify(json)} which the schema rejects`);
      assert.deepEqual(quick, {
        type: "telemetry",
        ts: parsed.data.ts,
        value: parsed.data.mw,
        metric: parsed.data.metric,
      });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decodePlantTelemetry() takes ISO timestamps through the schema and explains rejections", () => {
  const enc = new TextEncoder();
  const iso = decodePlantTelemetry(enc.encode('{"ts":"2026-01-01T00:00:00Z","mw":1}'));
  assert.deepEqual(iso, {
    ok: true,
    message: { type: "telemetry", ts: Date.UTC(2026, 0, 1), value: 1, metric: "power_mw" },
  });
  const extra = decodePlantTelemetry(enc.encode('{"ts":1767225600000,"mw":1,"x":2}'));
  assert.equal(extra.ok, false);
  assert.match((extra as { reason: string }).reason, /invalid payload/);
  assert.match((decodePlantTelemetry(enc.encode("[")) as { reason: string }).reason, /invalid JSON/);
});
