/**
 * The documents role (seed 000's MongoDB collections plus seed 003's telemetry events). Implementations:
 * `mongo/` (official driver, when `MONGO_URL` is set) and `postgres/` (JSONB rows in the PostgreSQL
 * database, the default: nothing is lost when MongoDB is not configured). Both pass
 * `documents_contract.ts`.
 * @module
 */
import type { StoreStatus } from "../status.ts";

/** The collections, by name. */
export const COLLECTIONS = ["audit", "market_signals", "dispatch_log", "telemetry_events"] as const;
/** One of {@linkcode COLLECTIONS}. */
export type CollectionName = typeof COLLECTIONS[number];

/** A stored document: an id, a timestamp (range queries, sorting) and any JSON fields. */
export interface Document {
  id: string;
  timestamp: Date;
  /** When the store may delete it (telemetry_events TTL); absent: kept. */
  expiresAt?: Date;
  [field: string]: unknown;
}

/**
 * A document to insert; `id` is generated when absent (inserting an existing id is a no-op).
 * (Spelled out rather than `Omit<Document, "id">`: Omit over an index signature drops `timestamp`.)
 */
export interface NewDocument {
  id?: string;
  timestamp: Date;
  expiresAt?: Date;
  [field: string]: unknown;
}

/**
 * A query: equality on top-level fields, a prefix on top-level string fields, a timestamp range, newest
 * first by default, paged.
 */
export interface DocumentQuery {
  where?: Record<string, string | number | boolean | null>;
  /**
   * Top-level string fields that must start with the given text (case-sensitive; a field that is not a
   * string never matches). Both backends answer it from an index on the field where one exists.
   */
  startsWith?: Record<string, string>;
  /** Inclusive lower bound on `timestamp`. */
  from?: Date;
  /** Exclusive upper bound on `timestamp`. */
  to?: Date;
  /** By `timestamp`. @default {"desc"} */
  sort?: "asc" | "desc";
  /** @default {100} */
  limit?: number;
  /** @default {0} */
  offset?: number;
}

/** The documents store. */
export interface DocumentStore {
  readonly backend: "mongo" | "postgres";
  /** Inserts documents; returns their ids. Idempotent per id. */
  insert(collection: CollectionName, docs: NewDocument[]): Promise<string[]>;
  find(collection: CollectionName, query?: DocumentQuery): Promise<Document[]>;
  count(
    collection: CollectionName,
    query?: Omit<DocumentQuery, "limit" | "offset" | "sort">,
  ): Promise<number>;
  /** Deletes every document of a collection (the seed's "clear then insert"). */
  clear(collection: CollectionName): Promise<void>;
  /** Creates indexes (timestamps, common filters, TTL on telemetry_events.expiresAt). */
  ensureIndexes(): Promise<void>;
  check(): Promise<StoreStatus>;
  close(): Promise<void>;
}
