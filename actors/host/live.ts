/**
 * When each actor's live state goes to the cache. Building it (dates, lists) and shipping it costs
 * more than handling a message, so it is built once per flush for the actors that changed, and for a
 * busy actor at most every `intervalMs`; an alert or status change (any non-`reading` event) goes out
 * with the very next flush, so the cache shows new alerts at once.
 * @module
 */

/** A cache entry of an actor's live state. */
type LiveEntry = { key: string; value: unknown; ttlSeconds?: number };

/** What the schedule needs of an actor. */
export interface LiveCell {
  /** Builds the cache entry of the actor's current state; absent for kinds without live state. */
  live?(): LiveEntry;
}

/** The actors whose live state is due. */
export class LiveSchedule<C extends LiveCell> {
  #intervalMs: number;
  /** Alerts and status changes: shipped with the next flush. */
  #urgent = new Set<C>();
  /** The rest, with when each was last shipped. */
  #held = new Map<C, number>();
  /** No held entry is due before this: most flushes skip the scan. */
  #nextDue = Infinity;
  #shipped = new WeakMap<C, number>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The actor changed; `urgent` after an alert or status change. */
  changed(cell: C, urgent: boolean): void {
    if (!cell.live || this.#urgent.has(cell)) return;
    if (urgent) {
      this.#held.delete(cell);
      this.#urgent.add(cell);
    } else if (!this.#held.has(cell)) {
      const at = this.#shipped.get(cell) ?? -Infinity;
      this.#held.set(cell, at);
      if (at + this.#intervalMs < this.#nextDue) this.#nextDue = at + this.#intervalMs;
    }
  }

  /** The actor stopped. */
  forget(cell: C): void {
    this.#urgent.delete(cell);
    this.#held.delete(cell);
  }

  /** The entries due at `now` (each actor once); the rest stay for a later flush. */
  take(now: number): LiveEntry[] {
    const out: LiveEntry[] = [];
    for (const cell of this.#urgent) this.#ship(cell, now, out);
    this.#urgent.clear();
    if (now >= this.#nextDue) {
      this.#nextDue = Infinity;
      for (const [cell, at] of this.#held) {
        if (now - at >= this.#intervalMs) {
          this.#held.delete(cell);
          this.#ship(cell, now, out);
        } else if (at + this.#intervalMs < this.#nextDue) this.#nextDue = at + this.#intervalMs;
      }
    }
    return out;
  }

  /** Whether an entry is due (the host then makes the batch flush). */
  due(now: number): boolean {
    return this.#urgent.size > 0 || now >= this.#nextDue;
  }

  #ship(cell: C, now: number, out: LiveEntry[]): void {
    this.#shipped.set(cell, now);
    const entry = cell.live?.();
    if (entry) out.push(entry);
  }
}
