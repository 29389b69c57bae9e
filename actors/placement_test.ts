import assert from "node:assert/strict";
import fc from "fast-check";
import { assignShards, shardOf, workerOf } from "./placement.ts";

Deno.test("shardOf() is stable and case-insensitive", () => {
  const id = "6F1C2E7A-0C1B-4E55-9D1A-1B2C3D4E5F60";
  assert.deepEqual(shardOf(id, 64), shardOf(id.toLowerCase(), 64));
  assert.deepEqual(shardOf(id, 64), shardOf(id, 64));
});

Deno.test("shardOf() spreads uuids evenly over 64 shards", () => {
  const counts = new Array(64).fill(0);
  for (let i = 0; i < 64_000; i++) counts[shardOf(crypto.randomUUID(), 64)]++;
  for (const count of counts) assert(count > 800 && count < 1200, `uneven shard: ${count}`);
});

Deno.test("workerOf() moves only the shards of a removed worker", () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), fc.nat(), (n, pick) => {
    const workers = Array.from({ length: n }, (_, i) => i);
    const removed = pick % n;
    const before = assignShards(64, workers);
    const after = assignShards(64, workers.filter((w) => w !== removed));
    for (let shard = 0; shard < 64; shard++) {
      if (before[shard] !== removed) assert.deepEqual(after[shard], before[shard]);
      else assert(after[shard] !== removed);
    }
  }));
});

Deno.test("workerOf() gives a returning worker back exactly its shards", () => {
  const all = [0, 1, 2];
  const before = assignShards(64, all);
  assert.deepEqual(assignShards(64, [0, 2]).map((_, s) => workerOf(s, all)), before);
  assert(new Set(before).size === 3, "every worker gets shards");
});
