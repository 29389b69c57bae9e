/**
 * Placement: actor id -> shard (a stable hash modulo a fixed shard count) -> worker (rendezvous
 * hashing over the live workers). A shard is the unit that moves: it owns one MQTT session. The
 * shard of an id never changes while `SHARDS` stays the same; rendezvous hashing gives a restarted
 * worker back exactly its shards, and moves only the shards of a removed worker.
 *
 * @example
 * ```ts
 * import { shardOf, workerOf } from "./actors/placement.ts";
 * const shard = shardOf("6f1c...", 64);
 * const worker = workerOf(shard, [0, 1]);
 * ```
 * @module
 */

/** FNV-1a (32 bit) of a string's UTF-16 code units, finished with murmur3's avalanche. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone spreads similar short keys (e.g. "3:1", "3:2") poorly over the top bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The shard of an actor id (ids are lower-cased first: topics and rows may differ in case).
 *
 * @throws {RangeError} when `shards` is not a positive integer.
 */
export function shardOf(id: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  }
  return stableHash(id.toLowerCase()) % shards;
}

/**
 * The worker that owns `shard` among `workers` (rendezvous / highest-random-weight hashing).
 *
 * @throws {RangeError} when `workers` is empty.
 */
export function workerOf(shard: number, workers: readonly number[]): number {
  if (workers.length === 0) throw new RangeError("No live worker to place a shard on");
  let best = workers[0];
  let bestWeight = -1;
  for (const worker of workers) {
    const weight = stableHash(`${shard}:${worker}`);
    if (weight > bestWeight || (weight === bestWeight && worker < best)) {
      best = worker;
      bestWeight = weight;
    }
  }
  return best;
}

/** Every shard's worker: `assignment[shard] = worker`. */
export function assignShards(shards: number, workers: readonly number[]): number[] {
  return Array.from({ length: shards }, (_, shard) => workerOf(shard, workers));
}
