/**
 * How a simulated VEN reads the ADR events GridPulse publishes (retained) on `gridpulse/vens/{venId}/events`.
 * The outbound format belongs to the actor runtime, so parsing is lenient: one event or a list (or
 * `{ events: [...] }`), with the id as `id`/`eventId`, the start as `start`/`startAt`/`start_at` or the
 * first interval's `intervalPeriod.start`, the duration in seconds (`durationS`/`duration_s`) or as an
 * ISO 8601 duration (`duration`, `intervalPeriod.duration`), the shed level from a SIMPLE payload (0-3).
 * Cancelled or completed events and empty payloads (a cleared retained message) are skipped.
 * @module
 */
import type { SimEvent } from "./sim_behaviour.ts";

/** An event as announced, before the VEN decided. */
export type AnnouncedEvent = Omit<SimEvent, "opt">;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses an ISO 8601 duration such as `PT1H30M` or `P1DT2H` into seconds; undefined when malformed. */
export function isoDurationSeconds(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
    .exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return d * 86_400 + h * 3_600 + min * 60 + s;
}

function when(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function seconds(v: unknown): number | undefined {
  if (typeof v === "number" && v > 0) return v;
  if (typeof v === "string") return isoDurationSeconds(v);
  return undefined;
}

function parseOne(e: Obj): AnnouncedEvent | undefined {
  const id = e.id ?? e.eventId ?? e.event_id;
  if (typeof id !== "string" || id === "") return undefined;
  const status = String(e.status ?? "").toLowerCase();
  if (status === "cancelled" || status === "canceled" || status === "completed") return undefined;
  const intervals = Array.isArray(e.intervals) ? e.intervals.filter(isObj) : [];
  const period = isObj(e.intervalPeriod)
    ? e.intervalPeriod
    : isObj(intervals[0]?.intervalPeriod)
    ? intervals[0].intervalPeriod as Obj
    : {};
  const start = when(e.start ?? e.startAt ?? e.start_at ?? period.start);
  const duration = seconds(e.durationS ?? e.duration_s ?? e.duration ?? period.duration);
  if (start === undefined || duration === undefined) return undefined;
  const payloads = intervals.flatMap((i) => (Array.isArray(i.payloads) ? i.payloads.filter(isObj) : []));
  const simple = payloads.find((p) => p.type === "SIMPLE");
  const level = Number((Array.isArray(simple?.values) ? simple.values[0] : undefined) ?? e.shedLevel ?? 2);
  const shedFraction = Math.min(1, Math.max(0.25, (Number.isFinite(level) ? level : 2) / 3));
  return { id, start, end: start + duration * 1000, shedFraction };
}

/** The events in a payload on a VEN's events topic. */
export function parseAdrEvents(payload: Uint8Array | string): AnnouncedEvent[] {
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  if (text.trim() === "") return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const list = Array.isArray(json) ? json : isObj(json) && Array.isArray(json.events) ? json.events : [json];
  return list.filter(isObj).map(parseOne).filter((e): e is AnnouncedEvent => e !== undefined);
}
