/**
 * Measurements of meters, assets and energy sources (seed 001) over a bounded time range.
 * @module
 */
import type { Sql } from "../client.ts";
import { type Entity, fromRow, whereClause } from "./crud.ts";

/** A measurement query; the caller bounded `start`-`end`. */
export interface MeasurementQuery {
  start: Date;
  end: Date;
  siteId?: string;
  entityType?: string;
  entityId?: string;
  metric?: string;
  quality?: string;
}

/** Measurements in `[start, end)`, oldest first, one page, and how many match. */
export async function listMeasurements(
  sql: Sql,
  q: MeasurementQuery,
  page: { limit: number; offset: number },
): Promise<{ items: Entity[]; total: number }> {
  const where = whereClause(sql, {
    site_id: q.siteId,
    entity_type: q.entityType,
    entity_id: q.entityId,
    metric: q.metric,
    quality: q.quality,
  }, [sql`ts >= ${q.start} and ts < ${q.end}`]);
  const [rows, [{ total }]] = await Promise.all([
    sql`select * from measurements ${where} order by ts, entity_id, metric limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from measurements ${where}`,
  ]);
  return { items: rows.map(fromRow), total };
}

/**
 * The newest value of each metric of a site's meters, assets and energy sources since `since` (when the
 * cache has none); `meterId` is set for meters only, as in the cached `LatestValue`.
 */
export async function latestMeasuredValues(sql: Sql, siteId: string, since: Date): Promise<Entity[]> {
  const rows = await sql`
    select distinct on (entity_id, metric) entity_type, entity_id,
           case when entity_type = 'meter' then entity_id end as meter_id, metric, value, unit, quality, ts
    from measurements where site_id = ${siteId} and ts >= ${since}
    order by entity_id, metric, ts desc`;
  return rows.map(fromRow);
}
