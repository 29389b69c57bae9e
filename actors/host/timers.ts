/**
 * The actor timers of one worker host: a deadline per (actor, timer name) in a binary min-heap, polled
 * by the host every ~100 ms (so a timer fires within that of its deadline, well inside the 1 s the gap
 * alert allows). Re-arming later (every reading pushes the gap deadline back) only updates a map: the
 * old heap entry, when it comes up, sees the later deadline and re-queues itself. So a timer costs
 * O(1) per message instead of a heap push, and the heap holds about one entry per armed timer.
 * @module
 */

interface Entry {
  at: number;
  key: string;
}

/** Deadlines by key (`actorKey` + `\0` + timer name). */
export class TimerTable {
  #due = new Map<string, number>();
  #heap: Entry[] = [];

  /** Armed timers. */
  get size(): number {
    return this.#due.size;
  }

  /** Arms `key` at `at` (epoch ms), replacing its deadline; `undefined` cancels it. */
  set(key: string, at: number | undefined): void {
    if (at === undefined) {
      this.#due.delete(key);
      return;
    }
    const previous = this.#due.get(key);
    this.#due.set(key, at);
    if (previous === undefined || at < previous) this.#push({ at, key });
  }

  /** The deadline of `key`, if armed. */
  get(key: string): number | undefined {
    return this.#due.get(key);
  }

  /** Cancels every timer whose key starts with `prefix` (an actor that stops). */
  deletePrefix(prefix: string): void {
    for (const key of this.#due.keys()) if (key.startsWith(prefix)) this.#due.delete(key);
  }

  /** Removes and returns the keys due at `now`, earliest first. */
  takeDue(now: number): string[] {
    const out: string[] = [];
    while (this.#heap.length > 0 && this.#heap[0].at <= now) {
      const { key } = this.#pop();
      const at = this.#due.get(key);
      if (at === undefined) continue; // cancelled
      if (at > now) {
        this.#push({ at, key }); // re-armed later since this entry was queued
        continue;
      }
      this.#due.delete(key);
      out.push(key);
    }
    return out;
  }

  /** The earliest deadline in the heap (may belong to a re-armed timer), or undefined. */
  peek(): number | undefined {
    return this.#heap[0]?.at;
  }

  #push(entry: Entry): void {
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

  #pop(): Entry {
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
