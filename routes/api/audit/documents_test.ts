import assert from "node:assert/strict";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`audit, market signals and dispatch log (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      await t.step("market signals: record and list in a range", async () => {
        const signal = await api.json("POST", "/api/market-signals", {
          as: "operator",
          status: 201,
          body: { market: "EPEX day-ahead", price: 87.5, volume: 1200, timestamp: "2026-05-01T10:00:00Z" },
        });
        assert.equal(signal.timestamp, "2026-05-01T10:00:00.000Z");
        const page = await api.json(
          "GET",
          "/api/market-signals?start_time=2026-05-01T00:00:00Z&end_time=2026-05-02T00:00:00Z",
          { as: "viewer" },
        );
        assert.equal(page.total, 1);
        assert.equal(
          (await api.json("GET", "/api/market-signals", { as: "viewer" })).total,
          0,
          "default: the last day",
        );
        const p = await api.problem("POST", "/api/market-signals", 400, {
          as: "operator",
          body: { market: "", price: "high", volume: -1 },
        });
        assert.deepEqual(p.errors?.map((e) => e.field).sort(), ["market", "price", "volume"]);
      });
      await t.step("dispatch log: record and list with filters", async () => {
        await api.json("POST", "/api/dispatch-log", {
          as: "operator",
          status: 201,
          body: { plantName: "Peaker 1", volumeMw: 20, market: "afrr", direction: "up" },
        });
        const page = await api.json<{ items: { offerId: null }[]; total: number }>(
          "GET",
          "/api/dispatch-log?plant_name=Peaker%201",
          { as: "viewer" },
        );
        assert.equal(page.total, 1);
        assert.equal(page.items[0].offerId, null);
        await api.problem("POST", "/api/dispatch-log", 400, {
          as: "operator",
          body: { plantName: "P", volumeMw: 1, market: "m", direction: "sideways" },
        });
        await api.problem("POST", "/api/dispatch-log", 403, { as: "viewer", body: {} });
      });
      await t.step("audit/recent: every write above, newest first, operators only", async () => {
        const page = await api.json<{ items: { entity: string; username: string }[] }>(
          "GET",
          "/api/audit/recent",
          { as: "operator" },
        );
        assert.deepEqual(page.items.map((a) => a.entity), ["dispatch", "market_signal"]);
        assert.equal(page.items[0].username, "test-operator");
        assert.equal((await api.json("GET", "/api/audit/recent?entity=dispatch", { as: "admin" })).total, 1);
        await api.problem("GET", "/api/audit/recent", 403, { as: "viewer" });
        await api.problem("GET", "/api/audit/recent?page_size=0", 400, { as: "operator" });
      });
    });
  });
}
