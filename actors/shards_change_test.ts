import assert from "node:assert/strict";
import { topics } from "../domain/telemetry.ts";
import { MqttSession } from "../mqtt/session.ts";
import { hasMosquitto, privateBroker, uniqueClientPrefix } from "../mqtt/testing.ts";
import { withTestDatabase } from "../stores/postgres/testing.ts";
import { countReadings, purgeSessions, startRuntime, waitFor } from "./runtime_testing.ts";
import { insertPlant } from "./testing.ts";
import { shardOf } from "./placement.ts";

/** Whether the broker keeps a session for `clientId` (connects without cleaning, then removes it). */
async function sessionKept(url: string, clientId: string): Promise<boolean> {
  const probe = new MqttSession({ url, clientId });
  probe.start();
  await probe.ready(5_000);
  const kept = probe.sessionPresent;
  await probe.close();
  const clean = new MqttSession({ url, clientId, clean: true });
  clean.start();
  await clean.ready(5_000);
  await clean.close();
  return kept;
}

for (const kind of ["aedes", "mosquitto"] as const) {
  for (const [before, after] of [[4, 2], [2, 4]] as const) {
    Deno.test({
      name:
        `SHARDS ${before} -> ${after} across a restart (${kind}): what plants published while GridPulse was down is stored, and no leftover session stays`,
      ignore: kind === "mosquitto" && !hasMosquitto,
      // It hung twice in full suites this session (aedes, 4 -> 2; not reproduced alone): failing after
      // 3 minutes keeps a hang from holding CI until its own timeout.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: () => failAfter(180_000, changeShards(kind, before, after)),
    });
  }
}

function failAfter(ms: number, work: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function changeShards(kind: "aedes" | "mosquitto", before: number, after: number): Promise<void> {
  return withTestDatabase("embedded", async ({ sql }) => {
    const broker = await privateBroker(kind);
    const prefix = uniqueClientPrefix("shards");
    // 12 plants; with fewer shards after, none in the first leftover shard and some in the last: a
    // shard without actors leaves no session on aedes, and the drain must look past it.
    const plants: string[] = [];
    const last = (p: string) => shardOf(p, before) === before - 1;
    while (plants.length < 12 || (before > after && !plants.some(last))) {
      const plant = await insertPlant(sql);
      const unwanted = before > after && shardOf(plant, before) === after;
      if (!unwanted && plants.length < 12) plants.push(plant);
      else if (!unwanted && last(plant)) { // 12 already, none in the last shard: swap one out
        await sql`delete from plants where id = ${plants[0]}`;
        plants[0] = plant;
      } else await sql`delete from plants where id = ${plant}`;
    }
    const t0 = Date.now() - 600_000;
    try {
      const first = await startRuntime(sql, broker.url, { shards: before, clientIdPrefix: prefix });
      for (const plant of plants) await first.send(plant, { ts: t0, mw: 10 });
      await waitFor(async () => (await countReadings(sql, plants)) === plants.length, "the first readings");
      await first.stop();

      // GridPulse is down: the broker queues these in the shard sessions of the old layout
      const device = new MqttSession({ url: broker.url, clientId: `${prefix}-device`, clean: true });
      device.start();
      await device.ready(5_000);
      for (const plant of plants) {
        for (let i = 1; i <= 2; i++) {
          await device.publish(
            topics.plantTelemetry(plant),
            JSON.stringify({ ts: t0 + i * 1000, mw: 10 + i }),
          );
        }
      }
      await device.close();

      const second = await startRuntime(sql, broker.url, { shards: after, clientIdPrefix: prefix });
      try {
        await waitFor(
          async () => (await countReadings(sql, plants)) === plants.length * 3,
          "every reading published while GridPulse was down",
        );
        if (before > after) {
          for (let n = after; n < before; n++) {
            await waitFor(
              async () => !(await sessionKept(broker.url, `${prefix}-shard-${n}`)),
              `shard ${n} deleted`,
            );
          }
        }
      } finally {
        await second.stop();
      }
      assert.equal(await countReadings(sql, plants), plants.length * 3);
    } finally {
      await purgeSessions(broker.url, prefix, Math.max(before, after));
      await broker.close();
    }
  });
}
