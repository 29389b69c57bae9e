/**
 * `idle_storage` (storage): a battery that cycles less than {@linkcode IDLE_CYCLES_PER_DAY} full cycles a
 * day on a time-of-use tariff could charge in the cheapest hours and discharge in the dearest every day.
 *
 * A battery's cycles come from its storage meter (the energy source's `meter_id`):
 * `cycles/day = throughput kWh / 2 / capacity kWh / covered days`. Per idle battery,
 * `E = capacity x USABLE_DEPTH` charged once a day at the off-peak price and discharged as
 * `E x ROUND_TRIP_EFFICIENCY` at the peak price, for the share of days it does not cycle yet:
 * `savings = (E x RTE x peak - E x off-peak) x 365 x (1 - cycles/day)`;
 * `investment = EMS_INTEGRATION_EUR` per battery (scheduling in its energy management system);
 * `carbon = -E x (1 - RTE) x 365 x (1 - cycles/day) x grid intensity` (the losses are imported: one
 * intensity for every hour cannot show a gain from shifting).
 * @module
 */
import { priceSpread } from "../prices.ts";
import { type Outcome, round2, type Rule } from "../rule.ts";

/** Full cycles a day below which a battery is idle. */
export const IDLE_CYCLES_PER_DAY = 0.3;
/** Share of the capacity used per cycle. */
export const USABLE_DEPTH = 0.9;
/** Energy out per energy in. */
export const ROUND_TRIP_EFFICIENCY = 0.9;
/** Cost of scheduling one battery in the site's energy management system, EUR. */
export const EMS_INTEGRATION_EUR = 5_000;
/** Least peak minus off-peak price (EUR/kWh) that pays for a cycle. */
export const MIN_PRICE_SPREAD_EUR_PER_KWH = 0.03;
/** Hours of storage meter data a battery needs before it is judged. */
export const MIN_STORAGE_HOURS = 24;

/** The rule. */
export const idleStorage: Rule = {
  name: "idle_storage",
  version: 1,
  type: "storage",
  constants: {
    IDLE_CYCLES_PER_DAY,
    USABLE_DEPTH,
    ROUND_TRIP_EFFICIENCY,
    EMS_INTEGRATION_EUR,
    MIN_PRICE_SPREAD_EUR_PER_KWH,
    MIN_STORAGE_HOURS,
  },
  evaluate(facts, prices): Outcome[] {
    const batteries = facts.energySources.filter((s) =>
      s.sourceType === "battery" && (s.storageCapacityKwh ?? 0) > 0
    );
    if (batteries.length === 0) return [{ kind: "clear", assetId: null, reason: "The site has no battery" }];
    const measured = batteries.flatMap((b) => {
      const meter = facts.meters.find((m) => m.id === b.meterId && m.category === "STOR");
      return meter && meter.coveredHours >= MIN_STORAGE_HOURS ? [{ battery: b, meter }] : [];
    });
    if (measured.length === 0) {
      return [{
        kind: "insufficient",
        assetId: null,
        reason: `No battery has ${MIN_STORAGE_HOURS} hours of readings on a storage meter`,
      }];
    }
    const { peak, offPeak } = priceSpread(prices);
    if (peak - offPeak < MIN_PRICE_SPREAD_EUR_PER_KWH) {
      return [{
        kind: "insufficient",
        assetId: null,
        reason:
          `The tariff's peak and off-peak prices differ by less than ${MIN_PRICE_SPREAD_EUR_PER_KWH} EUR/kWh`,
      }];
    }
    const cycles = measured.map(({ battery, meter }) => ({
      battery,
      meter,
      cyclesPerDay: meter.throughputKwh / 2 / battery.storageCapacityKwh! / (meter.coveredHours / 24),
    }));
    const idle = cycles.filter((c) => c.cyclesPerDay < IDLE_CYCLES_PER_DAY);
    if (idle.length === 0) {
      return [{
        kind: "clear",
        assetId: null,
        reason: `Every battery cycles at least ${IDLE_CYCLES_PER_DAY} times a day (${
          cycles.map((c) => `${c.battery.name} ${round2(c.cyclesPerDay)}`).join(", ")
        })`,
      }];
    }
    let savings = 0;
    let lossKwh = 0;
    for (const c of idle) {
      const usable = c.battery.storageCapacityKwh! * USABLE_DEPTH;
      const days = 365 * (1 - c.cyclesPerDay);
      savings += (usable * ROUND_TRIP_EFFICIENCY * peak - usable * offPeak) * days;
      lossKwh += usable * (1 - ROUND_TRIP_EFFICIENCY) * days;
    }
    const idleBatteries = idle.map((c) => ({
      energySourceId: c.battery.id,
      name: c.battery.name,
      capacityKwh: c.battery.storageCapacityKwh,
      throughputKwh: round2(c.meter.throughputKwh),
      coveredHours: c.meter.coveredHours,
      cyclesPerDay: round2(c.cyclesPerDay),
    }));
    return [{
      kind: "fires",
      finding: {
        assetId: null,
        title: `Cycle ${idleBatteries.map((b) => b.name).join(", ")} daily against the time-of-use tariff`,
        description:
          `Charge in the cheapest hours (${offPeak} EUR/kWh) and discharge in the dearest (${peak} ` +
          `EUR/kWh) every day, scheduled by the energy management system.`,
        reason: `${
          idleBatteries.map((b) =>
            `${b.name} cycled ${b.cyclesPerDay} times a day (${b.coveredHours} hours measured)`
          )
            .join(", ")
        } in the last ${facts.window.days} days, below ${IDLE_CYCLES_PER_DAY}`,
        savingsEur: savings,
        investmentEur: idle.length * EMS_INTEGRATION_EUR,
        carbonReductionKg: -(lossKwh * prices.gridCarbonGPerKwh) / 1000,
        inputs: {
          batteries: idleBatteries,
          peakEurPerKwh: peak,
          offPeakEurPerKwh: offPeak,
          lossKwhPerYear: round2(lossKwh),
        },
      },
    }];
  },
};
