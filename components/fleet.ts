/**
 * Fleet figures several pages show (server only): the VEN network from the VEN actors' live state,
 * or, while no actor has published any, from what PostgreSQL last stored.
 * @module
 */
import type { Services } from "../core/services.ts";
import { networkStats } from "../api/live.ts";
import { venNetworkSummary } from "../stores/postgres/repos/vens.ts";

/** The VEN network now. `live`: from the actors' cache; otherwise as last stored. */
export interface VenFigures {
  vens: number;
  online: number;
  usedPowerKw: number;
  shedPowerKw: number;
  shedCapableKw: number;
  live: boolean;
}

/** The VEN network now, live when the VEN actors publish state. */
export async function venFigures(services: Services, now = Date.now()): Promise<VenFigures> {
  const live = await networkStats(services);
  if (live.vens > 0) {
    const { vens, online, usedPowerKw, shedPowerKw, shedCapableKw } = live;
    return { vens, online, usedPowerKw, shedPowerKw, shedCapableKw, live: true };
  }
  return { ...await venNetworkSummary(services.sql, new Date(now - 3_600_000)), live: false };
}
