/**
 * The ingestion log (migration 0004): accepted and rejected messages per source and minute, written by
 * the group-commit writer (`actors/writer.ts`). Every read is bounded by a time range the caller
 * validated and a page; a range over every source is an index scan on `minute` (migration 0130).
 * @module
 */
import type { Sql } from "../client.ts";

/** A read of the log: `[start, end)` on the minute, optionally one source. */
export interface IngestionLogQuery {
  start: Date;
  end: Date;
  source?: string;
}

/** One row of the log. */
export interface IngestionLogRow {
  source: string;
  minute: Date;
  accepted: number;
  rejected: number;
}

/**
 * One page of the log, newest minute first (then by source), the rows matching, and the accepted and
 * rejected messages summed over the whole range.
 */
export async function ingestionLog(
  sql: Sql,
  query: IngestionLogQuery,
  page: { limit: number; offset: number },
): Promise<{ items: IngestionLogRow[]; total: number; totals: { accepted: number; rejected: number } }> {
  const where = sql`where minute >= ${query.start} and minute < ${query.end}
    ${query.source === undefined ? sql`` : sql`and source = ${query.source}`}`;
  const [items, [summary]] = await Promise.all([
    // bigint columns: a minute's count fits a double exactly, and postgres.js returns int8 as text
    sql<IngestionLogRow[]>`
      select source, minute, accepted::float8 as accepted, rejected::float8 as rejected
      from ingestion_log ${where}
      order by minute desc, source limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number; accepted: number; rejected: number }[]>`
      select count(*)::int as total, coalesce(sum(accepted), 0)::float8 as accepted,
        coalesce(sum(rejected), 0)::float8 as rejected
      from ingestion_log ${where}`,
  ]);
  return {
    items: items.map((row) => ({ ...row, minute: new Date(row.minute) })),
    total: summary.total,
    totals: { accepted: summary.accepted, rejected: summary.rejected },
  };
}

/** Accepted and rejected messages per source over `[start, end)`, busiest source first. */
export async function ingestionBySource(
  sql: Sql,
  query: Omit<IngestionLogQuery, "source">,
): Promise<{ source: string; accepted: number; rejected: number }[]> {
  return await sql<{ source: string; accepted: number; rejected: number }[]>`
    select source, sum(accepted)::float8 as accepted, sum(rejected)::float8 as rejected
    from ingestion_log where minute >= ${query.start} and minute < ${query.end}
    group by source order by sum(accepted) + sum(rejected) desc, source`;
}
