/**
 * Failed-login rate limiting per username and client address: after {@linkcode LoginLimiterOptions.maxFailures}
 * failures within the window, further attempts for that pair are refused until the oldest failure
 * leaves the window. Keyed by both so that an attacker elsewhere cannot lock the real user out.
 * In-process: each instance counts its own attempts (enough to make guessing impractical).
 *
 * @example
 * ```ts
 * import { LoginLimiter } from "./auth/login_limiter.ts";
 * const limiter = new LoginLimiter({ maxFailures: 5, windowMs: 15 * 60_000 });
 * limiter.fail("ada", "10.0.0.1");
 * console.assert(limiter.retryAfterSeconds("ada", "10.0.0.1") === 0);
 * ```
 * @module
 */

/** Options for {@linkcode LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failures allowed within the window. @default {5} */
  maxFailures?: number;
  /** The window in ms. @default {900000} (15 minutes) */
  windowMs?: number;
  /** Pairs tracked at most; the least recently failed are forgotten first. @default {10000} */
  maxKeys?: number;
  /** The clock. @default {Date.now} */
  now?: () => number;
}

/** Counts failed logins per username and address. */
export class LoginLimiter {
  #failures = new Map<string, number[]>();
  #max: number;
  #windowMs: number;
  #maxKeys: number;
  #now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until `username` may try again from `address`; 0 when allowed now. */
  retryAfterSeconds(username: string, address: string): number {
    const recent = this.#recent(this.#key(username, address));
    if (recent.length < this.#max) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.#max] + this.#windowMs - this.#now()) / 1000));
  }

  /** Records a failed attempt. */
  fail(username: string, address: string): void {
    const key = this.#key(username, address);
    const recent = [...this.#recent(key), this.#now()].slice(-this.#max);
    this.#failures.delete(key); // re-insert: Map order is least recently failed first
    this.#failures.set(key, recent);
    if (this.#failures.size > this.#maxKeys) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** Forgets the failures of a pair after a successful login. */
  succeed(username: string, address: string): void {
    this.#failures.delete(this.#key(username, address));
  }

  #key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  #recent(key: string): number[] {
    const cutoff = this.#now() - this.#windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
  }
}
