/**
 * The MQTT contract: topics and their JSON payloads, validated with zod. Devices (and the simulator)
 * publish these; the actors consume them; a payload that fails validation becomes a dead-letter record
 * with the reason.
 *
 * ```
 * gridpulse/plants/{plantId}/telemetry                 PlantTelemetry
 * gridpulse/vens/{venId}/telemetry                     VenTelemetry
 * gridpulse/vens/{venId}/status                        VenStatus
 * gridpulse/vens/{venId}/events                        (outbound) ADR events for the VEN
 * gridpulse/vens/{venId}/events/{eventId}/response     VenEventResponse
 * gridpulse/sites/{siteId}/meters/{meterId}            MeterMeasurement
 * gridpulse/sites/{siteId}/assets/{assetId}            MeterMeasurement (of an asset of the site)
 * gridpulse/sites/{siteId}/energy-sources/{sourceId}   MeterMeasurement (of an energy source of the site)
 * ```
 * Entity ids in topics are the UUIDs of the database rows.
 * @module
 */
import { z } from "zod";

/** The topic root. */
export const TOPIC_ROOT = "gridpulse";

/** Topic builders, so the patterns live in one place. */
export const topics = {
  plantTelemetry: (plantId: string) => `${TOPIC_ROOT}/plants/${plantId}/telemetry`,
  venTelemetry: (venId: string) => `${TOPIC_ROOT}/vens/${venId}/telemetry`,
  venStatus: (venId: string) => `${TOPIC_ROOT}/vens/${venId}/status`,
  venEvents: (venId: string) => `${TOPIC_ROOT}/vens/${venId}/events`,
  venEventResponse: (venId: string, eventId: string) =>
    `${TOPIC_ROOT}/vens/${venId}/events/${eventId}/response`,
  /** Subscription filter for every response of one VEN. */
  venEventResponses: (venId: string) => `${TOPIC_ROOT}/vens/${venId}/events/+/response`,
  meterMeasurement: (siteId: string, meterId: string) => `${TOPIC_ROOT}/sites/${siteId}/meters/${meterId}`,
  /** Subscription filter for every meter of one site. */
  siteMeters: (siteId: string) => `${TOPIC_ROOT}/sites/${siteId}/meters/+`,
  assetMeasurement: (siteId: string, assetId: string) => `${TOPIC_ROOT}/sites/${siteId}/assets/${assetId}`,
  /** Subscription filter for every asset of one site. */
  siteAssets: (siteId: string) => `${TOPIC_ROOT}/sites/${siteId}/assets/+`,
  energySourceMeasurement: (siteId: string, sourceId: string) =>
    `${TOPIC_ROOT}/sites/${siteId}/energy-sources/${sourceId}`,
  /** Subscription filter for every energy source of one site. */
  siteEnergySources: (siteId: string) => `${TOPIC_ROOT}/sites/${siteId}/energy-sources/+`,
} as const;

/** What a site's measurement topic is about besides its meters (`measurements.entity_type`). */
export type EquipmentType = "asset" | "energy_source";

/** What a topic addresses. */
export type TopicRoute =
  | { kind: "plant"; id: string; channel: "telemetry" }
  | { kind: "ven"; id: string; channel: "telemetry" | "status" }
  | { kind: "ven"; id: string; channel: "event_response"; eventId: string }
  | { kind: "site"; id: string; channel: "meter"; meterId: string }
  | { kind: "site"; id: string; channel: EquipmentType; entityId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses an inbound topic; `undefined` when it is not one GridPulse consumes or an id is not a UUID. */
export function parseTopic(topic: string): TopicRoute | undefined {
  const p = topic.split("/");
  if (p[0] !== TOPIC_ROOT || !UUID.test(p[2] ?? "")) return undefined;
  const id = p[2].toLowerCase();
  if (p[1] === "plants" && p.length === 4 && p[3] === "telemetry") {
    return { kind: "plant", id, channel: "telemetry" };
  }
  if (p[1] === "vens" && p.length === 4 && (p[3] === "telemetry" || p[3] === "status")) {
    return { kind: "ven", id, channel: p[3] };
  }
  if (p[1] === "vens" && p.length === 6 && p[3] === "events" && p[5] === "response" && UUID.test(p[4])) {
    return { kind: "ven", id, channel: "event_response", eventId: p[4].toLowerCase() };
  }
  if (p[1] === "sites" && p.length === 5 && UUID.test(p[4])) {
    if (p[3] === "meters") return { kind: "site", id, channel: "meter", meterId: p[4].toLowerCase() };
    if (p[3] === "assets") return { kind: "site", id, channel: "asset", entityId: p[4].toLowerCase() };
    if (p[3] === "energy-sources") {
      return { kind: "site", id, channel: "energy_source", entityId: p[4].toLowerCase() };
    }
  }
  return undefined;
}

const TS_MIN = 946_684_800_000; // 2000-01-01
const TS_MAX = 4_102_444_800_000; // 2100-01-01

/**
 * A timestamp: ISO 8601 string or epoch milliseconds, from 2000 up to 2100 either way; parsed to epoch
 * milliseconds.
 */
export const Timestamp = z.union([
  z.number().int().min(TS_MIN, "must be after 2000-01-01").max(TS_MAX, "must be before 2100"),
  z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with offset" }).refine(
    (v) => Date.parse(v) >= TS_MIN && Date.parse(v) <= TS_MAX,
    "must be between 2000-01-01 and 2100",
  ),
]).transform((v) => (typeof v === "number" ? v : Date.parse(v)));

const finite = (what: string) =>
  z.number({ message: `${what} must be a number` }).finite(`${what} must be finite`);
const nonNegative = (what: string) => finite(what).min(0, `${what} must be >= 0`);

/** `gridpulse/plants/{plantId}/telemetry`: plant output in MW. */
export const PlantTelemetry = z.strictObject({
  ts: Timestamp,
  mw: finite("mw"),
  metric: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "metric must be snake_case, at most 40 characters")
    .default("power_mw"),
});
export type PlantTelemetry = z.output<typeof PlantTelemetry>;

/** One load of a VEN in a telemetry message. */
export const VenLoadSample = z.strictObject({
  loadId: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "loadId must be 1-100 of A-Z a-z 0-9 _ . : -"),
  type: z.string().min(1).max(60),
  usedKw: nonNegative("usedKw"),
  shedCapableKw: nonNegative("shedCapableKw"),
  capacityKw: nonNegative("capacityKw").optional(),
});

/** `gridpulse/vens/{venId}/telemetry`: panel used/shed kW and per-load samples. */
export const VenTelemetry = z.strictObject({
  ts: Timestamp,
  usedPowerKw: nonNegative("usedPowerKw"),
  shedPowerKw: nonNegative("shedPowerKw"),
  loads: z.array(VenLoadSample).max(500).default([]),
});
export type VenTelemetry = z.output<typeof VenTelemetry>;

/** `gridpulse/vens/{venId}/status`. */
export const VenStatus = z.strictObject({
  ts: Timestamp,
  status: z.enum(["online", "offline"]),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type VenStatus = z.output<typeof VenStatus>;

/** `gridpulse/vens/{venId}/events/{eventId}/response`: the VEN's opt-in or opt-out. */
export const VenEventResponse = z.strictObject({
  ts: Timestamp.optional(),
  opt: z.enum(["optIn", "optOut"]),
  reason: z.string().max(500).optional(),
});
export type VenEventResponse = z.output<typeof VenEventResponse>;

/**
 * `gridpulse/sites/{siteId}/meters/{meterId}`: one measurement of a meter. The same payload on
 * `.../assets/{assetId}` and `.../energy-sources/{sourceId}` is one measurement of that asset or
 * energy source.
 */
export const MeterMeasurement = z.strictObject({
  ts: Timestamp,
  metric: z.enum([
    "power",
    "energy",
    "voltage",
    "current",
    "power_factor",
    "frequency",
    "temperature",
    "state_of_charge",
  ]),
  value: finite("value"),
  unit: z.string().min(1).max(20).optional(),
  quality: z.enum(["good", "bad", "estimated"]).default("good"),
});
export type MeterMeasurement = z.output<typeof MeterMeasurement>;
