/**
 * What ingestion leaves on record, as the API returns it: telemetry events (the dead letters the
 * writer stores in the documents store's `telemetry_events`, kept 7 days) and the ingestion log
 * (accepted and rejected messages per source and minute, PostgreSQL `ingestion_log`).
 * @module
 */
import { z } from "zod";
import { DateTime } from "./common.ts";

/** Entity kinds a telemetry topic names (`gridpulse/{plants|vens|sites}/...`). */
export const TELEMETRY_ENTITY_KINDS = ["plant", "ven", "site"] as const;
/** One of {@linkcode TELEMETRY_ENTITY_KINDS}. */
export type TelemetryEntityKind = typeof TELEMETRY_ENTITY_KINDS[number];

/** A `telemetry_events` document. */
export const TelemetryEvent = z.object({
  id: z.string(),
  timestamp: DateTime.describe(
    "When GridPulse received the message (the writer records the arrival time as the event's time; " +
      "the device's own timestamp, if any, is inside the payload); for a series_rejected event, when " +
      "InfluxDB refused the reading",
  ),
  event: z.string().describe(
    '"rejected" for a message refused at ingestion; "series_rejected" for a stored reading InfluxDB (the ' +
      "series mirror) refused for good, its line protocol as the payload",
  ),
  kind: z.enum(TELEMETRY_ENTITY_KINDS).nullable().describe(
    "The entity kind the topic names; null for a topic no kind routes",
  ),
  entityId: z.string().nullable().describe("The entity id the topic names; null when it names none"),
  topic: z.string().nullable(),
  reason: z.string().nullable().describe(
    'Why it was rejected, e.g. "unknown plant id" or "mw: must be a number"',
  ),
  payload: z.unknown().describe(
    "The payload as stored: the message text (invalid UTF-8 replaced) cut at 8 KiB; null when none",
  ),
  shard: z.number().int().nullable().describe("The shard that refused it; null for the catch-all session"),
  expiresAt: DateTime.nullable().describe("When the record is deleted (7 days after it was received)"),
}).meta({ id: "TelemetryEvent" });
/** Parsed {@linkcode TelemetryEvent}. */
export type TelemetryEvent = z.output<typeof TelemetryEvent>;

/** Accepted and rejected messages of one source in one minute. */
export const IngestionLogEntry = z.object({
  source: z.string().describe(
    "`mqtt:{kind}`: mqtt:plant, mqtt:ven, mqtt:site, or mqtt:unknown for unroutable topics",
  ),
  minute: DateTime.describe("Start of the minute (UTC)"),
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
}).meta({ id: "IngestionLogEntry" });

/** Accepted and rejected messages over a range. */
export const IngestionTotals = z.object({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
}).meta({ id: "IngestionTotals" });
