/**
 * Reading history: recent plant readings (seed 000), and the time-range queries of seed 003 over raw
 * rows or one of the rollup tables. Every query is bounded by a time range the caller validated
 * (`domain/common.ts` `timeRange`) and a page.
 * @module
 */
import type { Interval } from "../../../domain/common.ts";
import type { Sql } from "../client.ts";
import { type Entity, fromRow, whereClause } from "./crud.ts";

/** Counting the readings of a window stops here: a day of a large fleet is millions of rows. */
export const RECENT_COUNT_CAP = 10_000;

/**
 * Plant readings since `since`, newest first. `total` is exact up to {@linkcode RECENT_COUNT_CAP};
 * past it `total` is the cap and `totalCapped` is true (the page itself is always exact).
 */
export async function recentMeterReadings(
  sql: Sql,
  filter: { since: Date; plantId?: string; metricType?: string },
  page: { limit: number; offset: number },
): Promise<{ items: Entity[]; total: number; totalCapped: boolean }> {
  const where = whereClause(sql, { plant_id: filter.plantId, metric_type: filter.metricType }, [
    sql`ts >= ${filter.since}`,
  ]);
  const [rows, [{ total }]] = await Promise.all([
    sql`select * from meter_readings ${where} order by ts desc, plant_id limit ${page.limit} offset ${page.offset}`,
    // Newest first, as the page: the rows are then read from each month's `ts` index. Without the order,
    // on the partitioned table (0160) PostgreSQL planned a parallel scan per request (13-23 ms, 519 -> 118
    // requests/s under ingest) or a bitmap scan of the whole window (50-130 ms); with it, 3-5 ms.
    sql<{ total: number }[]>`
      select count(*)::int as total
      from (select 1 from meter_readings ${where} order by ts desc limit ${
      RECENT_COUNT_CAP + 1
    }) as window_rows`,
  ]);
  const totalCapped = total > RECENT_COUNT_CAP;
  return { items: rows.map(fromRow), total: totalCapped ? RECENT_COUNT_CAP : total, totalCapped };
}

/** Which entities' readings a telemetry query reads. */
export type Series = "plant" | "meter" | "ven";

/** A telemetry time-range query. */
export interface TelemetryQuery {
  series: Series;
  start: Date;
  end: Date;
  interval: Interval;
  deviceId?: string;
  /** Only these devices (plant series: the dashboard's lines). */
  deviceIds?: string[];
  metric?: string;
}

/** A point as `/api/telemetry/readings` returns it. */
export interface TelemetryPointRow {
  deviceId: string;
  series: Series;
  metric: string;
  ts: Date;
  value: number;
  min: number | null;
  max: number | null;
  count: number;
  last: number | null;
}

/**
 * Readings in `[start, end)`, oldest first: raw rows (plant readings, meter measurements or VEN
 * telemetry) or the buckets of `rollup_{interval}`.
 */
export async function telemetryReadings(
  sql: Sql,
  query: TelemetryQuery,
  page: { limit: number; offset: number },
): Promise<{ items: TelemetryPointRow[]; total: number }> {
  const source = query.interval === "raw" ? rawSource(sql, query) : rollupSource(sql, query);
  const [rows, [{ total }]] = await Promise.all([
    sql<TelemetryPointRow[]>`
      select device_id as "deviceId", ${query.series}::text as series, metric, ts, value, min, max, count, last
      from (${source}) s order by ts, device_id, metric limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from (${source}) s`,
  ]);
  return { items: [...rows], total };
}

function rawSource(sql: Sql, q: TelemetryQuery) {
  const range = sql`ts >= ${q.start} and ts < ${q.end}`;
  if (q.series === "plant") {
    const among = q.deviceIds ? [sql`plant_id = any(${q.deviceIds}::uuid[])`] : [];
    const where = whereClause(sql, { plant_id: q.deviceId, metric_type: q.metric }, [range, ...among]);
    return sql`select plant_id as device_id, metric_type as metric, ts, value, null::float8 as min,
      null::float8 as max, 1 as count, value as last from meter_readings ${where}`;
  }
  if (q.series === "meter") {
    const where = whereClause(sql, { entity_type: "meter", entity_id: q.deviceId, metric: q.metric }, [
      range,
    ]);
    return sql`select entity_id as device_id, metric, ts, value, null::float8 as min, null::float8 as max,
      1 as count, value as last from measurements ${where}`;
  }
  const where = whereClause(sql, { ven_id: q.deviceId }, [range]);
  const metric = q.metric ? sql`where metric = ${q.metric}` : sql``;
  return sql`select * from (
      select ven_id as device_id, 'used_power_kw' as metric, ts, used_power_kw as value, null::float8 as min,
        null::float8 as max, 1 as count, used_power_kw as last from ven_telemetry ${where}
      union all
      select ven_id, 'shed_power_kw', ts, shed_power_kw, null, null, 1, shed_power_kw from ven_telemetry ${where}
    ) v ${metric}`;
}

function rollupSource(sql: Sql, q: TelemetryQuery) {
  const among = q.deviceIds ? [sql`entity_id = any(${q.deviceIds}::uuid[])`] : [];
  const where = whereClause(sql, { series: q.series, entity_id: q.deviceId, metric: q.metric }, [
    sql`bucket >= ${q.start} and bucket < ${q.end}`,
    ...among,
  ]);
  return sql`select entity_id as device_id, metric, bucket as ts, avg as value, min, max, count, last
    from ${sql(`rollup_${q.interval}`)} ${where}`;
}

/** The newest reading of each plant since `since` (metric `power_mw`), for the dashboard's live figures. */
export async function latestPlantReadings(
  sql: Sql,
  since: Date,
): Promise<{ plantId: string; ts: Date; value: number }[]> {
  const rows = await sql<{ plantId: string; ts: Date; value: number }[]>`
    select distinct on (plant_id) plant_id as "plantId", ts, value from meter_readings
    where metric_type = 'power_mw' and ts >= ${since}
    order by plant_id, ts desc`;
  return [...rows];
}
