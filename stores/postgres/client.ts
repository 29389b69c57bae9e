/**
 * The PostgreSQL connection every query goes through (postgres.js), to a configured server or to the
 * embedded PGlite served over the wire protocol, so the same SQL runs on both.
 *
 * @example
 * ```ts
 * import { openPostgres } from "./stores/postgres/client.ts";
 * import { silentLogger } from "./core/log.ts";
 * const pg = await openPostgres({ dataDir: "./data", log: silentLogger });
 * console.log(await pg.sql`select 1 as one`);
 * await pg.close();
 * ```
 * @module
 */
import postgres from "postgres";
import type { Logger } from "../../core/log.ts";
import { StoreUnavailableError } from "../../core/errors.ts";
import { retry } from "../../core/retry.ts";
import { startEmbeddedPostgres } from "./embedded.ts";

/** A postgres.js query function. */
export type Sql = postgres.Sql<Record<string, unknown>>;
/** A postgres.js transaction. */
export type Tx = postgres.TransactionSql<Record<string, unknown>>;

/** An open PostgreSQL store. */
export interface PostgresStore {
  sql: Sql;
  backend: "embedded" | "external";
  /** Where it is, with any password masked. */
  location: string;
  /** False when commits can be lost on an OS crash (see embedded.ts). */
  durable: boolean;
  /** Round-trip time of `select 1` in ms; throws when unreachable. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

/** Options for {@linkcode openPostgres}. */
export interface OpenPostgresOptions {
  /** Server URL; when absent the embedded PGlite under `dataDir/pg` is used. */
  url?: string;
  /** @default {"./data"} */
  dataDir?: string;
  log: Logger;
  /** Pool size for an external server (the embedded one always gets 1). @default {10} */
  max?: number;
  /** How long to keep retrying while the server comes up. @default {30000} */
  connectTimeoutMs?: number;
}

/** Masks the password of a connection URL for logs and `/api/ready`. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** postgres.js options shared by every connection: bigint as number, no notice noise. */
export function clientOptions(max: number): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 0,
    types: {
      bigint: {
        to: 20,
        from: [20],
        parse: (x: string) => Number(x),
        serialize: (x: number) => String(x),
      },
    },
  };
}

/**
 * Connects to PostgreSQL, retrying with backoff while the server comes up.
 *
 * @throws {StoreUnavailableError} when the server stays unreachable past `connectTimeoutMs`.
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<PostgresStore> {
  const { log, connectTimeoutMs = 30_000 } = options;
  if (options.url) {
    const sql = postgres(options.url, clientOptions(options.max ?? 10)) as unknown as Sql;
    const location = maskUrl(options.url);
    await waitForServer(sql, location, connectTimeoutMs, log);
    return {
      sql,
      backend: "external",
      location,
      durable: true,
      ping: () => ping(sql),
      close: () => sql.end(),
    };
  }
  const embedded = await startEmbeddedPostgres(options.dataDir ?? "./data", { log });
  // PGlite serves one connection at a time: one pooled connection, shared by every caller in this isolate.
  const sql = postgres(embedded.url, clientOptions(1)) as unknown as Sql;
  try {
    await waitForServer(sql, embedded.dataPath, connectTimeoutMs, log);
  } catch (error) {
    await embedded.close();
    throw error;
  }
  return {
    sql,
    backend: "embedded",
    location: embedded.dataPath,
    durable: embedded.durable,
    ping: () => ping(sql),
    close: async () => {
      await sql.end({ timeout: 5 });
      await embedded.close();
    },
  };
}

async function ping(sql: Sql): Promise<number> {
  const started = performance.now();
  await sql`select 1`;
  return performance.now() - started;
}

async function waitForServer(sql: Sql, location: string, timeoutMs: number, log: Logger): Promise<void> {
  try {
    await retry(() => sql`select 1`, {
      timeoutMs,
      minDelayMs: 200,
      maxDelayMs: 3_000,
      onRetry: (error, attempt, delayMs) =>
        log.warn("postgres not reachable yet, retrying", {
          store: "postgres",
          location,
          attempt,
          delayMs,
          error,
        }),
    });
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new StoreUnavailableError(
      "postgres",
      `PostgreSQL at ${location} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
