/**
 * Decoding what a VEN sends: telemetry (`gridpulse/vens/{id}/telemetry`), status
 * (`gridpulse/vens/{id}/status`) and its answers to ADR events
 * (`gridpulse/vens/{id}/events/{eventId}/response`), validated with the `domain/telemetry.ts` schemas,
 * which also write the rejection reasons.
 * @module
 */
import type { z } from "zod";
import { type TopicRoute, VenEventResponse, VenStatus, VenTelemetry } from "../../domain/telemetry.ts";
import type { Decoded } from "../kind.ts";
import { parseJsonPayload } from "../payload.ts";

/** Panel telemetry with its load samples. */
export interface VenTelemetryMessage {
  type: "telemetry";
  ts: number;
  usedPowerKw: number;
  shedPowerKw: number;
  loads: VenTelemetry["loads"];
  /** The payload as sent (`ven_telemetry.raw`). */
  raw: unknown;
}

/** An online/offline report. */
export interface VenStatusMessage {
  type: "status";
  ts: number;
  status: "online" | "offline";
  details: Record<string, unknown>;
}

/** An opt-in or opt-out for one event. */
export interface VenResponseMessage {
  type: "response";
  eventId: string;
  /** Epoch ms when the VEN answered, if it said. */
  ts?: number;
  opt: "optIn" | "optOut";
  reason?: string;
}

/** Anything a VEN actor consumes from MQTT. */
export type VenMessage = VenTelemetryMessage | VenStatusMessage | VenResponseMessage;

function parse<S extends z.ZodType>(schema: S, json: unknown): Decoded<z.output<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const problems = parsed.error.issues.map((
    i,
  ) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
  return { ok: false, reason: `invalid payload: ${problems.join("; ")}` };
}

/** Decodes and validates one payload routed to a VEN; a failure carries the reason for the dead letter. */
export function decodeVenMessage(route: TopicRoute, payload: Uint8Array): Decoded<VenMessage> {
  if (route.kind !== "ven") return { ok: false, reason: `not a VEN topic (${route.kind})` };
  const text = parseJsonPayload(payload);
  if (!text.ok) return text;
  const json = text.message;
  switch (route.channel) {
    case "telemetry": {
      const r = parse(VenTelemetry, json);
      if (!r.ok) return r;
      const { ts, usedPowerKw, shedPowerKw, loads } = r.message;
      return { ok: true, message: { type: "telemetry", ts, usedPowerKw, shedPowerKw, loads, raw: json } };
    }
    case "status": {
      const r = parse(VenStatus, json);
      if (!r.ok) return r;
      const { ts, status, details } = r.message;
      return { ok: true, message: { type: "status", ts, status, details: details ?? {} } };
    }
    case "event_response": {
      const r = parse(VenEventResponse, json);
      if (!r.ok) return r;
      const { ts, opt, reason } = r.message;
      return { ok: true, message: { type: "response", eventId: route.eventId, ts, opt, reason } };
    }
  }
}
