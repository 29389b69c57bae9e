import assert from "node:assert/strict";
import { silentLogger } from "../core/log.ts";
import { systemClock } from "../core/clock.ts";
import { topics } from "../domain/telemetry.ts";
import { createMqttPublisher } from "../mqtt/publisher.ts";
import { MqttSession } from "../mqtt/session.ts";
import { privateBroker, uniqueClientPrefix } from "../mqtt/testing.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { CatchAll } from "./catch_all.ts";
import type { Batch } from "./protocol.ts";
import { countReadings, purgeSessions, startRuntime, waitFor } from "./runtime_testing.ts";
import { type FakeDocuments, fakeDocuments, insertPlant } from "./testing.ts";

Deno.test("CatchAll holds the only copy of a message for an actor not subscribed yet, publishes it again once it is, and records it as unknown if the actor is removed first", async () => {
  const broker = await privateBroker();
  const prefix = uniqueClientPrefix("ca");
  const late = crypto.randomUUID();
  const removed = crypto.randomUUID();
  const decisions = new Map<string, (subscribed: boolean) => void>();
  const committed: Batch[] = [];
  const catchAll = new CatchAll({
    url: broker.url,
    clientId: `${prefix}-catchall`,
    wildcards: [topics.plantTelemetry(late), topics.plantTelemetry(removed)],
    classify: (_route, key) =>
      (decisions.has(key) || key === `plant:${late}` || key === `plant:${removed}`) ? "pending" : "unknown",
    whenSubscribed: (key) => new Promise((resolve) => decisions.set(key, resolve)),
    commit: (batch) => (committed.push(batch), Promise.resolve()),
    clock: systemClock,
    log: silentLogger,
    mailboxSize: 100,
  });
  // what a shard session subscribed to the late actor's topic would receive
  const copies: string[] = [];
  const watcher = new MqttSession({
    url: broker.url,
    clientId: `${prefix}-watcher`,
    clean: true,
    onMessage: (m) => (copies.push(new TextDecoder().decode(m.payload)), watcher.ack(m.seq)),
  });
  watcher.start();
  const publisher = await createMqttPublisher({
    url: broker.url,
    backend: "external",
    log: silentLogger,
    clientId: `${prefix}-pub`,
  });
  try {
    await watcher.ready(5_000);
    await watcher.subscribe([topics.plantTelemetry(late)]);
    await catchAll.start();
    await publisher.publish(topics.plantTelemetry(late), { ts: 1, mw: 1 });
    await publisher.publish(topics.plantTelemetry(removed), { ts: 2, mw: 2 });
    await waitFor(() => decisions.size === 2, "both held");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(copies.length, 1, "the original only: nothing published again before the subscription");
    assert.equal(catchAll.counts.republished, 0);

    decisions.get(`plant:${late}`)!(true);
    await waitFor(() => copies.length === 2, "the copy published again");
    assert.deepEqual(copies.map((c) => JSON.parse(c)), [{ ts: 1, mw: 1 }, { ts: 1, mw: 1 }]);
    assert.equal(catchAll.counts.republished, 1);

    decisions.get(`plant:${removed}`)!(false);
    const rejected = await waitFor(
      () => committed.flatMap((b) => b.rejected).find((r) => r.id === removed),
      "rejected",
    );
    assert.equal(rejected.reason, "unknown plant id");
    assert.deepEqual(JSON.parse(rejected.payload), { ts: 2, mw: 2 });
    assert.equal(catchAll.counts.unknown, 1);
  } finally {
    await publisher.close();
    await catchAll.close();
    await watcher.close();
    await purgeSessions(broker.url, prefix, 0);
    await broker.close();
  }
});

for (const backend of pgBackends()) {
  Deno.test(`after a restart, telemetry published while GridPulse was down reaches its actors, also one added meanwhile; only an unknown id is a dead letter (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await privateBroker();
      const prefix = uniqueClientPrefix("cr");
      const old = await insertPlant(sql);
      const t0 = Date.now() - 60_000;
      const first = await startRuntime(sql, broker.url, { clientIdPrefix: prefix });
      let second: Awaited<ReturnType<typeof startRuntime>> | undefined;
      try {
        await first.send(old, { ts: t0, mw: 1 });
        await waitFor(async () => (await countReadings(sql, [old])) === 1, "the first reading");
        await waitFor(
          async () =>
            (await sql`select 1 from actor_subscriptions where actor_key = ${`plant:${old}`} and client_id like ${`${prefix}-shard-%`}`)
              .length === 1,
          "the old plant's subscription recorded",
        );
        await first.stop();

        // GridPulse is down: a plant is added, and devices go on publishing
        const added = await insertPlant(sql);
        const stranger = crypto.randomUUID();
        const publisher = await createMqttPublisher({
          url: broker.url,
          backend: "external",
          log: silentLogger,
          clientId: `${prefix}-down`,
        });
        await publisher.publish(topics.plantTelemetry(old), { ts: t0 + 1_000, mw: 2 });
        await publisher.publish(topics.plantTelemetry(added), { ts: t0 + 1_000, mw: 3 });
        await publisher.publish(topics.plantTelemetry(stranger), { ts: t0 + 1_000, mw: 4 });
        await publisher.close();

        const documents = fakeDocuments();
        second = await startRuntime(sql, broker.url, { clientIdPrefix: prefix, documents });
        await waitFor(
          async () => (await countReadings(sql, [old])) === 2 && (await countReadings(sql, [added])) === 1,
          "the readings published while down, the added plant's too",
        );
        const ours = new Set([old, added, stranger]);
        const deadLetters = () =>
          [...(documents as FakeDocuments).docs.get("telemetry_events")?.values() ?? []]
            .filter((e) => ours.has(e.entityId as string))
            .map((e) => `${e.entityId}: ${e.reason}`);
        await waitFor(() => deadLetters().length > 0, "the stranger's dead letter");
        await new Promise((r) => setTimeout(r, 300)); // a false dead letter would have been recorded by now
        assert.deepEqual(deadLetters(), [`${stranger}: unknown plant id`]);
        const [{ n }] = await sql<{ n: number }[]>`
          select count(*)::int as n from meter_readings where plant_id = ${added} and value = 3`;
        assert.equal(n, 1, "stored once");
        assert.match(second.runtime.metrics(), /^gridpulse_catchall_republished_total 1$/m);
        await waitFor(
          async () =>
            (await sql`select 1 from actor_subscriptions where actor_key = ${`plant:${added}`}`).length === 1,
          "the added plant's subscription recorded",
        );

        await second.runtime.remove("plant", added);
        assert.equal(
          (await sql`select 1 from actor_subscriptions where actor_key = ${`plant:${added}`}`).length,
          0,
        );
      } finally {
        await second?.stop();
        await first.stop().catch(() => {});
        await purgeSessions(broker.url, prefix, 8);
        await broker.close();
      }
    }));
}

for (const backend of pgBackends()) {
  Deno.test(`a broker that lost GridPulse's sessions: what is published before the shards subscribe is held and delivered, not acknowledged and lost (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const prefix = uniqueClientPrefix("lost");
      const plant = await insertPlant(sql);
      // run 1 records the plant's shard subscription
      let broker = await privateBroker("aedes");
      let rt = await startRuntime(sql, broker.url, { clientIdPrefix: prefix, workers: 1, shards: 2 });
      try {
        await waitFor(
          async () =>
            (await sql`select 1 from actor_subscriptions where actor_key = ${`plant:${plant}`}`).length === 1,
          "the plant's subscription recorded",
        );
      } finally {
        await rt.stop();
        await broker.close();
      }
      // run 2: an embedded broker starts empty; a device publishes as soon as the catch-all listens
      broker = await privateBroker("aedes");
      rt = await startRuntime(sql, broker.url, {
        clientIdPrefix: prefix,
        workers: 1,
        shards: 2,
        waitReady: false,
      });
      try {
        const t0 = Date.now() - 60_000;
        for (let i = 0; i < 20; i++) await rt.send(plant, { ts: t0 + i * 1000, mw: 10 });
        await rt.runtime.ready(60_000);
        for (let i = 20; i < 25; i++) await rt.send(plant, { ts: t0 + i * 1000, mw: 10 });
        await waitFor(async () => (await countReadings(sql, [plant])) === 25, "all 25 readings stored");
      } finally {
        await rt.stop();
        await broker.close();
      }
    }));
}
