/**
 * The group-commit writer, in the main isolate: the one place that writes what actors produce.
 *
 * Why one writer in the main isolate: embedded PGlite serves exactly ONE connection, so workers cannot
 * each hold one; and on a real server one transaction for the batches of every worker (group commit)
 * turns thousands of messages into a handful of statements and one WAL flush.
 *
 * Batches queue while a commit runs; the next commit takes everything queued (up to `maxMessages`):
 * readings mirrored to the series sink when configured, then ONE transaction with one multi-row
 * statement per sink plus the ingestion log (and the mirrored ranges in `series_outbox`, until InfluxDB
 * confirms them: actors/series_outbox.ts), sent pipelined; after the commit the cache writes (one
 * `setMany`) and change events. Then each batch's promise resolves and its worker sends the PUBACKs;
 * a batch with dead letters waits until they are in the documents store (`telemetry_events`, retried
 * while it is down without holding up other commits). A failed transaction rejects every batch of the
 * commit: their workers send them again, and the idempotent writes make the retry harmless. The queue
 * is bounded by the workers' own bounds (unacknowledged messages per shard), so memory stays bounded
 * when PostgreSQL is slow.
 *
 * The cache is not the system of record, so a cache write that fails after the commit does not fail
 * it, but it is not dropped either: live state is last-value-wins, so the newest entry of each key the
 * cache refused (Redis at `maxmemory`, its outage buffer full) is kept, at most one per key (so bounded
 * by the actors' keys), and sent again with backoff and after the next write the cache accepts, with
 * what is left of its TTL. Change events are not worth sending late: a failed one is counted, and the
 * open streams end when the cache's pub/sub is interrupted, so their clients poll.
 * @module
 */
import type { Logger } from "../core/log.ts";
import type { Sql, Tx } from "../stores/postgres/client.ts";
import type { Cache, CacheEntry } from "../stores/cache/cache.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import type { DocumentStore, NewDocument } from "../stores/documents/documents.ts";
import type { Batch, DeadLetter } from "./protocol.ts";
import { appendRows, type Sink, type SinkRows, typedArray } from "./sink.ts";
import type { Mirrored, SeriesOutbox } from "./series_outbox.ts";
import { Histogram } from "./metrics.ts";
import { toChangeEvent } from "./change_event.ts";
import { backoffDelay, retry } from "../core/retry.ts";
import { storableText } from "./payload.ts";

/** Rejected events are kept a week (seed 003's `last_7_days` window). */
export const REJECTED_TTL_MS = 7 * 24 * 3600 * 1000;

/** Options for {@linkcode Writer}. */
export interface WriterOptions {
  sql: Sql;
  /** In write order. */
  sinks: Sink[];
  log: Logger;
  documents?: DocumentStore;
  cache?: Cache;
  /** Mirrors readings to the series sink (InfluxDB) when one is configured. */
  outbox?: SeriesOutbox;
  /** Inbound messages per transaction. @default {20000} */
  maxMessages?: number;
  /** Backoff of sending live state again that the cache refused. @default {{ minDelayMs: 1000, maxDelayMs: 30000 }} */
  liveRetry?: { minDelayMs?: number; maxDelayMs?: number };
}

/** A live-state write the cache refused: the entry to set (with when it was made), or a delete. */
interface Unwritten {
  entry?: CacheEntry;
  at: number;
}

interface Queued {
  batch: Batch;
  resolve(): void;
  reject(error: unknown): void;
}

/** Figures for `/metrics`. */
export interface WriterStats {
  commits: number;
  failures: number;
  queuedBatches: number;
  queuedMessages: number;
  committedMessages: number;
  rows: number;
  /** Messages per commit. */
  commitSize: Histogram;
  /** Transaction duration, ms. */
  commitLatency: Histogram;
  /** From a batch's first message to its commit, ms. */
  ingestLatency: Histogram;
  /**
   * Time per sink (and `ingestion_log`, `documents`, `cache`) until its statements completed, ms in
   * total; sinks run pipelined, so these overlap.
   */
  sinkMs: Record<string, number>;
  /** Live-state cache writes (and deletes) that failed; their keys are sent again. */
  cacheFailures: number;
  /** Keys whose newest live state the cache refused, waiting to be sent again. */
  cacheUnwritten: number;
  /** Change events the cache could not publish (not sent again). */
  eventsDropped: number;
}

/** Group-commits worker batches. */
export class Writer {
  #o: WriterOptions;
  #queue: Queued[] = [];
  #queuedMessages = 0;
  #busy = false;
  #idle: (() => void)[] = [];
  /** Batches submitted, and batches whose commit (and cache write) is over, succeeded or not. */
  #submitted = 0;
  #processed = 0;
  /**
   * Live-state deletes, each waiting for the batches submitted before it: a batch still queued or being
   * committed may carry the key's last value, which must not land after the delete.
   */
  #deletes: { after: number; key: string; done: () => void }[] = [];
  #stats: WriterStats = {
    commits: 0,
    failures: 0,
    queuedBatches: 0,
    queuedMessages: 0,
    committedMessages: 0,
    rows: 0,
    commitSize: new Histogram([1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000]),
    commitLatency: new Histogram([1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]),
    ingestLatency: new Histogram([5, 10, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 10000]),
    sinkMs: {},
    cacheFailures: 0,
    cacheUnwritten: 0,
    eventsDropped: 0,
  };
  #unwritten = new Map<string, Unwritten>();
  #retryTimer?: ReturnType<typeof setTimeout>;
  #retryAttempt = 0;
  /** The retry timer fired during a commit: that commit's cache write sends the unwritten keys. */
  #resendDue = false;
  #stopped = false;

  constructor(options: WriterOptions) {
    this.#o = options;
  }

  /** Resolves once `batch` is committed; rejects when its commit failed (send it again). */
  submit(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject });
      this.#submitted++;
      this.#queuedMessages += batch.messages;
      this.#pump();
    });
  }

  /** Figures for `/metrics`. */
  stats(): WriterStats {
    return {
      ...this.#stats,
      queuedBatches: this.#queue.length,
      queuedMessages: this.#queuedMessages,
      cacheUnwritten: this.#unwritten.size,
    };
  }

  /**
   * Deletes an actor's live state (the actor was removed), after the batches submitted before this call
   * are committed and their live state written: the actor's last batch may still be on its way. A delete
   * the cache refused is sent again like a refused write, and a refused write of the key is never sent
   * after it.
   */
  deleteLive(key: string): Promise<void> {
    if (!this.#o.cache) return Promise.resolve();
    return new Promise((done) => {
      this.#deletes.push({ after: this.#submitted, key, done });
      this.#pump();
    });
  }

  async #deleteLiveNow(key: string): Promise<void> {
    this.#unwritten.delete(key);
    try {
      await this.#o.cache!.delete(key);
    } catch (error) {
      this.#refused([{ key }], error);
    }
  }

  /** Stops sending refused live state again (after the last commit); what is left is logged. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    if (this.#unwritten.size > 0) {
      this.#o.log.warn("writer stopped with live state the cache refused", { keys: this.#unwritten.size });
    }
  }

  /** Resolves when nothing is queued or being committed. */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0 && this.#deletes.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    if (this.#busy) return;
    if (this.#resendDue) {
      // one cache write at a time, in commit order: an older value must never land after a newer one
      this.#busy = true;
      this.#resend().finally(() => {
        this.#busy = false;
        this.#pump();
      });
      return;
    }
    const due = this.#deletes.length > 0 && this.#deletes[0].after <= this.#processed
      ? this.#deletes.shift()
      : undefined;
    if (due) {
      // in the same one-at-a-time order as commits and resends: no write of the key can overtake it
      this.#busy = true;
      this.#deleteLiveNow(due.key).finally(() => {
        this.#busy = false;
        due.done();
        this.#pump();
      });
      return;
    }
    if (this.#queue.length === 0) {
      for (const wake of this.#idle.splice(0)) wake();
      return;
    }
    const max = this.#o.maxMessages ?? 20_000;
    let take = 0;
    let messages = 0;
    while (take < this.#queue.length && (take === 0 || messages + this.#queue[take].batch.messages <= max)) {
      messages += this.#queue[take++].batch.messages;
    }
    const group = this.#queue.splice(0, take);
    this.#queuedMessages -= messages;
    this.#busy = true;
    this.#commit(group).finally(() => {
      this.#processed += group.length;
      this.#busy = false;
      this.#pump();
    });
  }

  async #commit(group: Queued[]): Promise<void> {
    const started = performance.now();
    const batches = group.map((q) => q.batch);
    try {
      const merged = this.#timed("merge", () => this.#merge(batches));
      // A full series buffer throws BackpressureError here: the batches are retried.
      const mirrored = this.#o.outbox?.write(merged);
      let rows = 0;
      await this.#o.sql.begin(async (tx) => {
        // Pipelined: every statement is sent at once and runs in order on the one connection, so a
        // commit costs one round trip (plus COMMIT), not one per statement.
        const writes: Promise<number>[] = [];
        for (const sink of this.#o.sinks) {
          const collected = merged.get(sink.name);
          if (collected && collected.count > 0) {
            writes.push(this.#timed(sink.name, () => sink.write(tx, collected.columns, collected.count)));
          }
        }
        writes.push(this.#timed("ingestion_log", () => this.#ingestionLog(tx, batches)));
        if (mirrored) writes.push(this.#timed("series_outbox", () => this.#outboxRecord(tx, mirrored)));
        for (const changed of await Promise.all(writes)) rows += changed;
      });
      if (mirrored) this.#o.outbox!.track(mirrored);
      const elapsed = performance.now() - started;
      const messages = batches.reduce((n, b) => n + b.messages, 0);
      this.#record(batches, messages, rows, elapsed);
      await this.#timed("cache", () => this.#publish(batches));
      for (const q of group) {
        if (q.batch.rejected.length === 0) q.resolve();
        // Acknowledged once their dead letters are stored too; retried without holding up later commits.
        else this.#deadLetters(q.batch.rejected).then(q.resolve);
      }
    } catch (error) {
      this.#stats.failures++;
      this.#o.log.error("group commit failed; the workers will send the batches again", {
        batches: batches.length,
        error,
      });
      for (const q of group) q.reject(error);
    }
  }

  #timed<T>(name: string, fn: () => T): T {
    const started = performance.now();
    const add =
      () => (this.#stats.sinkMs[name] = (this.#stats.sinkMs[name] ?? 0) + performance.now() - started);
    const result = fn();
    if (result instanceof Promise) return result.finally(add) as T;
    add();
    return result;
  }

  #merge(batches: Batch[]): Map<string, SinkRows> {
    const merged = new Map<string, SinkRows>();
    for (const batch of batches) {
      for (const [name, rows] of Object.entries(batch.sinks)) {
        let into = merged.get(name);
        if (!into) merged.set(name, into = { count: 0, columns: {} }); // copies: a failed batch is resent as it was
        appendRows(into, rows);
      }
    }
    for (const name of merged.keys()) {
      if (!this.#o.sinks.some((s) => s.name === name)) throw new RangeError(`No sink named ${name}`);
    }
    return merged;
  }

  /** The mirrored ranges, in the commit's transaction (not counted as rows of the commit). */
  async #outboxRecord(tx: Tx, mirrored: Mirrored): Promise<number> {
    await this.#o.outbox!.record(tx, mirrored.ranges);
    return 0;
  }

  /**
   * Stores dead letters in the documents store (`telemetry_events`, idempotent by id), retrying with
   * backoff while it is unreachable: their messages stay unacknowledged (the broker keeps them) until
   * the rejection is on record, and meanwhile the readings of everyone else keep flowing.
   */
  async #deadLetters(letters: DeadLetter[]): Promise<void> {
    const documents = this.#o.documents;
    if (!documents) {
      for (const l of letters) this.#o.log.warn("message rejected", { topic: l.topic, reason: l.reason });
      return;
    }
    const docs: NewDocument[] = letters.map((l) => ({
      id: l.uid,
      timestamp: new Date(l.receivedAt),
      expiresAt: new Date(l.receivedAt + REJECTED_TTL_MS),
      kind: "rejected",
      // U+0000 cannot be stored: a letter that can never be stored would hold its batch's acks forever
      reason: storableText(l.reason),
      topic: storableText(l.topic),
      payload: storableText(l.payload),
      entityKind: l.kind ?? null,
      entityId: l.id ?? null,
      shard: l.shard ?? null,
    }));
    await retry(() => this.#timed("documents", () => documents.insert("telemetry_events", docs)), {
      minDelayMs: 200,
      maxDelayMs: 5_000,
      onRetry: (error, attempt) =>
        this.#o.log.warn("storing rejected messages failed, retrying", {
          count: docs.length,
          attempt,
          error,
        }),
    });
  }

  /** Accepted and rejected messages per source (`mqtt:{kind}`) and minute. */
  async #ingestionLog(tx: Tx, batches: Batch[]): Promise<number> {
    const totals = new Map<string, { accepted: number; rejected: number }>();
    for (const batch of batches) {
      for (const [kind, c] of Object.entries(batch.counts)) {
        const t = totals.get(kind) ?? { accepted: 0, rejected: 0 };
        t.accepted += c.accepted;
        t.rejected += c.rejected;
        totals.set(kind, t);
      }
    }
    if (totals.size === 0) return 0;
    const sources = [...totals.keys()].map((k) => `mqtt:${k}`);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const result = await tx`
      insert into ingestion_log (source, minute, accepted, rejected)
      select u.source, to_timestamp(${minute / 1000}), u.accepted, u.rejected
      from unnest(${typedArray(sources, "text")}::text[],
                  ${typedArray([...totals.values()].map((t) => t.accepted), "int8")}::int8[],
                  ${typedArray([...totals.values()].map((t) => t.rejected), "int8")}::int8[])
        as u(source, accepted, rejected)
      on conflict (source, minute) do update set
        accepted = ingestion_log.accepted + excluded.accepted, rejected = ingestion_log.rejected + excluded.rejected`;
    return result.count;
  }

  /**
   * Live state and change events after the commit. The cache is not the system of record, so a failure
   * does not fail the commit; refused live state is kept and sent again (see the module doc).
   */
  async #publish(batches: Batch[]): Promise<void> {
    const cache = this.#o.cache;
    if (!cache) return;
    const entries = new Map<string, CacheEntry>();
    for (const batch of batches) for (const entry of batch.cache) entries.set(entry.key, entry);
    for (const key of entries.keys()) this.#unwritten.delete(key); // superseded by the newer value
    if (entries.size > 0) {
      try {
        await cache.setMany([...entries.values()]);
        // the cache takes writes again: what it refused before need not wait for the timer
        if (this.#unwritten.size > 0) await this.#resend();
      } catch (error) {
        this.#refused([...entries.values()], error);
      }
    }
    const events = batches.flatMap((b) => b.events);
    const results = await Promise.allSettled(
      events.map((event) => cache.publish(CHANGES_CHANNEL, toChangeEvent(event))),
    );
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) {
      this.#stats.eventsDropped += failed.length;
      this.#o.log.warn("change events could not be published after commit; dropped", {
        count: failed.length,
        error: failed[0].reason,
      });
    }
  }

  /** Keeps the newest refused entry (or delete) per key and schedules sending them again. */
  #refused(entries: (CacheEntry | { key: string })[], error: unknown): void {
    this.#stats.cacheFailures++;
    const at = Date.now();
    for (const e of entries) {
      this.#unwritten.set(e.key, "value" in e ? { entry: e, at } : { at });
    }
    this.#o.log.warn("the cache refused live state after commit; it will be sent again", {
      keys: this.#unwritten.size,
      error,
    });
    this.#scheduleResend();
  }

  #scheduleResend(): void {
    if (this.#stopped || this.#retryTimer !== undefined) return;
    const { minDelayMs = 1_000, maxDelayMs = 30_000 } = this.#o.liveRetry ?? {};
    const delay = backoffDelay(Math.min(this.#retryAttempt++, 30), { minDelayMs, maxDelayMs });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#resendDue = this.#unwritten.size > 0;
      this.#pump();
    }, delay);
  }

  /** Sends the refused live state again, with what is left of each TTL; runs only while `#busy`. */
  async #resend(): Promise<void> {
    this.#resendDue = false;
    const cache = this.#o.cache;
    if (!cache) return;
    const now = Date.now();
    const sent: [string, Unwritten][] = [];
    const sets: CacheEntry[] = [];
    const deletes: string[] = [];
    for (const [key, u] of this.#unwritten) {
      const ttl = u.entry?.ttlSeconds;
      const left = ttl === undefined ? undefined : ttl - (now - u.at) / 1000;
      if (left !== undefined && left <= 0) {
        this.#unwritten.delete(key); // it would have expired by now
        continue;
      }
      sent.push([key, u]);
      if (!u.entry) deletes.push(key);
      else sets.push(left === undefined ? u.entry : { ...u.entry, ttlSeconds: left });
    }
    try {
      if (sets.length > 0) await cache.setMany(sets);
      if (deletes.length > 0) await cache.delete(...deletes);
    } catch (error) {
      this.#stats.cacheFailures++;
      this.#o.log.warn("the cache still refuses live state; retrying", { keys: this.#unwritten.size, error });
      return this.#scheduleResend();
    }
    for (const [key, u] of sent) if (this.#unwritten.get(key) === u) this.#unwritten.delete(key);
    this.#retryAttempt = 0;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (sent.length > 0) {
      this.#o.log.info("live state the cache had refused sent again", { keys: sent.length });
    }
    if (this.#unwritten.size > 0) this.#scheduleResend();
  }

  #record(batches: Batch[], messages: number, rows: number, elapsedMs: number): void {
    const s = this.#stats;
    s.commits++;
    s.rows += rows;
    s.committedMessages += messages;
    s.commitSize.observe(messages);
    s.commitLatency.observe(elapsedMs);
    const now = Date.now();
    for (const b of batches) if (b.firstAt) s.ingestLatency.observe(now - b.firstAt);
  }
}
