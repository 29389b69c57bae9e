import assert from "node:assert/strict";
import { METERS } from "./catalog.ts";
import { meterSeries } from "./site_series.ts";
import { meterTick } from "./sim_behaviour.ts";

const H = 3_600_000;
const DAY_END = Date.parse("2026-05-02T00:00:00Z") - 60_000; // the seeded window: the whole of May 1 (UTC)
const NONE = { spike: 0, breach: 0, gap: 0, offline: 0 };

Deno.test("seeded storage meters follow domain/live.ts: positive while charging at midday, negative in the evening peak", () => {
  const storage = METERS.find((m) => m.category === "STOR");
  assert.ok(storage, "the catalog has a storage meter");
  const rows = meterSeries(storage, DAY_END);
  const power = (hour: number) => rows.find((r) => r.metric === "power" && (r.ts / H) % 24 >= hour)!;
  const soc = (hour: number) => rows.find((r) => r.metric === "state_of_charge" && (r.ts / H) % 24 >= hour)!;
  assert.ok(power(12).value > 0, `charging at noon: ${power(12).value} kW`);
  assert.ok(power(18).value < 0, `discharging at 18:00: ${power(18).value} kW`);
  assert.ok(soc(13.5).value > soc(10).value, "state of charge rises while charging");
  assert.ok(soc(20.5).value < soc(17).value, "and falls while discharging");
});

Deno.test("the simulator's storage meters charge (positive) at midday and discharge (negative) in the evening", () => {
  const meter = { id: "m", siteId: "s", category: "STOR" as const, typicalKw: 100, silentUntil: 0 };
  const valueAt = (hour: number) => {
    const [emission] = meterTick(meter, Date.parse("2026-05-01T00:00:00Z") + hour * H, () => 0.5, NONE);
    return (emission.payload as { value: number }).value;
  };
  assert.ok(valueAt(12) > 0, `noon: ${valueAt(12)}`);
  assert.ok(valueAt(18) < 0, `18:00: ${valueAt(18)}`);
});
