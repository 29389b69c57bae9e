/**
 * Refresh tokens, stored as SHA-256 hashes, rotated on use: redeeming a token revokes it and links it
 * to its successor; presenting a token that was already rotated is reuse (a stolen copy, or a client
 * replaying), and revokes every token of the user.
 * @module
 */
import type { Sql } from "../client.ts";

/** Stores a new token hash for `userId`, valid until `expiresAt`; returns its row id. */
export async function insertRefreshToken(
  sql: Sql,
  token: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<string> {
  const [row] = await sql`
    insert into refresh_tokens (user_id, token_hash, expires_at)
    values (${token.userId}, ${token.tokenHash}, ${token.expiresAt}) returning id`;
  return row.id as string;
}

/** What redeeming a refresh token found. */
export type RedeemResult =
  | { outcome: "rotated"; userId: string }
  | { outcome: "reused"; userId: string }
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
      select id, user_id, expires_at, revoked_at, replaced_by from refresh_tokens
      where token_hash = ${tokenHash} for update`;
    if (!row) return { outcome: "unknown" as const };
    const userId = row.user_id as string;
    if (row.replaced_by) {
      await tx`update refresh_tokens set revoked_at = now() where user_id = ${userId} and revoked_at is null`;
      return { outcome: "reused" as const, userId };
    }
    if (row.revoked_at) return { outcome: "revoked" as const };
    if ((row.expires_at as Date).getTime() <= Date.now()) return { outcome: "expired" as const };
    const [created] = await tx`
      insert into refresh_tokens (user_id, token_hash, expires_at)
      values (${userId}, ${next.tokenHash}, ${next.expiresAt}) returning id`;
    await tx`update refresh_tokens set revoked_at = now(), replaced_by = ${created.id} where id = ${row.id}`;
    return { outcome: "rotated" as const, userId };
  }) as Promise<RedeemResult>;
}

/** Revokes the token with `tokenHash`; returns its user, or undefined when it is unknown. */
export async function revokeRefreshToken(sql: Sql, tokenHash: string): Promise<string | undefined> {
  const [row] = await sql`
    update refresh_tokens set revoked_at = coalesce(revoked_at, now())
    where token_hash = ${tokenHash} returning user_id`;
  return row?.user_id as string | undefined;
}

/** Revokes every live token of `userId`; returns how many. */
export async function revokeUserTokens(sql: Sql, userId: string): Promise<number> {
  const rows = await sql`
    update refresh_tokens set revoked_at = now() where user_id = ${userId} and revoked_at is null returning id`;
  return rows.length;
}

/** Deletes tokens that expired more than `graceDays` ago (they can no longer be used or reused). */
export async function pruneRefreshTokens(sql: Sql, graceDays = 30): Promise<number> {
  const rows = await sql`
    delete from refresh_tokens where expires_at < now() - make_interval(days => ${graceDays}) returning id`;
  return rows.length;
}
