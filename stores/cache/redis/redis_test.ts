import assert from "node:assert/strict";
import { silentLogger } from "../../../core/log.ts";
import { BackpressureError, StoreUnavailableError } from "../../../core/errors.ts";
import { eventually } from "../cache_contract.ts";
import { cacheContract } from "../cache_contract.ts";
import { keys, TTL } from "../cache.ts";
import { escapeGlob, openRedisCache, type RedisCache } from "./redis_cache.ts";
import { freePort } from "../../../core/local_process.ts";
import { configuredRedisUrl, hasRedisServer, type OwnRedis, startOwnRedis } from "./testing.ts";

const REDIS_URL = configuredRedisUrl();
const OWN = hasRedisServer();

/** Opens a cache in a namespace of its own; closing it deletes the namespace's keys. */
async function isolated(url: string, onClose?: () => Promise<void>): Promise<RedisCache> {
  const cache = await openRedisCache({
    url,
    log: silentLogger,
    namespace: `gp-test:${crypto.randomUUID()}:`,
  });
  const close = cache.close.bind(cache);
  cache.close = async () => {
    try {
      const left = await cache.keys("");
      if (left.length > 0) await cache.delete(...left);
    } catch { /* server already gone */ }
    await close();
    await onClose?.();
  };
  return cache;
}

if (REDIS_URL) {
  cacheContract(() => isolated(REDIS_URL), { label: "redis REDIS_URL" });
}

if (OWN) {
  cacheContract(async () => {
    const server = await startOwnRedis();
    return isolated(server.url, () => server.stop());
  }, { label: "redis own server" });
}

Deno.test("escapeGlob() escapes every Redis glob metacharacter", () => {
  assert.equal(escapeGlob("api:/a?b*c[d]e\\f^g-h"), "api:/a\\?b\\*c\\[d\\]e\\\\f\\^g\\-h");
  assert.equal(escapeGlob("latest:site-1:"), "latest:site\\-1:");
});

Deno.test("openRedisCache() throws StoreUnavailableError naming the masked URL when unreachable", async () => {
  const url = `redis://user:secret@127.0.0.1:${freePort()}`;
  const error = await openRedisCache({ url, log: silentLogger, connectTimeoutMs: 1_000 }).then(
    () => assert.fail("expected a failure"),
    (e) => e,
  );
  assert.ok(error instanceof StoreUnavailableError);
  assert.equal(error.store, "cache");
  assert.match(error.message, /Redis at redis:\/\/user:\*\*\*\*@127\.0\.0\.1:\d+/);
  assert.doesNotMatch(error.message, /secret/);
});

if (OWN) {
  Deno.test("redisCache buffers writes while redis-server is killed and replays them after restart", async () => {
    const server = await startOwnRedis({ durable: true });
    const cache = await openRedisCache({ url: server.url, log: silentLogger, maxBuffered: 500 });
    try {
      await writeThroughOutage(server, cache);
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  Deno.test("redisCache rejects writes with BackpressureError past the buffer bound", async () => {
    const server = await startOwnRedis();
    const cache = await openRedisCache({ url: server.url, log: silentLogger, maxBuffered: 50 });
    try {
      await server.kill();
      await eventually(async () => (await cache.check()).state === "down");
      await cache.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: i })));
      await cache.set("k0", "rewrite of a buffered key costs no slot");
      await assert.rejects(cache.set("k50", 50), BackpressureError);
      await assert.rejects(cache.get("never-written"), StoreUnavailableError);
      await assert.rejects(cache.publish("c", 1), StoreUnavailableError);
      assert.equal(await cache.get("k0"), "rewrite of a buffered key costs no slot");
      assert.equal(cache.buffered, 50);
      await server.restart();
      await eventually(() => cache.buffered === 0, 10_000);
      assert.equal(await cache.get("k49"), 49);
      await cache.set("k50", 50);
    } finally {
      await cache.close();
      await server.stop();
    }
  });
  Deno.test("redisCache.subscribe() that failed while Redis was down leaves no trace: the next subscriber receives messages", async () => {
    const server = await startOwnRedis();
    const cache = await openRedisCache({ url: server.url, log: silentLogger });
    try {
      await server.kill();
      await eventually(async () => (await cache.check()).state === "down");
      await assert.rejects(cache.subscribe("changes", () => {}));
      await server.restart();
      await eventually(async () => (await cache.check()).state === "up", 10_000);
      const received: unknown[] = [];
      const unsubscribe = await cache.subscribe("changes", (m) => received.push(m));
      await cache.publish("changes", { n: 1 });
      await eventually(() => received.length === 1);
      assert.deepEqual(received, [{ n: 1 }]);
      await unsubscribe();
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  Deno.test("redisCache.subscribe() ends every subscription with onInterrupt when the connection is lost", async () => {
    const server = await startOwnRedis();
    const cache = await openRedisCache({ url: server.url, log: silentLogger });
    try {
      const interrupted: Error[] = [];
      const received: unknown[] = [];
      const onInterrupt = (error: Error) => interrupted.push(error);
      const unsubscribe = await cache.subscribe("changes", (m) => received.push(m), { onInterrupt });
      await cache.subscribe("other", () => {}, { onInterrupt });
      await server.kill();
      await eventually(() => interrupted.length === 2);
      assert.ok(interrupted.every((e) => e instanceof StoreUnavailableError));
      await unsubscribe(); // already ended: nothing to do
      await server.restart();
      await eventually(async () => (await cache.check()).state === "up", 10_000);
      const again = await cache.subscribe("changes", (m) => received.push(m));
      await cache.publish("changes", "after");
      await eventually(() => received.length === 1);
      assert.deepEqual(received, ["after"]);
      assert.equal(interrupted.length, 2, "called once per subscription");
      await again();
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  Deno.test("redisCache.check() says degraded with the reason while Redis refuses writes (maxmemory), up after a good write", async () => {
    const server = await startOwnRedis({ args: ["--maxmemory", "3mb", "--maxmemory-policy", "noeviction"] });
    const cache = await openRedisCache({ url: server.url, log: silentLogger });
    try {
      const big = "x".repeat(1_000);
      let refused: Error | undefined;
      for (let i = 0; i < 200 && !refused; i++) {
        await cache.setMany(
          Array.from({ length: 50 }, (_, j) => ({ key: `actor:ven:${i}-${j}`, value: big })),
        )
          .catch((e) => (refused = e));
      }
      assert.match(refused?.message ?? "", /OOM/);
      const status = await cache.check();
      assert.equal(status.state, "degraded");
      assert.match(status.error ?? "", /writes refused: OOM/);
      await cache.delete(...await cache.keys("actor:ven:"));
      await cache.set("actor:ven:small", 1);
      assert.equal((await cache.check()).state, "up");
    } finally {
      await cache.close();
      await server.stop();
    }
  });

  Deno.test("redisCache.check() says degraded past the outage buffer's bound once Redis is back", async () => {
    const server = await startOwnRedis();
    const cache = await openRedisCache({ url: server.url, log: silentLogger, maxBuffered: 5 });
    try {
      await server.kill();
      await eventually(async () => (await cache.check()).state === "down");
      await assert.rejects(cache.setMany(Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: i }))));
      await server.restart();
      await eventually(async () => (await cache.check()).state !== "down", 10_000);
      const status = await cache.check();
      assert.equal(status.state, "degraded");
      assert.match(status.error ?? "", /writes refused: .*buffered/);
      await cache.set("k0", 0);
      assert.equal((await cache.check()).state, "up");
    } finally {
      await cache.close();
      await server.stop();
    }
  });
}

async function writeThroughOutage(server: OwnRedis, cache: RedisCache): Promise<void> {
  const expected = new Map<string, unknown>();
  const write = async (i: number) => {
    const key = keys.latest(`site-${i % 7}`, `sensor-${i}`);
    const value = { i, at: Date.now() };
    await cache.set(key, value, { ttlSeconds: TTL.latest });
    expected.set(key, value);
    // the dashboard key is rewritten constantly: newest value per key must win
    const dashboard = { total: i };
    await cache.set(keys.dashboard("site-0"), dashboard, { ttlSeconds: TTL.dashboard });
    expected.set(keys.dashboard("site-0"), dashboard);
  };
  for (let i = 0; i < 100; i++) await write(i);
  assert.equal((await cache.check()).state, "up");
  await server.kill();
  for (let i = 100; i < 300; i++) await write(i);
  const down = await cache.check();
  assert.equal(down.state, "down");
  assert.ok(cache.buffered > 0, "writes should be buffered");
  assert.match(down.detail ?? "", /writes buffered/);
  await server.restart();
  await eventually(() => cache.buffered === 0, 10_000);
  assert.equal((await cache.check()).state, "up");
  const entries = [...expected];
  const got = await cache.getMany(entries.map(([key]) => key));
  assert.deepEqual(got, entries.map(([, value]) => value));
  const ttl = await cache.ttl(keys.latest(`site-${250 % 7}`, "sensor-250"));
  assert.ok(ttl !== undefined && ttl > 280 && ttl <= 300, `replayed ttl ${ttl}`);
  const dashTtl = await cache.ttl(keys.dashboard("site-0"));
  assert.ok(dashTtl !== undefined && dashTtl > 40 && dashTtl <= 60, `replayed dashboard ttl ${dashTtl}`);
}
