/**
 * Raw limit 1: MQTT QoS 1 pass-through on the run's broker, with the SAME load process and plant topics
 * the ingest section uses, and one subscriber that acknowledges at once and does nothing else. What the
 * pipeline cannot beat: the app's ingest is compared with it.
 *
 * Throughput = messages delivered / (publisher started -> last delivery), both on the bench's clock.
 * @module
 */
import { LoadProcess } from "./load.ts";
import { ProcessSampler } from "./proc.ts";
import { brokerSyscalls, type RawFigures } from "./report.ts";
import { machineCpuPercent, readMachineCpu } from "./machine_cpu.ts";

/** Options for {@linkcode measureRawMqtt}. */
export interface RawMqttOptions {
  url: string;
  brokerPid: number;
  plantsFile: string;
  durationS: number;
  connections: number;
  window: number;
}

/** Measures the pass-through; resolves once every published message was delivered (or 15 s passed without progress). */
export async function measureRawMqtt(options: RawMqttOptions): Promise<NonNullable<RawFigures["mqtt"]>> {
  const run = crypto.randomUUID().slice(0, 8);
  const subscriber = await LoadProcess.spawn({
    mode: "subscribe",
    url: options.url,
    clientId: `bench-raw-sub-${run}`,
    filter: "gridpulse/plants/+/telemetry",
    statsIntervalMs: 20,
  });
  const broker = new ProcessSampler(options.brokerPid);
  broker.start();
  const sub = new ProcessSampler(subscriber.pid);
  sub.start();
  const machineBefore = readMachineCpu();
  const publisher = await LoadProcess.spawn({
    mode: "publish",
    url: options.url,
    clientPrefix: `bench-raw-pub-${run}`,
    plantsFile: options.plantsFile,
    connections: options.connections,
    window: options.window,
    rate: 0,
    durationMs: options.durationS * 1000,
    credit: false,
  });
  const publisherUsage = new ProcessSampler(publisher.pid);
  publisherUsage.start();
  const startedAt = publisher.startedAt ?? performance.now();
  const done = await publisher.done;
  const pubUsage = publisherUsage.stop();
  // Drain: everything the broker accepted must reach the subscriber.
  let last = subscriber.latest.received;
  let lastProgress = performance.now();
  while (subscriber.latest.received < done.acked && performance.now() - lastProgress < 15_000) {
    await new Promise((r) => setTimeout(r, 20));
    if (subscriber.latest.received > last) {
      last = subscriber.latest.received;
      lastProgress = performance.now();
    }
  }
  const endedAt = subscriber.latestAt;
  const brokerUsage = broker.stop();
  const subUsage = sub.stop();
  const machineAfter = readMachineCpu();
  const final = await subscriber.stop();
  const seconds = (endedAt - startedAt) / 1000;
  return {
    msgPerS: final.received / seconds,
    published: done.acked,
    delivered: final.received,
    seconds,
    publisherCpuPercent: pubUsage.cpuPercent,
    brokerCpuPercent: brokerUsage.cpuPercent,
    subscriberCpuPercent: subUsage.cpuPercent,
    broker: brokerSyscalls(brokerUsage, final.received),
    machineCpuPercent: machineBefore && machineAfter
      ? machineCpuPercent(machineBefore, machineAfter, navigator.hardwareConcurrency)
      : undefined,
  };
}
