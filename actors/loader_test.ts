import assert from "node:assert/strict";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { loadSpecs } from "./loader.ts";
import { insertPlant } from "./testing.ts";
import { insertVen } from "./ven/testing.ts";

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
}
