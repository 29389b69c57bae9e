/**
 * The in-process cache: the default when `REDIS_URL` is not set. Same semantics as Redis for what the
 * {@linkcode Cache} interface exposes: values are stored as JSON (callers get copies, never shared
 * objects), TTLs expire keys, and pub/sub fans out to every subscriber of a channel asynchronously.
 *
 * Memory is bounded by a key count: past `maxKeys`, expired keys are dropped first, then the least
 * recently used keys (reads and writes both count as use). Expiry is lazy (checked on access, and
 * swept when the bound is reached), so the cache owns no timers and needs no background work.
 *
 * Actor live state (`actor:` keys) is never evicted and does not count against `maxKeys`: its owner
 * writes it only when it changes, and a VEN's state is read from the cache only, so an evicted key
 * would make a quiet actor vanish from the API until it changes again. Those keys are bounded by the
 * number of actors (the runtime deletes them with their actor). An eviction makes `check()` say
 * `degraded` for {@linkcode EVICTION_WINDOW_MS}: a seed-004 value (`latest:`, `dashboard:`) or an API
 * response was dropped early, and `maxKeys` is too small for the load.
 *
 * @example
 * ```ts
 * import { openMemoryCache } from "./stores/cache/memory/memory_cache.ts";
 * const cache = openMemoryCache();
 * await cache.set("latest:site-1:power", 12, { ttlSeconds: 300 });
 * console.log(await cache.get("latest:site-1:power"));
 * await cache.close();
 * ```
 * @module
 */
import { type Clock, systemClock } from "../../../core/clock.ts";
import type { Cache, CacheEntry } from "../cache.ts";
import type { StoreStatus } from "../../status.ts";

/** How long `check()` says `degraded` after an eviction: the longest seed-004 TTL. */
export const EVICTION_WINDOW_MS = 300_000;

/** Prefix of the actor live-state keys, which are never evicted. */
const OWNED_PREFIX = "actor:";

/** Options for {@linkcode openMemoryCache}. */
export interface MemoryCacheOptions {
  /**
   * Most keys held at once, `actor:` keys not counted; past it the least recently used are evicted.
   * @default {100000}
   */
  maxKeys?: number;
  /** Time source for TTLs (tests pass a manual clock). @default {systemClock} */
  clock?: Clock;
}

interface Slot {
  json: string;
  /** Epoch ms; undefined: no TTL. */
  expiresAt?: number;
}

/** A channel message as an Event, so fan-out is the platform's EventTarget. */
class ChannelMessage extends Event {
  constructor(channel: string, readonly json: string) {
    super(channel);
  }
}

/** The in-process {@linkcode Cache}. */
export class MemoryCache implements Cache {
  readonly backend = "memory" as const;
  /** Evictable keys in LRU order. */
  readonly #slots = new Map<string, Slot>();
  /** Actor live state: never evicted. */
  readonly #owned = new Map<string, Slot>();
  readonly #bus = new EventTarget();
  readonly #maxKeys: number;
  readonly #clock: Clock;
  #closed = false;
  #evicted = 0;
  #lastEvictedAt?: number;

  constructor(options: MemoryCacheOptions = {}) {
    const { maxKeys = 100_000, clock = systemClock } = options;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`maxKeys must be >= 1, got ${maxKeys}`);
    }
    this.#maxKeys = maxKeys;
    this.#clock = clock;
  }

  /** Keys evicted by the bound since start (not counting expiries). */
  get evicted(): number {
    return this.#evicted;
  }

  /** Keys currently held, expired ones not yet swept included. */
  get size(): number {
    return this.#slots.size + this.#owned.size;
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.#run(() => this.#read<T>(key));
  }

  getMany<T = unknown>(keys: string[]): Promise<(T | undefined)[]> {
    return this.#run(() => keys.map((key) => this.#read<T>(key)));
  }

  set(key: string, value: unknown, options: { ttlSeconds?: number } = {}): Promise<void> {
    return this.#run(() => this.#write({ key, value, ttlSeconds: options.ttlSeconds }));
  }

  setMany(entries: CacheEntry[]): Promise<void> {
    return this.#run(() => {
      for (const entry of entries) validTtl(entry.ttlSeconds);
      for (const entry of entries) this.#write(entry);
    });
  }

  delete(...keys: string[]): Promise<void> {
    return this.#run(() => {
      for (const key of keys) this.#map(key).delete(key);
    });
  }

  keys(prefix: string, limit = Infinity): Promise<string[]> {
    return this.#run(() => {
      const now = this.#clock.now();
      const out: string[] = [];
      for (const slots of [this.#owned, this.#slots]) {
        for (const [key, slot] of slots) {
          if (out.length >= limit) break;
          if (key.startsWith(prefix) && !expired(slot, now)) out.push(key);
        }
      }
      return out;
    });
  }

  ttl(key: string): Promise<number | undefined> {
    return this.#run(() => {
      const slot = this.#live(key);
      if (!slot) return undefined;
      if (slot.expiresAt === undefined) return -1;
      return Math.max(0, Math.ceil((slot.expiresAt - this.#clock.now()) / 1000));
    });
  }

  publish(channel: string, message: unknown): Promise<void> {
    return this.#run(() => {
      const event = new ChannelMessage(channel, JSON.stringify(message ?? null));
      // Delivered after the caller's turn, as a Redis subscriber would receive it.
      queueMicrotask(() => this.#bus.dispatchEvent(event));
    });
  }

  subscribe(channel: string, onMessage: (message: unknown) => void): Promise<() => Promise<void>> {
    return this.#run(() => {
      const listener = (event: Event) => onMessage(JSON.parse((event as ChannelMessage).json));
      this.#bus.addEventListener(channel, listener);
      return () => {
        this.#bus.removeEventListener(channel, listener);
        return Promise.resolve();
      };
    });
  }

  check(): Promise<StoreStatus> {
    const evicting = this.#lastEvictedAt !== undefined &&
      this.#clock.now() - this.#lastEvictedAt < EVICTION_WINDOW_MS;
    return Promise.resolve({
      store: "cache",
      backend: "in-process",
      state: this.#closed ? "down" : evicting ? "degraded" : "up",
      required: true,
      latencyMs: 0,
      location: "memory",
      ...(evicting && !this.#closed
        ? {
          error: `keys evicted past maxKeys ${this.#maxKeys} in the last ${EVICTION_WINDOW_MS / 60_000} min`,
        }
        : {}),
      detail: `${this.#slots.size} keys (max ${this.#maxKeys}) and ${this.#owned.size} actor states, ` +
        `${this.#evicted} evicted`,
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#slots.clear();
    this.#owned.clear();
    return Promise.resolve();
  }

  /** Runs a synchronous operation as the interface's promise: errors become rejections. */
  #run<T>(fn: () => T): Promise<T> {
    try {
      if (this.#closed) throw new Error("The memory cache is closed");
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #map(key: string): Map<string, Slot> {
    return key.startsWith(OWNED_PREFIX) ? this.#owned : this.#slots;
  }

  #live(key: string): Slot | undefined {
    const slots = this.#map(key);
    const slot = slots.get(key);
    if (!slot) return undefined;
    if (expired(slot, this.#clock.now())) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  }

  #read<T>(key: string): T | undefined {
    const slot = this.#live(key);
    if (!slot) return undefined;
    // Map order is our LRU order: re-inserting marks the key most recently used.
    if (this.#map(key) === this.#slots) {
      this.#slots.delete(key);
      this.#slots.set(key, slot);
    }
    return JSON.parse(slot.json) as T;
  }

  #write({ key, value, ttlSeconds }: CacheEntry): void {
    validTtl(ttlSeconds);
    const slot: Slot = { json: JSON.stringify(value ?? null) };
    if (ttlSeconds !== undefined) slot.expiresAt = this.#clock.now() + ttlSeconds * 1000;
    const slots = this.#map(key);
    slots.delete(key);
    slots.set(key, slot);
    if (this.#slots.size > this.#maxKeys) this.#evict();
  }

  #evict(): void {
    const now = this.#clock.now();
    for (const [key, slot] of this.#slots) if (expired(slot, now)) this.#slots.delete(key);
    for (const key of this.#slots.keys()) {
      if (this.#slots.size <= this.#maxKeys) break;
      this.#slots.delete(key);
      this.#evicted++;
      this.#lastEvictedAt = now;
    }
  }
}

function validTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && !(ttlSeconds > 0 && Number.isFinite(ttlSeconds))) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
}

function expired(slot: Slot, now: number): boolean {
  return slot.expiresAt !== undefined && slot.expiresAt <= now;
}

/** Opens an in-process {@linkcode Cache}. */
export function openMemoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  return new MemoryCache(options);
}
