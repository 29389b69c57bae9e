/**
 * Sinks: where `write` effects go. A sink is one table (or a family of them) and its SQL; kinds
 * register theirs, the runtime registers the shared ones (alerts, rollups, snapshots). Rows travel
 * columnar: the worker appends each row's fields to one array per column, posts the arrays once per
 * flush (cheap to structured-clone), and the writer concatenates the arrays of every worker and
 * writes them with ONE multi-row statement per sink (`unnest` over typed arrays).
 * @module
 */
import type { Tx } from "../stores/postgres/client.ts";
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
  /** Where the rows `series` reads are read back from, to mirror them again (actors/series_outbox.ts). */
  readonly seriesSource?: SeriesSource;
}

/**
 * A table holding a sink's mirrored rows: per column `series` reads (other than `ts`), its SQL
 * expression; the table's `ts` column is read as epoch milliseconds.
 */
export interface SeriesSource {
  table: string;
  columns: Record<string, string>;
  /** Rows of the table the sink writes, when it holds others too (SQL). */
  where?: string;
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

/** The PostgreSQL element types sinks pass as arrays. */
export type ElementType = "uuid" | "text" | "float8" | "int4" | "int8" | "bool" | "jsonb";

const quote = (text: string) => `"${text.replace(/[\\"]/g, "\\$&")}"`;

/**
 * An array parameter as a PostgreSQL array literal, cast in the statement
 * (`${typedArray(values, "uuid")}::uuid[]`). Built here rather than by postgres.js, whose generic
 * serializer escapes every element with a regular expression and infers the element type (wrongly for
 * booleans and uuids); for the hot columns (uuids, numbers) a join is enough. `null`/`undefined` are
 * NULL; jsonb values may arrive already serialised (snapshots are stringified in the worker).
 */
export function typedArray(values: unknown[], type: ElementType): string {
  switch (type) {
    case "uuid":
    case "float8":
    case "int4":
    case "int8":
      // uuids are hex and dashes, numbers need no quoting: NULL is the only special element
      return `{${values.map((v) => (v === null || v === undefined ? "NULL" : String(v))).join(",")}}`;
    case "bool":
      return `{${values.map((v) => (v === null || v === undefined ? "NULL" : v ? "t" : "f")).join(",")}}`;
    case "text":
      return `{${values.map((v) => (v === null || v === undefined ? "NULL" : quote(String(v)))).join(",")}}`;
    case "jsonb":
      return `{${
        values.map((
          v,
        ) => (v === null || v === undefined ? "NULL" : quote(typeof v === "string" ? v : JSON.stringify(v))))
          .join(",")
      }}`;
  }
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
