/**
 * Every table resource, round trip through its six operations: list, create, get, replace (PUT),
 * update (PATCH), delete; each write audited; and a second delete or get of the same id is a 404.
 */
import assert from "node:assert/strict";
import { pgBackends } from "../../stores/postgres/testing.ts";
import { withApi } from "../../api/testing.ts";

interface Fixture {
  path: string;
  entity: string;
  create: Record<string, unknown>;
  /** One field to PATCH, and the value to expect back. */
  patch: [string, unknown];
}

for (const backend of pgBackends()) {
  Deno.test(`table resources: list, create, get, PUT, PATCH, DELETE (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const make = async (path: string, body: unknown) =>
        (await api.json("POST", path, { as: "admin", status: 201, body })).id as string;
      const portfolioId = await make("/api/portfolios", { name: "Parent portfolio" });
      const siteId = await make("/api/sites", {
        portfolioId,
        name: "Parent site",
        industryType: "datacenter",
      });
      const fromAssetId = await make("/api/assets", { siteId, name: "Feeder pump", assetType: "pump" });
      const toAssetId = await make("/api/assets", { siteId, name: "Boiler 2", assetType: "boiler" });
      const fixtures: Fixture[] = [
        {
          path: "plants",
          entity: "plant",
          create: { name: "Hydro 3", assetType: "hydro", capacityMw: 8 },
          patch: ["status", "maintenance"],
        },
        {
          path: "offers",
          entity: "offer",
          create: {
            name: "Down offer",
            siteId,
            direction: "down",
            volumeMw: 2,
            priceEurMwh: 40,
            deliveryStart: "2026-07-01T10:00:00Z",
            deliveryEnd: "2026-07-01T11:00:00Z",
            market: "fcr",
          },
          patch: ["priceEurMwh", 45],
        },
        {
          path: "portfolios",
          entity: "portfolio",
          create: { name: "Nordics", description: "north" },
          patch: ["active", false],
        },
        {
          path: "sites",
          entity: "site",
          create: { portfolioId, name: "Depot", industryType: "logistics" },
          patch: ["location", "Antwerp"],
        },
        {
          path: "meters",
          entity: "meter",
          create: { siteId, name: "PV meter", category: "PROD" },
          patch: ["unit", "MW"],
        },
        {
          path: "assets",
          entity: "asset",
          create: { siteId, name: "UPS A", assetType: "ups" },
          patch: ["model", "X-1"],
        },
        {
          path: "energy-sources",
          entity: "energy_source",
          create: {
            siteId,
            name: "Battery",
            sourceType: "battery",
            capacityKw: 500,
            storageCapacityKwh: 1000,
          },
          patch: ["carbonIntensity", 12],
        },
        {
          path: "grid-links",
          entity: "grid_link",
          create: { siteId, name: "HV", direction: "in" },
          patch: ["operator", "Elia"],
        },
        {
          path: "asset-connections",
          entity: "asset_connection",
          create: { fromAssetId, toAssetId, relationship: "energy_flow" },
          patch: ["direction", "bi"],
        },
        {
          path: "recommendations",
          entity: "recommendation",
          create: { siteId, title: "Add storage", recommendationType: "storage" },
          patch: ["status", "accepted"],
        },
        {
          path: "programs",
          entity: "adr_program",
          create: { programName: "Capacity" },
          patch: ["programType", "capacity"],
        },
        {
          path: "vens",
          entity: "ven",
          create: { venName: "ven-rt", siteId },
          patch: ["displayName", "Round trip"],
        },
      ];
      for (const f of fixtures) {
        await t.step(`/api/${f.path}`, async () => {
          const created = await api.json("POST", `/api/${f.path}`, {
            as: "operator",
            status: 201,
            body: f.create,
          });
          const id = created.id as string;
          const list = await api.json<{ items: { id: string }[] }>("GET", `/api/${f.path}?page_size=500`, {
            as: "viewer",
          });
          assert.ok(list.items.some((item) => item.id === id), "listed");
          assert.equal((await api.json("GET", `/api/${f.path}/${id}`, { as: "viewer" })).id, id);
          const replaced = await api.json("PUT", `/api/${f.path}/${id}`, { as: "operator", body: f.create });
          assert.equal(replaced.id, id);
          const [field, value] = f.patch;
          const patched = await api.json("PATCH", `/api/${f.path}/${id}`, {
            as: "operator",
            body: { [field]: value },
          });
          assert.equal(patched[field], value);
          await api.json("DELETE", `/api/${f.path}/${id}`, { as: "operator", status: 204 });
          await api.problem("GET", `/api/${f.path}/${id}`, 404, { as: "viewer" });
          await api.problem("DELETE", `/api/${f.path}/${id}`, 404, { as: "operator" });
          const actions = (await api.audit(f.entity)).filter((d) => d.entityId === id).map((d) => d.action)
            .sort();
          assert.deepEqual(actions, ["create", "delete", "update", "update"]);
        });
      }
    });
  });
}
