import assert from "node:assert/strict";
import { keys } from "../stores/cache/cache.ts";
import { pgBackends, withTestDatabase } from "../stores/postgres/testing.ts";
import { freePort } from "../core/local_process.ts";
import { privateBroker, testBroker } from "../mqtt/testing.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { topics } from "../domain/telemetry.ts";
import { countReadings, purgeSessions, startRuntime, waitFor } from "./runtime_testing.ts";
import { type FakeDocuments, insertPlant } from "./testing.ts";

for (const backend of pgBackends()) {
  Deno.test(`createRuntime() stores telemetry, opens a Spike alert and publishes live state (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await privateBroker(); // exact counts: no other test's telemetry;
      const plant = await insertPlant(sql, { detection: { baseline: { warmup: 5 } } });
      const rt = await startRuntime(sql, broker.url);
      try {
        const t0 = Date.now() - 60_000;
        for (let i = 0; i < 8; i++) await rt.send(plant, { ts: t0 + i * 1000, mw: 10 });
        await rt.send(plant, { ts: t0 + 9_000, mw: 45 });
        const alert = await waitFor(async () => {
          const [row] = await sql<{ type: string; value: number; baseline: number }[]>`
            select type, value, baseline from alerts where plant_id = ${plant}`;
          return row;
        }, "a Spike alert");
        assert.deepEqual({ ...alert }, { type: "Spike", value: 45, baseline: 10 });
        assert.equal(await countReadings(sql, [plant]), 9);
        // the cache is written right after the commit: wait for the spike's own state
        const live = await waitFor(async () => {
          const state = await rt.cache.get<{ status: string; lastValue: number }>(keys.actor("plant", plant));
          return state?.lastValue === 45 && state;
        }, "live state");
        assert.equal(live.status, "alerting");
        assert.equal(live.lastValue, 45);
        const stats = rt.runtime.stats();
        assert.equal(stats.state, "running");
        assert.equal(stats.messagesAcked, 9);
        assert.equal(rt.runtime.check().state, "up");
      } finally {
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 8);
        await broker.close();
      }
    }));

  Deno.test(`runtime records telemetry for an unknown plant id as rejected with that reason (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await privateBroker(); // exact counts: no other test's telemetry;
      const plant = await insertPlant(sql);
      const rt = await startRuntime(sql, broker.url);
      try {
        const stranger = crypto.randomUUID();
        await rt.send(stranger, { ts: Date.now(), mw: 1 });
        await rt.send(plant, { ts: Date.now(), mw: "lots" });
        const docs = rt.documents as FakeDocuments;
        const events = await waitFor(() => {
          // this test's own: on a shared broker, the catch-all also sees other tests' plants
          const list = [...docs.docs.get("telemetry_events")?.values() ?? []]
            .filter((e) => e.entityId === plant || e.entityId === stranger);
          return list.length >= 2 && list;
        }, "two rejected events");
        const reasons = events.map((e) => `${e.entityId}: ${e.reason}`).sort();
        assert.deepEqual(
          reasons,
          [`${plant}: invalid payload: mw: mw must be a number`, `${stranger}: unknown plant id`].sort(),
        );
        assert.equal(await countReadings(sql, [plant, stranger]), 0);
        await waitFor(() => rt.runtime.stats().messagesRejected === 2, "both counted as rejected");
      } finally {
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 8);
        await broker.close();
      }
    }));

  Deno.test(`runtime.upsert() starts the actor of a new plant and remove() stops it (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await testBroker();
      const rt = await startRuntime(sql, broker.url);
      try {
        const plant = await insertPlant(sql);
        await rt.runtime.upsert("plant", plant);
        assert.equal(rt.runtime.stats().actors, 1);
        await rt.send(plant, { ts: Date.now(), mw: 3 });
        await waitFor(async () => (await countReadings(sql, [plant])) === 1, "the reading");
        await sql`update plants set capacity_mw = 1 where id = ${plant}`;
        await rt.runtime.upsert("plant", plant); // reconfigured: now 3 MW is above capacity
        await rt.send(plant, { ts: Date.now() + 1, mw: 3 });
        await waitFor(
          async () =>
            (await sql`select 1 from alerts where plant_id = ${plant} and type = 'ThresholdExceeded'`)
              .length === 1,
          "ThresholdExceeded",
        );
        await rt.runtime.remove("plant", plant);
        assert.equal(rt.runtime.stats().actors, 0);
        // no actor to tell, and kinds without actors yet: quietly nothing
        await rt.runtime.notify("plant", plant, { type: "alert.resolved", alertId: crypto.randomUUID() });
        await rt.runtime.upsert("ven", crypto.randomUUID());
        assert.equal(rt.runtime.stats().actors, 0);
        await rt.send(plant, { ts: Date.now() + 2, mw: 3 });
        const docs = rt.documents as FakeDocuments;
        await waitFor(
          () =>
            [...docs.docs.get("telemetry_events")?.values() ?? []].some((e) =>
              e.reason === "unknown plant id"
            ),
          "rejected after removal",
        );
        assert.equal(await countReadings(sql, [plant]), 2);
      } finally {
        await rt.stop();
        await purgeSessions(broker.url, rt.prefix, 8);
        await broker.close();
      }
    }));

  Deno.test(`runtime restart restores baselines from snapshots: no new warm-up (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await testBroker();
      const plant = await insertPlant(sql, { detection: { baseline: { warmup: 10 } } });
      const first = await startRuntime(sql, broker.url);
      const t0 = Date.now() - 60_000;
      try {
        for (let i = 0; i < 12; i++) await first.send(plant, { ts: t0 + i * 1000, mw: 10 });
        await waitFor(async () => (await countReadings(sql, [plant])) === 12, "12 readings");
      } finally {
        await first.stop(); // graceful: snapshots written
      }
      const [snap] = await sql<
        { kind: string }[]
      >`select kind from actor_snapshots where entity_id = ${plant}`;
      assert.equal(snap?.kind, "plant");
      const second = await startRuntime(sql, broker.url, { clientIdPrefix: first.prefix });
      try {
        await second.send(plant, { ts: t0 + 20_000, mw: 50 });
        await waitFor(
          async () =>
            (await sql`select 1 from alerts where plant_id = ${plant} and type = 'Spike'`).length === 1,
          "a Spike right after the restart",
        );
      } finally {
        await second.stop();
        await purgeSessions(broker.url, first.prefix, 8);
        await broker.close();
      }
    }));

  Deno.test(`a graceful restart keeps rollup buckets exact: complete snapshots, nothing recomputed (${backend})`, () =>
    withTestDatabase(backend, async ({ sql }) => {
      const broker = await testBroker();
      const plant = await insertPlant(sql);
      // A bucket ahead of the clock: no rollup timer closes it while the test runs.
      const minute = Math.floor(Date.now() / 60_000) * 60_000 + 600_000;
      const complete = async () =>
        (await sql<{ complete: boolean }[]>`select complete from actor_snapshots where entity_id = ${plant}`)[
          0
        ]
          ?.complete;
      const first = await startRuntime(sql, broker.url);
      try {
        await first.send(plant, { ts: minute + 10_000, mw: 4 });
        await first.send(plant, { ts: minute + 20_000, mw: 6 });
        await waitFor(async () => (await countReadings(sql, [plant])) === 2, "2 readings");
      } finally {
        await first.stop(); // graceful: everything read is committed, then the snapshots are written
      }
      assert.equal(await complete(), true, "the release wrote a complete snapshot");
      const second = await startRuntime(sql, broker.url, { clientIdPrefix: first.prefix });
      try {
        assert.equal(
          await complete(),
          false,
          "loading it cleared the flag: a crash now restores it as inexact",
        );
        await second.send(plant, { ts: minute + 30_000, mw: 2 });
        await second.send(plant, { ts: minute + 70_000, mw: 9 }); // closes the bucket
        const row = await waitFor(async () => {
          const [r] = await sql<{ count: number; min: number; max: number; sum: number }[]>`
            select count, min, max, sum from rollup_1m where entity_id = ${plant} and bucket = ${new Date(
            minute,
          )}`;
          return r;
        }, "the 1m bucket spanning the restart");
        assert.deepEqual({ ...row }, { count: 3, min: 2, max: 6, sum: 12 });
        assert.equal((await sql`select 1 from rollup_recompute`).length, 0, "nothing queued for recompute");
        assert.match(second.runtime.metrics(), /^gridpulse_rollup_recomputed_total 0$/m);
      } finally {
        await second.stop();
        await purgeSessions(broker.url, first.prefix, 8);
        await broker.close();
      }
    }));
}

Deno.test("runtime reconciles with the database: plants and rules changed behind its back take effect", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    const rt = await startRuntime(sql, broker.url, { reconcileIntervalMs: 100 });
    try {
      const plant = await insertPlant(sql); // as the seed would: no upsert call
      await waitFor(() => rt.runtime.stats().actors === 1, "an actor for the new plant");
      await sql`insert into alert_rules (name, entity_kind, metric, comparator, threshold)
                values ('all plants above 5', 'plant', 'power_mw', 'above', 5)`;
      await new Promise((r) => setTimeout(r, 400)); // the rule reaches the actor with the next pass
      await rt.send(plant, { ts: Date.now(), mw: 6 });
      await waitFor(
        async () =>
          (await sql`select 1 from alerts where plant_id = ${plant} and type = 'ThresholdExceeded'`)
            .length === 1,
        "the rule's alert",
      );
      await sql`delete from plants where id = ${plant}`;
      await waitFor(() => rt.runtime.stats().actors === 0, "the actor of the deleted plant stopped");
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));

Deno.test("runtime.remove() while the plant's worker restarts: its topic is unsubscribed when the shard returns", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    const plant = await insertPlant(sql);
    const rt = await startRuntime(sql, broker.url, {
      workers: 1,
      shards: 2,
      restartBackoff: { minDelayMs: 500, maxDelayMs: 500, jitter: 0 },
    });
    try {
      rt.runtime.faults.crashWorker(0, "terminate");
      await sql`delete from plants where id = ${plant}`;
      await rt.runtime.remove("plant", plant); // the worker is away: remembered for its return
      await waitFor(
        () => rt.runtime.stats().workersAlive === 1 && rt.runtime.check().state === "up",
        "the worker back",
      );
      await rt.send(plant, { ts: Date.now(), mw: 1 });
      const docs = rt.documents as FakeDocuments;
      await waitFor(() => (docs.docs.get("telemetry_events")?.size ?? 0) >= 1, "the rejection");
      await new Promise((r) => setTimeout(r, 300));
      const events = [...docs.docs.get("telemetry_events")!.values()];
      assert.deepEqual(events.map((e) => e.reason), ["unknown plant id"], "recorded once, by the catch-all");
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 2);
      await broker.close();
    }
  }));

Deno.test("runtime.metrics() exposes Prometheus text for messages, mailboxes, writes, restarts and actors", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    const plant = await insertPlant(sql);
    const rt = await startRuntime(sql, broker.url, { heartbeatIntervalMs: 50 });
    try {
      await rt.publisher.publish(topics.plantTelemetry(plant), { ts: Date.now(), mw: 1 });
      await waitFor(
        () => rt.runtime.stats().messagesAcked === 1 && rt.runtime.stats().messagesIn === 1,
        "stats",
      );
      const text = rt.runtime.metrics();
      for (
        const family of [
          "gridpulse_messages_in_total",
          "gridpulse_messages_acked_total",
          "gridpulse_messages_rejected_total",
          "gridpulse_mailbox_depth",
          "gridpulse_pending_acks",
          "gridpulse_write_batch_messages",
          "gridpulse_write_commit_ms",
          "gridpulse_worker_restarts_total",
          "gridpulse_actors",
        ]
      ) assert.match(text, new RegExp(`^# TYPE ${family} `, "m"), family);
      assert.match(text, /^gridpulse_messages_acked_total\{kind="plant"\} 1$/m);
      assert.match(text, /^gridpulse_write_batch_messages_count \d+$/m);
      assert.match(text, /^gridpulse_cache_write_failures_total 0$/m);
      assert.match(text, /^gridpulse_cache_unwritten_keys 0$/m);
      assert.match(text, /^gridpulse_change_events_dropped_total 0$/m);
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));

Deno.test("runtime: the first bucket after a start is recomputed from the readings by the repairer, not in the commit", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    const plant = await insertPlant(sql);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    // a reading stored before this start, in the bucket the actor will open first
    await sql`insert into meter_readings (plant_id, metric_type, ts, value)
              values (${plant}, 'power_mw', ${new Date(minute + 1_000)}, 7)`;
    const rt = await startRuntime(sql, broker.url);
    try {
      for (const [offset, mw] of [[30_000, 1], [40_000, 3], [65_000, 2]]) {
        await rt.publisher.publish(topics.plantTelemetry(plant), { ts: minute + offset, mw });
      }
      const row = await waitFor(async () => {
        const [r] = await sql<{ count: number; min: number; max: number }[]>`
          select count, min, max from rollup_1m where entity_id = ${plant} and bucket = ${new Date(minute)}`;
        return r && (await sql`select 1 from rollup_recompute`).length === 0 ? r : undefined;
      }, "the first 1m bucket recomputed");
      assert.deepEqual({ ...row }, { count: 3, min: 1, max: 7 }, "the reading from before the start counts");
      assert.match(rt.runtime.metrics(), /^gridpulse_rollup_recomputed_total [1-9]\d*$/m);
      assert.match(rt.runtime.metrics(), /^gridpulse_rollup_recompute_backlog 0$/m);
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));

Deno.test("createRuntime() fails with StoreUnavailableError when the broker is unreachable", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    await assert.rejects(
      startRuntime(sql, `mqtt://127.0.0.1:${freePort()}`, { waitReady: false, brokerTimeoutMs: 300 }),
      StoreUnavailableError,
    );
  }));

Deno.test("a main isolate busy past the heartbeat timeout does not count as the workers' silence", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    await insertPlant(sql);
    // a timeout short enough to pass three times in the stall, long enough for a loaded CI machine's
    // scheduling delays (400 ms was not: the parallel suite delayed a worker's reply past it)
    const rt = await startRuntime(sql, broker.url, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1_500 });
    try {
      // what loading 100,000 actors did to the main isolate: nothing else runs for three timeouts
      const until = Date.now() + 4_500;
      while (Date.now() < until) { /* busy */ }
      await new Promise((r) => setTimeout(r, 1_000)); // heartbeats go on: replies arrive and are read
      const stats = rt.runtime.stats();
      assert.equal(stats.workerRestarts, 0, "no worker was restarted for the main isolate's stall");
      assert.equal(rt.runtime.check().state, "up");
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));

Deno.test("MQTT_CATCH_ALL=off: known plants' telemetry is stored, and no session records unknown ids", () =>
  withTestDatabase("embedded", async ({ sql }) => {
    const broker = await testBroker();
    const plant = await insertPlant(sql);
    const rt = await startRuntime(sql, broker.url, { env: { MQTT_CATCH_ALL: "off" } });
    try {
      await rt.send(crypto.randomUUID(), { ts: Date.now(), mw: 1 }); // nobody subscribes to it
      await rt.send(plant, { ts: Date.now(), mw: 2 });
      await waitFor(async () => (await countReadings(sql, [plant])) === 1, "the known plant's reading");
      await new Promise((r) => setTimeout(r, 300)); // a catch-all would have recorded the stranger by now
      const docs = rt.documents as FakeDocuments;
      assert.equal(docs.docs.get("telemetry_events")?.size ?? 0, 0);
      assert.equal(rt.runtime.stats().messagesRejected, 0);
      assert.match(rt.runtime.metrics(), /^gridpulse_catchall_unknown_total 0$/m);
    } finally {
      await rt.stop();
      await purgeSessions(broker.url, rt.prefix, 8);
      await broker.close();
    }
  }));
