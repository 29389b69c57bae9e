/**
 * Sinks: where `write` effects go. A sink is one table (or a family of them) and its SQL; kinds
 * register theirs, the runtime registers the shared ones (alerts, rollups, snapshots). Rows travel
 * columnar: the worker appends each row's fields to one array per column, posts the arrays once per
 * flush (cheap to structured-clone), and the writer concatenates the arrays of every worker and
 * writes them with ONE multi-row statement per sink (`unnest` over typed arrays).
 * @module
 */
import type { Sql, Tx } from "../stores/postgres/client.ts";
import type { SeriesPoint } from "../stores/series/series.ts";

/** One array per column, all the same length. */
export type Columns = Record<string, unknown[]>;

/** A table the writer knows how to write. */
export interface Sink {
  readonly name: string;
  /** The row fields, in order; a missing field is NULL. */
  readonly columns: readonly string[];
  /**
   * Writes `count` rows in the group-commit transaction; returns the rows that changed the table.
   * Must be idempotent: a redelivered message writes the same rows again. Sinks are written pipelined
   * on one connection: a sink's statements run after those issued before them, so a sink whose
   * statements read an earlier sink's rows sees them.
   */
  write(tx: Tx, rows: Columns, count: number): Promise<number>;
  /** Points to mirror to the series sink (InfluxDB) when one is configured. */
  series?(rows: Columns, count: number): SeriesPoint[];
}

/** Rows of one sink being collected. */
export interface SinkRows {
  count: number;
  columns: Columns;
}

/** Appends `row` (fields named by `columns`) to `rows`. */
export function appendRow(rows: SinkRows, columns: readonly string[], row: Record<string, unknown>): void {
  for (const column of columns) {
    (rows.columns[column] ??= []).push(row[column] ?? null);
  }
  rows.count++;
}

/** Concatenates `more` onto `into`, column by column. */
export function appendRows(into: SinkRows, more: SinkRows): void {
  for (const [column, values] of Object.entries(more.columns)) {
    const target = into.columns[column] ??= [];
    for (const value of values) target.push(value);
  }
  into.count += more.count;
}

/** Array type OIDs for `sql.array`: the element type of each column of an `unnest`. */
const ARRAY_OID = {
  uuid: 2951,
  text: 1009,
  float8: 1022,
  int4: 1007,
  int8: 1016,
  bool: 1000,
  jsonb: 3807,
} as const;

/** A column's PostgreSQL element type for {@linkcode typedArray}. */
export type ElementType = keyof typeof ARRAY_OID;

/**
 * A typed array parameter (`${typedArray(tx, values, "uuid")}::uuid[]`); postgres.js would otherwise
 * infer the element type, and infers booleans and uuids wrong.
 */
export function typedArray(tx: Sql | Tx, values: unknown[], type: ElementType) {
  // jsonb values may arrive already serialised (snapshots are stringified in the worker, off the main isolate)
  const out = type === "jsonb"
    ? values.map((
      v,
    ) => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v)))
    : values;
  // deno-lint-ignore no-explicit-any
  return tx.array(out as any[], ARRAY_OID[type]);
}

/** Groups row indexes by a key, keeping first-seen order. */
export function groupIndexes(count: number, keyOf: (i: number) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

/** The rows at `indexes`, column by column. */
export function pick(rows: Columns, indexes: number[]): Columns {
  const out: Columns = {};
  for (const [column, values] of Object.entries(rows)) out[column] = indexes.map((i) => values[i]);
  return out;
}
