import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";
import { CHART_POINTS, chartIntervals, loadDashboard } from "./data.ts";
import { telemetryReadings } from "../../../stores/postgres/repos/readings.ts";

const plant = (i: number, expectedIntervalS = 60) => ({ id: `p${i}`, name: `P${i}`, expectedIntervalS });

Deno.test("chartIntervals: the window's own interval while every line fits, coarser past the budget", () => {
  const few = Array.from({ length: 12 }, (_, i) => plant(i));
  assert(chartIntervals(few, "24h")[0] === "10m");
  assert(chartIntervals(few, "1h")[0] === "raw");
  // 24 h of 10-minute buckets is 145 points a line: 200 lines need 30-minute buckets
  const many = Array.from({ length: 200 }, (_, i) => plant(i));
  assert(chartIntervals(many, "24h")[0] === "30m");
  // raw for an hour at one reading every 5 s is 721 points a line: 30 plants need 1-minute buckets
  const fast = Array.from({ length: 30 }, (_, i) => plant(i, 5));
  assert(chartIntervals(fast, "1h")[0] === "1m");
  // the coarsest interval is the last resort, never nothing
  assert(chartIntervals(Array.from({ length: 100_000 }, (_, i) => plant(i)), "7d").length === 1);
});

for (const backend of pgBackends()) {
  Deno.test({
    name:
      `the dashboard chart of 200 plants reaches now: coarser buckets, not a cut at the point budget (${backend})`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () =>
      withApi(backend, async (api) => {
        const sql = api.db.sql;
        const now = Date.now();
        await sql`insert into plants (name, asset_type, capacity_mw)
        select 'P' || lpad(g::text, 3, '0'), 'solar', 100 from generate_series(1, 200) g`;
        // 24 h of 10-minute and 30-minute buckets for every plant, up to now
        for (const [table, step] of [["rollup_10m", "10 minutes"], ["rollup_30m", "30 minutes"]] as const) {
          await sql`insert into ${
            sql(table)
          } (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
          select 'plant', p.id, 'power_mw', b, 1, 1, 1, 1, 1, b
          from plants p, generate_series(
            date_bin(${step}::interval, ${new Date(now - 86_400_000)}::timestamptz, 'epoch'::timestamptz)
              + ${step}::interval,
            ${new Date(now)}::timestamptz, ${step}::interval) b`;
        }
        const data = await loadDashboard(api.services, "24h", now);
        if (!data.chart.ok) throw new Error(data.chart.error);
        const { series, interval } = data.chart.value;
        assert(interval === "30m", `30-minute buckets, got ${interval}`);
        assert(series.length === 200 && series.every((s) => s.length > 0), "every plant has a line");
        const points = series.reduce((n, s) => n + s.length, 0);
        assert(points <= CHART_POINTS, `${points} points`);
        for (const line of series) {
          const newest = Math.max(...line.filter((p) => p[1] !== null).map((p) => p[0]));
          assert(
            now - newest <= 3_600_000,
            `a line ends ${((now - newest) / 3_600_000).toFixed(1)} h before now`,
          );
        }
        assert(data.activePlants === 200);
      }),
  });
}

for (const backend of pgBackends()) {
  Deno.test(`telemetryReadings() with deviceIds reads those plants only, raw and rolled up (the chart's lines past 500 plants) (${backend})`, () =>
    withApi(backend, async (api) => {
      const sql = api.db.sql;
      const [a, b] = await sql<{ id: string }[]>`
        insert into plants (name, asset_type, capacity_mw) values ('A', 'solar', 1), ('B', 'solar', 1) returning id`;
      const ts = new Date(Date.now() - 600_000);
      for (const { id } of [a, b]) {
        await sql`insert into meter_readings (plant_id, ts, value) values (${id}, ${ts}, 1)`;
        await sql`insert into rollup_30m (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
          values ('plant', ${id}, 'power_mw', ${ts}, 1, 1, 1, 1, 1, ${ts})`;
      }
      for (const interval of ["raw", "30m"] as const) {
        const read = await telemetryReadings(sql, {
          series: "plant",
          start: new Date(ts.getTime() - 1),
          end: new Date(),
          interval,
          metric: "power_mw",
          deviceIds: [a.id],
        }, { limit: 10, offset: 0 });
        assert.deepEqual(read.items.map((r) => r.deviceId), [a.id], interval);
        assert.equal(read.total, 1, interval);
      }
    }));
}
