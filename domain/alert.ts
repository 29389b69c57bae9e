/**
 * Alerts (seed 000): anomalies the detectors raised, with their lifecycle open -> acknowledged ->
 * resolved, de-duplicated per entity and detector while open.
 * @module
 */
import { z } from "zod";
import { DateTime, JsonObject, Uuid } from "./common.ts";

/** Detector families (seed 000). */
export const ALERT_TYPES = ["Spike", "ThresholdExceeded", "System"] as const;
/** Alert severities. */
export const SEVERITIES = ["info", "warning", "critical"] as const;
/** Alert lifecycle states. */
export const ALERT_STATES = ["open", "acknowledged", "resolved"] as const;
/** Kinds of entity an alert is about. */
export const ALERT_ENTITY_KINDS = ["plant", "ven", "site", "meter"] as const;

/** An alert as the API returns it. */
export const Alert = z.object({
  id: Uuid,
  entityKind: z.enum(ALERT_ENTITY_KINDS),
  entityId: Uuid,
  plantId: Uuid.nullable(),
  siteId: Uuid.nullable(),
  meterId: Uuid.nullable(),
  venId: Uuid.nullable(),
  type: z.enum(ALERT_TYPES),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  metric: z.string().nullable(),
  value: z.number().nullable(),
  baseline: z.number().nullable(),
  threshold: z.number().nullable(),
  ts: DateTime.describe("When the condition was first seen"),
  lastSeenAt: DateTime,
  occurrences: z.number().int(),
  state: z.enum(ALERT_STATES),
  acknowledgedAt: DateTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: DateTime.nullable(),
  resolvedBy: z.string().nullable(),
  details: JsonObject,
  dedupeKey: z.string().describe("Type and detector detail: one open alert per entity and key"),
  createdAt: DateTime,
}).meta({ id: "Alert" });
export type Alert = z.output<typeof Alert>;

/** The optional body of acknowledge and resolve. */
export const AlertActionInput = z.strictObject({
  note: z.string().trim().max(1000, "must be at most 1000 characters").optional(),
}).meta({ id: "AlertActionInput" });

/** `/api/alerts/summary`: alerts not yet resolved, by severity and by state. */
export const AlertSummary = z.object({
  unresolved: z.number().int(),
  bySeverity: z.object({ critical: z.number().int(), warning: z.number().int(), info: z.number().int() }),
  byState: z.object({ open: z.number().int(), acknowledged: z.number().int() }),
  ts: DateTime,
}).meta({ id: "AlertSummary" });
export type AlertSummary = z.output<typeof AlertSummary>;
