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
/** Fewest messages an ack-driven pump sends; the 2 ms ticker sends any remainder. */
const MIN_BATCH = 64;

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

/** The publishing side of a load process: connections, plants, credit, rate. */
class Publisher {
  #job: PublishJob;
  #clients: WireClient[];
  /** Plant i publishes on connection i % connections, so its readings stay in order. */
  #plantsOf: PlantLoad[][];
  #cursor: number[];
  #credit: number;
  #started = performance.now();
  stopping = false;

  constructor(job: PublishJob, clients: WireClient[], ids: string[]) {
    this.#job = job;
    this.#clients = clients;
    this.#plantsOf = clients.map(() => []);
    this.#cursor = clients.map(() => 0);
    this.#credit = job.credit ? 0 : Infinity;
    ids.forEach((id, i) =>
      this.#plantsOf[i % clients.length].push({
        topic: encoder.encode(`gridpulse/plants/${id}/telemetry`),
        lastTs: 0,
        // 10-100 MW with +-3% noise: never 3x its baseline, never above capacity (the bench seeds 1000 MW)
        baseMw: 10 + (i % 91),
      })
    );
    for (const client of clients) client.onDrain = () => this.pump(MIN_BATCH);
  }

  get published(): number {
    return this.#clients.reduce((n, c) => n + c.published, 0);
  }

  get acked(): number {
    return this.#clients.reduce((n, c) => n + c.acked, 0);
  }

  get elapsedMs(): number {
    return performance.now() - this.#started;
  }

  grant(total: number): void {
    this.#credit = Math.max(this.#credit, total);
    this.pump();
  }

  /**
   * Publishes what window, credit and rate allow now, round-robin over the connections; nothing when
   * that is fewer than `minBatch` (acks arrive a few at a time: a write per ack would cost the
   * generator more CPU per message than the broker spends, on the machine the app shares).
   */
  pump(minBatch = 1): void {
    if (this.stopping) return;
    const elapsed = this.elapsedMs;
    if (elapsed >= this.#job.durationMs) return void (this.stopping = true);
    let budget = this.#credit - this.published;
    if (this.#job.rate > 0) {
      budget = Math.min(budget, Math.floor(this.#job.rate * elapsed / 1000) - this.published);
    }
    if (budget < minBatch) return;
    const now = Date.now();
    while (budget > 0) {
      let progress = false;
      for (let c = 0; c < this.#clients.length && budget > 0; c++) {
        if (this.#clients[c].inFlight >= this.#job.window) continue;
        this.#publishNext(c, now);
        budget--;
        progress = true;
      }
      if (!progress) break;
    }
    for (const client of this.#clients) client.flush();
  }

  #publishNext(c: number, now: number): void {
    const plants = this.#plantsOf[c];
    const plant = plants[this.#cursor[c]];
    this.#cursor[c] = (this.#cursor[c] + 1) % plants.length;
    plant.lastTs = Math.max(now, plant.lastTs + 1); // unique (plant, ts): the primary key
    const mw = plant.baseMw * (0.97 + Math.random() * 0.06);
    this.#clients[c].publish(plant.topic, encoder.encode(`{"ts":${plant.lastTs},"mw":${mw.toFixed(3)}}`));
  }

  /** Waits for the broker to acknowledge everything sent (bounded: a dead broker must not hang the run). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.acked < this.published && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): Promise<void[]> {
    return Promise.all(this.#clients.map((c) => c.close()));
  }
}

async function runPublish(job: PublishJob): Promise<void> {
  const ids: string[] = JSON.parse(await Deno.readTextFile(job.plantsFile));
  const clients = await Promise.all(
    Array.from(
      { length: job.connections },
      (_, i) => WireClient.connect(job.url, { clientId: `${job.clientPrefix}-${i}` }),
    ),
  );
  const publisher = new Publisher(job, clients, ids);
  readControl((line) => {
    if (line.stop) publisher.stopping = true;
    if (line.credit !== undefined) publisher.grant(line.credit);
  });
  const report = (t: LoadEvent["t"]) =>
    emit({
      t,
      published: publisher.published,
      acked: publisher.acked,
      received: 0,
      elapsedMs: publisher.elapsedMs,
    });
  report("started");
  const stats = setInterval(() => {
    publisher.pump(); // timer-driven too: a rate-limited or credit-starved publisher has no acks to wake it
    report("stats");
  }, job.statsIntervalMs ?? 100);
  const ticker = setInterval(() => publisher.pump(), 2);
  publisher.pump();
  while (!publisher.stopping) await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  await publisher.drain();
  clearInterval(stats);
  report("done");
  await publisher.close();
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
