/**
 * The document fields the API filters on, per collection: both backends index exactly these (MongoDB
 * compound indexes with the timestamp, PostgreSQL expression indexes in migration 0010), so a filtered
 * "newest first" page never scans a whole collection. (PostgreSQL indexes telemetry_events' `reason` and
 * `topic` with `text_pattern_ops`, migration 0130, so the same index serves equality and a prefix.)
 * @module
 */
import type { CollectionName } from "./documents.ts";

/** Filterable top-level fields per collection (besides `id` and the timestamp range). */
export const FILTER_FIELDS: Readonly<Record<CollectionName, readonly string[]>> = {
  audit: ["action", "userId", "entity"],
  market_signals: ["market"],
  dispatch_log: ["market", "plantName"],
  telemetry_events: ["kind", "entityId", "entityKind", "reason", "topic"],
};

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Fields a query may not filter with `where` (use `from`/`to` for the timestamp). */
const RESERVED = new Set(["timestamp", "expiresAt", "_id"]);

/**
 * Checks a `where` field name; names are inlined in SQL and MongoDB paths, so only plain identifiers pass.
 *
 * @throws {TypeError} for anything but a plain identifier, or a reserved field.
 */
export function assertFieldName(field: string): void {
  if (!FIELD.test(field)) {
    throw new TypeError(`Cannot filter on field ${JSON.stringify(field)}: not a plain name`);
  }
  if (RESERVED.has(field)) {
    throw new TypeError(`Cannot filter on ${field} with where: use from/to for the timestamp range`);
  }
}

/** Checks a document's timestamp and expiry before it is stored. */
export function assertDocumentDates(doc: { timestamp: unknown; expiresAt?: unknown }): void {
  if (!(doc.timestamp instanceof Date) || Number.isNaN(doc.timestamp.getTime())) {
    throw new TypeError("Document timestamp must be a valid Date");
  }
  if (
    doc.expiresAt !== undefined && (!(doc.expiresAt instanceof Date) || Number.isNaN(doc.expiresAt.getTime()))
  ) {
    throw new TypeError("Document expiresAt must be a valid Date when present");
  }
}
