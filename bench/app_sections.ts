/**
 * The sections that need the app running: it is started once as its own process on the run's broker
 * and database, checked to ingest at all (a probe of a few readings), then loaded section by section.
 * @module
 */
import type { BenchOptions } from "./flags.ts";
import type { BenchBroker } from "./broker.ts";
import type { BenchDatabase } from "./database.ts";
import type { BenchReport } from "./report.ts";
import { type AppProcess, startApp } from "./app.ts";
import { measureSustainedIngest, type ReadingCounter, readingCounter, waitForStored } from "./sustained.ts";
import { WireClient } from "./wire_client.ts";

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

async function ingestSection(ctx: SectionContext, app: AppProcess, counter: ReadingCounter): Promise<void> {
  const { options, report } = ctx;
  ctx.log(`sustained ingest: ${options.plants} plants for ${options.durationS} s`);
  report.ingest = await measureSustainedIngest({
    brokerUrl: ctx.broker.url,
    brokerPid: ctx.broker.pid,
    appPid: app.pid,
    plantsFile: ctx.plantsFile,
    plants: options.plants,
    durationS: options.durationS,
    connections: options.connections,
    window: options.window,
    maxBacklog: options.maxBacklog,
    rate: options.rate,
    counter,
    rawMqttPerS: report.raw?.mqtt?.msgPerS,
  });
}

/** Starts the app, runs the selected sections, stops it. */
export async function runAppSections(ctx: SectionContext): Promise<void> {
  const { options, report, db } = ctx;
  await db.release();
  ctx.log("starting the app (deno run -A main.ts)");
  const app = await startApp({ env: appEnv(ctx), cpuProfDir: options.cpuProfDir, verbose: options.verbose });
  ctx.log(`app ${app.url} (pid ${app.pid}) started in ${(app.startMs / 1000).toFixed(1)} s`);
  try {
    if (db.kind === "embedded") {
      report.notes.push(
        "embedded PGlite serves one connection (the app's): ingest, alert and actor sections need DATABASE_URL",
      );
      return;
    }
    const counter = await readingCounter(db.sql);
    const probed = await probeIngest(ctx, counter, 10_000);
    if (probed < 20) {
      report.notes.push(
        `the app stored ${probed} of 20 probe readings in 10 s: it does not ingest MQTT telemetry ` +
          "(actor runtime not wired into main.ts); app sections skipped",
      );
      return;
    }
    if (options.sections.includes("ingest")) await ingestSection(ctx, app, counter);
  } finally {
    await app.stop();
    await db.reopen();
  }
}
