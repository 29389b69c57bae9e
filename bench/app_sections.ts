/**
 * The sections that need the app: it is started once as its own process on the run's broker and
 * database, checked to ingest at all (a probe of a few readings), then loaded section by section:
 * sustained ingest, alert latency and the API at half the sustained rate; finally the actor-scale
 * section starts fresh app processes of its own.
 * @module
 */
import type { BenchOptions } from "./flags.ts";
import type { BenchBroker } from "./broker.ts";
import type { BenchDatabase } from "./database.ts";
import type { BenchReport } from "./report.ts";
import { type AppProcess, BENCH_ADMIN_PASSWORD, startApp } from "./app.ts";
import {
  measureSustainedIngest,
  metricsCounter,
  type ReadingCounter,
  readingCounter,
  waitForStored,
} from "./sustained.ts";
import { measureAlertLatency } from "./alert_latency.ts";
import { login, measureApi } from "./api_section.ts";
import { idleRss, measureActorScale } from "./actor_scale.ts";
import { WireClient } from "./wire_client.ts";
import { fetchMetrics, pipelineFigures, waitForRuntime } from "./prometheus.ts";

/** What every section gets. */
export interface SectionContext {
  options: BenchOptions;
  report: BenchReport;
  broker: BenchBroker;
  db: BenchDatabase;
  plantIds: string[];
  plantsFile: string;
  workDir: string;
  log: (line: string) => void;
}

/** Gap plants report every second, and the detector's default factor k = 3 (actors/detectors/gap.ts). */
const GAP_INTERVAL_S = 1;
const GAP_FACTOR = 3;
/** Background rate of the alert and API sections: the "half load". */
const HALF = 0.5;

const encoder = new TextEncoder();

/** The app's environment for the run's broker and database. */
export function appEnv(ctx: SectionContext): Record<string, string> {
  const env: Record<string, string> = { ...ctx.db.appEnv, MQTT_URL: ctx.broker.url };
  if (ctx.options.workers) env.WORKERS = String(ctx.options.workers);
  if (ctx.options.shards) env.SHARDS = String(ctx.options.shards);
  return env;
}

/**
 * Publishes one reading for each of the first 20 plants and waits up to `timeoutMs` for them to be
 * stored: an app that does not ingest would otherwise turn every later section into a long timeout.
 */
async function probeIngest(ctx: SectionContext, counter: ReadingCounter, timeoutMs: number): Promise<number> {
  const client = await WireClient.connect(ctx.broker.url, {
    clientId: `bench-probe-${crypto.randomUUID().slice(0, 8)}`,
  });
  const base = await counter.exact();
  const ids = ctx.plantIds.slice(0, 20);
  const ts = Date.now() - 60_000; // before the ingest section's readings: no primary-key clash
  for (const id of ids) {
    client.publish(
      encoder.encode(`gridpulse/plants/${id}/telemetry`),
      encoder.encode(`{"ts":${ts},"mw":50}`),
    );
  }
  client.flush();
  const { stored } = await waitForStored(counter, base, ids.length, timeoutMs);
  await client.close();
  return stored;
}

function halfRate(ctx: SectionContext): number {
  const sustained = ctx.report.ingest?.readingsPerS;
  if (ctx.options.rate > 0) return Math.round(ctx.options.rate * HALF);
  if (sustained) return Math.round(sustained * HALF);
  ctx.report.notes.push("no sustained rate measured: alert and API sections ran at 1,000 msg/s");
  return 1_000;
}

/** Runs one section, turning its failure into a note so the others still run. */
async function section(ctx: SectionContext, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    ctx.report.notes.push(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function loadedSections(
  ctx: SectionContext,
  app: AppProcess,
  counter: ReadingCounter,
  extra: { spikePlants: string[]; gapPlants: string[] },
  ingesting: boolean,
): Promise<void> {
  const { options, report, broker } = ctx;
  const common = { connections: options.connections, window: options.window, plantsFile: ctx.plantsFile };
  if (options.sections.includes("ingest") && ingesting) {
    await section(ctx, "ingest", async () => {
      ctx.log(`sustained ingest: ${options.plants} plants for ${options.durationS} s`);
      const before = await fetchMetrics(app.url);
      report.ingest = await measureSustainedIngest({
        ...common,
        brokerUrl: broker.url,
        brokerPid: broker.pid,
        appPid: app.pid,
        plants: options.plants,
        durationS: options.durationS,
        maxBacklog: options.maxBacklog,
        rate: options.rate,
        counter,
        postgresPids: () => ctx.db.backendPids(),
        rawMqttPerS: report.raw?.mqtt?.msgPerS,
      });
      report.ingest.pipeline = pipelineFigures(before, await fetchMetrics(app.url));
    });
  }
  const needsToken = options.sections.includes("api") || options.sections.includes("alerts");
  const token = needsToken
    ? await login(app.url, "admin", BENCH_ADMIN_PASSWORD).catch((error) => {
      report.notes.push(`no API token (${error.message}): /api/stream and API sections skipped`);
      return undefined;
    })
    : undefined;
  if (options.sections.includes("alerts") && ingesting) {
    await section(ctx, "alerts", async () => {
      const rate = halfRate(ctx);
      ctx.log(`alert latency: ${extra.spikePlants.length} spikes at ${rate} msg/s`);
      const before = await fetchMetrics(app.url);
      report.alerts = await measureAlertLatency({
        ...common,
        sql: ctx.db.kind === "external" ? ctx.db.sql : undefined,
        brokerUrl: broker.url,
        rate,
        durationS: options.alertDurationS,
        spikePlants: extra.spikePlants,
        gapPlants: extra.gapPlants,
        gapIntervalS: GAP_INTERVAL_S,
        gapFactor: GAP_FACTOR,
        stream: token ? { url: app.url, token } : undefined,
      });
      report.alerts.pipeline = pipelineFigures(before, await fetchMetrics(app.url));
      if (token && report.alerts.stream?.count === 0) {
        report.notes.push("no Spike alert event reached /api/stream during the alert phase");
      }
    });
  }
  if (options.sections.includes("api") && token) {
    await section(ctx, "api", async () => {
      const rate = halfRate(ctx);
      ctx.log(`API: ${options.apiDurationS} s per endpoint while ingest runs at ${rate} msg/s`);
      report.api = await measureApi({
        ...common,
        appUrl: app.url,
        appPid: app.pid,
        token,
        brokerUrl: broker.url,
        rate,
        durationS: options.apiDurationS,
        apiConnections: options.apiConnections,
      });
    });
  }
}

/**
 * Embedded database: the app held it during the run, so only now can the bench count what was stored
 * against what the app acknowledged (a note, as the sections' own counts came from `/metrics`).
 */
async function checkEmbeddedStore(ctx: SectionContext, acked: number | undefined): Promise<void> {
  const rows = Number((await ctx.db.sql`select count(*)::int as n from meter_readings`)[0].n);
  ctx.report.notes.push(
    `embedded PGlite: the app acknowledged ${acked ?? "?"} messages; meter_readings holds ${rows} rows` +
      (acked === undefined || acked === rows ? "" : " (MISMATCH)"),
  );
}

/** Starts the app, runs the selected sections, stops it; then the actor-scale section. */
export async function runAppSections(ctx: SectionContext): Promise<void> {
  const { options, report, db } = ctx;
  const extra = {
    spikePlants: await db.insertPlants(options.spikes),
    gapPlants: await db.insertPlants(options.gapPlants, { expectedIntervalS: GAP_INTERVAL_S }),
  };
  await db.release(); // embedded: the app's from now on
  ctx.log("starting the app (deno run -A main.ts)");
  const app = await startApp({ env: appEnv(ctx), cpuProfDir: options.cpuProfDir, verbose: options.verbose });
  const subscribed = await waitForRuntime(app.url, 120_000);
  ctx.log(
    `app ${app.url} (pid ${app.pid}) serving after ${(app.startMs / 1000).toFixed(1)} s, runtime ` +
      (subscribed ? "running" : "NOT running after 120 s"),
  );
  let baselineRssMb: number | undefined;
  let acked: number | undefined;
  let ingesting = false;
  const counter = db.kind === "external" ? await readingCounter(db.sql) : metricsCounter(app.url);
  try {
    const probed = await probeIngest(ctx, counter, 10_000).catch(() => 0);
    ingesting = probed >= 20;
    if (!ingesting) {
      report.notes.push(
        `the app stored ${probed} of 20 probe readings in 10 s: it does not ingest MQTT telemetry ` +
          "(is its actor runtime running?); ingest, alert and actor sections skipped",
      );
    }
    // Fresh, idle, every actor active (the probe went through): the actor-scale section's baseline.
    baselineRssMb = await idleRss(app.pid);
    await loadedSections(ctx, app, counter, extra, ingesting);
    if (db.kind === "embedded") acked = await counter.exact().catch(() => undefined);
  } finally {
    const stopping = performance.now();
    await app.stop();
    ctx.log(`app stopped in ${((performance.now() - stopping) / 1000).toFixed(1)} s`);
    await db.reopen();
  }
  if (db.kind === "embedded") await checkEmbeddedStore(ctx, acked);
  if (options.sections.includes("actors") && ingesting) {
    await section(ctx, "actors", async () => {
      const { figures, failure } = await measureActorScale({
        db,
        appEnv: appEnv(ctx),
        scales: options.actorScales,
        verbose: options.verbose,
        log: ctx.log,
        baselineRssMb,
      });
      report.actors = figures;
      if (failure) report.notes.push(`actors: the app did not come up ${failure}`);
    });
  }
}
