/**
 * The messages between the main isolate (supervisor, writer) and the worker hosts. Everything is
 * structured-clonable. Batches are columnar and sent once per flush per worker, never per message.
 * @module
 */
import type { CacheEntry } from "../stores/cache/cache.ts";
import type { ActorKind } from "./runtime.ts";
import type { ActorCommand, ChangeEvent, OpenAlertRecord } from "./kind.ts";
import type { SinkRows } from "./sink.ts";

/** Everything a host needs to start or restore one actor. */
export interface ActorSpec {
  kind: ActorKind;
  id: string;
  config: unknown;
  /** The last snapshot (actor_snapshots.state), if any. */
  snapshot?: unknown;
  openAlerts: OpenAlertRecord[];
  /** No snapshot and no stored reading of the entity when the spec was loaded (`Catalog.withoutReadings`). */
  noReadings?: true;
  /** The snapshot is complete (`actor_snapshots.complete`, cleared by the load). */
  completeSnapshot?: true;
}

/** Settings of a worker host; every field has a default in `host.ts`. */
export interface HostSettings {
  /** MQTT client ids are `{clientIdPrefix}-shard-{n}`. */
  clientIdPrefix: string;
  /**
   * The shard count (`SHARDS`). A message whose actor belongs to another shard under it reached this
   * shard's persistent session through a subscription of an earlier count: it is published again.
   */
  shards: number;
  /** Unacknowledged messages per shard before its session pauses. */
  mailboxSize: number;
  /** Messages per batch before it is flushed at once. */
  batchMaxMessages: number;
  /** How long a batch may collect before it is flushed. */
  batchMaxDelayMs: number;
  /** How often dirty actors' snapshots are written. */
  snapshotIntervalMs: number;
  /** How often due timers are looked for. */
  timerTickMs: number;
  /**
   * An actor's live state goes to the cache at most this often, unless it raised an alert or changed
   * status (then with the next flush).
   */
  liveIntervalMs: number;
  /**
   * Record messages for an actor this host does not have as rejected. Off when the catch-all session
   * records them (a removed actor's topic may stay subscribed in the shard's persistent session).
   */
  recordUnknown: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** How long a release waits for each drain of its batches (tests shorten it). @default {5000} */
  releaseDrainMs?: number;
}

/** Main -> worker. Requests carrying `req` are answered with a `reply`. */
export type ToWorker =
  | { type: "init"; worker: number; mqttUrl: string; settings: HostSettings }
  /** `unsubscribe`: topics of actors removed while no worker hosted the shard (the persistent session kept them). */
  | { type: "assign"; req: number; shard: number; actors: ActorSpec[]; unsubscribe: string[] }
  | { type: "upsert"; req: number; shard: number; actor: ActorSpec }
  | { type: "remove"; req: number; shard: number; kind: ActorKind; id: string }
  | { type: "notify"; req: number; shard: number; kind: ActorKind; id: string; command: ActorCommand }
  /**
   * Every shard of the current layout has subscribed its actors' topics (sent once the runtime first
   * got there, and to every worker started after): a message for another shard's actor can now be
   * published again, see host.ts `#republish`.
   */
  | { type: "shardsReady" }
  | { type: "committed"; batch: number }
  | { type: "failed"; batch: number; error: string }
  | { type: "ping"; seq: number }
  | { type: "stop"; req: number }
  /** Fault injection for tests: the worker throws an uncaught error. */
  | { type: "crash"; message: string };

/** A message refused by a host, to be recorded as rejected (documents `telemetry_events`). */
export interface DeadLetter {
  /** Document id, fixed when the host refuses the message so a resent batch inserts it once. */
  uid: string;
  kind?: ActorKind;
  id?: string;
  topic: string;
  reason: string;
  /** The payload as text (invalid UTF-8 replaced), cut at 8 KiB. */
  payload: string;
  receivedAt: number;
  shard?: number;
}

/** What one flush of one worker asks the writer to commit. */
export interface Batch {
  id: number;
  worker: number;
  /** Rows by sink name, columnar. */
  sinks: Record<string, SinkRows>;
  /** Cache writes, newest per key. */
  cache: CacheEntry[];
  events: ChangeEvent[];
  rejected: DeadLetter[];
  /** Inbound messages accepted and rejected, by kind (`unknown` for unroutable topics). */
  counts: Record<string, { accepted: number; rejected: number }>;
  /** Inbound messages whose acknowledgement waits for this batch. */
  messages: number;
  /** When the oldest message of the batch arrived (epoch ms), for latency figures. */
  firstAt: number;
}

/** Figures of one host, sent with every heartbeat reply. */
export interface HostStats {
  shards: { shard: number; actors: number; pending: number; paused: boolean; connected: boolean }[];
  messagesIn: Record<string, number>;
  accepted: Record<string, number>;
  rejected: Record<string, number>;
  acked: number;
  batchesInFlight: number;
  timers: number;
  /** Whole-isolate heap in bytes. */
  heapUsed: number;
}

/** Worker -> main. */
export type FromWorker =
  | { type: "ready" }
  | { type: "reply"; req: number; ok: boolean; error?: string }
  | { type: "batch"; batch: Batch }
  | { type: "pong"; seq: number; stats: HostStats };
