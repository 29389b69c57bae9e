/**
 * The actor timers of one worker host: a deadline per (actor, timer name) in a binary min-heap, polled
 * by the host every 25 ms by default (`timerTickMs`; a timer fires within that of its deadline, well
 * inside the 1 s the gap alert allows). Re-arming later (every reading pushes the gap deadline back)
 * only updates the owner's record: the old heap entry, when it comes up, sees the later deadline and
 * re-queues itself. So a timer costs O(1) per message instead of a heap push, and the heap holds about
 * one entry per armed timer. Deadlines live on the owners themselves (the actor cells): setting one is
 * a property write, with no key strings built and no map lookups per message.
 * @module
 */

/** Something timers belong to; the table keeps its deadlines in `timers`. */
export interface TimerOwner {
  timers?: Record<string, number | undefined>;
}

interface Entry<T> {
  at: number;
  owner: T;
  name: string;
}

/** Deadlines by owner and name. */
export class TimerTable<T extends TimerOwner> {
  #heap: Entry<T>[] = [];
  #size = 0;

  /** Armed timers. */
  get size(): number {
    return this.#size;
  }

  /** Arms `owner`'s timer `name` at `at` (epoch ms), replacing its deadline; `undefined` cancels it. */
  set(owner: T, name: string, at: number | undefined): void {
    const timers = owner.timers ??= {};
    const previous = timers[name];
    timers[name] = at;
    if (at === undefined) {
      if (previous !== undefined) this.#size--;
      return;
    }
    if (previous === undefined) this.#size++;
    if (previous === undefined || at < previous) this.#push({ at, owner, name });
  }

  /** The deadline of `owner`'s timer `name`, if armed. */
  get(owner: T, name: string): number | undefined {
    return owner.timers?.[name];
  }

  /** Cancels every timer of `owner` (an actor that stops). */
  delete(owner: T): void {
    for (const name in owner.timers) if (owner.timers[name] !== undefined) this.#size--;
    owner.timers = {};
  }

  /** Removes and returns the timers due at `now`, earliest first. */
  takeDue(now: number): { owner: T; name: string }[] {
    const out: { owner: T; name: string }[] = [];
    while (this.#heap.length > 0 && this.#heap[0].at <= now) {
      const entry = this.#pop();
      const at = entry.owner.timers?.[entry.name];
      if (at === undefined) continue; // cancelled
      if (at > now) {
        this.#push({ at, owner: entry.owner, name: entry.name }); // re-armed later since it was queued
        continue;
      }
      entry.owner.timers![entry.name] = undefined;
      this.#size--;
      out.push({ owner: entry.owner, name: entry.name });
    }
    return out;
  }

  #push(entry: Entry<T>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].at <= heap[i].at) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  #pop(): Entry<T> {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      while (true) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && heap[l].at < heap[smallest].at) smallest = l;
        if (r < heap.length && heap[r].at < heap[smallest].at) smallest = r;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
