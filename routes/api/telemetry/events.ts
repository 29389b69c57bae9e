/**
 * `GET /api/telemetry/events`: telemetry events (seed 003's `/api/telemetry/events/`), newest first:
 * every message refused at ingestion, with why, kept 7 days. Documents store only, so it reads alike
 * from MongoDB and the PostgreSQL fallback.
 */
import { z } from "zod";
import { DateTimeInput, paged, Paging, rawTimeRange } from "../../../domain/common.ts";
import { TELEMETRY_ENTITY_KINDS, TelemetryEvent } from "../../../domain/ingestion.ts";
import { REJECTED_TTL_MS } from "../../../actors/writer.ts";
import { telemetryEventPage } from "../../../api/telemetry_events.ts";
import { operation, route } from "../../../api/operation.ts";

const range = rawTimeRange();
const text = (max: number) =>
  z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const { handler, openapi } = route({
  GET: operation({
    summary: "Telemetry events (rejected messages and why), newest first",
    description:
      "Messages that failed validation or named an unknown id, as the writer recorded them (kept 7 " +
      "days), and readings InfluxDB refused for good (`event=series_rejected`, with InfluxDB's answer as the " +
      "reason). `kind` and `id` are the entity the topic names; `reason` matches exactly, `reason_prefix` the " +
      "beginning (case-sensitive). The range spans at most 31 days and defaults to the 7 days before " +
      "`end_time`.",
    tags: ["Readings"],
    query: z.strictObject({
      ...Paging.shape,
      start_time: DateTimeInput.optional().describe("Inclusive start; default: 7 days before end_time"),
      end_time: DateTimeInput.optional().describe("Exclusive end; default: now"),
      kind: z.enum(TELEMETRY_ENTITY_KINDS, {
        message: `must be one of: ${TELEMETRY_ENTITY_KINDS.join(", ")}`,
      })
        .optional().describe("The entity kind the topic names"),
      id: text(100).optional().describe("The entity id the topic names"),
      reason: text(500).optional(),
      reason_prefix: text(500).optional(),
      topic: text(300).optional(),
      event: text(40).optional().describe(
        'The event kind; "rejected" for rejected messages, "series_rejected" for readings InfluxDB refused',
      ),
    }).superRefine(range.check),
    response: paged(TelemetryEvent, "TelemetryEventPage"),
  }, ({ services, query }) => {
    const end = query.end_time ?? new Date();
    const start = query.start_time ?? new Date(end.getTime() - REJECTED_TTL_MS);
    return telemetryEventPage(services, {
      event: query.event,
      kind: query.kind,
      id: query.id,
      reason: query.reason,
      reasonPrefix: query.reason_prefix,
      topic: query.topic,
      from: start,
      to: end,
    }, query);
  }),
});
