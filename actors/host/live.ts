/**
 * When each actor's live state goes to the cache. Building it (dates, lists) and shipping it costs
 * more than handling a message, so it is built once per flush for the actors that changed, and for a
 * busy actor at most every `intervalMs`; an alert or status change (any non-`reading` event) goes out
 * with the very next flush, so the cache shows new alerts at once.
 * @module
 */

/** What the schedule needs of an actor. */
export interface LiveCell {
  /** Builds the cache entry of the actor's current state; absent for kinds without live state. */
  live?(): { key: string; value: unknown; ttlSeconds?: number };
}

interface Mark {
  urgent: boolean;
  /** When its live state was last shipped (host clock). */
  at: number;
}

/** The actors whose live state is due. */
export class LiveSchedule<C extends LiveCell> {
  #intervalMs: number;
  #dirty = new Map<C, Mark>();
  #shipped = new WeakMap<C, number>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The actor changed; `urgent` after an alert or status change. */
  changed(cell: C, urgent: boolean): void {
    if (!cell.live) return;
    const mark = this.#dirty.get(cell);
    if (mark) mark.urgent ||= urgent;
    else this.#dirty.set(cell, { urgent, at: this.#shipped.get(cell) ?? -Infinity });
  }

  /** The actor stopped. */
  forget(cell: C): void {
    this.#dirty.delete(cell);
  }

  /** The entries due at `now` (each actor once); the rest stay for a later flush. */
  take(now: number): { key: string; value: unknown; ttlSeconds?: number }[] {
    const out = [];
    for (const [cell, mark] of this.#dirty) {
      if (!mark.urgent && now - mark.at < this.#intervalMs) continue;
      this.#dirty.delete(cell);
      this.#shipped.set(cell, now);
      const entry = cell.live?.();
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Whether a held-back entry has become due (the host then makes the batch flush). */
  due(now: number): boolean {
    for (const mark of this.#dirty.values()) {
      if (mark.urgent || now - mark.at >= this.#intervalMs) return true;
    }
    return false;
  }
}
