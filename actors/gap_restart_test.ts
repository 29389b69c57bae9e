import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { topics } from "../domain/telemetry.ts";
import { createMqttPublisher } from "../mqtt/publisher.ts";
import { privateBroker, uniqueClientPrefix } from "../mqtt/testing.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { countReadings, purgeSessions, startRuntime, waitFor } from "./runtime_testing.ts";
import { insertPlant } from "./testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`a restart raises no gap alert for a plant that kept publishing while GridPulse was down, and one for a plant that did not, after the grace (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await privateBroker();
      const prefix = uniqueClientPrefix("gr");
      // reporting every 2 s: a gap is 6 s of silence, and the grace after a start is also 6 s (a shorter
      // interval let a start and stop slowed by a loaded machine outlast the gap in the first run)
      const kept = await insertPlant(sql, { expectedIntervalS: 2 });
      const silent = await insertPlant(sql, { expectedIntervalS: 2 });
      const first = await startRuntime(sql, broker.url, { clientIdPrefix: prefix });
      const publisher = await createMqttPublisher({
        url: broker.url,
        backend: "external",
        log: silentLogger,
        clientId: `${prefix}-devices`,
      });
      const send = (plant: string) =>
        publisher.publish(topics.plantTelemetry(plant), { ts: Date.now(), mw: 5 });
      let second: Awaited<ReturnType<typeof startRuntime>> | undefined;
      try {
        await send(kept);
        await send(silent);
        await waitFor(async () => (await countReadings(sql, [kept, silent])) === 2, "the first readings");
        await send(silent); // silent from here on
        const stopping = Date.now();
        await first.stop();
        const early = await sql`select 1 from alerts where plant_id = ${silent}`;
        assert.equal(
          early.length,
          0,
          `no gap alert before the restart (stop took ${Date.now() - stopping} ms)`,
        );
        // GridPulse is down for 7 s, longer than a gap: one plant goes on reporting, the other is silent
        for (let i = 0; i < 7; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          await send(kept);
        }
        const restartedAt = Date.now();
        second = await startRuntime(sql, broker.url, { clientIdPrefix: prefix });
        const reporting = setInterval(() => send(kept).catch(() => {}), 500);
        try {
          const [alert] = await waitFor(
            async () => {
              const rows = await sql<{ plant_id: string; ts: Date }[]>`
                select plant_id, ts from alerts where type = 'System' and plant_id = ${silent}`;
              return rows.length > 0 && rows;
            },
            "the silent plant's gap alert",
          );
          assert.ok(
            alert.ts.getTime() >= restartedAt + 5_500,
            `raised ${alert.ts.getTime() - restartedAt} ms after the restart, not before the grace`,
          );
          await new Promise((r) => setTimeout(r, 1_000));
        } finally {
          clearInterval(reporting);
        }
        assert.ok((await countReadings(sql, [kept])) >= 9, "the readings published while down were stored");
        const falseAlerts = await sql`select 1 from alerts where plant_id = ${kept}`;
        assert.equal(falseAlerts.length, 0, "no gap alert for the plant that kept reporting");
      } finally {
        await publisher.close();
        await second?.stop();
        await first.stop().catch(() => {});
        await purgeSessions(broker.url, prefix, 8);
        await broker.close();
      }
    }));
}
