/**
 * Sustained ingest: N plants publish QoS 1 telemetry for a fixed duration as fast as the pipeline
 * accepts, and the figure is readings durably committed (and so acknowledged: the app acks only after
 * the commit) per second, from the first publish until the last reading is in `meter_readings`.
 *
 * "As fast as the pipeline accepts" is enforced end to end by credit: the load process may publish at
 * most (readings committed so far + max backlog), so the broker's queue stays bounded and the publisher
 * cannot report a rate the app never reached. Committed-so-far is the identity sequence of
 * `meter_readings` (O(1) to read; it also counts rows of commits still in flight, which is fine for
 * flow control); the final figure is an exact `count(*)`.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { LoadProcess } from "./load.ts";
import { machineCpuPercent, readMachineCpu } from "./machine_cpu.ts";
import { GroupSampler, ProcessSampler } from "./proc.ts";
import { brokerSyscalls, cpuBudget, type IngestFigures } from "./report.ts";
import { metricSum } from "./prometheus.ts";

/** Counts readings: a cheap estimate for flow control and an exact count for the result. */
export interface ReadingCounter {
  estimate(): Promise<number>;
  exact(): Promise<number>;
}

/** A {@linkcode ReadingCounter} over `meter_readings` on the bench's own connection. */
export async function readingCounter(sql: Sql): Promise<ReadingCounter> {
  const [{ seq }] = await sql`select pg_get_serial_sequence('meter_readings', 'id') as seq`;
  const estimate = seq
    ? async () => {
      const [row] = await sql.unsafe(`select last_value, is_called from ${seq}`);
      return row.is_called ? Number(row.last_value) : 0;
    }
    : undefined;
  const exact = async () => Number((await sql`select count(*)::int as n from meter_readings`)[0].n);
  return { estimate: estimate ?? exact, exact };
}

/**
 * A {@linkcode ReadingCounter} from the app's `/metrics` (`gridpulse_messages_acked_total`), for the
 * embedded database that only the app can open. The app acknowledges a message only after its commit,
 * so acked = committed; the bench checks the table itself once the app stopped.
 */
export function metricsCounter(appUrl: string): ReadingCounter {
  const read = async () => {
    const response = await fetch(new URL("/metrics", appUrl));
    const value = metricSum(await response.text(), "gridpulse_messages_acked_total");
    if (!response.ok || value === undefined) {
      throw new Error("the app's /metrics has no gridpulse_messages_acked_total");
    }
    return value;
  };
  return { estimate: read, exact: read };
}

/** Options for {@linkcode measureSustainedIngest}. */
export interface SustainedOptions {
  brokerUrl: string;
  brokerPid: number;
  appPid: number;
  plantsFile: string;
  plants: number;
  durationS: number;
  connections: number;
  window: number;
  maxBacklog: number;
  /** msg/s; 0 = as fast as accepted. */
  rate: number;
  counter: ReadingCounter;
  /**
   * PostgreSQL backends to sample (see BenchDatabase.backendPids): asked again while the phase runs, as
   * the app's pool opens connections under load.
   */
  postgresPids?: () => Promise<number[]>;
  /** Raw MQTT pass-through of the same run, for the ratio. */
  rawMqttPerS?: number;
  /** Give up when nothing new was stored for this long. @default {15000} */
  stallMs?: number;
}

/** Waits until `exact()` - base reaches `target` or stops growing; returns the count and when it got there. */
export async function waitForStored(
  counter: ReadingCounter,
  base: number,
  target: number,
  stallMs: number,
): Promise<{ stored: number; at: number }> {
  let stored = await counter.exact() - base;
  let at = performance.now();
  let lastProgress = at;
  while (stored < target && performance.now() - lastProgress < stallMs) {
    await new Promise((r) => setTimeout(r, 25));
    const now = await counter.exact() - base;
    if (now > stored) {
      stored = now;
      at = performance.now();
      lastProgress = at;
    }
  }
  return { stored, at };
}

/** Runs the sustained-ingest phase against the running app. */
export async function measureSustainedIngest(options: SustainedOptions): Promise<IngestFigures> {
  const { counter } = options;
  const baseExact = await counter.exact();
  const baseEstimate = await counter.estimate();
  const publisher = await LoadProcess.spawn({
    mode: "publish",
    url: options.brokerUrl,
    clientPrefix: `bench-ingest-${crypto.randomUUID().slice(0, 8)}`,
    plantsFile: options.plantsFile,
    connections: options.connections,
    window: options.window,
    rate: options.rate,
    durationMs: options.durationS * 1000,
    credit: true,
  });
  // Sampling starts with the publisher, so the app's idle seconds before it do not dilute its CPU.
  const samplers = [options.appPid, options.brokerPid, publisher.pid].map((pid) => new ProcessSampler(pid));
  for (const s of samplers) s.start();
  const postgres = new GroupSampler(options.postgresPids ?? (() => []));
  await postgres.start();
  const machineBefore = readMachineCpu();
  const startedAt = publisher.startedAt ?? performance.now();
  let running = true;
  const grant = (async () => {
    while (running) {
      publisher.credit((await counter.estimate()) - baseEstimate + options.maxBacklog);
      // Every 100 ms, not 20: each poll renders the app's whole /metrics, work a real deployment does
      // once per scrape interval. The backlog (20,000) covers 100 ms up to 200,000 msg/s.
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  publisher.credit(options.maxBacklog);
  const done = await publisher.done;
  running = false;
  await grant;
  const { stored, at } = await waitForStored(counter, baseExact, done.acked, options.stallMs ?? 15_000);
  const machineAfter = readMachineCpu();
  const [app, broker, pub] = samplers.map((s) => s.stop());
  const postgresCpuPercent = await postgres.stop();
  const seconds = (at - startedAt) / 1000;
  const readingsPerS = stored / seconds;
  const figures: IngestFigures = {
    plants: options.plants,
    seconds,
    readingsPerS,
    ratioToRawMqtt: options.rawMqttPerS ? readingsPerS / options.rawMqttPerS : undefined,
    published: done.acked,
    stored,
    appCpuPercent: app.cpuPercent,
    appCpuUsPerReading: stored ? (app.cpuPercent / 100) * app.seconds * 1e6 / stored : undefined,
    appPeakRssMb: app.peakRssMb,
    brokerCpuPercent: broker.cpuPercent,
    broker: brokerSyscalls(broker, stored),
    publisherCpuPercent: pub.cpuPercent,
    postgresCpuPercent: postgres.pids.length ? postgresCpuPercent : undefined,
    machineCpuPercent: machineBefore && machineAfter
      ? machineCpuPercent(machineBefore, machineAfter, navigator.hardwareConcurrency)
      : undefined,
  };
  figures.budget = cpuBudget(figures, navigator.hardwareConcurrency, options.rawMqttPerS);
  return figures;
}
