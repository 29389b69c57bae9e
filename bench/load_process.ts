/**
 * The load generator, run as its own process (`deno run -A bench/load_process.ts '<job JSON>'`) so it
 * never competes with the bench's bookkeeping or the app for one event loop. Two jobs:
 *
 * - `publish`: plant telemetry at QoS 1 over several connections, each plant always on the same
 *   connection (so its readings arrive in order), at a fixed rate or as fast as the window, and the
 *   credit the parent grants, allow. Credit is end-to-end flow control: the parent grants "committed +
 *   max backlog", so the broker's queue stays bounded however fast the app is.
 * - `subscribe`: one QoS 1 subscription that acknowledges at once and counts (the raw pass-through).
 *
 * Protocol: stdout carries one JSON object per line (`ready`, `started`, `stats`, `done`); stdin takes
 * `{"credit": total}` and `{"stop": true}` lines.
 * @module
 */
import { WireClient } from "./wire_client.ts";

/** Publish plant telemetry. */
export interface PublishJob {
  mode: "publish";
  url: string;
  clientPrefix: string;
  /** A JSON file holding the plant ids (UUIDs). */
  plantsFile: string;
  connections: number;
  window: number;
  /** Messages per second in total; 0 = as fast as window and credit allow. */
  rate: number;
  durationMs: number;
  /** Wait for `credit` lines before publishing (else unlimited). */
  credit: boolean;
  /** @default {100} */
  statsIntervalMs?: number;
}

/** Subscribe and acknowledge at once. */
export interface SubscribeJob {
  mode: "subscribe";
  url: string;
  clientId: string;
  filter: string;
  /** @default {50} */
  statsIntervalMs?: number;
}

/** A job for the load process. */
export type LoadJob = PublishJob | SubscribeJob;

/** One line of the load process's output. */
export interface LoadEvent {
  t: "ready" | "started" | "stats" | "done" | "error";
  published: number;
  acked: number;
  received: number;
  /** ms since the process's `started`. */
  elapsedMs: number;
  message?: string;
}

const encoder = new TextEncoder();

function emit(event: LoadEvent): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(event) + "\n"));
}

/** Reads `{"credit": n}` / `{"stop": true}` lines from stdin. */
async function readControl(onLine: (line: { credit?: number; stop?: boolean }) => void): Promise<void> {
  let rest = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line));
  }
  onLine({ stop: true }); // the parent went away
}

/** A plant's topic, its last timestamp and its usual output. */
interface PlantLoad {
  topic: Uint8Array;
  lastTs: number;
  baseMw: number;
}

async function runPublish(job: PublishJob): Promise<void> {
  const ids: string[] = JSON.parse(await Deno.readTextFile(job.plantsFile));
  const clients = await Promise.all(
    Array.from(
      { length: job.connections },
      (_, i) => WireClient.connect(job.url, { clientId: `${job.clientPrefix}-${i}` }),
    ),
  );
  // Plant i publishes on connection i % connections, so its readings stay in order.
  const plantsOf: PlantLoad[][] = clients.map(() => []);
  ids.forEach((id, i) =>
    plantsOf[i % clients.length].push({
      topic: encoder.encode(`gridpulse/plants/${id}/telemetry`),
      lastTs: 0,
      // 10-100 MW with +-3% noise: never 3x its baseline, never above capacity (the bench seeds 1000 MW)
      baseMw: 10 + (i % 91),
    })
  );
  const cursor = clients.map(() => 0);
  let credit = job.credit ? 0 : Infinity;
  let stopping = false;
  const started = performance.now();
  const published = () => clients.reduce((n, c) => n + c.published, 0);
  const acked = () => clients.reduce((n, c) => n + c.acked, 0);

  const pump = () => {
    if (stopping) return;
    const elapsed = performance.now() - started;
    if (elapsed >= job.durationMs) return void (stopping = true);
    let budget = credit - published();
    if (job.rate > 0) budget = Math.min(budget, Math.floor(job.rate * elapsed / 1000) - published());
    const now = Date.now();
    while (budget > 0) {
      let progress = false;
      for (let c = 0; c < clients.length && budget > 0; c++) {
        const client = clients[c];
        if (client.inFlight >= job.window) continue;
        const plants = plantsOf[c];
        const plant = plants[cursor[c]];
        cursor[c] = (cursor[c] + 1) % plants.length;
        plant.lastTs = Math.max(now, plant.lastTs + 1); // unique (plant, ts): the primary key
        const mw = plant.baseMw * (0.97 + Math.random() * 0.06);
        client.publish(plant.topic, encoder.encode(`{"ts":${plant.lastTs},"mw":${mw.toFixed(3)}}`));
        budget--;
        progress = true;
      }
      if (!progress) break;
    }
    for (const client of clients) client.flush();
  };
  for (const client of clients) client.onDrain = pump;
  if (job.credit) {
    readControl((line) => {
      if (line.stop) stopping = true;
      if (line.credit !== undefined) credit = Math.max(credit, line.credit);
      pump();
    });
  }
  emit({ t: "started", published: 0, acked: 0, received: 0, elapsedMs: 0 });
  const stats = setInterval(() => {
    pump(); // timer-driven too: a rate-limited or credit-starved publisher has no acks to wake it
    emit({
      t: "stats",
      published: published(),
      acked: acked(),
      received: 0,
      elapsedMs: performance.now() - started,
    });
  }, job.statsIntervalMs ?? 100);
  const ticker = setInterval(pump, 1);
  pump();
  while (!stopping) await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  // Wait for the broker to acknowledge everything sent (bounded: a dead broker must not hang the run).
  const deadline = performance.now() + 30_000;
  while (acked() < published() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  clearInterval(stats);
  emit({
    t: "done",
    published: published(),
    acked: acked(),
    received: 0,
    elapsedMs: performance.now() - started,
  });
  await Promise.all(clients.map((c) => c.close()));
}

async function runSubscribe(job: SubscribeJob): Promise<void> {
  const client = await WireClient.connect(job.url, { clientId: job.clientId });
  await client.subscribe(job.filter);
  const started = performance.now();
  let stop = false;
  readControl((line) => void (line.stop && (stop = true)));
  const report = (t: LoadEvent["t"]) =>
    emit({ t, published: 0, acked: 0, received: client.received, elapsedMs: performance.now() - started });
  report("ready");
  while (!stop) {
    await new Promise((r) => setTimeout(r, job.statsIntervalMs ?? 50));
    report("stats");
  }
  report("done");
  await client.close();
}

if (import.meta.main) {
  const job = JSON.parse(Deno.args[0]) as LoadJob;
  try {
    await (job.mode === "publish" ? runPublish(job) : runSubscribe(job));
    Deno.exit(0);
  } catch (error) {
    emit({
      t: "error",
      published: 0,
      acked: 0,
      received: 0,
      elapsedMs: 0,
      message: error instanceof Error ? error.message : String(error),
    });
    Deno.exit(1);
  }
}
