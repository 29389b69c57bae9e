/**
 * `daytime_solar` (renewable): a site without solar that imports a lot from the grid in daylight hours
 * (local {@linkcode DAYLIGHT_HOURS}) could make that energy on its roof and use all of it itself.
 *
 * `kWp = daylight import kW / PV_OUTPUT_PER_KWP_AT_MIDDAY`: sized so that the array's midday output stays
 * below what the site imports then, so every kWh it makes replaces an imported one. Where the site's
 * metadata has `roofAreaM2`, the array is at most `roofAreaM2 x PV_KWP_PER_M2`.
 * `yield kWh/yr = kWp x PV_YIELD_KWH_PER_KWP`, `savings = yield x mean daylight price`,
 * `investment = kWp x PV_EUR_PER_KWP`, `carbon = yield x (grid intensity - PV_LIFECYCLE_G_PER_KWH)`.
 * @module
 */
import { meanPrice } from "../prices.ts";
import { measuredOver, type Outcome, round2, type Rule } from "../rule.ts";

/** Local hours of day (their start) counted as daylight. */
export const DAYLIGHT_HOURS = [10, 11, 12, 13, 14, 15];
/** Mean daylight grid import (kW) from which the rule fires. */
export const MIN_DAYLIGHT_IMPORT_KW = 50;
/** Output of one kWp at midday, kW, averaged over the year (central Europe). */
export const PV_OUTPUT_PER_KWP_AT_MIDDAY = 0.6;
/** Yearly yield per kWp, kWh (central Europe). */
export const PV_YIELD_KWH_PER_KWP = 1_000;
/** Installed cost of rooftop PV, EUR per kWp. */
export const PV_EUR_PER_KWP = 900;
/** kWp per m² of roof. */
export const PV_KWP_PER_M2 = 0.18;
/** Life-cycle emissions of PV, gCO2e per kWh (IPCC median, rooftop). */
export const PV_LIFECYCLE_G_PER_KWH = 41;

/** The rule. */
export const daytimeSolar: Rule = {
  name: "daytime_solar",
  version: 1,
  type: "renewable",
  constants: {
    DAYLIGHT_HOURS,
    MIN_DAYLIGHT_IMPORT_KW,
    PV_OUTPUT_PER_KWP_AT_MIDDAY,
    PV_YIELD_KWH_PER_KWP,
    PV_EUR_PER_KWP,
    PV_KWP_PER_M2,
    PV_LIFECYCLE_G_PER_KWH,
  },
  evaluate(facts, prices): Outcome[] {
    const solar = facts.energySources.filter((s) => s.sourceType === "solar");
    if (solar.length > 0) {
      return [{
        kind: "clear",
        assetId: null,
        reason: `The site has solar already (${solar.map((s) => `${s.name} ${s.capacityKw} kW`).join(", ")})`,
      }];
    }
    const daylight = DAYLIGHT_HOURS.map((h) => facts.importByHour[h]);
    if (daylight.some((kw) => kw === null)) {
      return [{
        kind: "insufficient",
        assetId: null,
        reason: "No grid import measured at some daylight hours",
      }];
    }
    const importKw = daylight.reduce((n, kw) => n! + kw!, 0)! / daylight.length;
    if (importKw < MIN_DAYLIGHT_IMPORT_KW) {
      return [{
        kind: "clear",
        assetId: null,
        reason: `Daylight grid import averaged ${round2(importKw)} kW, below ${MIN_DAYLIGHT_IMPORT_KW} kW`,
      }];
    }
    const roof = facts.site.metadata.roofAreaM2;
    const roofAreaM2 = typeof roof === "number" && roof > 0 ? roof : null;
    const byImport = importKw / PV_OUTPUT_PER_KWP_AT_MIDDAY;
    const kwp = roofAreaM2 === null ? byImport : Math.min(byImport, roofAreaM2 * PV_KWP_PER_M2);
    const yieldKwh = kwp * PV_YIELD_KWH_PER_KWP;
    const price = meanPrice(prices, DAYLIGHT_HOURS);
    return [{
      kind: "fires",
      finding: {
        assetId: null,
        title: `Install about ${Math.round(kwp)} kWp of rooftop solar`,
        description: `Sized so that its midday output stays below what the site imports then: every kWh it ` +
          `makes replaces an imported one${
            roofAreaM2 === null ? "" : `, and it fits on ${roofAreaM2} m² of roof`
          }.`,
        reason: `The site has no solar and imported ${round2(importKw)} kW on average between ${
          DAYLIGHT_HOURS[0]
        }:00 and ${DAYLIGHT_HOURS.at(-1)! + 1}:00 ${measuredOver(facts)}`,
        savingsEur: yieldKwh * price,
        investmentEur: kwp * PV_EUR_PER_KWP,
        carbonReductionKg: (yieldKwh * (prices.gridCarbonGPerKwh - PV_LIFECYCLE_G_PER_KWH)) / 1000,
        inputs: {
          daylightImportKw: round2(importKw),
          roofAreaM2,
          kwp: round2(kwp),
          yieldKwhPerYear: round2(yieldKwh),
          daylightEurPerKwh: price,
        },
      },
    }];
  },
};
