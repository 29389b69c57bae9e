import assert from "node:assert/strict";
import { CHANGES_CHANNEL } from "../../../stores/cache/cache.ts";
import { pgBackends } from "../../../stores/postgres/testing.ts";
import { withApi } from "../../../api/testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`/api/alerts (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const { sql } = api.services;
      const [plant] =
        await sql`insert into plants (name, asset_type, capacity_mw) values ('Wind 7', 'wind', 30) returning id`;
      const alert = async (minutesAgo: number, type = "Spike", severity = "warning") => {
        const ts = new Date(Date.now() - minutesAgo * 60_000);
        const [row] = await sql`
          insert into alerts (entity_kind, entity_id, plant_id, type, severity, message, dedupe_key, ts, last_seen_at)
          values ('plant', ${plant.id}, ${plant.id}, ${type}, ${severity}, ${`${type} on Wind 7`}, ${crypto.randomUUID()}, ${ts}, ${ts})
          returning id`;
        return row.id as string;
      };
      const newest = await alert(1, "Spike", "critical");
      const older = await alert(60, "ThresholdExceeded");
      await alert(60 * 24 * 30, "System"); // outside the default day

      await t.step("recent: newest first, bounded by hours, filtered, paged", async () => {
        const page = await api.json<{ items: { id: string }[]; total: number }>("GET", "/api/alerts/recent", {
          as: "viewer",
        });
        assert.deepEqual(page.items.map((a) => a.id), [newest, older]);
        assert.equal((await api.json("GET", "/api/alerts/recent?hours=2160", { as: "viewer" })).total, 3);
        const critical = await api.json("GET", `/api/alerts/recent?severity=critical&plant_id=${plant.id}`, {
          as: "viewer",
        });
        assert.equal(critical.total, 1);
        const second = await api.json<{ items: { id: string }[] }>(
          "GET",
          "/api/alerts/recent?page=2&page_size=1",
          { as: "viewer" },
        );
        assert.deepEqual(second.items.map((a) => a.id), [older]);
        const p = await api.problem("GET", "/api/alerts/recent?hours=9999&state=closed", 400, {
          as: "viewer",
        });
        assert.deepEqual(p.errors?.map((e) => e.field).sort(), ["hours", "state"]);
      });
      await t.step("get one; unknown id 404", async () => {
        assert.equal((await api.json("GET", `/api/alerts/${newest}`, { as: "viewer" })).state, "open");
        await api.problem("GET", `/api/alerts/${crypto.randomUUID()}`, 404, { as: "viewer" });
      });
      await t.step("acknowledge, then resolve; each tells the actor, audits and announces", async () => {
        const seen: unknown[] = [];
        const unsubscribe = await api.cache.subscribe(CHANGES_CHANNEL, (m) => seen.push(m));
        const acked = await api.json("POST", `/api/alerts/${newest}/acknowledge`, {
          as: "operator",
          body: { note: "on it" },
        });
        assert.equal(acked.state, "acknowledged");
        assert.equal(acked.acknowledgedBy, "test-operator");
        assert.deepEqual(acked.details, { acknowledgeNote: "on it" });
        assert.deepEqual(api.runtime.calls.at(-1), {
          op: "notify",
          kind: "plant",
          id: plant.id,
          command: { type: "alert.acknowledged", alertId: newest, by: "test-operator" },
        });
        await api.problem("POST", `/api/alerts/${newest}/acknowledge`, 409, { as: "operator" });
        const resolved = await api.json("POST", `/api/alerts/${newest}/resolve`, { as: "operator" });
        assert.equal(resolved.state, "resolved");
        await api.problem("POST", `/api/alerts/${newest}/resolve`, 409, { as: "operator" });
        await new Promise((r) => setTimeout(r, 0));
        await unsubscribe();
        assert.deepEqual(seen.map((e) => (e as { type: string }).type), [
          "alert.acknowledged",
          "alert.resolved",
        ]);
        const audit = await api.audit("alert");
        assert.deepEqual(audit.map((d) => d.action).sort(), ["acknowledge", "resolve"]);
        const ack = audit.find((d) => d.action === "acknowledge")!;
        assert.equal((ack.before as { state: string }).state, "open");
      });
      await t.step("only operators act; bad ids and bodies are 400s", async () => {
        await api.problem("POST", `/api/alerts/${older}/resolve`, 403, { as: "viewer" });
        await api.problem("POST", `/api/alerts/${older}/resolve`, 401);
        await api.problem("POST", "/api/alerts/xyz/resolve", 400, { as: "operator" });
        const p = await api.problem("POST", `/api/alerts/${older}/resolve`, 400, {
          as: "operator",
          body: { note: 5 },
        });
        assert.deepEqual(p.errors, [{ field: "note", message: "must be a string" }]);
        await api.problem("POST", `/api/alerts/${crypto.randomUUID()}/acknowledge`, 404, { as: "operator" });
      });
      await t.step("summary: unresolved alerts by severity and state, whatever their age", async () => {
        await sql`update alerts set acknowledged_at = now() where id = ${older}`;
        const summary = await api.json("GET", "/api/alerts/summary", { as: "viewer" });
        assert.equal(summary.unresolved, 2);
        assert.deepEqual(summary.bySeverity, { critical: 0, warning: 2, info: 0 });
        assert.deepEqual(summary.byState, { open: 1, acknowledged: 1 });
        await api.problem("GET", "/api/alerts/summary", 401);
      });
    });
  });
}
