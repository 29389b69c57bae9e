import assert from "node:assert/strict";
import { silentLogger } from "../../../core/log.ts";
import { sinkBatch, SINKS } from "../../../actors/testing.ts";
import { Writer } from "../../../actors/writer.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

interface LogPage {
  items: { source: string; minute: string; accepted: number; rejected: number }[];
  total: number;
  page: number;
  pageSize: number;
  totals: { accepted: number; rejected: number };
}

const MIN = 60_000;

for (const backend of pgBackends()) {
  Deno.test(`GET /api/ingestion-log: counts per source and minute, newest first, with totals (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const { sql } = api.services;
      // the writer's own rows for this minute...
      const writer = new Writer({ sql, sinks: SINKS, log: silentLogger });
      await writer.submit(sinkBatch({}, {
        counts: { plant: { accepted: 7, rejected: 2 }, unknown: { accepted: 0, rejected: 1 } },
        messages: 10,
      }));
      // the minute the writer counted in (read back: the clock may have crossed a minute meanwhile)
      const [{ minute }] = await sql<
        { minute: Date }[]
      >`select minute from ingestion_log where source = 'mqtt:unknown'`;
      const thisMinute = minute.getTime();
      // ...and older minutes
      await sql`insert into ingestion_log (source, minute, accepted, rejected) values
        ('mqtt:ven', ${new Date(thisMinute - 10 * MIN)}, 5, 0),
        ('mqtt:plant', ${new Date(thisMinute - 30 * MIN)}, 100, 3),
        ('mqtt:plant', ${new Date(thisMinute - 2 * 60 * MIN)}, 1000, 0)`;
      const list = (query = "") => api.json<LogPage>("GET", `/api/ingestion-log${query}`, { as: "viewer" });

      await t.step("a viewer reads the last hour by default, newest minute first", async () => {
        const page = await list();
        assert.deepEqual(
          page.items.map((r) => [r.source, Date.parse(r.minute) - thisMinute, r.accepted, r.rejected]),
          [
            ["mqtt:plant", 0, 7, 2],
            ["mqtt:unknown", 0, 0, 1],
            ["mqtt:ven", -10 * MIN, 5, 0],
            ["mqtt:plant", -30 * MIN, 100, 3],
          ],
        );
        assert.equal(page.total, 4);
        assert.deepEqual(page.totals, { accepted: 112, rejected: 6 });
      });
      await t.step("filter by source; a range; paging keeps the range's totals", async () => {
        const plant = await list("?source=mqtt%3Aplant");
        assert.deepEqual(plant.items.map((r) => r.accepted), [7, 100]);
        assert.deepEqual(plant.totals, { accepted: 107, rejected: 5 });
        const start = new Date(thisMinute - 3 * 60 * MIN).toISOString();
        const end = new Date(thisMinute - 20 * MIN).toISOString();
        const range = await list(`?start_time=${start}&end_time=${end}&page_size=1&page=2`);
        assert.deepEqual([range.total, range.page, range.pageSize], [2, 2, 1]);
        assert.deepEqual(range.items.map((r) => r.accepted), [1000]);
        assert.deepEqual(range.totals, { accepted: 1100, rejected: 3 });
        assert.deepEqual((await list("?source=nobody")).totals, { accepted: 0, rejected: 0 });
      });
      await t.step("no token: 401", async () => {
        await api.problem("GET", "/api/ingestion-log", 401);
      });
      await t.step("bad input: 400 naming the parameter", async () => {
        const field = async (query: string) =>
          (await api.problem("GET", `/api/ingestion-log${query}`, 400, { as: "viewer" })).errors?.map((e) =>
            e.field
          );
        assert.deepEqual(await field("?page_size=501"), ["page_size"]);
        assert.deepEqual(await field("?end_time=2026-05-01"), ["end_time"]);
        assert.deepEqual(
          await field("?start_time=2026-05-02T00:00:00Z&end_time=2026-05-01T00:00:00Z"),
          ["end_time"],
        );
        assert.deepEqual(
          await field("?start_time=2026-01-01T00:00:00Z&end_time=2026-03-01T00:00:00Z"),
          ["start_time"],
        );
        assert.deepEqual(await field("?source="), ["source"]);
        assert.deepEqual(await field("?kind=plant"), ["kind"]);
      });
    });
  });
}
