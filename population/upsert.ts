/**
 * The upsert every relational seed step uses: multi-row insert, conflict on the natural key, returning the
 * ids actually stored.
 * @module
 */
import type { Tx } from "../stores/postgres/client.ts";

/** A row to write, by column. */
export type Row = Record<string, unknown>;

/**
 * Upserts `rows` into `table` on the `conflict` columns, updating every other column but `id`; returns the
 * stored rows' `id` and conflict columns.
 */
export async function upsert(
  tx: Tx,
  table: string,
  rows: Row[],
  conflict: string[],
  { update = true }: { update?: boolean } = {},
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const cols = Object.keys(rows[0]);
  const updates = cols.filter((c) => c !== "id" && !conflict.includes(c)).map((c) => `${c} = excluded.${c}`);
  const action = update && updates.length
    ? tx`do update set ${tx.unsafe(updates.join(", "))}`
    : tx`do nothing`;
  return await tx`insert into ${tx(table)} ${tx(rows, cols)} on conflict (${tx(conflict)}) ${action}
    returning id, ${tx(conflict)}`;
}

/** Maps returned rows to their id by a natural key. */
export const byKey = (rows: Row[], key: (r: Row) => string) =>
  Object.fromEntries(rows.map((r) => [key(r), String(r.id)]));
