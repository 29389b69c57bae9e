/**
 * One measurement of an asset or energy source of the site (`gridpulse/sites/{siteId}/assets/{assetId}`,
 * `.../energy-sources/{sourceId}`): the `measurements` row (`entity_type` asset or energy_source), the
 * seed-004 latest value in the cache (`latest:{siteId}:{entityId}:{metric}`) and a `reading` change
 * event (at most one per second per entity). One that is not an active asset or energy source of the
 * site is refused with that reason.
 *
 * Deliberately no baseline, detectors, gap deadline or rollups: assets and energy sources have no
 * reading frequency to judge silence by, and `alerts.entity_kind`, `alert_rules.entity_kind` and
 * `rollups.series` know no such entity; their power also stays out of the site dashboard, which totals
 * meters by category (an asset or source sits behind a meter, so counting both would count it twice).
 * The stored measurements are queryable (`/api/measurements?entity_type=asset|energy_source`).
 * @module
 */
import { sensorType } from "../../domain/live.ts";
import type { EquipmentType } from "../../domain/telemetry.ts";
import { keys, TTL } from "../../stores/cache/cache.ts";
import type { ActorContext, Effect, Step } from "../kind.ts";
import type { EquipmentConfig, SiteConfig } from "./config.ts";
import type { EquipmentMeasurement } from "./decode.ts";
import {
  DEFAULT_UNITS,
  type EquipmentState,
  MEASUREMENTS_SINK,
  READING_EVENT_INTERVAL_MS,
  type SiteState,
} from "./state.ts";

const LABEL: Record<EquipmentType, string> = { asset: "asset", energy_source: "energy source" };

/** The site's configuration of an asset or energy source, if it is an active one of the site. */
export function equipmentOf(
  config: SiteConfig,
  type: EquipmentType,
  id: string,
): EquipmentConfig | undefined {
  return type === "asset" ? config.assets[id] : config.energySources[id];
}

/** One measurement of one of the site's assets or energy sources; one that is not the site's is refused. */
export function onEquipmentMeasurement(
  state: SiteState,
  m: EquipmentMeasurement,
  ctx: ActorContext,
): Step<SiteState> {
  const equipment = equipmentOf(state.config, m.entityType, m.entityId);
  if (!equipment) {
    const what = LABEL[m.entityType];
    return {
      state,
      effects: [{
        type: "reject",
        reason: `${what} ${m.entityId} is not an active ${what} of site ${state.id}`,
      }],
    };
  }
  const unit = m.unit ?? (m.metric === "power" ? "kW" : DEFAULT_UNITS[m.metric] ?? "");
  const effects: Effect[] = [{
    type: "write",
    sink: MEASUREMENTS_SINK,
    row: {
      entity_type: m.entityType,
      entity_id: m.entityId,
      site_id: state.id,
      ts: m.ts,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
    },
  }];
  const previous: EquipmentState = state.equipment[m.entityId] ?? { lastTs: {} };
  // a redelivery or a late reading is stored (idempotently) but does not replace the latest value
  if (m.ts <= (previous.lastTs[m.metric] ?? 0)) return { state, effects };
  effects.push(latest(state.id, equipment, m, unit));
  const now = ctx.now();
  let next: EquipmentState = { ...previous, lastTs: { ...previous.lastTs, [m.metric]: m.ts } };
  if (previous.lastEventAt === undefined || now - previous.lastEventAt >= READING_EVENT_INTERVAL_MS) {
    next = { ...next, lastEventAt: now };
    effects.push(readingEvent(state.id, equipment, m, unit));
  }
  return { state: { ...state, equipment: { ...state.equipment, [m.entityId]: next } }, effects };
}

/** `latest:{siteId}:{entityId}:{metric}`, exactly `LatestValue`. */
function latest(siteId: string, equipment: EquipmentConfig, m: EquipmentMeasurement, unit: string): Effect {
  return {
    type: "cache",
    key: keys.latest(siteId, sensorType(m.entityId, m.metric)),
    ttlSeconds: TTL.latest,
    value: {
      entityType: m.entityType,
      entityId: m.entityId,
      equipmentType: equipment.type,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
      ts: new Date(m.ts).toISOString(),
    },
  };
}

function readingEvent(
  siteId: string,
  equipment: EquipmentConfig,
  m: EquipmentMeasurement,
  unit: string,
): Effect {
  return {
    type: "event",
    event: {
      type: "reading",
      kind: "site",
      id: siteId,
      ts: new Date(m.ts).toISOString(),
      entityKind: m.entityType,
      entityId: m.entityId,
      equipmentType: equipment.type,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
    },
  };
}

/** Restored equipment state: only the site's current assets and energy sources. */
export function restoredEquipment(
  config: SiteConfig,
  saved: Record<string, EquipmentState> | undefined,
): Record<string, EquipmentState> {
  const out: Record<string, EquipmentState> = {};
  for (const [id, e] of Object.entries(saved ?? {})) {
    if (config.assets[id] || config.energySources[id]) out[id] = { lastTs: { ...e.lastTs } };
  }
  return out;
}
