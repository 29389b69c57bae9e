/**
 * Alerts: the recent list an operator works from, and the lifecycle transitions an operator makes
 * (acknowledge, resolve). The detectors insert and de-duplicate alerts in the actor runtime.
 * @module
 */
import type { Sql } from "../client.ts";
import { type Entity, type Fragment, fromRow, whereClause } from "./crud.ts";

/** Filters of {@linkcode recentAlerts}. */
export interface AlertFilter {
  since: Date;
  state?: string;
  severity?: string;
  type?: string;
  entityKind?: string;
  entityId?: string;
  plantId?: string;
  siteId?: string;
  venId?: string;
}

/** Alerts raised since `filter.since` (newest first), one page, and how many match. */
export async function recentAlerts(
  sql: Sql,
  filter: AlertFilter,
  page: { limit: number; offset: number },
): Promise<{ items: Entity[]; total: number }> {
  const where = whereClause(sql, {
    state: filter.state,
    severity: filter.severity,
    type: filter.type,
    entity_kind: filter.entityKind,
    entity_id: filter.entityId,
    plant_id: filter.plantId,
    site_id: filter.siteId,
    ven_id: filter.venId,
  }, [sql`ts >= ${filter.since}`]);
  const [rows, [{ total }]] = await Promise.all([
    sql`select * from alerts ${where} order by ts desc, id limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from alerts ${where}`,
  ]);
  return { items: rows.map(fromRow), total };
}

/** The alert with `id`, or undefined. */
export async function getAlert(sql: Sql, id: string): Promise<Entity | undefined> {
  const [row] = await sql`select * from alerts where id = ${id}`;
  return row ? fromRow(row) : undefined;
}

/** What an operator does to an alert. */
export type AlertAction = "acknowledge" | "resolve";

/**
 * Moves an alert along its lifecycle: acknowledge an open alert, resolve an open or acknowledged one.
 * Returns the alert before and after; `conflict` when its state does not allow the action; undefined
 * when there is no such alert.
 */
export function transitionAlert(
  sql: Sql,
  id: string,
  action: AlertAction,
  by: string,
  note?: string,
): Promise<{ before: Entity; after: Entity } | { conflict: Entity } | undefined> {
  return sql.begin(async (tx) => {
    const [row] = await tx`select * from alerts where id = ${id} for update`;
    if (!row) return undefined;
    const before = fromRow(row);
    const allowed = action === "acknowledge" ? before.state === "open" : before.state !== "resolved";
    if (!allowed) return { conflict: before };
    const details = note ? tx`details || ${tx.json({ [`${action}Note`]: note })}` : tx`details`;
    const set: Fragment = action === "acknowledge"
      ? tx`acknowledged_at = now(), acknowledged_by = ${by}`
      : tx`resolved_at = now(), resolved_by = ${by}`;
    const [after] = await tx`update alerts set ${set}, details = ${details} where id = ${id} returning *`;
    return { before, after: fromRow(after) };
  }) as Promise<{ before: Entity; after: Entity } | { conflict: Entity } | undefined>;
}

/** How many alerts are not resolved yet, by severity and state (open or acknowledged). */
export async function unresolvedAlertCounts(
  sql: Sql,
): Promise<{ severity: string; state: string; count: number }[]> {
  const rows = await sql<{ severity: string; state: string; count: number }[]>`
    select severity, state, count(*)::int as count from alerts where state <> 'resolved'
    group by severity, state`;
  return [...rows];
}
