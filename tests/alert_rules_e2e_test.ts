/**
 * Alert rules from the API to the actors, with the reconciler switched off: a rule created through
 * `POST /api/alert-rules` makes the plant's actor raise ThresholdExceeded for the next violating reading,
 * and deleting or disabling it resolves that alert and raises no more; a rule for every plant is answered
 * once stored, and its actors are reconfigured after the answer. The API runs through
 * `app.handler()` (api/testing.ts) with a real actor runtime in place of the recording fake.
 */
import assert from "node:assert/strict";
import { withApi } from "../api/testing.ts";
import { insertPlant } from "../actors/testing.ts";
import { countReadings, purgeSessions, startRuntime, waitFor } from "../actors/runtime_testing.ts";
import { testBroker } from "../mqtt/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { holdTransaction, otherConnections, pgBackends } from "../stores/postgres/testing.ts";

interface AlertRow {
  id: string;
  dedupe_key: string;
  value: number;
  threshold: number;
  resolved_at: Date | null;
}

async function thresholdAlerts(sql: Sql, plant: string): Promise<AlertRow[]> {
  const rows = await sql<AlertRow[]>`
    select id, dedupe_key, value, threshold, resolved_at from alerts
    where plant_id = ${plant} and type = 'ThresholdExceeded' order by ts`;
  return [...rows];
}

Deno.test("alert rules written through the API reach the plant actors at once, without the reconciler", () =>
  withApi("embedded", async (api) => {
    const { sql } = api.db;
    const plant = await insertPlant(sql, { capacityMw: 100 });
    const other = await insertPlant(sql, { capacityMw: 100 });
    const broker = await testBroker();
    const rt = await startRuntime(sql, broker.url, { reconcileIntervalMs: 0 });
    api.services.runtime = rt.runtime;
    try {
      const t0 = Date.now() - 60_000;
      let sent = 0;
      /** Sends a reading of `plant` and waits until it is committed (alerts commit with it). */
      const reading = async (mw: number) => {
        sent++;
        await rt.send(plant, { ts: t0 + sent * 1000, mw });
        await waitFor(async () => (await countReadings(sql, [plant])) === sent, `reading ${sent} committed`);
      };
      await reading(4);
      assert.deepEqual(await thresholdAlerts(sql, plant), []);

      // one plant's rule
      const created = await api.json("POST", "/api/alert-rules", {
        as: "operator",
        status: 201,
        body: {
          name: "Above 5 MW",
          entityKind: "plant",
          entityId: plant,
          metric: "power_mw",
          comparator: "above",
          threshold: 5,
        },
      });
      await reading(6);
      const [open] = await thresholdAlerts(sql, plant);
      assert.ok(open, "the rule's alert opened with the first violating reading");
      assert.deepEqual(
        [open.dedupe_key, open.value, open.threshold, open.resolved_at],
        [`ThresholdExceeded:rule:${created.id}`, 6, 5, null],
      );
      assert.deepEqual(await thresholdAlerts(sql, other), [], "only the rule's plant");

      await api.json("DELETE", `/api/alert-rules/${created.id}`, { as: "operator", status: 204 });
      await waitFor(
        async () => (await thresholdAlerts(sql, plant))[0]?.resolved_at !== null,
        "the deleted rule's alert resolved",
      );
      await reading(7);
      const afterDelete = await thresholdAlerts(sql, plant);
      assert.equal(afterDelete.length, 1, "no new alert once the rule is deleted");

      // a rule for every plant, then disabled
      const everyPlant = await api.json("POST", "/api/alert-rules", {
        as: "operator",
        status: 201,
        body: {
          name: "Any plant above 5 MW",
          entityKind: "plant",
          metric: "power_mw",
          comparator: "above",
          threshold: 5,
        },
      });
      await rt.runtime.reconfigured("plant"); // the request returned once the change was ordered
      await reading(8);
      const raised = (await thresholdAlerts(sql, plant)).filter((a) => a.resolved_at === null);
      assert.deepEqual(raised.map((a) => a.dedupe_key), [`ThresholdExceeded:rule:${everyPlant.id}`]);
      await api.json("PATCH", `/api/alert-rules/${everyPlant.id}`, {
        as: "operator",
        body: { enabled: false },
      });
      await waitFor(
        async () => (await thresholdAlerts(sql, plant)).every((a) => a.resolved_at !== null),
        "the disabled rule's alert resolved",
      );
      await reading(9);
      assert.equal((await thresholdAlerts(sql, plant)).length, 2, "a disabled rule raises nothing");
    } finally {
      api.services.runtime = api.runtime;
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));

for (const backend of pgBackends().filter((b) => b === "external")) {
  Deno.test("a rule for every plant is answered once stored; its actors are reconfigured after (external)", () =>
    withApi(backend, async (api) => {
      const { sql } = api.db;
      const plant = await insertPlant(sql, { capacityMw: 100 });
      const broker = await testBroker();
      const rt = await startRuntime(sql, broker.url, { reconcileIntervalMs: 0 });
      api.services.runtime = rt.runtime;
      const other = otherConnections(api.db, 1);
      const metric = (name: string) =>
        Number(new RegExp(`^${name} (\\d+)$`, "m").exec(rt.runtime.metrics())?.[1]);
      try {
        // the reconfiguration reads the plants: it waits here until the lock is released
        const pause = await holdTransaction(other, (tx) => tx`lock table plants in access exclusive mode`);
        let timer: number | undefined;
        const created = await Promise.race([
          api.json("POST", "/api/alert-rules", {
            as: "operator",
            status: 201,
            body: {
              name: "Any plant above 5 MW",
              entityKind: "plant",
              metric: "power_mw",
              comparator: "above",
              threshold: 5,
            },
          }),
          new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 5_000))),
        ]).finally(() => clearTimeout(timer));
        assert.ok(created, "answered within 5 s, without waiting for the actors' reconfiguration");
        assert.equal(metric(`gridpulse_reconfigure_pending\\{kind="plant"\\}`), 1);
        assert.match(rt.runtime.check().detail ?? "", /reconfiguring every plant actor/);
        await pause.commit();
        await rt.runtime.reconfigured("plant");
        assert.equal(metric(`gridpulse_reconfigure_pending\\{kind="plant"\\}`), 0);
        assert.equal(metric("gridpulse_reconfigure_passes_total"), 1);
        await rt.send(plant, { ts: Date.now(), mw: 6 });
        await waitFor(
          async () =>
            (await thresholdAlerts(sql, plant)).some((a) =>
              a.dedupe_key === `ThresholdExceeded:rule:${created.id}`
            ),
          "the rule's alert, once its actors were reconfigured",
        );
      } finally {
        await other.end({ timeout: 1 }); // a lock a failed assertion left is cut off
        api.services.runtime = api.runtime;
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 8);
        await broker.close();
      }
    }));
}
