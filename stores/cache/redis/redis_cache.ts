/**
 * The Redis cache (ioredis), used when `REDIS_URL` is set.
 *
 * - Two connections: commands, and a subscriber opened on the first `subscribe` (a connection in
 *   subscriber mode can run nothing else). Losing the subscriber connection ends every subscription
 *   (`onInterrupt`), since what was published meanwhile is missed; see `subscriber.ts`.
 * - `setMany` is one pipeline of `SET key value EX seconds` (PX for sub-second TTLs).
 * - `keys` uses SCAN with an escaped MATCH pattern, never KEYS.
 * - While Redis is unreachable, writes go to a bounded {@linkcode WriteBuffer} (newest value per key
 *   wins) and are replayed, in order, as soon as the connection is ready again; past the bound they
 *   reject with `BackpressureError`. Reads of buffered keys see the buffered value; other reads and
 *   `publish` reject with `StoreUnavailableError` (a change event is not worth replaying late).
 * - A write Redis refuses (`OOM command not allowed` at `maxmemory`), or one past the buffer's bound,
 *   rejects, and `check()` says `degraded` with the reason until a write succeeds again.
 * - ioredis reconnects with our backoff; its own offline queue is off so nothing waits unbounded.
 *
 * @example
 * ```ts
 * import { openRedisCache } from "./stores/cache/redis/redis_cache.ts";
 * import { silentLogger } from "./core/log.ts";
 * const cache = await openRedisCache({ url: "redis://127.0.0.1:6379", log: silentLogger });
 * await cache.set("dashboard:site-1", { kw: 10 }, { ttlSeconds: 60 });
 * await cache.close();
 * ```
 * @module
 */
import { Redis } from "ioredis";
import type { Logger } from "../../../core/log.ts";
import { StoreUnavailableError } from "../../../core/errors.ts";
import { backoffDelay, type BackoffOptions } from "../../../core/retry.ts";
import { maskUrl } from "../../postgres/client.ts";
import type { Cache, CacheEntry, SubscribeOptions } from "../cache.ts";
import type { StoreStatus } from "../../status.ts";
import { type BufferedOp, WriteBuffer } from "./write_buffer.ts";
import { RedisSubscriber } from "./subscriber.ts";

/** Options for {@linkcode openRedisCache}. */
export interface RedisCacheOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  url: string;
  log: Logger;
  /** Prefix of every key and channel, to share a server between apps or tests. @default {""} */
  namespace?: string;
  /** Most keys buffered while Redis is down. @default {10000} */
  maxBuffered?: number;
  /** How long the first connection may take before start-up fails. @default {5000} */
  connectTimeoutMs?: number;
  /** Reconnect backoff. @default {{ minDelayMs: 50, maxDelayMs: 2000 }} */
  backoff?: BackoffOptions;
}

const REPLAY_BATCH = 1_000;

/** The Redis {@linkcode Cache}. Create it with {@linkcode openRedisCache}. */
export class RedisCache implements Cache {
  readonly backend = "redis" as const;
  readonly #client: Redis;
  readonly #ns: string;
  readonly #buffer: WriteBuffer;
  readonly #log: Logger;
  readonly #location: string;
  readonly #subscriber: RedisSubscriber;
  #replaying?: Promise<void>;
  #lastError?: string;
  /** Why the last write failed while connected (refused, or past the buffer); cleared by a good write. */
  #writeFailure?: string;
  #closed = false;

  constructor(client: Redis, options: RedisCacheOptions) {
    this.#client = client;
    this.#ns = options.namespace ?? "";
    this.#buffer = new WriteBuffer(options.maxBuffered ?? 10_000);
    this.#log = options.log.child({ store: "cache" });
    this.#location = maskUrl(options.url);
    this.#subscriber = new RedisSubscriber(() => client.duplicate({ enableOfflineQueue: true }), this.#ns);
    client.on("ready", () => {
      this.#lastError = undefined;
      if (this.#buffer.size > 0) {
        this.#log.info("redis reachable again, replaying buffered writes", {
          buffered: this.#buffer.size,
        });
      }
      this.#replay();
    });
    client.on("error", (error: Error) => {
      if (this.#lastError !== error.message) this.#log.warn("redis error", { error: error.message });
      this.#lastError = error.message;
    });
  }

  /** Writes waiting for Redis to come back. */
  get buffered(): number {
    return this.#buffer.size;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.getMany<T>([key]))[0];
  }

  async getMany<T = unknown>(keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const overlay = keys.map((key) => this.#buffered(key));
    const missing = keys.filter((_, i) => overlay[i] === null);
    const fetched = missing.length > 0
      ? await this.#command(() => this.#client.mget(missing.map(this.#k)))
      : [];
    let next = 0;
    return overlay.map((value) => {
      const json = value === null ? fetched[next++] : value;
      return json === undefined || json === null ? undefined : JSON.parse(json) as T;
    });
  }

  set(key: string, value: unknown, options: { ttlSeconds?: number } = {}): Promise<void> {
    return this.setMany([{ key, value, ttlSeconds: options.ttlSeconds }]);
  }

  async setMany(entries: CacheEntry[]): Promise<void> {
    const now = Date.now();
    const ops = entries.map(({ key, value, ttlSeconds }): BufferedOp => {
      if (ttlSeconds !== undefined && !(ttlSeconds > 0 && Number.isFinite(ttlSeconds))) {
        throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
      }
      const json = JSON.stringify(value ?? null);
      return ttlSeconds === undefined ? { kind: "set", key, json } : {
        kind: "set",
        key,
        json,
        expiresAt: now + ttlSeconds * 1000,
      };
    });
    await this.#write(ops);
  }

  async delete(...keys: string[]): Promise<void> {
    await this.#write(keys.map((key) => ({ kind: "delete", key })));
  }

  async keys(prefix: string, limit = Infinity): Promise<string[]> {
    const match = this.#k(escapeGlob(prefix)) + "*";
    const found = new Set<string>();
    let cursor = "0";
    do {
      const [next, batch] = await this.#command(() =>
        this.#client.scan(cursor, "MATCH", match, "COUNT", 1_000)
      );
      cursor = next;
      for (const key of batch) found.add(key.slice(this.#ns.length));
    } while (cursor !== "0" && found.size < limit);
    for (const key of this.#buffer.keysWithPrefix(prefix)) found.add(key);
    return [...found].filter((key) => this.#buffer.get(key)?.kind !== "delete").slice(0, limit);
  }

  async ttl(key: string): Promise<number | undefined> {
    const op = this.#buffer.get(key);
    if (op?.kind === "delete") return undefined;
    if (op?.kind === "set") {
      if (op.expiresAt === undefined) return -1;
      const left = op.expiresAt - Date.now();
      return left > 0 ? Math.ceil(left / 1000) : undefined;
    }
    const ms = await this.#command(() => this.#client.pttl(this.#k(key)));
    return ms === -2 ? undefined : ms === -1 ? -1 : Math.ceil(ms / 1000);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.#command(() => this.#client.publish(this.#ns + channel, JSON.stringify(message ?? null)));
  }

  subscribe(
    channel: string,
    onMessage: (message: unknown) => void,
    options?: SubscribeOptions,
  ): Promise<() => Promise<void>> {
    return this.#subscriber.subscribe(channel, onMessage, options);
  }

  async check(): Promise<StoreStatus> {
    const base = { store: "cache", backend: "Redis", required: true, location: this.#location };
    const buffered = this.#buffer.size;
    const detail = `${buffered} writes buffered (max ${this.#buffer.max})`;
    if (this.#client.status !== "ready") {
      return {
        ...base,
        state: "down",
        error: this.#lastError ?? `connection ${this.#client.status}`,
        detail,
      };
    }
    const started = performance.now();
    try {
      await this.#client.ping();
    } catch (error) {
      return { ...base, state: "down", error: (error as Error).message, detail };
    }
    const latencyMs = performance.now() - started;
    if (this.#writeFailure) {
      return {
        ...base,
        state: "degraded",
        error: `writes refused: ${this.#writeFailure}`,
        latencyMs,
        detail,
      };
    }
    return { ...base, state: buffered > 0 ? "degraded" : "up", latencyMs, detail };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#client.status === "ready") await this.#replaying?.catch(() => {});
    if (this.#buffer.size > 0) {
      this.#log.warn("redis cache closed with writes still buffered", { buffered: this.#buffer.size });
    }
    await this.#subscriber.close();
    if (this.#client.status === "ready") await this.#client.quit().catch(() => {});
    this.#client.disconnect();
  }

  #k = (key: string) => this.#ns + key;

  /** The buffered JSON of `key`, `undefined` if buffered as deleted or expired, `null` if not buffered. */
  #buffered(key: string): string | undefined | null {
    const op = this.#buffer.get(key);
    if (!op) return null;
    if (op.kind === "delete" || (op.expiresAt !== undefined && op.expiresAt <= Date.now())) return undefined;
    return op.json;
  }

  async #write(ops: BufferedOp[]): Promise<void> {
    if (ops.length === 0) return;
    if (this.#closed) throw new Error("The redis cache is closed");
    // Once anything is buffered, later writes queue behind it so a replay never overwrites them.
    if (this.#client.status === "ready" && this.#buffer.size === 0) {
      try {
        return await this.#exec(ops);
      } catch (error) {
        if (isReplyError(error)) throw this.#refused(error);
      }
    }
    try {
      this.#buffer.put(ops);
    } catch (error) {
      throw this.#refused(error);
    }
    if (this.#client.status === "ready") this.#replay();
  }

  /** Sends `ops` as one pipeline; throws the first error. */
  async #exec(ops: BufferedOp[]): Promise<void> {
    const pipeline = this.#client.pipeline();
    const now = Date.now();
    for (const op of ops) {
      if (op.kind === "delete") pipeline.del(this.#k(op.key));
      else if (op.expiresAt === undefined) pipeline.set(this.#k(op.key), op.json);
      else if (op.expiresAt <= now) pipeline.del(this.#k(op.key)); // expired while buffered
      else {
        const ms = op.expiresAt - now;
        if (ms % 1000 === 0) pipeline.set(this.#k(op.key), op.json, "EX", ms / 1000);
        else pipeline.set(this.#k(op.key), op.json, "PX", ms);
      }
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
    this.#writeFailure = undefined;
  }

  /** Remembers a write failure for `check()` (e.g. `OOM command not allowed`), and returns it. */
  #refused(error: unknown): unknown {
    this.#writeFailure = error instanceof Error ? error.message : String(error);
    return error;
  }

  /** Replays the buffer in batches while connected; one replay at a time. */
  #replay(): void {
    if (this.#replaying) return;
    this.#replaying = (async () => {
      while (this.#buffer.size > 0 && this.#client.status === "ready") {
        const batch = this.#buffer.take(REPLAY_BATCH);
        try {
          await this.#exec(batch);
        } catch (error) {
          if (!isReplyError(error)) break; // connection lost again: the next "ready" resumes
          this.#refused(error);
          this.#log.error("redis refused a buffered write; dropping it", { error, key: batch[0]?.key });
        }
        this.#buffer.settle(batch);
      }
    })().finally(() => this.#replaying = undefined);
  }

  async #command<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("The redis cache is closed");
    if (this.#client.status !== "ready") throw this.#unavailable();
    try {
      return await fn();
    } catch (error) {
      if (isReplyError(error)) throw error;
      throw this.#unavailable(error);
    }
  }

  #unavailable(cause?: unknown): StoreUnavailableError {
    const reason = cause instanceof Error
      ? cause.message
      : this.#lastError ?? `connection ${this.#client.status}`;
    return new StoreUnavailableError("cache", `Redis at ${this.#location} is unavailable: ${reason}`, {
      cause,
    });
  }
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

/** Escapes Redis glob characters so a prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`);
}

/**
 * Connects to Redis; the returned cache keeps reconnecting with backoff if the connection drops later.
 *
 * @throws {StoreUnavailableError} when Redis is not reachable within `connectTimeoutMs`.
 */
export async function openRedisCache(options: RedisCacheOptions): Promise<RedisCache> {
  const { url, connectTimeoutMs = 5_000, backoff = { minDelayMs: 50, maxDelayMs: 2_000 } } = options;
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.min(connectTimeoutMs, 5_000),
    retryStrategy: (times: number) => backoffDelay(Math.min(times - 1, 30), backoff),
  });
  const cache = new RedisCache(client, options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    client.disconnect();
    throw new StoreUnavailableError(
      "cache",
      `Redis at ${maskUrl(url)} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  return cache;
}
