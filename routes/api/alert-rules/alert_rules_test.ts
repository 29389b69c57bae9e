import assert from "node:assert/strict";
import {
  holdTransaction,
  otherConnections,
  pgBackends,
  waitForLockWaiters,
} from "../../../stores/postgres/testing.ts";
import { type ApiHarness, withApi } from "../../../api/testing.ts";
import { insertPlant } from "../../../actors/testing.ts";
import { insertVen } from "../../../actors/ven/testing.ts";
import { insertMeter, insertSite } from "../../../actors/site/testing.ts";

interface Fleet {
  plant: string;
  ven: string;
  site: string;
  meter: string;
}

async function fleet(api: ApiHarness): Promise<Fleet> {
  const { sql } = api.db;
  const site = await insertSite(sql);
  return {
    plant: await insertPlant(sql),
    ven: await insertVen(sql),
    site,
    meter: await insertMeter(sql, site),
  };
}

const rule = (fields: Record<string, unknown> = {}) => ({
  name: "Output above licence",
  entityKind: "plant",
  metric: "power_mw",
  comparator: "above",
  threshold: 64,
  durationS: 60,
  severity: "critical",
  ...fields,
});

/** What the API told the runtime during `fn`. */
async function told(api: ApiHarness, fn: () => Promise<unknown>) {
  const from = api.runtime.calls.length;
  await fn();
  return api.runtime.calls.slice(from);
}

for (const backend of pgBackends()) {
  Deno.test(`/api/alert-rules (${backend})`, async (t) => {
    await withApi(backend, async (api) => {
      const f = await fleet(api);
      let id = "";
      await t.step("POST creates a rule, audits it and reconfigures its plant's actor", async () => {
        const calls = await told(api, async () => {
          const created = await api.json("POST", "/api/alert-rules", {
            as: "operator",
            status: 201,
            body: rule({ entityId: f.plant }),
          });
          id = created.id as string;
          assert.equal(created.entityId, f.plant);
          assert.equal(created.enabled, true);
          assert.equal(created.durationS, 60);
        });
        assert.deepEqual(calls, [{ op: "upsert", kind: "plant", id: f.plant }]);
        const [entry] = await api.audit("alert_rule");
        assert.equal(entry.action, "create");
        assert.equal(entry.entityId, id);
        assert.equal(entry.username, "test-operator");
      });
      await t.step("defaults: every entity of the kind, warning, enabled, held 0 s", async () => {
        const calls = await told(api, async () => {
          const created = await api.json("POST", "/api/alert-rules", {
            as: "admin",
            status: 201,
            body: {
              name: "Any VEN overloaded",
              entityKind: "ven",
              metric: "used_power_kw",
              comparator: "above",
              threshold: 1600,
            },
          });
          assert.deepEqual(
            [created.entityId, created.severity, created.enabled, created.durationS],
            [null, "warning", true, 0],
          );
        });
        assert.deepEqual(calls, [{ op: "reconfigure", kind: "ven", id: "*" }]);
      });
      await t.step("a meter's rule reconfigures its site's actor; a disabled one no actor", async () => {
        const meterCalls = await told(api, () =>
          api.json("POST", "/api/alert-rules", {
            as: "operator",
            status: 201,
            body: rule({ entityKind: "meter", entityId: f.meter, metric: "power", severity: "info" }),
          }));
        assert.deepEqual(meterCalls, [{ op: "upsert", kind: "site", id: f.site }]);
        const everyMeter = await told(api, () =>
          api.json("POST", "/api/alert-rules", {
            as: "operator",
            status: 201,
            body: rule({ entityKind: "meter", metric: "voltage", comparator: "below", threshold: 207 }),
          }));
        assert.deepEqual(everyMeter, [{ op: "reconfigure", kind: "site", id: "*" }]);
        const disabled = await told(api, () =>
          api.json("POST", "/api/alert-rules", {
            as: "operator",
            status: 201,
            body: rule({ name: "Later", enabled: false }),
          }));
        assert.deepEqual(disabled, []);
      });
      await t.step("GET lists with paging and each filter", async () => {
        const all = await api.json("GET", "/api/alert-rules", { as: "viewer" });
        assert.equal(all.total, 5);
        const count = async (query: string) =>
          (await api.json("GET", `/api/alert-rules?${query}`, { as: "viewer" })).total;
        assert.equal(await count("entity_kind=meter"), 2);
        assert.equal(await count(`entity_id=${f.plant}`), 1);
        assert.equal(await count("entity_id=null"), 3);
        assert.equal(await count("entity_kind=plant&entity_id=null"), 1);
        assert.equal(await count("metric=power_mw"), 2);
        assert.equal(await count("enabled=false"), 1);
        assert.equal(await count("enabled=true&severity=critical&comparator=above"), 1);
        const page = await api.json("GET", "/api/alert-rules?page=2&page_size=2", { as: "viewer" });
        assert.deepEqual([(page.items as unknown[]).length, page.page, page.pageSize], [2, 2, 2]);
      });
      await t.step("GET one, PATCH (updatedAt moves), PUT, DELETE", async () => {
        const before = await api.json("GET", `/api/alert-rules/${id}`, { as: "viewer" });
        assert.equal(before.name, "Output above licence");
        await new Promise((r) => setTimeout(r, 5));
        const patched = await api.json("PATCH", `/api/alert-rules/${id}`, {
          as: "operator",
          body: { threshold: 70.5 },
        });
        assert.equal(patched.threshold, 70.5);
        assert.equal(patched.createdAt, before.createdAt);
        assert.ok(Date.parse(patched.updatedAt as string) > Date.parse(before.updatedAt as string));
        const replaced = await api.json("PUT", `/api/alert-rules/${id}`, {
          as: "operator",
          body: rule({ entityId: f.plant, threshold: 66, durationS: 0 }),
        });
        assert.deepEqual([replaced.threshold, replaced.durationS], [66, 0]);
        const disabling = await told(
          api,
          () => api.json("PATCH", `/api/alert-rules/${id}`, { as: "operator", body: { enabled: false } }),
        );
        assert.deepEqual(disabling, [{ op: "upsert", kind: "plant", id: f.plant }], "its alerts resolve");
        const quiet = await told(
          api,
          () => api.json("PATCH", `/api/alert-rules/${id}`, { as: "operator", body: { name: "Still off" } }),
        );
        assert.deepEqual(quiet, [], "a disabled rule changes no actor");
        await api.json("PATCH", `/api/alert-rules/${id}`, { as: "operator", body: { enabled: true } });
        const deleting = await told(
          api,
          () => api.json("DELETE", `/api/alert-rules/${id}`, { as: "operator", status: 204 }),
        );
        assert.deepEqual(deleting, [{ op: "upsert", kind: "plant", id: f.plant }]);
        await api.problem("GET", `/api/alert-rules/${id}`, 404, { as: "viewer" });
        const actions = (await api.audit("alert_rule")).filter((d) => d.entityId === id).map((d) => d.action);
        assert.deepEqual(actions.sort(), [
          "create",
          "delete",
          "update",
          "update",
          "update",
          "update",
          "update",
        ]);
      });
      await t.step("moving a rule to every plant reconfigures them all", async () => {
        const r = await api.json("POST", "/api/alert-rules", {
          as: "operator",
          status: 201,
          body: rule({ entityId: f.plant }),
        });
        const calls = await told(
          api,
          () => api.json("PATCH", `/api/alert-rules/${r.id}`, { as: "operator", body: { entityId: null } }),
        );
        assert.deepEqual(calls, [{ op: "reconfigure", kind: "plant", id: "*" }]);
        const toVen = await told(api, () =>
          api.json("PATCH", `/api/alert-rules/${r.id}`, {
            as: "operator",
            body: { entityKind: "ven", entityId: f.ven, metric: "shed_power_kw" },
          }));
        assert.deepEqual(toVen, [
          { op: "reconfigure", kind: "plant", id: "*" },
          { op: "upsert", kind: "ven", id: f.ven },
        ]);
      });
      await t.step("without a token 401, as a viewer 403 on every write", async () => {
        const any = crypto.randomUUID();
        await api.problem("GET", "/api/alert-rules", 401);
        await api.problem("POST", "/api/alert-rules", 401, { body: rule() });
        await api.problem("GET", `/api/alert-rules/${any}`, 401);
        await api.problem("PUT", `/api/alert-rules/${any}`, 401, { body: rule() });
        await api.problem("PATCH", `/api/alert-rules/${any}`, 401, { body: { enabled: false } });
        await api.problem("DELETE", `/api/alert-rules/${any}`, 401);
        const [existing] = (await api.json("GET", "/api/alert-rules", { as: "viewer" })).items as {
          id: string;
        }[];
        const item = `/api/alert-rules/${existing.id}`;
        await api.problem("POST", "/api/alert-rules", 403, { as: "viewer", body: rule() });
        await api.problem("PUT", item, 403, { as: "viewer", body: rule() });
        await api.problem("PATCH", item, 403, { as: "viewer", body: { enabled: false } });
        await api.problem("DELETE", item, 403, { as: "viewer" });
        assert.equal((await api.json("GET", item, { as: "viewer" })).id, existing.id);
      });
      await t.step("bad input is a 400 naming the field", async () => {
        const fields = async (body: unknown) =>
          (await api.problem("POST", "/api/alert-rules", 400, { as: "operator", body })).errors?.map((e) =>
            e.field
          ).sort();
        assert.deepEqual(await fields(rule({ name: "  " })), ["name"]);
        assert.deepEqual(await fields(rule({ name: "x".repeat(201) })), ["name"]);
        assert.deepEqual(await fields(rule({ threshold: "high" })), ["threshold"]);
        assert.deepEqual(await fields(rule({ threshold: null })), ["threshold"]);
        assert.deepEqual(await fields(rule({ durationS: 1.5 })), ["durationS"]);
        assert.deepEqual(await fields(rule({ durationS: -1 })), ["durationS"]);
        assert.deepEqual(await fields(rule({ durationS: 604_801 })), ["durationS"]);
        assert.deepEqual(await fields(rule({ metric: "" })), ["metric"]);
        assert.deepEqual(await fields(rule({ metric: "Power MW" })), ["metric"]);
        assert.deepEqual(await fields(rule({ metric: "m".repeat(41) })), ["metric"]);
        assert.deepEqual(await fields(rule({ entityKind: "site" })), ["entityKind"]);
        assert.deepEqual(await fields(rule({ entityId: "plant-1" })), ["entityId"]);
        assert.deepEqual(await fields(rule({ comparator: "equals", severity: "fatal" })), [
          "comparator",
          "severity",
        ]);
        assert.deepEqual(await fields(rule({ colour: "red" })), ["colour"]);
        const venMetric = await api.problem("POST", "/api/alert-rules", 400, {
          as: "operator",
          body: rule({ entityKind: "ven", metric: "power_mw" }),
        });
        assert.deepEqual(venMetric.errors, [{
          field: "metric",
          message: "must be one of used_power_kw, shed_power_kw for a ven rule",
        }]);
        const query = await api.problem(
          "GET",
          "/api/alert-rules?entity_kind=site&entity_id=x&enabled=yes",
          400,
          {
            as: "viewer",
          },
        );
        assert.deepEqual(query.errors?.map((e) => e.field).sort(), ["enabled", "entity_id", "entity_kind"]);
        await api.problem("GET", "/api/alert-rules/not-a-uuid", 400, { as: "viewer" });
      });
      await t.step("an entity that does not exist, or is of another kind, is a 422 on entityId", async () => {
        for (const body of [rule({ entityId: crypto.randomUUID() }), rule({ entityId: f.ven })]) {
          const p = await api.problem("POST", "/api/alert-rules", 422, { as: "operator", body });
          assert.deepEqual(p.errors, [{ field: "entityId", message: "refers to no existing plant" }]);
        }
        const r = await api.json("POST", "/api/alert-rules", {
          as: "operator",
          status: 201,
          body: rule({ name: "Kept", entityId: f.plant }),
        });
        const calls = await told(api, async () => {
          // a PATCH is judged with the fields it keeps: this plant is no VEN
          const p = await api.problem("PATCH", `/api/alert-rules/${r.id}`, 422, {
            as: "operator",
            body: { entityKind: "ven", metric: "used_power_kw" },
          });
          assert.deepEqual(p.errors?.map((e) => e.field), ["entityId"]);
          const m = await api.problem("PATCH", `/api/alert-rules/${r.id}`, 400, {
            as: "operator",
            body: { entityKind: "meter", entityId: f.meter },
          });
          assert.deepEqual(m.errors?.map((e) => e.field), ["metric"]);
        });
        assert.deepEqual(calls, [], "a refused write tells no actor");
        const kept = await api.json("GET", `/api/alert-rules/${r.id}`, { as: "viewer" });
        assert.deepEqual([kept.entityKind, kept.entityId, kept.metric], ["plant", f.plant, "power_mw"]);
        // the rules of a deleted plant go with it (migration 0180)
        await api.db.sql`delete from plants where id = ${f.plant}`;
        await api.problem("GET", `/api/alert-rules/${r.id}`, 404, { as: "viewer" });
      });
      await t.step("an unknown id is a 404 for every item method", async () => {
        const path = `/api/alert-rules/${crypto.randomUUID()}`;
        await api.problem("GET", path, 404, { as: "viewer" });
        await api.problem("PUT", path, 404, { as: "operator", body: rule() });
        await api.problem("PATCH", path, 404, { as: "operator", body: { enabled: false } });
        await api.problem("DELETE", path, 404, { as: "operator" });
      });
    });
  });
}

for (const backend of pgBackends()) {
  Deno.test(`/api/alert-rules: deleting an entity deletes its rules, whatever deletes it (${backend})`, async () => {
    await withApi(backend, async (api) => {
      const f = await fleet(api);
      const otherMeter = await insertMeter(api.db.sql, f.site);
      const create = async (fields: Record<string, unknown>) =>
        (await api.json("POST", "/api/alert-rules", { as: "operator", status: 201, body: rule(fields) }))
          .id as string;
      const plantRule = await create({ entityId: f.plant });
      const venRule = await create({ entityKind: "ven", entityId: f.ven, metric: "used_power_kw" });
      const meterRule = await create({ entityKind: "meter", entityId: f.meter, metric: "power" });
      const siteMeterRule = await create({ entityKind: "meter", entityId: otherMeter, metric: "voltage" });
      const everyPlant = await create({ name: "Every plant" });
      const exists = async (id: string) =>
        (await api.request("GET", `/api/alert-rules/${id}`, { as: "viewer" })).status;

      await api.json("DELETE", `/api/plants/${f.plant}`, { as: "operator", status: 204 });
      assert.equal(await exists(plantRule), 404, "the API's delete of a plant");
      const meterCalls = await told(
        api,
        () => api.json("DELETE", `/api/meters/${f.meter}`, { as: "operator", status: 204 }),
      );
      assert.equal(await exists(meterRule), 404, "the API's delete of a meter");
      assert.deepEqual(meterCalls, [{ op: "upsert", kind: "site", id: f.site }], "its site's actor reloads");
      await api.json("DELETE", `/api/sites/${f.site}`, { as: "operator", status: 204 });
      assert.equal(await exists(siteMeterRule), 404, "a site's delete, cascading to its meters");
      await api.db.sql`delete from vens where id = ${f.ven}`;
      assert.equal(await exists(venRule), 404, "a delete in SQL");
      const left = await api.json<{ items: { id: string }[] }>("GET", "/api/alert-rules", { as: "viewer" });
      assert.deepEqual(left.items.map((r) => r.id), [everyPlant], "a rule for every plant stays");
    });
  });
}

for (const backend of pgBackends().filter((b) => b === "external")) {
  Deno.test("/api/alert-rules: a rule and its entity's concurrent delete leave no rule behind (external)", async (t) => {
    await withApi(backend, async (api) => {
      const other = otherConnections(api.db);
      try {
        const rulesOf = async (plant: string) =>
          (await api.db.sql`select 1 from alert_rules where entity_id = ${plant}`).length;
        await t.step("a delete first: the rule waits for its commit and is refused with a 422", async () => {
          const plant = await insertPlant(api.db.sql);
          const deleting = await holdTransaction(other, (tx) => tx`delete from plants where id = ${plant}`);
          const posting = api.problem("POST", "/api/alert-rules", 422, {
            as: "operator",
            body: rule({ entityId: plant }),
          });
          posting.catch(() => {}); // awaited below: a failure fails the step, not the module
          await waitForLockWaiters(other, 1, "the rule's check did not wait for the plant's delete");
          await deleting.commit();
          const p = await posting;
          assert.deepEqual(p.errors, [{ field: "entityId", message: "refers to no existing plant" }]);
          assert.equal(await rulesOf(plant), 0);
        });
        await t.step(
          "a rule first: its check holds the plant, whose delete then deletes the rule",
          async () => {
            const plant = await insertPlant(api.db.sql);
            // holds the rule's insert after its check (an insert needs ROW EXCLUSIVE on alert_rules)
            const pause = await holdTransaction(other, (tx) => tx`lock table alert_rules in share mode`);
            const posting = api.json("POST", "/api/alert-rules", {
              as: "operator",
              status: 201,
              body: rule({ entityId: plant }),
            });
            posting.catch(() => {});
            await waitForLockWaiters(other, 1, "the rule's insert waits for the paused table");
            const locked = await other.begin((tx) =>
              tx`select 1 from plants where id = ${plant} for update nowait`
            )
              .then(() => false, (error) => error.code === "55P03");
            assert.ok(locked, "the plant is locked by the rule's transaction until it commits");
            const deleting = other`delete from plants where id = ${plant}`.then(() => {});
            await waitForLockWaiters(other, 2, "the plant's delete waits for the rule's commit");
            await pause.commit();
            await posting;
            await deleting;
            assert.equal(await rulesOf(plant), 0, "the delete, run after the rule's commit, deleted it");
          },
        );
      } finally {
        await other.end({ timeout: 1 }); // a transaction a failed step left open is cut off
      }
    });
  });
}
