import assert from "node:assert/strict";
import fc from "fast-check";
import { SiteDashboard } from "../../domain/live.ts";
import { type MeterPower, siteTotals, toKw } from "./dashboard.ts";

const meter = fc.record({
  category: fc.constantFrom("CONS", "PROD", "INJ", "STOR") as fc.Arbitrary<MeterPower["category"]>,
  kw: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
  ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
});
const sum = (ms: MeterPower[], c: string) => ms.filter((m) => m.category === c).reduce((a, m) => a + m.kw, 0);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

Deno.test("siteTotals() sums each category and is always a valid SiteDashboard", () => {
  fc.assert(fc.property(fc.array(meter, { minLength: 1, maxLength: 30 }), (meters) => {
    const d = siteTotals(meters)!;
    SiteDashboard.strict().parse(d);
    assert.ok(close(d.consumptionKw, sum(meters, "CONS")));
    assert.ok(close(d.productionKw, sum(meters, "PROD")));
    assert.ok(close(d.injectionKw, sum(meters, "INJ")));
    assert.ok(close(d.storageKw, sum(meters, "STOR")));
    assert.equal(d.ts, new Date(Math.max(...meters.map((m) => m.ts))).toISOString());
  }));
});

Deno.test("siteTotals() self-consumption ratio is (production - injection) / production in 0-1, null without production", () => {
  fc.assert(fc.property(fc.array(meter, { minLength: 1, maxLength: 30 }), (meters) => {
    const d = siteTotals(meters)!;
    const production = d.productionKw;
    if (!(production > 0)) return assert.equal(d.selfConsumptionRatio, null);
    const ratio = (production - d.injectionKw) / production;
    assert.ok(close(d.selfConsumptionRatio!, Math.min(1, Math.max(0, ratio))));
  }));
  const ratio = siteTotals([{ category: "PROD", kw: 200, ts: 0 }, { category: "INJ", kw: 50, ts: 0 }]);
  assert.equal(ratio?.selfConsumptionRatio, 0.75);
});

Deno.test("siteTotals() does not depend on the order of the meters", () => {
  fc.assert(fc.property(fc.array(meter, { minLength: 1, maxLength: 10 }), (meters) => {
    const a = siteTotals(meters)!;
    const b = siteTotals(meters.slice().reverse())!;
    assert.ok(close(a.consumptionKw, b.consumptionKw) && close(a.storageKw, b.storageKw));
    assert.equal(a.ts, b.ts);
  }));
});

Deno.test("siteTotals() of no meter is undefined; toKw() converts W and MW", () => {
  assert.equal(siteTotals([]), undefined);
  assert.deepEqual([toKw(1500, "W"), toKw(2, "MW"), toKw(7, "kW"), toKw(7, "kVA")], [1.5, 2000, 7, 7]);
});
