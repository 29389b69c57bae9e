/**
 * The live state the actors write to the cache and the API reads back: the value shapes behind the
 * seed-004 key patterns (`stores/cache/cache.ts` `keys`) and the change events on `CHANGES_CHANNEL`.
 * Actors write exactly these shapes; the API parses them leniently (unknown fields are ignored, a
 * malformed entry is skipped and logged), so adding a field never breaks a reader.
 *
 * | key                                | value                         | TTL                 |
 * | ---------------------------------- | ----------------------------- | ------------------- |
 * | `actor:ven:{venId}`                | {@linkcode VenLiveState}      | none (actor-owned)  |
 * | `dashboard:{siteId}`               | {@linkcode SiteDashboard}     | `TTL.dashboard` 60s |
 * | `latest:{siteId}:{entityId}:{metric}` | {@linkcode LatestValue}    | `TTL.latest` 300s   |
 *
 * Timestamps are ISO 8601 strings in UTC (`new Date(ms).toISOString()`).
 *
 * @example
 * ```ts
 * import { keys } from "./stores/cache/cache.ts";
 * import { sensorType, type VenLiveState } from "./domain/live.ts";
 * const state: VenLiveState = {
 *   status: "online", usedPowerKw: 12.5, shedPowerKw: 0, lastSeen: new Date().toISOString(),
 *   loads: [{ loadId: "hvac-1", type: "hvac", usedKw: 12.5, shedCapableKw: 4 }], activeEvents: [],
 * };
 * const key = keys.actor("ven", "0b6f6c1e-4d58-4a57-9d4e-3f1b7a0e2c11");
 * const latestKey = keys.latest("site-id", sensorType("meter-id", "power"));
 * ```
 * @module
 */
import { z } from "zod";
import { DateTime, Uuid } from "./common.ts";
import { METER_CATEGORIES, QUALITIES } from "./hierarchy.ts";

/** One load of a VEN as last reported. */
export const VenLoadLive = z.object({
  loadId: z.string(),
  type: z.string(),
  usedKw: z.number(),
  shedCapableKw: z.number(),
  capacityKw: z.number().nullable().optional(),
}).meta({ id: "VenLoadLive" });
export type VenLoadLive = z.output<typeof VenLoadLive>;

/** `actor:ven:{venId}`: what the VEN actor knows now. */
export const VenLiveState = z.object({
  status: z.enum(["online", "offline", "unknown"]),
  usedPowerKw: z.number(),
  shedPowerKw: z.number(),
  loads: z.array(VenLoadLive),
  /** When the VEN last sent anything; null before its first message. */
  lastSeen: DateTime.nullable(),
  /** Ids of the ADR events the VEN is taking part in now. */
  activeEvents: z.array(Uuid),
}).meta({ id: "VenLiveState" });
export type VenLiveState = z.output<typeof VenLiveState>;

/** `dashboard:{siteId}`: site totals over the last minute, written by the site actor. */
export const SiteDashboard = z.object({
  consumptionKw: z.number().describe("Sum of CONS meters"),
  productionKw: z.number().describe("Sum of PROD meters"),
  injectionKw: z.number().describe("Sum of INJ meters (export to the grid)"),
  storageKw: z.number().describe("Sum of STOR meters; positive when charging"),
  /** Share of production consumed on site, 0-1; null without production. */
  selfConsumptionRatio: z.number().min(0).max(1).nullable(),
  ts: DateTime,
}).meta({ id: "SiteDashboard" });
export type SiteDashboard = z.output<typeof SiteDashboard>;

/** The `{sensorType}` part of a `latest:` key: one metric of one meter, asset or energy source. */
export function sensorType(entityId: string, metric: string): string {
  return `${entityId}:${metric}`;
}

/** What a site's measurements are about (`measurements.entity_type`). */
export const MEASURED_ENTITY_TYPES = ["meter", "asset", "energy_source"] as const;

/**
 * `latest:{siteId}:{entityId}:{metric}`: the latest value of one sensor of a site: a meter's, an
 * asset's or an energy source's. Entries written before assets and energy sources reported have no
 * `entityType`/`entityId` (the API fills them from `meterId`).
 */
export const LatestValue = z.object({
  entityType: z.enum(MEASURED_ENTITY_TYPES).default("meter"),
  /** The meter, asset or energy source. */
  entityId: Uuid,
  /** Meters only: the meter (= `entityId`). */
  meterId: Uuid.optional(),
  /** Meters only. */
  category: z.enum(METER_CATEGORIES).optional(),
  /** Assets: `asset_type`; energy sources: `source_type`. */
  equipmentType: z.string().optional(),
  metric: z.string(),
  value: z.number(),
  unit: z.string(),
  quality: z.enum(QUALITIES),
  ts: DateTime,
}).meta({ id: "LatestValue" });
export type LatestValue = z.output<typeof LatestValue>;

/** Kinds of change event. */
export const CHANGE_KINDS = ["plant", "ven", "site", "alert"] as const;

/**
 * A message on `CHANGES_CHANNEL`: an actor's state changed, or an alert was opened or changed.
 * For `kind: "alert"`, `id` is the alert's id and `entityKind`/`entityId` name what it is about.
 */
export const ChangeEvent = z.looseObject({
  kind: z.enum(CHANGE_KINDS),
  id: z.string(),
  /** e.g. `state`, `status`, `alert.opened`, `alert.acknowledged`, `alert.resolved`. */
  type: z.string(),
  ts: DateTime,
  entityKind: z.enum(["plant", "ven", "site", "meter", "asset", "energy_source"]).optional(),
  entityId: z.string().optional(),
  data: z.unknown().optional(),
}).meta({ id: "ChangeEvent" });
export type ChangeEvent = z.output<typeof ChangeEvent>;

/** `/api/stats/network`: the VEN network now, computed from the VEN actors' cached state. */
export const NetworkStats = z.object({
  vens: z.number().int(),
  online: z.number().int(),
  offline: z.number().int(),
  unknown: z.number().int(),
  usedPowerKw: z.number(),
  shedPowerKw: z.number(),
  shedCapableKw: z.number(),
  loads: z.number().int(),
  activeEvents: z.number().int().describe("Distinct ADR events in progress"),
  ts: DateTime,
}).meta({ id: "NetworkStats" });
export type NetworkStats = z.output<typeof NetworkStats>;

/** One load type in `/api/stats/loads`. */
export const LoadTypeStats = z.object({
  loadType: z.string(),
  loads: z.number().int(),
  usedKw: z.number(),
  shedCapableKw: z.number(),
  capacityKw: z.number(),
}).meta({ id: "LoadTypeStats" });

/** `/api/stats/loads`: loads by type, from the VEN actors' cached state. */
export const LoadStats = z.object({ items: z.array(LoadTypeStats), ts: DateTime }).meta({ id: "LoadStats" });
