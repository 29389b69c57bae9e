/**
 * ADR events (seed 002): the event rows, the VENs their targets resolve to (`adr_participation`),
 * and what delivery needs to know (who was notified of what, which events ended).
 * @module
 */
import type { Sql, Tx } from "../client.ts";
import { type Entity, fromRow, whereClause } from "./crud.ts";

type Db = Sql | Tx;

/** The event columns a caller writes. */
export interface EventValues {
  programId: string;
  eventName: string;
  priority: number;
  status: string;
  startAt: Date;
  durationS: number;
  intervals: unknown[];
  targets: { venIds: string[]; groups: string[] };
  createdBy?: string;
}

const EVENT = (sql: Db) =>
  sql`select e.*, p.program_name from adr_events e join adr_programs p on p.id = e.program_id`;

/** The event with `id` (with its program's name), or undefined. */
export async function getEvent(sql: Db, id: string, lock = false): Promise<Entity | undefined> {
  const [row] = await sql`${EVENT(sql)} where e.id = ${id} ${lock ? sql`for update of e` : sql``}`;
  return row ? fromRow(row) : undefined;
}

/** The VENs taking part in an event, by name. */
export async function participants(sql: Db, eventId: string): Promise<Entity[]> {
  const rows = await sql`
    select a.*, v.ven_name from adr_participation a join vens v on v.id = a.ven_id
    where a.event_id = ${eventId} order by v.ven_name`;
  return rows.map(fromRow);
}

/** Filters of {@linkcode listEvents}. */
export interface EventFilter {
  status?: string;
  programId?: string;
  venId?: string;
  /** Events that end after this. */
  from?: Date;
  /** Events that start before this. */
  to?: Date;
}

/** Events, latest start first, with how many VENs take part in each. */
export async function listEvents(
  sql: Sql,
  filter: EventFilter,
  page: { limit: number; offset: number },
): Promise<{ items: Entity[]; total: number }> {
  const where = whereClause(sql, { "e.status": filter.status, "e.program_id": filter.programId }, [
    ...(filter.from ? [sql`e.start_at + make_interval(secs => e.duration_s) > ${filter.from}`] : []),
    ...(filter.to ? [sql`e.start_at < ${filter.to}`] : []),
    ...(filter.venId
      ? [
        sql`exists (select 1 from adr_participation a where a.event_id = e.id and a.ven_id = ${filter.venId})`,
      ]
      : []),
  ]);
  const [rows, [{ total }]] = await Promise.all([
    sql`select e.*, p.program_name,
          (select count(*)::int from adr_participation a where a.event_id = e.id) as participant_count
        from adr_events e join adr_programs p on p.id = e.program_id ${where}
        order by e.start_at desc, e.id limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from adr_events e ${where}`,
  ]);
  return { items: rows.map(fromRow), total };
}

/** Active VENs the targets name: by id or by any of the groups. Unknown ids are left out. */
export async function resolveTargets(
  sql: Db,
  targets: { venIds: string[]; groups: string[] },
): Promise<string[]> {
  const rows = await sql`
    select id from vens
    where active and (id = any(${targets.venIds}::uuid[]) or groups && ${targets.groups}::text[])
    order by id`;
  return rows.map((r) => r.id as string);
}

/** Which of `venIds` are not registered VENs. */
export async function unknownVens(sql: Db, venIds: string[]): Promise<string[]> {
  if (venIds.length === 0) return [];
  const rows = await sql`select id from vens where id = any(${venIds}::uuid[])`;
  const known = new Set(rows.map((r) => r.id as string));
  return venIds.filter((id) => !known.has(id.toLowerCase()));
}

function columns(values: Partial<EventValues>) {
  const out: Record<string, unknown> = {
    program_id: values.programId,
    event_name: values.eventName,
    priority: values.priority,
    status: values.status,
    start_at: values.startAt,
    duration_s: values.durationS,
    intervals: values.intervals,
    targets: values.targets,
    created_by: values.createdBy,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/** Inserts an event; returns its id. */
export async function insertEvent(sql: Db, values: EventValues): Promise<string> {
  const row = columns(values);
  const [created] = await sql`insert into adr_events ${sql(row, Object.keys(row))} returning id`;
  return created.id as string;
}

/** Changes an event's columns. */
export async function updateEvent(sql: Db, id: string, values: Partial<EventValues>): Promise<void> {
  const row: Record<string, unknown> = { ...columns(values), updated_at: new Date() };
  await sql`update adr_events set ${sql(row, Object.keys(row))} where id = ${id}`;
}

/** Marks an event cancelled. */
export async function cancelEvent(sql: Db, id: string): Promise<void> {
  await sql`update adr_events set status = 'cancelled', cancelled_at = now(), updated_at = now() where id = ${id}`;
}

/** Makes the participants of an event exactly `venIds`; returns the VENs added and removed. */
export async function setParticipants(
  sql: Db,
  eventId: string,
  venIds: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const removed = await sql`
    delete from adr_participation where event_id = ${eventId} and not (ven_id = any(${venIds}::uuid[]))
    returning ven_id`;
  const added = await sql`
    insert into adr_participation (event_id, ven_id) select ${eventId}, unnest(${venIds}::uuid[])
    on conflict do nothing returning ven_id`;
  return { added: added.map((r) => r.ven_id as string), removed: removed.map((r) => r.ven_id as string) };
}

/** Records that `venIds` were sent the event now. */
export async function markNotified(sql: Db, eventId: string, venIds: string[]): Promise<void> {
  if (venIds.length === 0) return;
  await sql`
    update adr_participation set notified_at = now(), updated_at = now()
    where event_id = ${eventId} and ven_id = any(${venIds}::uuid[])`;
}

/** Deletes an event (its participation goes with it). */
export async function deleteEvent(sql: Db, id: string): Promise<void> {
  await sql`delete from adr_events where id = ${id}`;
}

/**
 * For each of `venIds`, its current event (not over, not cleared) that was most recently changed,
 * leaving out `exceptEventId`: what its retained message should carry.
 */
export async function currentEventOf(
  sql: Db,
  venIds: string[],
  exceptEventId: string,
  now: Date,
): Promise<Map<string, string>> {
  if (venIds.length === 0) return new Map();
  const rows = await sql`
    select distinct on (a.ven_id) a.ven_id, e.id as event_id
    from adr_participation a join adr_events e on e.id = a.event_id
    where a.ven_id = any(${venIds}::uuid[]) and e.id <> ${exceptEventId} and e.retained_cleared_at is null
      and e.start_at + make_interval(secs => e.duration_s) > ${now}
    order by a.ven_id, e.updated_at desc`;
  return new Map(rows.map((r) => [r.ven_id as string, r.event_id as string]));
}

/** Moves scheduled events whose start has passed to `active`. */
export async function activateStarted(sql: Sql, now: Date): Promise<string[]> {
  const rows = await sql`
    update adr_events set status = 'active', updated_at = now()
    where status = 'scheduled' and start_at <= ${now} and start_at + make_interval(secs => duration_s) > ${now}
    returning id`;
  return rows.map((r) => r.id as string);
}

/**
 * Claims events that are over and whose retained messages were not cleared yet: marks them cleared
 * (and `completed` unless cancelled) and returns them with their participants. Claiming in one
 * statement lets several instances sweep without clearing twice.
 */
export async function claimEnded(
  sql: Sql,
  now: Date,
  limit = 100,
): Promise<{ id: string; venIds: string[] }[]> {
  const rows = await sql`
    update adr_events e set retained_cleared_at = now(), updated_at = now(),
      status = case when e.status = 'cancelled' then 'cancelled' else 'completed' end
    where e.id in (
      select id from adr_events
      where retained_cleared_at is null and start_at + make_interval(secs => duration_s) <= ${now}
      order by start_at limit ${limit} for update skip locked)
    returning e.id, array(select ven_id from adr_participation a where a.event_id = e.id) as ven_ids`;
  return rows.map((r) => ({ id: r.id as string, venIds: r.ven_ids as string[] }));
}
