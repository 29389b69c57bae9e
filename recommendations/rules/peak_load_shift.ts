/**
 * `peak_load_shift` (tariff): an asset whose load can wait (EV chargers, refrigeration, pumps) and that
 * draws power in the dearest hours of a time-of-use tariff can move part of that energy to the cheapest.
 * One recommendation per such asset; an asset with measured sub-assets is left to them.
 *
 * From the asset's measured power by local hour: `peak kWh/day = sum of its mean kW over the peak-price
 * hours`; `savings = peak kWh/day x SHIFTABLE_SHARE x 365 x (peak - off-peak price)`;
 * `investment = SMART_CONTROL_EUR`; carbon 0 (the energy is shifted, not saved). Fires from
 * {@linkcode MIN_SAVINGS_EUR_PER_YEAR}.
 * @module
 */
import { priceSpread } from "../prices.ts";
import { measuredOver, type Outcome, round2, type Rule } from "../rule.ts";

/** Asset types whose load can be moved by hours. */
export const SHIFTABLE_ASSET_TYPES = ["ev_charger", "refrigeration", "pump"];
/** Share of an asset's peak-hour energy that can move to off-peak hours. */
export const SHIFTABLE_SHARE = 0.3;
/** Cost of scheduling one asset (smart charging, controller), EUR. */
export const SMART_CONTROL_EUR = 2_500;
/** Least yearly saving worth recommending, EUR. */
export const MIN_SAVINGS_EUR_PER_YEAR = 500;
/** Hours of power readings an asset needs before it is judged. */
export const MIN_ASSET_HOURS = 24;

/** The rule. */
export const peakLoadShift: Rule = {
  name: "peak_load_shift",
  version: 1,
  type: "tariff",
  constants: {
    SHIFTABLE_ASSET_TYPES,
    SHIFTABLE_SHARE,
    SMART_CONTROL_EUR,
    MIN_SAVINGS_EUR_PER_YEAR,
    MIN_ASSET_HOURS,
  },
  evaluate(facts, prices): Outcome[] {
    const parents = new Set(facts.assets.filter((a) => a.coveredHours > 0).map((a) => a.parentId));
    const assets = facts.assets.filter((a) =>
      SHIFTABLE_ASSET_TYPES.includes(a.assetType) && !parents.has(a.id)
    );
    const { peak, offPeak, peakHours } = priceSpread(prices);
    return assets.map((asset): Outcome => {
      const peakKw = peakHours.map((h) => asset.kwByHour[h]);
      if (asset.coveredHours < MIN_ASSET_HOURS || peakKw.some((kw) => kw === null)) {
        return {
          kind: "insufficient",
          assetId: asset.id,
          reason:
            `${asset.name} has ${asset.coveredHours} hours of power readings (${MIN_ASSET_HOURS} needed, ` +
            `covering every peak-price hour)`,
        };
      }
      const peakKwhPerDay = peakKw.reduce((n, kw) => n! + kw!, 0)!;
      const shiftKwhPerDay = peakKwhPerDay * SHIFTABLE_SHARE;
      const savings = shiftKwhPerDay * 365 * (peak - offPeak);
      if (savings < MIN_SAVINGS_EUR_PER_YEAR) {
        return {
          kind: "clear",
          assetId: asset.id,
          reason:
            `Moving ${SHIFTABLE_SHARE * 100}% of ${asset.name}'s ${round2(peakKwhPerDay)} kWh a day in ` +
            `peak-price hours would save ${
              Math.round(savings)
            } EUR a year, below ${MIN_SAVINGS_EUR_PER_YEAR}`,
        };
      }
      return {
        kind: "fires",
        finding: {
          assetId: asset.id,
          title: `Schedule ${asset.name} outside the peak-price hours`,
          description:
            `Move about ${Math.round(shiftKwhPerDay)} kWh a day of ${asset.name}'s load from the ` +
            `peak-price hours (${peak} EUR/kWh) to the cheapest (${offPeak} EUR/kWh).`,
          reason:
            `${asset.name} drew ${round2(peakKwhPerDay)} kWh a day on average in the peak-price hours ` +
            `(${peakHours[0]}:00-${peakHours.at(-1)! + 1}:00) ${measuredOver(facts, asset.coveredHours)}`,
          savingsEur: savings,
          investmentEur: SMART_CONTROL_EUR,
          carbonReductionKg: 0,
          inputs: {
            coveredHours: asset.coveredHours,
            peakKwhPerDay: round2(peakKwhPerDay),
            shiftKwhPerDay: round2(shiftKwhPerDay),
            peakHours,
            peakEurPerKwh: peak,
            offPeakEurPerKwh: offPeak,
          },
        },
      };
    });
  },
};
