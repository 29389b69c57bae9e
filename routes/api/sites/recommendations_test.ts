import assert from "node:assert/strict";
import { insertSite } from "../../../actors/site/testing.ts";
import { withApi } from "../../../api/testing.ts";
import { craftedSite } from "../../../recommendations/testing.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";

const HOUR = 3_600_000;

interface Run {
  reason: string | null;
  created: { id: string; rule: string }[];
  updated: { id: string; rule: string }[];
  kept: { id: string; rule: string; status: string }[];
  notFired: { rule: string; outcome: string }[];
}

for (const backend of pgBackends()) {
  Deno.test(`POST /api/sites/{siteId}/recommendations/generate (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const { site } = await craftedSite(api.db.sql, Math.floor(Date.now() / HOUR) * HOUR);
      const path = `/api/sites/${site}/recommendations/generate`;

      await t.step("operators only", async () => {
        await api.problem("POST", path, 401);
        assert.match((await api.problem("POST", path, 403, { as: "viewer" })).detail, /operator role/);
        await api.problem("POST", `/api/sites/${crypto.randomUUID()}/recommendations/generate`, 404, {
          as: "operator",
        });
        await api.problem("POST", "/api/sites/not-a-uuid/recommendations/generate", 400, { as: "operator" });
        assert.equal((await api.audit("recommendation")).length, 0, "nothing was written");
      });

      let ids: Record<string, string> = {};
      await t.step("creates what fires, with figures and reasons, and audits it", async () => {
        const run = await api.json<Run>("POST", path, { as: "operator" });
        assert.equal(run.reason, null);
        ids = Object.fromEntries(run.created.map((r) => [r.rule, r.id]));
        assert.deepEqual(Object.keys(ids).sort(), [
          "daytime_solar",
          "grid_capacity_peak",
          "low_power_factor",
          "peak_load_shift",
        ]);
        assert.deepEqual(run.notFired.map((v) => [v.rule, v.outcome]), [["idle_storage", "clear"]]);
        const audit = await api.audit("recommendation");
        assert.deepEqual(audit.map((a) => a.action), ["create", "create", "create", "create"]);
        assert.equal(audit[0].username, "test-operator");
        const listed = await api.json<{ items: Record<string, unknown>[] }>(
          "GET",
          `/api/recommendations?site_id=${site}&recommendation_type=demand_response`,
          { as: "viewer" },
        );
        assert.equal(listed.items.length, 1);
        const [peak] = listed.items;
        assert.equal(peak.rule, "grid_capacity_peak");
        assert.equal(peak.estimatedSavingsEur, 2640);
        assert.match((peak.metadata as { reason: string }).reason, /Grid import reached 400 kW/);
      });

      await t.step("a second run updates them; what a user decided is kept as it is", async () => {
        await api.json("PATCH", `/api/recommendations/${ids.daytime_solar}`, {
          as: "operator",
          body: { status: "rejected" },
        });
        const rejected = await api.json("GET", `/api/recommendations/${ids.daytime_solar}`, { as: "viewer" });
        const run = await api.json<Run>("POST", path, { as: "operator" });
        assert.equal(run.created.length, 0);
        assert.deepEqual(run.updated.map((r) => r.rule).sort(), [
          "grid_capacity_peak",
          "low_power_factor",
          "peak_load_shift",
        ]);
        assert.deepEqual(run.kept.map((r) => [r.id, r.status]), [[ids.daytime_solar, "rejected"]]);
        assert.deepEqual(
          await api.json("GET", `/api/recommendations/${ids.daytime_solar}`, { as: "viewer" }),
          rejected,
        );
        const page = await api.json<{ total: number }>("GET", `/api/recommendations?site_id=${site}`, {
          as: "viewer",
        });
        assert.equal(page.total, 4, "no duplicates");
        const updates = (await api.audit("recommendation")).filter((a) => a.action === "update" && a.before);
        assert.equal(updates.length, 1 + 3, "the user's change and the three refreshed");
      });

      await t.step("a site without data gets nothing, and the answer says why", async () => {
        const empty = await insertSite(api.db.sql);
        const run = await api.json<Run>("POST", `/api/sites/${empty}/recommendations/generate`, {
          as: "operator",
        });
        assert.match(run.reason!, /^Not enough data: 0 hours/);
        assert.equal(run.created.length, 0);
      });
    });
  });
}
