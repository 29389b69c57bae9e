/**
 * The supervisor, OTP style, in the main isolate. Its children are the worker hosts (permanent, one_for_one):
 * it watches each one (the Worker's `error` event, heartbeat replies), restarts a failed one with
 * exponential backoff and gives its shards back to it (rendezvous hashing gives a returning worker
 * exactly its shards; the broker held their messages meanwhile). Past the restart intensity (default 5
 * restarts in 60 s) it stops restarting that worker, re-homes its shards on the others, and reports the
 * failure (`onFailure`) so `/api/ready` shows it and the log says why.
 *
 * Worker lifecycle, one transition function (`#move`):
 * `starting` -> `running` -> `restarting` -> `starting` ... ; `failed` (given up) and `stopped` are final.
 * @module
 */
import type { Logger } from "../core/log.ts";
import { backoffDelay, type BackoffOptions } from "../core/retry.ts";
import { workerOf } from "./placement.ts";
import type { ActorSpec, Batch, FromWorker, HostSettings, HostStats, ToWorker } from "./protocol.ts";

/** A worker's lifecycle state. */
export type WorkerState = "starting" | "running" | "restarting" | "failed" | "stopped";

const TRANSITIONS: Record<WorkerState, readonly WorkerState[]> = {
  starting: ["running", "restarting", "failed", "stopped"],
  running: ["restarting", "failed", "stopped"],
  restarting: ["starting", "failed", "stopped"],
  failed: [],
  stopped: [],
};

/** Restart intensity: at most `maxRestarts` restarts within `windowMs`. */
export interface RestartIntensity {
  /** @default {5} */
  maxRestarts: number;
  /** @default {60000} */
  windowMs: number;
}

/** Options for {@linkcode Supervisor}. */
export interface SupervisorOptions {
  workers: number;
  shards: number;
  mqttUrl: string;
  settings: HostSettings;
  workerUrl: URL;
  intensity: RestartIntensity;
  backoff: BackoffOptions;
  heartbeatIntervalMs: number;
  /** A worker silent this long is terminated and restarted. */
  heartbeatTimeoutMs: number;
  log: Logger;
  /** Loads the actor specs of these shards (fresh from the database). */
  load(shards: number[]): Promise<Map<number, ActorSpec[]>>;
  /** Commits a batch; the supervisor tells the worker `committed` or `failed`. */
  commit(batch: Batch): Promise<void>;
  /** After `committed` was sent. */
  onCommitted?(batch: Batch): void;
  /** A worker passed its restart intensity. */
  onFailure(reason: string): void;
  /** Topics to unsubscribe when `shard` is assigned (actors removed while it was away). */
  unsubscribe?(shard: number): string[];
  /** A shard was (re)assigned and its session subscribed. */
  onShardReady?(shard: number): void;
  /** A shard's worker failed: its messages wait at the broker until it is assigned again. */
  onShardDown?(shard: number): void;
}

interface Slot {
  n: number;
  state: WorkerState;
  worker?: Worker;
  /** Incremented per spawn: replies for an older incarnation are ignored. */
  generation: number;
  restarts: number[];
  lastPong: number;
  stats?: HostStats;
  shards: Set<number>;
  requests: Map<number, { resolve(): void; reject(e: unknown): void }>;
  lastError?: string;
}

/** Supervises the worker hosts. */
export class Supervisor {
  #o: SupervisorOptions;
  #slots: Slot[];
  #nextReq = 1;
  #heartbeat?: ReturnType<typeof setInterval>;
  #lastBeat = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #stopping = false;
  #shardsReady = false;
  /** Worker restarts since start. */
  restarts = 0;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    this.#slots = Array.from({ length: options.workers }, (_, n) => ({
      n,
      state: "starting" as WorkerState,
      generation: 0,
      restarts: [],
      lastPong: 0,
      shards: new Set<number>(),
      requests: new Map(),
    }));
  }

  /** Tells every worker, now and after any restart, that every shard has subscribed (see ToWorker). */
  shardsReady(): void {
    if (this.#shardsReady) return;
    this.#shardsReady = true;
    for (const slot of this.#slots) {
      if (slot.state === "running") slot.worker?.postMessage({ type: "shardsReady" } satisfies ToWorker);
    }
  }

  /** Starts every worker and assigns its shards; resolves when all are subscribed. */
  async start(): Promise<void> {
    this.#heartbeat = setInterval(() => this.#beat(), this.#o.heartbeatIntervalMs);
    await Promise.all(this.#slots.map((slot) => this.#spawn(slot)));
  }

  /** The worker that owns `shard` now (among workers not given up), if any. */
  ownerOf(shard: number): number | undefined {
    const live = this.#slots.filter((s) => s.state !== "failed" && s.state !== "stopped").map((s) => s.n);
    return live.length ? workerOf(shard, live) : undefined;
  }

  /** Sends a request to the worker hosting `shard`; resolves `false` when no running worker hosts it. */
  async toShard(
    shard: number,
    message: DistributiveOmit<ToWorker & { req: number }, "req">,
  ): Promise<boolean> {
    const n = this.ownerOf(shard);
    const slot = n === undefined ? undefined : this.#slots[n];
    if (!slot || slot.state !== "running" || !slot.shards.has(shard)) return false;
    await this.#request(slot, message);
    return true;
  }

  /** Per-worker state and figures. */
  workers(): { n: number; state: WorkerState; stats?: HostStats; restarts: number; lastError?: string }[] {
    return this.#slots.map((s) => ({
      n: s.n,
      state: s.state,
      stats: s.stats,
      restarts: s.restarts.length,
      lastError: s.lastError,
    }));
  }

  /** Fault injection for tests: an uncaught error in worker `n`, or (`terminate`) an abrupt kill. */
  crash(n: number, how: "error" | "terminate" = "error"): void {
    const slot = this.#slots[n];
    if (!slot?.worker) return;
    if (how === "terminate") this.#fail(slot, "terminated (fault injection)");
    else slot.worker.postMessage({ type: "crash", message: "fault injection" } satisfies ToWorker);
  }

  /** Stops every worker gracefully (shards released, snapshots written), then terminates them. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    for (const t of this.#timers) clearTimeout(t);
    await Promise.all(this.#slots.map(async (slot) => {
      if (slot.state === "running") {
        await settlesWithin(this.#request(slot, { type: "stop" }).catch(() => {}), 10_000);
      }
      slot.worker?.terminate();
      slot.worker = undefined;
      if (slot.state !== "failed" && slot.state !== "stopped") this.#move(slot, "stopped");
      for (const r of slot.requests.values()) r.reject(new Error("runtime stopped"));
    }));
  }

  #move(slot: Slot, next: WorkerState): void {
    if (!TRANSITIONS[slot.state].includes(next)) {
      throw new Error(`Worker ${slot.n} cannot move from ${slot.state} to ${next}`);
    }
    slot.state = next;
  }

  async #spawn(slot: Slot): Promise<void> {
    const generation = ++slot.generation;
    const worker = new Worker(this.#o.workerUrl, { type: "module", name: `gridpulse-worker-${slot.n}` });
    slot.worker = worker;
    slot.lastPong = Date.now();
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (slot.generation !== generation) return;
      slot.lastPong = Date.now();
      this.#onMessage(slot, generation, event.data, ready);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // handled here: it must not take the main isolate down
      if (slot.generation === generation) this.#fail(slot, event.message || "worker error");
    };
    worker.onmessageerror = () => {
      if (slot.generation === generation) this.#fail(slot, "a message from the worker could not be read");
    };
    worker.postMessage(
      {
        type: "init",
        worker: slot.n,
        mqttUrl: this.#o.mqttUrl,
        settings: this.#o.settings,
      } satisfies ToWorker,
    );
    if (this.#shardsReady) worker.postMessage({ type: "shardsReady" } satisfies ToWorker);
    const ok = await settlesWithin(started, this.#o.heartbeatTimeoutMs);
    if (slot.generation !== generation || slot.state !== "starting") return;
    if (!ok) return this.#fail(slot, `did not start within ${this.#o.heartbeatTimeoutMs} ms`);
    this.#move(slot, "running");
    await this.#assignAll(slot, generation);
  }

  async #assignAll(slot: Slot, generation: number): Promise<void> {
    const mine = Array.from({ length: this.#o.shards }, (_, s) => s).filter((s) =>
      this.ownerOf(s) === slot.n
    );
    await this.#assign(slot, generation, mine);
  }

  async #assign(slot: Slot, generation: number, shards: number[]): Promise<void> {
    if (shards.length === 0) return;
    let specs: Map<number, ActorSpec[]>;
    try {
      specs = await this.#o.load(shards);
    } catch (error) {
      this.#o.log.error("cannot load actors for shards; retrying", { worker: slot.n, error });
      this.#later(() => slot.generation === generation && this.#assign(slot, generation, shards), 1_000);
      return;
    }
    await Promise.all(shards.map(async (shard) => {
      if (slot.generation !== generation || slot.state !== "running") return;
      slot.shards.add(shard);
      try {
        const unsubscribe = this.#o.unsubscribe?.(shard) ?? [];
        await this.#request(slot, { type: "assign", shard, actors: specs.get(shard) ?? [], unsubscribe });
        this.#o.onShardReady?.(shard);
      } catch (error) {
        if (slot.generation === generation) {
          this.#o.log.error("shard assignment failed", { worker: slot.n, shard, error });
        }
      }
    }));
  }

  #onMessage(slot: Slot, generation: number, message: FromWorker, ready: () => void): void {
    switch (message.type) {
      case "ready":
        return ready();
      case "reply": {
        const pending = slot.requests.get(message.req);
        slot.requests.delete(message.req);
        if (message.ok) pending?.resolve();
        else pending?.reject(new Error(message.error ?? "worker request failed"));
        return;
      }
      case "pong":
        slot.stats = message.stats;
        return;
      case "batch": {
        const { batch } = message;
        this.#o.commit(batch).then(
          () => {
            if (slot.generation !== generation) return;
            slot.worker?.postMessage({ type: "committed", batch: batch.id } satisfies ToWorker);
            this.#o.onCommitted?.(batch);
          },
          (error) => {
            if (slot.generation !== generation) return;
            slot.worker?.postMessage(
              { type: "failed", batch: batch.id, error: String(error) } satisfies ToWorker,
            );
          },
        );
        return;
      }
    }
  }

  #request(slot: Slot, message: DistributiveOmit<ToWorker & { req: number }, "req">): Promise<void> {
    const req = this.#nextReq++;
    return new Promise((resolve, reject) => {
      if (!slot.worker) return reject(new Error(`Worker ${slot.n} is not running`));
      slot.requests.set(req, { resolve, reject });
      slot.worker.postMessage({ ...message, req } as ToWorker);
    });
  }

  #beat(): void {
    const now = Date.now();
    // A late tick means the main isolate itself was busy (loading 100,000 actors, a long GC): the
    // workers' replies may be waiting unread in its queue. That stall is not the workers' silence.
    const stalled = this.#lastBeat === 0
      ? 0
      : Math.max(0, now - this.#lastBeat - this.#o.heartbeatIntervalMs);
    this.#lastBeat = now;
    for (const slot of this.#slots) {
      if (slot.state !== "running" || !slot.worker) continue;
      slot.lastPong = Math.min(now, slot.lastPong + stalled);
      if (now - slot.lastPong > this.#o.heartbeatTimeoutMs) {
        this.#fail(slot, `no heartbeat reply for ${now - slot.lastPong} ms`);
        continue;
      }
      slot.worker.postMessage({ type: "ping", seq: now } satisfies ToWorker);
    }
  }

  /** A worker died or hangs: restart it with backoff, or give up past the restart intensity. */
  #fail(slot: Slot, reason: string): void {
    if (this.#stopping || slot.state === "failed" || slot.state === "stopped") return;
    slot.generation++; // everything in flight from the old incarnation is ignored from now on
    slot.worker?.terminate();
    slot.worker = undefined;
    slot.lastError = reason;
    for (const r of slot.requests.values()) r.reject(new Error(`worker ${slot.n} failed: ${reason}`));
    slot.requests.clear();
    const shards = [...slot.shards];
    slot.shards.clear();
    for (const shard of shards) this.#o.onShardDown?.(shard);
    const now = Date.now();
    const { maxRestarts, windowMs } = this.#o.intensity;
    slot.restarts = slot.restarts.filter((t) => now - t < windowMs);
    if (slot.restarts.length >= maxRestarts) {
      this.#move(slot, "failed");
      const why = `worker ${slot.n} failed ${slot.restarts.length + 1} times within ${windowMs / 1000} s ` +
        `(restart intensity ${maxRestarts} in ${
          windowMs / 1000
        } s); not restarting it. Last error: ${reason}`;
      this.#o.log.error("worker given up", { worker: slot.n, reason: why });
      this.#o.onFailure(why);
      this.#rehome(shards);
      return;
    }
    slot.restarts.push(now);
    this.restarts++;
    this.#move(slot, "restarting");
    const wait = backoffDelay(slot.restarts.length - 1, this.#o.backoff);
    this.#o.log.error("worker failed, restarting", {
      worker: slot.n,
      reason,
      delayMs: wait,
      shards: shards.length,
    });
    this.#later(() => {
      if (slot.state !== "restarting") return;
      this.#move(slot, "starting");
      this.#spawn(slot).catch((error) => this.#fail(slot, String(error)));
    }, wait);
  }

  /** Shards of a given-up worker go to the surviving workers (rendezvous: only these move). */
  #rehome(shards: number[]): void {
    const byWorker = new Map<number, number[]>();
    for (const shard of shards) {
      const n = this.ownerOf(shard);
      if (n === undefined) continue;
      (byWorker.get(n) ?? byWorker.set(n, []).get(n)!).push(shard);
    }
    for (const [n, moved] of byWorker) {
      const slot = this.#slots[n];
      this.#o.log.warn("re-homing shards of a failed worker", { worker: n, shards: moved });
      // A worker that is restarting picks them up when it starts (its placement includes them).
      if (slot.state === "running") this.#assign(slot, slot.generation, moved);
    }
  }

  #later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Whether `promise` settles within `ms` (its timer is always cleared: tests check for leaked timers). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
