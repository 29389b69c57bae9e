/**
 * A worker host: the shards the supervisor assigned to this worker, their actors, the actor timers and
 * the batch. It never knows which kinds it hosts: it looks behaviours up in the registry by the
 * topic's kind and applies their effects generically. It runs inside a Deno Worker (`worker.ts`) and
 * in-process in tests (with a manual clock and fake sessions).
 *
 * A message: session parses it -> route by topic -> the actor's `decode` -> `transition` -> effects
 * into the batch (a dead letter when anything refused it) -> flushed with the batch -> acknowledged
 * when the writer reports the commit.
 * @module
 */
import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../core/log.ts";
import type { InboundMessage } from "../../mqtt/session.ts";
import type { ActorContext, Behaviour, Effect } from "../kind.ts";
import { allSinks, kindModule } from "../kinds.ts";
import type { ActorSpec, FromWorker, HostSettings, HostStats, ToWorker } from "../protocol.ts";
import { Batcher } from "./batcher.ts";
import { type SessionFactory, Shard } from "./shard.ts";
import { TimerTable } from "./timers.ts";
import { LiveSchedule } from "./live.ts";
import { RouteCache } from "../routes.ts";
import { shardOf } from "../placement.ts";
import type { TopicRoute } from "../../domain/telemetry.ts";
import { deadLetterText } from "../payload.ts";

/** One hosted actor. */
interface Cell {
  key: string;
  kind: ActorSpec["kind"];
  id: string;
  shard: number;
  // deno-lint-ignore no-explicit-any
  behaviour: Behaviour<any, any, any>;
  state: unknown;
  /** Changed since its last snapshot. */
  dirty: boolean;
  /**
   * Its stored snapshot holds its rollups as they are (it wrote one, or was restored from a complete
   * one): a release may confirm it as complete. Not after an ordinary restore: that marked the restored
   * buckets inexact in memory only, and confirming the stored ones would make them exact again.
   */
  confirmable: boolean;
  /** Its live state for the cache (the behaviour's `live`, bound to this cell). */
  live?(): { key: string; value: unknown; ttlSeconds?: number } | undefined;
  /** When its snapshot was last written (host clock; spread at start). */
  snapshotAt: number;
  /** Its timers' deadlines, kept by the {@linkcode TimerTable}. */
  timers?: Record<string, number | undefined>;
}

/** What a host is built with. */
export interface HostOptions {
  worker: number;
  settings: HostSettings;
  clock: Clock;
  log: Logger;
  post(message: FromWorker): void;
  sessions: SessionFactory;
}

const PAYLOAD_LIMIT = 8 * 1024;

/** The actors, shards, timers and batch of one worker. */
export class WorkerHost {
  #o: HostOptions;
  #shards = new Map<number, Shard>();
  #cells = new Map<string, Cell>();
  /**
   * Keys of actors removed here: their last readings may commit (and be acknowledged) after a new
   * actor for the entity was loaded, so that actor must not trust its first rollup buckets.
   */
  #removed = new Set<string>();
  #timers = new TimerTable<Cell>();
  #live: LiveSchedule<Cell>;
  #routes = new RouteCache();
  #batcher: Batcher;
  #ctx: ActorContext;
  #stats = { messagesIn: {} as Record<string, number>, acked: 0 };
  /** `shard:kind:id` of actors whose stale subscription a shard drops (see `#republish`). */
  #staleTopics = new Map<string, Promise<unknown>>();
  /** Whether every shard of the layout has subscribed (ToWorker `shardsReady`). */
  #shardsReady = false;
  /** Messages for other shards' actors that came before that. */
  #misrouted: { shard: Shard; message: InboundMessage; route: TopicRoute; key: string }[] = [];
  #accepted: Record<string, number> = {};
  #rejected: Record<string, number> = {};
  #tickers: number[] = [];
  #stopped = false;

  constructor(options: HostOptions) {
    this.#o = options;
    const { settings, clock } = options;
    this.#batcher = new Batcher({
      worker: options.worker,
      clock,
      sinkColumns: new Map(allSinks().map((s) => [s.name, s.columns])),
      maxMessages: settings.batchMaxMessages,
      maxDelayMs: settings.batchMaxDelayMs,
      post: (batch) => options.post({ type: "batch", batch }),
      beforeFlush: () => {
        for (const entry of this.#live.take(clock.now())) this.#batcher.cache(entry);
      },
    });
    this.#ctx = { now: () => clock.now(), uuid: () => crypto.randomUUID() };
    this.#live = new LiveSchedule(settings.liveIntervalMs);
    this.#every(settings.timerTickMs, () => {
      this.#fireTimers();
      if (this.#live.due(clock.now())) this.#batcher.arm(); // held-back live states go out
    });
    // Snapshots are spread over the interval (a tenth of the actors per tick, each at most once per
    // interval): writing every actor's snapshot in one batch made one commit in every interval slow.
    const spread = Math.max(1, Math.floor(settings.snapshotIntervalMs / 10));
    this.#every(spread, () => {
      const due = clock.now() - settings.snapshotIntervalMs;
      this.#snapshot((cell) => cell.snapshotAt <= due);
    });
  }

  /** Handles one message from the main isolate. */
  async handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case "committed":
        this.#stats.acked += this.#batcher.committed(message.batch);
        return;
      case "failed":
        this.#o.log.warn("batch failed, sending it again", { batch: message.batch, error: message.error });
        return this.#batcher.failed(message.batch);
      case "ping":
        return this.#o.post({ type: "pong", seq: message.seq, stats: this.stats() });
      case "shardsReady":
        this.#shardsReady = true;
        for (const held of this.#misrouted.splice(0)) {
          // A shard released meanwhile closed its session: the broker delivers the message again.
          if (this.#shards.get(held.shard.n) !== held.shard) continue;
          this.#republish(held.shard, held.message, held.route, held.key);
        }
        return;
      case "crash":
        throw new Error(message.message);
      case "init":
        return;
      default:
        return await this.#request(message);
    }
  }

  async #request(
    message: Exclude<ToWorker, { type: "committed" | "failed" | "ping" | "crash" | "init" | "shardsReady" }>,
  ) {
    try {
      switch (message.type) {
        case "assign":
          await this.#assign(message.shard, message.actors, message.unsubscribe);
          break;
        case "upsert":
          await this.#upsert(message.shard, message.actor);
          break;
        case "remove":
          await this.#remove(`${message.kind}:${message.id}`);
          break;
        case "notify": {
          const cell = this.#cells.get(`${message.kind}:${message.id}`);
          if (cell) this.#run(cell, { type: "command", command: message.command });
          break;
        }
        case "stop":
          await this.stop();
          break;
      }
      this.#o.post({ type: "reply", req: message.req, ok: true });
    } catch (error) {
      this.#o.log.error("request failed", { request: message.type, error });
      this.#o.post({ type: "reply", req: message.req, ok: false, error: errorText(error) });
    }
  }

  /** Posts the batch being built now (tests; a worker flushes on its own bounds). */
  flush(): void {
    this.#batcher.flush();
  }

  /** Figures for the heartbeat. */
  stats(): HostStats {
    return {
      shards: [...this.#shards.values()].map((s) => ({
        shard: s.n,
        actors: s.actors.size,
        pending: s.depth,
        paused: s.session.paused,
        connected: s.session.state === "connected",
      })),
      messagesIn: { ...this.#stats.messagesIn },
      accepted: { ...this.#accepted },
      rejected: { ...this.#rejected },
      acked: this.#stats.acked,
      batchesInFlight: this.#batcher.inFlight,
      timers: this.#timers.size,
      heapUsed: typeof Deno !== "undefined" ? Deno.memoryUsage().heapUsed : 0,
    };
  }

  /** Releases every shard (snapshots written, sessions closed) and stops the tickers. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    await this.#release([...this.#shards.keys()]);
    this.#stopped = true;
    for (const id of this.#tickers) this.#o.clock.clearTimeout(id);
    this.#tickers = [];
  }

  async #assign(n: number, specs: ActorSpec[], unsubscribe: string[]): Promise<void> {
    if (this.#shards.has(n)) throw new Error(`Shard ${n} is already hosted by worker ${this.#o.worker}`);
    const shard = new Shard(n, {
      clientId: `${this.#o.settings.clientIdPrefix}-shard-${n}`,
      mailboxSize: this.#o.settings.mailboxSize,
      log: this.#o.log.child({ shard: n }),
      factory: this.#o.sessions,
    }, (s, m) => this.#onMessage(s, m));
    this.#shards.set(n, shard);
    // Actors exist before the session starts: a persistent session delivers queued messages at once.
    for (const spec of specs) this.#start(shard, spec);
    shard.session.start();
    await shard.session.ready();
    await shard.session.subscribe(this.#topicsOf(shard.actors));
    if (unsubscribe.length > 0) await shard.session.unsubscribe(unsubscribe); // actors removed while away
    this.#o.log.info("shard assigned", { shard: n, actors: specs.length });
  }

  /** Hands shards over: stop reading, commit and acknowledge what was read, snapshot, disconnect. */
  async #release(ns: number[]): Promise<void> {
    const shards = ns.map((n) => this.#shards.get(n)).filter((s): s is Shard => s !== undefined);
    for (const shard of shards) {
      shard.releasing = true;
      shard.session.pause();
    }
    // What was read gets committed and acknowledged. When all of it was, the leaving actors' snapshots
    // miss nothing: written (or confirmed, for unchanged actors) as complete, their rollups stay exact.
    const drainMs = this.#o.settings.releaseDrainMs ?? 5_000;
    const settled = await this.#batcher.drain(drainMs);
    const leaving = new Set(shards.map((s) => s.n));
    this.#snapshot((cell) => leaving.has(cell.shard), settled);
    await this.#batcher.drain(drainMs);
    await Promise.all(shards.map((shard) => shard.session.close()));
    for (const shard of shards) {
      for (const key of shard.actors) this.#forget(key);
      this.#shards.delete(shard.n);
    }
    this.#o.log.info("shards released", { shards: [...leaving] });
  }

  async #upsert(n: number, spec: ActorSpec): Promise<void> {
    const shard = this.#shards.get(n);
    if (!shard) throw new Error(`Shard ${n} is not hosted by worker ${this.#o.worker}`);
    const cell = this.#cells.get(`${spec.kind}:${spec.id}`);
    if (cell) {
      this.#run(cell, { type: "configure", config: spec.config });
      return;
    }
    const key = this.#start(shard, spec);
    await shard.session.subscribe(this.#topicsOf([key]));
  }

  async #remove(key: string): Promise<void> {
    const cell = this.#cells.get(key);
    if (!cell) return;
    const shard = this.#shards.get(cell.shard);
    this.#forget(key);
    this.#removed.add(key);
    await shard?.session.unsubscribe(cell.behaviour.topics(cell.id));
  }

  #start(shard: Shard, spec: ActorSpec): string {
    const behaviour = kindModule(spec.kind).behaviour;
    const key = `${spec.kind}:${spec.id}`;
    // What the loader found holds only if no earlier actor of this entity ran here (see #removed).
    const fresh = !this.#removed.has(key);
    const complete = fresh && spec.snapshot !== undefined && spec.completeSnapshot === true;
    const step = spec.snapshot !== undefined || spec.openAlerts.length > 0
      ? behaviour.restore(spec.id, spec.config, spec.snapshot, spec.openAlerts, this.#ctx, {
        completeSnapshot: complete,
      })
      : behaviour.create(spec.id, spec.config, this.#ctx, { noReadings: fresh && spec.noReadings === true });
    const cell: Cell = {
      key,
      kind: spec.kind,
      id: spec.id,
      shard: shard.n,
      behaviour,
      state: step.state,
      dirty: false,
      confirmable: complete,
      live: behaviour.live && (() => behaviour.live!(cell.state)),
      snapshotAt: this.#o.clock.now() - Math.random() * this.#o.settings.snapshotIntervalMs,
    };
    this.#cells.set(key, cell);
    shard.actors.add(key);
    this.#apply(cell, step.effects);
    this.#live.changed(cell, true);
    return key;
  }

  #forget(key: string): void {
    const cell = this.#cells.get(key);
    if (!cell) return;
    this.#cells.delete(key);
    this.#shards.get(cell.shard)?.actors.delete(key);
    this.#timers.delete(cell);
    this.#live.forget(cell);
  }

  #topicsOf(keys: Iterable<string>): string[] {
    const out: string[] = [];
    for (const key of keys) {
      const cell = this.#cells.get(key);
      if (cell) out.push(...cell.behaviour.topics(cell.id));
    }
    return out;
  }

  #onMessage(shard: Shard, message: InboundMessage): void {
    const routed = this.#routes.get(message.topic);
    const route = routed?.route;
    const kind = route?.kind ?? "unknown";
    this.#stats.messagesIn[kind] = (this.#stats.messagesIn[kind] ?? 0) + 1;
    const cell = routed ? this.#cells.get(routed.key) : undefined;
    const notHere = route !== undefined && (!cell || cell.shard !== shard.n);
    if (notHere && shardOf(route.id, this.#o.settings.shards) !== shard.n) {
      // Until every shard has subscribed, a copy could reach no session: held (unacknowledged) till then.
      if (this.#shardsReady) this.#republish(shard, message, route, routed!.key);
      else this.#misrouted.push({ shard, message, route, key: routed!.key });
      return shard.checkFull();
    }
    if (notHere && !this.#o.settings.recordUnknown) {
      // A topic left subscribed in the persistent session by an actor removed while its shard was
      // away: the catch-all session records it, so it is not recorded twice.
      this.#batcher.message(shard, message.seq, kind, "ignored");
      return shard.checkFull();
    }
    let reason: string | undefined;
    if (!route) reason = "unknown topic";
    else if (!cell || cell.shard !== shard.n) reason = `unknown ${route.kind} id`;
    else {
      const decoded = cell.behaviour.decode(route, message.payload);
      reason = decoded.ok ? this.#run(cell, decoded.message) : decoded.reason;
    }
    if (reason !== undefined) {
      this.#rejected[kind] = (this.#rejected[kind] ?? 0) + 1;
      this.#batcher.reject({
        uid: crypto.randomUUID(),
        kind: route?.kind,
        id: route?.id,
        topic: message.topic,
        reason,
        payload: deadLetterText(message.payload, PAYLOAD_LIMIT),
        receivedAt: this.#o.clock.now(),
        shard: shard.n,
      });
    } else this.#accepted[kind] = (this.#accepted[kind] ?? 0) + 1;
    this.#batcher.message(shard, message.seq, kind, reason === undefined ? "accepted" : "rejected");
    shard.checkFull();
  }

  /**
   * A message for an actor of another shard: this persistent session kept a subscription from an
   * earlier `SHARDS` (the broker queued it there while GridPulse restarted with a new count). Published
   * again at QoS 1, so it reaches the session that owns the actor now; acknowledged on its own once the
   * broker has the copy (never inside a batch's range, see batcher.ts); the stale subscription dropped.
   */
  #republish(shard: Shard, message: InboundMessage, route: TopicRoute, key: string): void {
    const stale = `${shard.n}:${key}`;
    let unsubscribed = this.#staleTopics.get(stale);
    if (!unsubscribed) {
      if (this.#staleTopics.size === 0) {
        this.#o.log.warn("messages for actors of other shards (SHARDS changed?): publishing them again", {
          shard: shard.n,
          actor: key,
        });
      }
      // Dropped first, so that the copy does not come back to this session.
      const topics = kindModule(route.kind).behaviour.topics(route.id);
      unsubscribed = shard.session.unsubscribe(topics).catch((error) =>
        this.#o.log.warn("dropping a stale subscription failed", { shard: shard.n, topics, error })
      );
      this.#staleTopics.set(stale, unsubscribed);
    }
    unsubscribed
      .then(() => shard.session.publish(message.topic, message.payload, { qos: 1 }))
      .then(
        () => shard.ack(message.seq, message.seq),
        // The session is closing: unacknowledged, the message comes again with its next connection.
        (error) =>
          this.#o.log.warn("publishing a message again failed", { shard: shard.n, actor: key, error }),
      );
  }

  /** Runs one transition; returns a reason when the message is refused. */
  #run(cell: Cell, message: unknown): string | undefined {
    let step;
    try {
      step = cell.behaviour.transition(cell.state, message, this.#ctx);
    } catch (error) {
      // A behaviour bug must not take the shard down: the message is refused, the actor keeps its state.
      this.#o.log.error("actor transition failed", { actor: cell.key, shard: cell.shard, error });
      return `actor error: ${errorText(error)}`;
    }
    cell.state = step.state;
    cell.dirty = true;
    return this.#apply(cell, step.effects);
  }

  #apply(cell: Cell, effects: Effect[]): string | undefined {
    let refused: string | undefined;
    let urgent = false;
    for (const effect of effects) {
      switch (effect.type) {
        case "write":
          this.#batcher.write(effect.sink, effect.row);
          break;
        case "cache":
          this.#batcher.cache({ key: effect.key, value: effect.value, ttlSeconds: effect.ttlSeconds });
          break;
        case "event":
          if (effect.event.type !== "reading") urgent = true;
          this.#batcher.event(effect.event);
          break;
        case "timer":
          this.#timers.set(cell, effect.name, effect.at);
          break;
        case "reject":
          refused = effect.reason;
          break;
      }
    }
    this.#live.changed(cell, urgent);
    return refused;
  }

  #fireTimers(): void {
    for (const { owner, name } of this.#timers.takeDue(this.#o.clock.now())) {
      if (this.#cells.get(owner.key) === owner) this.#run(owner, { type: "timer", name });
    }
  }

  /**
   * Writes the snapshots of the changed actors `which` picks. `complete`: everything the actors read is
   * committed (a release); unchanged actors' stored snapshots are then confirmed as complete too.
   */
  #snapshot(which: (cell: Cell) => boolean, complete = false): void {
    for (const cell of this.#cells.values()) {
      // Unchanged actors first: the periodic pass skips them without asking `which`.
      const confirm = !cell.dirty && complete && cell.confirmable;
      if ((!cell.dirty && !confirm) || !which(cell)) continue;
      const row = { actor_key: cell.key, kind: cell.kind, entity_id: cell.id, version: 1 };
      if (confirm) {
        this.#batcher.write("actor_snapshots", { ...row, state: null, complete: true });
        continue;
      }
      cell.dirty = false;
      cell.confirmable = true;
      cell.snapshotAt = this.#o.clock.now();
      const state = JSON.stringify(cell.behaviour.snapshot(cell.state));
      this.#batcher.write("actor_snapshots", { ...row, state, complete });
    }
  }

  #every(ms: number, fn: () => void): void {
    const clock = this.#o.clock;
    const index = this.#tickers.length;
    const tick = () => {
      if (this.#stopped) return;
      try {
        fn();
      } finally {
        this.#tickers[index] = clock.setTimeout(tick, ms);
      }
    };
    this.#tickers[index] = clock.setTimeout(tick, ms);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
