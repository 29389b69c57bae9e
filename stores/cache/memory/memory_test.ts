import assert from "node:assert/strict";
import { manualClock } from "../../../core/clock.ts";
import { cacheContract } from "../cache_contract.ts";
import { keys, TTL } from "../cache.ts";
import { EVICTION_WINDOW_MS, openMemoryCache } from "./memory_cache.ts";

cacheContract(() => Promise.resolve(openMemoryCache()), { label: "memory" });

Deno.test("memoryCache.set() expires seed-004 keys exactly at their ttl on the injected clock", async () => {
  const clock = manualClock(1_000_000);
  const cache = openMemoryCache({ clock });
  await cache.set(keys.latest("s1", "power"), 5, { ttlSeconds: TTL.latest });
  await cache.set(keys.dashboard("s1"), { kw: 5 }, { ttlSeconds: TTL.dashboard });
  clock.advance(59_999);
  assert.deepEqual(await cache.get(keys.dashboard("s1")), { kw: 5 });
  clock.advance(1);
  assert.equal(await cache.get(keys.dashboard("s1")), undefined);
  assert.equal(await cache.get(keys.latest("s1", "power")), 5);
  clock.advance(240_000);
  assert.equal(await cache.get(keys.latest("s1", "power")), undefined);
  await cache.close();
});

Deno.test("memoryCache evicts the least recently used key past maxKeys", async () => {
  const cache = openMemoryCache({ maxKeys: 3 });
  await cache.setMany([{ key: "a", value: 1 }, { key: "b", value: 2 }, { key: "c", value: 3 }]);
  await cache.get("a"); // a is now the most recently used; b the least
  await cache.set("d", 4);
  assert.deepEqual(await cache.getMany(["a", "b", "c", "d"]), [1, undefined, 3, 4]);
  assert.equal(cache.evicted, 1);
  assert.equal(cache.size, 3);
  await cache.close();
});

Deno.test("memoryCache never evicts actor live state, and check() says degraded after an eviction", async () => {
  const clock = manualClock(0);
  const cache = openMemoryCache({ maxKeys: 2, clock });
  for (let i = 0; i < 5; i++) await cache.set(keys.actor("ven", `v${i}`), { i });
  await cache.setMany([{ key: "api:a", value: 1 }, { key: "api:b", value: 2 }]);
  assert.equal((await cache.check()).state, "up", "actor states do not count against maxKeys");
  await cache.set("api:c", 3);
  assert.equal(cache.evicted, 1);
  assert.equal(await cache.get("api:a"), undefined);
  const states = await cache.getMany(Array.from({ length: 5 }, (_, i) => keys.actor("ven", `v${i}`)));
  assert.deepEqual(states, [0, 1, 2, 3, 4].map((i) => ({ i })));
  assert.equal((await cache.keys("actor:ven:")).length, 5);
  const status = await cache.check();
  assert.equal(status.state, "degraded");
  assert.match(status.error ?? "", /evicted past maxKeys 2/);
  clock.advance(EVICTION_WINDOW_MS);
  assert.equal((await cache.check()).state, "up", "no eviction in the last 5 min");
  await cache.close();
});

Deno.test("memoryCache drops expired keys before evicting live ones", async () => {
  const clock = manualClock(0);
  const cache = openMemoryCache({ maxKeys: 2, clock });
  await cache.set("old", 1, { ttlSeconds: 1 });
  await cache.set("keep", 2);
  clock.advance(2_000);
  await cache.set("new", 3);
  assert.deepEqual(await cache.getMany(["keep", "new"]), [2, 3]);
  assert.equal(cache.evicted, 0);
  await cache.close();
});

Deno.test("memoryCache.get() returns copies, never the stored object", async () => {
  const cache = openMemoryCache();
  const value = { n: 1 };
  await cache.set("k", value);
  value.n = 2;
  const got = await cache.get<{ n: number }>("k");
  assert.deepEqual(got, { n: 1 });
  got!.n = 3;
  assert.deepEqual(await cache.get("k"), { n: 1 });
  await cache.close();
});

Deno.test("memoryCache.set() rejects a non-positive ttl with RangeError", async () => {
  const cache = openMemoryCache();
  await assert.rejects(cache.set("k", 1, { ttlSeconds: 0 }), RangeError);
  await cache.close();
});

Deno.test("memoryCache refuses use after close()", async () => {
  const cache = openMemoryCache();
  await cache.close();
  await assert.rejects(cache.get("k"), /closed/);
  assert.equal((await cache.check()).state, "down");
});
