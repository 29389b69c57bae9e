import assert from "node:assert/strict";
import { insertPlant } from "../../actors/testing.ts";
import { insertMeter, insertSite } from "../../actors/site/testing.ts";
import { insertVen } from "../../actors/ven/testing.ts";
import { meterReadingsSink } from "../../actors/plant/catalog.ts";
import { measurementsSink } from "../../actors/site/catalog.ts";
import { venLoadSamplesSink, venStatusesSink, venTelemetrySink } from "../../actors/ven/sinks.ts";
import type { Columns, Sink } from "../../actors/sink.ts";
import type { Sql } from "./client.ts";
import { loadMigrations, migrate } from "./migrate.ts";
import {
  ensurePartitions,
  listPartitions,
  monthStart,
  PARTITIONED_TABLES,
  partitionName,
} from "./partitions.ts";
import { sweepRetention } from "./retention.ts";
import { pgBackends, withTestDatabase } from "./testing.ts";

const TABLES: string[] = [...PARTITIONED_TABLES];
const PARTITIONING = 160;

interface Entities {
  plant: string;
  site: string;
  meter: string;
  ven: string;
}

async function entities(sql: Sql): Promise<Entities> {
  const site = await insertSite(sql);
  return {
    plant: await insertPlant(sql),
    site,
    meter: await insertMeter(sql, site),
    ven: await insertVen(sql),
  };
}

/**
 * Writes one row per table at each of `times` (epoch ms) through the actors' sinks, as the writer does
 * (`insert ... on conflict do nothing`); returns the rows each sink stored.
 */
async function writeReadings(sql: Sql, e: Entities, times: number[]): Promise<number[]> {
  const all = <T>(value: T) => times.map(() => value);
  const values = times.map((_, i) => i + 1);
  const writes: [Sink, Columns][] = [
    [meterReadingsSink, { plant_id: all(e.plant), metric_type: all("power_mw"), ts: times, value: values }],
    [measurementsSink, {
      entity_type: all("meter"),
      entity_id: all(e.meter),
      site_id: all(e.site),
      ts: times,
      metric: all("power"),
      value: values,
      unit: all("kW"),
      quality: all("good"),
    }],
    [venTelemetrySink, {
      ven_id: all(e.ven),
      ts: times,
      used_power_kw: values,
      shed_power_kw: all(0),
      raw: all({}),
    }],
    [venLoadSamplesSink, {
      ven_id: all(e.ven),
      ts: times,
      load_id: all("l1"),
      load_type: all("hvac"),
      used_kw: values,
      shed_capable_kw: all(1),
      capacity_kw: all(null),
    }],
    [venStatusesSink, {
      ven_id: all(e.ven),
      ts: times,
      status: all("online"),
      source: all("device"),
      details: all({}),
    }],
  ];
  return await sql.begin(async (tx) => {
    const stored: number[] = [];
    for (const [sink, rows] of writes) stored.push(await sink.write(tx, rows, times.length));
    return stored;
  });
}

/** Every row of the readings tables, by table, in id order. */
async function rows(sql: Sql): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = plain([...await sql`select * from ${sql(table)} order by id`]);
  return out;
}

/** Where each table's rows are: partition name -> rows. */
async function placement(sql: Sql): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const table of TABLES) {
    out[table] = {};
    for (
      const r of await sql<{ part: string; n: number }[]>`
        select tableoid::regclass::text as part, count(*)::int as n from ${sql(table)} group by 1`
    ) out[table][r.part] = r.n;
  }
  return out;
}

/** What the migration must keep: columns, constraints, indexes, the view, comments, what refers to them. */
async function schema(sql: Sql) {
  const tables = sql`(select to_regclass(t) from unnest(${TABLES}::text[]) t)`;
  return plain({
    columns: await sql`
      select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
        is_identity, identity_generation, identity_start, identity_increment
      from information_schema.columns
      where table_schema = current_schema() and table_name = any(${TABLES}::text[])
      order by 1, 3`,
    constraints: await sql`
      select conrelid::regclass::text as table, conname, contype, pg_get_constraintdef(oid) as def
      from pg_constraint where conrelid in ${tables} order by 1, 2`,
    // a partitioned table's index is "ON ONLY" the table; its partitions have their own
    indexes: await sql`
      select indrelid::regclass::text as table, indexrelid::regclass::text as name,
        replace(pg_get_indexdef(indexrelid), ' ON ONLY ', ' ON ') as def
      from pg_index where indrelid in ${tables} order by 1, 2`,
    referencedBy: await sql`select conname from pg_constraint where confrelid in ${tables} order by 1`,
    comments: await sql`
      select t, obj_description(to_regclass(t), 'pg_class') as comment,
        pg_get_serial_sequence(t, 'id') as sequence
      from unnest(${TABLES}::text[]) t order by 1`,
    columnComments: await sql`
      select c.relname, a.attname, col_description(c.oid, a.attnum) as comment
      from pg_class c join pg_attribute a on a.attrelid = c.oid
      where c.oid in ${tables} and a.attnum > 0 and col_description(c.oid, a.attnum) is not null`,
    view: await sql`select pg_get_viewdef('ven_power_readings'::regclass) as def`,
  });
}

/** `value` as plain JSON data (query results are arrays with extra properties). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

const at = (y: number, m: number, d = 1, h = 0, min = 0, s = 0) => Date.UTC(y, m - 1, d, h, min, s);

for (const backend of pgBackends()) {
  Deno.test(`migration 0160 partitions the readings tables by month and keeps their rows, schema and view (${backend})`, async () => {
    const before = (await loadMigrations()).filter((m) => m.version < PARTITIONING);
    await withTestDatabase(backend, async ({ sql }) => {
      const e = await entities(sql);
      const times = [at(2025, 1, 31, 23, 59, 59), at(2025, 2, 1), at(2025, 3, 15, 12), Date.now()];
      assert.deepEqual(await writeReadings(sql, e, times), [4, 4, 4, 4, 4]);
      const kept = await rows(sql);
      const shape = await schema(sql);

      // 0160 alone: later migrations change other tables, and the schema is compared with the one before
      const partitioning = (await loadMigrations()).filter((m) => m.version === PARTITIONING);
      assert.deepEqual(await migrate(sql, partitioning), [PARTITIONING]);

      assert.deepEqual(await rows(sql), kept, "every row, with its id");
      assert.deepEqual(await schema(sql), shape, "columns, identity, constraints, indexes, view, comments");
      const partitioned = await sql<{ table: string; key: string }[]>`
        select c.relname as table, pg_get_partkeydef(c.oid) as key
        from pg_partitioned_table p join pg_class c on c.oid = p.partrelid order by 1`;
      assert.deepEqual(
        plain(partitioned),
        [...TABLES].sort().map((table) => ({ table, key: "RANGE (ts)" })),
      );
      const now = new Date();
      const thisMonth = `p${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
      for (const [table, parts] of Object.entries(await placement(sql))) {
        assert.deepEqual(
          parts,
          {
            [`${table}_p2025_01`]: 1,
            [`${table}_p2025_02`]: 1,
            [`${table}_p2025_03`]: 1,
            [`${table}_${thisMonth}`]: 1,
          },
          `${table}: each row in its month's partition, none in the DEFAULT one`,
        );
      }
      // the identity goes on after the copied ids, and a redelivered reading is still a no-op
      assert.deepEqual(await writeReadings(sql, e, [...times, at(2025, 3, 16)]), [1, 1, 1, 1, 1]);
      for (const table of TABLES) {
        const [{ id }] = await sql<{ id: number }[]>`
          select id from ${sql(table)} where ts = ${new Date(at(2025, 3, 16))}`;
        const oldest = Math.max(...(kept[table] as { id: number }[]).map((r) => r.id));
        assert.ok(id > oldest, `${table}: new id ${id} after ${oldest}`);
      }
    }, { migrations: before });
  });

  Deno.test(`a reading of any time is stored, and redelivered is a no-op, on the partitioned tables (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const e = await entities(sql);
      const now = Date.now();
      const backfill = monthStart(now, -20).getTime() + 86_400_000; // within STRAY_MONTHS_BACK
      const times = [at(1999, 12, 31, 23, 59, 59), at(2300, 6, 15), backfill, now];
      assert.deepEqual(await writeReadings(sql, e, times), [4, 4, 4, 4, 4]);
      assert.deepEqual(await writeReadings(sql, e, times), [0, 0, 0, 0, 0]);
      const inDefault = async () => {
        const counts: Record<string, number> = {};
        for (const table of TABLES) {
          const [{ n }] = await sql<{ n: number }[]>`
            select count(*)::int as n from ${sql(`${table}_default`)}`;
          counts[table] = n;
        }
        return counts;
      };
      assert.deepEqual(await inDefault(), Object.fromEntries(TABLES.map((t) => [t, 3])));
      const { created, moved } = await ensurePartitions(sql, now);
      const month = monthStart(backfill);
      assert.deepEqual(
        created.sort(),
        TABLES.map((t) => partitionName(t, month)).sort(),
        "the backfilled month only",
      );
      assert.equal(moved, 5);
      assert.deepEqual(
        await inDefault(),
        Object.fromEntries(TABLES.map((t) => [t, 2])),
        "a wrong clock's readings (1999, 2300) stay in DEFAULT: no partition per bad month",
      );
      const ven = await sql<{ ts: Date; metric: string; value: number }[]>`
        select ts, metric, value from ven_power_readings where ven_id = ${e.ven} order by ts, metric`;
      assert.deepEqual(ven.map((r) => [r.ts.getTime(), r.metric, r.value]), [
        [times[0], "shed_power_kw", 0],
        [times[0], "used_power_kw", 1],
        [times[2], "shed_power_kw", 0],
        [times[2], "used_power_kw", 3],
        [times[3], "shed_power_kw", 0],
        [times[3], "used_power_kw", 4],
        [times[1], "shed_power_kw", 0],
        [times[1], "used_power_kw", 2],
      ]);
      assert.deepEqual(await writeReadings(sql, e, times), [0, 0, 0, 0, 0], "their partitions know them");
      assert.deepEqual(await ensurePartitions(sql, now), { created: [], moved: 0 });
    }));

  Deno.test(`ensurePartitions() makes the coming months, moves stray rows out of DEFAULT, and a second run does nothing (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const e = await entities(sql);
      const now = at(2031, 11, 20, 8);
      // December's and February's readings came before their partitions, March's after
      await writeReadings(sql, e, [at(2031, 12, 24), at(2032, 2, 29, 23, 59, 59)]);
      const kept = await rows(sql);
      const { created, moved } = await ensurePartitions(sql, now);
      assert.deepEqual(
        created.sort(),
        TABLES.flatMap((t) => ["2031_11", "2031_12", "2032_01", "2032_02"].map((m) => `${t}_p${m}`)).sort(),
      );
      assert.equal(moved, 10);
      assert.deepEqual(await rows(sql), kept, "moved rows keep their ids");
      const parts = await placement(sql);
      for (const table of TABLES) {
        assert.deepEqual(parts[table], { [`${table}_p2031_12`]: 1, [`${table}_p2032_02`]: 1 });
      }
      const bounds = (await listPartitions(sql, ["meter_readings"])).filter((p) => p.from);
      const nov = bounds.find((p) => p.name === "meter_readings_p2031_11")!;
      assert.deepEqual([nov.from, nov.to], [new Date(at(2031, 11)), new Date(at(2031, 12))]);

      const catalog = await listPartitions(sql);
      assert.deepEqual(await ensurePartitions(sql, now), { created: [], moved: 0 });
      assert.deepEqual(await listPartitions(sql), catalog);
    }));

  Deno.test(`listPartitions() reads the same bounds in any session time zone and date style (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      await ensurePartitions(sql, at(2031, 1, 31, 23));
      const utc = await listPartitions(sql);
      const session = await sql.reserve();
      try {
        await session`set timezone to 'Pacific/Chatham'`; // +13:45 in January
        await session`set datestyle to 'SQL, DMY'`; // bounds read '01/02/2031 13:45:00 +1345'
        const chatham = session as unknown as Sql;
        assert.deepEqual(await listPartitions(chatham), utc);
        assert.deepEqual(await ensurePartitions(chatham, at(2031, 1, 31, 23)), { created: [], moved: 0 });
      } finally {
        await session`reset timezone`;
        await session`reset datestyle`;
        session.release();
      }
    }));

  Deno.test(`ensurePartitions() run twice at once makes each partition once (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const e = await entities(sql);
      const now = at(2035, 1, 10);
      await writeReadings(sql, e, [at(2034, 7, 1), at(2035, 2, 3)]);
      const [a, b] = await Promise.all([ensurePartitions(sql, now), ensurePartitions(sql, now)]);
      const created = [...a.created, ...b.created].sort();
      assert.deepEqual(
        created,
        TABLES.flatMap((t) =>
          ["2034_07", "2035_01", "2035_02", "2035_03", "2035_04"].map((m) => `${t}_p${m}`)
        )
          .sort(),
      );
      assert.equal(a.moved + b.moved, 10);
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from meter_readings_default`;
      assert.equal(n, 0);
    }));

  Deno.test(`sweepRetention() drops the months past the cutoff, deletes older rows of the month holding it and of DEFAULT, and keeps what a repair needs (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const e = await entities(sql);
      await ensurePartitions(sql, at(2013, 1, 1)); // January to April 2013
      await writeReadings(sql, e, [
        at(2013, 1, 15),
        at(2013, 2, 20),
        at(2013, 3, 5),
        at(2013, 3, 20),
        at(2013, 4, 5),
      ]);
      await writeReadings(sql, e, [at(1990, 5, 5)]); // in the DEFAULT partitions
      const now = at(2013, 4, 10, 12);
      const policy = { rawDays: 30, rollup1mDays: 0 }; // cutoff: 11 March 12:00
      const months = async (table: string) =>
        (await listPartitions(sql, [table])).map((p) => p.name).filter((n) => /_p2013_/.test(n));

      // a queued repair of a bucket of 10 February keeps the readings from then on
      await sql`insert into rollup_recompute (width, series, entity_id, metric, bucket)
        values ('6h', 'plant', ${e.plant}, 'power_mw', ${new Date(at(2013, 2, 10))})`;
      const first = await sweepRetention(sql, policy, now, { batch: 1 });
      assert.deepEqual(first.dropped.sort(), TABLES.map((t) => `${t}_p2013_01`).sort());
      assert.deepEqual(first.deleted, Object.fromEntries(TABLES.map((t) => [t, 1])), "the 1990 rows");
      assert.deepEqual(await months("meter_readings"), [
        "meter_readings_p2013_02",
        "meter_readings_p2013_03",
        "meter_readings_p2013_04",
      ]);

      await sql`delete from rollup_recompute`;
      const second = await sweepRetention(sql, policy, now, { batch: 1 });
      assert.deepEqual(second.dropped.sort(), TABLES.map((t) => `${t}_p2013_02`).sort());
      assert.deepEqual(
        second.deleted,
        Object.fromEntries(TABLES.map((t) => [t, 1])),
        "5 March, in March's partition",
      );
      const parts = await placement(sql);
      for (const table of TABLES) {
        assert.deepEqual(parts[table], { [`${table}_p2013_03`]: 1, [`${table}_p2013_04`]: 1 });
        assert.deepEqual(await months(table), [`${table}_p2013_03`, `${table}_p2013_04`]);
      }
      assert.deepEqual(await sweepRetention(sql, policy, now), { deleted: {}, dropped: [] });
    }));
}
