import assert from "node:assert/strict";
import { keys } from "../../../stores/cache/cache.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`the asset hierarchy API (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const op = { as: "operator" as const, status: 201 };
      const portfolio = await api.json("POST", "/api/portfolios", { ...op, body: { name: "Benelux" } });
      const site = await api.json("POST", "/api/sites", {
        ...op,
        body: {
          portfolioId: portfolio.id,
          name: "Plant Gent",
          industryType: "manufacturing",
          timezone: "Europe/Brussels",
        },
      });
      const siteId = site.id as string;
      const meter = await api.json("POST", "/api/meters", {
        ...op,
        body: { siteId, name: "Main", category: "CONS" },
      });
      const parent = await api.json("POST", "/api/assets", {
        ...op,
        body: { siteId, meterId: meter.id, name: "Chiller bank", assetType: "chiller", ratedPowerKw: 400 },
      });
      const child = await api.json("POST", "/api/assets", {
        ...op,
        body: { siteId, parentId: parent.id, name: "Chiller 1", assetType: "chiller" },
      });
      await api.json("POST", "/api/asset-connections", {
        ...op,
        body: { fromAssetId: child.id, toAssetId: parent.id, relationship: "data_flow" },
      });
      await api.json("POST", "/api/energy-sources", {
        ...op,
        body: { siteId, name: "Roof PV", sourceType: "solar", capacityKw: 250 },
      });
      await api.json("POST", "/api/grid-links", {
        ...op,
        body: { siteId, name: "MV link", direction: "bi", importCapacityKw: 2000 },
      });
      await api.json("POST", "/api/recommendations", {
        ...op,
        body: {
          siteId,
          title: "Shift chiller load",
          recommendationType: "demand_response",
          estimatedSavingsEur: 12000,
        },
      });

      await t.step("site children come on request", async () => {
        const plain = await api.json("GET", `/api/sites/${siteId}`, { as: "viewer" });
        assert.equal(plain.meters, undefined);
        const full = await api.json(
          "GET",
          `/api/sites/${siteId}?include=meters,assets,energySources,gridLinks,assetConnections`,
          { as: "viewer" },
        );
        assert.deepEqual(
          [full.meters, full.assets, full.energySources, full.gridLinks, full.assetConnections].map((l) =>
            (l as unknown[]).length
          ),
          [1, 2, 1, 1, 1],
        );
        const p = await api.problem("GET", `/api/sites/${siteId}?include=meters,pumps`, 400, {
          as: "viewer",
        });
        assert.equal(p.errors?.[0].field, "include.1");
      });
      await t.step("portfolios list their sites on request", async () => {
        const detail = await api.json("GET", `/api/portfolios/${portfolio.id}?include=sites`, {
          as: "viewer",
        });
        assert.deepEqual((detail.sites as { id: string }[]).map((s) => s.id), [siteId]);
      });
      await t.step("assets come as a tree", async () => {
        const tree = await api.json<{ items: { name: string; children: { name: string }[] }[] }>(
          "GET",
          `/api/assets/tree?site_id=${siteId}`,
          { as: "viewer" },
        );
        assert.deepEqual(tree.items.map((n) => [n.name, n.children.map((c) => c.name)]), [["Chiller bank", [
          "Chiller 1",
        ]]]);
        await api.problem("GET", `/api/assets/tree?site_id=${crypto.randomUUID()}`, 404, { as: "viewer" });
        await api.problem("GET", "/api/assets/tree", 400, { as: "viewer" });
      });
      await t.step("lists filter by column", async () => {
        for (
          const path of [
            "meters",
            "assets",
            "energy-sources",
            "grid-links",
            "asset-connections",
            "recommendations",
          ]
        ) {
          const page = await api.json("GET", `/api/${path}?site_id=${siteId}`, { as: "viewer" });
          assert.ok((page.total as number) >= 1, path);
          assert.equal(
            (await api.json("GET", `/api/${path}?site_id=${crypto.randomUUID()}`, { as: "viewer" })).total,
            0,
          );
        }
        assert.equal((await api.json("GET", "/api/meters?category=PROD", { as: "viewer" })).total, 0);
        assert.equal(
          (await api.json("GET", "/api/sites?industry_type=manufacturing", { as: "viewer" })).total,
          1,
        );
      });
      await t.step("meter changes reload the site's actor", async () => {
        await api.json("PATCH", `/api/meters/${meter.id}`, {
          as: "operator",
          body: { readingFrequency: "15min" },
        });
        assert.deepEqual(api.runtime.calls.at(-1), { op: "upsert", kind: "site", id: siteId });
      });
      await t.step("bad input: unknown enum, unknown time zone, unknown parent", async () => {
        const p1 = await api.problem("POST", "/api/meters", 400, {
          as: "operator",
          body: { siteId, name: "x", category: "GAS" },
        });
        assert.deepEqual(p1.errors, [{
          field: "category",
          message: "must be one of: CONS, PROD, INJ, STOR",
        }]);
        const p2 = await api.problem("PATCH", `/api/sites/${siteId}`, 400, {
          as: "operator",
          body: { timezone: "Mars/Olympus" },
        });
        assert.equal(p2.errors?.[0].field, "timezone");
        const p3 = await api.problem("POST", "/api/sites", 422, {
          as: "operator",
          body: { portfolioId: crypto.randomUUID(), name: "Orphan", industryType: "retail" },
        });
        assert.deepEqual(p3.errors?.map((e) => e.field), ["portfolioId"]);
        await api.problem("POST", "/api/sites", 409, {
          as: "operator",
          body: { portfolioId: portfolio.id, name: "Plant Gent", industryType: "retail" },
        });
      });
      await t.step("the live dashboard and latest values come from the cache", async () => {
        const empty = await api.json("GET", `/api/sites/${siteId}/dashboard`, { as: "viewer" });
        assert.equal(empty.dashboard, null);
        const dashboard = {
          consumptionKw: 820,
          productionKw: 210,
          injectionKw: 0,
          storageKw: -15,
          selfConsumptionRatio: 1,
          ts: "2026-06-01T12:00:00.000Z",
        };
        await api.cache.set(keys.dashboard(siteId), dashboard, { ttlSeconds: 60 });
        assert.deepEqual(
          (await api.json("GET", `/api/sites/${siteId}/dashboard`, { as: "viewer" })).dashboard,
          dashboard,
        );
        const latest = {
          meterId: meter.id,
          category: "CONS",
          metric: "power",
          value: 820,
          unit: "kW",
          quality: "good",
          ts: "2026-06-01T12:00:00.000Z",
        };
        await api.cache.set(keys.latest(siteId, `${meter.id}:power`), latest, { ttlSeconds: 300 });
        await api.cache.set(keys.latest(siteId, `${meter.id}:voltage`), { broken: true }, {
          ttlSeconds: 300,
        });
        const assetId = crypto.randomUUID();
        const assetLatest = {
          entityType: "asset",
          entityId: assetId,
          equipmentType: "chiller",
          metric: "power",
          value: 410,
          unit: "kW",
          quality: "good",
          ts: "2026-06-01T12:00:00.000Z",
        };
        await api.cache.set(keys.latest(siteId, `${assetId}:power`), assetLatest, { ttlSeconds: 300 });
        const got = await api.json("GET", `/api/sites/${siteId}/latest`, { as: "viewer" });
        assert.deepEqual(
          got.items,
          [{ entityType: "meter", entityId: meter.id, ...latest }, assetLatest],
          "a malformed entry is skipped; one written before assets reported names its meter as the entity; meters first",
        );
        await api.problem("GET", `/api/sites/${crypto.randomUUID()}/dashboard`, 404, { as: "viewer" });
        await api.problem("GET", `/api/sites/${crypto.randomUUID()}/latest`, 404, { as: "viewer" });
        await api.problem("GET", "/api/sites/nope/latest", 400, { as: "viewer" });
      });
      await t.step("deleting a site removes its actor and cascades", async () => {
        await api.json("DELETE", `/api/sites/${siteId}`, { as: "admin", status: 204 });
        assert.deepEqual(api.runtime.calls.at(-1), { op: "remove", kind: "site", id: siteId });
        assert.equal((await api.json("GET", "/api/meters", { as: "viewer" })).total, 0);
      });
    });
  });
}
