import assert from "node:assert/strict";
import {
  DEFAULT_GRID_CARBON_G_PER_KWH,
  DEFAULT_PRICE_EUR_PER_KWH,
  meanPrice,
  priceSpread,
  sitePrices,
} from "./prices.ts";
import { figuresOf, type Finding, type Outcome } from "./rule.ts";
import { daytimeSolar, gridCapacityPeak, idleStorage, lowPowerFactor, peakLoadShift } from "./rules/mod.ts";
import type { EnergySourceFacts, SiteFacts } from "./site_facts.ts";
import { assetFacts, gridLinkFacts, meterFacts, siteFacts } from "./testing.ts";

/** Equal to within a cent (or a gram). */
function close(actual: number | null | undefined, expected: number, message?: string) {
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) < 0.01,
    `${message ?? "value"}: expected ${expected}, got ${actual}`,
  );
}

function fired(outcomes: Outcome[]): Finding {
  assert.equal(outcomes.length, 1, JSON.stringify(outcomes));
  const [outcome] = outcomes;
  assert.equal(outcome.kind, "fires", JSON.stringify(outcome));
  return (outcome as Extract<Outcome, { kind: "fires" }>).finding;
}

function notFired(outcomes: Outcome[], kind: "clear" | "insufficient", reason: RegExp) {
  assert.equal(outcomes.length, 1, JSON.stringify(outcomes));
  assert.equal(outcomes[0].kind, kind, JSON.stringify(outcomes[0]));
  assert.match((outcomes[0] as { reason: string }).reason, reason);
}

const evaluate = (rule: typeof lowPowerFactor, facts: SiteFacts) => rule.evaluate(facts, sitePrices(facts));

const source = (overrides: Partial<EnergySourceFacts>): EnergySourceFacts => ({
  id: crypto.randomUUID(),
  name: "Source",
  sourceType: "grid",
  meterId: null,
  capacityKw: 1000,
  storageCapacityKwh: null,
  carbonIntensity: 0,
  ...overrides,
});

const FLAT = { eurPerKwh: 0.2 };

Deno.test("sitePrices() reads the time-of-use tariff of the largest importing link and the grid's carbon intensity", () => {
  const facts = siteFacts({
    gridLinks: [
      gridLinkFacts({ name: "Small", importCapacityKw: 10, tariff: FLAT }),
      gridLinkFacts({ name: "Export", direction: "out", importCapacityKw: 99_999, tariff: FLAT }),
      gridLinkFacts({ name: "Main", importCapacityKw: 2000 }),
    ],
    energySources: [source({ name: "Grid", carbonIntensity: 381 })],
  });
  const prices = sitePrices(facts);
  assert.equal(prices.tariffFrom?.name, "Main");
  assert.deepEqual([0, 6, 7, 19, 20, 23].map((h) => prices.eurPerKwhByHour[h]), [
    0.1,
    0.1,
    0.25,
    0.25,
    0.1,
    0.1,
  ]);
  assert.equal(prices.demandChargeEurPerKwMonth, 10);
  assert.equal(prices.gridCarbonGPerKwh, 381);
  assert.deepEqual(priceSpread(prices), {
    peak: 0.25,
    offPeak: 0.1,
    peakHours: [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
  });
  close(meanPrice(prices), (7 * 0.1 + 13 * 0.25 + 4 * 0.1) / 24, "time-weighted");
  const weights = Array(24).fill(0).map((_, h) => (h === 12 ? 1 : 0));
  close(meanPrice(prices, undefined, weights), 0.25, "weighted by the import profile");
});

Deno.test("sitePrices() falls back to the named defaults and says so", () => {
  const prices = sitePrices(siteFacts({ gridLinks: [gridLinkFacts({ tariff: { type: "unknown" } })] }));
  assert.equal(prices.tariffFrom, null);
  assert.ok(prices.eurPerKwhByHour.every((p) => p === DEFAULT_PRICE_EUR_PER_KWH));
  assert.equal(prices.demandChargeEurPerKwMonth, null);
  assert.equal(prices.carbonFrom, null);
  assert.equal(prices.gridCarbonGPerKwh, DEFAULT_GRID_CARBON_G_PER_KWH);
});

Deno.test("figuresOf() derives ROI, payback and priority from savings and investment", () => {
  const base = {
    assetId: null,
    title: "t",
    description: "",
    reason: "",
    carbonReductionKg: 12.4,
    inputs: {},
  };
  assert.deepEqual(figuresOf({ ...base, savingsEur: 5000.4, investmentEur: 10000 }), {
    estimatedSavingsEur: 5000,
    investmentEur: 10000,
    roiPercent: 50,
    paybackMonths: 24,
    carbonReductionKg: 12,
    priority: "medium",
  });
  assert.equal(figuresOf({ ...base, savingsEur: 6000, investmentEur: 10000 }).priority, "high");
  assert.equal(figuresOf({ ...base, savingsEur: 1000, investmentEur: 10000 }).priority, "low");
  const free = figuresOf({ ...base, savingsEur: 1000, investmentEur: 0 });
  assert.deepEqual([free.roiPercent, free.paybackMonths, free.priority], [null, 0, "high"]);
  const unpriced = figuresOf({ ...base, savingsEur: null, investmentEur: 10000, priority: "high" });
  assert.deepEqual([
    unpriced.estimatedSavingsEur,
    unpriced.roiPercent,
    unpriced.paybackMonths,
    unpriced.priority,
  ], [
    null,
    null,
    null,
    "high",
  ]);
});

Deno.test("lowPowerFactor fires below 0.9 with losses and capacitor cost as documented", () => {
  const facts = siteFacts({
    meters: [
      meterFacts({ name: "Main", avgKw: 500, peakKw: 800, powerFactor: { avg: 0.8, readings: 100 } }),
      meterFacts({ name: "Office", powerFactor: { avg: 0.97, readings: 100 } }),
      meterFacts({ name: "PV", category: "PROD", powerFactor: { avg: 0.5, readings: 100 } }),
    ],
    gridLinks: [gridLinkFacts({ tariff: FLAT })],
    energySources: [source({ carbonIntensity: 400 })],
  });
  const f = fired(evaluate(lowPowerFactor, facts));
  const savedKwh = 500 * 8760 * 0.02 * (1 - (0.8 / 0.95) ** 2); // 25,479 kWh
  const kvar = 800 * (Math.tan(Math.acos(0.8)) - Math.tan(Math.acos(0.95))); // 337 kvar
  close(f.savingsEur, savedKwh * 0.2, "savings");
  close(f.investmentEur, kvar * 35, "investment");
  close(f.carbonReductionKg, savedKwh * 0.4, "carbon");
  assert.equal(f.assetId, null);
  assert.match(f.reason, /0\.8 on Main in the last 30 days \(720 hours measured\), below 0\.9/);
  assert.doesNotMatch(f.reason, /Office|PV/);
  const inputs = f.inputs as { meters: { name: string }[] };
  assert.deepEqual(inputs.meters.map((m) => m.name), ["Main"]);
});

Deno.test("lowPowerFactor does not fire at a good power factor or without enough readings", () => {
  notFired(
    evaluate(
      lowPowerFactor,
      siteFacts({ meters: [meterFacts({ powerFactor: { avg: 0.93, readings: 100 } })] }),
    ),
    "clear",
    /at least 0\.9 \(Main 0\.93\)/,
  );
  notFired(
    evaluate(
      lowPowerFactor,
      siteFacts({ meters: [meterFacts({ powerFactor: { avg: 0.5, readings: 23 } })] }),
    ),
    "insufficient",
    /24 power factor readings/,
  );
  notFired(evaluate(lowPowerFactor, siteFacts({ meters: [meterFacts()] })), "insufficient", /power factor/);
});

Deno.test("daytimeSolar fires on daylight import without solar, sized below the import", () => {
  const importByHour = Array(24).fill(20);
  for (const h of [10, 11, 12, 13, 14, 15]) importByHour[h] = 300;
  const facts = siteFacts({ importByHour, gridLinks: [gridLinkFacts()] });
  const f = fired(evaluate(daytimeSolar, facts));
  const kwp = 300 / 0.6; // 500 kWp
  close(f.savingsEur, kwp * 1000 * 0.25, "savings at the daylight tariff");
  close(f.investmentEur, kwp * 900, "investment");
  close(f.carbonReductionKg, kwp * 1000 * (300 - 41) / 1000, "carbon at the default grid intensity");
  assert.match(f.title, /500 kWp/);
  assert.match(f.reason, /no solar and imported 300 kW on average between 10:00 and 16:00/);

  const roofed = fired(
    evaluate(daytimeSolar, { ...facts, site: { ...facts.site, metadata: { roofAreaM2: 1000 } } }),
  );
  close(roofed.investmentEur, 1000 * 0.18 * 900, "at most the roof's 180 kWp");
  assert.equal((roofed.inputs as { roofAreaM2: number }).roofAreaM2, 1000);
});

Deno.test("daytimeSolar does not fire with solar, low daylight import, or gaps in daylight", () => {
  notFired(
    evaluate(
      daytimeSolar,
      siteFacts({
        importByHour: Array(24).fill(500),
        energySources: [source({ name: "Roof", sourceType: "solar" })],
      }),
    ),
    "clear",
    /solar already \(Roof 1000 kW\)/,
  );
  notFired(
    evaluate(daytimeSolar, siteFacts({ importByHour: Array(24).fill(30) })),
    "clear",
    /30 kW, below 50 kW/,
  );
  const gap = Array(24).fill(500);
  gap[12] = null;
  notFired(evaluate(daytimeSolar, siteFacts({ importByHour: gap })), "insufficient", /daylight/);
});

Deno.test("idleStorage fires for a battery that barely cycles on a time-of-use tariff", () => {
  const meter = meterFacts({
    name: "Battery meter",
    category: "STOR",
    coveredHours: 240,
    throughputKwh: 1000,
  });
  const facts = siteFacts({
    meters: [meter],
    energySources: [
      source({ name: "Battery", sourceType: "battery", meterId: meter.id, storageCapacityKwh: 500 }),
    ],
    gridLinks: [gridLinkFacts()],
  });
  const f = fired(evaluate(idleStorage, facts));
  // 1000 kWh / 2 / 500 kWh / 10 days = 0.1 cycles a day
  const usable = 500 * 0.9;
  const days = 365 * (1 - 0.1);
  close(f.savingsEur, (usable * 0.9 * 0.25 - usable * 0.1) * days, "savings");
  close(f.investmentEur, 5000, "investment");
  close(f.carbonReductionKg, -(usable * 0.1 * days * 300) / 1000, "the losses cost carbon");
  assert.match(
    f.reason,
    /Battery cycled 0\.1 times a day \(240 hours measured\) in the last 30 days, below 0\.3/,
  );
});

Deno.test("idleStorage does not fire for a busy battery, without a meter or without a price spread", () => {
  const meter = meterFacts({ category: "STOR", coveredHours: 240, throughputKwh: 10_000 });
  const battery = source({
    name: "Battery",
    sourceType: "battery",
    meterId: meter.id,
    storageCapacityKwh: 500,
  });
  notFired(
    evaluate(
      idleStorage,
      siteFacts({ meters: [meter], energySources: [battery], gridLinks: [gridLinkFacts()] }),
    ),
    "clear",
    /at least 0\.3 times a day \(Battery 1\)/,
  );
  notFired(
    evaluate(
      idleStorage,
      siteFacts({ meters: [meter], energySources: [battery], gridLinks: [gridLinkFacts({ tariff: FLAT })] }),
    ),
    "insufficient",
    /differ by less than/,
  );
  notFired(evaluate(idleStorage, siteFacts({ energySources: [battery] })), "insufficient", /storage meter/);
  notFired(evaluate(idleStorage, siteFacts()), "clear", /no battery/);
});

Deno.test("gridCapacityPeak fires above 90% of the import capacity and prices the demand charge", () => {
  const facts = siteFacts({
    peakImport: { kw: 950, at: "2026-10-10T12:00:00.000Z" },
    gridLinks: [gridLinkFacts()],
  });
  const f = fired(evaluate(gridCapacityPeak, facts));
  close(f.savingsEur, (950 - 900) * 10 * 12, "50 kW x 10 EUR x 12 months");
  close(f.investmentEur, 10_000, "investment");
  assert.equal(f.carbonReductionKg, 0);
  assert.equal(f.priority, "medium");
  assert.match(f.reason, /950 kW .* above 90% of the 1000 kW import capacity of Feeder/);

  const over = fired(
    evaluate(gridCapacityPeak, { ...facts, peakImport: { kw: 1100, at: facts.peakImport!.at } }),
  );
  assert.equal(over.priority, "high", "above the capacity itself");
  const unpriced = fired(
    evaluate(gridCapacityPeak, { ...facts, gridLinks: [gridLinkFacts({ tariff: FLAT })] }),
  );
  assert.equal(unpriced.savingsEur, null);
  assert.match(unpriced.description, /no demand charge/);
});

Deno.test("gridCapacityPeak does not fire within the limit or without a capacity", () => {
  notFired(
    evaluate(gridCapacityPeak, siteFacts({ peakImport: { kw: 850, at: "x" }, gridLinks: [gridLinkFacts()] })),
    "clear",
    /850 kW, stayed within 90%/,
  );
  notFired(
    evaluate(gridCapacityPeak, siteFacts({ gridLinks: [gridLinkFacts({ importCapacityKw: null })] })),
    "insufficient",
    /import capacity/,
  );
});

Deno.test("peakLoadShift fires per shiftable asset that draws in peak-price hours", () => {
  const park = assetFacts({ name: "Charging park" });
  const bay = assetFacts({ name: "Bay 1", parentId: park.id });
  const facts = siteFacts({
    assets: [park, bay, assetFacts({ name: "Chiller", assetType: "chiller" })],
    gridLinks: [gridLinkFacts()],
  });
  const outcomes = evaluate(peakLoadShift, facts);
  const f = fired(outcomes);
  assert.equal(f.assetId, bay.id, "the measured sub-asset, not its parent; chillers are not shiftable");
  const peakKwhPerDay = 100 * 13; // 07:00-20:00
  close(f.savingsEur, peakKwhPerDay * 0.3 * 365 * (0.25 - 0.1), "savings");
  close(f.investmentEur, 2500, "investment");
  assert.match(f.reason, /Bay 1 drew 1300 kWh a day on average in the peak-price hours \(7:00-20:00\)/);
});

Deno.test("peakLoadShift does not fire for a small asset or one without enough readings", () => {
  const facts = siteFacts({
    assets: [assetFacts({ name: "Small", kw: 1 }), assetFacts({ name: "New", coveredHours: 10 })],
    gridLinks: [gridLinkFacts()],
  });
  const [small, fresh] = evaluate(peakLoadShift, facts);
  assert.equal(small.kind, "clear");
  assert.match((small as { reason: string }).reason, /would save 214 EUR a year, below 500/);
  assert.equal(fresh.kind, "insufficient");
});
