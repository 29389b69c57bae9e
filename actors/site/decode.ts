/**
 * Decoding measurements of a site's meters (`gridpulse/sites/{siteId}/meters/{meterId}`), assets
 * (`.../assets/{assetId}`) and energy sources (`.../energy-sources/{sourceId}`), all with
 * domain/telemetry.ts `MeterMeasurement`; the schema writes the rejection reasons.
 * @module
 */
import { type EquipmentType, MeterMeasurement, type TopicRoute } from "../../domain/telemetry.ts";
import type { Decoded } from "../kind.ts";
import { parseJsonPayload } from "../payload.ts";

/** A decoded measurement of one meter of the site. */
export interface SiteMeasurement {
  type: "measurement";
  meterId: string;
  ts: number;
  metric: MeterMeasurement["metric"];
  value: number;
  /** As sent; the meter's unit (or the metric's) applies when absent. */
  unit?: string;
  quality: MeterMeasurement["quality"];
}

/** A decoded measurement of one asset or energy source of the site. */
export interface EquipmentMeasurement {
  type: "equipment";
  entityType: EquipmentType;
  entityId: string;
  ts: number;
  metric: MeterMeasurement["metric"];
  value: number;
  /** As sent; the metric's unit (kW for power) applies when absent. */
  unit?: string;
  quality: MeterMeasurement["quality"];
}

/** What a site actor reads from its topics. */
export type SiteMessage = SiteMeasurement | EquipmentMeasurement;

/** Decodes and validates one payload routed to a site; a failure carries the reason for the dead letter. */
export function decodeMeasurement(route: TopicRoute, payload: Uint8Array): Decoded<SiteMessage> {
  if (route.kind !== "site") return { ok: false, reason: `not a site topic (${route.kind})` };
  const text = parseJsonPayload(payload);
  if (!text.ok) return text;
  const json = text.message;
  const parsed = MeterMeasurement.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((
      i,
    ) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    return { ok: false, reason: `invalid payload: ${problems.join("; ")}` };
  }
  const { ts, metric, value, unit, quality } = parsed.data;
  if (route.channel !== "meter") {
    return {
      ok: true,
      message: {
        type: "equipment",
        entityType: route.channel,
        entityId: route.entityId,
        ts,
        metric,
        value,
        unit,
        quality,
      },
    };
  }
  return {
    ok: true,
    message: { type: "measurement", meterId: route.meterId, ts, metric, value, unit, quality },
  };
}
