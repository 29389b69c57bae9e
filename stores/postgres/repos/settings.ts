/**
 * Instance-wide settings in the `settings` table.
 * @module
 */
import type { Sql } from "../client.ts";

/**
 * The value of `key`, creating it with `create()` when absent. Safe when several instances start at
 * once: the first insert wins and every instance reads that one.
 */
export async function getOrCreateSetting<T>(sql: Sql, key: string, create: () => T): Promise<T> {
  const [existing] = await sql`select value from settings where key = ${key}`;
  if (existing) return existing.value as T;
  await sql`insert into settings (key, value) values (${key}, ${sql.json(create() as never)})
    on conflict (key) do nothing`;
  const [row] = await sql`select value from settings where key = ${key}`;
  return row.value as T;
}
