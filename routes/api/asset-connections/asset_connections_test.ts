import assert from "node:assert/strict";
import {
  holdTransaction,
  otherConnections,
  pgBackends,
  waitForLockWaiters,
} from "../../../stores/postgres/testing.ts";
import { insertAsset, insertSite } from "../../../actors/site/testing.ts";
import { withApi } from "../../../api/testing.ts";

interface Connection {
  id: string;
  fromAssetId: string;
  toAssetId: string;
  relationship: string;
  direction: string;
}

for (const backend of pgBackends()) {
  Deno.test(`/api/asset-connections (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const make = async (path: string, body: unknown) =>
        (await api.json("POST", path, { as: "operator", status: 201, body })).id as string;
      const portfolioId = await make("/api/portfolios", { name: "Iberia" });
      const siteId = await make("/api/sites", {
        portfolioId,
        name: "Bilbao works",
        industryType: "manufacturing",
      });
      const otherSite = await make("/api/sites", {
        portfolioId,
        name: "Sevilla depot",
        industryType: "logistics",
      });
      const chiller = await make("/api/assets", { siteId, name: "Chiller 1", assetType: "chiller" });
      const ahu = await make("/api/assets", { siteId, name: "AHU north", assetType: "hvac" });
      const pump = await make("/api/assets", { siteId, name: "Loop pump", assetType: "pump" });
      const charger = await make("/api/assets", {
        siteId: otherSite,
        name: "Bay 1",
        assetType: "ev_charger",
      });
      let flow: Connection;

      await t.step("an operator connects two assets of a site; the write is audited", async () => {
        flow = await api.json<Connection>("POST", "/api/asset-connections", {
          as: "operator",
          status: 201,
          body: {
            fromAssetId: chiller,
            toAssetId: ahu,
            relationship: "energy_flow",
            metadata: { pipe: "CHW-1" },
          },
        });
        assert.equal(flow.direction, "out", "direction defaults to out");
        await api.json("POST", "/api/asset-connections", {
          as: "operator",
          status: 201,
          body: { fromAssetId: pump, toAssetId: chiller, relationship: "dependency", direction: "bi" },
        });
        const audit = await api.audit("asset_connection");
        assert.deepEqual(audit.map((d) => [d.action, d.entityId]).slice(0, 1), [["create", flow.id]]);
      });
      await t.step("a viewer lists by site, asset, relationship and direction, and gets one", async () => {
        const list = (query: string) =>
          api.json<{ items: Connection[]; total: number }>("GET", `/api/asset-connections?${query}`, {
            as: "viewer",
          });
        assert.equal((await list(`site_id=${siteId}`)).total, 2);
        assert.equal((await list(`site_id=${otherSite}`)).total, 0);
        assert.deepEqual((await list(`from_asset_id=${chiller}`)).items.map((c) => c.id), [flow.id]);
        assert.equal((await list(`to_asset_id=${chiller}`)).items[0].relationship, "dependency");
        assert.equal((await list(`site_id=${siteId}&relationship=energy_flow`)).total, 1);
        assert.equal((await list("relationship=data_flow")).total, 0);
        assert.equal((await list("direction=bi")).total, 1);
        const one = await api.json<Connection>("GET", `/api/asset-connections/${flow.id}`, { as: "viewer" });
        assert.equal(one.toAssetId, ahu);
      });
      await t.step("a site lists its assets' connections on request", async () => {
        const site = await api.json<{ assetConnections: Connection[] }>(
          "GET",
          `/api/sites/${siteId}?include=assets,assetConnections`,
          { as: "viewer" },
        );
        assert.equal(site.assetConnections.length, 2);
        const other = await api.json<{ assetConnections: Connection[] }>(
          "GET",
          `/api/sites/${otherSite}?include=assetConnections`,
          { as: "viewer" },
        );
        assert.deepEqual(other.assetConnections, []);
      });
      await t.step("without a token 401, as a viewer 403 on every write", async () => {
        await api.problem("GET", "/api/asset-connections", 401);
        await api.problem("GET", `/api/asset-connections/${flow.id}`, 401);
        const body = { fromAssetId: ahu, toAssetId: pump, relationship: "data_flow" };
        await api.problem("POST", "/api/asset-connections", 403, { as: "viewer", body });
        await api.problem("PUT", `/api/asset-connections/${flow.id}`, 403, { as: "viewer", body });
        await api.problem("PATCH", `/api/asset-connections/${flow.id}`, 403, {
          as: "viewer",
          body: { direction: "in" },
        });
        await api.problem("DELETE", `/api/asset-connections/${flow.id}`, 403, { as: "viewer" });
      });
      await t.step("bad input: 400 for malformed fields and parameters", async () => {
        const bad = await api.problem("POST", "/api/asset-connections", 400, {
          as: "operator",
          body: { fromAssetId: "nope", toAssetId: ahu, relationship: "heat", extra: 1 },
        });
        assert.deepEqual(bad.errors?.map((e) => e.field).sort(), ["extra", "fromAssetId", "relationship"]);
        await api.problem("GET", "/api/asset-connections?relationship=heat", 400, { as: "viewer" });
        await api.problem("GET", "/api/asset-connections?site_id=x", 400, { as: "viewer" });
        await api.problem("GET", "/api/asset-connections/not-a-uuid", 400, { as: "viewer" });
      });
      await t.step("422 for a self-connection, an unknown asset, an asset of another site", async () => {
        const self = await api.problem("POST", "/api/asset-connections", 422, {
          as: "operator",
          body: { fromAssetId: ahu, toAssetId: ahu, relationship: "data_flow" },
        });
        assert.deepEqual(self.errors, [{
          field: "toAssetId",
          message: "must name another asset than fromAssetId",
        }]);
        await api.problem("PATCH", `/api/asset-connections/${flow.id}`, 422, {
          as: "operator",
          body: { toAssetId: chiller },
        });
        const ghost = crypto.randomUUID();
        const missing = await api.problem("POST", "/api/asset-connections", 422, {
          as: "operator",
          body: { fromAssetId: ghost, toAssetId: ahu, relationship: "energy_flow" },
        });
        assert.deepEqual(missing.errors, [{ field: "fromAssetId", message: "refers to no existing asset" }]);
        const both = await api.problem("POST", "/api/asset-connections", 422, {
          as: "operator",
          body: { fromAssetId: ghost, toAssetId: crypto.randomUUID(), relationship: "energy_flow" },
        });
        assert.deepEqual(both.errors?.map((e) => e.field), ["fromAssetId", "toAssetId"]);
        const across = await api.problem("POST", "/api/asset-connections", 422, {
          as: "operator",
          body: { fromAssetId: ahu, toAssetId: charger, relationship: "data_flow" },
        });
        assert.match(across.detail, /different sites/);
        await api.problem("PATCH", `/api/asset-connections/${flow.id}`, 422, {
          as: "operator",
          body: { toAssetId: charger },
        });
        assert.equal(
          (await api.json("GET", `/api/asset-connections/${flow.id}`, { as: "viewer" })).toAssetId,
          ahu,
        );
        await api.problem("POST", "/api/asset-connections", 409, {
          as: "operator",
          body: { fromAssetId: chiller, toAssetId: ahu, relationship: "energy_flow" },
        });
      });
      await t.step("an asset with connections cannot move to another site", async () => {
        const p = await api.problem("PATCH", `/api/assets/${ahu}`, 409, {
          as: "operator",
          body: { siteId: otherSite },
        });
        assert.deepEqual(p.errors?.map((e) => e.field), ["siteId"]);
        assert.equal((await api.json("GET", `/api/assets/${ahu}`, { as: "viewer" })).siteId, siteId);
        await api.json("PATCH", `/api/assets/${ahu}`, { as: "operator", body: { model: "AHU-9" } });
      });
      await t.step("update and delete; unknown ids are 404", async () => {
        const changed = await api.json<Connection>("PATCH", `/api/asset-connections/${flow.id}`, {
          as: "operator",
          body: { direction: "bi", toAssetId: pump },
        });
        assert.deepEqual([changed.direction, changed.toAssetId], ["bi", pump]);
        const unknown = crypto.randomUUID();
        await api.problem("GET", `/api/asset-connections/${unknown}`, 404, { as: "viewer" });
        await api.problem("PATCH", `/api/asset-connections/${unknown}`, 404, {
          as: "operator",
          body: { direction: "in" },
        });
        await api.json("DELETE", `/api/asset-connections/${flow.id}`, { as: "operator", status: 204 });
        await api.problem("DELETE", `/api/asset-connections/${flow.id}`, 404, { as: "operator" });
        const actions = (await api.audit("asset_connection")).filter((d) => d.entityId === flow.id)
          .map((d) => d.action);
        assert.deepEqual(actions, ["create", "update", "delete"]);
      });
      await t.step("deleting an asset deletes its connections", async () => {
        await api.json("DELETE", `/api/assets/${pump}`, { as: "operator", status: 204 });
        assert.equal(
          (await api.json("GET", `/api/asset-connections?site_id=${siteId}`, { as: "viewer" })).total,
          0,
        );
      });
    });
  });
}

for (const backend of pgBackends().filter((b) => b === "external")) {
  Deno.test("/api/asset-connections: a concurrent delete or move of an asset is judged after it (external)", async (t) => {
    await withApi(backend, async (api) => {
      const { sql } = api.db;
      const other = otherConnections(api.db);
      const site = await insertSite(sql);
      const otherSite = await insertSite(sql);
      const connect = (fromAssetId: string, toAssetId: string) => {
        const answer = api.problem("POST", "/api/asset-connections", 422, {
          as: "operator",
          body: { fromAssetId, toAssetId, relationship: "energy_flow" },
        });
        answer.catch(() => {}); // awaited by the step: a failure fails it, not the module
        return answer;
      };
      try {
        await t.step("an asset deleted meanwhile: 422 on its field once the delete commits", async () => {
          const [from, to] = [await insertAsset(sql, site), await insertAsset(sql, site)];
          const deleting = await holdTransaction(other, (tx) => tx`delete from assets where id = ${to}`);
          const answer = connect(from, to);
          await waitForLockWaiters(other, 1, "the connection's check waits for the asset's delete");
          await deleting.commit();
          assert.deepEqual((await answer).errors, [{
            field: "toAssetId",
            message: "refers to no existing asset",
          }]);
        });
        await t.step(
          "an asset moved to another site meanwhile: 422, no connection across sites",
          async () => {
            const [from, to] = [await insertAsset(sql, site), await insertAsset(sql, site)];
            const moving = await holdTransaction(
              other,
              (tx) => tx`update assets set site_id = ${otherSite} where id = ${to}`,
            );
            const answer = connect(from, to);
            await waitForLockWaiters(other, 1, "the connection's check waits for the asset's move");
            await moving.commit();
            assert.match((await answer).detail, /different sites/);
            assert.equal((await sql`select 1 from asset_connections where to_asset_id = ${to}`).length, 0);
          },
        );
      } finally {
        await other.end({ timeout: 1 }); // a transaction a failed step left open is cut off
      }
    });
  });
}
