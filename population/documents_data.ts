/**
 * The documents of the seeded day (seed 000's MongoDB collections plus seed 003's telemetry events), as
 * pure functions: market signals that follow one daily price curve (day-ahead hourly, intraday every 15
 * minutes around it), an audit trail of what operators did to the seeded offers, alerts and ADR events,
 * the dispatch log of the activated offers, and rejected or notable telemetry events with a 7-day TTL.
 * @module
 */
import type { CollectionName, NewDocument } from "../stores/documents/documents.ts";
import type { AdrEventPlan } from "./adr.ts";
import { seededRandom, stableId } from "./ids.ts";
import type { OfferPlan } from "./offers.ts";
import type { AlertRow } from "./plant_series.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The day-ahead price in EUR/MWh at hour-of-day `h` (UTC): morning and evening peaks, a solar dip at noon. */
export function dayAheadPrice(h: number): number {
  const bump = (centre: number, width: number) => Math.exp(-((h - centre) ** 2) / width);
  return 62 + 38 * bump(19, 6) + 18 * bump(8, 3) - 22 * bump(13, 5);
}

/** What the documents generator needs to know of the relational data (read back from the database). */
export interface DocumentsInput {
  end: number;
  namespace: string;
  plantIds: Record<string, string>;
  offers: Pick<
    OfferPlan,
    | "id"
    | "name"
    | "status"
    | "plant"
    | "direction"
    | "volumeMw"
    | "priceEurMwh"
    | "market"
    | "createdAt"
    | "deliveryStart"
    | "deliveryEnd"
  >[];
  alerts: Pick<
    AlertRow,
    | "id"
    | "type"
    | "message"
    | "ts"
    | "entityKind"
    | "entityId"
    | "acknowledgedAt"
    | "resolvedAt"
    | "resolvedBy"
  >[];
  events: Pick<AdrEventPlan, "id" | "name" | "start" | "notifiedAt" | "cancelledAt" | "shedLevel">[];
}

/** When the seeded rejected telemetry messages arrived: one per hour of the window, at seeded offsets. */
export function rejectedTimes(end: number): number[] {
  const rand = seededRandom("rejected-times");
  return Array.from({ length: 24 }, (_, i) => Math.floor((end - i * HOUR - rand() * HOUR) / 1000) * 1000);
}

/** Every seeded document, by collection. */
export function seedDocuments(input: DocumentsInput): Record<CollectionName, NewDocument[]> {
  return {
    market_signals: marketSignals(input),
    audit: auditTrail(input),
    dispatch_log: dispatchLog(input),
    telemetry_events: telemetryEvents(input),
  };
}

function marketSignals({ end, namespace }: DocumentsInput): NewDocument[] {
  const rand = seededRandom("market");
  const out: NewDocument[] = [];
  const firstHour = Math.floor(end / HOUR) * HOUR - 23 * HOUR;
  for (let ts = firstHour; ts < firstHour + 48 * HOUR; ts += HOUR) {
    const h = (ts / HOUR) % 24;
    const price = dayAheadPrice(h);
    out.push({
      id: stableId(namespace, "market", "day_ahead", ts),
      timestamp: new Date(ts),
      market: "day_ahead",
      area: "DE-LU",
      price: round(price),
      volume: round(1_800 + 14 * (price - 40) + 80 * rand(), 1),
      currency: "EUR",
      unit: "EUR/MWh",
      resolution: "PT60M",
      deliveryEnd: new Date(ts + HOUR).toISOString(),
    });
  }
  for (let ts = Math.floor(end / (15 * MIN)) * 15 * MIN - 95 * 15 * MIN; ts <= end; ts += 15 * MIN) {
    const price = dayAheadPrice((ts / HOUR) % 24) + (rand() - 0.5) * 12;
    out.push({
      id: stableId(namespace, "market", "intraday", ts),
      timestamp: new Date(ts),
      market: "intraday",
      area: "DE-LU",
      price: round(price),
      volume: round(60 + 4 * Math.max(0, price - 40) + 40 * rand(), 1),
      currency: "EUR",
      unit: "EUR/MWh",
      resolution: "PT15M",
      deliveryEnd: new Date(ts + 15 * MIN).toISOString(),
    });
  }
  return out;
}

type Audit = (
  ts: number,
  username: string,
  action: string,
  entity: string,
  entityId: string,
  details: Record<string, unknown>,
) => void;

function auditTrail(input: DocumentsInput): NewDocument[] {
  const { end, namespace, plantIds } = input;
  const out: NewDocument[] = [];
  // The API's audit shape (api/audit.ts): a verb without the entity prefix, the username (the seeded
  // people have no user rows of their own), and what the change carried in `details`.
  const add: Audit = (ts, username, action, entity, entityId, details) =>
    out.push({
      id: stableId(namespace, "audit", action, entityId, ts),
      timestamp: new Date(ts),
      action: action.slice(action.indexOf(".") + 1),
      userId: null,
      username,
      entity,
      entityId,
      details,
    });
  const logins = [["admin", 23], ["operator", 20], ["viewer", 5], ["admin", 9], ["operator", 2]] as const;
  for (const [user, hoursAgo] of logins) {
    add(end - hoursAgo * HOUR, user, "auth.login", "session", user, { method: "password", ip: "10.20.0.14" });
  }
  add(end - 15 * HOUR, "admin", "plant.update", "plant", plantIds["Peaker Unit 2"], {
    status: { from: "online", to: "maintenance" },
    reason: "gas turbine borescope inspection",
  });
  auditOffers(input, add);
  auditAlertsAndEvents(input, add);
  return out;
}

/** Each offer created and submitted by the operator, then decided (by the market, or cancelled). */
function auditOffers({ offers, end }: DocumentsInput, add: Audit): void {
  for (const offer of offers) {
    add(offer.createdAt, "operator", "offer.create", "offer", offer.id, {
      name: offer.name,
      volumeMw: offer.volumeMw,
      market: offer.market,
    });
    if (offer.status !== "draft") {
      add(offer.createdAt + 10 * MIN, "operator", "offer.submit", "offer", offer.id, {
        market: offer.market,
      });
    }
    if (!["draft", "submitted"].includes(offer.status)) {
      const who = offer.status === "cancelled" ? "operator" : "system";
      add(Math.min(offer.deliveryStart, end - MIN), who, `offer.${offer.status}`, "offer", offer.id, {
        status: offer.status,
      });
    }
  }
}

/** Alerts acknowledged or resolved by the operator; ADR events created and cancelled by the admin. */
function auditAlertsAndEvents({ alerts, events }: DocumentsInput, add: Audit): void {
  for (const alert of alerts) {
    if (alert.acknowledgedAt) {
      add(alert.acknowledgedAt, "operator", "alert.acknowledge", "alert", alert.id, {
        type: alert.type,
        message: alert.message,
      });
    }
    if (alert.resolvedAt && alert.resolvedBy === "operator") {
      add(alert.resolvedAt, "operator", "alert.resolve", "alert", alert.id, { type: alert.type });
    }
  }
  for (const event of events) {
    const created = (event.notifiedAt ?? event.start) - 5 * MIN;
    add(created, "admin", "adr_event.create", "adr_event", event.id, {
      name: event.name,
      shedLevel: event.shedLevel,
    });
    if (event.cancelledAt) {
      add(event.cancelledAt, "admin", "adr_event.cancel", "adr_event", event.id, {
        reason: "forecast revised",
      });
    }
  }
}

function dispatchLog({ end, namespace, offers, plantIds }: DocumentsInput): NewDocument[] {
  const out: NewDocument[] = [];
  for (const offer of offers.filter((o) => o.status === "activated" || o.status === "accepted")) {
    for (let ts = offer.deliveryStart; ts < Math.min(offer.deliveryEnd, end); ts += 15 * MIN) {
      const ramp = Math.min(1, (ts - offer.deliveryStart) / (30 * MIN) + 0.5);
      out.push({
        id: stableId(namespace, "dispatch", offer.id, ts),
        timestamp: new Date(ts),
        plantName: offer.plant,
        plantId: plantIds[offer.plant],
        offerId: offer.id,
        market: offer.market,
        direction: offer.direction,
        volumeMw: round(offer.volumeMw * ramp, 1),
        priceEurMwh: offer.priceEurMwh,
        setpointSource: offer.market === "fcr" ? "frequency" : "tso_call",
      });
    }
  }
  return out;
}

function telemetryEvents({ end, namespace, plantIds, alerts }: DocumentsInput): NewDocument[] {
  const rand = seededRandom("telemetry-events");
  const names = Object.keys(plantIds);
  const reasons = [
    "mw: mw must be a number",
    "ts: must be an ISO 8601 date-time with offset",
    'unknown field "power"',
    "mw: mw must be finite",
  ];
  const out: NewDocument[] = [];
  const times = rejectedTimes(end);
  for (let i = 0; i < times.length; i++) {
    const ts = times[i];
    const plant = names[Math.floor(rand() * names.length)];
    out.push({
      id: stableId(namespace, "telemetry_event", "rejected", i),
      timestamp: new Date(ts),
      expiresAt: new Date(ts + 7 * 24 * HOUR),
      kind: "rejected",
      entityKind: "plant",
      entityId: plantIds[plant],
      topic: `gridpulse/plants/${plantIds[plant]}/telemetry`,
      reason: reasons[i % reasons.length],
      payload: i % 2 === 0 ? { ts: new Date(ts).toISOString(), mw: "n/a" } : { ts: "yesterday", mw: 1 },
    });
  }
  for (const alert of alerts.filter((a) => a.type === "System")) {
    out.push({
      id: stableId(namespace, "telemetry_event", "system", alert.id),
      timestamp: new Date(alert.ts),
      expiresAt: new Date(alert.ts + 7 * 24 * HOUR),
      kind: alert.entityKind === "ven" ? "ven_offline" : "gap",
      entityKind: alert.entityKind,
      entityId: alert.entityId,
      alertId: alert.id,
      message: alert.message,
    });
  }
  return out;
}
