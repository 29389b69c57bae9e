/**
 * Failed-login rate limiting per username and client address: after {@linkcode LoginLimiterOptions.maxFailures}
 * failures within the window, further attempts for that pair are refused until the oldest failure
 * leaves the window. Keyed by both so that an attacker elsewhere cannot lock the real user out.
 *
 * Kept in PostgreSQL (`login_failures`, migration 0110), so every instance counts every attempt, and an
 * attempt counts as a failure from before its password is checked until it succeeds: bcrypt takes tens of
 * milliseconds, and a limiter that recorded failures only after the check let a burst of parallel
 * attempts through all at once. Counting the window and recording the attempt happen under a lock on the
 * pair (`pg_advisory_xact_lock`), so of a burst exactly as many go ahead as the window has room for. A
 * refused attempt is not counted.
 *
 * @example
 * ```ts
 * import { LoginLimiter } from "./auth/login_limiter.ts";
 * // const limiter = new LoginLimiter(sql, { maxFailures: 5, windowMs: 15 * 60_000 });
 * // const attempt = await limiter.begin("ada", "10.0.0.1");
 * // if (attempt.retryAfterSeconds > 0) refuse(); else if (passwordOk) await attempt.succeeded();
 * ```
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";

/** Options for {@linkcode LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failures allowed within the window. @default {5} */
  maxFailures?: number;
  /** The window in ms. @default {900000} (15 minutes) */
  windowMs?: number;
}

/** One sign-in attempt, counted as a failure unless it succeeds. */
export interface LoginAttempt {
  /** Seconds to wait before trying again; 0 when this attempt may go ahead. */
  retryAfterSeconds: number;
  /** The password was right: the pair's failures are forgotten. */
  succeeded(): Promise<void>;
}

/** Counts failed logins per username and address, across instances. */
export class LoginLimiter {
  #sql: Sql;
  #max: number;
  #windowMs: number;
  #attempts = 0;

  constructor(sql: Sql, options: LoginLimiterOptions = {}) {
    this.#sql = sql;
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
  }

  /** Records an attempt of `username` from `address` as a failure until it succeeds, or refuses it. */
  async begin(username: string, address: string): Promise<LoginAttempt> {
    // text columns cannot hold NUL, and a sign-in may send anything as a username
    const user = username.toLowerCase().replaceAll("\u0000", "\uFFFD");
    address = address.replaceAll("\u0000", "\uFFFD");
    const window = this.#windowMs / 1000;
    if (++this.#attempts % 100 === 0) {
      await this
        .#sql`delete from login_failures where at < clock_timestamp() - make_interval(secs => ${window})`;
    }
    // one attempt of a pair at a time counts and records (a transaction-scoped lock on the pair)
    const waitMs = await this.#sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`login:${user}:${address}`}))`;
      const recent = await tx<{ waitMs: number }[]>`
        select extract(epoch from at + make_interval(secs => ${window}) - clock_timestamp()) * 1000 as "waitMs"
        from login_failures
        where username = ${user} and address = ${address} and at > clock_timestamp() - make_interval(secs => ${window})
        order by at`;
      // full: room again once the oldest of the last `max` failures leaves the window
      if (recent.length >= this.#max) return Number(recent[recent.length - this.#max].waitMs);
      await tx`insert into login_failures (username, address) values (${user}, ${address})`;
      return 0;
    }) as number;
    if (waitMs > 0) {
      return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), succeeded: () => Promise.resolve() };
    }
    return {
      retryAfterSeconds: 0,
      succeeded: async () => {
        await this.#sql`delete from login_failures where username = ${user} and address = ${address}`;
      },
    };
  }
}
