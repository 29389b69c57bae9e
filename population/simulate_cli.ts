/**
 * The command line of `deno task simulate`: `--rate=N` messages per entity per interval (default
 * SIMULATE_RATE), `--interval=SECONDS` (default 5). Reads MQTT_URL (default: the embedded broker's port on
 * 127.0.0.1) and DATABASE_URL (default: the embedded database, which must not be held by a running
 * GridPulse: on embedded defaults the app runs the simulator itself with SIMULATE=on).
 * @module
 */
import { ConfigError, loadConfig } from "../core/config.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { createLogger } from "../core/log.ts";
import { openPostgres, type PostgresStore } from "../stores/postgres/client.ts";
import type { startSimulator } from "./simulate.ts";

function flag(name: string, fallback: number): number {
  const raw = Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(n > 0)) {
    console.error(`simulate: --${name} must be a positive number, got ${JSON.stringify(raw)}`);
    Deno.exit(2);
  }
  return n;
}

/**
 * Runs the simulator until SIGINT or SIGTERM. (`start` is passed in rather than imported: simulate.ts
 * imports this module from its `import.meta.main` block, and a static import back would deadlock.)
 */
export async function runSimulatorCli(start: typeof startSimulator): Promise<void> {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
  const rate = flag("rate", config.simulateRate);
  const intervalMs = flag("interval", 5) * 1000;
  const mqttUrl = config.mqtt.url ?? `mqtt://127.0.0.1:${config.mqtt.embeddedPort ?? 1883}`;
  const log = createLogger({ level: config.logLevel === "debug" ? "debug" : "warn" });
  let pg: PostgresStore | undefined;
  try {
    pg = await openPostgres({ url: config.postgres.url, dataDir: config.dataDir, log });
    const controller = new AbortController();
    const sim = await start({
      sql: pg.sql,
      mqttUrl,
      rate,
      intervalMs,
      log,
      signal: controller.signal,
      onStats: (s) =>
        console.error(
          `simulate: ${s.perSecond} msg/s, ${s.published} published, ${s.failed} failed, ${s.responses} ADR answers`,
        ),
    });
    const e = sim.stats().entities;
    console.error(
      `simulate: ${e.plants} plants, ${e.vens} VENs, ${e.meters} meters, ${e.equipment} assets and energy sources -> ${mqttUrl}, ${rate} per ${
        intervalMs / 1000
      } s`,
    );
    const stopped = new Promise<void>((resolve) => {
      const onSignal = () => {
        controller.abort();
        resolve();
      };
      Deno.addSignalListener("SIGINT", onSignal);
      Deno.addSignalListener("SIGTERM", onSignal);
    });
    await stopped;
    await sim.stop();
    console.error(`simulate: stopped after ${sim.stats().published} messages`);
  } catch (error) {
    const hint = error instanceof StoreUnavailableError && error.store === "postgres" && !config.postgres.url
      ? " (on embedded defaults, run the simulator inside GridPulse with SIMULATE=on)"
      : "";
    console.error(`simulate: ${error instanceof Error ? error.message : String(error)}${hint}`);
    Deno.exitCode = 1;
  } finally {
    await pg?.close().catch(() => {});
  }
  Deno.exit();
}
