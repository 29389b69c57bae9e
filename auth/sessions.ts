/**
 * Ended sessions: an access token names its session (`sid`), and a session ended by a logout, a "sign out
 * everywhere", a reused refresh token, a password, role or deactivation change or a deleted user refuses
 * its access tokens at once, not when they expire. The ended sessions of the last access-token lifetime are
 * kept in memory per services; what this process ends is added at once, and what other processes (or this
 * one before a restart) ended is read from `ended_sessions` when the copy is older than
 * {@linkcode ENDED_SESSIONS_REFRESH_MS}, by the request that finds it so: no timer, one indexed query every
 * few seconds under load. If that read fails the last copy is used (and logged): the API does not stop
 * authenticating because PostgreSQL hiccupped.
 * @module
 */
import type { Services } from "../core/services.ts";
import { ACCESS_TOKEN_TTL_S } from "../domain/user.ts";
import { endedSessionsSince } from "../stores/postgres/repos/refresh_tokens.ts";

/** How stale the in-memory copy may get before a request reads new ended sessions. */
export const ENDED_SESSIONS_REFRESH_MS = 5_000;

/** What one services object knows about ended sessions. */
interface Known {
  /** session id -> when it ended (epoch ms). */
  ended: Map<string, number>;
  /** The newest `ended_at` read so far (epoch ms), 0 before the first read. */
  readUpTo: number;
  readAt: number;
  reading?: Promise<void>;
}

const known = new WeakMap<Services, Known>();

function of(services: Services): Known {
  let k = known.get(services);
  if (!k) known.set(services, k = { ended: new Map(), readUpTo: 0, readAt: 0 });
  return k;
}

/** Records sessions this process has just ended. */
export function sessionsEnded(services: Services, sessionIds: Iterable<string>): void {
  const k = of(services);
  const now = Date.now();
  for (const id of sessionIds) k.ended.set(id, now);
}

/** Whether the session `sessionId` has ended. */
export async function sessionEnded(services: Services, sessionId: string): Promise<boolean> {
  const k = of(services);
  if (Date.now() - k.readAt >= ENDED_SESSIONS_REFRESH_MS) await (k.reading ??= read(services, k));
  return k.ended.has(sessionId);
}

async function read(services: Services, k: Known): Promise<void> {
  const now = Date.now();
  const horizon = now - (ACCESS_TOKEN_TTL_S + 60) * 1000;
  try {
    // overlapping: a row committed after the last read may carry an earlier ended_at (its transaction's start)
    const since = new Date(Math.max(horizon, k.readUpTo - 10_000));
    for (const row of await endedSessionsSince(services.sql, since)) {
      const at = row.endedAt.getTime();
      k.ended.set(row.sessionId, at);
      if (at > k.readUpTo) k.readUpTo = at;
    }
    for (const [id, at] of k.ended) if (at < horizon) k.ended.delete(id); // their tokens have expired
  } catch (error) {
    services.log.warn("reading ended sessions failed; using the last copy", { error });
  } finally {
    k.readAt = now;
    k.reading = undefined;
  }
}
