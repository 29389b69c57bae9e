/**
 * Reconfiguring every actor of a kind in the background, for `runtime.reconfigure(kind)` (an alert rule
 * for every plant was written). A pass reloads the configuration of each of the kind's actors and hands
 * it to its host; at 10,000 plants that took 0.9-2.3 s, which the request that changed the rule used to
 * wait for. Now `order(kind)` returns at once and the pass runs here:
 *
 * - One pass per kind at a time. A change ordered while a pass runs gets one more pass after it (which
 *   reads the database after the change); any number of changes ordered meanwhile share that pass.
 * - A failed pass is logged and retried with backoff until it succeeds or the runtime stops; while it
 *   fails, `stats()` says so (`/metrics`, and `/api/ready` shows the runtime degraded with the error).
 * - What a stop leaves undone is not lost: the next start loads every actor's configuration fresh.
 * @module
 */
import type { Logger } from "../core/log.ts";
import { backoffDelay, type BackoffOptions, sleep } from "../core/retry.ts";
import type { ActorKind } from "./runtime.ts";

/** Options for {@linkcode Reconfigurer}. */
export interface ReconfigurerOptions {
  /** One pass: reloads the configuration of every actor of `kind` and hands it to the hosts. */
  pass(kind: ActorKind, signal: AbortSignal): Promise<void>;
  log: Logger;
  /** Delays between failed passes. @default {{ minDelayMs: 500, maxDelayMs: 30_000 }} */
  backoff?: BackoffOptions;
}

/** What `/metrics` and `check()` read. */
export interface ReconfigurerStats {
  /** Kinds with changes ordered and not yet in effect. */
  pending: ActorKind[];
  /** Passes completed since start. */
  passes: number;
  /** Passes failed since start (each retried). */
  failures: number;
  /** Kinds whose last pass failed, with its error: retried until one succeeds. */
  failing: Partial<Record<ActorKind, string>>;
}

interface Waiter {
  kind: ActorKind;
  /** Resolved once the changes ordered up to this count are in effect. */
  upTo: number;
  resolve(): void;
}

/** Runs the ordered reconfigurations, one pass per kind at a time. */
export class Reconfigurer {
  #o: ReconfigurerOptions;
  /** Changes ordered per kind since start. */
  #ordered = new Map<ActorKind, number>();
  /** Of those, how many are in effect (the count when the last successful pass began). */
  #applied = new Map<ActorKind, number>();
  #running = new Map<ActorKind, Promise<void>>();
  #waiters: Waiter[] = [];
  #failing: Partial<Record<ActorKind, string>> = {};
  #passes = 0;
  #failures = 0;
  #stopping = new AbortController();

  constructor(options: ReconfigurerOptions) {
    this.#o = options;
  }

  /** Orders a reconfiguration of every actor of `kind`; returns at once, the pass runs in the background. */
  order(kind: ActorKind): void {
    if (this.#stopping.signal.aborted) return; // the next start loads every configuration
    this.#ordered.set(kind, (this.#ordered.get(kind) ?? 0) + 1);
    if (!this.#running.has(kind)) this.#running.set(kind, this.#run(kind));
  }

  /**
   * Resolves once every change ordered so far for `kind` is in effect (or the reconfigurer stopped, after
   * which the next start applies them).
   */
  settled(kind: ActorKind): Promise<void> {
    const upTo = this.#ordered.get(kind) ?? 0;
    if ((this.#applied.get(kind) ?? 0) >= upTo || this.#stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ kind, upTo, resolve }));
  }

  stats(): ReconfigurerStats {
    const pending = [...this.#ordered].filter(([kind, n]) => (this.#applied.get(kind) ?? 0) < n)
      .map(([kind]) => kind);
    return { pending, passes: this.#passes, failures: this.#failures, failing: { ...this.#failing } };
  }

  /** Stops retrying and waits for the passes under way (a pass stops between batches). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.all(this.#running.values());
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  async #run(kind: ActorKind): Promise<void> {
    const { signal } = this.#stopping;
    let attempt = 0;
    try {
      while (!signal.aborted && (this.#applied.get(kind) ?? 0) < (this.#ordered.get(kind) ?? 0)) {
        const upTo = this.#ordered.get(kind)!;
        try {
          await this.#o.pass(kind, signal);
        } catch (error) {
          if (signal.aborted) return;
          this.#failures++;
          this.#failing[kind] = error instanceof Error ? error.message : String(error);
          const delayMs = backoffDelay(attempt++, this.#o.backoff ?? { minDelayMs: 500, maxDelayMs: 30_000 });
          this.#o.log.error("reconfiguring every actor of a kind failed; retrying", { kind, delayMs, error });
          await sleep(delayMs, signal).catch(() => {});
          continue;
        }
        if (signal.aborted) return; // stopped between batches: the next start loads every configuration
        attempt = 0;
        this.#passes++;
        delete this.#failing[kind];
        this.#applied.set(kind, upTo);
        this.#waiters = this.#waiters.filter((w) => {
          if (w.kind !== kind || w.upTo > upTo) return true;
          w.resolve();
          return false;
        });
      }
    } finally {
      this.#running.delete(kind);
    }
  }
}
