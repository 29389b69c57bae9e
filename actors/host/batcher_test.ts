import assert from "node:assert/strict";
import { manualClock } from "../../core/clock.ts";
import type { Batch } from "../protocol.ts";
import { Batcher } from "./batcher.ts";

function batcher() {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const posted: Batch[] = [];
  const b = new Batcher({
    worker: 0,
    clock,
    sinkColumns: new Map(),
    maxMessages: 1000,
    maxDelayMs: 1000,
    post: (batch) => void posted.push(batch),
  });
  return { b, clock, posted };
}

const target = { ack() {} };

Deno.test("Batcher holds readings until maxDelayMs, but flushes a batch with an alert right after the messages being handled", async () => {
  const { b, clock, posted } = batcher();
  b.message(target, 1, "plant", "accepted");
  b.event({ type: "reading", kind: "plant", id: "a" });
  await Promise.resolve();
  assert.equal(posted.length, 0, "readings wait for the delay");
  clock.advance(1000);
  assert.equal(posted.length, 1);

  b.message(target, 2, "plant", "accepted");
  b.event({ type: "alert", kind: "plant", id: "a" });
  b.message(target, 3, "plant", "accepted"); // handled in the same task: joins the batch
  b.event({ type: "alert", kind: "plant", id: "b" });
  assert.equal(posted.length, 1, "not in the middle of the task");
  await Promise.resolve();
  assert.equal(posted.length, 2, "flushed without waiting for the delay");
  assert.equal(posted[1].messages, 2);
  assert.equal(posted[1].events.length, 2);
  clock.advance(1000);
  assert.equal(posted.length, 2, "nothing left behind");
});
