/**
 * The cache role: live actor state, seed-004 key patterns, API response cache and the change pub/sub
 * the web layer streams. Implementations: `redis/` (ioredis, when `REDIS_URL` is set) and `memory/`
 * (in-process). Both pass `cache_contract.ts`.
 *
 * Key patterns (seed 004):
 * - `latest:{siteId}:{sensorType}`: latest value per sensor, TTL {@linkcode TTL.latest}
 * - `dashboard:{siteId}`: site totals, TTL {@linkcode TTL.dashboard}
 * - `actor:{kind}:{id}`: per-actor live state (last value, baseline, status, open alerts)
 * - `api:{path}`: API response cache
 * @module
 */
import type { StoreStatus } from "../status.ts";

/** Seed-004 TTLs in seconds. */
export const TTL = {
  /** Latest sensor values: 5 min. */
  latest: 300,
  /** Dashboard aggregates: 1 min. */
  dashboard: 60,
  /** API response cache: 5 min. */
  api: 300,
  /** Alert state: 5 min. */
  alert: 300,
} as const;

/** Cache key builders, so the patterns live in one place. */
export const keys = {
  latest: (siteId: string, sensorType: string) => `latest:${siteId}:${sensorType}`,
  dashboard: (siteId: string) => `dashboard:${siteId}`,
  actor: (kind: string, id: string) => `actor:${kind}:${id}`,
  api: (path: string) => `api:${path}`,
} as const;

/** The pub/sub channel of actor state changes and new alerts. */
export const CHANGES_CHANNEL = "gridpulse:changes";

/** One entry for {@linkcode Cache.setMany}. */
export interface CacheEntry {
  key: string;
  /** Any JSON-serialisable value. */
  value: unknown;
  /** Expiry in seconds; none when absent. */
  ttlSeconds?: number;
}

/** Options for {@linkcode Cache.subscribe}. */
export interface SubscribeOptions {
  /**
   * Called once if the subscription ends without being asked to: the backend's pub/sub connection was
   * lost, so messages published meanwhile are missed. Its unsubscribe then does nothing; subscribe
   * again to receive messages. (The in-process cache never loses messages and never calls it.)
   */
  onInterrupt?(error: Error): void;
}

/**
 * A key-value cache with TTLs and pub/sub. Values are JSON-serialised; `get` returns `undefined` for a
 * missing or expired key. Writes while the backend is unreachable are buffered within a bound (newest
 * value per key wins) and replayed on reconnect; past the bound they reject with `BackpressureError`.
 */
export interface Cache {
  readonly backend: "redis" | "memory";
  get<T = unknown>(key: string): Promise<T | undefined>;
  getMany<T = unknown>(keys: string[]): Promise<(T | undefined)[]>;
  set(key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void>;
  /** Writes many entries in one round trip. */
  setMany(entries: CacheEntry[]): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Keys starting with `prefix` (SCAN, never KEYS), at most `limit`. */
  keys(prefix: string, limit?: number): Promise<string[]>;
  /** Seconds until `key` expires; `undefined` when missing, `-1` when it has no TTL. */
  ttl(key: string): Promise<number | undefined>;
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Calls `onMessage` for every message on `channel`; resolves, once the backend confirmed the
   * subscription, to an unsubscribe function. A subscription that failed leaves nothing registered.
   */
  subscribe(
    channel: string,
    onMessage: (message: unknown) => void,
    options?: SubscribeOptions,
  ): Promise<() => Promise<void>>;
  check(): Promise<StoreStatus>;
  close(): Promise<void>;
}
