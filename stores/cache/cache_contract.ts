/**
 * The contract every {@linkcode Cache} backend passes: `memory/memory_test.ts` and
 * `redis/redis_test.ts` call {@linkcode cacheContract} with a factory that opens a fresh, isolated
 * cache (its own key namespace), so the same behaviour is asserted on every backend.
 * @module
 */
import assert from "node:assert/strict";
import { type Cache, CHANGES_CHANNEL, keys, TTL } from "./cache.ts";

/** Opens a fresh cache for one test; the suite closes it. */
export type CacheFactory = () => Promise<Cache>;

/** Options for {@linkcode cacheContract}. */
export interface CacheContractOptions {
  /** Added to every test name, e.g. `memory` or `redis 127.0.0.1:6390`. */
  label: string;
  /** Deno.test options shared by every test (e.g. sanitizers). */
  testOptions?: Partial<Deno.TestDefinition>;
}

/** Waits until `predicate` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Registers the cache contract tests for one backend. */
export function cacheContract(open: CacheFactory, { label, testOptions = {} }: CacheContractOptions): void {
  const test = (name: string, fn: (cache: Cache) => Promise<void>) =>
    Deno.test({
      ...testOptions,
      name: `${name} (${label})`,
      fn: async () => {
        const cache = await open();
        try {
          await fn(cache);
        } finally {
          await cache.close();
        }
      },
    });

  test("cache.get() returns undefined for a missing key", async (cache) => {
    assert.equal(await cache.get("nope"), undefined);
  });

  test("cache.set() then get() round-trips JSON values", async (cache) => {
    const value = { mw: 12.5, ok: true, tags: ["a"], nested: { n: null } };
    await cache.set("actor:plant:1", value);
    assert.deepEqual(await cache.get("actor:plant:1"), value);
    await cache.set("actor:plant:1", 7);
    assert.equal(await cache.get("actor:plant:1"), 7);
  });

  test("cache.set() expires a key after its ttl", async (cache) => {
    await cache.set("short", "v", { ttlSeconds: 0.2 });
    assert.equal(await cache.get("short"), "v");
    await eventually(async () => (await cache.get("short")) === undefined, 3_000);
    assert.equal(await cache.ttl("short"), undefined);
  });

  test("cache.ttl() reports seconds left, -1 without ttl, undefined when missing", async (cache) => {
    await cache.set("a", 1, { ttlSeconds: 100 });
    await cache.set("b", 1);
    const left = await cache.ttl("a");
    assert.ok(left !== undefined && left > 98 && left <= 100, `ttl ${left}`);
    assert.equal(await cache.ttl("b"), -1);
    assert.equal(await cache.ttl("c"), undefined);
  });

  test("cache.set() without ttl clears a previous ttl", async (cache) => {
    await cache.set("k", 1, { ttlSeconds: 50 });
    await cache.set("k", 2);
    assert.equal(await cache.ttl("k"), -1);
  });

  test("cache.setMany() writes every entry with its own ttl and getMany() keeps order", async (cache) => {
    await cache.setMany([
      { key: keys.latest("site-1", "power"), value: { v: 1 }, ttlSeconds: TTL.latest },
      { key: keys.dashboard("site-1"), value: { total: 3 }, ttlSeconds: TTL.dashboard },
      { key: "plain", value: "x" },
    ]);
    assert.deepEqual(
      await cache.getMany([keys.dashboard("site-1"), "missing", keys.latest("site-1", "power"), "plain"]),
      [{ total: 3 }, undefined, { v: 1 }, "x"],
    );
    assert.equal(await cache.ttl("plain"), -1);
    await cache.setMany([]);
  });

  test("seed-004 keys: latest:{siteId}:{sensorType} lives 300 s, dashboard:{siteId} 60 s", async (cache) => {
    assert.equal(keys.latest("s1", "temperature"), "latest:s1:temperature");
    assert.equal(keys.dashboard("s1"), "dashboard:s1");
    await cache.set(keys.latest("s1", "temperature"), 21.5, { ttlSeconds: TTL.latest });
    await cache.set(keys.dashboard("s1"), { kw: 10 }, { ttlSeconds: TTL.dashboard });
    const latest = await cache.ttl(keys.latest("s1", "temperature"));
    const dashboard = await cache.ttl(keys.dashboard("s1"));
    assert.ok(latest !== undefined && latest > 295 && latest <= 300, `latest ttl ${latest}`);
    assert.ok(dashboard !== undefined && dashboard > 55 && dashboard <= 60, `dashboard ttl ${dashboard}`);
  });

  test("cache.delete() removes every given key", async (cache) => {
    await cache.setMany([{ key: "d1", value: 1 }, { key: "d2", value: 2 }, { key: "d3", value: 3 }]);
    await cache.delete("d1", "d2", "absent");
    assert.deepEqual(await cache.getMany(["d1", "d2", "d3"]), [undefined, undefined, 3]);
    await cache.delete();
  });

  test("cache.keys() lists keys by prefix, bounded by limit", async (cache) => {
    const entries = Array.from({ length: 30 }, (_, i) => ({ key: `latest:site-9:s${i}`, value: i }));
    await cache.setMany([...entries, { key: "latest:site-10:x", value: 0 }, {
      key: "dashboard:site-9",
      value: 0,
    }]);
    const all = await cache.keys("latest:site-9:");
    assert.deepEqual(all.sort(), entries.map((e) => e.key).sort());
    const some = await cache.keys("latest:", 5);
    assert.equal(some.length, 5);
    for (const key of some) assert.ok(key.startsWith("latest:"));
    assert.deepEqual(await cache.keys("nothing-here:"), []);
  });

  test("cache.keys() treats glob characters in the prefix literally", async (cache) => {
    await cache.setMany([{ key: "api:/plants?x=*", value: 1 }, { key: "api:/plantsZ", value: 2 }]);
    assert.deepEqual(await cache.keys("api:/plants?"), ["api:/plants?x=*"]);
  });

  test("cache.publish() reaches every subscriber of the channel, and only them", async (cache) => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const other: unknown[] = [];
    const unA = await cache.subscribe(CHANGES_CHANNEL, (m) => a.push(m));
    const unB = await cache.subscribe(CHANGES_CHANNEL, (m) => b.push(m));
    const unO = await cache.subscribe("other", (m) => other.push(m));
    await cache.publish(CHANGES_CHANNEL, { kind: "plant", id: "p1", mw: 3 });
    await eventually(() => a.length === 1 && b.length === 1);
    assert.deepEqual(a, [{ kind: "plant", id: "p1", mw: 3 }]);
    await unA();
    await cache.publish(CHANGES_CHANNEL, 2);
    await eventually(() => b.length === 2);
    assert.equal(a.length, 1);
    assert.equal(other.length, 0);
    await unB();
    await unO();
  });

  test("cache.check() reports up with its backend", async (cache) => {
    const status = await cache.check();
    assert.equal(status.store, "cache");
    assert.equal(status.state, "up");
    assert.equal(typeof status.latencyMs, "number");
  });
}
