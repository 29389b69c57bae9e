/**
 * Test databases: a fresh, migrated database per test (file), on the embedded PGlite and, when
 * `DATABASE_URL` is set, also on that real server (a new database created there and dropped after),
 * so tests never share state and never touch the shared `test` database's tables.
 *
 * A `DATABASE_URL` that is set but unreachable fails the test: it never silently skips.
 *
 * @example
 * ```ts
 * import { pgBackends, withTestDatabase } from "./stores/postgres/testing.ts";
 * for (const backend of pgBackends()) {
 *   Deno.test(`plants table exists (${backend})`, () =>
 *     withTestDatabase(backend, async ({ sql }) => {
 *       await sql`select count(*) from plants`;
 *     }));
 * }
 * ```
 * @module
 */
import postgres from "postgres";
import { tmpdir } from "node:os";
import { loadConfig } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import { clientOptions, openPostgres, type PostgresStore, type Sql, type Tx } from "./client.ts";
import { loadMigrations, migrate, type Migration } from "./migrate.ts";
import { ensurePartitions } from "./partitions.ts";

/** Which PostgreSQL a test runs on. */
export type PgBackend = "embedded" | "external";

/** The backends tests should run on: always embedded; external too when `DATABASE_URL` is set. */
export function pgBackends(): PgBackend[] {
  return externalUrl() ? ["embedded", "external"] : ["embedded"];
}

/** The configured server URL for tests, if any. */
export function externalUrl(): string | undefined {
  return loadConfig(Deno.env.toObject()).postgres.url;
}

/** A migrated database for one test. */
export interface TestDatabase {
  sql: Sql;
  backend: PgBackend;
  /** A URL another client (a second process, the app under test) can connect with. */
  url: string;
  /** Embedded only: the data directory (for restart tests). */
  dataDir?: string;
  store: PostgresStore;
  close(): Promise<void>;
}

/** Options for {@linkcode openTestDatabase}. */
export interface TestDatabaseOptions {
  /** The migrations to apply (a test of a migration stops before it). @default {every migration} */
  migrations?: Migration[];
}

/**
 * Opens a fresh database on `backend`, migrated and with the readings' partitions of the current and
 * coming months (as GridPulse's start makes them). Close it (or use {@linkcode withTestDatabase}).
 */
export async function openTestDatabase(
  backend: PgBackend,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrations = options.migrations ?? await loadMigrations();
  if (backend === "embedded") {
    const dataDir = await Deno.makeTempDir({ prefix: "gridpulse-pg-" });
    await copyDir(await migratedTemplate(migrations), `${dataDir}/pg`);
    const store = await openPostgres({ dataDir, log: silentLogger });
    // a template made in an earlier month lacks this month's partitions
    await prepare(store.sql, migrations);
    return {
      sql: store.sql,
      backend,
      url: "(embedded: single connection)",
      dataDir,
      store,
      close: async () => {
        await store.close();
        await Deno.remove(dataDir, { recursive: true }).catch(() => {});
      },
    };
  }
  const base = externalUrl();
  if (!base) throw new Error("DATABASE_URL is not set: no external PostgreSQL to test against");
  const name = `gp_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(base, clientOptions(1));
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const store = await openPostgres({
    url: url.toString(),
    log: silentLogger,
    max: 4,
    connectTimeoutMs: 5_000,
  });
  await prepare(store.sql, migrations);
  return {
    sql: store.sql,
    backend,
    url: url.toString(),
    store,
    close: async () => {
      await store.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Runs `fn` with a fresh migrated database and always cleans it up. */
export async function withTestDatabase<T>(
  backend: PgBackend,
  fn: (db: TestDatabase) => Promise<T>,
  options: TestDatabaseOptions = {},
): Promise<T> {
  const db = await openTestDatabase(backend, options);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Other connections to an external test database (`db.url`), for tests of concurrent writers: the app's
 * pool is busy with the request under test, these hold the competing transactions. Close with `end()`.
 */
export function otherConnections(db: TestDatabase, max = 3): Sql {
  if (db.backend !== "external") throw new Error("The embedded database accepts one connection");
  return postgres(db.url, clientOptions(max)) as unknown as Sql;
}

/** A transaction held open on its own connection until the test commits or rolls it back. */
export interface HeldTransaction {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Runs `statements` in a transaction of `sql` and keeps it open (its locks held) until told. */
export async function holdTransaction(
  sql: Sql,
  statements: (tx: Tx) => Promise<unknown>,
): Promise<HeldTransaction> {
  const rollback = new Error("rolled back by the test");
  let decide!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (decide = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = sql.begin(async (tx) => {
    await statements(tx);
    held();
    if (!(await decided)) throw rollback;
  }).then(() => {}, (error) => {
    if (error !== rollback) throw error;
  });
  await Promise.race([holding, done]);
  return {
    commit: () => (decide(true), done),
    rollback: () => (decide(false), done),
  };
}

/**
 * Waits until at least `count` sessions of the database wait for a lock (`pg_stat_activity`), i.e. the
 * statements under test are blocked by a held transaction; throws with `what` after `timeoutMs`.
 */
export async function waitForLockWaiters(
  sql: Sql,
  count: number,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`No ${count} lock waiters after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Fills `dataDir` with a copy of the migrated embedded database, so GridPulse started on it (a browser
 * test's app) skips initdb and the migrations.
 */
export async function prepareEmbeddedDataDir(dataDir: string): Promise<void> {
  await copyDir(await migratedTemplate(await loadMigrations()), `${dataDir}/pg`);
}

/** Applies `migrations` and makes the partitions GridPulse's start would make. */
async function prepare(sql: Sql, migrations: Migration[]): Promise<void> {
  await migrate(sql, migrations);
  await ensurePartitions(sql, Date.now());
}

/**
 * A migrated embedded data directory, made once per migration set and machine and then copied: running
 * initdb and every migration takes seconds, copying the result takes milliseconds.
 */
async function migratedTemplate(migrations: Migration[]): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(migrations.map((m) => m.checksum).join()),
  );
  const id = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  const root = `${tmpdir()}/gridpulse-pg-template-${id}`;
  const ready = `${root}/ready`;
  if (await exists(ready)) return `${root}/pg`;
  const building = `${root}.building-${crypto.randomUUID()}`;
  const store = await openPostgres({ dataDir: building, log: silentLogger });
  try {
    await prepare(store.sql, migrations);
  } finally {
    await store.close();
  }
  await Deno.writeTextFile(`${building}/ready`, "");
  // Another test process may have finished first: the rename fails and its copy serves both.
  await Deno.rename(building, root).catch(() => Deno.remove(building, { recursive: true }));
  return `${root}/pg`;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = `${from}/${entry.name}`;
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyDir(src, dst);
    else if (entry.isFile) await Deno.copyFile(src, dst);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
