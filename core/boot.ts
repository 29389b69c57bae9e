/**
 * Starts GridPulse from a {@linkcode Config}: stores and migrations, the broker and publisher, the web
 * app and HTTP server, the demo data (embedded defaults only), the actor runtime, the simulator. main.ts
 * calls it with the environment's configuration; start-up tests call it with a temp data dir and port 0.
 * Prints one line per store saying which backend serves it, and the URL to open.
 * @module
 */
import { type App, build } from "fresh";
import { webApp } from "./web_app.ts";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import type { Services, State } from "./services.ts";
import { retry } from "./retry.ts";
import type { StoreStatus } from "../stores/status.ts";
import { openPostgres, type PostgresStore } from "../stores/postgres/client.ts";
import { migrate } from "../stores/postgres/migrate.ts";
import { startRetention } from "../stores/postgres/retention.ts";
import { startRecommendationJob } from "../recommendations/job.ts";
import { ensurePartitions } from "../stores/postgres/partitions.ts";
import { openCache, openDocuments, openSeries } from "../stores/open.ts";
import { isEmpty, populate } from "../population/run_all.ts";
import { formatProgress } from "../population/progress.ts";
import { startSimulator } from "../population/simulate.ts";
import { ensureAdminUser } from "../auth/bootstrap.ts";
import { startAdrEventSweeper } from "../api/adr_events.ts";
import { startEmbeddedBroker } from "../mqtt/broker.ts";
import { createMqttPublisher } from "../mqtt/publisher.ts";
import { createRuntime } from "../actors/create_runtime.ts";
import { startTcpListener } from "../ingest/tcp_listener.ts";

/** Options for {@linkcode startGridPulse}. */
export interface BootOptions {
  /** @default {a structured logger at config.logLevel} */
  log?: Logger;
  /** Where the start-up lines go. @default {console.log} */
  print?: (line: string) => void;
  /** Seed an empty embedded database with the demo data. @default {true} */
  seed?: boolean;
  /** Start the actor runtime (tests of the web layer alone turn it off). @default {true} */
  runtime?: boolean;
}

/** A running GridPulse. */
export interface RunningGridPulse {
  services: Services;
  app: App<State>;
  /** The URL the HTTP server listens on (with the real port when PORT was 0). */
  url: string;
  /** The MQTT broker devices publish to. */
  mqttUrl: string;
  /** Stops everything in reverse order of start. */
  stop(): Promise<void>;
}

type Stack = Array<() => Promise<void>>;
type Print = (line: string) => void;

/** Starts GridPulse; on any start-up error what was already started is stopped again. */
export async function startGridPulse(config: Config, options: BootOptions = {}): Promise<RunningGridPulse> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const print = options.print ?? ((line: string) => console.log(line));
  const stack: Stack = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch((error) => log.error("stop failed", { error }));
    stack.length = 0;
  };
  try {
    const services = await openStores(config, log, print, stack);
    services.mqtt = await startMessaging(config, log, print, stack);
    // The first start creates `admin` (ADMIN_PASSWORD, or a generated password printed once).
    await ensureAdminUser(services, { print });
    const { app, url } = await startWeb(services, stack);
    // ADR events become active and end on their own schedule; retained MQTT messages follow them.
    const stopSweeper = startAdrEventSweeper(services);
    stack.push(() => Promise.resolve(stopSweeper()));
    // Old raw data and 1-minute rollups go after RETENTION_RAW_DAYS / RETENTION_1M_DAYS (0: kept); each
    // hourly pass also makes the coming months' partitions
    stack.push(startRetention({ sql: services.sql, log, policy: config.retention }));
    // Recommendations from the measured data: 2 minutes after start, then every RECOMMENDATIONS_INTERVAL_MINUTES
    stack.push(startRecommendationJob({
      sql: services.sql,
      log,
      intervalMs: config.recommendations.intervalMinutes * 60_000,
    }));
    // /api/ready answers from here on: until the actors listen it says what start-up is doing (503)
    if (options.seed !== false) {
      services.startup = "seeding the demo data (first start on an empty embedded database)";
      await seedIfEmpty(services, print);
    }
    if (options.runtime !== false) {
      services.startup = "starting the actor runtime";
      // Seeding first: on embedded PGlite it holds the one connection the runtime's writer needs.
      const runtime = await createRuntime(services);
      services.runtime = runtime;
      stack.push(() => runtime.stop());
      // Devices (and the simulator) publish only once every shard listens: a message for a topic nobody
      // has subscribed to yet is dropped by the broker on a first start (no persistent session exists).
      await runtime.ready(30_000).catch((error) =>
        log.warn("not every shard subscribed in 30 s; /api/ready shows which", { error })
      );
      const stats = runtime.stats();
      print(`runtime    ${stats.workers} workers, ${stats.shards} shards, ${stats.actors} actors`);
    }
    if (config.tcpPort !== undefined) {
      // Devices without MQTT: a JSON line each, published to the broker. Opened once the shards listen,
      // like the simulator, and closed first: no line gets its `ok` while the actors are stopping.
      const tcp = startTcpListener({
        port: config.tcpPort,
        hostname: config.host,
        publisher: services.mqtt,
        log,
      });
      stack.push(() => tcp.close());
      services.tcp = tcp;
      print(`tcp        telemetry listener on port ${tcp.port} (one JSON line per message)`);
    }
    services.startup = undefined;
    if (config.simulate) startSimulation(services, print, stack);
    print(`GridPulse is running at ${url}`);
    return { services, app, url, mqttUrl: services.mqtt.url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function openStores(config: Config, log: Logger, print: Print, stack: Stack): Promise<Services> {
  const postgres = await openPostgres({ url: config.postgres.url, dataDir: config.dataDir, log });
  stack.push(() => postgres.close());
  // Seed 002: migrations at start, retrying while the database comes up.
  const applied = await retry(() => migrate(postgres.sql), { maxAttempts: 5, minDelayMs: 500 });
  if (applied.length) log.info("migrations applied", { versions: applied });
  // The readings' month partitions, before anything writes; the DEFAULT partitions take every reading
  // meanwhile, so a failure here costs no data and the retention pass retries it.
  try {
    const { created, moved } = await ensurePartitions(postgres.sql, Date.now());
    if (created.length > 0) log.info("partitions created", { created, moved });
  } catch (error) {
    log.error("partition maintenance failed; the hourly pass retries", { error });
  }
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
  return services;
}

async function startMessaging(config: Config, log: Logger, print: Print, stack: Stack) {
  let url = config.mqtt.url;
  if (!url) {
    const broker = await startEmbeddedBroker({ port: config.mqtt.embeddedPort, host: config.host, log });
    stack.push(() => broker.close());
    url = `mqtt://127.0.0.1:${broker.port}`;
  }
  const publisher = await createMqttPublisher({
    url,
    backend: config.mqtt.url ? "external" : "embedded",
    log,
  });
  stack.push(() => publisher.close());
  print(
    `mqtt       ${
      config.mqtt.url ? `broker at ${publisher.url}` : `embedded broker on port ${new URL(url).port}`
    }`,
  );
  return publisher;
}

async function startWeb(services: Services, stack: Stack) {
  const { config } = services;
  const app = await webApp(services, { staticFiles: true });
  await build();
  const server = Deno.serve({ port: config.port, hostname: config.host, onListen: () => {} }, app.handler());
  const closing = new AbortController();
  services.closing = closing.signal;
  stack.push(() => {
    closing.abort(); // open change streams end, or shutdown() would wait for their clients to leave
    return server.shutdown();
  });
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${server.addr.port}`;
  return { app, url };
}

/** Embedded defaults are for trying GridPulse: an empty database gets the demo data on first start. */
async function seedIfEmpty(services: Services, print: Print): Promise<void> {
  const { postgres, documents } = services;
  if (postgres.backend !== "embedded" || !await isEmpty(postgres.sql)) return;
  print("seeding demo data (first start on an empty embedded database)");
  const result = await populate({
    sql: postgres.sql,
    documents,
    onProgress: (p) => print(formatProgress(p)),
  });
  print(`seeded ${Object.values(result.counts).reduce((a, b) => a + b, 0)} rows and documents`);
}

function startSimulation(services: Services, print: Print, stack: Stack): void {
  const abort = new AbortController();
  const { config, log, sql, mqtt } = services;
  const started = startSimulator({
    sql,
    mqttUrl: mqtt!.url,
    rate: config.simulateRate,
    log,
    signal: abort.signal,
  });
  stack.push(async () => {
    abort.abort();
    await (await started.catch(() => undefined))?.stop();
  });
  started.then(
    (sim) => {
      const { plants, vens, meters } = sim.stats().entities;
      print(`simulator  on: ${plants} plants, ${vens} VENs, ${meters} meters (SIMULATE=off disables it)`);
    },
    (error) => log.error("simulator failed to start", { error }),
  );
}

function describePostgres(pg: PostgresStore): string {
  if (pg.backend === "external") return `PostgreSQL (${pg.location})`;
  const safety = pg.durable ? "fsync on commit" : "NOT crash-safe";
  return `embedded PGlite (${pg.location}, ${safety}; for trying GridPulse)`;
}

async function health(services: Services): Promise<StoreStatus[]> {
  if (services.startup) return [startupStatus(services.startup)];
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

/**
 * While GridPulse is starting: not ready, and why. (The stores are not asked meanwhile: seeding holds the
 * embedded database's one connection, so its ping would only time out.)
 */
function startupStatus(doing: string): StoreStatus {
  return {
    store: "startup",
    backend: "GridPulse",
    state: "down",
    required: true,
    detail: `starting: ${doing}`,
  };
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
