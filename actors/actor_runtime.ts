/**
 * The running actor runtime: registry of actors, supervisor and worker hosts, group-commit writer,
 * catch-all session, reconciler, and the figures `/metrics` and `/api/ready` read. Built and started
 * by `createRuntime()` (create_runtime.ts), which resolves the options.
 * @module
 */
import { systemClock } from "../core/clock.ts";
import type { Logger } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import { keys } from "../stores/cache/cache.ts";
import type { StoreStatus } from "../stores/status.ts";
import { CatchAll } from "./catch_all.ts";
import { allSinks, kindModule, kindModules, KINDS, rollupSources } from "./kinds.ts";
import { loadSpecs } from "./loader.ts";
import { ActorRegistry } from "./registry.ts";
import type { ActorKind, Runtime, RuntimeStats } from "./runtime.ts";
import type { ActorSpec } from "./protocol.ts";
import { Supervisor, type SupervisorOptions } from "./supervisor.ts";
import { Writer } from "./writer.ts";
import { RollupRepairer } from "./rollup_repair.ts";
import { SeriesOutbox } from "./series_outbox.ts";
import { Figures, renderMetrics } from "./runtime_metrics.ts";
import { Reconciler } from "./reconciler.ts";
import { Reconfigurer } from "./reconfigurer.ts";
import { drainStrandedShards } from "./stranded.ts";
import { shardLayouts } from "../stores/postgres/repos/settings.ts";
import { parseTopic, type TopicRoute } from "../domain/telemetry.ts";
import { SubscriptionRecord } from "./subscription_record.ts";

/** The runtime as main.ts and tests hold it. */
export interface ActorRuntime extends Runtime {
  /** Resolves once every shard is assigned and subscribed. */
  ready(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every `reconfigure(kind)` called so far is in effect in the actors (`reconfigure`
   * returns when the change is ordered; reconfigurer.ts runs it).
   */
  reconfigured(kind: ActorKind): Promise<void>;
  /** Fault injection for tests. */
  readonly faults: { crashWorker(worker: number, how?: "error" | "terminate"): void };
}

/** The services the runtime uses. */
export type RuntimeServices = Pick<
  Services,
  "config" | "log" | "sql" | "documents" | "cache" | "series" | "mqtt"
>;

/** What the supervisor is configured with, as resolved from the runtime's options. */
type Supervision = Pick<
  SupervisorOptions,
  | "workers"
  | "shards"
  | "mqttUrl"
  | "settings"
  | "workerUrl"
  | "intensity"
  | "backoff"
  | "heartbeatIntervalMs"
  | "heartbeatTimeoutMs"
>;

/** Everything resolved from the options (create_runtime.ts documents the defaults). */
export interface RuntimeParts extends Supervision {
  services: RuntimeServices;
  log: Logger;
  catchAll: boolean;
  writerMaxMessages?: number;
  reconcileIntervalMs: number;
  brokerTimeoutMs: number;
}

/** Actors whose specs `reconfigure` loads with one set of queries. */
const RECONFIGURE_BATCH = 1_000;

type RuntimeState = RuntimeStats["state"];
const MOVES: Record<RuntimeState, readonly RuntimeState[]> = {
  starting: ["running", "failed", "stopped"],
  running: ["failed", "stopped"],
  failed: ["stopped"],
  stopped: [],
};

/** The actor runtime. */
export class RuntimeCore implements ActorRuntime {
  readonly faults: ActorRuntime["faults"];
  #p: RuntimeParts;
  #state: RuntimeState = "starting";
  #failure?: string;
  #registry: ActorRegistry;
  #writer: Writer;
  #repairer: RollupRepairer;
  #outbox?: SeriesOutbox;
  #figures = new Figures();
  #supervisor: Supervisor;
  #catchAll?: CatchAll;
  #reconciler: Reconciler;
  #reconfigurer: Reconfigurer;
  #sampler?: ReturnType<typeof setInterval>;
  /** Actors whose shard session is subscribed: the catch-all treats them as known. */
  #subscribed = new Set<string>();
  /** Which shard sessions held which actors' subscriptions, across starts (for the catch-all). */
  #record: SubscriptionRecord;
  /** Callers of `whenSubscribed` per actor key. */
  #subscribedWaiters = new Map<string, ((subscribed: boolean) => void)[]>();
  /** Topics of actors removed while their shard was not hosted. */
  #stale = new Map<number, Set<string>>();
  /** Actors a shard is being assigned with. */
  #loaded = new Map<number, Set<string>>();
  #readyShards = new Set<number>();
  #readyWaiters: (() => void)[] = [];
  /** Draining shard sessions left over from a larger `SHARDS` (stranded.ts), from when all shards are ready. */
  #stranded?: Promise<void>;
  /** The largest shard count recorded before this start (settings `runtime.shard_layouts`). */
  #recordedShards?: number;
  #stopping = new AbortController();

  constructor(parts: RuntimeParts) {
    this.#p = parts;
    const { services, log } = parts;
    this.#registry = new ActorRegistry(parts.shards);
    if (services.series) {
      this.#outbox = new SeriesOutbox({
        sql: services.sql,
        series: services.series,
        sinks: allSinks(),
        log: log.child({ component: "series-outbox" }),
        documents: services.documents,
      });
    }
    this.#writer = new Writer({
      sql: services.sql,
      sinks: allSinks(),
      log,
      documents: services.documents,
      cache: services.cache,
      outbox: this.#outbox,
      maxMessages: parts.writerMaxMessages,
    });
    this.#record = new SubscriptionRecord({
      sql: services.sql,
      log,
      clientIdPrefix: parts.settings.clientIdPrefix,
    });
    this.#repairer = new RollupRepairer({
      sql: services.sql,
      sources: rollupSources(),
      log: log.child({ component: "rollup-repair" }),
    });
    const { workers, shards, mqttUrl, settings, workerUrl, intensity, backoff } = parts;
    this.#supervisor = new Supervisor({
      workers,
      shards,
      mqttUrl,
      settings,
      workerUrl,
      intensity,
      backoff,
      heartbeatIntervalMs: parts.heartbeatIntervalMs,
      heartbeatTimeoutMs: parts.heartbeatTimeoutMs,
      log,
      load: (shards) => this.#load(shards),
      commit: (batch) => this.#writer.submit(batch),
      onCommitted: (batch) => this.#figures.committed(batch),
      onFailure: (reason) => this.#onFailure(reason),
      unsubscribe: (shard) => [...this.#stale.get(shard) ?? []],
      onShardDown: (shard) => this.#readyShards.delete(shard),
      onShardReady: (shard) => this.#onShardReady(shard),
    });
    if (parts.catchAll) {
      this.#catchAll = new CatchAll({
        url: parts.mqttUrl,
        clientId: `${parts.settings.clientIdPrefix}-catchall`,
        wildcards: kindModules().flatMap((k) => k.catalog.wildcards),
        classify: (route, key) => this.#classify(route, key),
        whenSubscribed: (key) => this.#whenSubscribed(key),
        commit: (batch) => this.#writer.submit(batch).then(() => this.#figures.committed(batch)),
        clock: systemClock,
        log: log.child({ session: "catchall" }),
        mailboxSize: parts.settings.mailboxSize,
      });
    }
    this.#reconciler = new Reconciler({
      sql: services.sql,
      registry: this.#registry,
      log,
      upsert: (kind, id) => this.upsert(kind, id),
      remove: (kind, id) => this.remove(kind, id),
    });
    this.#reconfigurer = new Reconfigurer({
      pass: (kind, signal) => this.#reconfigureAll(kind, signal),
      log: log.child({ component: "reconfigure" }),
    });
    this.faults = { crashWorker: (n, how) => this.#supervisor.crash(n, how) };
  }

  /** Registers every active entity, connects the catch-all and starts the workers (in the background). */
  async start(): Promise<void> {
    const { services, log } = this.#p;
    for (const module of kindModules()) {
      for (const id of await module.catalog.listIds(services.sql)) {
        this.#registry.add(module.catalog.kind, id.toLowerCase());
      }
    }
    // Recorded before the shards connect: a later start with fewer shards probes every id below it.
    const prefix = this.#p.settings.clientIdPrefix;
    this.#recordedShards = await shardLayouts.get(services.sql, prefix);
    await shardLayouts.set(services.sql, prefix, this.#p.shards, true);
    if (this.#catchAll) await this.#record.load();
    await this.#catchAll?.start(this.#p.brokerTimeoutMs);
    this.#supervisor.start().catch((error) => log.error("supervisor start failed", { error }));
    this.#repairer.start();
    this.#outbox?.start();
    this.#sampler = setInterval(() => this.#figures.sample(), 1000);
    if (this.#p.reconcileIntervalMs > 0) this.#reconciler.start(this.#p.reconcileIntervalMs);
    log.info("actor runtime started", {
      workers: this.#p.workers,
      shards: this.#p.shards,
      actors: this.#registry.size,
      broker: this.#p.mqttUrl,
    });
  }

  async upsert(kind: ActorKind, id: string): Promise<void> {
    if (!KINDS[kind]) return; // a kind without actors yet: nothing to start
    id = id.toLowerCase();
    const [spec] = await loadSpecs(this.#p.services.sql, kind, [id]);
    if (!spec) return this.remove(kind, id); // deleted or inactive
    await this.#place(spec);
  }

  /** Orders the reconfiguration of every actor of `kind` and returns; it runs in the background. */
  reconfigure(kind: ActorKind): Promise<void> {
    if (KINDS[kind]) this.#reconfigurer.order(kind);
    return Promise.resolve();
  }

  reconfigured(kind: ActorKind): Promise<void> {
    return this.#reconfigurer.settled(kind);
  }

  /** One pass of `reconfigure(kind)`: every actor of the kind loaded again, a batch at a time. */
  async #reconfigureAll(kind: ActorKind, signal: AbortSignal): Promise<void> {
    const ids = this.#registry.all(kind).map((entry) => entry.id);
    for (let i = 0; i < ids.length && !signal.aborted; i += RECONFIGURE_BATCH) {
      const batch = ids.slice(i, i + RECONFIGURE_BATCH);
      const specs = await loadSpecs(this.#p.services.sql, kind, batch);
      for (const spec of specs) await this.#place(spec);
      const found = new Set(specs.map((spec) => spec.id));
      for (const id of batch) if (!found.has(id)) await this.remove(kind, id); // deleted or inactive
    }
  }

  /** Starts the actor of `spec`, or hands its host the new configuration when it runs. */
  async #place(spec: ActorSpec): Promise<void> {
    const { kind, id } = spec;
    const { shard } = this.#registry.add(kind, id);
    this.#reconciler.record([spec]);
    for (const topic of kindModule(kind).behaviour.topics(id)) this.#stale.get(shard)?.delete(topic);
    // false: the owner is (re)starting; it loads the actor with its shard, which marks it subscribed
    if (await this.#supervisor.toShard(shard, { type: "upsert", shard, actor: spec })) {
      this.#markSubscribed([`${kind}:${id}`], shard);
    }
  }

  async remove(kind: ActorKind, id: string): Promise<void> {
    id = id.toLowerCase();
    const key = `${kind}:${id}`;
    this.#subscribed.delete(key);
    this.#wakeWaiters(key, false);
    this.#reconciler.forget(kind, id);
    const entry = this.#registry.delete(kind, id);
    if (
      entry &&
      !(await this.#supervisor.toShard(entry.shard, { type: "remove", shard: entry.shard, kind, id }))
    ) {
      // its shard is away: the persistent session still has the subscription, drop it on return
      const topics = this.#stale.get(entry.shard) ??
        this.#stale.set(entry.shard, new Set()).get(entry.shard)!;
      for (const topic of kindModule(kind).behaviour.topics(id)) topics.add(topic);
    }
    await this.#p.services.sql`delete from actor_snapshots where actor_key = ${key}`;
    await this.#record.forget(key);
    await this.#writer.deleteLive(keys.actor(kind, id)); // a refused delete is sent again
  }

  async notify(
    kind: ActorKind,
    id: string,
    command: { type: string; [field: string]: unknown },
  ): Promise<void> {
    const entry = this.#registry.get(kind, id.toLowerCase());
    if (!entry) return; // no actor (deleted, or a kind without actors): nothing to tell
    // what only the database knows (an ADR event's schedule) is added here: workers have no database
    const { catalog } = kindModule(kind);
    if (catalog.prepareCommand) {
      command = await catalog.prepareCommand(this.#p.services.sql, entry.id, command);
    }
    await this.#supervisor.toShard(entry.shard, {
      type: "notify",
      shard: entry.shard,
      kind,
      id: entry.id,
      command,
    });
  }

  stats(): RuntimeStats {
    return this.#figures.stats(this.#supervisor, this.#registry, this.#p, this.#state, this.#failure);
  }

  metrics(): string {
    return renderMetrics(
      this.#figures,
      this.#supervisor,
      this.#registry,
      this.#writer,
      this.#repairer,
      this.#catchAll,
      this.#state,
      this.#p.services.series?.stats(),
      this.#outbox?.stats(),
      this.#reconfigurer.stats(),
    );
  }

  check(): StoreStatus {
    const s = this.stats();
    const { workers, shards } = this.#p;
    const ready = this.#readyShards.size;
    const running = this.#state === "running";
    const reconfiguring = this.#reconfigurer.stats();
    const failing = Object.entries(reconfiguring.failing).map(([kind, error]) =>
      `reconfiguring every ${kind} actor failed (retrying): ${error}`
    );
    return {
      store: "runtime",
      backend: `${s.workersAlive}/${workers} workers, ${shards} shards`,
      // a worker restarting (within its restart intensity) leaves its shards' messages waiting: degraded;
      // so does a change to every actor of a kind that keeps failing to reach them
      state: running && s.workersAlive === workers && ready === shards && failing.length === 0
        ? "up"
        : running || this.#state === "starting"
        ? "degraded"
        : "down",
      required: true,
      error: this.#failure ?? (failing.join("; ") || undefined),
      detail: `${s.actors} actors, ${ready}/${shards} shards subscribed, ${s.pendingAcks} pending acks` +
        (reconfiguring.pending.length > 0
          ? `, reconfiguring every ${reconfiguring.pending.join(", ")} actor`
          : ""),
    };
  }

  ready(timeoutMs = 30_000): Promise<void> {
    if (this.#readyShards.size === this.#p.shards) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#readyWaiters = this.#readyWaiters.filter((w) => w !== wake);
        reject(
          new Error(
            `Only ${this.#readyShards.size}/${this.#p.shards} shards were subscribed after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const wake = () => (clearTimeout(timer), resolve());
      this.#readyWaiters.push(wake);
    });
  }

  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#stopping.abort();
    await this.#stranded;
    clearInterval(this.#sampler);
    await this.#reconciler.stop();
    await this.#reconfigurer.stop();
    await this.#catchAll?.close();
    await this.#supervisor.stop();
    await this.#record.close();
    this.#subscribedWaiters.clear(); // their messages stay unacknowledged: the broker redelivers them
    await this.#writer.idle();
    // before the series sink closes (boot.ts): what InfluxDB has not confirmed by then stays recorded
    await this.#outbox?.stop();
    this.#writer.stop();
    await this.#repairer.stop();
    this.#move("stopped");
    this.#p.log.info("actor runtime stopped");
  }

  /** Started once every shard is subscribed (so what is published again has a session to go to). */
  async #drainStranded(): Promise<void> {
    const { log, mqttUrl, settings, shards } = this.#p;
    try {
      if (this.#stopping.signal.aborted) return;
      const { drained, incomplete } = await drainStrandedShards({
        url: mqttUrl,
        clientIdPrefix: settings.clientIdPrefix,
        shards,
        upTo: this.#recordedShards,
        topics: () =>
          kindModules().flatMap((m) =>
            this.#registry.all(m.catalog.kind).flatMap((e) => m.behaviour.topics(e.id))
          ),
        isKnown: (topic) => {
          const route = parseTopic(topic);
          return route !== undefined && this.#registry.has(route.kind, route.id.toLowerCase());
        },
        log: log.child({ component: "stranded-shards" }),
        signal: this.#stopping.signal,
      });
      if (drained > 0) log.warn("shard sessions left over from a larger SHARDS were drained", { drained });
      // Every leftover session is gone: later starts need to look no further than this count.
      if (incomplete === 0 && !this.#stopping.signal.aborted) {
        await shardLayouts.set(this.#p.services.sql, settings.clientIdPrefix, shards);
      }
    } catch (error) {
      log.error("draining leftover shard sessions failed; they are tried again at the next start", { error });
    }
  }

  #move(next: RuntimeState): void {
    if (this.#state === next) return;
    if (!MOVES[this.#state].includes(next)) {
      throw new Error(`Runtime cannot move from ${this.#state} to ${next}`);
    }
    this.#state = next;
  }

  #onFailure(reason: string): void {
    this.#failure = reason;
    if (this.#state === "starting" || this.#state === "running") this.#move("failed");
  }

  /** What the catch-all does with a message for `key` (catch_all.ts). */
  #classify(route: TopicRoute, key: string): "known" | "pending" | "unknown" {
    if (this.#subscribed.has(key)) return "known";
    // the id exactly as published: the shards subscribe lower-case topics only
    if (!this.#registry.has(route.kind, route.id)) return "unknown";
    // The record speaks for sessions the broker kept. A broker that lost them (an embedded one starts
    // empty, a Mosquitto may run without persistence) holds no copy for a recorded actor: before, such a
    // message was acknowledged here and lost; now it is held until its shard subscribes, then republished.
    return this.#record.holds(key) && this.#catchAll?.sessionPresent ? "known" : "pending";
  }

  #whenSubscribed(key: string): Promise<boolean> {
    if (this.#subscribed.has(key)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.#subscribedWaiters.get(key) ??
        this.#subscribedWaiters.set(key, []).get(key)!;
      waiters.push(resolve);
    });
  }

  /** Answers the `whenSubscribed` callers of `key`. */
  #wakeWaiters(key: string, subscribed: boolean): void {
    const waiters = this.#subscribedWaiters.get(key);
    if (!waiters) return;
    this.#subscribedWaiters.delete(key);
    for (const wake of waiters) wake(subscribed);
  }

  /** `keys` are subscribed by `shard`'s session: known to the catch-all from now on, and recorded. */
  #markSubscribed(keys: Iterable<string>, shard: number): void {
    const added: string[] = []; // already subscribed in this run (a reconfiguration, a worker restart): recorded
    for (const key of keys) {
      if (this.#subscribed.has(key)) continue;
      this.#subscribed.add(key);
      added.push(key);
      this.#wakeWaiters(key, true);
    }
    // kept with the catch-all off too: switched on later, it must not trust rows of actors removed meanwhile
    if (added.length > 0) this.#record.note(added, `${this.#p.settings.clientIdPrefix}-shard-${shard}`);
  }

  /** The specs of every registered actor of `shards`, grouped by shard, fresh from the database. */
  async #load(shards: number[]): Promise<Map<number, ActorSpec[]>> {
    const out = new Map<number, ActorSpec[]>(shards.map((s) => [s, []]));
    const byKind = new Map<ActorKind, string[]>();
    for (const shard of shards) {
      for (const entry of this.#registry.inShard(shard)) {
        const ids = byKind.get(entry.kind) ?? byKind.set(entry.kind, []).get(entry.kind)!;
        ids.push(entry.id); // push, not spread: 100,000 actors made a spread per entry quadratic
      }
    }
    for (const [kind, ids] of byKind) {
      for (const spec of await loadSpecs(this.#p.services.sql, kind, ids)) {
        out.get(this.#registry.add(kind, spec.id).shard)!.push(spec);
      }
    }
    for (const [shard, group] of out) {
      this.#reconciler.record(group);
      this.#loaded.set(shard, new Set(group.map((spec) => `${spec.kind}:${spec.id}`)));
    }
    return out;
  }

  #onShardReady(shard: number): void {
    this.#stale.delete(shard);
    const started = this.#loaded.get(shard) ?? new Set();
    this.#loaded.delete(shard);
    this.#markSubscribed(started, shard);
    // Upserted while the shard was being loaded (its upsert found no host): start them now.
    for (const entry of this.#registry.inShard(shard)) {
      if (started.has(`${entry.kind}:${entry.id}`)) continue;
      this.upsert(entry.kind, entry.id).catch((error) =>
        this.#p.log.error("late actor start failed", { id: entry.id, error })
      );
    }
    this.#readyShards.add(shard);
    if (this.#readyShards.size === this.#p.shards) {
      this.#supervisor.shardsReady();
      this.#stranded ??= this.#drainStranded();
      if (this.#state === "starting") this.#move("running");
      for (const wake of this.#readyWaiters.splice(0)) wake();
    }
  }
}
