/**
 * Fault tests of the actor runtime against a private Mosquitto (repo test config, spare port) and
 * PostgreSQL (embedded, and the DATABASE_URL server when set): a worker killed mid-stream, a worker
 * that keeps crashing, slow writes, a broker restart. Each counts what was published against what
 * `meter_readings` holds.
 */
import assert from "node:assert/strict";
import { createLogger } from "../core/log.ts";
import { startMosquitto } from "../mqtt/testing.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { countReadings, type RuntimeFixture, startRuntime, waitFor } from "../actors/runtime_testing.ts";

async function insertPlants(sql: Sql, n: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    insert into plants (name, asset_type, capacity_mw, expected_interval_s)
    select 'fault-' || g || '-' || gen_random_uuid(), 'wind', 1e6, 3600 from generate_series(1, ${n}) g returning id`;
  return rows.map((r) => r.id);
}

/** Publishes `count` readings round-robin over `plants` (1 s apart per plant); calls `at(i)` on the way. */
async function publishAll(
  rt: RuntimeFixture,
  plants: string[],
  count: number,
  at: (i: number) => void = () => {},
) {
  const t0 = Date.UTC(2026, 0, 1);
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    at(i);
    const plant = plants[i % plants.length];
    sends.push(rt.send(plant, { ts: t0 + Math.floor(i / plants.length) * 1000, mw: 10 + (i % 5) }));
    if (sends.length >= 500) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
}

/**
 * Every closed 1m rollup equals the aggregate of the stored readings, once the runtime's rollup repairer
 * has recomputed what the crashes made inexact.
 */
async function assertRollupsMatchReadings(sql: Sql, plants: string[]) {
  await waitFor(
    async () => (await sql`select 1 from rollup_recompute limit 1`).length === 0,
    "no rollup bucket queued for recompute",
  );
  const wrong = await sql`
    select r.entity_id, r.bucket from rollup_1m r
    join lateral (select min(value) as min, max(value) as max, sum(value) as sum, count(*)::int as count
                  from meter_readings m
                  where m.plant_id = r.entity_id and m.metric_type = r.metric
                    and m.ts >= r.bucket and m.ts < r.bucket + interval '1 minute') m on true
    where r.entity_id = any(${plants}::uuid[])
      and (r.min <> m.min or r.max <> m.max or r.sum <> m.sum or r.count <> m.count)`;
  assert.equal(wrong.length, 0, `rollups differ from the readings: ${JSON.stringify(wrong.slice(0, 3))}`);
}

for (const backend of pgBackends()) {
  Deno.test(`runtime stores 10,000 QoS 1 readings exactly once while workers are killed mid-stream (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await startMosquitto();
      const plants = await insertPlants(sql, 100);
      const rt = await startRuntime(sql, broker.url, { workers: 2, shards: 8 });
      try {
        await publishAll(rt, plants, 10_000, (i) => {
          if (i === 3_000) rt.runtime.faults.crashWorker(0, "error"); // uncaught error in the worker
          if (i === 6_000) rt.runtime.faults.crashWorker(1, "terminate"); // killed outright
        });
        await waitFor(
          async () => (await countReadings(sql, plants)) >= 10_000,
          "10,000 readings",
          60_000,
          100,
        );
        await new Promise((r) => setTimeout(r, 300)); // redeliveries still in flight would show up as extra rows
        assert.equal(await countReadings(sql, plants), 10_000);
        const [{ distinct }] = await sql<{ distinct: number }[]>`
          select count(distinct (plant_id, ts))::int as distinct from meter_readings where plant_id = any(${plants}::uuid[])`;
        assert.equal(distinct, 10_000);
        assert.ok(rt.runtime.stats().workerRestarts >= 2, "both workers were restarted");
        await waitFor(() => rt.runtime.stats().workersAlive === 2, "both workers back");
        await assertRollupsMatchReadings(sql, plants);
      } finally {
        await rt.stop();
        await broker.close();
      }
    }));

  Deno.test(`backpressure: with slow writes the mailboxes stay bounded and no message is lost (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await startMosquitto();
      const plants = await insertPlants(sql, 20);
      // every insert statement into meter_readings takes 100 ms more
      await sql.unsafe(`
        create function slow_down() returns trigger language plpgsql as $$ begin perform pg_sleep(0.1); return null; end $$;
        create trigger slow_readings after insert on meter_readings for each statement execute function slow_down();`);
      const mailboxSize = 40;
      const rt = await startRuntime(sql, broker.url, {
        workers: 2,
        shards: 4,
        mailboxSize,
        batchMaxMessages: 20,
      });
      let maxDepth = 0;
      let maxQueued = 0;
      const sampler = setInterval(() => {
        for (const line of rt.runtime.metrics().split("\n")) {
          const depth = /^gridpulse_mailbox_depth\{[^}]*\} (\d+)$/.exec(line);
          if (depth) maxDepth = Math.max(maxDepth, Number(depth[1]));
          const queued = /^gridpulse_write_queue_messages (\d+)$/.exec(line);
          if (queued) maxQueued = Math.max(maxQueued, Number(queued[1]));
        }
      }, 20);
      try {
        await publishAll(rt, plants, 2_000);
        await waitFor(async () => (await countReadings(sql, plants)) >= 2_000, "2,000 readings", 60_000, 100);
        assert.equal(await countReadings(sql, plants), 2_000);
        assert.ok(maxDepth > 0 && maxDepth <= mailboxSize, `mailbox depth ${maxDepth} within ${mailboxSize}`);
        assert.ok(maxQueued <= 4 * mailboxSize, `writer queue ${maxQueued} within shards x mailbox`);
      } finally {
        clearInterval(sampler);
        await rt.stop();
        await broker.close();
      }
    }));

  Deno.test(`runtime loses nothing when the broker restarts mid-stream (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await startMosquitto({ persistence: true });
      const plants = await insertPlants(sql, 50);
      const rt = await startRuntime(sql, broker.url, { workers: 2, shards: 4 });
      try {
        let restarted: Promise<void> | undefined;
        await publishAll(rt, plants, 4_000, (i) => {
          if (i === 1_500) {
            restarted = broker.stop().then(() => new Promise((r) => setTimeout(r, 300))).then(() =>
              broker.start()
            );
          }
        });
        await restarted;
        await waitFor(async () => (await countReadings(sql, plants)) >= 4_000, "4,000 readings", 60_000, 100);
        assert.equal(await countReadings(sql, plants), 4_000);
      } finally {
        await rt.stop();
        await broker.close();
      }
    }));
}

Deno.test("a worker that keeps crashing hits the restart intensity and is reported, not retried for ever", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await startMosquitto();
    const lines: string[] = [];
    const log = createLogger({ level: "error", write: (line) => lines.push(line) });
    const rt = await startRuntime(sql, broker.url, {
      workers: 1,
      shards: 2,
      workerUrl: new URL("./fixtures/crashing_worker.ts", import.meta.url),
      restartBackoff: { minDelayMs: 10, maxDelayMs: 50 },
      log,
      waitReady: false,
    });
    try {
      await waitFor(() => rt.runtime.stats().state === "failed", "the runtime to fail", 20_000);
      const status = rt.runtime.check();
      assert.equal(status.state, "down");
      assert.match(status.error ?? "", /restart intensity 5 in 60 s/);
      assert.match(status.error ?? "", /crashes on start/);
      assert.equal(rt.runtime.stats().workerRestarts, 5);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rt.runtime.stats().workerRestarts, 5, "no restart after giving up");
      assert.ok(
        lines.some((l) => l.includes('"msg":"worker given up"') && l.includes("restart intensity")),
        "the log says why",
      );
    } finally {
      await rt.stop();
      await broker.close();
    }
  }));
