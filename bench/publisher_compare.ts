/**
 * Which load publisher to use: the same QoS 1 pass-through (private Mosquitto, one subscriber process
 * that acknowledges at once) driven by
 *
 * - `wire-process`: bench/load_process.ts in its own process (what `deno task bench` uses),
 * - `wire-inline`: the same WireClient in this process,
 * - `mqttjs-inline`: mqtt.js in this process with the same window of unacknowledged publishes.
 *
 * Run: `deno run -A bench/publisher_compare.ts [--seconds 5] [--window 500] [--rounds 2]`
 * @module
 */
import mqtt from "mqtt";
import { parseArgs } from "node:util";
import { startBenchBroker } from "./broker.ts";
import { LoadProcess } from "./load.ts";
import { WireClient } from "./wire_client.ts";
import { CLOCK_TICKS, readProcess } from "./proc.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "5" },
    window: { type: "string", default: "500" },
    rounds: { type: "string", default: "2" },
  },
});
const SECONDS = Number(values.seconds);
const WINDOW = Number(values.window);
const encoder = new TextEncoder();

/** Publishes for SECONDS with at most WINDOW unacknowledged; returns messages acknowledged. */
async function inlineWire(url: string, topics: Uint8Array[]): Promise<number> {
  const client = await WireClient.connect(url, { clientId: `cmp-wire-${crypto.randomUUID().slice(0, 6)}` });
  const end = performance.now() + SECONDS * 1000;
  let i = 0;
  const pump = () => {
    if (performance.now() >= end) return;
    while (client.inFlight < WINDOW) {
      client.publish(topics[i++ % topics.length], encoder.encode(`{"ts":${Date.now()},"mw":12.345}`));
    }
    client.flush();
  };
  client.onDrain = pump;
  pump();
  while (performance.now() < end || client.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  await client.close();
  return client.acked;
}

async function inlineMqttJs(url: string, topics: string[]): Promise<number> {
  const client = await mqtt.connectAsync(url, {
    clientId: `cmp-js-${crypto.randomUUID().slice(0, 6)}`,
    protocolVersion: 4,
  });
  const end = performance.now() + SECONDS * 1000;
  let sent = 0;
  let acked = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (sent - acked < WINDOW && performance.now() < end) {
        client.publish(topics[sent++ % topics.length], `{"ts":${Date.now()},"mw":12.345}`, { qos: 1 }, () => {
          acked++;
          if (performance.now() >= end && acked === sent) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  await client.endAsync();
  return acked;
}

/** CPU seconds of `pid` so far. */
function cpuSeconds(pid: number): number {
  const r = readProcess(pid);
  return r ? (r.utime + r.stime) / CLOCK_TICKS : 0;
}

/** The publisher's CPU per acknowledged message, µs, of the last variant run. */
let publisherUs = 0;

async function processWire(url: string, plantsFile: string): Promise<number> {
  const publisher = await LoadProcess.spawn({
    mode: "publish",
    url,
    clientPrefix: `cmp-proc-${crypto.randomUUID().slice(0, 6)}`,
    plantsFile,
    connections: 1,
    window: WINDOW,
    rate: 0,
    durationMs: SECONDS * 1000,
    credit: false,
  });
  let cpu = 0;
  const sampler = setInterval(() => (cpu = cpuSeconds(publisher.pid) || cpu), 50);
  const acked = (await publisher.done).acked;
  clearInterval(sampler);
  publisherUs = cpu * 1e6 / acked;
  return acked;
}

/** Runs an in-process variant, recording this process's CPU per message. */
async function inline(run: () => Promise<number>): Promise<number> {
  const before = cpuSeconds(Deno.pid);
  const acked = await run();
  publisherUs = (cpuSeconds(Deno.pid) - before) * 1e6 / acked;
  return acked;
}

/** Runs one variant with a fresh subscriber; rate = delivered / (start -> last delivery). */
async function measure(url: string, run: () => Promise<number>): Promise<string> {
  const subscriber = await LoadProcess.spawn({
    mode: "subscribe",
    url,
    clientId: `cmp-sub-${crypto.randomUUID().slice(0, 6)}`,
    filter: "gridpulse/plants/+/telemetry",
    statsIntervalMs: 20,
  });
  const started = performance.now();
  const acked = await run();
  while (subscriber.latest.received < acked) await new Promise((r) => setTimeout(r, 10));
  const rate = subscriber.latest.received / ((subscriber.latestAt - started) / 1000);
  await subscriber.stop();
  return `${rate.toFixed(0)} msg/s (${publisherUs.toFixed(1)} µs CPU/msg)`;
}

if (import.meta.main) {
  const broker = await startBenchBroker("mosquitto");
  const dir = await Deno.makeTempDir({ prefix: "gridpulse-cmp-" });
  try {
    const ids = Array.from({ length: 1000 }, () => crypto.randomUUID());
    await Deno.writeTextFile(`${dir}/plants.json`, JSON.stringify(ids));
    const names = ids.map((id) => `gridpulse/plants/${id}/telemetry`);
    const bytes = names.map((t) => encoder.encode(t));
    console.log(`QoS 1 pass-through, ${SECONDS} s, window ${WINDOW}, load average ${Deno.loadavg()[0]}`);
    for (let round = 1; round <= Number(values.rounds); round++) {
      const process = await measure(broker.url, () => processWire(broker.url, `${dir}/plants.json`));
      const wire = await measure(broker.url, () => inline(() => inlineWire(broker.url, bytes)));
      const js = await measure(broker.url, () => inline(() => inlineMqttJs(broker.url, names)));
      console.log(`round ${round}: wire-process ${process}; wire-inline ${wire}; mqttjs-inline ${js}`);
    }
  } finally {
    await broker.close();
    await Deno.remove(dir, { recursive: true });
  }
}
