/**
 * Starts GridPulse from a {@linkcode Config}: stores, migrations, the web app, then the HTTP server.
 * main.ts calls it with the environment's configuration; start-up tests call it with a temp data dir
 * and port 0. Prints one line per store saying which backend serves it, and the URL to open.
 * @module
 */
import { App, build, staticFiles } from "fresh";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import type { Services, State } from "./services.ts";
import type { StoreStatus } from "../stores/status.ts";
import { openPostgres, type PostgresStore } from "../stores/postgres/client.ts";
import { migrate } from "../stores/postgres/migrate.ts";
import { openCache, openDocuments, openSeries } from "../stores/open.ts";
import { retry } from "./retry.ts";
import { isEmpty, populate } from "../population/run_all.ts";
import { mapError } from "../api/errors.ts";
import { ensureAdminUser } from "../auth/bootstrap.ts";
import { formatProgress } from "../population/progress.ts";
import { startAdrEventSweeper } from "../api/adr_events.ts";

/** Options for {@linkcode startGridPulse}. */
export interface BootOptions {
  /** @default {a structured logger at config.logLevel} */
  log?: Logger;
  /** Where the start-up lines go. @default {console.log} */
  print?: (line: string) => void;
  /** Seed an empty embedded database with the demo data. @default {true} */
  seed?: boolean;
}

/** A running GridPulse. */
export interface RunningGridPulse {
  services: Services;
  app: App<State>;
  /** The URL the HTTP server listens on (with the real port when PORT was 0). */
  url: string;
  /** Stops everything in reverse order of start. */
  stop(): Promise<void>;
}

/** Starts GridPulse; on any start-up error what was already started is stopped again. */
export async function startGridPulse(config: Config, options: BootOptions = {}): Promise<RunningGridPulse> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const print = options.print ?? ((line: string) => console.log(line));
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch((error) => log.error("stop failed", { error }));
    stack.length = 0;
  };
  try {
    const postgres = await openPostgres({ url: config.postgres.url, dataDir: config.dataDir, log });
    stack.push(() => postgres.close());
    // Seed 002: migrations at start, retrying while the database comes up.
    const applied = await retry(() => migrate(postgres.sql), { maxAttempts: 5, minDelayMs: 500 });
    if (applied.length) log.info("migrations applied", { versions: applied });
    print(`postgres   ${describePostgres(postgres)}`);

    const documents = await openDocuments(config, { sql: postgres.sql, log, location: postgres.location });
    stack.push(() => documents.close());
    print(
      `documents  ${
        documents.backend === "mongo" ? `MongoDB (${config.mongo.db})` : "PostgreSQL JSONB tables"
      }`,
    );

    const cache = await openCache(config, { log });
    stack.push(() => cache.close());
    print(`cache      ${cache.backend === "redis" ? "Redis" : "in-process"}`);

    const series = await openSeries(config, { log });
    if (series) stack.push(() => series.close());
    print(`series     ${series ? `InfluxDB (${config.influx!.bucket})` : "off (INFLUX_URL not set)"}`);

    const services: Services = {
      config,
      log,
      postgres,
      sql: postgres.sql,
      documents,
      cache,
      series,
      health: () => health(services),
    };

    // The first start creates `admin` (ADMIN_PASSWORD, or a generated password printed once).
    await ensureAdminUser(services, { print });

    // mapError: validation, store and token errors become 4xx/503 problems instead of 500s.
    const app = new App<State>({ mapError });
    app.use(staticFiles());
    app.use((ctx) => {
      ctx.state.services = services;
      return ctx.next();
    });
    await app.fsRoutes();
    await build();

    const server = Deno.serve({
      port: config.port,
      hostname: config.host,
      onListen: () => {},
    }, app.handler());
    stack.push(() => server.shutdown());
    const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${server.addr.port}`;
    print(`GridPulse is running at ${url}`);
    // ADR events become active and end on their own schedule; retained MQTT messages follow them.
    const stopSweeper = startAdrEventSweeper(services);
    stack.push(() => Promise.resolve(stopSweeper()));

    // Embedded defaults are for trying GridPulse: an empty database gets the demo data set on first start.
    if (postgres.backend === "embedded" && options.seed !== false && await isEmpty(postgres.sql)) {
      print("seeding demo data (first start on an empty embedded database)");
      const result = await populate({
        sql: postgres.sql,
        documents,
        onProgress: (p) => print(formatProgress(p)),
      });
      print(`seeded ${Object.values(result.counts).reduce((a, b) => a + b, 0)} rows and documents`);
    }
    return { services, app, url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function describePostgres(pg: PostgresStore): string {
  if (pg.backend === "external") return `PostgreSQL (${pg.location})`;
  return `embedded PGlite (${pg.location}, ${
    pg.durable ? "fsync on commit" : "NOT crash-safe"
  }; for trying GridPulse)`;
}

async function health(services: Services): Promise<StoreStatus[]> {
  const checks: Array<Promise<StoreStatus>> = [
    postgresStatus(services.postgres),
    services.documents.check(),
    services.cache.check(),
  ];
  if (services.series) checks.push(services.series.check());
  if (services.mqtt) checks.push(services.mqtt.check());
  const out = await Promise.all(checks);
  if (services.runtime) out.push(services.runtime.check());
  return out;
}

async function postgresStatus(pg: PostgresStore): Promise<StoreStatus> {
  const base = {
    store: "postgres",
    backend: pg.backend === "embedded" ? "embedded PGlite" : "PostgreSQL",
    required: true,
    location: pg.location,
    detail: pg.backend === "embedded"
      ? (pg.durable
        ? "embedded: one process, one connection; for trying GridPulse, not for keeping data"
        : "embedded without fsync: commits can be lost on an OS crash; for trying GridPulse only")
      : undefined,
  };
  try {
    return { ...base, state: "up", latencyMs: Math.round((await pg.ping()) * 10) / 10 };
  } catch (error) {
    return { ...base, state: "down", error: error instanceof Error ? error.message : String(error) };
  }
}
