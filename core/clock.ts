/**
 * Time, injected: actors, detectors and batchers take a {@linkcode Clock} so tests control time
 * (with `@sinonjs/fake-timers` or {@linkcode manualClock}).
 * @module
 */

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as number,
  clearTimeout: (id) => clearTimeout(id),
};

/** A clock that moves only when told; timers fire in deadline order during {@linkcode ManualClock.advance}. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void;
  /** Sets the time (never backwards), firing due timers. */
  set(epochMs: number): void;
}

/** Creates a {@linkcode ManualClock} starting at `start` (epoch ms). */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const runDue = (until: number) => {
    while (true) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].fn();
    }
    now = Math.max(now, until);
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id),
    advance: (ms) => runDue(now + ms),
    set: (epochMs) => runDue(Math.max(now, epochMs)),
  };
}
