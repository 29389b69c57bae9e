/**
 * Telemetry events over the documents store (`telemetry_events`): the dead letters the writer records
 * when a message fails validation or names an unknown id, and the readings InfluxDB refused for good
 * that the series outbox records (`series_rejected`). Read through the {@linkcode DocumentStore}
 * interface only, so MongoDB and the PostgreSQL fallback answer alike. Shared by
 * `GET /api/telemetry/events` and the `/ingestion` page.
 * @module
 */
import type { Services } from "../core/services.ts";
import type { Page, Paging } from "../domain/common.ts";
import { TELEMETRY_ENTITY_KINDS, type TelemetryEvent } from "../domain/ingestion.ts";
import type { Document } from "../stores/documents/documents.ts";

/** Filters of a telemetry events page; each one optional. */
export interface TelemetryEventFilter {
  /** The document's kind: "rejected" for dead letters, "series_rejected" for readings InfluxDB refused. */
  event?: string;
  /** The entity kind the topic names. */
  kind?: string;
  /** The entity id the topic names. */
  id?: string;
  /** The exact reason. */
  reason?: string;
  /** A prefix of the reason. */
  reasonPrefix?: string;
  topic?: string;
  /** Inclusive lower bound on the time received. */
  from?: Date;
  /** Exclusive upper bound on the time received. */
  to?: Date;
}

/** One page of telemetry events, newest first. */
export async function telemetryEventPage(
  services: Services,
  filter: TelemetryEventFilter,
  paging: Paging,
): Promise<Page<TelemetryEvent>> {
  const where = Object.fromEntries(
    Object.entries({
      kind: filter.event,
      entityKind: filter.kind,
      entityId: filter.id,
      reason: filter.reason,
      topic: filter.topic,
    }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const query = {
    where,
    ...(filter.reasonPrefix === undefined ? {} : { startsWith: { reason: filter.reasonPrefix } }),
    from: filter.from,
    to: filter.to,
  };
  const { page, page_size } = paging;
  const [docs, total] = await Promise.all([
    services.documents.find("telemetry_events", {
      ...query,
      limit: page_size,
      offset: (page - 1) * page_size,
    }),
    services.documents.count("telemetry_events", query),
  ]);
  return { items: docs.map(toTelemetryEvent), page, pageSize: page_size, total };
}

const text = (value: unknown): string | null => typeof value === "string" ? value : null;

/** A stored document in the API's shape (`kind` there is the entity kind; the document's is `event`). */
export function toTelemetryEvent(doc: Document): TelemetryEvent {
  const kind = TELEMETRY_ENTITY_KINDS.find((k) => k === doc.entityKind) ?? null;
  return {
    id: doc.id,
    timestamp: doc.timestamp.toISOString(),
    event: text(doc.kind) ?? "unknown",
    kind,
    entityId: text(doc.entityId),
    topic: text(doc.topic),
    reason: text(doc.reason),
    payload: doc.payload ?? null,
    shard: Number.isInteger(doc.shard) ? doc.shard as number : null,
    expiresAt: doc.expiresAt ? doc.expiresAt.toISOString() : null,
  };
}
