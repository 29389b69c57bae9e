/**
 * End-to-end ingest benchmark of the actor runtime (issue 7; issue 6 builds the full benchmark):
 *
 * 1. raw: QoS 1 pass-through of the same broker, one publisher and one do-nothing subscriber that acks
 *    at once (the ceiling the runtime is compared with), measured in the same run;
 * 2. sustained: `--messages` readings for `--plants` plants published as fast as the broker takes them
 *    (QoS 1, 1000 in flight); the rate is messages / time until every one is committed to PostgreSQL
 *    and acknowledged (`runtime.stats().messagesAcked`), then verified by counting `meter_readings`;
 * 3. spike latency: at half the sustained rate for `--latency-s` seconds, one plant in 100 sends a
 *    spike every second; latency = from its publish to the change event the writer publishes after the
 *    commit that holds its Spike alert.
 *
 * A private Mosquitto (repo test config) unless `--broker`; PostgreSQL from DATABASE_URL (a fresh
 * database) or embedded PGlite (`--backend embedded`).
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test deno run -A bench/ingest.ts`
 * @module
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../core/config.ts";
import { createLogger } from "../core/log.ts";
import { createRuntime } from "../actors/create_runtime.ts";
import { fakeCache, fakeDocuments } from "../actors/testing.ts";
import { MqttSession } from "../mqtt/session.ts";
import { startMosquitto } from "../mqtt/testing.ts";
import { openTestDatabase, type PgBackend } from "../stores/postgres/testing.ts";
import { topics } from "../domain/telemetry.ts";
import type { ChangeEvent } from "../actors/kind.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    plants: { type: "string", default: "1000" },
    messages: { type: "string", default: "100000" },
    workers: { type: "string", default: "2" },
    shards: { type: "string", default: "64" },
    backend: { type: "string", default: Deno.env.get("DATABASE_URL") ? "external" : "embedded" },
    broker: { type: "string" },
    "catch-all": { type: "string", default: "on" },
    "latency-s": { type: "string", default: "10" },
    "raw-messages": { type: "string", default: "100000" },
  },
});
const PLANTS = Number(values.plants);
const MESSAGES = Number(values.messages);
const log = createLogger({ level: "warn" });

async function publisherSession(url: string, name: string) {
  const s = new MqttSession({
    url,
    clientId: `bench-${name}-${crypto.randomUUID().slice(0, 6)}`,
    clean: true,
    maxInflight: 1000,
  });
  s.start();
  await s.ready(5_000);
  return s;
}

/** QoS 1 pass-through of the broker: publisher -> broker -> subscriber acking at once. */
async function raw(url: string, count: number): Promise<number> {
  const topic = `bench/raw/${crypto.randomUUID()}`;
  let got = 0;
  const sub: MqttSession = new MqttSession({
    url,
    clientId: `bench-raw-${crypto.randomUUID().slice(0, 6)}`,
    clean: true,
    onMessage: (m) => (got++, sub.ack(m.seq)),
  });
  sub.start();
  await sub.ready(5_000);
  await sub.subscribe([topic]);
  const pub = await publisherSession(url, "rawpub");
  const payload = JSON.stringify({ ts: Date.now(), mw: 12.5 });
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) sends.push(pub.publish(topic, payload));
  await Promise.all(sends);
  while (got < count) await new Promise((r) => setTimeout(r, 1));
  const rate = count / ((performance.now() - started) / 1000);
  await pub.close();
  await sub.close();
  return Math.round(rate);
}

async function main() {
  const broker = values.broker ? undefined : await startMosquitto();
  const url = values.broker ?? broker!.url;
  const db = await openTestDatabase(values.backend as PgBackend);
  const ids: string[] = [];
  const rows = await db.sql<{ id: string }[]>`
    insert into plants (name, asset_type, capacity_mw, expected_interval_s)
    select 'bench-' || g, 'solar', 10000, 60 from generate_series(1, ${PLANTS}) g returning id`;
  for (const r of rows) ids.push(r.id);
  const cache = fakeCache();
  const spikeSeen = new Map<string, number>();
  await cache.subscribe("gridpulse:changes", (m) => {
    const e = m as ChangeEvent;
    if (e.type === "alert" && (e.alert as { type: string }).type === "Spike") {
      spikeSeen.set(`${e.id}:${(e.alert as { value: number }).value}`, performance.now());
    }
  });
  const runtime = await createRuntime(
    { config: loadConfig({ LOG_LEVEL: "warn" }), log, sql: db.sql, documents: fakeDocuments(), cache },
    {
      mqttUrl: url,
      workers: Number(values.workers),
      shards: Number(values.shards),
      clientIdPrefix: `bench-${crypto.randomUUID().slice(0, 6)}`,
      catchAll: values["catch-all"] !== "off",
    },
  );
  try {
    await runtime.ready(60_000);
    const rawRate = await raw(url, Number(values["raw-messages"]));
    console.log(`raw QoS 1 pass-through: ${rawRate} msg/s`);

    const pub = await publisherSession(url, "pub");
    const t0 = Date.now() - MESSAGES * 1000;
    const ackedBefore = runtime.stats().messagesAcked;
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const id = ids[i % PLANTS];
      sends.push(pub.publish(topics.plantTelemetry(id), `{"ts":${t0 + i},"mw":${10 + (i % 7) / 10}}`));
      if (sends.length >= 5000) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    const published = performance.now();
    while (runtime.stats().messagesAcked - ackedBefore < MESSAGES) await new Promise((r) => setTimeout(r, 2));
    const elapsed = (performance.now() - started) / 1000;
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from meter_readings`;
    const rate = Math.round(MESSAGES / elapsed);
    console.log(
      `sustained ingest: ${rate} msg/s (${MESSAGES} messages in ${elapsed.toFixed(2)} s, publishing took ` +
        `${((published - started) / 1000).toFixed(2)} s); meter_readings = ${n}; ${
          Math.round((100 * rate) / rawRate)
        }% of raw`,
    );
    if (n !== MESSAGES) console.log(`!! LOST OR DUPLICATED: ${MESSAGES - n}`);
    const m = runtime.metrics().split("\n");
    const pick = (name: string) => m.find((l) => l.startsWith(name))?.split(" ")[1];
    const commits = Number(pick("gridpulse_write_commits_total"));
    console.log(
      `  group commits: ${commits} (${(MESSAGES / commits).toFixed(0)} messages each on average), ` +
        `commit time ${(Number(pick("gridpulse_write_commit_ms_sum")) / commits).toFixed(1)} ms on average`,
    );
    console.log(
      "  time per sink (ms):",
      m.filter((l) => l.startsWith("gridpulse_write_sink_ms_total{")).map((l) => l.slice(30)).join(" "),
    );

    const latencies = await spikeLatency(
      pub,
      ids,
      Math.round(rate / 2),
      Number(values["latency-s"]),
      spikeSeen,
    );
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    console.log(
      `spike alert latency at ${Math.round(rate / 2)} msg/s: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${
        q(1)
      } ms (${latencies.length} spikes)`,
    );
    await pub.close();
  } finally {
    await runtime.stop();
    await db.close();
    await broker?.close();
  }
}

/** Publishes at `rate` msg/s; every second 1% of the plants send a spike; returns publish->event ms. */
async function spikeLatency(
  pub: MqttSession,
  ids: string[],
  rate: number,
  seconds: number,
  seen: Map<string, number>,
) {
  const sent = new Map<string, number>();
  const tick = 10;
  const perTick = Math.max(1, Math.round((rate * tick) / 1000));
  let i = 0;
  let value = 100_000;
  const start = performance.now();
  let ticks = 0;
  while (performance.now() - start < seconds * 1000) {
    ticks++;
    const spikeTick = ticks % (1000 / tick) === 0;
    for (let k = 0; k < perTick; k++) {
      const id = ids[i++ % ids.length];
      const spike = spikeTick && k < Math.max(1, ids.length / 100);
      const mw = spike ? ++value : 10 + (i % 7) / 10;
      if (spike) sent.set(`${id}:${mw}`, performance.now());
      pub.publish(topics.plantTelemetry(id), `{"ts":${Date.now()},"mw":${mw}}`).catch(() => {});
    }
    const next = start + ticks * tick;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const out: number[] = [];
  for (const [key, at] of sent) {
    const got = seen.get(key);
    if (got !== undefined) out.push(got - at);
  }
  if (out.length < sent.size) console.log(`!! ${sent.size - out.length} spikes without an alert event`);
  return out;
}

if (import.meta.main) await main();
