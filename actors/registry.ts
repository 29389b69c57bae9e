/**
 * Which actors exist, in the main isolate: key (`kind:id`) -> shard, and shard -> keys. Placement of a
 * shard on a worker is the supervisor's business; this is the list of what to place.
 * @module
 */
import { shardOf } from "./placement.ts";
import type { ActorKind } from "./runtime.ts";

/** One registered actor. */
export interface Registered {
  kind: ActorKind;
  id: string;
  shard: number;
}

/** The actors of the runtime. */
export class ActorRegistry {
  readonly shards: number;
  #byKey = new Map<string, Registered>();
  #byShard = new Map<number, Set<string>>();

  constructor(shards: number) {
    this.shards = shards;
  }

  /** Registers an actor; returns its entry. */
  add(kind: ActorKind, id: string): Registered {
    const key = `${kind}:${id}`;
    const existing = this.#byKey.get(key);
    if (existing) return existing;
    const entry = { kind, id, shard: shardOf(id, this.shards) };
    this.#byKey.set(key, entry);
    let set = this.#byShard.get(entry.shard);
    if (!set) this.#byShard.set(entry.shard, set = new Set());
    set.add(key);
    return entry;
  }

  /** Forgets an actor; returns what it was. */
  delete(kind: ActorKind, id: string): Registered | undefined {
    const key = `${kind}:${id}`;
    const entry = this.#byKey.get(key);
    if (!entry) return undefined;
    this.#byKey.delete(key);
    this.#byShard.get(entry.shard)?.delete(key);
    return entry;
  }

  get(kind: string, id: string): Registered | undefined {
    return this.#byKey.get(`${kind}:${id}`);
  }

  has(kind: string, id: string): boolean {
    return this.#byKey.has(`${kind}:${id}`);
  }

  /** Every actor of `kind`. */
  all(kind: ActorKind): Registered[] {
    return [...this.#byKey.values()].filter((entry) => entry.kind === kind);
  }

  /** The actors of `shard`. */
  inShard(shard: number): Registered[] {
    return [...this.#byShard.get(shard) ?? []].map((key) => this.#byKey.get(key)!);
  }

  /** Actors per kind. */
  countByKind(): Record<ActorKind, number> {
    const out: Record<ActorKind, number> = { plant: 0, ven: 0, site: 0 };
    for (const entry of this.#byKey.values()) out[entry.kind]++;
    return out;
  }

  /** Actors per shard. */
  countByShard(): number[] {
    return Array.from({ length: this.shards }, (_, s) => this.#byShard.get(s)?.size ?? 0);
  }

  get size(): number {
    return this.#byKey.size;
  }
}
