/**
 * The "done means", end to end on embedded defaults (PGlite, aedes, in-process cache): a spike
 * makes a Spike alert appear in PostgreSQL and in the cache within a second, and a plant that stops
 * sending gets a System alert at its deadline (k x expected interval after its last reading).
 */
import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { startEmbeddedBroker } from "../mqtt/broker.ts";
import { keys } from "../stores/cache/cache.ts";
import { withTestDatabase } from "../stores/postgres/testing.ts";
import { startRuntime, waitFor } from "../actors/runtime_testing.ts";
import { insertPlant } from "../actors/testing.ts";

interface Live {
  status: string;
  openAlerts: { type: string }[];
}

Deno.test("embedded defaults: a spike is a Spike alert in PostgreSQL and the cache within 1 s; silence a System alert at the deadline", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await startEmbeddedBroker({ port: 0, log: silentLogger });
    const plant = await insertPlant(sql, { expectedIntervalS: 1 }); // default detection: warm-up 10, spike 3x, gap 3x
    const rt = await startRuntime(sql, broker.url, { workers: 2, shards: 64 });
    try {
      const t0 = Date.now();
      for (let i = 0; i < 12; i++) await rt.send(plant, { ts: t0 + i, mw: 20 });
      const sent = performance.now();
      await rt.send(plant, { ts: t0 + 12, mw: 75 });
      await waitFor(
        async () => (await sql`select 1 from alerts where plant_id = ${plant} and type = 'Spike'`).length > 0,
        "Spike in PostgreSQL",
        1_000,
        5,
      );
      const inPostgres = performance.now() - sent;
      const live = await waitFor(
        async () => {
          const state = await rt.cache.get<Live>(keys.actor("plant", plant));
          return state?.openAlerts.some((a) => a.type === "Spike") && state;
        },
        "Spike in the cache",
        1_000,
        5,
      );
      const inCache = performance.now() - sent;
      assert.ok(
        inPostgres < 1_000 && inCache < 1_000,
        `Spike after ${inPostgres.toFixed(0)} ms (PostgreSQL), ${inCache.toFixed(0)} ms (cache)`,
      );
      assert.equal(live.status, "alerting");

      // The plant goes silent after the spike: deadline = its arrival + 3 x 1 s.
      await waitFor(
        async () =>
          (await sql`select 1 from alerts where plant_id = ${plant} and type = 'System'`).length > 0,
        "System alert",
        5_000,
        10,
      );
      const silentFor = performance.now() - sent;
      assert.ok(
        silentFor >= 3_000 && silentFor < 4_000,
        `System alert ${silentFor.toFixed(0)} ms after the last reading (deadline 3000 ms)`,
      );
      const silent = await waitFor(
        async () => {
          const state = await rt.cache.get<Live>(keys.actor("plant", plant));
          return state?.status === "silent" && state;
        },
        "silent status in the cache",
        1_000,
        5,
      );
      assert.ok(silent.openAlerts.some((a) => a.type === "System"));
      console.log(
        `Spike: ${inPostgres.toFixed(0)} ms to PostgreSQL, ${
          inCache.toFixed(0)
        } ms to the cache; System alert ${silentFor.toFixed(0)} ms after the last reading`,
      );
    } finally {
      await rt.stop();
      await broker.close();
    }
  }));
