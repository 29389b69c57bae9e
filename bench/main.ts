/**
 * `deno task bench`: GridPulse's end-to-end benchmark (see bench/README.md for the figures and how to
 * read them). One run, in order:
 *
 * 1. a private broker (Mosquitto with a no-drop config when `MQTT_URL` is set, else the embedded aedes)
 *    on a spare port, and a fresh database (on `DATABASE_URL`'s server, else embedded PGlite);
 * 2. raw limits: MQTT QoS 1 pass-through and PostgreSQL COPY of the same reading rows;
 * 3. the app as its own process (`deno run -A main.ts`) and the sections that need it: sustained
 *    ingest, alert latency, actor scale, API under load;
 * 4. a table and one `BENCH_JSON {...}` line; the broker is stopped and the database dropped.
 *
 * Usage: `deno task bench [--quick] [--duration S] [--plants N] ...` (`--help`).
 * @module
 */
import { loadConfig } from "../core/config.ts";
import { FlagError, parseBenchFlags, USAGE } from "./flags.ts";
import type { BenchOptions } from "./flags.ts";
import { startBenchBroker } from "./broker.ts";
import { openBenchDatabase } from "./database.ts";
import { loadAverage } from "./machine_cpu.ts";
import { machineInfo } from "./machine.ts";
import { measureRawCopy } from "./raw_copy.ts";
import { measureRawMqtt } from "./raw_mqtt.ts";
import { type BenchReport, formatTable, jsonLine } from "./report.ts";
import { runAppSections } from "./app_sections.ts";

/** Things to undo, last first, whatever happens (Ctrl-C included). */
class Cleanup {
  #steps: Array<() => Promise<void>> = [];
  add(step: () => Promise<void>): void {
    this.#steps.push(step);
  }
  async run(): Promise<void> {
    while (this.#steps.length) await this.#steps.pop()!().catch((e) => console.error(`cleanup: ${e}`));
  }
}

const t0 = performance.now();

/** Progress lines go to stderr (stdout holds only the table and the JSON line), with the run's clock. */
function progress(options: BenchOptions, line: string): void {
  if (!options.jsonOnly) {
    console.error(`bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s: ${line}`);
  }
}

async function run(options: BenchOptions, cleanup: Cleanup): Promise<BenchReport> {
  const started = performance.now();
  const report: BenchReport = {
    version: 1,
    startedAt: new Date().toISOString(),
    command: ["deno task bench", ...Deno.args].join(" "),
    machine: { ...machineInfo(), loadAvg1m: loadAverage() },
    notes: [],
  };
  const log = (line: string) => progress(options, line);
  const load = report.machine.loadAvg1m ?? 0;
  if (load > (report.machine.cores ?? 1) * 0.5) {
    report.notes.push(
      `the machine was busy when the run started (load average ${load} on ${report.machine.cores} cores): ` +
        "every figure shares the CPU with other processes; compare runs only on a quiet machine",
    );
  }
  const broker = await startBenchBroker(options.broker);
  cleanup.add(() => broker.close());
  report.machine.broker = `${broker.version} on ${broker.url}`;
  const db = await openBenchDatabase(loadConfig(Deno.env.toObject()).postgres.url);
  cleanup.add(() => db.close());
  report.machine.postgres = `${db.version} (${
    db.kind === "external" ? "fresh database on the server" : "embedded"
  })`;
  const workDir = await Deno.makeTempDir({ prefix: "gridpulse-bench-" });
  cleanup.add(() => Deno.remove(workDir, { recursive: true }));
  const plantIds = await db.insertPlants(options.plants);
  const plantsFile = `${workDir}/plants.json`;
  await Deno.writeTextFile(plantsFile, JSON.stringify(plantIds));
  log(`broker ${broker.url} (${broker.kind}), database ${db.location}, ${plantIds.length} plants`);

  if (options.sections.includes("raw")) {
    log(`raw MQTT QoS 1 pass-through for ${options.durationS} s`);
    const mqtt = await measureRawMqtt({ url: broker.url, brokerPid: broker.pid, plantsFile, ...options });
    log(`raw PostgreSQL ${db.kind === "external" ? "COPY" : "insert"} of ${options.copyRows} rows`);
    const copy = await measureRawCopy(db.sql, plantIds, options.copyRows, { copy: db.kind === "external" });
    report.raw = { mqtt, copy };
  }
  if (options.sections.some((s) => s !== "raw")) {
    await runAppSections({ options, report, broker, db, plantIds, plantsFile, workDir, log });
  }
  report.durationS = (performance.now() - started) / 1000;
  return report;
}

async function main(): Promise<number> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseBenchFlags(Deno.args, Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const cleanup = new Cleanup();
  const interrupted = async () => {
    console.error("bench: interrupted, cleaning up");
    await cleanup.run();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", interrupted);
  Deno.addSignalListener("SIGTERM", interrupted);
  try {
    const report = await run(options, cleanup);
    if (!options.jsonOnly) console.log(formatTable(report));
    console.log(jsonLine(report));
    return 0;
  } finally {
    await cleanup.run();
  }
}

if (import.meta.main) Deno.exit(await main());
