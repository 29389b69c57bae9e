import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { CHANGES_CHANNEL } from "../stores/cache/cache.ts";
import { eventually } from "../stores/cache/cache_contract.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { rollupSources } from "./kinds.ts";
import { RollupRepairer } from "./rollup_repair.ts";
import type { DeadLetter } from "./protocol.ts";
import { fakeCache, fakeDocuments, insertPlant, sinkBatch, SINKS } from "./testing.ts";
import { Writer } from "./writer.ts";

const alert = (plant: string, op: "open" | "resolve", ts: number, id = crypto.randomUUID()) => ({
  op,
  id,
  entity_kind: "plant",
  entity_id: plant,
  plant_id: plant,
  type: "Spike",
  severity: "warning",
  message: "spike",
  metric: "power_mw",
  value: 99,
  baseline: 10,
  threshold: 30,
  dedupe_key: "Spike:power_mw",
  ts,
  details: { why: "test" },
});

for (const backend of pgBackends()) {
  Deno.test(`Writer.submit() writes readings once even when a batch is submitted again (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      const t = Date.UTC(2026, 0, 1);
      const readings = [0, 1, 2].map((i) => ({
        plant_id: plant,
        metric_type: "power_mw",
        ts: t + i * 1000,
        value: i,
      }));
      await Promise.all([
        writer.submit(sinkBatch({ meter_readings: readings })),
        writer.submit(sinkBatch({ meter_readings: readings })),
      ]);
      await writer.submit(sinkBatch({ meter_readings: readings }));
      const [{ n }] = await sql<
        { n: number }[]
      >`select count(*)::int as n from meter_readings where plant_id = ${plant}`;
      assert.equal(n, 3);
      const [log] = await sql<
        { accepted: number }[]
      >`select sum(accepted)::int as accepted from ingestion_log where source = 'mqtt:plant'`; // across a minute boundary
      assert.equal(log.accepted, 9, "the ingestion log counts messages handled, redeliveries included");
      const [first] = await sql<
        { ts: Date }[]
      >`select ts from meter_readings where plant_id = ${plant} order by ts limit 1`;
      assert.equal(first.ts.getTime(), t, "millisecond timestamps survive");
    }));

  Deno.test(`Writer alerts sink: a repeated open bumps, resolve closes, a later open starts a new alert (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      const t = Date.UTC(2026, 0, 1);
      const id = crypto.randomUUID();
      await writer.submit(
        sinkBatch({ alerts: [alert(plant, "open", t, id), alert(plant, "open", t + 1000, id)] }),
      );
      await writer.submit(sinkBatch({ alerts: [alert(plant, "open", t + 2000, id)] }));
      let rows = await sql<{ id: string; occurrences: number; last_seen_at: Date; state: string }[]>`
        select id, occurrences, last_seen_at, state from alerts where plant_id = ${plant}`;
      assert.equal(rows.length, 1);
      assert.deepEqual([rows[0].id, rows[0].occurrences, rows[0].last_seen_at.getTime(), rows[0].state], [
        id,
        3,
        t + 2000,
        "open",
      ]);
      // open + resolve + open of one key in one batch: written in phases, in order
      await writer.submit(
        sinkBatch({ alerts: [alert(plant, "resolve", t + 3000), alert(plant, "open", t + 4000, id)] }),
      );
      rows =
        await sql`select id, occurrences, last_seen_at, state from alerts where plant_id = ${plant} order by ts`;
      assert.deepEqual(rows.map((r) => r.state), ["resolved", "open"]);
      assert.notEqual(rows[1].id, id, "a taken id is replaced by a fresh one");
    }));

  Deno.test(`Writer rollups sink: exact buckets are upserted, inexact ones queued and recomputed apart (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      const minute = Date.UTC(2026, 0, 1, 10, 0);
      const readings = [5, 1, 9].map((v, i) => ({
        plant_id: plant,
        metric_type: "power_mw",
        ts: minute + i * 10_000,
        value: v,
      }));
      const rollup = (exact: boolean, width = "1m") => ({
        series: "plant",
        entity_id: plant,
        metric: "power_mw",
        width,
        bucket: minute,
        exact,
        min: 1,
        max: 5,
        sum: 6,
        count: 2,
        last: 1,
        lastTs: minute + 10_000,
      });
      await writer.submit(sinkBatch({ meter_readings: readings, rollups: [rollup(true)] }));
      const read = async (table = "rollup_1m") =>
        (await sql<{ min: number; max: number; count: number; avg: number; last: number }[]>`
          select min, max, count, avg, last from ${sql(table)} where entity_id = ${plant}`).map((r) => ({
          ...r,
        }));
      assert.deepEqual(
        await read(),
        [{ min: 1, max: 5, count: 2, avg: 3, last: 1 }],
        "exact: as the actor computed it",
      );

      // inexact: the commit only queues the bucket (twice in a row: still one entry)
      await writer.submit(sinkBatch({ rollups: [rollup(false), rollup(false, "10m")] }));
      await writer.submit(sinkBatch({ rollups: [rollup(false)] }));
      assert.deepEqual(
        await read(),
        [{ min: 1, max: 5, count: 2, avg: 3, last: 1 }],
        "not recomputed in the commit",
      );
      const queued = await sql<{ width: string; bucket: Date }[]>`
        select width, bucket from rollup_recompute where entity_id = ${plant} order by width`;
      assert.deepEqual(queued.map((q) => [q.width, q.bucket.getTime()]), [["10m", minute], ["1m", minute]]);

      const repairer = new RollupRepairer({ sql, sources: rollupSources(), log: silentLogger });
      assert.equal(await repairer.drain(), 2);
      const recomputed = { min: 1, max: 9, count: 3, avg: 5, last: 9 };
      assert.deepEqual(await read(), [recomputed], "recomputed from meter_readings");
      assert.deepEqual(await read("rollup_10m"), [recomputed]);
      assert.equal(
        (await sql`select 1 from rollup_recompute where entity_id = ${plant}`).length,
        0,
        "dequeued",
      );
      assert.equal(repairer.stats().recomputed, 2);
    }));

  Deno.test(`Writer sends dead letters to telemetry_events and live state to the cache after the commit (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const cache = fakeCache();
      const documents = fakeDocuments();
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, cache, documents });
      const letter: DeadLetter = {
        uid: crypto.randomUUID(),
        topic: "gridpulse/plants/x/telemetry",
        reason: "unknown topic",
        payload: "{}",
        receivedAt: Date.now(),
      };
      const b = sinkBatch({}, {
        rejected: [letter],
        cache: [{ key: "actor:plant:1", value: { status: "ok" }, ttlSeconds: 300 }],
        events: [{ type: "state", kind: "plant", id: "1", status: "ok" }],
        counts: { unknown: { accepted: 0, rejected: 1 } },
        messages: 1,
      });
      await writer.submit(b);
      await writer.submit(b); // resent: the dead letter is stored once
      const events = documents.docs.get("telemetry_events")!;
      assert.equal(events.size, 1);
      assert.equal(events.get(letter.uid)!.reason, "unknown topic");
      assert.equal(cache.entries.get("actor:plant:1")!.ttlSeconds, 300);
      assert.equal(cache.published[0].channel, CHANGES_CHANNEL);
      const [log] = await sql<
        { rejected: number }[]
      >`select rejected from ingestion_log where source = 'mqtt:unknown'`;
      assert.equal(log.rejected, 2);
    }));

  Deno.test(`Writer skips readings of a deleted plant instead of failing the commit (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      const gone = crypto.randomUUID();
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      await writer.submit(sinkBatch({
        meter_readings: [
          { plant_id: plant, metric_type: "power_mw", ts: Date.now(), value: 1 },
          { plant_id: gone, metric_type: "power_mw", ts: Date.now(), value: 1 },
        ],
        alerts: [alert(gone, "open", Date.now())],
      }));
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from meter_readings`;
      assert.equal(n, 1);
      assert.equal(writer.stats().failures, 0);
    }));
}

Deno.test("Writer keeps readings flowing while the documents store is down and acks dead letters once stored", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const plant = await insertPlant(sql);
    const documents = fakeDocuments();
    let down = true;
    const insert = documents.insert.bind(documents);
    documents.insert = (
      name,
      docs,
    ) => (down ? Promise.reject(new Error("documents store down")) : insert(name, docs));
    const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, documents });
    const letter: DeadLetter = {
      uid: crypto.randomUUID(),
      topic: "t",
      reason: "unknown topic",
      payload: "",
      receivedAt: Date.now(),
    };
    let rejectedAcked = false;
    const withLetter = writer.submit(sinkBatch({}, { rejected: [letter], messages: 1 })).then(
      () => (rejectedAcked = true),
    );
    await writer.submit(
      sinkBatch({ meter_readings: [{ plant_id: plant, metric_type: "power_mw", ts: Date.now(), value: 1 }] }),
    );
    assert.equal(rejectedAcked, false, "not acknowledged while its dead letter is not stored");
    down = false;
    await withLetter;
    assert.equal(documents.docs.get("telemetry_events")?.size, 1);
  }));

/** A recording cache that refuses writes, deletes and publishes (as Redis at `maxmemory`) while `refusing`. */
function refusingCache() {
  const cache = fakeCache();
  const control = { refusing: true };
  const oom = () => Object.assign(new Error("OOM command not allowed"), { name: "ReplyError" });
  const { setMany, delete: del, publish } = cache;
  cache.setMany = (entries) => control.refusing ? Promise.reject(oom()) : setMany(entries);
  cache.delete = (...keys) => control.refusing ? Promise.reject(oom()) : del(...keys);
  cache.publish = (channel, message) => control.refusing ? Promise.reject(oom()) : publish(channel, message);
  return { cache, control };
}

Deno.test("Writer sends live state the cache refused again once it takes writes: newest value per key, TTL left", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const { cache, control } = refusingCache();
    const writer = new Writer({
      sql,
      sinks: SINKS,
      log: silentLogger,
      cache,
      liveRetry: { minDelayMs: 20, maxDelayMs: 50 },
    });
    try {
      const live = (v: number) =>
        sinkBatch({}, {
          cache: [
            { key: "actor:ven:1", value: { v } },
            { key: "actor:plant:1", value: { v }, ttlSeconds: 300 },
          ],
          events: [{ type: "state", kind: "ven", id: "1", status: "offline" }],
        });
      await writer.submit(live(1));
      await writer.submit(sinkBatch({}, { cache: [{ key: "actor:ven:1", value: { v: 2 } }] }));
      let stats = writer.stats();
      assert.equal(stats.cacheFailures, 2);
      assert.equal(stats.cacheUnwritten, 2);
      assert.equal(stats.eventsDropped, 1);
      assert.equal(stats.failures, 0, "the commits themselves succeeded");
      control.refusing = false;
      await eventually(() => writer.stats().cacheUnwritten === 0);
      assert.deepEqual(cache.entries.get("actor:ven:1")!.value, { v: 2 });
      assert.deepEqual(cache.entries.get("actor:plant:1")!.value, { v: 1 });
      const ttl = cache.entries.get("actor:plant:1")!.ttlSeconds!;
      assert.ok(ttl > 290 && ttl < 300, `what is left of the TTL, got ${ttl}`);
      stats = writer.stats();
      assert.equal(stats.cacheFailures, 2, "no failure once the cache took the writes");
    } finally {
      writer.stop();
    }
  }));

Deno.test("Writer.deleteLive() waits for the batches submitted before it: the actor's last value never lands after the delete", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const cache = fakeCache();
    const { setMany } = cache;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    let writing!: () => void;
    const started = new Promise<void>((resolve) => writing = resolve);
    cache.setMany = async (entries) => { // the last batch's live-state write is slow
      writing();
      await gate;
      return setMany(entries);
    };
    const writer = new Writer({ sql, sinks: SINKS, log: silentLogger, cache });
    try {
      const last = writer.submit(sinkBatch({}, { cache: [{ key: "actor:plant:gone", value: { v: 1 } }] }));
      await started;
      let deleted = false;
      const deleting = writer.deleteLive("actor:plant:gone").then(() => deleted = true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(deleted, false, "the delete waits for the write before it");
      release();
      await Promise.all([last, deleting]);
      assert.equal(cache.entries.has("actor:plant:gone"), false);
      await writer.idle();
    } finally {
      writer.stop();
    }
  }));

Deno.test("Writer.deleteLive() sends a refused delete again, and a refused write of the key never lands after it", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const { cache, control } = refusingCache();
    const writer = new Writer({
      sql,
      sinks: SINKS,
      log: silentLogger,
      cache,
      liveRetry: { minDelayMs: 20, maxDelayMs: 50 },
    });
    try {
      control.refusing = false;
      await writer.submit(sinkBatch({}, { cache: [{ key: "actor:ven:gone", value: { v: 1 } }] }));
      control.refusing = true;
      await writer.submit(sinkBatch({}, { cache: [{ key: "actor:ven:gone", value: { v: 2 } }] }));
      await writer.deleteLive("actor:ven:gone");
      assert.equal(writer.stats().cacheUnwritten, 1);
      control.refusing = false;
      await eventually(() => writer.stats().cacheUnwritten === 0);
      assert.equal(cache.entries.has("actor:ven:gone"), false);
    } finally {
      writer.stop();
    }
  }));
