/**
 * VEN reads beyond the generic table access: registered loads, the telemetry history of a VEN, of
 * one load and of the whole network, as raw rows or `date_bin` buckets over a bounded time range, and a
 * VEN's reported and inferred statuses.
 * @module
 */
import { INTERVAL_SECONDS, type TimeRange } from "../../../domain/common.ts";
import type { Sql } from "../client.ts";
import { type Entity, type Fragment, fromRow } from "./crud.ts";

/** The registered loads of a VEN, by load id. */
export async function venLoads(sql: Sql, venId: string): Promise<Entity[]> {
  const rows = await sql`select * from ven_loads where ven_id = ${venId} order by load_id limit 5000`;
  return rows.map(fromRow);
}

/** A point of VEN history. */
export interface VenHistoryRow {
  ts: Date;
  usedPowerKw: number;
  shedPowerKw: number;
  maxUsedPowerKw: number;
  samples: number;
}

/** A point of load history. */
export interface LoadHistoryRow {
  ts: Date;
  usedKw: number;
  shedCapableKw: number;
  maxUsedKw: number;
  samples: number;
}

type Page = { limit: number; offset: number };

function bucket(sql: Sql, range: TimeRange): Fragment {
  if (range.interval === "raw") return sql`ts`;
  return sql`date_bin(make_interval(secs => ${INTERVAL_SECONDS[range.interval]}), ts, 'epoch'::timestamptz)`;
}

async function paged<T>(sql: Sql, source: Fragment, page: Page): Promise<{ items: T[]; total: number }> {
  const [rows, [{ total }]] = await Promise.all([
    sql`select * from (${source}) h order by ts limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from (${source}) h`,
  ]);
  return { items: rows as unknown as T[], total };
}

/** A VEN's panel telemetry in the range, oldest first. */
export function venHistory(
  sql: Sql,
  venId: string,
  range: TimeRange,
  page: Page,
): Promise<{ items: VenHistoryRow[]; total: number }> {
  return paged(
    sql,
    sql`select ${bucket(sql, range)} as ts, avg(used_power_kw)::float8 as "usedPowerKw",
          avg(shed_power_kw)::float8 as "shedPowerKw", max(used_power_kw)::float8 as "maxUsedPowerKw",
          count(*)::int as samples
        from ven_telemetry where ven_id = ${venId} and ts >= ${range.start} and ts < ${range.end}
        group by 1`,
    page,
  );
}

/** One load's samples in the range, oldest first. */
export function loadHistory(
  sql: Sql,
  venId: string,
  loadId: string,
  range: TimeRange,
  page: Page,
): Promise<{ items: LoadHistoryRow[]; total: number }> {
  return paged(
    sql,
    sql`select ${bucket(sql, range)} as ts, avg(used_kw)::float8 as "usedKw",
          avg(shed_capable_kw)::float8 as "shedCapableKw", max(used_kw)::float8 as "maxUsedKw",
          count(*)::int as samples
        from ven_load_samples
        where ven_id = ${venId} and load_id = ${loadId} and ts >= ${range.start} and ts < ${range.end}
        group by 1`,
    page,
  );
}

/** A stored VEN status. */
export interface VenStatusRow {
  ts: Date;
  status: "online" | "offline";
  source: "device" | "detector";
  details: Record<string, unknown>;
  createdAt: Date;
}

/** A VEN's statuses, newest first: all of them, or those in `range` (start inclusive, end exclusive). */
export async function venStatuses(
  sql: Sql,
  venId: string,
  range: { start: Date; end: Date } | undefined,
  page: Page,
): Promise<{ items: VenStatusRow[]; total: number }> {
  const within = range ? sql`and ts >= ${range.start} and ts < ${range.end}` : sql``;
  const [rows, [{ total }]] = await Promise.all([
    sql<VenStatusRow[]>`
      select ts, status, source, details, created_at as "createdAt" from ven_statuses
      where ven_id = ${venId} ${within}
      order by ts desc, status limit ${page.limit} offset ${page.offset}`,
    sql<
      { total: number }[]
    >`select count(*)::int as total from ven_statuses where ven_id = ${venId} ${within}`,
  ]);
  return { items: [...rows], total };
}

/** A bucket of network history. */
export interface NetworkHistoryRow {
  ts: Date;
  usedPowerKw: number;
  shedPowerKw: number;
  vens: number;
}

/** The network's used and shed power per bucket: each VEN's average in the bucket, summed over VENs. */
export async function networkHistory(sql: Sql, range: TimeRange): Promise<NetworkHistoryRow[]> {
  const rows = await sql<NetworkHistoryRow[]>`
    select ts, sum(used)::float8 as "usedPowerKw", sum(shed)::float8 as "shedPowerKw", count(*)::int as vens
    from (
      select ven_id, ${bucket(sql, range)} as ts, avg(used_power_kw) as used, avg(shed_power_kw) as shed
      from ven_telemetry where ts >= ${range.start} and ts < ${range.end}
      group by 1, 2
    ) per_ven
    group by ts order by ts`;
  return [...rows];
}

/** The VEN network as last stored (when no VEN actor has published live state): status counts, the
 * power of online VENs in their newest telemetry since `since`, and the shed capacity of their loads. */
export async function venNetworkSummary(
  sql: Sql,
  since: Date,
): Promise<
  { vens: number; online: number; usedPowerKw: number; shedPowerKw: number; shedCapableKw: number }
> {
  const [row] = await sql<
    { vens: number; online: number; usedPowerKw: number; shedPowerKw: number; shedCapableKw: number }[]
  >`
    with online as (select id from vens where active and status = 'online'),
    panel as (
      select distinct on (t.ven_id) t.used_power_kw, t.shed_power_kw
      from ven_telemetry t join online o on o.id = t.ven_id
      where t.ts >= ${since} order by t.ven_id, t.ts desc
    ),
    loads as (
      select distinct on (s.ven_id, s.load_id) s.shed_capable_kw
      from ven_load_samples s join online o on o.id = s.ven_id
      where s.ts >= ${since} order by s.ven_id, s.load_id, s.ts desc
    )
    select (select count(*)::int from vens where active) as vens,
      (select count(*)::int from online) as online,
      coalesce((select sum(used_power_kw) from panel), 0)::float8 as "usedPowerKw",
      coalesce((select sum(shed_power_kw) from panel), 0)::float8 as "shedPowerKw",
      coalesce((select sum(shed_capable_kw) from loads), 0)::float8 as "shedCapableKw"`;
  return row;
}

/** A VEN's part in its latest ADR events: the event, and how the VEN answered and delivered. */
export async function venParticipation(sql: Sql, venId: string, limit = 20): Promise<Entity[]> {
  const rows = await sql`
    select e.id, e.event_name, e.status, e.start_at, e.duration_s, p.program_name, a.opt, a.responded_at,
      a.baseline_kw, a.delivered_shed_kw, a.delivered_kwh
    from adr_participation a join adr_events e on e.id = a.event_id join adr_programs p on p.id = e.program_id
    where a.ven_id = ${venId} order by e.start_at desc limit ${limit}`;
  return rows.map(fromRow);
}

/** The newest panel telemetry of each VEN in `venIds` since `since` (when its actor has no live state). */
export async function latestVenTelemetry(
  sql: Sql,
  venIds: string[],
  since: Date,
): Promise<{ venId: string; ts: Date; usedPowerKw: number; shedPowerKw: number }[]> {
  if (venIds.length === 0) return [];
  const rows = await sql<{ venId: string; ts: Date; usedPowerKw: number; shedPowerKw: number }[]>`
    select distinct on (ven_id) ven_id as "venId", ts, used_power_kw as "usedPowerKw",
      shed_power_kw as "shedPowerKw"
    from ven_telemetry where ven_id = any(${venIds}::uuid[]) and ts >= ${since}
    order by ven_id, ts desc`;
  return [...rows];
}

/** What an ADR event can name: the programs, the active VENs and the groups they are in, by name. */
export async function venTargets(sql: Sql): Promise<{
  programs: { id: string; name: string }[];
  vens: { id: string; name: string }[];
  groups: string[];
}> {
  const [programs, vens, groups] = await Promise.all([
    sql<
      { id: string; name: string }[]
    >`select id, program_name as name from adr_programs order by program_name limit 500`,
    sql<{ id: string; name: string }[]>`
      select id, coalesce(display_name, ven_name) as name from vens where active order by 2 limit 1000`,
    sql<
      { group: string }[]
    >`select distinct unnest(groups) as "group" from vens where active order by 1 limit 500`,
  ]);
  return { programs: [...programs], vens: [...vens], groups: groups.map((g) => g.group) };
}
