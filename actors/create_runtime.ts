/**
 * The actor runtime's factory: registry of actors (every active entity of every registered kind),
 * supervisor and worker hosts, the group-commit writer, the catch-all session for unknown ids, and the
 * figures for `/metrics` and `/api/ready`.
 *
 * @example
 * ```ts ignore
 * import { createRuntime } from "./actors/create_runtime.ts";
 * const runtime = await createRuntime(services, { mqttUrl: broker.url });
 * await runtime.ready(30_000); // every shard subscribed
 * // ... on shutdown
 * await runtime.stop();
 * ```
 * @module
 */
import { systemClock } from "../core/clock.ts";
import type { Services } from "../core/services.ts";
import { keys } from "../stores/cache/cache.ts";
import type { StoreStatus } from "../stores/status.ts";
import { CatchAll } from "./catch_all.ts";
import { allSinks, kindModule, kindModules, KINDS } from "./kinds.ts";
import { loadSpecs } from "./loader.ts";
import { ActorRegistry } from "./registry.ts";
import type { ActorKind, Runtime, RuntimeStats } from "./runtime.ts";
import type { ActorSpec, Batch, HostSettings } from "./protocol.ts";
import { type RestartIntensity, Supervisor } from "./supervisor.ts";
import { Writer } from "./writer.ts";
import { renderMetrics } from "./runtime_metrics.ts";
import { Reconciler } from "./reconciler.ts";
import type { BackoffOptions } from "../core/retry.ts";

/** Options for {@linkcode createRuntime}; every field has a default. */
export interface RuntimeOptions {
  /** The broker. @default {services.mqtt?.url ?? services.config.mqtt.url} */
  mqttUrl?: string;
  /** Worker hosts. @default {services.config.workers} */
  workers?: number;
  /** Shards (each one MQTT session). @default {services.config.shards} */
  shards?: number;
  /** Client ids are `{prefix}-shard-{n}` and `{prefix}-catchall`. @default {"gridpulse"} */
  clientIdPrefix?: string;
  /** Unacknowledged messages per shard before its session pauses. @default {1000} */
  mailboxSize?: number;
  /** @default {2000} */
  batchMaxMessages?: number;
  /** @default {5} */
  batchMaxDelayMs?: number;
  /** @default {5000} */
  snapshotIntervalMs?: number;
  /** @default {100} */
  timerTickMs?: number;
  /** Live state per actor at most this often, except alerts and status changes (at once). @default {500} */
  liveIntervalMs?: number;
  /** @default {{ maxRestarts: 5, windowMs: 60000 }} */
  restartIntensity?: RestartIntensity;
  /** Worker restart backoff. @default {{ minDelayMs: 200, maxDelayMs: 10000 }} */
  restartBackoff?: BackoffOptions;
  /** @default {1000} */
  heartbeatIntervalMs?: number;
  /** @default {10000} */
  heartbeatTimeoutMs?: number;
  /** Record telemetry for unknown ids as rejected (one more session on the wildcards). @default {true} */
  catchAll?: boolean;
  /** Group commit size bound, in messages. @default {20000} */
  writerMaxMessages?: number;
  /** How often actors are reconciled with the database (new, deleted, changed entities); 0: never. @default {30000} */
  reconcileIntervalMs?: number;
  /** The worker module (tests substitute one). @default {actors/host/worker.ts} */
  workerUrl?: URL;
}

/** The runtime as main.ts and tests hold it. */
export interface ActorRuntime extends Runtime {
  /** Resolves once every shard is assigned and subscribed. */
  ready(timeoutMs?: number): Promise<void>;
  /** Fault injection for tests. */
  readonly faults: { crashWorker(worker: number, how?: "error" | "terminate"): void };
}

type RuntimeState = RuntimeStats["state"];
const MOVES: Record<RuntimeState, readonly RuntimeState[]> = {
  starting: ["running", "failed", "stopped"],
  running: ["failed", "stopped"],
  failed: ["stopped"],
  stopped: [],
};

/** The services the runtime uses. */
export type RuntimeServices = Pick<
  Services,
  "config" | "log" | "sql" | "documents" | "cache" | "series" | "mqtt"
>;

/**
 * Creates and starts the runtime: loads every active entity of every registered kind and starts the
 * workers, which subscribe their shards in the background (see {@linkcode ActorRuntime.ready}).
 *
 * @throws {TypeError} when no broker URL is known.
 */
export async function createRuntime(
  services: RuntimeServices,
  options: RuntimeOptions = {},
): Promise<ActorRuntime> {
  const { config, sql } = services;
  const log = services.log.child({ component: "runtime" });
  const mqttUrl = options.mqttUrl ?? services.mqtt?.url ?? config.mqtt.url;
  if (!mqttUrl) throw new TypeError("createRuntime needs a broker: set options.mqttUrl or services.mqtt");
  const workers = options.workers ?? config.workers;
  const shards = options.shards ?? config.shards;
  const prefix = options.clientIdPrefix ?? "gridpulse";
  const settings: HostSettings = {
    clientIdPrefix: prefix,
    mailboxSize: options.mailboxSize ?? 1000,
    batchMaxMessages: options.batchMaxMessages ?? 2000,
    batchMaxDelayMs: options.batchMaxDelayMs ?? 5,
    snapshotIntervalMs: options.snapshotIntervalMs ?? 5000,
    timerTickMs: options.timerTickMs ?? 100,
    liveIntervalMs: options.liveIntervalMs ?? 500,
    recordUnknown: options.catchAll === false,
    logLevel: config.logLevel,
  };
  const registry = new ActorRegistry(shards);
  for (const module of kindModules()) {
    for (const id of await module.catalog.listIds(sql)) registry.add(module.catalog.kind, id.toLowerCase());
  }
  const writer = new Writer({
    sql,
    sinks: allSinks(),
    log,
    documents: services.documents,
    cache: services.cache,
    series: services.series,
    maxMessages: options.writerMaxMessages,
  });
  const figures = new Figures();
  let state: RuntimeState = "starting";
  let failure: string | undefined;
  const move = (next: RuntimeState) => {
    if (state === next) return;
    if (!MOVES[state].includes(next)) throw new Error(`Runtime cannot move from ${state} to ${next}`);
    state = next;
  };
  const subscribed = new Set<string>(); // actors whose shard session is subscribed (catch-all treats them as known)
  const stale = new Map<number, Set<string>>(); // topics of actors removed while their shard was not hosted
  const loaded = new Map<number, Set<string>>(); // actors a shard is being assigned with
  const readyShards = new Set<number>();
  let readyWaiters: (() => void)[] = [];
  const supervisor = new Supervisor({
    workers,
    shards,
    mqttUrl,
    settings,
    workerUrl: options.workerUrl ?? new URL("./host/worker.ts", import.meta.url),
    intensity: options.restartIntensity ?? { maxRestarts: 5, windowMs: 60_000 },
    backoff: options.restartBackoff ?? { minDelayMs: 200, maxDelayMs: 10_000 },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    log,
    load: async (list) => {
      const specs = await loadShards(services.sql, registry, list);
      for (const [shard, group] of specs) {
        reconciler.record(group);
        loaded.set(shard, new Set(group.map((spec) => `${spec.kind}:${spec.id}`)));
      }
      return specs;
    },
    commit: (batch) => writer.submit(batch),
    onCommitted: (batch) => figures.committed(batch),
    onFailure: (reason) => {
      failure = reason;
      if (state === "starting" || state === "running") move("failed");
    },
    unsubscribe: (shard) => [...stale.get(shard) ?? []],
    onShardDown: (shard) => readyShards.delete(shard),
    onShardReady: (shard) => {
      stale.delete(shard);
      const started = loaded.get(shard) ?? new Set();
      loaded.delete(shard);
      for (const key of started) subscribed.add(key);
      // Upserted while the shard was being loaded (its upsert found no host): start them now.
      for (const entry of registry.inShard(shard)) {
        if (started.has(`${entry.kind}:${entry.id}`)) continue;
        runtime.upsert(entry.kind, entry.id).catch((error) =>
          log.error("late actor start failed", { id: entry.id, error })
        );
      }
      readyShards.add(shard);
      if (readyShards.size === shards) {
        if (state === "starting") move("running");
        for (const wake of readyWaiters.splice(0)) wake();
      }
    },
  });
  const catchAll = options.catchAll === false ? undefined : new CatchAll({
    url: mqttUrl,
    clientId: `${prefix}-catchall`,
    wildcards: kindModules().flatMap((k) => k.catalog.wildcards),
    isKnown: (key) => subscribed.has(key),
    commit: (batch: Batch) => writer.submit(batch).then(() => figures.committed(batch)),
    clock: systemClock,
    log: log.child({ session: "catchall" }),
    mailboxSize: settings.mailboxSize,
  });
  const reconciler = new Reconciler({
    sql,
    registry,
    log,
    upsert: (kind, id) => runtime.upsert(kind, id),
    remove: (kind, id) => runtime.remove(kind, id),
  });
  await catchAll?.start();
  supervisor.start().catch((error) => log.error("supervisor start failed", { error }));
  const sampler = setInterval(() => figures.sample(), 1000);
  if ((options.reconcileIntervalMs ?? 30_000) > 0) reconciler.start(options.reconcileIntervalMs ?? 30_000);
  log.info("actor runtime started", { workers, shards, actors: registry.size, broker: mqttUrl });

  const runtime: ActorRuntime = {
    async upsert(kind, id) {
      if (!KINDS[kind]) return; // a kind without actors yet: nothing to start
      id = id.toLowerCase();
      const [spec] = await loadSpecs(sql, kind, [id]);
      if (!spec) return runtime.remove(kind, id); // deleted or inactive
      const { shard } = registry.add(kind, id);
      reconciler.record([spec]);
      for (const topic of kindModule(kind).behaviour.topics(id)) stale.get(shard)?.delete(topic);
      // false: the owner is (re)starting; it loads the actor with its shard, which marks it subscribed
      if (await supervisor.toShard(shard, { type: "upsert", shard, actor: spec })) {
        subscribed.add(`${kind}:${id}`);
      }
    },
    async remove(kind, id) {
      id = id.toLowerCase();
      subscribed.delete(`${kind}:${id}`);
      reconciler.forget(kind, id);
      const entry = registry.delete(kind, id);
      if (
        entry && !(await supervisor.toShard(entry.shard, { type: "remove", shard: entry.shard, kind, id }))
      ) {
        const topics = stale.get(entry.shard) ?? stale.set(entry.shard, new Set()).get(entry.shard)!;
        for (const topic of kindModule(kind).behaviour.topics(id)) topics.add(topic);
      }
      await sql`delete from actor_snapshots where actor_key = ${`${kind}:${id}`}`;
      await services.cache.delete(keys.actor(kind, id)).catch(() => {});
    },
    async notify(kind, id, command) {
      const entry = registry.get(kind, id.toLowerCase());
      if (!entry) return; // no actor (deleted, or a kind without actors): nothing to tell
      await supervisor.toShard(entry.shard, { type: "notify", shard: entry.shard, kind, id, command });
    },
    stats: (): RuntimeStats => figures.stats(supervisor, registry, workers, shards, state, failure),
    metrics: () => renderMetrics(figures, supervisor, registry, writer, catchAll, state),
    check(): StoreStatus {
      const s = runtime.stats();
      return {
        store: "runtime",
        backend: `${s.workersAlive}/${workers} workers, ${shards} shards`,
        // a worker restarting (within its restart intensity) leaves its shards' messages waiting: degraded
        state: state === "running" && s.workersAlive === workers && readyShards.size === shards
          ? "up"
          : state === "running" || state === "starting"
          ? "degraded"
          : "down",
        required: true,
        error: failure,
        detail:
          `${s.actors} actors, ${readyShards.size}/${shards} shards subscribed, ${s.pendingAcks} pending acks`,
      };
    },
    ready(timeoutMs = 30_000) {
      if (readyShards.size === shards) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          readyWaiters = readyWaiters.filter((w) => w !== wake);
          reject(
            new Error(`Only ${readyShards.size}/${shards} shards were subscribed after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        const wake = () => (clearTimeout(timer), resolve());
        readyWaiters.push(wake);
      });
    },
    async stop() {
      if (state === "stopped") return;
      clearInterval(sampler);
      await reconciler.stop();
      await catchAll?.close();
      await supervisor.stop();
      await writer.idle();
      move("stopped");
      log.info("actor runtime stopped");
    },
    faults: { crashWorker: (n, how) => supervisor.crash(n, how) },
  };
  return runtime;
}

/** Loads the specs of every registered actor of `shards`, grouped by shard. */
async function loadShards(sql: RuntimeServices["sql"], registry: ActorRegistry, shards: number[]) {
  const out = new Map<number, ActorSpec[]>(shards.map((s) => [s, []]));
  const byKind = new Map<ActorKind, string[]>();
  for (const shard of shards) {
    for (const entry of registry.inShard(shard)) {
      byKind.set(entry.kind, [...byKind.get(entry.kind) ?? [], entry.id]);
    }
  }
  for (const [kind, ids] of byKind) {
    for (const spec of await loadSpecs(sql, kind, ids)) {
      out.get(registry.add(kind, spec.id).shard)!.push(spec);
    }
  }
  return out;
}

/** Counters kept in the main isolate. */
export class Figures {
  acked: Record<string, number> = {};
  #samples: { at: number; acked: number }[] = [];

  committed(batch: Batch): void {
    for (const [kind, c] of Object.entries(batch.counts)) {
      this.acked[kind] = (this.acked[kind] ?? 0) + c.accepted + c.rejected;
    }
  }

  totalAcked(): number {
    return Object.values(this.acked).reduce((a, b) => a + b, 0);
  }

  sample(): void {
    this.#samples.push({ at: Date.now(), acked: this.totalAcked() });
    if (this.#samples.length > 11) this.#samples.shift();
  }

  /** Acknowledged messages per second over the last 10 s. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at === first.at) return 0;
    return Math.round(((last.acked - first.acked) * 1000) / (last.at - first.at));
  }

  stats(
    supervisor: Supervisor,
    registry: ActorRegistry,
    workers: number,
    shards: number,
    state: RuntimeState,
    failure: string | undefined,
  ): RuntimeStats {
    const hosts = supervisor.workers();
    const sum = (pick: (s: NonNullable<(typeof hosts)[number]["stats"]>) => number) =>
      hosts.reduce((n, h) => n + (h.stats && h.state === "running" ? pick(h.stats) : 0), 0);
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    return {
      workers,
      workersAlive: hosts.filter((h) => h.state === "running").length,
      shards,
      actors: registry.size,
      actorsByKind: registry.countByKind(),
      messagesPerSecond: this.rate(),
      messagesIn: sum((s) => total(s.messagesIn)),
      messagesAcked: this.totalAcked(),
      messagesRejected: sum((s) => total(s.rejected)),
      pendingAcks: sum((s) => s.shards.reduce((n, x) => n + x.pending, 0)),
      workerRestarts: supervisor.restarts,
      state,
      failure,
    };
  }
}
