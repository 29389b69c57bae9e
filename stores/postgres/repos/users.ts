/**
 * Users and their refresh tokens (seed 003). Password hashes never leave this module except to the
 * password check; refresh tokens are stored as SHA-256 hashes.
 * @module
 */
import type { Sql } from "../client.ts";
import { type Entity, fromRow } from "./crud.ts";
import { endUserSessions, revokeUserTokensIn } from "./refresh_tokens.ts";

/** A user row without its password hash. */
export type UserRow = Entity & { id: string; username: string; role: string; active: boolean };

const PUBLIC_COLUMNS = ["id", "username", "role", "active", "created_at", "updated_at", "last_login_at"];

/** The user named `username` with the hash to check a password against. */
export async function userForLogin(
  sql: Sql,
  username: string,
): Promise<(UserRow & { passwordHash: string }) | undefined> {
  const [row] = await sql`select * from users where username = ${username}`;
  return row ? fromRow(row) as UserRow & { passwordHash: string } : undefined;
}

/** The user with `id`, without the hash. */
export async function userById(sql: Sql, id: string): Promise<UserRow | undefined> {
  const [row] = await sql`select ${sql(PUBLIC_COLUMNS)} from users where id = ${id}`;
  return row ? fromRow(row) as UserRow : undefined;
}

/** Users by name, one page, and how many there are. */
export async function listUsers(
  sql: Sql,
  page: { limit: number; offset: number },
): Promise<{ items: UserRow[]; total: number }> {
  const [rows, [{ total }]] = await Promise.all([
    sql`select ${sql(PUBLIC_COLUMNS)} from users order by username limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from users`,
  ]);
  return { items: rows.map(fromRow) as UserRow[], total };
}

/** Creates a user; a taken username raises the unique violation (23505). */
export async function insertUser(
  sql: Sql,
  user: { username: string; passwordHash: string; role: string; active?: boolean },
): Promise<UserRow> {
  const [row] = await sql`
    insert into users (username, password_hash, role, active)
    values (${user.username}, ${user.passwordHash}, ${user.role}, ${user.active ?? true})
    returning ${sql(PUBLIC_COLUMNS)}`;
  return fromRow(row) as UserRow;
}

/** Creates the user unless the name is taken; true when it was created. */
export async function insertUserIfAbsent(
  sql: Sql,
  user: { username: string; passwordHash: string; role: string },
): Promise<boolean> {
  const rows = await sql`
    insert into users (username, password_hash, role) values (${user.username}, ${user.passwordHash}, ${user.role})
    on conflict (username) do nothing returning id`;
  return rows.length > 0;
}

/** Whether any user with the admin role exists (active or not). */
export async function anyAdmin(sql: Sql): Promise<boolean> {
  const [row] = await sql`select exists (select 1 from users where role = 'admin') as found`;
  return row.found as boolean;
}

/**
 * Changes a user; returns it before and after and the sessions the change ended, or undefined when there
 * is no such user.
 */
export function updateUser(
  sql: Sql,
  id: string,
  patch: { passwordHash?: string; role?: string; active?: boolean },
): Promise<{ before: UserRow; after: UserRow; endedSessions: string[] } | undefined> {
  return sql.begin(async (tx) => {
    const [before] = await tx`select ${tx(PUBLIC_COLUMNS)} from users where id = ${id} for update`;
    if (!before) return undefined;
    const [after] = await tx`
      update users set
        password_hash = coalesce(${patch.passwordHash ?? null}, password_hash),
        role = coalesce(${patch.role ?? null}, role),
        active = coalesce(${patch.active ?? null}, active),
        updated_at = now()
      where id = ${id} returning ${tx(PUBLIC_COLUMNS)}`;
    // a new password, role or deactivation ends every session of the user, access tokens included
    const endedSessions = patch.passwordHash || patch.role || patch.active === false
      ? await revokeUserTokensIn(tx, id)
      : [];
    return { before: fromRow(before) as UserRow, after: fromRow(after) as UserRow, endedSessions };
  }) as Promise<{ before: UserRow; after: UserRow; endedSessions: string[] } | undefined>;
}

/** Deletes a user (and, by cascade, their tokens), ending their sessions; returns it, or undefined. */
export function deleteUser(
  sql: Sql,
  id: string,
): Promise<{ user: UserRow; endedSessions: string[] } | undefined> {
  return sql.begin(async (tx) => {
    const endedSessions = await endUserSessions(tx, id);
    const [row] = await tx`delete from users where id = ${id} returning ${tx(PUBLIC_COLUMNS)}`;
    return row ? { user: fromRow(row) as UserRow, endedSessions } : undefined;
  }) as Promise<{ user: UserRow; endedSessions: string[] } | undefined>;
}

/** How many active admins there are (the last one cannot be demoted, deactivated or deleted). */
export async function activeAdmins(sql: Sql): Promise<number> {
  const [row] = await sql`select count(*)::int as n from users where role = 'admin' and active`;
  return row.n as number;
}

/** Records a successful login. */
export async function touchLogin(sql: Sql, id: string): Promise<void> {
  await sql`update users set last_login_at = now() where id = ${id}`;
}
