import assert from "node:assert/strict";
import fc from "fast-check";
import { PLANTS } from "./catalog.ts";
import { SEED_NAMESPACE } from "./ids.ts";
import { plantSeries, SPIKE_BASELINE_READINGS, WINDOW_MINUTES } from "./plant_series.ts";
import { dayAheadPrice, rejectedTimes, seedDocuments } from "./documents_data.ts";

const YEAR_START = Date.UTC(2026, 0, 1);

Deno.test("plantSeries() at any time of the year: clean spikes, breaches only under their alerts, one open alert per kind", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 365 * 1_440 }), (minute) => {
      const end = YEAR_START + minute * 60_000;
      for (const s of plantSeries(PLANTS, end, SEED_NAMESPACE)) {
        const byTs = new Map(s.readings.map((r, i) => [r.ts, i]));
        assert.ok(s.readings.length <= WINDOW_MINUTES && s.readings.length >= WINDOW_MINUTES - 25);
        for (const a of s.alerts.filter((a) => a.type === "Spike")) {
          const i = byTs.get(a.ts)!;
          const before = s.readings.slice(i - SPIKE_BASELINE_READINGS, i).map((r) => r.value);
          const mean = before.reduce((x, y) => x + y, 0) / before.length;
          assert.ok(s.readings[i].value > 3 * mean);
        }
        const breaches = s.alerts.filter((a) => a.type === "ThresholdExceeded");
        for (const r of s.readings.filter((r) => r.value > s.plant.capacityMw)) {
          assert.ok(
            breaches.some((a) => r.ts >= a.ts && r.ts <= a.lastSeenAt),
            `${s.plant.name} above capacity without alert`,
          );
        }
        const open = s.alerts.filter((a) => a.resolvedAt === null).map((a) => a.dedupeKey);
        assert.equal(new Set(open).size, open.length);
        for (const a of s.alerts) {
          assert.ok(a.ts <= end && (a.resolvedAt === null || a.resolvedAt <= end + 60_000));
        }
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("seedDocuments() market signals follow one daily curve: 48 hourly day-ahead, 96 intraday near it", () => {
  const end = Date.UTC(2026, 5, 1, 13, 7);
  const docs = seedDocuments({
    end,
    namespace: SEED_NAMESPACE,
    plantIds: { "Helios Solar Park": "p" },
    offers: [],
    alerts: [],
    events: [],
  });
  const dayAhead = docs.market_signals.filter((d) => d.market === "day_ahead");
  const intraday = docs.market_signals.filter((d) => d.market === "intraday");
  assert.equal(dayAhead.length, 48);
  assert.equal(intraday.length, 96);
  for (const d of intraday) {
    const h = (d.timestamp.getTime() / 3_600_000) % 24;
    assert.ok(Math.abs((d.price as number) - dayAheadPrice(h)) <= 6.01);
  }
  const evening = dayAheadPrice(19);
  assert.ok(
    evening > dayAheadPrice(13) && evening > dayAheadPrice(3),
    "evening peak above the solar dip and the night",
  );
  assert.equal(docs.telemetry_events.filter((d) => d.kind === "rejected").length, rejectedTimes(end).length);
});
