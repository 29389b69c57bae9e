/**
 * What an actor kind is to the runtime: a pure behaviour (runs in the worker hosts) plus a catalog
 * (runs in the main isolate: which entities exist, their configuration, the SQL of its sinks). The
 * runtime only ever sees these interfaces, never a kind's own types. Adding a kind = a behaviour
 * module + its sinks + one line in `kinds.ts`.
 *
 * The behaviour is XState-style: `transition(state, message, ctx) -> { state, effects }` with no I/O,
 * no clock and no randomness except through `ctx`. The host owns mailboxes, timers and I/O and turns
 * effects into batched writes, cache writes, change events and timer (re)arms.
 * @module
 */
import type { TopicRoute } from "../domain/telemetry.ts";
import type { Sql } from "../stores/postgres/client.ts";
import type { ActorKind } from "./runtime.ts";
import type { Sink } from "./sink.ts";
import type { RollupSource } from "./sinks/rollups.ts";

/** What a behaviour may ask of its host. */
export interface ActorContext {
  /** The host clock (epoch ms): a fake one in tests. */
  now(): number;
  /** A new UUID (alert ids). */
  uuid(): string;
}

/** What the host knows about an actor's entity when it creates or restores the actor. */
export interface ActorStart {
  /**
   * `create`: no reading of the entity was stored when its spec was loaded, and this host has not run
   * an actor for it before: the actor sees every reading, so its first rollup bucket of each width is
   * exact.
   */
  noReadings?: boolean;
  /**
   * `restore`: the snapshot was written or confirmed by a graceful release after everything its actor
   * had read was committed: its rollup buckets miss nothing and stay exact.
   */
  completeSnapshot?: boolean;
}

/** A change the web layer streams (published on `CHANGES_CHANNEL`). */
export interface ChangeEvent {
  type: "reading" | "alert" | "state";
  kind: ActorKind;
  id: string;
  [field: string]: unknown;
}

/** What a transition asks the host to do. */
export type Effect =
  /** A row for a sink (a table), committed before the message that caused it is acknowledged. */
  | { type: "write"; sink: string; row: Record<string, unknown> }
  /** A cache entry, written after the commit; the newest per key in a batch wins. */
  | { type: "cache"; key: string; value: unknown; ttlSeconds?: number }
  /** A change event, published after the commit. */
  | { type: "event"; event: ChangeEvent }
  /** Arms (or with `at` undefined, cancels) the actor's timer `name`; it arrives as a `timer` message. */
  | { type: "timer"; name: string; at?: number }
  /** Refuses the message being handled: it becomes a dead letter with this reason. */
  | { type: "reject"; reason: string };

/** A transition's result. */
export interface Step<S> {
  state: S;
  effects: Effect[];
}

/** Messages the host delivers besides the kind's own decoded telemetry. */
export type HostMessage<C> =
  | { type: "timer"; name: string }
  | { type: "configure"; config: C }
  | { type: "command"; command: ActorCommand };

/** An operator's command (from the API through `Runtime.notify`). */
export interface ActorCommand {
  type: string;
  [field: string]: unknown;
}

/** An open alert as stored (alerts table), handed to `restore` so the table stays the source of truth. */
export interface OpenAlertRecord {
  id: string;
  type: "Spike" | "ThresholdExceeded" | "System";
  dedupeKey: string;
  severity: "info" | "warning" | "critical";
  message: string;
  metric: string | null;
  value: number | null;
  ts: number;
  lastSeenAt: number;
  occurrences: number;
  acknowledged: boolean;
}

/** The outcome of decoding an inbound message. */
export type Decoded<M> = { ok: true; message: M } | { ok: false; reason: string };

/**
 * The pure half of a kind, loaded by every worker host.
 *
 * @typeParam S the actor state (JSON-serialisable through `snapshot`)
 * @typeParam C the entity configuration (structured-clonable)
 * @typeParam M the kind's decoded telemetry messages
 */
export interface Behaviour<S, C, M> {
  readonly kind: ActorKind;
  /** The MQTT topic filters one actor subscribes to. */
  topics(id: string): string[];
  /** Validates an inbound payload routed to this kind; a failure becomes a dead letter with the reason. */
  decode(route: TopicRoute, payload: Uint8Array): Decoded<M>;
  /** A new actor (no snapshot). */
  create(id: string, config: C, ctx: ActorContext, start?: ActorStart): Step<S>;
  /** An actor from its last snapshot and its open alerts (the alerts table is the source of truth). */
  restore(
    id: string,
    config: C,
    snapshot: unknown,
    openAlerts: OpenAlertRecord[],
    ctx: ActorContext,
    start?: ActorStart,
  ): Step<S>;
  transition(state: S, message: M | HostMessage<C>, ctx: ActorContext): Step<S>;
  /** A JSON value `restore` accepts. */
  snapshot(state: S): unknown;
  /**
   * The actor's live state for the cache. The host calls it once per flush for each actor whose state
   * changed, not per message: building it (dates, lists) costs more than most transitions.
   * `undefined` writes nothing (a site that has no reading to total yet).
   */
  live?(state: S): { key: string; value: unknown; ttlSeconds?: number } | undefined;
}

/** The main-isolate half of a kind: its entities, their configuration and its sinks. */
export interface Catalog<C> {
  readonly kind: ActorKind;
  /** Ids of every entity that should have an actor now. */
  listIds(sql: Sql): Promise<string[]>;
  /** Configuration of each id; an id missing from the result has no entity (deleted or inactive). */
  loadConfigs(sql: Sql, ids: string[]): Promise<Map<string, C>>;
  /** The sinks its behaviour writes to, in the order they must be written in a transaction. */
  readonly sinks: Sink[];
  /** Wildcard filters covering every topic of this kind (the catch-all session for unknown ids). */
  readonly wildcards: string[];
  /** Where its raw readings are, when its actors emit rollups (inexact buckets are recomputed). */
  readonly rollupSource?: RollupSource;
  /**
   * Of `ids`, the entities with no stored readings at all: their new actors trust their first rollup
   * buckets ({@linkcode ActorStart}). Absent: every new actor's first buckets are recomputed.
   */
  withoutReadings?(sql: Sql, ids: string[]): Promise<Set<string>>;
  /**
   * The `alerts` column that names the actor, when its actors also own alerts of other entities (a
   * site's actor owns its meters' alerts: `site_id`). Open alerts are loaded by it; by `entity_id` (and
   * the kind) when absent.
   */
  readonly alertOwnerColumn?: "site_id" | "ven_id" | "plant_id";
  /**
   * Completes an operator's command in the main isolate before it goes to the actor, with what only
   * the database knows (workers have none): e.g. the schedule of the ADR event an `event.changed`
   * names. Commands pass unchanged when absent.
   */
  prepareCommand?(sql: Sql, id: string, command: ActorCommand): Promise<ActorCommand>;
}

/** A kind: both halves. */
export interface KindModule<S = unknown, C = unknown, M = unknown> {
  behaviour: Behaviour<S, C, M>;
  catalog: Catalog<C>;
}
