/**
 * ADR programs and events (seed 002, OpenADR 3 style): an event belongs to a program, targets VENs by
 * id or group, and carries an interval period (start, ISO 8601 duration) and intervals whose payloads
 * are `SIMPLE` shed levels (0-3) or `IMPORT_CAPACITY_LIMIT` values in kW. The event is published to
 * every targeted VEN as an {@linkcode AdrEventMessage} on `gridpulse/vens/{venId}/events`.
 * @module
 */
import { z } from "zod";
import { DateTime, DateTimeInput, JsonObject, name, Uuid } from "./common.ts";

/** An ADR program. */
export const AdrProgram = z.object({
  id: Uuid,
  programName: z.string(),
  programLongName: z.string().nullable(),
  programType: z.string(),
  retailerName: z.string().nullable(),
  payloadDescriptors: z.array(z.unknown()),
  createdAt: DateTime,
  updatedAt: DateTime,
}).meta({ id: "AdrProgram" });

/** The body that creates a program. */
export const AdrProgramInput = z.strictObject({
  programName: name(),
  programLongName: z.string().trim().max(500).nullable().optional(),
  programType: z.string().trim().min(1).max(60).optional(),
  retailerName: z.string().trim().max(200).nullable().optional(),
  payloadDescriptors: z.array(JsonObject).max(20).optional(),
}).meta({ id: "AdrProgramInput" });

const MAX_DURATION_S = 31 * 86_400;
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in an ISO 8601 duration of weeks, days, hours, minutes and seconds; NaN when malformed. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return NaN;
  const [w, d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60 + s;
}

/** Formats seconds as an ISO 8601 duration, e.g. 5400 -> `PT1H30M`. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`seconds must be >= 0, got ${seconds}`);
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  const date = d ? `${d}D` : "";
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  if (!date && !time) return "PT0S";
  return `P${date}${time ? `T${time}` : ""}`;
}

const Duration = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (!(seconds > 0) || seconds > MAX_DURATION_S) {
    ctx.addIssue({
      code: "custom",
      message: "must be an ISO 8601 duration such as PT1H or P1DT30M, longer than 0 and at most 31 days",
    });
    return z.NEVER;
  }
  return seconds;
});

/** When an event (or one of its intervals) happens. */
export const IntervalPeriodInput = z.strictObject({ start: DateTimeInput, duration: Duration });

/** A payload of an interval: a shed level or an import limit. */
export const EventPayload = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("SIMPLE"),
    values: z.array(z.number().int().min(0).max(3, "SIMPLE levels are 0-3")).min(1).max(1),
  }),
  z.strictObject({
    type: z.literal("IMPORT_CAPACITY_LIMIT"),
    values: z.array(z.number().finite().min(0, "must be >= 0 kW")).min(1).max(1),
  }),
], { message: "type must be SIMPLE or IMPORT_CAPACITY_LIMIT" }).meta({ id: "EventPayload" });

/** One interval of an event. */
export const EventInterval = z.strictObject({
  id: z.number().int().min(0),
  intervalPeriod: z.strictObject({ start: DateTime, duration: z.string() }).optional(),
  payloads: z.array(EventPayload).min(1).max(10),
}).meta({ id: "EventInterval" });

/** Whom an event is for: VEN ids and VEN groups. */
export const EventTargets = z.strictObject({
  venIds: z.array(Uuid).max(10_000).default([]),
  groups: z.array(z.string().min(1).max(60)).max(100).default([]),
}).meta({ id: "EventTargets" });

const eventFields = {
  programId: Uuid,
  eventName: name(),
  priority: z.number().int().min(0).max(1000).optional(),
  intervalPeriod: IntervalPeriodInput,
  intervals: z.array(EventInterval).min(1).max(1000),
  targets: EventTargets,
};

function hasTargets(value: { targets?: { venIds: string[]; groups: string[] } }, ctx: z.RefinementCtx) {
  // refinements run even when a field failed to parse: look only at targets that parsed
  const { venIds, groups } = value.targets ?? {};
  if (Array.isArray(venIds) && Array.isArray(groups) && venIds.length === 0 && groups.length === 0) {
    ctx.addIssue({ code: "custom", path: ["targets"], message: "must name at least one VEN id or group" });
  }
}

/** The body that creates an event. */
export const AdrEventInput = z.strictObject(eventFields).superRefine(hasTargets).meta({
  id: "AdrEventInput",
});
/** The body that changes an event: any subset of the fields. */
export const AdrEventPatch = z.strictObject(eventFields).partial().superRefine(hasTargets).meta({
  id: "AdrEventPatch",
});

/** Event states: scheduled until it starts, active while it runs, then completed (or cancelled). */
export const EVENT_STATUSES = ["scheduled", "active", "completed", "cancelled"] as const;

/** A VEN's part in an event. */
export const Participation = z.object({
  venId: Uuid,
  venName: z.string(),
  opt: z.enum(["pending", "optIn", "optOut"]),
  respondedAt: DateTime.nullable(),
  notifiedAt: DateTime.nullable(),
  baselineKw: z.number().nullable(),
  deliveredShedKw: z.number().nullable(),
  deliveredKwh: z.number().nullable(),
}).meta({ id: "Participation" });

/** An event as the API returns it. */
export const AdrEvent = z.object({
  id: Uuid,
  programId: Uuid,
  programName: z.string(),
  eventName: z.string(),
  priority: z.number().int(),
  status: z.enum(EVENT_STATUSES),
  intervalPeriod: z.object({ start: DateTime, duration: z.string() }),
  intervals: z.array(EventInterval),
  targets: z.object({ venIds: z.array(Uuid), groups: z.array(z.string()) }),
  createdBy: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
  cancelledAt: DateTime.nullable(),
  participantCount: z.number().int().describe("VENs the targets resolved to"),
  participants: z.array(Participation).optional().describe("With a single event, not in lists"),
  delivery: z.object({
    notified: z.number().int(),
    failed: z.number().int().describe(
      "VENs the broker did not accept the message for; retried by the next change",
    ),
  }).optional().describe("After a change: how the VENs were told"),
}).meta({ id: "AdrEvent" });

/**
 * What a VEN receives on `gridpulse/vens/{venId}/events` (QoS 1, retained): the event in OpenADR 3
 * field names. A cancellation is the same message with `status: "cancelled"`; once the event is over the
 * retained message is cleared with an empty payload.
 */
export const AdrEventMessage = z.object({
  objectType: z.literal("EVENT"),
  id: Uuid,
  programID: Uuid,
  programName: z.string(),
  eventName: z.string(),
  priority: z.number().int(),
  status: z.enum(EVENT_STATUSES),
  createdDateTime: DateTime,
  modificationDateTime: DateTime,
  intervalPeriod: z.object({ start: DateTime, duration: z.string() }),
  intervals: z.array(EventInterval),
}).meta({ id: "AdrEventMessage" });
export type AdrEventMessage = z.output<typeof AdrEventMessage>;
