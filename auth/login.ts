/**
 * Signing in with a username and password, throttled per username and client address.
 *
 * @example
 * ```ts
 * import { login } from "./auth/login.ts";
 * // const tokens = await login(services, { username: "admin", password: "...", address: "10.0.0.7" });
 * ```
 * @module
 */
import type { Services } from "../core/services.ts";
import type { Role } from "../domain/user.ts";
import { touchLogin, userForLogin } from "../stores/postgres/repos/users.ts";
import { pruneRefreshTokens } from "../stores/postgres/repos/refresh_tokens.ts";
import { LoginLimiter } from "./login_limiter.ts";
import { verifyPassword } from "./passwords.ts";
import { type IssuedTokens, issueTokens, TokenError } from "./tokens.ts";

/** Too many failed logins for a username from an address; try again after `retryAfterSeconds`. */
export class LoginThrottledError extends Error {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`Too many failed sign-ins; try again in ${retryAfterSeconds} s`);
    this.name = "LoginThrottledError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const limiters = new WeakMap<Services, LoginLimiter>();
/** When these services last pruned expired refresh tokens and old ended sessions (epoch ms). */
const prunedAt = new WeakMap<Services, number>();
/** Pruning happens at a sign-in, at most this often per process. */
export const PRUNE_INTERVAL_MS = 60 * 60_000;

/** The failed-login counter of these services (kept in their database: shared by every instance). */
export function loginLimiter(services: Services): LoginLimiter {
  let limiter = limiters.get(services);
  if (!limiter) limiters.set(services, limiter = new LoginLimiter(services.sql));
  return limiter;
}

/**
 * Checks the credentials and issues tokens.
 *
 * @throws {LoginThrottledError} after too many failures for this username from this address.
 * @throws {TokenError} for a wrong username or password, or an inactive user (one message for all, so
 * the answer does not tell which usernames exist).
 */
export async function login(
  services: Services,
  credentials: { username: string; password: string; address: string },
): Promise<IssuedTokens> {
  const { username, password, address } = credentials;
  // counted as a failure from here until the password proves right
  const attempt = await loginLimiter(services).begin(username, address);
  if (attempt.retryAfterSeconds > 0) throw new LoginThrottledError(attempt.retryAfterSeconds);
  const user = await userForLogin(services.sql, username);
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!ok || !user?.active) {
    services.log.info("sign-in refused", { username, address });
    throw new TokenError("Wrong username or password");
  }
  await attempt.succeeded();
  await touchLogin(services.sql, user.id);
  if (Date.now() - (prunedAt.get(services) ?? 0) >= PRUNE_INTERVAL_MS) {
    prunedAt.set(services, Date.now());
    // every refresh adds a row: without this the table only grows
    await pruneRefreshTokens(services.sql).catch((error) =>
      services.log.warn("pruning expired refresh tokens failed", { error })
    );
  }
  return issueTokens(services, { id: user.id, username: user.username, role: user.role as Role });
}
