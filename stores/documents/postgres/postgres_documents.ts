/**
 * The documents store on PostgreSQL, the default when `MONGO_URL` is not set: each collection is a table
 * of JSONB documents (`doc_audit`, `doc_market_signals`, `doc_dispatch_log`, `doc_telemetry_events`:
 * `id`, `ts`, `body`, `expires_at`), so nothing is lost without MongoDB. Expired documents are invisible
 * at once and deleted by a periodic sweeper (MongoDB's TTL monitor does the same job there).
 *
 * @example
 * ```ts
 * import { openPostgresDocuments } from "./stores/documents/postgres/postgres_documents.ts";
 * // const documents = openPostgresDocuments({ sql, log });
 * // await documents.insert("audit", [{ timestamp: new Date(), action: "login", userId: "admin" }]);
 * ```
 * @module
 */
import type { Logger } from "../../../core/log.ts";
import type { Sql } from "../../postgres/client.ts";
import type { StoreStatus } from "../../status.ts";
import type { CollectionName, Document, DocumentQuery, DocumentStore, NewDocument } from "../documents.ts";
import { pgCount, pgFind, pgInsert, tableOf } from "./pg_query.ts";

/** Options for {@linkcode openPostgresDocuments}. */
export interface PostgresDocumentsOptions {
  sql: Sql;
  log: Logger;
  /** How often expired telemetry events are deleted; 0 turns the sweeper off. @default {60000} */
  sweepIntervalMs?: number;
  /** Shown by `check()` (the database location, password masked). */
  location?: string;
}

const INSERT_CHUNK = 5_000;

/** The PostgreSQL {@linkcode DocumentStore}. */
export class PostgresDocuments implements DocumentStore {
  readonly backend = "postgres" as const;
  readonly #sql: Sql;
  readonly #log: Logger;
  readonly #location?: string;
  #sweeper?: number;
  #sweeping?: Promise<unknown>;

  constructor(options: PostgresDocumentsOptions) {
    this.#sql = options.sql;
    this.#log = options.log.child({ store: "documents" });
    this.#location = options.location;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.#sweeper = setInterval(() => {
        this.#sweeping ??= this.sweepExpired()
          .catch((error) => this.#log.warn("sweeping expired telemetry events failed", { error }))
          .finally(() => this.#sweeping = undefined);
      }, every) as unknown as number;
      Deno.unrefTimer(this.#sweeper); // never keeps a CLI alive on its own
    }
  }

  async insert(collection: CollectionName, docs: NewDocument[]): Promise<string[]> {
    const withIds = docs.map((doc) => ({ ...doc, id: doc.id ?? crypto.randomUUID() }));
    for (let i = 0; i < withIds.length; i += INSERT_CHUNK) {
      const { text, params } = pgInsert(collection, withIds.slice(i, i + INSERT_CHUNK));
      await this.#sql.unsafe(text, params as never[]);
    }
    return withIds.map((doc) => doc.id);
  }

  async find(collection: CollectionName, query: DocumentQuery = {}): Promise<Document[]> {
    const { text, params } = pgFind(collection, query);
    const rows = await this.#sql.unsafe<
      { id: string; ts: Date; body: Record<string, unknown>; expires_at: Date | null }[]
    >(
      text,
      params as never[],
    );
    return rows.map((row) => ({
      ...row.body,
      id: row.id,
      timestamp: new Date(row.ts),
      ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
    }));
  }

  async count(
    collection: CollectionName,
    query: Omit<DocumentQuery, "limit" | "offset" | "sort"> = {},
  ): Promise<number> {
    const { text, params } = pgCount(collection, query);
    const [row] = await this.#sql.unsafe<{ n: number }[]>(text, params as never[]);
    return row.n;
  }

  async clear(collection: CollectionName): Promise<void> {
    await this.#sql.unsafe(`DELETE FROM ${tableOf(collection)}`);
  }

  /** The tables and their indexes come from the migrations; nothing to create at run time. */
  ensureIndexes(): Promise<void> {
    return Promise.resolve();
  }

  /** Deletes expired telemetry events now; returns how many. */
  async sweepExpired(): Promise<number> {
    const rows = await this.#sql`
      DELETE FROM doc_telemetry_events WHERE expires_at IS NOT NULL AND expires_at <= now() RETURNING 1`;
    if (rows.length > 0) this.#log.debug("expired telemetry events deleted", { count: rows.length });
    return rows.length;
  }

  async check(): Promise<StoreStatus> {
    const base = {
      store: "documents",
      backend: "PostgreSQL (JSONB)",
      required: true,
      ...(this.#location ? { location: this.#location } : {}),
    };
    const started = performance.now();
    try {
      await this.#sql`select 1`;
      return { ...base, state: "up", latencyMs: performance.now() - started };
    } catch (error) {
      return { ...base, state: "down", error: (error as Error).message };
    }
  }

  /** Stops the sweeper; the SQL connection belongs to the caller. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    await this.#sweeping;
  }
}

/** Opens the documents store on an open PostgreSQL connection (migrated). */
export function openPostgresDocuments(options: PostgresDocumentsOptions): PostgresDocuments {
  return new PostgresDocuments(options);
}
