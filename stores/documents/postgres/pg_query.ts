/**
 * SQL for the documents fallback, built as plain data (`{ text, params }`) by pure functions so the
 * exact statements are unit-tested without a database. String equality is written as
 * `(body ->> 'field') = $n`, the very expression migration 0010 indexes; other JSON values compare as
 * `jsonb`.
 * @module
 */
import type { CollectionName, DocumentQuery, NewDocument } from "../documents.ts";
import { assertDocumentDates, assertFieldName } from "../filter_fields.ts";

/** A statement and its parameters, for `sql.unsafe(text, params)`. */
export interface SqlText {
  text: string;
  params: unknown[];
}

const TABLES: Readonly<Record<CollectionName, string>> = {
  audit: "doc_audit",
  market_signals: "doc_market_signals",
  dispatch_log: "doc_dispatch_log",
  telemetry_events: "doc_telemetry_events",
};

/** The table of a collection. @throws {TypeError} for an unknown collection. */
export function tableOf(collection: CollectionName): string {
  const table = TABLES[collection];
  if (!table) throw new TypeError(`Unknown collection ${JSON.stringify(collection)}`);
  return table;
}

/** The WHERE clause of a query (expired documents never match), appending its parameters to `params`. */
export function pgWhere(query: Omit<DocumentQuery, "limit" | "offset" | "sort">, params: unknown[]): string {
  const parts = ["(expires_at IS NULL OR expires_at > now())"];
  const bind = (value: unknown) => `$${params.push(value)}`;
  for (const [field, value] of Object.entries(query.where ?? {})) {
    assertFieldName(field);
    if (field === "id") parts.push(`id = ${bind(String(value))}`);
    else if (value === null) parts.push(`(body -> '${field}' IS NULL OR body -> '${field}' = 'null'::jsonb)`);
    else if (typeof value === "string") parts.push(`(body ->> '${field}') = ${bind(value)}`);
    else if (typeof value === "number" || typeof value === "boolean") {
      parts.push(`(body -> '${field}') = ${bind(JSON.stringify(value))}::text::jsonb`);
    } else throw new TypeError(`where.${field} must be a string, number, boolean or null`);
  }
  for (const [field, prefix] of Object.entries(query.startsWith ?? {})) {
    assertFieldName(field);
    if (typeof prefix !== "string") throw new TypeError(`startsWith.${field} must be a string`);
    // starts_with() is answered from a text_pattern_ops index on the expression (PostgreSQL 15+); ->> also
    // turns numbers into text, so only a JSON string may match (as in MongoDB)
    if (field === "id") parts.push(`starts_with(id, ${bind(prefix)})`);
    else {
      parts.push(
        `(jsonb_typeof(body -> '${field}') = 'string' AND starts_with((body ->> '${field}'), ${
          bind(prefix)
        }))`,
      );
    }
  }
  if (query.from) parts.push(`ts >= ${bind(validDate(query.from, "from"))}::timestamptz`);
  if (query.to) parts.push(`ts < ${bind(validDate(query.to, "to"))}::timestamptz`);
  return parts.join(" AND ");
}

/** `find`: matching documents by timestamp (then id, for a stable order), paged. */
export function pgFind(collection: CollectionName, query: DocumentQuery = {}): SqlText {
  const params: unknown[] = [];
  const where = pgWhere(query, params);
  const dir = (query.sort ?? "desc") === "asc" ? "ASC" : "DESC";
  const limit = pageNumber(query.limit ?? 100, "limit");
  const offset = pageNumber(query.offset ?? 0, "offset");
  return {
    text: `SELECT id, ts, body, expires_at FROM ${tableOf(collection)} WHERE ${where} ` +
      `ORDER BY ts ${dir}, id ${dir} LIMIT ${limit} OFFSET ${offset}`,
    params,
  };
}

/** `count`. */
export function pgCount(
  collection: CollectionName,
  query: Omit<DocumentQuery, "limit" | "offset" | "sort"> = {},
): SqlText {
  const params: unknown[] = [];
  const where = pgWhere(query, params);
  return { text: `SELECT count(*)::int AS n FROM ${tableOf(collection)} WHERE ${where}`, params };
}

/** `value` with U+0000 replaced by U+FFFD in every string and key (jsonb cannot hold it). */
function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\0", "\uFFFD");
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replaceAll("\0", "\uFFFD"), withoutNul(v)]),
  );
}

/**
 * The JSON text of a document body that PostgreSQL can store: jsonb refuses `\u0000` ("unsupported
 * Unicode escape sequence"), and one such document (a dead letter of a payload holding a C string's
 * terminator) used to fail its insert forever. Strings keep everything else; U+0000 becomes U+FFFD.
 */
export function storableJson(body: unknown): string {
  const json = JSON.stringify(body);
  return json.includes("\\u0000") ? JSON.stringify(withoutNul(body)) : json;
}

/** A multi-row insert of `docs` (one statement, arrays unnested), skipping ids already present. */
export function pgInsert(collection: CollectionName, docs: (NewDocument & { id: string })[]): SqlText {
  const ids: string[] = [];
  const ts: string[] = [];
  const bodies: string[] = [];
  const expires: (string | null)[] = [];
  for (const doc of docs) {
    assertDocumentDates(doc);
    const { id, timestamp, expiresAt, ...body } = doc;
    ids.push(id);
    ts.push(timestamp.toISOString());
    bodies.push(storableJson(body));
    expires.push(expiresAt ? expiresAt.toISOString() : null);
  }
  return {
    text: `INSERT INTO ${tableOf(collection)} (id, ts, body, expires_at) ` +
      `SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[]::jsonb[], $4::timestamptz[]) ` +
      `ON CONFLICT (id) DO NOTHING`,
    params: [ids, ts, bodies, expires],
  };
}

function validDate(date: Date, name: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`${name} must be a valid Date`);
  }
  return date.toISOString();
}

function pageNumber(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${n}`);
  return n;
}
