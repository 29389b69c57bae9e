/**
 * Test helpers: a {@linkcode WorkerHost} in-process with fake MQTT sessions and a manual clock, and a
 * committer that acknowledges batches on demand. No broker, no database: for behaviour and host tests.
 * @module
 */
import { type ManualClock, manualClock } from "../../core/clock.ts";
import { silentLogger } from "../../core/log.ts";
import type { InboundMessage, SessionState } from "../../mqtt/session.ts";
import type { Batch, DeadLetter, HostSettings } from "../protocol.ts";
import { WorkerHost } from "./host.ts";
import type { SessionFactory, ShardSession } from "./shard.ts";

/** A session that delivers what the test gives it. */
export class FakeSession implements ShardSession {
  readonly clientId: string;
  state: SessionState = "idle";
  paused = false;
  subscriptions = new Set<string>();
  acked: number[] = [];
  /** What was published through this session, in order. */
  published: { topic: string; payload: Uint8Array | string; qos?: 0 | 1 }[] = [];
  /** Makes `publish` wait for this (a broker that has not answered yet); resolved by the test. */
  publishGate?: Promise<void>;
  #seq = 1;
  #pending = new Set<number>();
  #onMessage: (m: InboundMessage) => void;

  constructor(clientId: string, onMessage: (m: InboundMessage) => void) {
    this.clientId = clientId;
    this.#onMessage = onMessage;
  }

  get pendingAcks(): number {
    return this.#pending.size;
  }

  /** Delivers a message as the broker would. */
  deliver(topic: string, payload: unknown): number {
    const seq = this.#seq++;
    this.#pending.add(seq);
    const bytes = typeof payload === "string" ? payload : JSON.stringify(payload);
    this.#onMessage({ seq, topic, payload: new TextEncoder().encode(bytes), qos: 1, dup: false });
    return seq;
  }

  start(): void {
    this.state = "connected";
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(topics: string[]): Promise<void> {
    for (const t of topics) this.subscriptions.add(t);
    return Promise.resolve();
  }
  unsubscribe(topics: string[]): Promise<void> {
    for (const t of topics) this.subscriptions.delete(t);
    return Promise.resolve();
  }
  ack(seq: number): void {
    if (this.#pending.delete(seq)) this.acked.push(seq);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  publish(topic: string, payload: Uint8Array | string, options: { qos?: 0 | 1 } = {}): Promise<void> {
    this.published.push({ topic, payload, qos: options.qos });
    return this.publishGate ?? Promise.resolve();
  }
  close(): Promise<void> {
    this.state = "closed";
    return Promise.resolve();
  }
}

/** An in-process host and what it posted. */
export interface HostHarness {
  host: WorkerHost;
  clock: ManualClock;
  sessions: Map<string, FakeSession>;
  batches: Batch[];
  /** Every row written to `sink` in posted batches, in order. */
  rows(sink: string): Record<string, unknown>[];
  rejected(): DeadLetter[];
  /** Commits every posted batch (acknowledging its messages). */
  commitAll(): Promise<void>;
  /** Moves the clock in steps of the host's timer tick, so timers fire as they would in a worker. */
  advance(ms: number): void;
  /** Lets a snapshot interval pass and returns the state of the last snapshot posted (parsed), if any. */
  lastSnapshot(): Record<string, unknown> | undefined;
  stop(): Promise<void>;
}

/** Default settings for harness hosts. */
export const TEST_SETTINGS: HostSettings = {
  clientIdPrefix: "test",
  shards: 1, // every id belongs to shard 0: tests place actors where they like
  mailboxSize: 100,
  batchMaxMessages: 50,
  batchMaxDelayMs: 5,
  snapshotIntervalMs: 5_000,
  timerTickMs: 100,
  liveIntervalMs: 500,
  recordUnknown: true,
  logLevel: "error",
};

/** Creates an in-process host with fake sessions on a manual clock. */
export function hostHarness(options: { start?: number; settings?: Partial<HostSettings> } = {}): HostHarness {
  const clock = manualClock(options.start ?? Date.UTC(2026, 0, 1));
  const sessions = new Map<string, FakeSession>();
  const batches: Batch[] = [];
  let committed = 0;
  const factory: SessionFactory = ({ clientId, onMessage }) => {
    const session = new FakeSession(clientId, onMessage);
    sessions.set(clientId, session);
    return session;
  };
  const settings = { ...TEST_SETTINGS, ...options.settings };
  const host = new WorkerHost({
    worker: 0,
    settings,
    clock,
    log: silentLogger,
    sessions: factory,
    post: (message) => {
      if (message.type === "batch") batches.push(message.batch);
    },
  });
  const rowsOf = (sink: string) => {
    host.flush();
    return batches.flatMap((b) => {
      const s = b.sinks[sink];
      if (!s) return [];
      return Array.from(
        { length: s.count },
        (_, i) => Object.fromEntries(Object.entries(s.columns).map(([c, v]) => [c, v[i]])),
      );
    });
  };
  return {
    host,
    clock,
    sessions,
    batches,
    rows: rowsOf,
    rejected: () => (host.flush(), batches.flatMap((b) => b.rejected)),
    async commitAll() {
      host.flush();
      for (; committed < batches.length; committed++) {
        await host.handle({ type: "committed", batch: batches[committed].id });
      }
    },
    advance(ms: number) {
      const step = settings.timerTickMs;
      for (let left = ms; left > 0; left -= step) clock.advance(Math.min(step, left));
    },
    lastSnapshot() {
      this.advance(settings.snapshotIntervalMs + settings.timerTickMs);
      host.flush();
      const state = batches.flatMap((b) => b.sinks.actor_snapshots?.columns.state ?? []).at(-1);
      return state === undefined ? undefined : JSON.parse(String(state));
    },
    async stop() {
      // A stopping host waits for its last batches: keep committing until it is done.
      let done = false;
      const stopping = host.stop().finally(() => (done = true));
      while (!done) {
        await this.commitAll();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await stopping;
    },
  };
}
