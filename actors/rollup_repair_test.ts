import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { rollupSources } from "./kinds.ts";
import { RollupRepairer } from "./rollup_repair.ts";
import { recomputeBuckets } from "./sinks/rollups.ts";
import { insertPlant, sinkBatch, SINKS } from "./testing.ts";
import { Writer } from "./writer.ts";
import { waitFor } from "./runtime_testing.ts";

const MINUTE = Date.UTC(2026, 0, 1, 10, 0);

/** Readings `values` 1 s apart from `start`, and an inexact 1m rollup row for each minute they touch. */
function batch(plant: string, start: number, values: number[]) {
  const readings = values.map((value, i) => ({
    plant_id: plant,
    metric_type: "power_mw",
    ts: start + i * 1000,
    value,
  }));
  const minutes = new Set(readings.map((r) => Math.floor(r.ts / 60_000) * 60_000));
  const rollups = [...minutes].map((bucket) => ({
    series: "plant",
    entity_id: plant,
    metric: "power_mw",
    width: "1m",
    bucket,
    exact: false,
    min: 0,
    max: 0,
    sum: 0,
    count: 1,
    last: 0,
    lastTs: bucket,
  }));
  return sinkBatch({ meter_readings: readings, rollups });
}

/** Every 1m rollup row of `plant` equals the aggregate of its readings. */
async function wrongRollups(sql: Sql, plant: string): Promise<number> {
  const rows = await sql`
    select r.bucket from rollup_1m r
    join lateral (select min(value) as min, max(value) as max, sum(value) as sum, count(*)::int as count
                  from meter_readings m where m.plant_id = r.entity_id and m.metric_type = r.metric
                    and m.ts >= r.bucket and m.ts < r.bucket + interval '1 minute') m on true
    where r.entity_id = ${plant} and (r.min <> m.min or r.max <> m.max or r.sum <> m.sum or r.count <> m.count)`;
  return rows.length;
}

const queued = async (sql: Sql) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from rollup_recompute`)[0].n;

for (const backend of pgBackends()) {
  Deno.test(`RollupRepairer recomputes queued buckets in the background, in chunks, and leaves none (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      // 20 minutes of readings, every bucket inexact: 20 queued buckets
      await writer.submit(batch(plant, MINUTE, Array.from({ length: 1200 }, (_, i) => (i * 7) % 100)));
      assert.equal(await queued(sql), 20);
      assert.equal(
        (await sql`select 1 from rollup_1m where entity_id = ${plant}`).length,
        0,
        "nothing inline",
      );

      const repairer = new RollupRepairer({
        sql,
        sources: rollupSources(),
        log: silentLogger,
        pollMs: 20,
        chunk: { initial: 3, max: 8 },
      });
      repairer.start();
      try {
        await waitFor(async () => (await queued(sql)) === 0, "an empty queue", 10_000, 20);
        assert.equal((await sql`select 1 from rollup_1m where entity_id = ${plant}`).length, 20);
        assert.equal(await wrongRollups(sql, plant), 0);
        const stats = repairer.stats();
        assert.equal(stats.recomputed, 20);
        assert.ok(stats.transactions >= 3, `chunks of at most 8: ${stats.transactions} transactions`);
        assert.equal(stats.backlog, 0);

        // later work is picked up by the running loop
        await writer.submit(batch(plant, MINUTE + 20 * 60_000, [1, 2, 3]));
        await waitFor(async () => (await queued(sql)) === 0, "the new bucket recomputed", 10_000, 20);
        assert.equal(await wrongRollups(sql, plant), 0);
      } finally {
        await repairer.stop();
      }
    }));

  Deno.test(`RollupRepairer keeps a bucket queued while it cannot recompute it, and counts the failure (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      await new Writer({ sql, sinks: SINKS, log: silentLogger }).submit(batch(plant, MINUTE, [4, 5]));
      const warnings: string[] = [];
      const log = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
      const blind = new RollupRepairer({ sql, sources: [], log, pollMs: 20 }); // knows no readings table
      blind.start();
      await waitFor(() => blind.stats().failures > 0, "a failed repair");
      await blind.stop();
      assert.equal(await queued(sql), 1, "still queued");
      assert.match(warnings[0], /recomputing rollups failed/);
      assert.equal(await new RollupRepairer({ sql, sources: rollupSources(), log: silentLogger }).drain(), 1);
      assert.equal(await wrongRollups(sql, plant), 0);
    }));
}

if (pgBackends().includes("external")) {
  Deno.test("a bucket queued again while a repair holds it is recomputed again, with the new reading (external)", () =>
    withTestDatabase("external", async ({ sql }) => {
      const plant = await insertPlant(sql);
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      await writer.submit(batch(plant, MINUTE, [1, 2]));
      // A repair that has locked the queued bucket and read the readings, not yet committed...
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const lockTaken = new Promise<void>((r) => (locked = r));
      const repair = sql.begin(async (tx) => {
        await tx`select 1 from rollup_recompute where entity_id = ${plant} for update`;
        locked();
        await held;
        await tx`delete from rollup_recompute where entity_id = ${plant}`;
      });
      await lockTaken;
      // ...while a commit brings a late reading for the same bucket and queues it again
      const commit = writer.submit(batch(plant, MINUTE + 30_000, [50]));
      await new Promise((r) => setTimeout(r, 200));
      release();
      await Promise.all([repair, commit]);
      assert.equal(await queued(sql), 1, "queued again after the repair removed it");
      await new RollupRepairer({ sql, sources: rollupSources(), log: silentLogger }).drain();
      const [row] = await sql<{ count: number; max: number }[]>`
        select count, max from rollup_1m where entity_id = ${plant}`;
      assert.deepEqual({ ...row }, { count: 3, max: 50 });
    }));
}

for (const backend of pgBackends()) {
  Deno.test(`recomputeBuckets() runs against every kind's readings table (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const sources = rollupSources();
      assert.deepEqual(sources.map((s) => s.series).sort(), ["meter", "plant", "ven"]);
      for (const source of sources) {
        const bucket = {
          width: "10m",
          series: source.series,
          entityId: crypto.randomUUID(),
          metric: "x",
          bucket: MINUTE,
        };
        await sql.begin((tx) => recomputeBuckets(tx, sources, [bucket])).then(
          (written) => assert.equal(written, 0, `${source.series}: no readings, no row`),
        );
      }
    }));
}
