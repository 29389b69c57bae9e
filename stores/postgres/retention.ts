/**
 * Retention: data older than its configured age is deleted, a batch at a time, once at start and then
 * every hour (`RETENTION_RAW_DAYS`, `RETENTION_1M_DAYS`; 0, the default, keeps everything). Raw data
 * (plant readings, meter measurements, VEN telemetry, load samples and statuses, the ingestion log) and
 * 1-minute rollups grow with every message; 10-minute and coarser rollups are kept, so a chart of last
 * year still has its points after the readings behind them are gone.
 *
 * A rollup bucket queued for recomputing (`rollup_recompute`) is rebuilt from its readings, and a range
 * InfluxDB has not confirmed (`series_outbox`) is mirrored again from them, from where it was mirrored
 * to: raw data from the oldest of these on is kept until they are done, however old.
 * @module
 */
import type { Logger } from "../../core/log.ts";
import type { Sql } from "./client.ts";

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

/**
 * Deletes what `policy` no longer keeps, as of `now`, in batches of `batch` rows (short transactions, no
 * long lock on a table the writer inserts into). Returns the rows deleted per table.
 */
export async function sweepRetention(
  sql: Sql,
  policy: RetentionPolicy,
  now: number,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<Record<string, number>> {
  const batch = options.batch ?? 10_000;
  const deleted: Record<string, number> = {};
  const sweep = async (tables: readonly (readonly [string, string])[], cutoff: Date) => {
    for (const [table, column] of tables) {
      let total = 0;
      while (!options.signal?.aborted) {
        const result = await sql`
          delete from ${sql(table)} where ctid = any(array(
            select ctid from ${sql(table)} where ${sql(column)} < ${cutoff} limit ${batch}))`;
        total += result.count;
        if (result.count < batch) break;
      }
      if (total > 0) deleted[table] = total;
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
  return deleted;
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

/** Sweeps on a timer (nothing when the policy keeps everything); the returned function stops it. */
export function startRetention(options: RetentionOptions): () => Promise<void> {
  const { sql, log, policy } = options;
  if (policy.rawDays === 0 && policy.rollup1mDays === 0) return () => Promise.resolve();
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  const pass = async () => {
    const started = performance.now();
    try {
      const deleted = await sweepRetention(sql, policy, Date.now(), { signal: abort.signal });
      if (Object.keys(deleted).length > 0) {
        log.info("retention: deleted old data", {
          deleted,
          ms: Math.round(performance.now() - started),
          policy,
        });
      }
    } catch (error) {
      log.error("retention sweep failed; the next one retries", { error });
    }
  };
  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        if (!abort.signal.aborted) schedule(options.intervalMs ?? 3_600_000);
      });
    }, delay);
  };
  schedule(options.firstDelayMs ?? 60_000);
  return async () => {
    abort.abort();
    clearTimeout(timer);
    await running;
  };
}
