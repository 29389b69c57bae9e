/**
 * The rollup repairer, in the main isolate: recomputes the buckets the group commit queued in
 * `rollup_recompute` (actors/sinks/rollups.ts), oldest first, in transactions of its own, so that a
 * burst of recomputes (the first bucket boundary of each width after a start: one bucket per actor)
 * never holds up the commits of readings and alerts.
 *
 * Each transaction locks a chunk of queued buckets (`for update skip locked`), recomputes them from the
 * readings, and deletes them; the chunk grows or shrinks so that a transaction takes about `targetMs`
 * (on embedded PGlite it shares the one connection with the writer, which waits at most that long).
 * The queue is a table, so a stop or a crash loses nothing: what is left is recomputed after the next
 * start. A failure is logged and retried with backoff.
 * @module
 */
import type { Logger } from "../core/log.ts";
import { backoffDelay, sleep } from "../core/retry.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { typedArray } from "./sink.ts";
import { type QueuedBucket, recomputeBuckets, type RollupSource } from "./sinks/rollups.ts";

/** Options for {@linkcode RollupRepairer}. */
export interface RollupRepairOptions {
  sql: Sql;
  sources: RollupSource[];
  log: Logger;
  /** How often an idle repairer looks for queued buckets. @default {500} */
  pollMs?: number;
  /** The duration a repair transaction aims at; the chunk size adapts to it. @default {100} */
  targetMs?: number;
  /** Buckets per transaction: the first chunk, and the most. @default {{ initial: 64, max: 4096 }} */
  chunk?: { initial: number; max: number };
  /**
   * The share of time spent in repair transactions while a backlog lasts: after a transaction of d ms
   * the repairer waits d x (1 - share) / share, leaving PostgreSQL (and the one embedded connection) to
   * the writer meanwhile. @default {0.25}
   */
  busyShare?: number;
}

/** Figures for `/metrics`. */
export interface RollupRepairStats {
  /** Buckets recomputed (and removed from the queue). */
  recomputed: number;
  transactions: number;
  failures: number;
  /** Time spent in repair transactions, ms. */
  ms: number;
  /** Buckets queued when last looked (after a full chunk, or 0 after a partial one). */
  backlog: number;
}

/** Recomputes queued rollup buckets in the background. */
export class RollupRepairer {
  #o: RollupRepairOptions;
  #limit: number;
  #stats: RollupRepairStats = { recomputed: 0, transactions: 0, failures: 0, ms: 0, backlog: 0 };
  #running?: Promise<void>;
  #stop?: AbortController;
  #failuresInARow = 0;

  constructor(options: RollupRepairOptions) {
    this.#o = options;
    this.#limit = options.chunk?.initial ?? 64;
  }

  stats(): RollupRepairStats {
    return { ...this.#stats };
  }

  /** Starts the background loop. */
  start(): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    this.#running = this.#loop(this.#stop.signal).finally(() => (this.#running = undefined));
  }

  /** Stops after the transaction under way (what is still queued stays queued). */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#running;
  }

  /** Recomputes queued buckets until none is left; returns how many (for tests and tools). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.repairOnce(); n > 0; n = await this.repairOnce()) total += n;
    return total;
  }

  /** One repair transaction; returns the buckets recomputed. */
  async repairOnce(): Promise<number> {
    const { sql, sources } = this.#o;
    const limit = this.#limit;
    const started = performance.now();
    const done = await sql.begin(async (tx) => {
      const picked = await tx<
        { width: string; series: string; entityId: string; metric: string; bucket: number }[]
      >`
        select width, series, entity_id as "entityId", metric, extract(epoch from bucket) * 1000 as bucket
        from rollup_recompute order by queued_at limit ${limit} for update skip locked`;
      if (picked.length === 0) return 0;
      const buckets: QueuedBucket[] = picked.map((p) => ({ ...p, bucket: Number(p.bucket) }));
      await recomputeBuckets(tx, sources, buckets);
      await tx`
        delete from rollup_recompute q
        using unnest(${typedArray(buckets.map((b) => b.width), "text")}::text[],
                     ${typedArray(buckets.map((b) => b.entityId), "uuid")}::uuid[],
                     ${typedArray(buckets.map((b) => b.metric), "text")}::text[],
                     ${typedArray(buckets.map((b) => b.bucket), "float8")}::float8[])
          as u(width, entity_id, metric, bucket)
        where q.width = u.width and q.entity_id = u.entity_id and q.metric = u.metric
          and q.bucket = to_timestamp(u.bucket / 1000.0)`;
      return buckets.length;
    });
    const elapsed = performance.now() - started;
    if (done > 0) {
      this.#stats.transactions++;
      this.#stats.recomputed += done;
      this.#stats.ms += elapsed;
      this.#adapt(done, limit, elapsed);
    }
    this.#stats.backlog = done < limit ? 0 : await this.#count();
    return done;
  }

  #adapt(done: number, limit: number, elapsedMs: number): void {
    const target = this.#o.targetMs ?? 100;
    const max = this.#o.chunk?.max ?? 4096;
    if (elapsedMs > target) this.#limit = Math.max(1, Math.floor(limit / 2));
    else if (done === limit && elapsedMs < target / 2) this.#limit = Math.min(max, limit * 2);
  }

  async #count(): Promise<number> {
    const [{ n }] = await this.#o.sql<{ n: number }[]>`select count(*)::int as n from rollup_recompute`;
    return n;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const share = Math.min(1, Math.max(0.01, this.#o.busyShare ?? 0.25));
    while (!signal.aborted) {
      let done = 0;
      let pause = this.#o.pollMs ?? 500;
      try {
        const started = performance.now();
        done = await this.repairOnce();
        if (done > 0) pause = ((performance.now() - started) * (1 - share)) / share;
        this.#failuresInARow = 0;
      } catch (error) {
        this.#stats.failures++;
        pause = backoffDelay(Math.min(this.#failuresInARow++, 10), { minDelayMs: 500, maxDelayMs: 30_000 });
        this.#o.log.warn("recomputing rollups failed; the buckets stay queued, retrying", {
          retryInMs: Math.round(pause),
          error,
        });
      }
      if (done === 0 || pause >= 1) await sleep(pause, signal).catch(() => {}); // rejects on stop
    }
  }
}
