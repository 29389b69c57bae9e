/**
 * Generic access to one table keyed by a uuid `id`: list with equality filters and paging, get,
 * insert, update and delete, each parameterised through postgres.js helpers (`sql(identifier)`,
 * `sql(row, columns)`); table and column names come from code, never from a request. Rows are
 * converted between the API's camelCase and the tables' snake_case here, in one place.
 *
 * @example
 * ```ts
 * import { getRow, type TableSpec } from "./stores/postgres/repos/crud.ts";
 * const plants: TableSpec = { table: "plants", orderBy: "registered_at" };
 * // const plant = await getRow(sql, plants, id);
 * ```
 * @module
 */
import type postgres from "postgres";
import type { Sql, Tx } from "../client.ts";

/** A table the generic functions work on. */
export interface TableSpec {
  table: string;
  /** Column lists are sorted by, newest first (ties broken by id). */
  orderBy: string;
  /** Whether `updated_at` exists and is set on update. @default {true} */
  updatedAt?: boolean;
}

/** A postgres.js query fragment (`sql\`...\`` not awaited). */
export type Fragment = postgres.Fragment;

/** A row with camelCase keys. */
export type Entity = Record<string, unknown>;

/** `plantId` -> `plant_id`. */
export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const camelCache = new Map<string, string>();

/** `plant_id` -> `plantId` (remembered: column names are few, and every row of every list converts them). */
export function camel(key: string): string {
  let out = camelCache.get(key);
  if (out === undefined) {
    out = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (camelCache.size < 10_000) camelCache.set(key, out);
  }
  return out;
}

/** A row from the database with camelCase keys. */
export function fromRow(row: Record<string, unknown>): Entity {
  const out: Entity = {};
  for (const key in row) out[camel(key)] = row[key];
  return out;
}

/** camelCase input to snake_case columns, leaving out fields that are `undefined`. */
export function toColumns(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== undefined) out[snake(key)] = value;
  return out;
}

/** `where a = $1 and b = $2 ...` from equality filters (undefined ones left out) and extra fragments. */
export function whereClause(
  sql: Sql,
  equals: Record<string, unknown> = {},
  extra: Fragment[] = [],
): Fragment {
  const conditions = [
    ...Object.entries(equals).filter(([, v]) => v !== undefined).map(([column, value]) =>
      value === null ? sql`${sql(column)} is null` : sql`${sql(column)} = ${value as string}`
    ),
    ...extra,
  ];
  if (conditions.length === 0) return sql``;
  return sql`where ${conditions.reduce((all, c) => sql`${all} and ${c}`)}`;
}

/** Options of {@linkcode listRows}. */
export interface ListOptions {
  /** Equality filters by snake_case column. */
  equals?: Record<string, unknown>;
  extra?: Fragment[];
  limit: number;
  offset: number;
}

/** One page of rows, newest first, and the number of rows matching. */
export async function listRows(
  sql: Sql,
  spec: TableSpec,
  options: ListOptions,
): Promise<{ items: Entity[]; total: number }> {
  const where = whereClause(sql, options.equals, options.extra);
  const [rows, [{ total }]] = await Promise.all([
    sql`select * from ${sql(spec.table)} ${where}
        order by ${sql(spec.orderBy)} desc, id limit ${options.limit} offset ${options.offset}`,
    sql<{ total: number }[]>`select count(*)::int as total from ${sql(spec.table)} ${where}`,
  ]);
  return { items: rows.map(fromRow), total };
}

/** The row with `id`, or undefined. */
export async function getRow(sql: Sql, spec: TableSpec, id: string): Promise<Entity | undefined> {
  const [row] = await sql`select * from ${sql(spec.table)} where id = ${id}`;
  return row ? fromRow(row) : undefined;
}

/**
 * Inserts camelCase `values`; returns the new row. With `check`, the check and the insert run in one
 * transaction: what the check reads and locks (the rows the new one refers to) stays until the commit,
 * and a throw inserts nothing.
 */
export function insertRow(
  sql: Sql,
  spec: TableSpec,
  values: Entity,
  check?: (tx: Tx, row: Entity) => Promise<void>,
): Promise<Entity> {
  if (!check) return insertOne(sql, spec, values);
  return sql.begin(async (tx) => {
    await check(tx, values);
    return await insertOne(tx, spec, values);
  }) as Promise<Entity>;
}

async function insertOne(sql: Sql | Tx, spec: TableSpec, values: Entity): Promise<Entity> {
  const columns = toColumns(values);
  const [row] = await sql`insert into ${sql(spec.table)} ${sql(columns, Object.keys(columns))} returning *`;
  return fromRow(row);
}

/**
 * Updates the row with `id` from camelCase `values` in one transaction, returning it before and after;
 * undefined when there is no such row. `check` sees the row after (and before) the update before the
 * commit; a throw rolls the update back.
 */
export function updateRow(
  sql: Sql,
  spec: TableSpec,
  id: string,
  values: Entity,
  check?: (tx: Tx, after: Entity, before: Entity) => Promise<void>,
): Promise<{ before: Entity; after: Entity } | undefined> {
  const columns = toColumns(values);
  return sql.begin(async (tx) => {
    const [before] = await tx`select * from ${tx(spec.table)} where id = ${id} for update`;
    if (!before) return undefined;
    if (spec.updatedAt !== false) columns.updated_at = new Date();
    const names = Object.keys(columns);
    // postgres.js expands the helper to `"a" = $1, "b" = $2` only right after `set`, so it stays inline
    const [after] = names.length === 0
      ? [before]
      : await tx`update ${tx(spec.table)} set ${tx(columns, names)} where id = ${id} returning *`;
    const changed = { before: fromRow(before), after: fromRow(after) };
    await check?.(tx, changed.after, changed.before);
    return changed;
  }) as Promise<{ before: Entity; after: Entity } | undefined>;
}

/** Deletes the row with `id`; returns it, or undefined when there was none. */
export async function deleteRow(sql: Sql, spec: TableSpec, id: string): Promise<Entity | undefined> {
  const [row] = await sql`delete from ${sql(spec.table)} where id = ${id} returning *`;
  return row ? fromRow(row) : undefined;
}
