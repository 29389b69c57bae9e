/**
 * `low_power_factor` (efficiency): a consumption meter whose mean power factor is below
 * {@linkcode POWER_FACTOR_THRESHOLD} draws more current than its load needs, and the extra current heats
 * cables and transformers. A capacitor bank sized to lift the meter's peak to
 * {@linkcode POWER_FACTOR_TARGET} removes most of it.
 *
 * Per meter that fires: losses scale with the current squared, so with `pf` the mean power factor,
 * `saved kWh/yr = avg kW x 8760 x LINE_LOSS_SHARE x (1 - (pf / target)^2)`;
 * `kvar = peak kW x (tan(acos(pf)) - tan(acos(target)))`, `investment = kvar x CAPACITOR_EUR_PER_KVAR`;
 * savings at the site's mean import price (weighted by its import profile), carbon at its grid intensity.
 * The site gets one recommendation summing its meters that fire.
 * @module
 */
import { meanPrice } from "../prices.ts";
import { HOURS_PER_YEAR, measuredOver, type Outcome, round2, type Rule } from "../rule.ts";

/** Mean power factor below which a meter fires. */
export const POWER_FACTOR_THRESHOLD = 0.9;
/** Power factor the correction aims at. */
export const POWER_FACTOR_TARGET = 0.95;
/** Share of a meter's energy lost in on-site cables and transformers at its measured power factor. */
export const LINE_LOSS_SHARE = 0.02;
/** Installed cost of power factor correction, EUR per kvar. */
export const CAPACITOR_EUR_PER_KVAR = 35;
/** Power factor readings a meter needs before it is judged. */
export const MIN_POWER_FACTOR_READINGS = 24;

/** The rule. */
export const lowPowerFactor: Rule = {
  name: "low_power_factor",
  version: 1,
  type: "efficiency",
  constants: {
    POWER_FACTOR_THRESHOLD,
    POWER_FACTOR_TARGET,
    LINE_LOSS_SHARE,
    CAPACITOR_EUR_PER_KVAR,
    MIN_POWER_FACTOR_READINGS,
  },
  evaluate(facts, prices): Outcome[] {
    const judged = facts.meters.filter((m) =>
      m.category === "CONS" && m.avgKw !== null && m.peakKw !== null &&
      (m.powerFactor?.readings ?? 0) >= MIN_POWER_FACTOR_READINGS
    );
    if (judged.length === 0) {
      return [{
        kind: "insufficient",
        assetId: null,
        reason:
          `No consumption meter has ${MIN_POWER_FACTOR_READINGS} power factor readings with power in the window`,
      }];
    }
    const low = judged.filter((m) => m.powerFactor!.avg < POWER_FACTOR_THRESHOLD);
    if (low.length === 0) {
      return [{
        kind: "clear",
        assetId: null,
        reason: `Every measured power factor is at least ${POWER_FACTOR_THRESHOLD} (${
          judged.map((m) => `${m.name} ${round2(m.powerFactor!.avg)}`).join(", ")
        })`,
      }];
    }
    const price = meanPrice(prices, undefined, facts.importByHour);
    const tanTarget = Math.tan(Math.acos(POWER_FACTOR_TARGET));
    let savedKwh = 0;
    let kvar = 0;
    const meters = low.map((m) => {
      const pf = m.powerFactor!.avg;
      const meterSavedKwh = m.avgKw! * HOURS_PER_YEAR * LINE_LOSS_SHARE *
        (1 - (pf / POWER_FACTOR_TARGET) ** 2);
      const meterKvar = m.peakKw! * (Math.tan(Math.acos(pf)) - tanTarget);
      savedKwh += meterSavedKwh;
      kvar += meterKvar;
      return {
        meterId: m.id,
        name: m.name,
        powerFactor: round2(pf),
        readings: m.powerFactor!.readings,
        avgKw: round2(m.avgKw!),
        peakKw: round2(m.peakKw!),
        savedKwhPerYear: round2(meterSavedKwh),
        kvar: round2(meterKvar),
      };
    });
    return [{
      kind: "fires",
      finding: {
        assetId: null,
        title: `Correct the power factor of ${
          meters.map((m) => m.name).join(", ")
        } to ${POWER_FACTOR_TARGET}`,
        description: `Install about ${Math.ceil(kvar)} kvar of power factor correction (capacitor banks). ` +
          `Less reactive current means lower losses in cables and transformers, and headroom on the connection.`,
        reason: `Power factor averaged ${meters.map((m) => `${m.powerFactor} on ${m.name}`).join(", ")} ${
          measuredOver(facts)
        }, below ${POWER_FACTOR_THRESHOLD}`,
        savingsEur: savedKwh * price,
        investmentEur: kvar * CAPACITOR_EUR_PER_KVAR,
        carbonReductionKg: (savedKwh * prices.gridCarbonGPerKwh) / 1000,
        inputs: { meters, savedKwhPerYear: round2(savedKwh), kvar: round2(kvar), eurPerKwh: price },
      },
    }];
  },
};
