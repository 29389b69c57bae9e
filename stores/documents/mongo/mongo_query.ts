/**
 * MongoDB filters, sorts, index specifications and document mapping, as plain data from pure
 * functions, unit-tested without a server. Documents keep their id in `_id` and their timestamp and
 * expiry as BSON dates, so range queries and the TTL index work natively.
 * @module
 */
import type { CollectionName, Document, DocumentQuery, NewDocument } from "../documents.ts";
import { assertDocumentDates, assertFieldName, FILTER_FIELDS } from "../filter_fields.ts";

/** A MongoDB filter document. */
export type MongoFilter = Record<string, unknown>;

/** One index to ensure: key pattern and options, as passed to `createIndexes`. */
export interface MongoIndexSpec {
  key: Record<string, 1 | -1>;
  name: string;
  expireAfterSeconds?: number;
}

/** The filter of a query at time `now`: equality on fields, timestamp range, expired documents excluded. */
export function mongoFilter(query: Omit<DocumentQuery, "limit" | "offset" | "sort">, now: Date): MongoFilter {
  const filter: MongoFilter = {};
  for (const [field, value] of Object.entries(query.where ?? {})) {
    assertFieldName(field);
    filter[field === "id" ? "_id" : field] = field === "id" ? String(value) : value;
  }
  const prefixes: MongoFilter[] = [];
  for (const [field, prefix] of Object.entries(query.startsWith ?? {})) {
    assertFieldName(field);
    if (typeof prefix !== "string") throw new TypeError(`startsWith.${field} must be a string`);
    // an anchored, case-sensitive regular expression without metacharacters is an index range scan
    prefixes.push({ [field === "id" ? "_id" : field]: { $regex: `^${escapeRegExp(prefix)}` } });
  }
  if (prefixes.length > 0) filter.$and = prefixes;
  const range: Record<string, Date> = {};
  if (query.from) range.$gte = validDate(query.from, "from");
  if (query.to) range.$lt = validDate(query.to, "to");
  if (Object.keys(range).length > 0) filter.timestamp = range;
  // $not/$lte also matches documents without expiresAt: "not expired yet" rather than "expires later".
  filter.expiresAt = { $not: { $lte: now } };
  return filter;
}

/** Sort by timestamp, then id for a stable order across equal timestamps. */
export function mongoSort(query: DocumentQuery): Record<string, 1 | -1> {
  const dir = (query.sort ?? "desc") === "asc" ? 1 : -1;
  return { timestamp: dir, _id: dir };
}

/** Skip and limit of a query (defaults 0 and 100). */
export function mongoPage(query: DocumentQuery): { skip: number; limit: number } {
  const skip = query.offset ?? 0;
  const limit = query.limit ?? 100;
  for (const [name, n] of [["offset", skip], ["limit", limit]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${n}`);
  }
  return { skip, limit };
}

/** The indexes of a collection: timestamp desc, each filter field with the timestamp, TTL on expiresAt. */
export function mongoIndexSpecs(collection: CollectionName): MongoIndexSpec[] {
  const specs: MongoIndexSpec[] = [{ key: { timestamp: -1 }, name: "timestamp_desc" }];
  for (const field of FILTER_FIELDS[collection]) {
    specs.push({ key: { [field]: 1, timestamp: -1 }, name: `${field}_timestamp_desc` });
  }
  if (collection === "telemetry_events") {
    specs.push({ key: { expiresAt: 1 }, name: "expiresAt_ttl", expireAfterSeconds: 0 });
  }
  return specs;
}

/** A stored MongoDB document. */
export interface MongoDocument {
  _id: string;
  timestamp: Date;
  expiresAt?: Date;
  [field: string]: unknown;
}

/** The stored form of a new document (its id already chosen). */
export function toMongo(doc: NewDocument & { id: string }): MongoDocument {
  assertDocumentDates(doc);
  const { id, ...rest } = doc;
  const out: MongoDocument = { ...rest, _id: id, timestamp: doc.timestamp };
  if (doc.expiresAt === undefined) delete out.expiresAt;
  return out;
}

/** The {@linkcode Document} of a stored one. */
export function fromMongo(raw: MongoDocument): Document {
  const { _id, ...rest } = raw;
  return { ...rest, id: String(_id), timestamp: raw.timestamp };
}

/** `text` with every regular-expression metacharacter escaped, so it matches itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function validDate(date: Date, name: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`${name} must be a valid Date`);
  }
  return date;
}
