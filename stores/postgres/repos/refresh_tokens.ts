/**
 * Refresh tokens, stored as SHA-256 hashes, rotated on use: redeeming a token revokes it and links it
 * to its successor; presenting a token that was already rotated is reuse (a stolen copy, or a client
 * replaying), and revokes every token of the user. The tokens of one sign-in share a `session_id`, which
 * access tokens carry (`sid`): ending a session (`ended_sessions`) ends its access tokens too.
 * @module
 */
import { ACCESS_TOKEN_TTL_S } from "../../../domain/user.ts";
import type { Sql, Tx } from "../client.ts";

/** Stores a new token hash for `userId`, valid until `expiresAt`, starting a session. */
export async function insertRefreshToken(
  sql: Sql,
  token: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<{ id: string; sessionId: string }> {
  const [row] = await sql`
    insert into refresh_tokens (user_id, token_hash, expires_at)
    values (${token.userId}, ${token.tokenHash}, ${token.expiresAt}) returning id, session_id`;
  return { id: row.id as string, sessionId: row.session_id as string };
}

/**
 * Ends every session of `userId` that may still have an unexpired access token (a refresh token issued
 * within an access token's lifetime); returns the sessions ended now.
 */
export async function endUserSessions(sql: Sql | Tx, userId: string): Promise<string[]> {
  const rows = await sql`
    insert into ended_sessions (session_id)
    select distinct session_id from refresh_tokens
    where user_id = ${userId} and created_at > now() - make_interval(secs => ${ACCESS_TOKEN_TTL_S + 60})
    on conflict (session_id) do nothing
    returning session_id`;
  return rows.map((r) => r.session_id as string);
}

/** Sessions ended at or after `since`, oldest first. */
export async function endedSessionsSince(
  sql: Sql,
  since: Date,
): Promise<{ sessionId: string; endedAt: Date }[]> {
  const rows = await sql<{ sessionId: string; endedAt: Date }[]>`
    select session_id as "sessionId", ended_at as "endedAt" from ended_sessions
    where ended_at >= ${since} order by ended_at`;
  return [...rows];
}

/** What redeeming a refresh token found. */
export type RedeemResult =
  | { outcome: "rotated"; userId: string; sessionId: string }
  | { outcome: "reused"; userId: string; endedSessions: string[] }
  | { outcome: "expired" | "revoked" | "unknown" };

/**
 * Redeems the token with `tokenHash` in one transaction: a live token is revoked and replaced by
 * `next` (stored for the same user); a rotated one counts as reuse and revokes all of the user's tokens.
 */
export function redeemRefreshToken(
  sql: Sql,
  tokenHash: string,
  next: { tokenHash: string; expiresAt: Date },
): Promise<RedeemResult> {
  return sql.begin(async (tx) => {
    const [row] = await tx`
      select id, user_id, session_id, expires_at, revoked_at, replaced_by from refresh_tokens
      where token_hash = ${tokenHash} for update`;
    if (!row) return { outcome: "unknown" as const };
    const userId = row.user_id as string;
    if (row.replaced_by) {
      return { outcome: "reused" as const, userId, endedSessions: await revokeUserTokensIn(tx, userId) };
    }
    if (row.revoked_at) return { outcome: "revoked" as const };
    if ((row.expires_at as Date).getTime() <= Date.now()) return { outcome: "expired" as const };
    const [created] = await tx`
      insert into refresh_tokens (user_id, token_hash, expires_at, session_id)
      values (${userId}, ${next.tokenHash}, ${next.expiresAt}, ${row.session_id}) returning id`;
    await tx`update refresh_tokens set revoked_at = now(), replaced_by = ${created.id} where id = ${row.id}`;
    return { outcome: "rotated" as const, userId, sessionId: row.session_id as string };
  }) as Promise<RedeemResult>;
}

/**
 * Ends the session of the token with `tokenHash` (a logout): every refresh token of the session is
 * revoked, so an older token of it ends the session as well as the current one; returns its user and
 * session, or undefined when the token is unknown.
 */
export function revokeRefreshToken(
  sql: Sql,
  tokenHash: string,
): Promise<{ userId: string; sessionId: string } | undefined> {
  return sql.begin(async (tx) => {
    const [row] = await tx`select user_id, session_id from refresh_tokens where token_hash = ${tokenHash}`;
    if (!row) return undefined;
    await tx`
      update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where session_id = ${row.session_id}`;
    await tx`insert into ended_sessions (session_id) values (${row.session_id}) on conflict do nothing`;
    return { userId: row.user_id as string, sessionId: row.session_id as string };
  }) as Promise<{ userId: string; sessionId: string } | undefined>;
}

/** Revokes every live token of `userId` and ends their sessions; returns the sessions ended. */
export function revokeUserTokens(sql: Sql, userId: string): Promise<string[]> {
  return sql.begin((tx) => revokeUserTokensIn(tx, userId)) as Promise<string[]>;
}

/** {@linkcode revokeUserTokens} inside the caller's transaction (a reused token, a changed user). */
export async function revokeUserTokensIn(tx: Tx, userId: string): Promise<string[]> {
  await tx`update refresh_tokens set revoked_at = now() where user_id = ${userId} and revoked_at is null`;
  return await endUserSessions(tx, userId);
}

/**
 * Deletes tokens that expired more than `graceDays` ago (they can no longer be used or reused), and ended
 * sessions older than a day (their access tokens expired long before).
 */
export async function pruneRefreshTokens(sql: Sql, graceDays = 30): Promise<number> {
  const rows = await sql`
    delete from refresh_tokens where expires_at < now() - make_interval(days => ${graceDays}) returning id`;
  await sql`delete from ended_sessions where ended_at < now() - interval '1 day'`;
  return rows.length;
}
