/**
 * The seed-004 site dashboard (`dashboard:{siteId}`): totals of the latest power of each meter by
 * category. Pure.
 *
 * - consumption, production, injection, storage: sums over CONS, PROD, INJ and STOR meters, in kW.
 * - storage follows the meters' sign convention, which `domain/live.ts` fixes: positive while the
 *   storage charges (takes power), negative while it discharges.
 * - self-consumption ratio: the share of production used on site, `(production - injection) /
 *   production`, clamped to 0-1 (an export can briefly exceed production when storage discharges to
 *   the grid); null without production.
 *
 * @example
 * ```ts
 * import { siteTotals } from "./actors/site/dashboard.ts";
 * siteTotals([{ category: "PROD", kw: 100, ts: 0 }, { category: "INJ", kw: 25, ts: 0 }]).selfConsumptionRatio; // 0.75
 * ```
 * @module
 */
import type { SiteDashboard } from "../../domain/live.ts";
import type { MeterCategory } from "./config.ts";

/** One meter's latest power. */
export interface MeterPower {
  category: MeterCategory;
  kw: number;
  /** Reading time (epoch ms). */
  ts: number;
}

/** Power in kW from a value in `unit` (W, kW or MW; anything else is taken as kW). */
export function toKw(value: number, unit: string): number {
  switch (unit) {
    case "W":
      return value / 1000;
    case "MW":
      return value * 1000;
    default:
      return value;
  }
}

/** The dashboard of these meters' latest power, or undefined when there is none. */
export function siteTotals(powers: Iterable<MeterPower>): SiteDashboard | undefined {
  const sum: Record<MeterCategory, number> = { CONS: 0, PROD: 0, INJ: 0, STOR: 0 };
  let ts = -Infinity;
  for (const p of powers) {
    sum[p.category] += p.kw;
    if (p.ts > ts) ts = p.ts;
  }
  if (ts === -Infinity) return undefined;
  const ratio = sum.PROD > 0 ? Math.min(1, Math.max(0, (sum.PROD - sum.INJ) / sum.PROD)) : null;
  return {
    consumptionKw: sum.CONS,
    productionKw: sum.PROD,
    injectionKw: sum.INJ,
    storageKw: sum.STOR,
    selfConsumptionRatio: ratio,
    ts: new Date(ts).toISOString(),
  };
}
