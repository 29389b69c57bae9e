/**
 * End-to-end ingest benchmark of the actor runtime (issue 7; issue 6 builds the full benchmark). The
 * load comes from bench/_publisher.ts in its own process (one QoS 1 session, 1000 in flight).
 *
 * 1. raw: QoS 1 pass-through of the same broker: the publisher process -> broker -> one subscriber
 *    session that acks at once; rate = messages / (last received - first published);
 * 2. sustained: `--messages` readings round-robin over `--plants` plants, as fast as the broker takes
 *    them; rate = messages / (last one committed and acknowledged - first published), checked by
 *    counting `meter_readings` (nothing lost, nothing doubled);
 * 3. spike latency at half the sustained rate for `--latency-s` s: every second `--spikes` plants send
 *    a spike; latency = from its publish to the change event the writer publishes after the commit
 *    holding its Spike alert (the cache's pub/sub, in-process here).
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
import type { ChangeEvent } from "../actors/kind.ts";
import { MqttSession } from "../mqtt/session.ts";
import { startMosquitto } from "../mqtt/testing.ts";
import { openTestDatabase, type PgBackend } from "../stores/postgres/testing.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import { topics } from "../domain/telemetry.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    plants: { type: "string", default: "1000" },
    messages: { type: "string", default: "200000" },
    workers: { type: "string", default: "2" },
    shards: { type: "string", default: "64" },
    backend: { type: "string", default: Deno.env.get("DATABASE_URL") ? "external" : "embedded" },
    broker: { type: "string" },
    "catch-all": { type: "string", default: "on" },
    "latency-s": { type: "string", default: "20" },
    spikes: { type: "string", default: "10" },
  },
});
const now = () => performance.timeOrigin + performance.now();
const log = createLogger({ level: "warn" });

/** CPU time (ms) used so far by process `pid` (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number, path = `/proc/${pid}/stat`): number {
  try {
    const f = Deno.readTextFileSync(path).split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Runs the publisher process; returns its `start` line and its last line (with its CPU ms). */
async function publisher(
  argv: string[],
): Promise<{ start: number; end: number; cpu: number; spikes?: Record<string, number> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_publisher.ts", import.meta.url).pathname, ...argv],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  return { ...lines[0], ...lines.at(-1), cpu: (lines.at(-1).cpu ?? 0) - (lines[0].cpu ?? 0) };
}

async function writeTopics(list: string[]): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "bench-topics-" });
  await Deno.writeTextFile(file, list.join("\n") + "\n");
  return file;
}

/** QoS 1 pass-through: publisher process -> broker -> a subscriber that acks at once. */
async function raw(
  url: string,
  count: number,
  brokerPid: number,
): Promise<{ rate: number; cpu: Record<string, number> }> {
  const topic = `bench/raw/${crypto.randomUUID()}`;
  let got = 0;
  let last = 0;
  const sub: MqttSession = new MqttSession({
    url,
    clientId: `bench-raw-${crypto.randomUUID().slice(0, 6)}`,
    clean: true,
    onMessage: (m) => {
      got++;
      last = now();
      sub.ack(m.seq);
    },
  });
  sub.start();
  await sub.ready(5_000);
  await sub.subscribe([topic]);
  const before = { subscriber: cpuMs(Deno.pid), mosquitto: cpuMs(brokerPid) };
  const run = await publisher(["burst", url, String(count), await writeTopics([topic])]);
  while (got < count) await new Promise((r) => setTimeout(r, 5));
  const perMessage = (ms: number) => (ms * 1000) / count;
  const cpu = {
    publisher: perMessage(run.cpu),
    mosquitto: perMessage(cpuMs(brokerPid) - before.mosquitto),
    subscriber: perMessage(cpuMs(Deno.pid) - before.subscriber),
  };
  await sub.close();
  return { rate: Math.round(count / ((last - run.start) / 1000)), cpu };
}

async function main() {
  const broker = args.broker ? undefined : await startMosquitto();
  const url = args.broker ?? broker!.url;
  const db = await openTestDatabase(args.backend as PgBackend);
  const plants = Number(args.plants);
  const messages = Number(args.messages);
  const ids = (await db.sql<{ id: string }[]>`
    insert into plants (name, asset_type, capacity_mw, expected_interval_s)
    select 'bench-' || g, 'solar', 1e9, 3600 from generate_series(1, ${plants}) g returning id`).map((r) =>
    r.id
  );
  const topicsFile = await writeTopics(ids.map((id) => topics.plantTelemetry(id)));
  const cache = fakeCache();
  const alertSeen = new Map<string, number>();
  await cache.subscribe(CHANGES_CHANNEL, (m) => {
    const e = m as ChangeEvent & { alert?: { type: string; value: number } };
    if (e.type === "alert" && e.alert?.type === "Spike") {
      alertSeen.set(`${topics.plantTelemetry(e.id)} ${e.alert.value}`, now());
    }
  });
  const runtime = await createRuntime(
    { config: loadConfig({ LOG_LEVEL: "warn" }), log, sql: db.sql, documents: fakeDocuments(), cache },
    {
      mqttUrl: url,
      workers: Number(args.workers),
      shards: Number(args.shards),
      clientIdPrefix: `bench-${crypto.randomUUID().slice(0, 6)}`,
      catchAll: args["catch-all"] !== "off",
    },
  );
  try {
    await runtime.ready(60_000);
    console.log(
      `setup: ${args.backend} PostgreSQL, Mosquitto ${url}, ${args.workers} workers, ${args.shards} shards, ` +
        `${plants} plants, catch-all ${args["catch-all"]}, ${navigator.hardwareConcurrency} cores, load ${
          Deno.loadavg()[0]
        }`,
    );
    const rawRun = await raw(url, messages, broker?.pid ?? 0);
    const rawRate = rawRun.rate;
    const rawCpu = Object.values(rawRun.cpu).reduce((a, b) => a + b, 0);
    console.log(`raw QoS 1 pass-through:  ${rawRate} msg/s`);
    console.log(
      `  CPU per message (µs): publisher ${rawRun.cpu.publisher.toFixed(1)}, mosquitto ` +
        `${rawRun.cpu.mosquitto.toFixed(1)}, subscriber ${rawRun.cpu.subscriber.toFixed(1)} = ${
          rawCpu.toFixed(1)
        }`,
    );

    const pgPids =
      (await db.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`)
        .map((r) => r.pid);
    const pids = { deno: Deno.pid, mosquitto: broker?.pid ?? 0, postgres: pgPids };
    const threads = () => {
      const out = { main: 0, workers: 0, other: 0 };
      for (const t of Deno.readDirSync(`/proc/${Deno.pid}/task`)) {
        const ms = cpuMs(Number(t.name), `/proc/${Deno.pid}/task/${t.name}/stat`);
        const comm = Deno.readTextFileSync(`/proc/${Deno.pid}/task/${t.name}/comm`).trim();
        if (Number(t.name) === Deno.pid) out.main += ms;
        else if (comm.startsWith("worker-")) out.workers += ms;
        else out.other += ms;
      }
      return out;
    };
    const cpu = () => ({
      threads: threads(),
      deno: cpuMs(pids.deno),
      mosquitto: cpuMs(pids.mosquitto),
      postgres: pids.postgres.reduce((n, pid) => n + cpuMs(pid), 0),
    });
    const ackedBefore = runtime.stats().messagesAcked;
    const cpuBefore = cpu();
    const running = publisher(["burst", url, String(messages), topicsFile]);
    let lastAck = 0;
    while (runtime.stats().messagesAcked - ackedBefore < messages) {
      await new Promise((r) => setTimeout(r, 2));
      lastAck = now();
    }
    const run = await running;
    const rate = Math.round(messages / ((lastAck - run.start) / 1000));
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from meter_readings`;
    console.log(
      `sustained ingest:         ${rate} msg/s = ${Math.round((100 * rate) / rawRate)}% of raw ` +
        `(${messages} messages; meter_readings holds ${n}${
          n === messages ? ", none lost or doubled" : " !! MISMATCH"
        })`,
    );
    const cpuAfter = cpu();
    const perMessage = (ms: number) => ((ms * 1000) / messages).toFixed(1);
    console.log(
      `  CPU per message (µs): deno (runtime, all isolates) ${perMessage(cpuAfter.deno - cpuBefore.deno)}, ` +
        `mosquitto ${perMessage(cpuAfter.mosquitto - cpuBefore.mosquitto)}, ` +
        `postgres ${perMessage(cpuAfter.postgres - cpuBefore.postgres)}, publisher ${perMessage(run.cpu)}`,
    );
    console.log(
      `  deno threads (µs per message): main isolate ${
        perMessage(cpuAfter.threads.main - cpuBefore.threads.main)
      }, ` +
        `workers ${perMessage(cpuAfter.threads.workers - cpuBefore.threads.workers)}, ` +
        `V8/tokio helpers ${perMessage(cpuAfter.threads.other - cpuBefore.threads.other)}`,
    );
    const ingestCpu = [
      cpuAfter.deno - cpuBefore.deno,
      cpuAfter.mosquitto - cpuBefore.mosquitto,
      cpuAfter.postgres - cpuBefore.postgres,
      run.cpu,
    ].reduce((a, b) => a + (b * 1000) / messages, 0);
    console.log(
      `  total ${ingestCpu.toFixed(1)} µs per message vs ${
        rawCpu.toFixed(1)
      } for the raw pass-through: CPU-bound ` +
        `on a machine of its own, ingest would run at ~${Math.round((100 * rawCpu) / ingestCpu)}% of raw`,
    );
    report(runtime.metrics(), messages);

    const half = Math.round(rate / 2);
    const paced = await publisher(["paced", url, String(half), args["latency-s"]!, topicsFile, args.spikes!]);
    await new Promise((r) => setTimeout(r, 1_000));
    const latencies = Object.entries(paced.spikes ?? {}).map(([key, at]) =>
      (alertSeen.get(key) ?? Infinity) - at
    ).sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    console.log(
      `spike alert latency at ${half} msg/s: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${
        q(1)
      } ms (${latencies.length} spikes)`,
    );
  } finally {
    await runtime.stop();
    await db.close();
    await broker?.close();
  }
}

function report(metrics: string, messages: number) {
  const lines = metrics.split("\n");
  const value = (name: string) => Number(lines.find((l) => l.startsWith(name + " "))?.split(" ")[1] ?? 0);
  const commits = value("gridpulse_write_commits_total");
  console.log(
    `  ${commits} group commits, ${(messages / Math.max(1, commits)).toFixed(0)} messages and ` +
      `${(value("gridpulse_write_commit_ms_sum") / Math.max(1, commits)).toFixed(1)} ms each on average`,
  );
  console.log(
    "  ms per part:",
    lines.filter((l) => l.startsWith("gridpulse_write_sink_ms_total{")).map((l) =>
      l.replace(/^.*sink="([^"]+)"\} /, "$1=")
    ).join(" "),
  );
}

if (import.meta.main) await main();
