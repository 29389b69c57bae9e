/**
 * Live state, read from the actor state cache only (never PostgreSQL): VEN states, the network and
 * load statistics computed from them, and the site dashboards and latest values of seed 004. Values
 * are parsed leniently with the `domain/live.ts` schemas; an entry that does not parse is skipped and
 * logged rather than failing the request.
 * @module
 */
import type { z } from "zod";
import type { Services } from "../core/services.ts";
import {
  LatestValue,
  type LoadStats,
  type LoadTypeStats,
  type NetworkStats,
  SiteDashboard,
  VenLiveState,
} from "../domain/live.ts";
import { keys } from "../stores/cache/cache.ts";

/** Most VEN states one statistics computation reads. */
export const MAX_VENS = 100_000;
/** Most sensors of one site `latest` returns. */
export const MAX_SENSORS = 5_000;
/** How long computed statistics are reused, in seconds: they cost a scan of every VEN state. */
export const STATS_TTL_S = 2;

function parseAll<S extends z.ZodType>(
  services: Services,
  schema: S,
  entries: [string, unknown][],
): [string, z.output<S>][] {
  const out: [string, z.output<S>][] = [];
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) out.push([key, parsed.data]);
    else {services.log.warn("cache entry does not match its schema; skipped", {
        key,
        error: parsed.error.message,
      });}
  }
  return out;
}

/** The live state of each VEN in `ids` that has one. */
export async function venStates(services: Services, ids: string[]): Promise<Map<string, VenLiveState>> {
  if (ids.length === 0) return new Map();
  const values = await services.cache.getMany(ids.map((id) => keys.actor("ven", id)));
  return new Map(parseAll(services, VenLiveState, ids.map((id, i) => [id, values[i]])));
}

/** Every VEN state in the cache, by VEN id. */
export async function allVenStates(services: Services): Promise<[string, VenLiveState][]> {
  const prefix = keys.actor("ven", "");
  const found = await services.cache.keys(prefix, MAX_VENS);
  const values = await services.cache.getMany(found);
  return parseAll(services, VenLiveState, found.map((key, i) => [key.slice(prefix.length), values[i]]));
}

const inflight = new WeakMap<Services, Map<string, Promise<unknown>>>();

/**
 * Reuses a computed value for {@linkcode STATS_TTL_S} through the cache's `api:` keys; concurrent misses
 * in this process share one computation rather than each scanning every VEN state.
 */
async function memo<T>(services: Services, name: string, compute: () => Promise<T>): Promise<T> {
  const key = keys.api(name);
  const hit = await services.cache.get<T>(key);
  if (hit !== undefined) return hit;
  let running = inflight.get(services);
  if (!running) inflight.set(services, running = new Map());
  const pending = running.get(key);
  if (pending) return pending as Promise<T>;
  const computed = (async () => {
    const value = await compute();
    await services.cache.set(key, value, { ttlSeconds: STATS_TTL_S });
    return value;
  })().finally(() => running.delete(key));
  running.set(key, computed);
  return computed;
}

/** The VEN network now: counts by status and power totals. */
export function networkStats(services: Services): Promise<NetworkStats> {
  return memo(services, "stats:network", async () => {
    const stats: NetworkStats = {
      vens: 0,
      online: 0,
      offline: 0,
      unknown: 0,
      usedPowerKw: 0,
      shedPowerKw: 0,
      shedCapableKw: 0,
      loads: 0,
      activeEvents: 0,
      ts: new Date().toISOString(),
    };
    const events = new Set<string>();
    for (const [, state] of await allVenStates(services)) {
      stats.vens++;
      stats[state.status]++;
      stats.usedPowerKw += state.usedPowerKw;
      stats.shedPowerKw += state.shedPowerKw;
      stats.loads += state.loads.length;
      for (const load of state.loads) stats.shedCapableKw += load.shedCapableKw;
      for (const id of state.activeEvents) events.add(id);
    }
    stats.activeEvents = events.size;
    return stats;
  });
}

/** Load statistics by load type. */
export function loadStats(services: Services): Promise<z.output<typeof LoadStats>> {
  return memo(services, "stats:loads", async () => {
    const byType = new Map<string, z.output<typeof LoadTypeStats>>();
    for (const [, state] of await allVenStates(services)) {
      for (const load of state.loads) {
        const entry = byType.get(load.type) ??
          { loadType: load.type, loads: 0, usedKw: 0, shedCapableKw: 0, capacityKw: 0 };
        entry.loads++;
        entry.usedKw += load.usedKw;
        entry.shedCapableKw += load.shedCapableKw;
        entry.capacityKw += load.capacityKw ?? 0;
        byType.set(load.type, entry);
      }
    }
    const items = [...byType.values()].sort((a, b) =>
      b.usedKw - a.usedKw || a.loadType.localeCompare(b.loadType)
    );
    return { items, ts: new Date().toISOString() };
  });
}

/** A site's dashboard (1-minute cache), if the site actor wrote one in the last minute. */
export async function siteDashboard(services: Services, siteId: string): Promise<SiteDashboard | undefined> {
  const value = await services.cache.get(keys.dashboard(siteId));
  return parseAll(services, SiteDashboard, [[keys.dashboard(siteId), value]])[0]?.[1];
}

/**
 * The latest value of each of a site's sensors (5-minute cache): its meters', assets' and energy
 * sources', by entity type, entity and metric.
 */
export async function siteLatest(services: Services, siteId: string): Promise<LatestValue[]> {
  const found = await services.cache.keys(keys.latest(siteId, ""), MAX_SENSORS);
  const values = await services.cache.getMany(found);
  return parseAll(services, LatestValue, found.map((key, i) => [key, withEntityId(values[i])]))
    .map(([, v]) => v)
    .sort((a, b) =>
      ENTITY_ORDER[a.entityType] - ENTITY_ORDER[b.entityType] || a.entityId.localeCompare(b.entityId) ||
      a.metric.localeCompare(b.metric)
    );
}

const ENTITY_ORDER: Record<LatestValue["entityType"], number> = { meter: 0, asset: 1, energy_source: 2 };

/** An entry written before assets and energy sources reported names only its meter. */
function withEntityId(value: unknown): unknown {
  if (value === null || typeof value !== "object" || "entityId" in value || !("meterId" in value)) {
    return value;
  }
  return { ...value, entityId: value.meterId };
}
