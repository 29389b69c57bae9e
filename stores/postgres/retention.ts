/**
 * Retention: data older than its configured age is deleted, a minute after start and then every hour
 * (`RETENTION_RAW_DAYS`, `RETENTION_1M_DAYS`; 0, the default, keeps everything). Raw data (plant
 * readings, meter measurements, VEN telemetry, load samples and statuses, the ingestion log) and
 * 1-minute rollups grow with every message; 10-minute and coarser rollups are kept, so a chart of last
 * year still has its points after the readings behind them are gone.
 *
 * The readings tables are partitioned by month (`partitions.ts`): a month partition whose whole range is
 * past the cutoff is dropped; the month holding the cutoff, the DEFAULT partition and the tables that are
 * not partitioned (the ingestion log, 1-minute rollups) are deleted from a batch at a time. After the sweep,
 * each pass makes the partitions of the coming months ({@linkcode ensurePartitions}), whatever the policy.
 *
 * A rollup bucket queued for recomputing (`rollup_recompute`) is rebuilt from its readings, and a range
 * InfluxDB has not confirmed (`series_outbox`) is mirrored again from them, from where it was mirrored
 * to: raw data from the oldest of these on is kept until they are done, however old.
 * @module
 */
import type { Logger } from "../../core/log.ts";
import { startPeriodic } from "../../core/periodic.ts";
import type { Sql } from "./client.ts";
import { dropPartition, ensurePartitions, listPartitions } from "./partitions.ts";

/** How long data is kept, in days; 0 keeps it. */
export interface RetentionPolicy {
  rawDays: number;
  rollup1mDays: number;
}

/** Tables and their time column, by policy. */
export const RETENTION_TABLES = {
  raw: [
    ["meter_readings", "ts"],
    ["measurements", "ts"],
    ["ven_telemetry", "ts"],
    ["ven_load_samples", "ts"],
    ["ven_statuses", "ts"],
    ["ingestion_log", "minute"],
  ],
  rollup1m: [["rollup_1m", "bucket"]],
} as const;

const DAY_MS = 86_400_000;

/** What {@linkcode sweepRetention} removed. */
export interface RetentionSweep {
  /** Rows deleted, per table (a partitioned table's rows under its own name). */
  deleted: Record<string, number>;
  /** Partitions dropped whole. */
  dropped: string[];
}

/**
 * Removes what `policy` no longer keeps, as of `now`: drops the partitions wholly past the cutoff and
 * deletes the other old rows in batches of `batch` rows (short transactions, no long lock on a table the
 * writer inserts into).
 */
export async function sweepRetention(
  sql: Sql,
  policy: RetentionPolicy,
  now: number,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<RetentionSweep> {
  const batch = options.batch ?? 10_000;
  const done: RetentionSweep = { deleted: {}, dropped: [] };
  /** Deletes the rows of `table` (a plain table or one partition) older than `cutoff`. */
  const deleteOlder = async (table: string, column: string, cutoff: Date): Promise<number> => {
    let total = 0;
    while (!options.signal?.aborted) {
      // a ctid names a row within one table: never delete by ctid from a partitioned table
      const result = await sql`
        delete from ${sql(table)} where ctid = any(array(
          select ctid from ${sql(table)} where ${sql(column)} < ${cutoff} limit ${batch}))`;
      total += result.count;
      if (result.count < batch) break;
    }
    return total;
  };
  const sweep = async (tables: readonly (readonly [string, string])[], cutoff: Date) => {
    const partitions = await listPartitions(sql, tables.map(([table]) => table));
    for (const [table, column] of tables) {
      if (options.signal?.aborted) return;
      const own = partitions.filter((p) => p.table === table);
      let total = 0;
      if (own.length === 0) total = await deleteOlder(table, column, cutoff);
      for (const partition of own) {
        if (options.signal?.aborted) break;
        if (partition.to && partition.to <= cutoff) {
          await dropPartition(sql, partition.name);
          done.dropped.push(partition.name);
        } else if (!partition.from || partition.from < cutoff) {
          total += await deleteOlder(partition.name, column, cutoff);
        }
      }
      if (total > 0) done.deleted[table] = total;
    }
  };
  if (policy.rawDays > 0) {
    let cutoff = new Date(now - policy.rawDays * DAY_MS);
    // readings a queued rollup repair or a range InfluxDB has not confirmed (series_outbox, from where
    // it was mirrored to) still needs
    const [{ oldest }] = await sql<{ oldest: Date | null }[]>`
      select least((select min(bucket) from rollup_recompute),
                   (select min(coalesce(mirrored_through, from_ts)) from series_outbox)) as oldest`;
    if (oldest && oldest < cutoff) cutoff = oldest;
    await sweep(RETENTION_TABLES.raw, cutoff);
  }
  if (policy.rollup1mDays > 0) {
    await sweep(RETENTION_TABLES.rollup1m, new Date(now - policy.rollup1mDays * DAY_MS));
  }
  return done;
}

/** Options for {@linkcode startRetention}. */
export interface RetentionOptions {
  sql: Sql;
  log: Logger;
  policy: RetentionPolicy;
  /** @default {3_600_000} */
  intervalMs?: number;
  /** The first sweep, after start-up's own work. @default {60_000} */
  firstDelayMs?: number;
}

/**
 * Sweeps on a timer, and makes the coming months' partitions after each sweep (also when the policy keeps
 * everything, which skips the sweep); the returned function stops it.
 */
export function startRetention(options: RetentionOptions): () => Promise<void> {
  const { sql, log, policy } = options;
  const pass = async (signal: AbortSignal) => {
    // the sweep first: a month of old rows in a DEFAULT partition is deleted, not given a partition
    if (policy.rawDays > 0 || policy.rollup1mDays > 0) {
      const started = performance.now();
      try {
        const { deleted, dropped } = await sweepRetention(sql, policy, Date.now(), { signal });
        if (Object.keys(deleted).length > 0 || dropped.length > 0) {
          log.info("retention: deleted old data", {
            deleted,
            dropped,
            ms: Math.round(performance.now() - started),
            policy,
          });
        }
      } catch (error) {
        log.error("retention sweep failed; the next one retries", { error });
      }
    }
    if (signal.aborted) return;
    try {
      const { created, moved } = await ensurePartitions(sql, Date.now());
      if (created.length > 0) log.info("partitions created", { created, moved });
    } catch (error) {
      log.error("partition maintenance failed; the next pass retries", { error });
    }
  };
  return startPeriodic({
    firstDelayMs: options.firstDelayMs ?? 60_000,
    intervalMs: options.intervalMs ?? 3_600_000,
    pass,
  });
}
