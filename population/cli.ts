/**
 * The command-line frame of the seed scripts: reads the configuration, opens PostgreSQL (DATABASE_URL or
 * the embedded database) and the documents store, applies migrations, runs the script with a progress
 * printer, prints the summary table, and turns the expected failures (bad configuration, a store that is
 * unreachable, the embedded database held by a running GridPulse) into one clear line and exit code 1,
 * never a stack trace.
 * @module
 */
import { type Config, ConfigError, loadConfig } from "../core/config.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { createLogger, type Logger } from "../core/log.ts";
import { openPostgres, type PostgresStore, type Sql } from "../stores/postgres/client.ts";
import { migrate } from "../stores/postgres/migrate.ts";
import { ensurePartitions } from "../stores/postgres/partitions.ts";
import { COLLECTIONS, type DocumentStore } from "../stores/documents/documents.ts";
import { openDocuments } from "../stores/open.ts";
import { formatProgress, type OnProgress, summaryTable } from "./progress.ts";

/** What a seed script gets from {@linkcode runCli}. */
export interface CliContext {
  config: Config;
  log: Logger;
  sql: Sql;
  documents: DocumentStore;
  progress: OnProgress;
  args: string[];
}

/** The tables the summary counts. */
export const SEEDED_TABLES = [
  "portfolios",
  "sites",
  "meters",
  "assets",
  "asset_connections",
  "energy_sources",
  "grid_links",
  "recommendations",
  "measurements",
  "plants",
  "flexibility_offers",
  "meter_readings",
  "alerts",
  "vens",
  "ven_loads",
  "ven_telemetry",
  "ven_load_samples",
  "ven_statuses",
  "adr_programs",
  "adr_events",
  "adr_participation",
  "users",
  "alert_rules",
  "ingestion_log",
  "rollup_1m",
  "rollup_10m",
  "rollup_30m",
  "rollup_3h",
  "rollup_6h",
];

const err = (line: string) => console.error(line);

/** Runs a seed script `fn` as a CLI; exits non-zero with a one-line reason on an expected failure. */
export async function runCli(name: string, fn: (ctx: CliContext) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(error.message);
    Deno.exit(2);
  }
  const log = createLogger({ level: config.logLevel === "debug" ? "debug" : "warn" });
  const started = performance.now();
  let pg: PostgresStore | undefined;
  let documents: DocumentStore | undefined;
  try {
    pg = await openPostgres({ url: config.postgres.url, dataDir: config.dataDir, log });
    err(`${name}: PostgreSQL ${pg.backend === "embedded" ? "embedded in " : "at "}${pg.location}`);
    await migrate(pg.sql);
    // the readings' month partitions, as GridPulse's start makes them, so seeded readings go straight there
    await ensurePartitions(pg.sql, Date.now());
    documents = await openDocuments(config, { sql: pg.sql, log, location: pg.location });
    err(`${name}: documents in ${documents.backend === "mongo" ? "MongoDB" : "PostgreSQL"}`);
    await fn({
      config,
      log,
      sql: pg.sql,
      documents,
      progress: (p) => err(formatProgress(p)),
      args: Deno.args,
    });
    console.log(await summary(pg.sql, documents));
    err(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    err(`${name}: ${describe(error)}`);
    if (config.logLevel === "debug") console.error(error);
    Deno.exitCode = 1;
  } finally {
    await documents?.close().catch(() => {});
    await pg?.close().catch(() => {});
  }
}

/** One line for an error: its message, and its cause's when that adds something. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message)
    ? ` (${error.cause.message})`
    : "";
  const prefix = error instanceof StoreUnavailableError ? "" : `${error.name}: `;
  return `${prefix}${error.message}${cause}`;
}

/** Rows per table and documents per collection, as a printed table. */
export async function summary(sql: Sql, documents: DocumentStore): Promise<string> {
  const counts: [string, number][] = [];
  for (const table of SEEDED_TABLES) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`;
    counts.push([table, n]);
  }
  for (const name of COLLECTIONS) {
    counts.push([`${documents.backend === "mongo" ? "mongo" : "doc"}:${name}`, await documents.count(name)]);
  }
  return summaryTable("table / collection", counts);
}
