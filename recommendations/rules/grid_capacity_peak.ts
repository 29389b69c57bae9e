/**
 * `grid_capacity_peak` (demand_response): the site's highest hourly grid import came above
 * {@linkcode PEAK_TARGET_SHARE} of the import capacity of its grid links (`import_capacity_kw` of the
 * links that import, summed). Shedding or shifting flexible load in those hours keeps it below the limit.
 *
 * `excess kW = peak - PEAK_TARGET_SHARE x capacity`; `savings = excess x demand charge x 12` when the
 * tariff has a demand charge (else not priced: the reason says so); `investment = LOAD_CONTROL_EUR` (load
 * control for the flexible loads); carbon 0 (the energy is shifted, not saved). Priority `high` when the
 * peak is above the capacity itself, else `medium`.
 * @module
 */
import { type Outcome, round2, type Rule } from "../rule.ts";

/** Share of the import capacity the peak should stay below. */
export const PEAK_TARGET_SHARE = 0.9;
/** Cost of load control for the flexible loads that shed or shift, EUR. */
export const LOAD_CONTROL_EUR = 10_000;

/** The rule. */
export const gridCapacityPeak: Rule = {
  name: "grid_capacity_peak",
  version: 1,
  type: "demand_response",
  constants: { PEAK_TARGET_SHARE, LOAD_CONTROL_EUR },
  evaluate(facts, prices): Outcome[] {
    const links = facts.gridLinks.filter((l) => l.direction !== "out" && (l.importCapacityKw ?? 0) > 0);
    if (links.length === 0) {
      return [{
        kind: "insufficient",
        assetId: null,
        reason: "No grid link of the site has an import capacity",
      }];
    }
    if (!facts.peakImport) {
      return [{ kind: "insufficient", assetId: null, reason: "No grid import measured" }];
    }
    const capacityKw = links.reduce((n, l) => n + l.importCapacityKw!, 0);
    const limitKw = capacityKw * PEAK_TARGET_SHARE;
    const peak = facts.peakImport;
    if (peak.kw <= limitKw) {
      return [{
        kind: "clear",
        assetId: null,
        reason:
          `The highest hourly import, ${round2(peak.kw)} kW, stayed within ${PEAK_TARGET_SHARE * 100}% of ` +
          `the ${capacityKw} kW import capacity`,
      }];
    }
    const excessKw = peak.kw - limitKw;
    const charge = prices.demandChargeEurPerKwMonth;
    return [{
      kind: "fires",
      finding: {
        assetId: null,
        title: `Keep grid import below ${Math.round(limitKw)} kW at peak times`,
        description:
          `Shed or shift about ${Math.ceil(excessKw)} kW of flexible load (EV charging, cooling, ` +
          `compressed air) in the hours the import comes near the grid links' limit.` +
          (charge === null ? " The tariff has no demand charge, so the saving is not priced." : ""),
        reason: `Grid import reached ${round2(peak.kw)} kW in the hour from ${peak.at}, above ${
          PEAK_TARGET_SHARE * 100
        }% of the ${capacityKw} kW import capacity of ${links.map((l) => l.name).join(", ")}`,
        priority: peak.kw > capacityKw ? "high" : "medium",
        savingsEur: charge === null ? null : excessKw * charge * 12,
        investmentEur: LOAD_CONTROL_EUR,
        carbonReductionKg: 0,
        inputs: {
          peakKw: round2(peak.kw),
          peakAt: peak.at,
          importCapacityKw: capacityKw,
          excessKw: round2(excessKw),
          demandChargeEurPerKwMonth: charge,
        },
      },
    }];
  },
};
