/**
 * Tiny in-test fakes of the cache and documents roles, until the real in-memory cache and PostgreSQL
 * documents store land on main; they record what the runtime wrote.
 * @module
 */
import type { Cache, CacheEntry } from "../stores/cache/cache.ts";
import type { Document, DocumentStore, NewDocument } from "../stores/documents/documents.ts";
import type { StoreStatus } from "../stores/status.ts";
import { allSinks } from "./kinds.ts";
import type { Batch } from "./protocol.ts";
import { appendRow, type SinkRows } from "./sink.ts";

/** A recording cache. */
export interface FakeCache extends Cache {
  entries: Map<string, CacheEntry>;
  published: { channel: string; message: unknown }[];
}

/** A cache that keeps everything in maps (no expiry). */
export function fakeCache(): FakeCache {
  const entries = new Map<string, CacheEntry>();
  const published: { channel: string; message: unknown }[] = [];
  const subscribers = new Map<string, Set<(m: unknown) => void>>();
  const status: StoreStatus = { store: "cache", backend: "test", state: "up", required: false };
  return {
    backend: "memory",
    entries,
    published,
    get: <T>(key: string) => Promise.resolve(entries.get(key)?.value as T | undefined),
    getMany: <T>(keys: string[]) => Promise.resolve(keys.map((k) => entries.get(k)?.value as T | undefined)),
    set: (key, value, options) =>
      Promise.resolve(void entries.set(key, { key, value, ttlSeconds: options?.ttlSeconds })),
    setMany: (list) => Promise.resolve(list.forEach((e) => entries.set(e.key, e))),
    delete: (...keys) => Promise.resolve(keys.forEach((k) => entries.delete(k))),
    keys: (prefix) => Promise.resolve([...entries.keys()].filter((k) => k.startsWith(prefix))),
    ttl: (key) => Promise.resolve(entries.has(key) ? entries.get(key)!.ttlSeconds ?? -1 : undefined),
    publish(channel, message) {
      published.push({ channel, message });
      for (const fn of subscribers.get(channel) ?? []) fn(message);
      return Promise.resolve();
    },
    subscribe(channel, fn) {
      const set = subscribers.get(channel) ?? new Set();
      set.add(fn);
      subscribers.set(channel, set);
      return Promise.resolve(() => Promise.resolve(void set.delete(fn)));
    },
    check: () => Promise.resolve(status),
    close: () => Promise.resolve(),
  };
}

/** A recording documents store. */
export interface FakeDocuments extends DocumentStore {
  docs: Map<string, Map<string, Document>>;
}

/** A documents store in maps (idempotent by id, as the contract says). */
export function fakeDocuments(): FakeDocuments {
  const docs = new Map<string, Map<string, Document>>();
  const collection = (name: string) => docs.get(name) ?? docs.set(name, new Map()).get(name)!;
  return {
    backend: "postgres",
    docs,
    insert(name, list: NewDocument[]) {
      const c = collection(name);
      const ids = list.map((d) => {
        const id = d.id ?? crypto.randomUUID();
        if (!c.has(id)) c.set(id, { ...d, id } as Document);
        return id;
      });
      return Promise.resolve(ids);
    },
    find: (name, query = {}) => {
      const all = [...collection(name).values()].filter((d) =>
        Object.entries(query.where ?? {}).every(([k, v]) => d[k] === v)
      );
      return Promise.resolve(all.slice(0, query.limit ?? 100));
    },
    count: (name) => Promise.resolve(collection(name).size),
    clear: (name) => Promise.resolve(void collection(name).clear()),
    ensureIndexes: () => Promise.resolve(),
    check: () => Promise.resolve({ store: "documents", backend: "test", state: "up", required: false }),
    close: () => Promise.resolve(),
  };
}

/** Inserts a plant row; returns its id. */
export async function insertPlant(
  sql: import("../stores/postgres/client.ts").Sql,
  fields: { name?: string; capacityMw?: number; expectedIntervalS?: number; detection?: unknown } = {},
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into plants (name, asset_type, capacity_mw, expected_interval_s, detection)
    values (${fields.name ?? `plant-${crypto.randomUUID().slice(0, 8)}`}, 'solar', ${
    fields.capacityMw ?? 100
  },
            ${fields.expectedIntervalS ?? 60}, ${sql.json((fields.detection ?? {}) as never)})
    returning id`;
  return row.id;
}

/** Every sink, as the runtime's writer has them. */
export const SINKS = allSinks();
let nextBatch = 1;

/**
 * A worker batch holding `rows` per sink name (counted as accepted plant messages, one per reading),
 * as a worker host would post it to the writer.
 */
export function sinkBatch(
  rows: Record<string, Record<string, unknown>[]>,
  extra: Partial<Batch> = {},
): Batch {
  const sinks: Record<string, SinkRows> = {};
  for (const [name, list] of Object.entries(rows)) {
    const sink = SINKS.find((s) => s.name === name);
    if (!sink) throw new RangeError(`No sink named ${name}`);
    const collected: SinkRows = { count: 0, columns: {} };
    for (const row of list) appendRow(collected, sink.columns, row);
    sinks[name] = collected;
  }
  return {
    id: nextBatch++,
    worker: 0,
    sinks,
    cache: [],
    events: [],
    rejected: [],
    counts: { plant: { accepted: rows.meter_readings?.length ?? 0, rejected: extra.rejected?.length ?? 0 } },
    messages: rows.meter_readings?.length ?? 0,
    firstAt: Date.now(),
    ...extra,
  };
}
