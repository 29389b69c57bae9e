/**
 * A rejected message, end to end: published over MQTT to the real runtime (workers, catch-all, writer),
 * recorded as rejected, and read back through `GET /api/telemetry/events` with its reason, and counted
 * in `GET /api/ingestion-log`.
 */
import assert from "node:assert/strict";
import { purgeSessions, startRuntime, waitFor } from "../actors/runtime_testing.ts";
import { insertPlant } from "../actors/testing.ts";
import { privateBroker } from "../mqtt/testing.ts";
import { withApi } from "../api/testing.ts";

interface EventPage {
  items: { kind: string | null; entityId: string | null; topic: string; reason: string; payload: unknown }[];
  total: number;
}

Deno.test("a bad payload and an unknown id published over MQTT show up in /api/telemetry/events with their reasons", () =>
  withApi("embedded", async (api) => {
    const { sql } = api.services;
    const broker = await privateBroker(); // its catch-all would count other tests' telemetry on a shared broker
    const plant = await insertPlant(sql);
    const stranger = crypto.randomUUID();
    const rt = await startRuntime(sql, broker.url, { workers: 1, shards: 2, documents: api.documents });
    try {
      await rt.send(plant, { ts: new Date().toISOString(), mw: "n/a" });
      await rt.send(stranger, { ts: new Date().toISOString(), mw: 1 });
      await rt.send(plant, { ts: new Date().toISOString(), mw: 3 });
      const list = (query: string) =>
        api.json<EventPage>("GET", `/api/telemetry/events${query}`, { as: "viewer" });
      await waitFor(async () => (await list("")).total >= 2, "both rejections recorded", 20_000, 100);

      const bad = await list(`?kind=plant&id=${plant}`);
      assert.equal(bad.total, 1, "the valid reading is not an event");
      assert.equal(bad.items[0].topic, `gridpulse/plants/${plant}/telemetry`);
      assert.match(bad.items[0].reason, /mw/, "the validation problem names the field");
      assert.match(String(bad.items[0].payload), /"mw":"n\/a"/, "the payload as received");

      const unknown = await list(`?id=${stranger}`);
      assert.deepEqual(unknown.items.map((e) => [e.kind, e.reason]), [["plant", "unknown plant id"]]);
      assert.equal((await list("?reason=unknown%20plant%20id")).total, 1);

      const totals = () =>
        api.json<{ totals: { accepted: number; rejected: number } }>(
          "GET",
          "/api/ingestion-log?source=mqtt%3Aplant",
          { as: "viewer" },
        ).then((page) => page.totals);
      // the unknown id is counted by the catch-all under its topic's kind, the valid reading as accepted
      const counted = await waitFor(
        async () => {
          const t = await totals();
          return t.accepted >= 1 && t.rejected >= 2 ? t : undefined;
        },
        "the ingestion log counts",
        20_000,
        100,
      );
      assert.deepEqual(counted, { accepted: 1, rejected: 2 });
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 2);
      await broker.close();
    }
  }));
