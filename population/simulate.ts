/**
 * `deno task simulate`: live MQTT telemetry (QoS 1) for every plant, VEN and site meter in the database,
 * on the topics and payloads of `domain/telemetry.ts`, at `rate` messages per entity per interval, with
 * occasional spikes, threshold breaches, gaps and VENs going offline (`sim_behaviour.ts`). VENs answer
 * the ADR events GridPulse publishes (retained) on their events topic, mostly opting in, and shed load in
 * their telemetry while an event they opted into runs. The publish rate is reported every few seconds.
 *
 * main.ts runs it in-process on embedded defaults (`SIMULATE=on`) with {@linkcode startSimulator}; the CLI
 * reads `MQTT_URL` and `DATABASE_URL` (flags `--rate=N`, `--interval=SECONDS`).
 *
 * @example
 * ```ts
 * import { startSimulator } from "./population/simulate.ts";
 * // const sim = await startSimulator({ sql, mqttUrl: "mqtt://127.0.0.1:1883", rate: 1, log });
 * // ...
 * // await sim.stop();
 * ```
 * @module
 */
import mqtt from "mqtt";
import type { Logger } from "../core/log.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { maskUrl } from "../stores/postgres/client.ts";
import { topics } from "../domain/telemetry.ts";
import {
  type AnomalyRates,
  DEFAULT_ANOMALIES,
  type Emission,
  meterTick,
  plantTick,
  venTick,
} from "./sim_behaviour.ts";
import type { SimMeter, SimPlant, SimVen } from "./sim_behaviour.ts";
import { parseAdrEvents } from "./sim_adr.ts";
import { loadEntities } from "./sim_entities.ts";

/** Options for {@linkcode startSimulator}. */
export interface SimulatorOptions {
  /** Where the entities are read from (once, at start). */
  sql: Sql;
  mqttUrl: string;
  log: Logger;
  /** Messages per entity per interval. @default {1} */
  rate?: number;
  /** The interval in ms. @default {5000} */
  intervalMs?: number;
  /** Stops the simulator when aborted. */
  signal?: AbortSignal;
  /** Per-message anomaly probabilities. @default {DEFAULT_ANOMALIES} */
  anomalies?: Partial<AnomalyRates>;
  /** Probability that a VEN opts into an ADR event. @default {0.85} */
  optInRate?: number;
  /** Random source (tests pass a seeded one). @default {Math.random} */
  random?: () => number;
  /** Receives the stats every `reportEveryMs`. @default {logs "simulator publishing" at info} */
  onStats?: (stats: SimulatorStats) => void;
  /** @default {5000} */
  reportEveryMs?: number;
}

/** What the simulator has done so far. */
export interface SimulatorStats {
  entities: { plants: number; vens: number; meters: number };
  published: number;
  failed: number;
  /** ADR event answers sent. */
  responses: number;
  /** Messages per second since the last report. */
  perSecond: number;
  running: boolean;
}

/** A running simulator. */
export interface Simulator {
  /** Stops publishing, waits for in-flight publishes (up to 5 s) and disconnects. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
}

const MAX_IN_FLIGHT = 20_000;

/**
 * Loads the entities and starts publishing.
 *
 * @throws {StoreUnavailableError} when the broker cannot be reached.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { rate = 1, intervalMs = 5_000, random = Math.random, reportEveryMs = 5_000 } = options;
  if (!(rate > 0) || !(intervalMs > 0)) throw new RangeError("rate and intervalMs must be positive");
  const log = options.log.child({ component: "simulator" });
  const rates: AnomalyRates = { ...DEFAULT_ANOMALIES, ...options.anomalies };
  const entities = await loadEntities(options.sql);
  const client = await connect(options.mqttUrl);
  const state = {
    published: 0,
    failed: 0,
    responses: 0,
    lastReport: 0,
    lastReportAt: performance.now(),
    perSecond: 0,
    running: true,
  };
  const inFlight = new Set<Promise<unknown>>();

  const publish = (topic: string, payload: unknown) => {
    const p = client.publishAsync(topic, JSON.stringify(payload), { qos: 1 })
      .then(() => state.published++, (error) => {
        state.failed++;
        log.debug("publish failed", { topic, error });
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const emit = (emissions: Emission[], telemetryTopic: string, statusTopic?: string) => {
    for (const e of emissions) publish(e.topic === "status" ? statusTopic! : telemetryTopic, e.payload);
  };
  const tick = () => {
    if (inFlight.size > MAX_IN_FLIGHT) {
      return log.warn("broker is not keeping up; skipping a tick", { inFlight: inFlight.size });
    }
    const now = Date.now();
    for (const p of entities.plants) emit(plantTick(p, now, random, rates), topics.plantTelemetry(p.id));
    for (const v of entities.vens) {
      emit(venTick(v, now, random, rates), topics.venTelemetry(v.id), topics.venStatus(v.id));
    }
    for (const m of entities.meters) {
      emit(meterTick(m, now, random, rates), topics.meterMeasurement(m.siteId, m.id));
    }
  };

  client.on("message", (topic, payload) => {
    const venId = topic.split("/")[2];
    const ven = entities.vens.find((v) => v.id === venId);
    if (ven) answerEvents(ven, payload, { random, optInRate: options.optInRate ?? 0.85, publish, state });
  });
  await client.subscribeAsync(topics.venEvents("+"), { qos: 1 });

  const report = () => {
    const now = performance.now();
    state.perSecond = Math.round(
      ((state.published - state.lastReport) * 1000) / Math.max(1, now - state.lastReportAt),
    );
    state.lastReport = state.published;
    state.lastReportAt = now;
    const s = stats();
    if (options.onStats) options.onStats(s);
    else {log.info("simulator publishing", {
        perSecond: s.perSecond,
        published: s.published,
        failed: s.failed,
      });}
  };
  const stats = (): SimulatorStats => ({
    entities: { plants: entities.plants.length, vens: entities.vens.length, meters: entities.meters.length },
    published: state.published,
    failed: state.failed,
    responses: state.responses,
    perSecond: state.perSecond,
    running: state.running,
  });

  const ticker = setInterval(tick, intervalMs / rate);
  const reporter = setInterval(report, reportEveryMs);
  tick();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      state.running = false;
      clearInterval(ticker);
      clearInterval(reporter);
      options.signal?.removeEventListener("abort", onAbort);
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 5_000))]);
      await client.endAsync(true).catch(() => {});
    })();
  const onAbort = () => void stop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  log.info("simulator started", { ...stats().entities, rate, intervalMs, broker: maskUrl(options.mqttUrl) });
  return { stop, stats };
}

async function connect(url: string): Promise<mqtt.MqttClient> {
  try {
    return await mqtt.connectAsync(url, {
      clientId: `gridpulse-sim-${crypto.randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
    }, false);
  } catch (error) {
    throw new StoreUnavailableError(
      "mqtt",
      `MQTT broker at ${maskUrl(url)} is unreachable: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Answers each new event on a VEN's events topic once: opt in (mostly) or out, and remembers it. */
function answerEvents(
  ven: SimVen,
  payload: Uint8Array,
  ctx: {
    random: () => number;
    optInRate: number;
    publish: (topic: string, payload: unknown) => void;
    state: { responses: number };
  },
): void {
  const now = Date.now();
  for (const [id, e] of ven.events) if (e.end < now - 3_600_000) ven.events.delete(id);
  for (const event of parseAdrEvents(payload)) {
    if (ven.events.has(event.id) || event.end <= now) continue;
    const opt = ctx.random() < ctx.optInRate ? "optIn" : "optOut";
    ven.events.set(event.id, { ...event, opt });
    ctx.publish(topics.venEventResponse(ven.id, event.id), {
      ts: new Date(now).toISOString(),
      opt,
      ...(opt === "optOut" ? { reason: "process constraints during the event window" } : {}),
    });
    ctx.state.responses++;
  }
}

export type { SimMeter, SimPlant, SimVen };

if (import.meta.main) {
  const { runSimulatorCli } = await import("./simulate_cli.ts");
  await runSimulatorCli(startSimulator);
}
