/**
 * The VEN and site actors under the real runtime (workers, broker, writer, database): the cache keys
 * and TTLs of seed 004 and domain/live.ts on the in-process cache and, when REDIS_URL is set, on Redis
 * (an unreachable REDIS_URL fails the test); rows in their tables; an ADR event told through
 * `runtime.notify` (completed by the VEN catalog), an answer over MQTT and the delivered shed.
 */
import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { LatestValue, SiteDashboard, VenLiveState } from "../domain/live.ts";
import { topics } from "../domain/telemetry.ts";
import { purgeSessions, type RuntimeFixture, startRuntime, waitFor } from "../actors/runtime_testing.ts";
import type { FakeDocuments } from "../actors/testing.ts";
import { insertMeter, insertSite } from "../actors/site/testing.ts";
import { insertAdrEvent, insertVen, venTelemetry } from "../actors/ven/testing.ts";
import { type Cache, keys } from "../stores/cache/cache.ts";
import { openMemoryCache } from "../stores/cache/memory/memory_cache.ts";
import { openRedisCache } from "../stores/cache/redis/redis_cache.ts";
import { configuredRedisUrl } from "../stores/cache/redis/testing.ts";
import { testBroker } from "../mqtt/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { type PgBackend, pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";

type CacheBackend = { label: string; open(): Promise<Cache> };

const memory: CacheBackend = { label: "in-process cache", open: () => Promise.resolve(openMemoryCache()) };
const redisUrl = configuredRedisUrl();
const redis: CacheBackend | undefined = redisUrl
  ? {
    label: "Redis",
    // a namespace of its own on the shared server; the test deletes what it wrote
    open: () =>
      openRedisCache({ url: redisUrl, log: silentLogger, namespace: `gp-test:${crypto.randomUUID()}:` }),
  }
  : undefined;

const cases: [PgBackend, CacheBackend][] = pgBackends().map((pg) => [pg, memory]);
if (redis) cases.push([pgBackends().at(-1)!, redis]);

/** A site with three meters, two VENs, and an event for the first that started 30 s ago. */
async function world(sql: Sql) {
  const site = await insertSite(sql);
  const meters = {
    CONS: await insertMeter(sql, site, { category: "CONS" }),
    PROD: await insertMeter(sql, site, { category: "PROD" }),
    INJ: await insertMeter(sql, site, { category: "INJ", frequency: "15min" }),
  };
  const [ven, bystander] = [await insertVen(sql), await insertVen(sql)];
  const start = new Date(Date.now() - 30_000).getTime();
  const event = await insertAdrEvent(sql, [ven], {
    start: new Date(start),
    durationS: 3_600,
    status: "active",
  });
  return { site, meters, ven, bystander, start, event };
}
type World = Awaited<ReturnType<typeof world>>;

/** `dashboard:{site}` (60 s) and `latest:{site}:{meter}:{metric}` (300 s), exactly their schemas. */
async function assertSiteCache(rt: RuntimeFixture, cache: Cache, w: World): Promise<void> {
  const now = Date.now();
  for (const [category, kw] of [["CONS", 400], ["PROD", 100], ["INJ", 30]] as const) {
    await rt.publisher.publish(topics.meterMeasurement(w.site, w.meters[category]), {
      ts: now,
      metric: "power",
      value: kw,
    });
  }
  const dashboard = await waitFor(async () => {
    const d = await cache.get<SiteDashboard>(keys.dashboard(w.site));
    return d?.injectionKw === 30 && d;
  }, "the site dashboard");
  assert.deepEqual(SiteDashboard.strict().parse(dashboard), {
    consumptionKw: 400,
    productionKw: 100,
    injectionKw: 30,
    storageKw: 0,
    selfConsumptionRatio: 0.7,
    ts: new Date(now).toISOString(),
  });
  const ttl = await cache.ttl(keys.dashboard(w.site));
  assert.ok(ttl !== undefined && ttl > 50 && ttl <= 60, `dashboard TTL ${ttl}`);
  const latestKeys = (await cache.keys(keys.latest(w.site, ""))).sort();
  assert.deepEqual(latestKeys, Object.values(w.meters).map((m) => `latest:${w.site}:${m}:power`).sort());
  for (const key of latestKeys) {
    const t = await cache.ttl(key);
    assert.ok(t !== undefined && t > 290 && t <= 300, `${key} TTL ${t}`);
    LatestValue.strict().parse(await cache.get(key));
  }
}

/** A meter that is not the site's is refused with that reason. */
async function assertStrangerRefused(rt: RuntimeFixture, w: World): Promise<void> {
  const stranger = crypto.randomUUID();
  await rt.publisher.publish(topics.meterMeasurement(w.site, stranger), {
    ts: Date.now(),
    metric: "power",
    value: 1,
  });
  const reason = `meter ${stranger} is not an active meter of site ${w.site}`;
  const docs = rt.documents as FakeDocuments;
  await waitFor(
    () => [...docs.docs.get("telemetry_events")?.values() ?? []].find((d) => d.reason === reason),
    reason,
  );
}

/** `actor:ven:{id}` (no TTL), the event learned through notify, the answer and the delivered shed. */
async function assertVenEvent(rt: RuntimeFixture, cache: Cache, sql: Sql, w: World): Promise<void> {
  const publish = (topic: string, payload: unknown) => rt.publisher.publish(topic, payload);
  // before the start: 100 kW; the actor hears of the event after, and replays them
  for (const dt of [-20_000, -10_000]) {
    await publish(topics.venTelemetry(w.ven), venTelemetry(w.start + dt, 100));
  }
  await publish(topics.venTelemetry(w.bystander), venTelemetry(Date.now(), 10));
  await waitFor(
    async () => (await cache.get<VenLiveState>(keys.actor("ven", w.ven)))?.status === "online",
    "online",
  );
  await rt.runtime.notify("ven", w.ven, { type: "event.changed", eventId: w.event, status: "active" });
  const state = await waitFor(async () => {
    const s = await cache.get<VenLiveState>(keys.actor("ven", w.ven));
    return s?.activeEvents.length === 1 && s;
  }, "the event in the VEN's live state");
  assert.deepEqual(VenLiveState.strict().parse(state).activeEvents, [w.event]);
  assert.equal(state.status, "online");
  assert.equal(await cache.ttl(keys.actor("ven", w.ven)), -1, "actor-owned: no TTL");
  const other = await waitFor(() => cache.get<VenLiveState>(keys.actor("ven", w.bystander)), "the other VEN");
  assert.deepEqual(other.activeEvents, [], "an event reaches only the VENs it targets");

  await publish(topics.venEventResponse(w.ven, w.event), { opt: "optIn" });
  await publish(topics.venTelemetry(w.ven), venTelemetry(Date.now(), 60));
  const row = await waitFor(async () => {
    const [r] = await sql`select opt, baseline_kw, delivered_shed_kw, samples from adr_participation
      where event_id = ${w.event} and ven_id = ${w.ven}`;
    return r?.opt === "optIn" && r.samples === 1 && r;
  }, "the answer and the delivered shed");
  assert.deepEqual({ ...row }, { opt: "optIn", baseline_kw: 100, delivered_shed_kw: 40, samples: 1 });
  const [{ telemetry }] =
    await sql`select count(*)::int as telemetry from ven_telemetry where ven_id = ${w.ven}`;
  assert.equal(telemetry, 3);
}

for (const [pg, cacheBackend] of cases) {
  Deno.test(`VEN and site actors write the live cache keys with their TTLs, their rows and ADR participation (${cacheBackend.label}, ${pg})`, () =>
    withTestDatabase(pg, async ({ sql }) => {
      const w = await world(sql);
      const broker = await testBroker();
      const cache = await cacheBackend.open();
      const rt = await startRuntime(sql, broker.url, {
        cache,
        workers: 1,
        shards: 4,
        reconcileIntervalMs: 0,
      });
      try {
        await assertSiteCache(rt, cache, w);
        await assertStrangerRefused(rt, w);
        await assertVenEvent(rt, cache, sql, w);
        const [{ n }] = await sql`select count(*)::int as n from measurements where site_id = ${w.site}`;
        assert.equal(n, 3);
      } finally {
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 4);
        await broker.close();
        const left = await cache.keys("").catch(() => []);
        if (cacheBackend === redis && left.length) await cache.delete(...left);
        await cache.close();
      }
    }));
}
