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

/** The `settings` key of {@linkcode shardLayouts}. */
export const SHARD_LAYOUTS_KEY = "runtime.shard_layouts";

/**
 * The largest `SHARDS` that may still have shard sessions at the broker, per MQTT client id prefix: the
 * runtime raises it before its shards connect and lowers it once the sessions beyond its own count are
 * drained, so a later start with fewer shards knows which ids to look for.
 */
export const shardLayouts = {
  async get(sql: Sql, prefix: string): Promise<number | undefined> {
    const [row] = await sql<{ n: number | null }[]>`
      select (value ->> ${prefix})::int as n from settings where key = ${SHARD_LAYOUTS_KEY}`;
    return row?.n ?? undefined;
  },
  /** Sets the prefix's count to `shards`, or to the larger of it and the recorded one with `raiseOnly`. */
  async set(sql: Sql, prefix: string, shards: number, raiseOnly = false): Promise<void> {
    const entry = sql.json({ [prefix]: shards } as never);
    await sql`
      insert into settings (key, value) values (${SHARD_LAYOUTS_KEY}, ${entry})
      on conflict (key) do update set
        value = settings.value || jsonb_build_object(${prefix}::text,
          case when ${raiseOnly} then greatest(coalesce((settings.value ->> ${prefix})::int, 0), ${shards}::int)
               else ${shards}::int end),
        updated_at = now()`;
  },
};
