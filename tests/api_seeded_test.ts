/**
 * The API over the demo data set (`deno task seed`): every list and detail a page would show answers,
 * and every answer matches the schema the OpenAPI document declares for it.
 */
import assert from "node:assert/strict";
import { populate } from "../population/run_all.ts";
import { withApi } from "../api/testing.ts";

Deno.test("the API serves the seeded demo data within its declared schemas", async (t) => {
  await withApi("embedded", async (api) => {
    await populate({ sql: api.services.sql, documents: api.documents });
    const get = <T = { items: { id: string }[]; total: number }>(path: string) =>
      api.json<T>("GET", path, { as: "admin" });
    const lists = [
      "plants",
      "offers",
      "portfolios",
      "sites",
      "meters",
      "assets",
      "energy-sources",
      "grid-links",
      "asset-connections",
      "recommendations",
      "programs",
      "vens",
      "events",
      "users",
    ];
    for (const name of lists) {
      await t.step(`/api/${name} and the first item`, async () => {
        const page = await get(`/api/${name}?page_size=500`);
        assert.ok(page.total > 0, `${name} is seeded`);
        await get(`/api/${name}/${page.items[0].id}`);
      });
    }
    await t.step("recent lists, documents and ranges", async () => {
      for (
        const path of [
          "/api/alerts/recent?hours=2160&page_size=500",
          "/api/meter-readings/recent?page_size=500",
          "/api/audit/recent?hours=2160&page_size=500",
          "/api/market-signals?page_size=500",
          "/api/dispatch-log?page_size=500",
          "/api/telemetry/readings?page_size=500",
          "/api/telemetry/readings?series=meter&interval=raw&page_size=500",
          "/api/measurements?page_size=500",
          "/api/stats/network/history",
        ]
      ) {
        await get(path);
      }
      assert.ok((await get("/api/alerts/recent?hours=2160")).total > 0);
      assert.ok((await get("/api/audit/recent?hours=2160")).total > 0);
    });
    await t.step("a site with everything, its assets tree; a VEN's loads, history and statuses", async () => {
      const site = (await get("/api/sites")).items[0];
      await get(`/api/sites/${site.id}?include=meters,assets,energySources,gridLinks,assetConnections`);
      await get(`/api/assets/tree?site_id=${site.id}`);
      const ven = (await get("/api/vens")).items[0];
      await get(`/api/vens/${ven.id}/loads`);
      await get(`/api/vens/${ven.id}/history?interval=10m`);
      assert.ok((await get(`/api/vens/${ven.id}/statuses`)).total > 0, "the seed writes VEN statuses");
      const event = (await get("/api/events")).items[0];
      await get(`/api/events/${event.id}`);
    });
    await t.step("recommendations generated from the seeded day of every site", async () => {
      let created = 0;
      for (const site of (await get("/api/sites")).items) {
        const run = await api.json<{ reason: string | null; created: unknown[] }>(
          "POST",
          `/api/sites/${site.id}/recommendations/generate`,
          { as: "operator" },
        );
        assert.equal(run.reason, null, "a seeded day is enough data");
        created += run.created.length;
      }
      assert.ok(created > 0, "the seeded data makes some rule fire");
    });
  });
});
