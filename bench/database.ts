/**
 * The database of a run. With `DATABASE_URL` set: a FRESH database created on that server for the run
 * and dropped after (never the tables of the shared `test` database). Without: an embedded PGlite in a
 * temporary data directory, which serves one connection, so the bench holds it only while the app is
 * not running ({@linkcode BenchDatabase.release} / {@linkcode BenchDatabase.reopen}).
 *
 * @example
 * ```ts ignore
 * import { openBenchDatabase } from "./bench/database.ts";
 * const db = await openBenchDatabase(Deno.env.get("DATABASE_URL"));
 * const ids = await db.insertPlants(1000);
 * await db.close();
 * ```
 * @module
 */
import postgres from "postgres";
import { silentLogger } from "../core/log.ts";
import {
  clientOptions,
  maskUrl,
  openPostgres,
  type PostgresStore,
  type Sql,
} from "../stores/postgres/client.ts";
import { migrate } from "../stores/postgres/migrate.ts";

/** The database of a run. */
export interface BenchDatabase {
  kind: "external" | "embedded";
  /** What the app gets in its environment to use this database. */
  appEnv: Record<string, string>;
  /** Where it is (password masked). */
  location: string;
  /** The bench's connection; throws while released (embedded, app running). */
  readonly sql: Sql;
  /** Server version, e.g. "PostgreSQL 15.20". */
  version: string;
  /** Inserts `count` plants (capacity 1000 MW, 60 s expected interval) and returns their ids. */
  insertPlants(count: number, options?: { expectedIntervalS?: number }): Promise<string[]>;
  /** Embedded: closes the bench's connection so the app can have it. External: nothing. */
  release(): Promise<void>;
  /** Embedded: opens the bench's connection again once the app stopped. External: nothing. */
  reopen(): Promise<void>;
  /**
   * Process ids of the server's backends serving this database (to sample their CPU when the server
   * runs on this machine); empty for the embedded one, which runs inside the app.
   */
  backendPids(): Promise<number[]>;
  /** Drops the database (external) or removes the data directory (embedded). */
  close(): Promise<void>;
}

const RUN = crypto.randomUUID().replaceAll("-", "").slice(0, 12);

async function serverVersion(sql: Sql): Promise<string> {
  const [row] = await sql`select current_setting('server_version') as v`;
  return `PostgreSQL ${String(row.v).split(" ")[0]}`;
}

/** Inserts plants in one statement per 20k (generate_series: no parameters to ship). */
async function insertPlants(sql: Sql, count: number, expectedIntervalS = 60): Promise<string[]> {
  const ids: string[] = [];
  const batch = 20_000;
  for (let from = 0; from < count; from += batch) {
    const n = Math.min(batch, count - from);
    const prefix = `bench-${RUN}-${crypto.randomUUID().slice(0, 8)}-`;
    const rows = await sql`
      insert into plants (name, asset_type, capacity_mw, expected_interval_s)
      select ${prefix} || g, 'solar', 1000, ${expectedIntervalS}::int from generate_series(1, ${n}::int) g
      returning id`;
    for (const row of rows) ids.push(String(row.id));
  }
  return ids;
}

async function openExternal(baseUrl: string): Promise<BenchDatabase> {
  const name = `gp_bench_${RUN}`;
  const admin = postgres(baseUrl, clientOptions(1));
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let store: PostgresStore | undefined;
  try {
    store = await openPostgres({ url: url.toString(), log: silentLogger, max: 4, connectTimeoutMs: 5_000 });
    await migrate(store.sql);
  } catch (error) {
    await store?.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    throw error;
  }
  const opened = store;
  return {
    kind: "external",
    appEnv: { DATABASE_URL: url.toString() },
    location: maskUrl(url.toString()),
    sql: opened.sql,
    version: await serverVersion(opened.sql),
    insertPlants: (count, options) => insertPlants(opened.sql, count, options?.expectedIntervalS),
    release: () => Promise.resolve(),
    reopen: () => Promise.resolve(),
    backendPids: async () =>
      (await opened.sql`select pid from pg_stat_activity where datname = current_database()`).map((r) =>
        Number(r.pid)
      ),
    close: async () => {
      await opened.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function openEmbedded(): Promise<BenchDatabase> {
  const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-bench-data-" });
  let store: PostgresStore | undefined = await openPostgres({ dataDir, log: silentLogger });
  await migrate(store.sql);
  const version = `${await serverVersion(store.sql)} (embedded PGlite)`;
  const current = () => {
    if (!store) throw new Error("the embedded database is held by the app: one connection at a time");
    return store;
  };
  return {
    kind: "embedded",
    appEnv: { DATA_DIR: dataDir },
    location: `${dataDir}/pg`,
    get sql() {
      return current().sql;
    },
    version,
    insertPlants: (count, options) => insertPlants(current().sql, count, options?.expectedIntervalS),
    release: async () => {
      await store?.close();
      store = undefined;
    },
    reopen: async () => {
      store ??= await openPostgres({ dataDir, log: silentLogger });
    },
    backendPids: () => Promise.resolve([]),
    close: async () => {
      await store?.close();
      store = undefined;
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Opens the run's database: a fresh one on `url`'s server, or an embedded one when `url` is undefined. */
export function openBenchDatabase(url: string | undefined): Promise<BenchDatabase> {
  return url ? openExternal(url) : openEmbedded();
}
