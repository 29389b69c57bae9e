/**
 * What a site actor shows outside: the seed-004 dashboard (`dashboard:{siteId}`, exactly
 * `domain/live.ts` `SiteDashboard`, 1-minute TTL) from the latest power of each meter not in a data
 * gap, built once per flush by the host. A site with no such meter writes none (the API then says the
 * site reported nothing in the last minute). The latest values are written per reading (`meters.ts`).
 * @module
 */
import type { SiteDashboard } from "../../domain/live.ts";
import { keys, TTL } from "../../stores/cache/cache.ts";
import { alertKeys } from "./config.ts";
import { type MeterPower, siteTotals } from "./dashboard.ts";
import type { SiteState } from "./state.ts";

/** The latest power of each configured meter that is not in a data gap. */
export function currentPowers(state: SiteState): MeterPower[] {
  const out: MeterPower[] = [];
  for (const [id, meter] of Object.entries(state.meters)) {
    const config = state.config.meters[id];
    if (!config || !meter.power || state.alerts[alertKeys.gap(id)]) continue;
    out.push({ category: config.category, kw: meter.power.kw, ts: meter.power.ts });
  }
  return out;
}

/** The dashboard entry, or undefined without any current power. */
export function live(
  state: SiteState,
): { key: string; value: SiteDashboard; ttlSeconds: number } | undefined {
  const value = siteTotals(currentPowers(state));
  return value && { key: keys.dashboard(state.id), value, ttlSeconds: TTL.dashboard };
}
