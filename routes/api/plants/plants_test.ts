import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`/api/plants (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      let id = "";
      await t.step("POST creates a plant, audits it and tells the runtime", async () => {
        const plant = await api.json("POST", "/api/plants", {
          as: "operator",
          status: 201,
          body: { name: "Solar North", assetType: "solar", capacityMw: 12.5 },
        });
        id = plant.id as string;
        assert.equal(plant.status, "online");
        assert.deepEqual(api.runtime.calls.at(-1), { op: "upsert", kind: "plant", id });
        const [entry] = await api.audit("plant");
        assert.equal(entry.action, "create");
        assert.equal(entry.username, "test-operator");
        assert.equal((entry.after as { name: string }).name, "Solar North");
      });
      await t.step("GET lists with paging and filters", async () => {
        const page = await api.json("GET", "/api/plants?page_size=10&asset_type=solar", { as: "viewer" });
        assert.equal(page.total, 1);
        assert.equal(page.pageSize, 10);
      });
      await t.step("GET one, PATCH, PUT, DELETE", async () => {
        assert.equal((await api.json("GET", `/api/plants/${id}`, { as: "viewer" })).name, "Solar North");
        const patched = await api.json("PATCH", `/api/plants/${id}`, {
          as: "operator",
          body: { capacityMw: 20 },
        });
        assert.equal(patched.capacityMw, 20);
        const replaced = await api.json("PUT", `/api/plants/${id}`, {
          as: "operator",
          body: { name: "Solar North", assetType: "solar", capacityMw: 15 },
        });
        assert.equal(replaced.capacityMw, 15);
        await api.json("DELETE", `/api/plants/${id}`, { as: "operator", status: 204 });
        await api.problem("GET", `/api/plants/${id}`, 404, { as: "viewer" });
        assert.deepEqual(api.runtime.calls.at(-1), { op: "remove", kind: "plant", id });
      });
      await t.step("bad input is a 400 naming the field", async () => {
        const p = await api.problem("POST", "/api/plants", 400, {
          as: "operator",
          body: { name: "X", assetType: "nuclear", capacityMw: "big", colour: "red" },
        });
        assert.deepEqual(p.errors?.map((e) => e.field).sort(), ["assetType", "capacityMw", "colour"]);
        const q = await api.problem("GET", "/api/plants?page_size=501", 400, { as: "viewer" });
        assert.deepEqual(q.errors, [{ field: "page_size", message: "must be at most 500" }]);
        await api.problem("GET", "/api/plants/not-a-uuid", 400, { as: "viewer" });
        // PostgreSQL cannot store U+0000: a 400 saying so, not a 500
        const nul = await api.problem("POST", "/api/plants", 400, {
          as: "operator",
          body: { name: "Pe\u0000aker", assetType: "wind", capacityMw: 1 },
        });
        assert.match(nul.detail, /U\+0000/);
      });
      await t.step("a duplicate name is a 409 naming the field", async () => {
        await api.json("POST", "/api/plants", {
          as: "operator",
          status: 201,
          body: { name: "Dup", assetType: "wind", capacityMw: 1 },
        });
        const p = await api.problem("POST", "/api/plants", 409, {
          as: "operator",
          body: { name: "Dup", assetType: "wind", capacityMw: 1 },
        });
        assert.deepEqual(p.errors, [{ field: "name", message: "is already taken" }]);
      });
      await t.step("no token is a 401, a viewer writing is a 403", async () => {
        await api.problem("GET", "/api/plants", 401);
        await api.problem("POST", "/api/plants", 403, {
          as: "viewer",
          body: { name: "Y", assetType: "wind", capacityMw: 1 },
        });
      });
    });
  });
}
