/**
 * The bounded buffer of cache writes made while Redis is unreachable. One pending operation per key:
 * a newer write replaces the older one (newest value per key wins), so a key written a thousand times
 * during an outage costs one slot and one command on replay. Expiry is kept as an absolute time, so a
 * replayed key expires when it would have without the outage.
 * @module
 */
import { BackpressureError } from "../../../core/errors.ts";

/** A pending write of one key. */
export type BufferedOp =
  | { kind: "set"; key: string; json: string; expiresAt?: number }
  | { kind: "delete"; key: string };

/** Pending writes by key, at most `max` keys. */
export class WriteBuffer {
  readonly #ops = new Map<string, BufferedOp>();
  readonly #max: number;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be >= 1, got ${max}`);
    this.#max = max;
  }

  get size(): number {
    return this.#ops.size;
  }

  get max(): number {
    return this.#max;
  }

  /** The pending operation of `key`, if any (read-your-writes while Redis is down). */
  get(key: string): BufferedOp | undefined {
    return this.#ops.get(key);
  }

  /**
   * Adds `ops` all or nothing.
   *
   * @throws {BackpressureError} when the new keys would not fit; nothing is added then.
   */
  put(ops: BufferedOp[]): void {
    const fresh = new Set(ops.map((op) => op.key).filter((key) => !this.#ops.has(key)));
    if (this.#ops.size + fresh.size > this.#max) {
      throw new BackpressureError(
        "cache",
        `Redis is unreachable and ${this.#ops.size} writes are buffered (max ${this.#max}); retry later`,
      );
    }
    for (const op of ops) {
      // Delete then set: Map order is replay order, and the newest write belongs at the end.
      this.#ops.delete(op.key);
      this.#ops.set(op.key, op);
    }
  }

  /** Up to `n` pending operations, oldest first, left in the buffer until {@linkcode settle}. */
  take(n: number): BufferedOp[] {
    const out: BufferedOp[] = [];
    for (const op of this.#ops.values()) {
      if (out.length >= n) break;
      out.push(op);
    }
    return out;
  }

  /** Removes operations that were written, unless a newer write of the same key arrived meanwhile. */
  settle(written: BufferedOp[]): void {
    for (const op of written) if (this.#ops.get(op.key) === op) this.#ops.delete(op.key);
  }

  /** Keys of pending `set` operations starting with `prefix`. */
  keysWithPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (const op of this.#ops.values()) if (op.kind === "set" && op.key.startsWith(prefix)) out.push(op.key);
    return out;
  }
}
