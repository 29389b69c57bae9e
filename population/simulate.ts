/**
 * `deno task simulate`: live MQTT telemetry (QoS 1) for every plant, VEN, site meter, asset and energy
 * source in the database,
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
  equipmentTick,
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
  entities: { plants: number; vens: number; meters: number; equipment: number };
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
  const run = new SimulatorRun(await connect(options.mqttUrl), entities, log);
  run.client.on("message", (topic, payload) => {
    const ven = entities.vens.find((v) => v.id === topic.split("/")[2]);
    if (ven) run.answerEvents(ven, payload, random, options.optInRate ?? 0.85);
  });
  await run.client.subscribeAsync(topics.venEvents("+"), { qos: 1 });
  const ticker = setInterval(() => run.tick(random, rates), intervalMs / rate);
  const reporter = setInterval(() => {
    const s = run.report();
    if (options.onStats) options.onStats(s);
    else {log.info("simulator publishing", {
        perSecond: s.perSecond,
        published: s.published,
        failed: s.failed,
      });}
  }, reportEveryMs);
  run.tick(random, rates);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      clearInterval(ticker);
      clearInterval(reporter);
      options.signal?.removeEventListener("abort", onAbort);
      await run.stop(5_000);
    })();
  const onAbort = () => void stop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  log.info("simulator started", {
    ...run.stats().entities,
    rate,
    intervalMs,
    broker: maskUrl(options.mqttUrl),
  });
  return { stop, stats: () => run.stats() };
}

/** One running simulation: the connection, the entities and the counters. */
class SimulatorRun {
  published = 0;
  failed = 0;
  responses = 0;
  perSecond = 0;
  running = true;
  #lastReport = 0;
  #lastReportAt = performance.now();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly client: mqtt.MqttClient,
    readonly entities: Awaited<ReturnType<typeof loadEntities>>,
    readonly log: Logger,
  ) {}

  /** Publishes QoS 1 without waiting; counts the outcome. */
  publish(topic: string, payload: unknown): void {
    const p = this.client.publishAsync(topic, JSON.stringify(payload), { qos: 1 })
      .then(() => this.published++, (error) => {
        this.failed++;
        this.log.debug("publish failed", { topic, error });
      })
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  /** One message (or status change) per entity, unless the broker is falling behind. */
  tick(random: () => number, rates: AnomalyRates): void {
    if (this.#inFlight.size > MAX_IN_FLIGHT) {
      return this.log.warn("broker is not keeping up; skipping a tick", { inFlight: this.#inFlight.size });
    }
    const now = Date.now();
    const emit = (emissions: Emission[], telemetryTopic: string, statusTopic = telemetryTopic) => {
      for (const e of emissions) this.publish(e.topic === "status" ? statusTopic : telemetryTopic, e.payload);
    };
    const { plants, vens, meters, equipment } = this.entities;
    for (const p of plants) emit(plantTick(p, now, random, rates), topics.plantTelemetry(p.id));
    for (const v of vens) {
      emit(venTick(v, now, random, rates), topics.venTelemetry(v.id), topics.venStatus(v.id));
    }
    for (const m of meters) emit(meterTick(m, now, random, rates), topics.meterMeasurement(m.siteId, m.id));
    for (const e of equipment) {
      const topic = e.entityType === "asset"
        ? topics.assetMeasurement(e.siteId, e.id)
        : topics.energySourceMeasurement(e.siteId, e.id);
      emit(equipmentTick(e, now), topic);
    }
  }

  /** Answers each new event on a VEN's events topic once: opt in (mostly) or out, and remembers it. */
  answerEvents(ven: SimVen, payload: Uint8Array, random: () => number, optInRate: number): void {
    const now = Date.now();
    for (const [id, e] of ven.events) if (e.end < now - 3_600_000) ven.events.delete(id);
    for (const event of parseAdrEvents(payload)) {
      if (ven.events.has(event.id) || event.end <= now) continue;
      const opt = random() < optInRate ? "optIn" : "optOut";
      ven.events.set(event.id, { ...event, opt });
      this.publish(topics.venEventResponse(ven.id, event.id), {
        ts: new Date(now).toISOString(),
        opt,
        ...(opt === "optOut" ? { reason: "process constraints during the event window" } : {}),
      });
      this.responses++;
    }
  }

  /** The stats, with the publish rate since the previous report. */
  report(): SimulatorStats {
    const now = performance.now();
    this.perSecond = Math.round(
      ((this.published - this.#lastReport) * 1000) / Math.max(1, now - this.#lastReportAt),
    );
    this.#lastReport = this.published;
    this.#lastReportAt = now;
    return this.stats();
  }

  stats(): SimulatorStats {
    const { plants, vens, meters, equipment } = this.entities;
    return {
      entities: {
        plants: plants.length,
        vens: vens.length,
        meters: meters.length,
        equipment: equipment.length,
      },
      published: this.published,
      failed: this.failed,
      responses: this.responses,
      perSecond: this.perSecond,
      running: this.running,
    };
  }

  /** Waits up to `timeoutMs` for in-flight publishes, then disconnects. */
  async stop(timeoutMs: number): Promise<void> {
    this.running = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((r) => timer = setTimeout(r, timeoutMs)),
    ]);
    clearTimeout(timer);
    await this.client.endAsync(true).catch(() => {});
  }
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

export type { SimMeter, SimPlant, SimVen };

if (import.meta.main) {
  const { runSimulatorCli } = await import("./simulate_cli.ts");
  await runSimulatorCli(startSimulator);
}
