import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

const BASE = Date.parse("2026-05-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of pgBackends()) {
  Deno.test(`readings, rollups and measurements (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const { sql } = api.services;
      const [plant] =
        await sql`insert into plants (name, asset_type, capacity_mw) values ('PV 1', 'solar', 5) returning id`;
      await sql`insert into meter_readings (plant_id, ts, value)
        select ${plant.id}, ${new Date(
        BASE,
      )}::timestamptz + make_interval(mins => i), i from generate_series(0, 119) i`;
      await sql`insert into meter_readings (plant_id, ts, value) values (${plant.id}, now() - interval '5 minutes', 4.2)`;
      await sql`insert into rollup_10m (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
        select 'plant', ${plant.id}, 'power_mw', ${new Date(
        BASE,
      )}::timestamptz + make_interval(mins => 10 * i),
          10 * i, 10 * i + 9, 10 * (10 * i) + 45, 10, 10 * i + 9, ${new Date(BASE)}::timestamptz
        from generate_series(0, 11) i`;
      const [portfolio] = await sql`insert into portfolios (name) values ('p') returning id`;
      const [site] =
        await sql`insert into sites (portfolio_id, name, industry_type) values (${portfolio.id}, 's', 'office') returning id`;
      const [meter] =
        await sql`insert into meters (site_id, name, category) values (${site.id}, 'm', 'CONS') returning id`;
      await sql`insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit, quality)
        select 'meter', ${meter.id}, ${site.id}, ${new Date(
        BASE,
      )}::timestamptz + make_interval(mins => i), 'power', i, 'kW',
          case when i % 10 = 0 then 'estimated'::quality_enum else 'good'::quality_enum end
        from generate_series(0, 59) i`;

      await t.step("meter-readings/recent: the last hours only, newest first", async () => {
        const page = await api.json<{ items: { value: number }[]; total: number; totalCapped: boolean }>(
          "GET",
          `/api/meter-readings/recent?plant_id=${plant.id}`,
          { as: "viewer" },
        );
        assert.equal(page.total, 1);
        assert.equal(page.totalCapped, false);
        assert.equal(page.items[0].value, 4.2);
        await api.problem("GET", "/api/meter-readings/recent?hours=169", 400, { as: "viewer" });
      });
      await t.step("meter-readings/recent: counting stops at 10,000, the page stays exact", async () => {
        const [busy] =
          await sql`insert into plants (name, asset_type, capacity_mw) values ('Busy', 'wind', 5) returning id`;
        await sql`insert into meter_readings (plant_id, ts, value)
          select ${busy.id}, now() - make_interval(secs => i), i from generate_series(1, 10005) i`;
        const page = await api.json<{ items: { value: number }[]; total: number; totalCapped: boolean }>(
          "GET",
          `/api/meter-readings/recent?plant_id=${busy.id}&page=3&page_size=2`,
          { as: "viewer" },
        );
        assert.deepEqual({ total: page.total, totalCapped: page.totalCapped }, {
          total: 10_000,
          totalCapped: true,
        });
        assert.deepEqual(page.items.map((r) => r.value), [5, 6], "newest first, the third page of two");
      });
      await t.step("telemetry/readings raw: a range, oldest first, paged", async () => {
        const q = `start_time=${iso(BASE)}&end_time=${
          iso(BASE + 3_600_000)
        }&device_id=${plant.id}&page_size=500`;
        const page = await api.json<{ items: { value: number; count: number }[]; total: number }>(
          "GET",
          `/api/telemetry/readings?${q}`,
          { as: "viewer" },
        );
        assert.equal(page.total, 60);
        assert.deepEqual(page.items.slice(0, 3).map((p) => p.value), [0, 1, 2]);
        assert.equal(page.items[0].count, 1);
      });
      await t.step("telemetry/readings interval=10m reads the rollup", async () => {
        const q = `start_time=${iso(BASE)}&end_time=${iso(BASE + 3_600_000)}&interval=10m&page_size=2&page=2`;
        const page = await api.json<
          { items: { ts: string; value: number; min: number; max: number; count: number }[]; total: number }
        >("GET", `/api/telemetry/readings?${q}`, { as: "viewer" });
        assert.equal(page.total, 6);
        assert.deepEqual(page.items[0], {
          ...page.items[0],
          ts: iso(BASE + 1_200_000),
          value: 24.5,
          min: 20,
          max: 29,
          count: 10,
        });
      });
      await t.step("telemetry/readings: meter measurements as a series", async () => {
        const q = `series=meter&device_id=${meter.id}&start_time=${iso(BASE)}&end_time=${
          iso(BASE + 600_000)
        }`;
        assert.equal((await api.json("GET", `/api/telemetry/readings?${q}`, { as: "viewer" })).total, 10);
      });
      await t.step("telemetry/readings refuses unbounded or oversized ranges, naming the field", async () => {
        const tooLong = await api.problem(
          "GET",
          `/api/telemetry/readings?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z`,
          400,
          { as: "viewer" },
        );
        assert.match(tooLong.errors![0].message, /at most 31 days/);
        assert.equal(tooLong.errors![0].field, "start_time");
        const tooMany = await api.problem(
          "GET",
          `/api/telemetry/readings?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z&interval=1m`,
          400,
          { as: "viewer" },
        );
        assert.equal(tooMany.errors![0].field, "interval");
        const reversed = await api.problem(
          "GET",
          `/api/telemetry/readings?start_time=${iso(BASE)}&end_time=${iso(BASE - 1)}`,
          400,
          { as: "viewer" },
        );
        assert.deepEqual(reversed.errors, [{ field: "end_time", message: "must be after start_time" }]);
        await api.problem("GET", "/api/telemetry/readings?interval=5m", 400, { as: "viewer" });
        await api.problem("GET", "/api/telemetry/readings?device_id=abc", 400, { as: "viewer" });
      });
      await t.step("measurements: a range with filters", async () => {
        const q = `start_time=${iso(BASE)}&end_time=${
          iso(BASE + 3_600_000)
        }&entity_id=${meter.id}&quality=estimated`;
        const page = await api.json("GET", `/api/measurements?${q}`, { as: "viewer" });
        assert.equal(page.total, 6);
        await api.problem("GET", `/api/measurements?metric=pressure`, 400, { as: "viewer" });
        await api.problem("GET", "/api/measurements", 401);
      });
    });
  });
}
