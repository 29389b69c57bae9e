import assert from "node:assert/strict";
import { hostHarness } from "../host/testing.ts";
import { plantConfig, plantSpec, plantTopic } from "./testing.ts";
import { GAP_KEY } from "./behaviour.ts";

const ID = "6f1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f60";

async function started(config = plantConfig()) {
  const h = hostHarness();
  await h.host.handle({ type: "assign", req: 1, shard: 0, actors: [plantSpec(ID, config)], unsubscribe: [] });
  const session = h.sessions.get("test-shard-0")!;
  const send = (mw: number, ts = h.clock.now(), extra: Record<string, unknown> = {}) =>
    session.deliver(plantTopic(ID), { ts, mw, ...extra });
  const alerts = (type?: string) =>
    h.rows("alerts").filter((r) =>
      !type || r.type === type || (r.op === "resolve" && String(r.dedupe_key).startsWith(type))
    );
  return { h, session, send, alerts };
}

Deno.test("plant actor with a fake clock: a silent plant gets exactly one System alert at the deadline", async () => {
  const { h, send, alerts } = await started(
    plantConfig({ expectedIntervalS: 10, detection: { gap: { factor: 3 } } }),
  );
  send(50);
  const lastSeen = h.clock.now();
  h.advance(29_900);
  assert.equal(alerts("System").length, 0, "nothing before the deadline");
  h.advance(1_000);
  h.advance(10 * 60_000);
  const system = alerts("System");
  assert.equal(system.length, 1, "exactly one System alert");
  assert.equal(system[0].op, "open");
  assert.equal(system[0].dedupe_key, GAP_KEY);
  const firedAt = system[0].ts as number;
  assert.ok(
    firedAt >= lastSeen + 30_000 && firedAt < lastSeen + 31_000,
    `fired ${firedAt - lastSeen - 30_000} ms after the deadline`,
  );
  await h.stop();
});

Deno.test("plant actor with a fake clock: the System alert resolves when data resumes", async () => {
  const { h, send, alerts } = await started(plantConfig({ expectedIntervalS: 5 }));
  send(10);
  h.advance(20_000);
  assert.equal(alerts("System").length, 1);
  send(11);
  h.advance(100);
  const rows = h.rows("alerts").filter((r) => r.dedupe_key === GAP_KEY);
  assert.deepEqual(rows.map((r) => r.op), ["open", "resolve"]);
  h.advance(14_000); // 14 s < 3 x 5 s: no new gap yet
  assert.equal(h.rows("alerts").filter((r) => r.dedupe_key === GAP_KEY).length, 2);
  h.advance(2_000);
  assert.equal(
    h.rows("alerts").filter((r) => r.dedupe_key === GAP_KEY && r.op === "open").length,
    2,
    "a new gap later",
  );
  await h.stop();
});

Deno.test("plant actor: a never-reporting plant gets its System alert k x interval after it started", async () => {
  const { h, alerts } = await started(plantConfig({ expectedIntervalS: 2 }));
  h.advance(5_900);
  assert.equal(alerts("System").length, 0);
  h.advance(200);
  assert.equal(alerts("System").length, 1);
  await h.stop();
});

Deno.test("plant actor: no gap detection for a plant in maintenance", async () => {
  const { h, send, alerts } = await started(plantConfig({ expectedIntervalS: 1, status: "maintenance" }));
  send(5);
  h.advance(60_000);
  assert.equal(alerts("System").length, 0);
  await h.stop();
});

Deno.test("plant actor: a value above 3x the warmed-up baseline opens one Spike alert, later spikes bump it", async () => {
  const { h, send, alerts } = await started();
  for (let i = 0; i < 4; i++) send(10, h.clock.now() + i);
  send(100, h.clock.now() + 4); // 4 values seen: still warming up (warm-up 5)
  assert.equal(alerts("Spike").length, 0, "no decision while warming up");
  for (let i = 5; i < 12; i++) send(10, h.clock.now() + i);
  send(31 * 100, h.clock.now() + 20); // baseline is ~19 here (window 10 holds the 100)
  send(31 * 100, h.clock.now() + 21);
  const spikes = alerts("Spike");
  assert.equal(spikes.length, 2);
  assert.equal(spikes[0].id, spikes[1].id, "the same alert, bumped");
  assert.equal(spikes[0].dedupe_key, "Spike:power_mw");
  await h.stop();
});

Deno.test("plant actor: a value at exactly 3x the baseline is not a spike", async () => {
  const { h, send, alerts } = await started();
  for (let i = 0; i < 10; i++) send(10, h.clock.now() + i);
  send(30, h.clock.now() + 10);
  assert.equal(alerts("Spike").length, 0);
  await h.stop();
});

Deno.test("plant actor: above capacity opens ThresholdExceeded, back below resolves it", async () => {
  const { h, send } = await started(plantConfig({ capacityMw: 50 }));
  send(40, h.clock.now());
  send(60, h.clock.now() + 1);
  send(61, h.clock.now() + 2);
  send(45, h.clock.now() + 3);
  const rows = h.rows("alerts").filter((r) => r.dedupe_key === "ThresholdExceeded:capacity");
  assert.deepEqual(rows.map((r) => r.op), ["open", "open", "resolve"]);
  assert.equal(rows[0].severity, "critical");
  await h.stop();
});

Deno.test("plant actor: an alert rule with a minimum duration opens only after it", async () => {
  const rule = {
    id: "r1",
    name: "low",
    metric: "power_mw",
    comparator: "below" as const,
    threshold: 5,
    durationS: 10,
    severity: "warning" as const,
  };
  const { h, send } = await started(plantConfig({ rules: [rule] }));
  const t0 = h.clock.now();
  send(4, t0);
  send(3, t0 + 9_000);
  assert.equal(h.rows("alerts").length, 0);
  send(3, t0 + 10_000);
  assert.deepEqual(h.rows("alerts").map((r) => r.dedupe_key), ["ThresholdExceeded:rule:r1"]);
  await h.stop();
});

Deno.test("plant actor: a bad payload is rejected with its reason and the actor goes on", async () => {
  const { h, session, send } = await started();
  session.deliver(plantTopic(ID), "{not json");
  session.deliver(plantTopic(ID), { ts: h.clock.now(), mw: "high" });
  send(12);
  h.advance(10);
  const rejected = h.rejected();
  assert.equal(rejected.length, 2);
  assert.match(rejected[0].reason, /invalid JSON/);
  assert.match(rejected[1].reason, /mw/);
  assert.equal(h.rows("meter_readings").length, 1);
  await h.commitAll();
  assert.deepEqual(session.acked, [1, 2, 3], "rejected messages are acknowledged after their commit too");
  await h.stop();
});

Deno.test("plant actor: telemetry for an unknown id is rejected as unknown plant id", async () => {
  const { h, session } = await started();
  session.deliver(plantTopic("00000000-0000-4000-8000-000000000000"), { ts: h.clock.now(), mw: 1 });
  h.advance(10);
  assert.equal(h.rejected()[0].reason, "unknown plant id");
  await h.stop();
});

Deno.test("plant actor: a redelivered reading is stored again (idempotent) without touching the baseline", async () => {
  const { h, send } = await started();
  const t0 = h.clock.now();
  for (let i = 0; i < 10; i++) send(10, t0 + i * 1000);
  send(10, t0 + 5_000); // redelivery of an earlier reading
  send(31, t0 + 10_000);
  assert.equal(h.rows("alerts").length, 1, "baseline still 10: 31 is a spike");
  assert.equal(h.rows("meter_readings").length, 12);
  await h.stop();
});

Deno.test("plant actor: a 1m rollup is emitted when a reading lands in the next minute", async () => {
  const { h, send } = await started();
  const minute = Math.floor(h.clock.now() / 60_000) * 60_000;
  send(7, minute - 30_000); // the first bucket after a start is recomputed (inexact); the next ones are exact
  send(1, minute + 1_000);
  send(3, minute + 2_000);
  send(2, minute + 3_000);
  send(5, minute + 61_000);
  const rows = h.rows("rollups").filter((r) => r.width === "1m" && r.bucket === minute);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    {
      bucket: rows[0].bucket,
      min: rows[0].min,
      max: rows[0].max,
      sum: rows[0].sum,
      count: rows[0].count,
      last: rows[0].last,
      exact: rows[0].exact,
    },
    { bucket: minute, min: 1, max: 3, sum: 6, count: 3, last: 2, exact: true },
  );
  await h.stop();
});

Deno.test("plant actor: a plant with no stored readings writes even its first buckets exact, unless it was removed here before", async () => {
  const h = hostHarness();
  const spec = { ...plantSpec(ID), noReadings: true as const };
  await h.host.handle({ type: "assign", req: 1, shard: 0, actors: [spec], unsubscribe: [] });
  const session = h.sessions.get("test-shard-0")!;
  const minute = Math.floor(h.clock.now() / 60_000) * 60_000;
  const send = (mw: number, ts: number) => session.deliver(plantTopic(ID), { ts, mw });
  const firstBucket = (since: number) =>
    h.rows("rollups").slice(since).filter((r) => r.width === "1m" && r.bucket === minute - 60_000);
  send(4, minute - 30_000);
  send(6, minute - 20_000);
  send(1, minute + 1_000);
  assert.deepEqual(
    firstBucket(0).map((r) => ({ exact: r.exact, min: r.min, max: r.max, sum: r.sum, count: r.count })),
    [{ exact: true, min: 4, max: 6, sum: 10, count: 2 }],
  );
  // Removed and added again: the first life's last readings may commit after the new spec was loaded.
  await h.host.handle({ type: "remove", req: 2, shard: 0, kind: "plant", id: ID });
  const seen = h.rows("rollups").length;
  await h.host.handle({ type: "upsert", req: 3, shard: 0, actor: spec });
  send(2, minute - 10_000);
  send(3, minute + 61_000);
  const again = h.rows("rollups").slice(seen).filter((r) => r.width === "1m");
  assert.deepEqual(again.map((r) => ({ bucket: r.bucket, exact: r.exact })), [{
    bucket: minute - 60_000,
    exact: false,
  }]);
  await h.stop();
});

Deno.test("plant actor: an operator resolving the Spike makes the next spike open a new alert", async () => {
  const { h, send, alerts } = await started();
  for (let i = 0; i < 10; i++) send(10, h.clock.now() + i);
  send(100, h.clock.now() + 10);
  const first = alerts("Spike")[0].id;
  await h.host.handle({
    type: "notify",
    req: 2,
    shard: 0,
    kind: "plant",
    id: ID,
    command: { type: "alert.resolved", alertId: first },
  });
  send(100, h.clock.now() + 11);
  const spikes = alerts("Spike");
  assert.equal(spikes.length, 2);
  assert.notEqual(spikes[1].id, first);
  await h.stop();
});

Deno.test("worker host writes a busy plant's live state at most every liveIntervalMs, an alert at once", async () => {
  const { h, send } = await started();
  const lives = () => h.batches.flatMap((b) => b.cache).filter((e) => e.key.endsWith(ID));
  h.host.flush();
  const initial = lives().length;
  for (let i = 0; i < 5; i++) {
    send(10, h.clock.now() + i);
    h.advance(10); // a flush per reading
  }
  assert.equal(lives().length, initial, "no second live write within the interval");
  h.advance(500);
  assert.equal(lives().length, initial + 1, "the held-back state follows after the interval");
  assert.equal((lives().at(-1)!.value as { lastValue: number }).lastValue, 10);
  for (let i = 5; i < 10; i++) send(10, h.clock.now() + i);
  h.advance(10);
  send(100, h.clock.now() + 20); // a spike: written with the next flush
  h.advance(10);
  const last = lives().at(-1)!.value as { status: string; lastValue: number };
  assert.deepEqual([last.status, last.lastValue], ["alerting", 100]);
  await h.stop();
});
