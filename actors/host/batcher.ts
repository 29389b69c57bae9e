/**
 * The worker's batch: the effects of every shard of the host since the last flush, flushed as ONE
 * `postMessage` to the writer when it holds `maxMessages` inbound messages or is `maxDelayMs` old. Each
 * batch remembers which messages of which shard session it covers (a contiguous range per shard, as
 * messages are handled in arrival order); once the writer answers `committed` those are acknowledged,
 * on `failed` the same batch is sent again after a backoff (never dropped).
 * @module
 */
import type { Clock } from "../../core/clock.ts";
import { backoffDelay } from "../../core/retry.ts";
import type { CacheEntry } from "../../stores/cache/cache.ts";
import type { ChangeEvent } from "../kind.ts";
import type { Batch, DeadLetter } from "../protocol.ts";
import { appendRow, type SinkRows } from "../sink.ts";

/** Whom a batch acknowledges when committed. */
export interface AckTarget {
  ack(first: number, last: number): void;
}

interface Building {
  sinks: Record<string, SinkRows>;
  cache: Map<string, CacheEntry>;
  /** Reading events: only the newest per actor is worth streaming. */
  readings: Map<string, ChangeEvent>;
  events: ChangeEvent[];
  rejected: DeadLetter[];
  counts: Record<string, { accepted: number; rejected: number }>;
  messages: number;
  firstAt: number;
  /** Per target, ranges of seqs as flat pairs: first, last, first, last... */
  acks: Map<AckTarget, number[]>;
}

/** Options for {@linkcode Batcher}. */
export interface BatcherOptions {
  worker: number;
  clock: Clock;
  /** Columns of each sink, by name. */
  sinkColumns: Map<string, readonly string[]>;
  maxMessages: number;
  maxDelayMs: number;
  post(batch: Batch): void;
  /** Called right before a batch is closed, to add what is computed once per flush (live state). */
  beforeFlush?(): void;
}

/** Collects effects and hands flushed batches to `post`. */
export class Batcher {
  #o: BatcherOptions;
  #building: Building;
  #nextId = 1;
  #timer?: number;
  #urgent = false;
  #inFlight = new Map<number, { batch: Batch; acks: Map<AckTarget, number[]>; attempts: number }>();
  #committedListeners: (() => void)[] = [];

  constructor(options: BatcherOptions) {
    this.#o = options;
    this.#building = this.#empty();
  }

  /** Batches posted and not yet committed. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Records that inbound message `seq` of `target` waits for this batch, and how it was handled
   * (`ignored`: recorded elsewhere, not counted in the ingestion log).
   */
  message(target: AckTarget, seq: number, kind: string, outcome: "accepted" | "rejected" | "ignored"): void {
    const b = this.#building;
    // Seqs come in order; one not recorded (a message published again, acknowledged on its own once
    // the broker has the copy) leaves a gap, and the next seq starts a new range.
    const ranges = b.acks.get(target);
    if (!ranges) b.acks.set(target, [seq, seq]);
    else if (seq === ranges[ranges.length - 1] + 1) ranges[ranges.length - 1] = seq;
    else ranges.push(seq, seq);
    if (outcome !== "ignored") {
      const count = b.counts[kind] ??= { accepted: 0, rejected: 0 };
      if (outcome === "accepted") count.accepted++;
      else count.rejected++;
    }
    b.messages++;
    this.#arm();
    if (b.messages >= this.#o.maxMessages) this.flush();
  }

  /** Adds a row for `sink`. */
  write(sink: string, row: Record<string, unknown>): void {
    const columns = this.#o.sinkColumns.get(sink);
    if (!columns) throw new RangeError(`Unknown sink ${sink}`);
    appendRow(this.#building.sinks[sink] ??= { count: 0, columns: {} }, columns, row);
    this.#arm();
  }

  /** Sets a cache entry (the newest per key wins). */
  cache(entry: CacheEntry): void {
    this.#building.cache.set(entry.key, entry);
    this.#arm();
  }

  /**
   * Adds a change event (reading events coalesce per actor). An alert does not wait for `maxDelayMs`:
   * the batch is flushed once the messages being handled now are (a microtask), so that it joins the
   * next commit.
   */
  event(event: ChangeEvent): void {
    if (event.type === "reading") this.#building.readings.set(`${event.kind}:${event.id}`, event);
    else this.#building.events.push(event);
    this.#arm();
    if (event.type === "alert" && !this.#urgent) {
      this.#urgent = true;
      queueMicrotask(() => {
        this.#urgent = false;
        this.flush();
      });
    }
  }

  /** Adds a dead letter. */
  reject(letter: DeadLetter): void {
    this.#building.rejected.push(letter);
    this.#arm();
  }

  /** Posts the batch being built, if it holds anything. */
  flush(): void {
    this.#o.beforeFlush?.();
    this.#o.clock.clearTimeout(this.#timer ?? -1);
    this.#timer = undefined;
    const b = this.#building;
    if (!this.#hasContent(b)) return;
    this.#building = this.#empty();
    const batch: Batch = {
      id: this.#nextId++,
      worker: this.#o.worker,
      sinks: b.sinks,
      cache: [...b.cache.values()],
      events: [...b.events, ...b.readings.values()],
      rejected: b.rejected,
      counts: b.counts,
      messages: b.messages,
      firstAt: b.firstAt,
    };
    this.#inFlight.set(batch.id, { batch, acks: b.acks, attempts: 0 });
    this.#o.post(batch);
  }

  /** The writer committed batch `id`: acknowledge its messages. */
  committed(id: number): number {
    const entry = this.#inFlight.get(id);
    if (!entry) return 0;
    this.#inFlight.delete(id);
    for (const [target, ranges] of entry.acks) {
      for (let i = 0; i < ranges.length; i += 2) target.ack(ranges[i], ranges[i + 1]);
    }
    for (const listener of this.#committedListeners.splice(0)) listener();
    return entry.batch.messages;
  }

  /** The writer failed batch `id`: send it again after a backoff. */
  failed(id: number): void {
    const entry = this.#inFlight.get(id);
    if (!entry) return;
    const delay = backoffDelay(Math.min(entry.attempts++, 10), { minDelayMs: 50, maxDelayMs: 2_000 });
    this.#o.clock.setTimeout(() => {
      if (this.#inFlight.has(id)) this.#o.post(entry.batch);
    }, delay);
  }

  /** Resolves once every batch posted so far is committed (or after `timeoutMs`). */
  async drain(timeoutMs: number): Promise<boolean> {
    this.flush();
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#committedListeners.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.#inFlight.size === 0;
  }

  /** Makes sure the batch being built is flushed within `maxDelayMs` (the flush may add content). */
  arm(): void {
    if (this.#timer === undefined) {
      this.#timer = this.#o.clock.setTimeout(() => this.flush(), this.#o.maxDelayMs);
    }
  }

  #arm(): void {
    if (this.#building.firstAt === 0) this.#building.firstAt = this.#o.clock.now();
    if (this.#timer === undefined) {
      this.#timer = this.#o.clock.setTimeout(() => this.flush(), this.#o.maxDelayMs);
    }
  }

  #hasContent(b: Building): boolean {
    return b.messages > 0 || b.rejected.length > 0 || b.cache.size > 0 || b.events.length > 0 ||
      b.readings.size > 0 || Object.keys(b.sinks).length > 0;
  }

  #empty(): Building {
    return {
      sinks: {},
      cache: new Map(),
      readings: new Map(),
      events: [],
      rejected: [],
      counts: {},
      messages: 0,
      firstAt: 0,
      acks: new Map(),
    };
  }
}
