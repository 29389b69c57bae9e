import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`/api/offers (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const plant = await api.json("POST", "/api/plants", {
        as: "operator",
        body: { name: "Peaker 1", assetType: "gas_peaker", capacityMw: 50 },
      });
      const offer = {
        name: "Evening up",
        plantId: plant.id,
        direction: "up",
        volumeMw: 10,
        priceEurMwh: 120.5,
        deliveryStart: "2026-06-01T17:00:00Z",
        deliveryEnd: "2026-06-01T18:00:00+00:00",
        market: "intraday",
      };
      let id = "";
      await t.step("create, list, get, update, delete", async () => {
        const created = await api.json("POST", "/api/offers", { as: "operator", body: offer, status: 201 });
        id = created.id as string;
        assert.equal(created.status, "draft");
        assert.equal(created.deliveryEnd, "2026-06-01T18:00:00.000Z");
        const page = await api.json("GET", `/api/offers?plant_id=${plant.id}&status=draft`, { as: "viewer" });
        assert.equal(page.total, 1);
        const patched = await api.json("PATCH", `/api/offers/${id}`, {
          as: "operator",
          body: { status: "submitted" },
        });
        assert.equal(patched.status, "submitted");
        const replaced = await api.json("PUT", `/api/offers/${id}`, {
          as: "operator",
          body: { ...offer, volumeMw: 5 },
        });
        assert.equal(replaced.volumeMw, 5);
        assert.equal((await api.json("GET", `/api/offers/${id}`, { as: "viewer" })).volumeMw, 5);
        await api.json("DELETE", `/api/offers/${id}`, { as: "operator", status: 204 });
        // writes within one millisecond share a timestamp: compare what was recorded, not its order
        const actions = (await api.audit("offer")).map((d) => d.action).sort();
        assert.deepEqual(actions, ["create", "delete", "update", "update"]);
      });
      await t.step("a delivery window that ends before it starts is a 400 on deliveryEnd", async () => {
        const p = await api.problem("POST", "/api/offers", 400, {
          as: "operator",
          body: { ...offer, deliveryEnd: "2026-06-01T16:00:00Z" },
        });
        assert.deepEqual(p.errors, [{ field: "deliveryEnd", message: "must be after deliveryStart" }]);
      });
      await t.step("an offer for a plant that does not exist is a 422 on plantId", async () => {
        const p = await api.problem("POST", "/api/offers", 422, {
          as: "operator",
          body: { ...offer, plantId: crypto.randomUUID() },
        });
        assert.deepEqual(p.errors?.map((e) => e.field), ["plantId"]);
      });
      await t.step("an unknown id is a 404, a viewer cannot write", async () => {
        await api.problem("PATCH", `/api/offers/${crypto.randomUUID()}`, 404, {
          as: "operator",
          body: { name: "x" },
        });
        await api.problem("DELETE", `/api/offers/${id}`, 403, { as: "viewer" });
        await api.problem("GET", "/api/offers", 401);
      });
    });
  });
}
