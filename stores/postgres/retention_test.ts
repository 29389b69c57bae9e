import assert from "node:assert/strict";
import { insertPlant } from "../../actors/testing.ts";
import { insertMeter, insertSite } from "../../actors/site/testing.ts";
import { insertVen } from "../../actors/ven/testing.ts";
import { silentLogger } from "../../core/log.ts";
import { monthStart, partitionName } from "./partitions.ts";
import { RETENTION_TABLES, startRetention, sweepRetention } from "./retention.ts";
import type { Sql } from "./client.ts";
import { pgBackends, withTestDatabase } from "./testing.ts";

const DAY = 86_400_000;
/**
 * A fixed "now" in the middle of a month no test database has a partition of: the rows of these tests are
 * in the DEFAULT partitions (and the plain tables), whatever the date. partitions_test.ts tests the months.
 */
const NOW = Date.UTC(2024, 5, 20, 12);

/** One row per raw table and 1-minute rollup at each age (days before `now`), plus a 10-minute bucket. */
async function fill(sql: Sql, now: number, ages: number[]) {
  const plant = await insertPlant(sql);
  const site = await insertSite(sql);
  const meter = await insertMeter(sql, site);
  const ven = await insertVen(sql);
  for (const [i, age] of ages.entries()) {
    const ts = new Date(now - age * DAY - i * 1000);
    await sql`insert into meter_readings (plant_id, ts, value) values (${plant}, ${ts}, 1)`;
    await sql`insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit)
      values ('meter', ${meter}, ${site}, ${ts}, 'power', 1, 'kW')`;
    await sql`insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
      values (${ven}, ${ts}, 1, 0, '{}')`;
    await sql`insert into ven_load_samples (ven_id, ts, load_id, load_type, used_kw, shed_capable_kw)
      values (${ven}, ${ts}, 'l1', 'hvac', 1, 1)`;
    await sql`insert into ven_statuses (ven_id, ts, status) values (${ven}, ${ts}, 'online')`;
    await sql`insert into ingestion_log (source, minute, accepted) values ('mqtt:plant', ${ts}, 1)`;
    for (const table of ["rollup_1m", "rollup_10m"]) {
      await sql`insert into ${
        sql(table)
      } (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
        values ('plant', ${plant}, 'power_mw', ${ts}, 1, 1, 1, 1, 1, ${ts})`;
    }
  }
  return { plant };
}

async function counts(sql: Sql): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [table] of [...RETENTION_TABLES.raw, ...RETENTION_TABLES.rollup1m, ["rollup_10m"]]) {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`;
    out[table] = n;
  }
  return out;
}

const every = (n: number, tenMinute: number) => ({
  meter_readings: n,
  measurements: n,
  ven_telemetry: n,
  ven_load_samples: n,
  ven_statuses: n,
  ingestion_log: n,
  rollup_1m: n,
  rollup_10m: tenMinute,
});

for (const backend of pgBackends()) {
  Deno.test(`sweepRetention() deletes raw data and 1-minute rollups past their age, in batches; coarser rollups stay (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const now = NOW;
      await fill(sql, now, [10, 10, 10, 7, 1]);
      assert.deepEqual(
        await sweepRetention(sql, { rawDays: 0, rollup1mDays: 0 }, now),
        { deleted: {}, dropped: [] },
        "0 keeps everything",
      );
      const { deleted } = await sweepRetention(sql, { rawDays: 5, rollup1mDays: 8 }, now, { batch: 2 });
      assert.equal(deleted.meter_readings, 4);
      assert.equal(deleted.rollup_1m, 3);
      const left = await counts(sql);
      assert.deepEqual(left, { ...every(1, 5), rollup_1m: 2 });
    }));

  Deno.test(`sweepRetention() keeps the readings a queued rollup repair still needs (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const now = NOW;
      const { plant } = await fill(sql, now, [10, 7, 1]);
      await sql`insert into rollup_recompute (width, series, entity_id, metric, bucket)
        values ('6h', 'plant', ${plant}, 'power_mw', ${new Date(now - 8 * DAY)})`;
      await sweepRetention(sql, { rawDays: 5, rollup1mDays: 0 }, now);
      assert.deepEqual(await counts(sql), { ...every(2, 3), rollup_1m: 3 }, "only the 10-day-old rows went");
      // and a range InfluxDB never confirmed keeps the readings from its start
      await sql`delete from rollup_recompute`;
      await sql`insert into series_outbox (id, sink, from_ts, to_ts, points)
        values (${crypto.randomUUID()}::uuid, 'meter_readings', ${new Date(now - 7.5 * DAY)}, ${new Date(
        now,
      )}, 1)`;
      await sweepRetention(sql, { rawDays: 5, rollup1mDays: 0 }, now);
      assert.equal((await counts(sql)).meter_readings, 2, "the 7-day-old reading stays for the outbox");
      // once the range is mirrored past it (mirrored_through), it is no longer needed
      await sql`update series_outbox set mirrored_through = ${new Date(now - 6 * DAY)}`;
      await sweepRetention(sql, { rawDays: 5, rollup1mDays: 0 }, now);
      assert.equal((await counts(sql)).meter_readings, 1, "the range keeps only what is after its progress");
    }));

  Deno.test(`startRetention() sweeps after its first delay and stops (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const now = Date.now();
      await fill(sql, now, [10, 1]);
      const stop = startRetention({
        sql,
        log: silentLogger,
        policy: { rawDays: 2, rollup1mDays: 2 },
        firstDelayMs: 10,
      });
      try {
        const deadline = Date.now() + 10_000;
        const swept = JSON.stringify(every(1, 2)); // the whole pass: stop() would end it between tables
        while (JSON.stringify(await counts(sql)) !== swept) {
          assert.ok(Date.now() < deadline, "no sweep");
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await stop();
      }
      assert.deepEqual(await counts(sql), { ...every(1, 2) });
    }));

  Deno.test(`startRetention() makes the coming months' partitions even when the policy keeps everything (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const plant = await insertPlant(sql);
      // a backfilled month no partition covers yet: the reading waits in the DEFAULT partition
      const month = monthStart(Date.now(), -20);
      const ts = new Date(month.getTime() + 9 * 86_400_000);
      await sql`insert into meter_readings (plant_id, ts, value) values (${plant}, ${ts}, 1)`;
      const stop = startRetention({
        sql,
        log: silentLogger,
        policy: { rawDays: 0, rollup1mDays: 0 },
        firstDelayMs: 10,
      });
      try {
        const deadline = Date.now() + 10_000;
        const where = async () =>
          (await sql<{ part: string }[]>`select tableoid::regclass::text as part from meter_readings
            where ts = ${ts}`)[0].part;
        while (await where() === "meter_readings_default") {
          assert.ok(Date.now() < deadline, "no partition made");
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(await where(), partitionName("meter_readings", month));
      } finally {
        await stop();
      }
    }));
}
