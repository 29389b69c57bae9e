import assert from "node:assert/strict";
import { ChangeEvent, VenLiveState } from "../../domain/live.ts";
import { keys } from "../../stores/cache/cache.ts";
import { hostHarness } from "../host/testing.ts";
import { OFFLINE_KEY, type VenConfig } from "./config.ts";
import { venConfig, venSpec, venTelemetry, venTopics } from "./testing.ts";

const ID = "7a1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f61";

async function started(config: VenConfig = venConfig()) {
  const h = hostHarness();
  await h.host.handle({ type: "assign", req: 1, shard: 0, actors: [venSpec(ID, config)], unsubscribe: [] });
  const session = h.sessions.get("test-shard-0")!;
  const send = (used: number, ts = h.clock.now(), shed = 0) =>
    session.deliver(venTopics.telemetry(ID), venTelemetry(ts, used, shed));
  const status = (status: "online" | "offline", details?: Record<string, unknown>) =>
    session.deliver(venTopics.status(ID), { ts: h.clock.now(), status, details });
  const alerts = (type?: string) => h.rows("alerts").filter((r) => !type || r.type === type);
  const liveState = () => {
    h.host.flush();
    const entries = h.batches.flatMap((b) => b.cache).filter((e) => e.key === keys.actor("ven", ID));
    return entries.at(-1);
  };
  return { h, session, send, status, alerts, liveState };
}

Deno.test("VEN actor subscribes to its telemetry, status and event response topics", async () => {
  const { h, session } = await started();
  assert.deepEqual([...session.subscriptions].sort(), [
    `gridpulse/vens/${ID}/events/+/response`,
    `gridpulse/vens/${ID}/status`,
    `gridpulse/vens/${ID}/telemetry`,
  ]);
  await h.stop();
});

Deno.test("VEN actor with a fake clock: silence past k x interval makes it offline with one System alert, on time", async () => {
  const { h, send, alerts, liveState } = await started(
    venConfig({ expectedIntervalS: 10, detection: { gap: { factor: 3 } } }),
  );
  send(40);
  const lastSeen = h.clock.now();
  h.advance(29_900);
  assert.equal(alerts("System").length, 0, "nothing before the deadline");
  assert.equal(liveState()?.value && (liveState()!.value as VenLiveState).status, "online");
  h.advance(1_000);
  h.advance(5 * 60_000);
  const system = alerts("System");
  assert.equal(system.length, 1, "exactly one System alert");
  assert.equal(system[0].dedupe_key, OFFLINE_KEY);
  assert.equal(system[0].entity_kind, "ven");
  assert.equal(system[0].ven_id, ID);
  const firedAt = system[0].ts as number;
  assert.ok(
    firedAt >= lastSeen + 30_000 && firedAt < lastSeen + 30_200,
    `fired ${firedAt - lastSeen - 30_000} ms late`,
  );
  assert.equal((liveState()!.value as VenLiveState).status, "offline");
  const statuses = h.rows("ven_statuses");
  assert.deepEqual(statuses.map((r) => [r.status, r.source]), [["online", "detector"], [
    "offline",
    "detector",
  ]]);
  assert.deepEqual(h.rows("ven_presence").map((r) => r.status), ["online", "offline"]);

  send(41); // back: the alert resolves
  h.advance(100);
  assert.deepEqual(h.rows("alerts").map((r) => r.op), ["open", "resolve"]);
  assert.equal((liveState()!.value as VenLiveState).status, "online");
  await h.stop();
});

Deno.test("VEN actor: a VEN that never reports goes offline k x interval after the actor started", async () => {
  const { h, alerts } = await started(venConfig({ expectedIntervalS: 2 }));
  h.advance(5_900);
  assert.equal(alerts("System").length, 0);
  h.advance(200);
  assert.equal(alerts("System").length, 1);
  await h.stop();
});

Deno.test("VEN actor: a reported offline opens the System alert at once, online resolves it", async () => {
  const { h, send, status, alerts, liveState } = await started();
  send(10);
  status("offline", { reason: "maintenance window" });
  const opened = alerts("System");
  assert.equal(opened.length, 1);
  assert.match(String(opened[0].message), /reported offline: maintenance window/);
  assert.equal((liveState()!.value as VenLiveState).status, "offline");
  h.advance(10 * 60_000);
  assert.equal(alerts("System").length, 1, "no second alert for the silence that follows");
  status("online");
  assert.deepEqual(h.rows("alerts").map((r) => r.op), ["open", "resolve"]);
  const device = h.rows("ven_statuses").filter((r) => r.source === "device");
  assert.deepEqual(device.map((r) => r.status), ["offline", "online"]);
  await h.stop();
});

Deno.test("VEN actor writes panel telemetry and one load sample per load; invalid payloads are rejected with a reason", async () => {
  const { h, send, session } = await started();
  send(12, h.clock.now(), 3);
  session.deliver(venTopics.telemetry(ID), { ts: h.clock.now(), shedPowerKw: 1 });
  session.deliver(venTopics.status(ID), { ts: h.clock.now(), status: "sleeping" });
  const telemetry = h.rows("ven_telemetry");
  assert.equal(telemetry.length, 1);
  assert.equal(telemetry[0].used_power_kw, 12);
  assert.equal(telemetry[0].shed_power_kw, 3);
  assert.deepEqual((telemetry[0].raw as { loads: unknown[] }).loads.length, 2);
  assert.deepEqual(
    h.rows("ven_load_samples").map((r) => [r.load_id, r.load_type, r.used_kw, r.capacity_kw]),
    [
      ["hvac-1", "hvac", 6, 80],
      ["ev-1", "ev_charger", 6, null],
    ],
  );
  const reasons = h.rejected().map((r) => r.reason);
  assert.equal(reasons.length, 2);
  assert.match(reasons[0], /^invalid payload: usedPowerKw/);
  assert.match(reasons[1], /^invalid payload: status/);
  await h.stop();
});

Deno.test("VEN actor: a used power above 3x its warmed-up baseline opens a Spike alert", async () => {
  const { h, send, alerts } = await started();
  const t0 = h.clock.now();
  for (let i = 0; i < 6; i++) send(10, t0 + i);
  send(31, t0 + 10);
  send(30, t0 + 11); // 3x a baseline now a little above 10: no second occurrence
  const spikes = alerts("Spike");
  assert.equal(spikes.length, 1);
  assert.equal(spikes[0].dedupe_key, "Spike:used_power_kw");
  assert.equal(spikes[0].value, 31);
  await h.stop();
});

Deno.test("VEN actor: alert rules on shed power open and resolve ThresholdExceeded", async () => {
  const rule = {
    id: "0b8a7c6d-0000-4000-8000-000000000001",
    name: "Shed too deep",
    metric: "shed_power_kw",
    comparator: "above" as const,
    threshold: 8,
    durationS: 0,
    severity: "critical" as const,
  };
  const { h, send, alerts } = await started(venConfig({ rules: [rule] }));
  const t0 = h.clock.now();
  send(10, t0, 9);
  send(10, t0 + 1, 2);
  const rows = alerts().filter((r) => String(r.dedupe_key).startsWith("ThresholdExceeded"));
  assert.deepEqual(rows.map((r) => r.op), ["open", "resolve"]);
  assert.equal(rows[0].severity, "critical");
  await h.stop();
});

Deno.test("VEN actor: live state is exactly domain/live.ts VenLiveState", async () => {
  const { h, send, liveState } = await started();
  assert.equal((liveState()!.value as VenLiveState).status, "unknown");
  send(20);
  h.advance(600);
  const entry = liveState()!;
  assert.equal(entry.ttlSeconds, undefined, "actor-owned: no TTL");
  const value = VenLiveState.strict().parse(entry.value);
  assert.deepEqual(value, {
    status: "online",
    usedPowerKw: 20,
    shedPowerKw: 0,
    loads: [
      { loadId: "hvac-1", type: "hvac", usedKw: 10, shedCapableKw: 5, capacityKw: 80 },
      { loadId: "ev-1", type: "ev_charger", usedKw: 10, shedCapableKw: 5 },
    ],
    lastSeen: new Date(h.clock.now() - 600).toISOString(),
    activeEvents: [],
  });
  await h.stop();
});

Deno.test("VEN actor: a VEN with no stored telemetry writes even its first buckets exact, and its snapshot does not say so", async () => {
  const h = hostHarness();
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [{ ...venSpec(ID), noReadings: true }],
    unsubscribe: [],
  });
  const session = h.sessions.get("test-shard-0")!;
  const minute = Math.floor(h.clock.now() / 60_000) * 60_000;
  for (const [ts, used] of [[minute - 30_000, 4], [minute - 20_000, 6], [minute + 1_000, 1]]) {
    session.deliver(venTopics.telemetry(ID), venTelemetry(ts, used));
  }
  const first = h.rows("rollups").filter((r) => r.width === "1m" && r.bucket === minute - 60_000);
  assert.deepEqual(
    first.map((r) => ({ metric: r.metric, exact: r.exact, count: r.count })).sort((a, b) =>
      String(a.metric).localeCompare(String(b.metric))
    ),
    [{ metric: "shed_power_kw", exact: true, count: 2 }, { metric: "used_power_kw", exact: true, count: 2 }],
  );
  const snapshot = h.lastSnapshot();
  assert.ok(snapshot, "a snapshot was written");
  assert.equal("noReadings" in snapshot, false);
  await h.stop();
});

Deno.test("VEN actor: restarting from its snapshot keeps status, baseline and open alerts", async () => {
  const { h, send, status, alerts } = await started();
  const t0 = h.clock.now();
  for (let i = 0; i < 6; i++) send(10, t0 + i);
  status("offline");
  const snapshotOf = () => {
    h.host.flush();
    return h.batches.flatMap((b) => b.sinks.actor_snapshots ? b.sinks.actor_snapshots.columns.state : []).at(
      -1,
    );
  };
  h.advance(6_000);
  const state = JSON.parse(String(snapshotOf()));
  const [open] = alerts("System");
  await h.stop();

  const again = hostHarness();
  const record = {
    id: String(open.id),
    type: "System" as const,
    dedupeKey: OFFLINE_KEY,
    severity: "warning" as const,
    message: "offline",
    metric: null,
    value: null,
    ts: Number(open.ts),
    lastSeenAt: Number(open.ts),
    occurrences: 1,
    acknowledged: false,
  };
  await again.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [{ ...venSpec(ID), snapshot: state, openAlerts: [record] }],
    unsubscribe: [],
  });
  const session = again.sessions.get("test-shard-0")!;
  session.deliver(venTopics.telemetry(ID), venTelemetry(t0 + 100, 31));
  const rows = again.rows("alerts");
  assert.deepEqual(rows.map((r) => [r.dedupe_key, r.op]), [[OFFLINE_KEY, "resolve"], [
    "Spike:used_power_kw",
    "open",
  ]]);
  await again.stop();
});

Deno.test("VEN actor change events (state, reading, alert) are domain/live.ts ChangeEvents the stream passes on", async () => {
  const { h, send, status } = await started();
  send(10);
  status("offline");
  status("online");
  h.advance(2_000);
  send(12);
  h.host.flush();
  const events = h.batches.flatMap((b) => b.events);
  assert.deepEqual(new Set(events.map((e) => e.type)), new Set(["state", "reading", "alert"]));
  for (const event of events) ChangeEvent.parse(event);
  await h.stop();
});
