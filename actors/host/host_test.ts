import assert from "node:assert/strict";
import { shardOf } from "../placement.ts";
import { plantSpec, plantTopic } from "../plant/testing.ts";
import { hostHarness } from "./testing.ts";

/** A plant id that `shardOf` puts on `shard` of `shards`. */
function idOnShard(shard: number, shards: number, skip = 0): string {
  for (let i = 0;; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    if (shardOf(id, shards) === shard && skip-- === 0) return id;
  }
}

const reading = (ts: number, mw: number) => ({ ts, mw });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("WorkerHost publishes a message for another shard's actor again, acks it once the broker has it, and drops the stale subscription", async () => {
  const h = hostHarness({ settings: { shards: 2, recordUnknown: false } });
  const mine = idOnShard(0, 2);
  const moved = idOnShard(1, 2); // under an earlier SHARDS it was shard 0's
  await h.host.handle({ type: "assign", req: 1, shard: 0, actors: [plantSpec(mine)], unsubscribe: [] });
  const session = h.sessions.get("test-shard-0")!;
  session.subscriptions.add(plantTopic(moved)); // what the persistent session kept
  let brokerHasIt!: () => void;
  session.publishGate = new Promise((resolve) => (brokerHasIt = resolve));

  const t0 = h.clock.now();
  const first = session.deliver(plantTopic(mine), reading(t0, 10));
  const other = session.deliver(plantTopic(moved), reading(t0, 20));
  const last = session.deliver(plantTopic(mine), reading(t0 + 1000, 11));
  await h.commitAll();
  assert.equal(
    session.published.length,
    0,
    "held until every shard has subscribed: a copy could reach no one",
  );
  assert.deepEqual(session.acked, [first, last]);

  await h.host.handle({ type: "shardsReady" });
  await tick(); // the stale subscription is dropped first, then the copy published
  assert.deepEqual(session.published.map((p) => ({ topic: p.topic, qos: p.qos })), [
    { topic: plantTopic(moved), qos: 1 },
  ]);
  assert.equal(
    new TextDecoder().decode(session.published[0].payload as Uint8Array),
    JSON.stringify(reading(t0, 20)),
  );
  assert.deepEqual(session.acked, [first, last], "the commit acks around the message published again");
  assert.ok(!session.subscriptions.has(plantTopic(moved)), "the stale subscription is dropped");
  assert.deepEqual(h.rows("meter_readings").map((r) => r.plant_id), [mine, mine]);
  assert.deepEqual(h.rejected(), []);

  brokerHasIt();
  await tick();
  assert.deepEqual(session.acked, [first, last, other]);
  await h.stop();
});

Deno.test("WorkerHost does not publish again a message for an actor of its own shard it does not have (removed): the catch-all records it", async () => {
  const h = hostHarness({ settings: { shards: 2, recordUnknown: false } });
  const mine = idOnShard(0, 2);
  const removed = idOnShard(0, 2, 1);
  await h.host.handle({ type: "assign", req: 1, shard: 0, actors: [plantSpec(mine)], unsubscribe: [] });
  const session = h.sessions.get("test-shard-0")!;
  await h.host.handle({ type: "shardsReady" });
  const seq = session.deliver(plantTopic(removed), reading(h.clock.now(), 5));
  await h.commitAll();
  await tick();
  assert.equal(session.published.length, 0);
  assert.deepEqual(session.acked, [seq]);
  assert.deepEqual(h.rejected(), []);
  await h.stop();
});

/** Two plants on shard 0 that both reported and were snapshotted; then only the first reports again. */
async function releasedHost(settings: { releaseDrainMs?: number } = {}, commit = true) {
  const h = hostHarness({ settings });
  const [changed, unchanged] = [idOnShard(0, 1), idOnShard(0, 1, 1)];
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [plantSpec(changed), plantSpec(unchanged)],
    unsubscribe: [],
  });
  const session = h.sessions.get("test-shard-0")!;
  const t0 = h.clock.now();
  session.deliver(plantTopic(changed), reading(t0, 10));
  session.deliver(plantTopic(unchanged), reading(t0, 10));
  h.advance(12_000); // two rounds of periodic snapshots: state changed after the first one (events)
  if (commit) await h.commitAll();
  session.deliver(plantTopic(changed), reading(t0 + 1_000, 11));
  const periodic = h.rows("actor_snapshots").length;
  if (commit) await h.stop();
  else await h.host.stop(); // nothing is ever committed: both drains time out
  const rows = h.rows("actor_snapshots");
  return { changed, unchanged, periodic: rows.slice(0, periodic), released: rows.slice(periodic) };
}

Deno.test("WorkerHost release: once everything read is committed, snapshots are written complete and unchanged actors' confirmed", async () => {
  const { changed, unchanged, periodic, released } = await releasedHost();
  assert.deepEqual(
    [...new Set(periodic.map((r) => `${r.actor_key} ${r.complete}`))].sort(),
    [`plant:${changed} false`, `plant:${unchanged} false`].sort(),
    "periodic snapshots are not complete",
  );
  assert.deepEqual(
    released.map((r) => [r.actor_key, r.state === null ? "confirmation" : "snapshot", r.complete]),
    [[`plant:${changed}`, "snapshot", true], [`plant:${unchanged}`, "confirmation", true]],
  );
});

Deno.test("WorkerHost release: with batches still uncommitted after the drain, nothing is marked complete", async () => {
  const { changed, released } = await releasedHost({ releaseDrainMs: 20 }, false);
  assert.deepEqual(
    released.map((r) => [r.actor_key, r.state === null ? "confirmation" : "snapshot", r.complete]),
    [[`plant:${changed}`, "snapshot", false]],
  );
});

Deno.test("WorkerHost release: an idle actor restored from an ordinary snapshot is not confirmed, one restored from a complete one is", async () => {
  const h = hostHarness();
  const [ordinary, complete] = [idOnShard(0, 1), idOnShard(0, 1, 1)];
  const snapshot = { v: 1, metrics: {} };
  await h.host.handle({
    type: "assign",
    req: 1,
    shard: 0,
    actors: [
      { ...plantSpec(ordinary), snapshot }, // its buckets were marked inexact in memory only
      { ...plantSpec(complete), snapshot, completeSnapshot: true },
    ],
    unsubscribe: [],
  });
  await h.stop();
  assert.deepEqual(
    h.rows("actor_snapshots").map((
      r,
    ) => [r.actor_key, r.state === null ? "confirmation" : "snapshot", r.complete]),
    [[`plant:${complete}`, "confirmation", true]],
  );
});
