/**
 * Partition maintenance for the raw readings tables, which migration 0160 partitioned by RANGE on `ts`:
 * one partition per calendar month (UTC), `{table}_pYYYY_MM`, and a DEFAULT partition, `{table}_default`,
 * that takes any reading no month partition covers, so no timestamp is ever refused.
 *
 * {@linkcode ensurePartitions} runs at start (after the migrations) and with every retention pass (hourly):
 * it makes the partitions of the current month and the next {@linkcode MONTHS_AHEAD}, and of every month
 * up to {@linkcode STRAY_MONTHS_BACK} back that has rows in the DEFAULT partition (the seed's history, a
 * backfill), moving those rows into the new partition in the same transaction (PostgreSQL refuses to create a
 * partition for a range the DEFAULT partition holds rows of). Rows of months outside that window (a device
 * with a wrong clock: a timestamp may be anything from 2000 to 2100, or any year as ISO text) stay in the
 * DEFAULT partition, stored and read like the others: a partition per such month would let one bad clock
 * make hundreds of partitions, and every query plans over all of them. When nothing is missing it costs one catalog query and one scan of
 * each (empty) DEFAULT partition. Each partition is made in its own short transaction under an advisory
 * lock, checking again under the lock, so two GridPulse processes can run it at once.
 *
 * Retention (`retention.ts`) drops the partitions whose whole month is past its cutoff.
 *
 * @example
 * ```ts
 * import { ensurePartitions } from "./stores/postgres/partitions.ts";
 * // const { created, moved } = await ensurePartitions(sql, Date.now());
 * ```
 * @module
 */
import type { Sql } from "./client.ts";

/** The tables partitioned by month on `ts` (migration 0160). */
export const PARTITIONED_TABLES = [
  "meter_readings",
  "measurements",
  "ven_telemetry",
  "ven_load_samples",
  "ven_statuses",
] as const;

/** Months after the current one whose partitions are made ahead of time. */
export const MONTHS_AHEAD = 3;

/** Months before the current one whose rows get a partition when they arrive in the DEFAULT partition. */
export const STRAY_MONTHS_BACK = 36;

/**
 * How long partition DDL waits for the locks it needs (for the transactions holding them) before it gives
 * up until the next pass: while it waits, the statements that need those locks wait behind it.
 */
const LOCK_TIMEOUT = "2s";
const LOCK_KEY = 7_316_002; // arbitrary, constant: "gridpulse partitions"

/** One partition of a partitioned table: a month `[from, to)`, or the DEFAULT partition (no bounds). */
export interface Partition {
  /** The partitioned table. */
  table: string;
  name: string;
  from?: Date;
  to?: Date;
}

/** What {@linkcode ensurePartitions} did. */
export interface PartitionMaintenance {
  /** Partitions made. */
  created: string[];
  /** Rows moved out of DEFAULT partitions into them. */
  moved: number;
}

/**
 * The partitions of `tables`, by their bounds in the catalog. A table that is not partitioned has none.
 */
export async function listPartitions(
  sql: Sql,
  tables: readonly string[] = PARTITIONED_TABLES,
): Promise<Partition[]> {
  // pg_get_expr renders the bounds as literals in this session's time zone and date style; cast back in
  // the same session, they are the instants (read as epoch ms: no date text to parse here)
  const rows = await sql<{ parent: string; name: string; from_ms: number | null; to_ms: number | null }[]>`
    select parent.relname as parent, child.relname as name,
      extract(epoch from m.bound[1]::timestamptz)::float8 * 1000 as from_ms,
      extract(epoch from m.bound[2]::timestamptz)::float8 * 1000 as to_ms
    from pg_inherits i
    join pg_class parent on parent.oid = i.inhparent
    join pg_class child on child.oid = i.inhrelid
    cross join lateral (select pg_get_expr(child.relpartbound, child.oid) as expr) e
    cross join lateral (
      select regexp_match(e.expr, '^FOR VALUES FROM [(]''([^'']+)''[)] TO [(]''([^'']+)''[)]$') as bound) m
    where parent.relkind = 'p'
      and i.inhparent in (select to_regclass(t) from unnest(${tables as string[]}::text[]) t)
      and (e.expr = 'DEFAULT' or m.bound is not null)
    order by 1, 2`;
  return rows.map((r) =>
    r.from_ms !== null && r.to_ms !== null
      ? { table: r.parent, name: r.name, from: new Date(r.from_ms), to: new Date(r.to_ms) }
      : { table: r.parent, name: r.name }
  );
}

/** The start of the month (UTC) `months` after the one holding `at`. */
export function monthStart(at: number, months = 0): Date {
  const d = new Date(at);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
}

/** The name of `table`'s partition for the month starting at `month`: `{table}_pYYYY_MM`. */
export function partitionName(table: string, month: Date): string {
  const year = String(month.getUTCFullYear()).padStart(4, "0");
  return `${table}_p${year}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * Makes the month partitions that are missing: the current month's and the next `monthsAhead`, and those
 * of months with rows in a DEFAULT partition (moved into them). Tables not partitioned are left alone.
 */
export async function ensurePartitions(
  sql: Sql,
  now: number,
  options: { monthsAhead?: number; tables?: readonly string[] } = {},
): Promise<PartitionMaintenance> {
  const tables = options.tables ?? PARTITIONED_TABLES;
  const monthsAhead = options.monthsAhead ?? MONTHS_AHEAD;
  const done: PartitionMaintenance = { created: [], moved: 0 };
  const partitions = await listPartitions(sql, tables);
  for (const table of tables) {
    const own = partitions.filter((p) => p.table === table);
    const fallback = own.find((p) => !p.from);
    if (!fallback) continue;
    const months = new Map<number, Date>();
    for (let i = 0; i <= monthsAhead; i++) {
      const month = monthStart(now, i);
      months.set(month.getTime(), month);
    }
    const stray = await sql<{ month: number }[]>`
      select distinct extract(epoch from date_trunc('month', ts, 'UTC'))::float8 * 1000 as month
      from ${sql(fallback.name)}
      where ts >= ${monthStart(now, -STRAY_MONTHS_BACK)} and ts < ${monthStart(now, monthsAhead + 1)}`;
    for (const { month } of stray) months.set(month, new Date(month));
    for (const month of [...months.values()].sort((a, b) => a.getTime() - b.getTime())) {
      if (own.some((p) => overlapsMonth(p, month))) continue;
      const moved = await createMonthPartition(sql, table, month);
      if (moved === undefined) continue;
      done.created.push(partitionName(table, month));
      done.moved += moved;
    }
  }
  return done;
}

/**
 * Drops the partition `name`, if it still exists, in a short transaction. Dropping a partition locks its
 * table: it waits at most 2 s for the transactions using the table (an error then; the next pass tries
 * again), and meanwhile the writer's inserts wait too.
 */
export async function dropPartition(sql: Sql, name: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx.unsafe(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx`drop table if exists ${tx(name)}`;
  });
}

/**
 * Makes `table`'s partition for `month` in one transaction, moving the rows of that month out of the
 * DEFAULT partition. Returns the rows moved, or undefined when a partition covering the month exists by
 * then (another process made it).
 *
 * The partition is made as a table of its own and attached. Without rows to move, only the DEFAULT
 * partition is locked (ATTACH PARTITION checks it), not the partitioned table: the writer's inserts into the
 * other months go on (`CREATE TABLE ... PARTITION OF` would lock the table). With rows to move, the table is
 * locked, so that no query sees them gone from the DEFAULT partition before the new partition shows them.
 */
async function createMonthPartition(sql: Sql, table: string, month: Date): Promise<number | undefined> {
  const from = month;
  const to = monthStart(month.getTime(), 1);
  const name = partitionName(table, month);
  return await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`select pg_advisory_xact_lock(${LOCK_KEY})`;
    const own = await listPartitions(t, [table]);
    const fallback = own.find((p) => !p.from);
    if (!fallback || own.some((p) => overlapsMonth(p, month))) return undefined;
    await t.unsafe(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    const [{ stray }] = await t<{ stray: boolean }[]>`
      select exists(select 1 from ${t(fallback.name)} where ts >= ${from} and ts < ${to}) as stray`;
    // A row of the month reaching the DEFAULT partition after this check makes ATTACH fail: the next pass
    // moves it.
    await t`lock table ${t(stray ? table : fallback.name)} in access exclusive mode`;
    await t`create table ${t(name)} (like ${t(table)} including defaults including constraints)`;
    let moved = 0;
    if (stray) {
      moved = (await t`
        with moved as (delete from ${t(fallback.name)} where ts >= ${from} and ts < ${to} returning *)
        insert into ${t(name)} select * from moved`).count;
    }
    await t.unsafe(
      `alter table ${quoteIdent(table)} attach partition ${quoteIdent(name)}
        for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
    );
    return moved;
  });
}

function overlapsMonth(partition: Partition, month: Date): boolean {
  if (!partition.from || !partition.to) return false;
  return partition.from < monthStart(month.getTime(), 1) && partition.to > month;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
