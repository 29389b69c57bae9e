/**
 * Decoding meter measurements (`gridpulse/sites/{siteId}/meters/{meterId}`, domain/telemetry.ts
 * `MeterMeasurement`); the schema writes the rejection reasons.
 * @module
 */
import { MeterMeasurement, type TopicRoute } from "../../domain/telemetry.ts";
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

/** Decodes and validates one payload routed to a site; a failure carries the reason for the dead letter. */
export function decodeMeasurement(route: TopicRoute, payload: Uint8Array): Decoded<SiteMeasurement> {
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
  return {
    ok: true,
    message: { type: "measurement", meterId: route.meterId, ts, metric, value, unit, quality },
  };
}
