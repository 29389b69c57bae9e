import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { loadSpecs } from "./loader.ts";
import { appendRow, type SinkRows } from "./sink.ts";
import { snapshotsSink } from "./sinks/snapshots.ts";
import { insertPlant } from "./testing.ts";
import { insertVen } from "./ven/testing.ts";
import { insertMeter, insertSite } from "./site/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`loadSpecs() marks only plants without a snapshot or any stored reading as noReadings (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const fresh = await insertPlant(sql);
      const reported = await insertPlant(sql);
      const snapshotted = await insertPlant(sql);
      // One reading, long ago: any stored reading makes the first buckets untrusted.
      await sql`insert into meter_readings (plant_id, metric_type, ts, value)
                values (${reported}, 'power_mw', '2020-01-01T00:00:00Z', 1)`;
      await sql`insert into actor_snapshots (actor_key, kind, entity_id, version, state)
                values (${`plant:${snapshotted}`}, 'plant', ${snapshotted}, 1, ${
        sql.json({ v: 1, metrics: {} })
      })`;
      const specs = await loadSpecs(sql, "plant", [fresh, reported, snapshotted]);
      const flags = Object.fromEntries(specs.map((s) => [s.id, s.noReadings ?? false]));
      assert.deepEqual(flags, { [fresh]: true, [reported]: false, [snapshotted]: false });
      assert.equal(specs.find((s) => s.id === snapshotted)?.snapshot !== undefined, true);
    }));

  Deno.test(`loadSpecs() marks only VENs without a snapshot or any stored telemetry as noReadings (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const fresh = await insertVen(sql);
      const reported = await insertVen(sql);
      await sql`insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
                values (${reported}, '2020-01-01T00:00:00Z', 1, 0, ${sql.json({})})`;
      const specs = await loadSpecs(sql, "ven", [fresh, reported]);
      const flags = Object.fromEntries(specs.map((s) => [s.id, s.noReadings ?? false]));
      assert.deepEqual(flags, { [fresh]: true, [reported]: false });
    }));

  Deno.test(`loadSpecs() marks only sites none of whose meters has a stored measurement as noReadings (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const fresh = await insertSite(sql);
      await insertMeter(sql, fresh);
      const reported = await insertSite(sql);
      const reportedMeter = await insertMeter(sql, reported);
      await sql`insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit)
                values ('meter', ${reportedMeter}, ${reported}, '2020-01-01T00:00:00Z', 'power', 1, 'kW')`;
      // a meter that reported at another site, then moved here
      const elsewhere = await insertSite(sql);
      const moved = await insertSite(sql);
      const movedMeter = await insertMeter(sql, elsewhere);
      await sql`insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit)
                values ('meter', ${movedMeter}, ${elsewhere}, '2020-01-01T00:00:00Z', 'power', 1, 'kW')`;
      await sql`update meters set site_id = ${moved} where id = ${movedMeter}`;
      const specs = await loadSpecs(sql, "site", [fresh, reported, moved]);
      const flags = Object.fromEntries(specs.map((s) => [s.id, s.noReadings ?? false]));
      assert.deepEqual(flags, { [fresh]: true, [reported]: false, [moved]: false });
    }));

  Deno.test(`a complete snapshot is written, confirmed and restored as complete once (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const [a, b] = [await insertPlant(sql), await insertPlant(sql)];
      const row = (id: string, state: unknown, complete: boolean) => ({
        actor_key: `plant:${id}`,
        kind: "plant",
        entity_id: id,
        version: 1,
        state: state === null ? null : JSON.stringify(state),
        complete,
      });
      const write = async (rows: Record<string, unknown>[]) => {
        const batch: SinkRows = { count: 0, columns: {} };
        for (const r of rows) appendRow(batch, snapshotsSink.columns, r);
        await sql.begin((tx) => snapshotsSink.write(tx, batch.columns, batch.count));
      };
      const flags = async () =>
        Object.fromEntries(
          (await sql<{ entity_id: string; complete: boolean }[]>`
            select entity_id, complete from actor_snapshots where entity_id in (${a}, ${b})`)
            .map((r) => [r.entity_id, r.complete]),
        );
      // a: a periodic snapshot, then a release's confirmation in the same batch; b: a release's snapshot
      await write([row(a, { v: 1, n: 1 }, false), row(a, null, true), row(b, { v: 1, n: 2 }, true)]);
      assert.deepEqual(await flags(), { [a]: true, [b]: true });
      await write([row(b, { v: 1, n: 3 }, false)]); // a periodic snapshot after it is not complete
      assert.deepEqual(await flags(), { [a]: true, [b]: false });
      const specs = await loadSpecs(sql, "plant", [a, b]);
      assert.deepEqual(
        specs.map((s) => [s.id, s.completeSnapshot ?? false, (s.snapshot as { n: number }).n]).sort(),
        [[a, true, 1], [b, false, 3]].sort(),
      );
      assert.deepEqual(await flags(), { [a]: false, [b]: false }, "loading cleared it");
      assert.equal((await loadSpecs(sql, "plant", [a]))[0].completeSnapshot, undefined);
    }));
}
