import assert from "node:assert/strict";
import type { VenLiveState } from "../../domain/live.ts";
import { keys } from "../../stores/cache/cache.ts";
import { hostHarness } from "../host/testing.ts";
import type { VenEventSchedule } from "./config.ts";
import { venConfig, venSpec, venTelemetry, venTopics } from "./testing.ts";

const ID = "7a1c2e7a-0c1b-4e55-9d1a-1b2c3d4e5f62";
const EVENT = "e0e0e0e0-1111-4222-8333-444455556666";

/** A VEN reporting every 10 s; an event from t0 + 120 s to t0 + 300 s, baseline window 60 s. */
async function scripted() {
  const h = hostHarness();
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [venSpec(ID, venConfig())],
    unsubscribe: [],
  });
  const session = h.sessions.get("test-shard-0")!;
  const t0 = h.clock.now();
  const event: VenEventSchedule = {
    id: EVENT,
    name: "Peak",
    start: t0 + 120_000,
    end: t0 + 300_000,
    opt: "pending",
  };
  const notify = (status: string, schedule: VenEventSchedule | undefined = event) =>
    h.host.handle({
      type: "notify",
      req: 9,
      shard: 0,
      kind: "ven",
      id: ID,
      command: { type: "event.changed", eventId: EVENT, status, event: schedule },
    });
  const respond = (opt: "optIn" | "optOut") =>
    session.deliver(venTopics.response(ID, EVENT), { ts: h.clock.now(), opt });
  /** Telemetry every 10 s from now until `until` (exclusive), used power from `kw(ts)`. */
  const run = (until: number, kw: (ts: number) => number) => {
    while (h.clock.now() < until) {
      session.deliver(venTopics.telemetry(ID), venTelemetry(h.clock.now(), kw(h.clock.now())));
      h.advance(10_000);
    }
  };
  const activeEvents = () => {
    h.host.flush();
    const entry = h.batches.flatMap((b) => b.cache).filter((e) => e.key === keys.actor("ven", ID)).at(-1);
    return (entry?.value as VenLiveState).activeEvents;
  };
  return { h, t0, event, notify, respond, run, activeEvents, progress: () => h.rows("adr_progress") };
}

Deno.test("VEN actor measures delivered shed against its pre-event baseline from a scripted telemetry stream", async () => {
  const { h, t0, notify, respond, run, activeEvents, progress } = await scripted();
  await notify("scheduled");
  respond("optIn");
  // 50 kW long before, 100 kW in the 60 s before the start: the baseline is 100
  run(t0 + 60_000, () => 50);
  run(t0 + 120_000, () => 100);
  assert.deepEqual(progress(), [], "nothing delivered before the start");
  assert.deepEqual(activeEvents(), [EVENT], "listed from its start, by the events timer");
  run(t0 + 300_000, () => 70);
  const last = progress().at(-1)!;
  assert.equal(last.event_id, EVENT);
  assert.equal(last.baseline_kw, 100);
  assert.equal(last.delivered_shed_kw, 30);
  assert.equal(last.samples, 18);
  // each sample is credited the time since the previous one (the first, at the start, none)
  assert.ok(Math.abs((last.delivered_kwh as number) - (30 * 170) / 3600) < 1e-9, String(last.delivered_kwh));
  assert.equal(last.last_sample_at, t0 + 290_000);
  h.advance(1_000);
  assert.deepEqual(activeEvents(), [], "gone from the live state at its end");
  run(t0 + 400_000, () => 10);
  assert.equal(progress().length, 18, "samples after the end are not counted");
  assert.deepEqual(h.rows("adr_responses").map((r) => [r.event_id, r.opt]), [[EVENT, "optIn"]]);
  await h.stop();
});

Deno.test("VEN actor: delivered shed is never negative (used above the baseline delivers 0)", async () => {
  const { h, t0, notify, run, progress } = await scripted();
  await notify("scheduled");
  run(t0 + 120_000, () => 100);
  run(t0 + 200_000, (ts) => (ts % 20_000 === 0 ? 130 : 90));
  const last = progress().at(-1)!;
  assert.equal(last.baseline_kw, 100);
  assert.equal(last.delivered_shed_kw, 5, "the mean of 0 and 10");
  await h.stop();
});

Deno.test("VEN actor: an opt-out is recorded and nothing is measured for it", async () => {
  const { h, t0, notify, respond, run, activeEvents, progress } = await scripted();
  await notify("scheduled");
  run(t0 + 100_000, () => 100);
  respond("optOut");
  run(t0 + 200_000, () => 60);
  assert.deepEqual(h.rows("adr_responses").map((r) => [r.opt, r.responded_at]), [["optOut", t0 + 100_000]]);
  assert.deepEqual(progress(), []);
  assert.deepEqual(activeEvents(), [], "an opted-out VEN is not taking part");
  await h.stop();
});

Deno.test("VEN actor: an answer that arrives before the actor hears of the event still counts", async () => {
  const { h, t0, notify, respond, run, progress } = await scripted();
  respond("optOut");
  assert.equal(h.rows("adr_responses").length, 1, "recorded at once");
  await notify("scheduled");
  run(t0 + 200_000, () => 50);
  assert.deepEqual(progress(), []);
  await h.stop();
});

Deno.test("VEN actor: an event learned late replays the recent samples around its start", async () => {
  const { h, t0, notify, run, progress } = await scripted();
  run(t0 + 120_000, () => 80);
  run(t0 + 150_000, () => 60); // 3 samples in the event before the actor hears of it
  await notify("active");
  const replayed = progress().at(-1)!;
  assert.equal(replayed.baseline_kw, 80);
  assert.equal(replayed.samples, 3);
  run(t0 + 160_000, () => 60);
  assert.equal(progress().at(-1)!.samples, 4);
  await h.stop();
});

Deno.test("VEN actor: a cancelled event stops being measured and leaves the live state; deleted is forgotten", async () => {
  const { h, t0, notify, run, activeEvents, progress } = await scripted();
  await notify("scheduled");
  run(t0 + 150_000, () => 100);
  assert.deepEqual(activeEvents(), [EVENT]);
  const before = progress().length;
  await notify("cancelled", undefined);
  assert.deepEqual(activeEvents(), []);
  run(t0 + 200_000, () => 50);
  assert.equal(progress().length, before);
  await notify("deleted", undefined);
  assert.deepEqual(activeEvents(), []);
  await h.stop();
});

Deno.test("VEN actor: an event that started before the actor did is measured against the catalog's baseline", async () => {
  const { h, t0, event, notify, run, progress } = await scripted();
  h.advance(130_000);
  await notify("active", { ...event, baselineKw: 90 });
  run(t0 + 170_000, () => 50);
  const last = progress().at(-1)!;
  assert.equal(last.baseline_kw, 90);
  assert.equal(last.delivered_shed_kw, 40);
  await h.stop();
});
