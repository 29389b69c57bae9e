/**
 * The store factories main.ts calls: each picks the backend the configuration names and opens it. A
 * configured store that is unreachable at start throws `StoreUnavailableError` naming the store and its
 * URL (password masked); one that drops later is retried with backoff by its adapter and reported by its
 * `check()`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./core/config.ts";
 * import { createLogger } from "./core/log.ts";
 * import { openCache, openSeries } from "./stores/open.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const log = createLogger();
 * const cache = await openCache(config, { log });
 * const series = await openSeries(config, { log }); // undefined unless INFLUX_URL is set
 * await cache.close();
 * await series?.close();
 * ```
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import type { Sql } from "./postgres/client.ts";
import type { Cache } from "./cache/cache.ts";
import type { DocumentStore } from "./documents/documents.ts";
import type { SeriesSink } from "./series/series.ts";
import { openMemoryCache } from "./cache/memory/memory_cache.ts";
import { openRedisCache } from "./cache/redis/redis_cache.ts";
import { openPostgresDocuments } from "./documents/postgres/postgres_documents.ts";
import { openMongoDocuments } from "./documents/mongo/mongo_documents.ts";
import { openInfluxSeries } from "./series/influx/influx_series.ts";

/**
 * Redis when `REDIS_URL` is set, else the in-process cache.
 *
 * @throws {StoreUnavailableError} when Redis is configured and unreachable.
 */
export async function openCache(config: Config, { log }: { log: Logger }): Promise<Cache> {
  if (config.redis.url) return await openRedisCache({ url: config.redis.url, log });
  return openMemoryCache();
}

/** Options for {@linkcode openDocuments}. */
export interface OpenDocumentsOptions {
  /** The open, migrated PostgreSQL connection (used when MongoDB is not configured). */
  sql: Sql;
  log: Logger;
  /** The PostgreSQL location, shown by `check()` on the fallback. */
  location?: string;
}

/**
 * MongoDB when `MONGO_URL` is set (indexes ensured), else JSONB tables in PostgreSQL.
 *
 * @throws {StoreUnavailableError} when MongoDB is configured and unreachable.
 */
export async function openDocuments(config: Config, options: OpenDocumentsOptions): Promise<DocumentStore> {
  if (config.mongo.url) {
    return await openMongoDocuments({ url: config.mongo.url, db: config.mongo.db, log: options.log });
  }
  return openPostgresDocuments({ sql: options.sql, log: options.log, location: options.location });
}

/**
 * InfluxDB when `INFLUX_URL` (and token, org, bucket) are set, else `undefined` (no series sink).
 *
 * @throws {StoreUnavailableError} when InfluxDB is configured and unreachable.
 */
export async function openSeries(config: Config, { log }: { log: Logger }): Promise<SeriesSink | undefined> {
  if (!config.influx) return undefined;
  return await openInfluxSeries({ ...config.influx, log });
}
