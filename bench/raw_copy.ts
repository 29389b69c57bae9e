/**
 * Raw limit 2: how many reading rows per second PostgreSQL takes through COPY into `meter_readings`
 * (same table, primary key, ts index and foreign key the app writes to), with rows shaped like the
 * ingest section's. The text is generated before the clock starts: the figure is the server's and the
 * driver's, not the generator's. For reference, the same rows through multi-row `unnest` inserts (the
 * app writer's statement shape) in batches of 5,000.
 *
 * Leaves `meter_readings` empty.
 * @module
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql } from "../stores/postgres/client.ts";
import type { RawFigures } from "./report.ts";

/** `rows` reading rows over `plantIds`, as COPY text chunks of about 1 MB. */
export function copyChunks(plantIds: string[], rows: number, startMs = Date.now()): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  let size = 0;
  for (let i = 0; i < rows; i++) {
    const plant = plantIds[i % plantIds.length];
    const ts = new Date(startMs + Math.floor(i / plantIds.length)).toISOString();
    const line = `${plant}\tpower_mw\t${ts}\t${(10 + (i % 91) * (0.97 + (i % 7) / 100)).toFixed(3)}\n`;
    lines.push(line);
    size += line.length;
    if (size >= 1 << 20) {
      chunks.push(lines.join(""));
      lines = [];
      size = 0;
    }
  }
  if (lines.length) chunks.push(lines.join(""));
  return chunks;
}

async function timeCopy(sql: Sql, chunks: string[]): Promise<number> {
  const started = performance.now();
  const writable = await sql`copy meter_readings (plant_id, metric_type, ts, value) from stdin`.writable();
  await pipeline(Readable.from(chunks), writable);
  return (performance.now() - started) / 1000;
}

async function timeUnnest(sql: Sql, chunks: string[]): Promise<number> {
  const rows = chunks.join("").split("\n").filter(Boolean).map((line) => line.split("\t"));
  const batches: string[][][] = [];
  for (let i = 0; i < rows.length; i += 5_000) batches.push(rows.slice(i, i + 5_000));
  const started = performance.now();
  for (const batch of batches) {
    await sql`
      insert into meter_readings (plant_id, metric_type, ts, value)
      select * from unnest(${batch.map((r) => r[0])}::uuid[], ${batch.map((r) => r[1])}::text[],
        ${batch.map((r) => r[2])}::timestamptz[], ${batch.map((r) => Number(r[3]))}::float8[])
      on conflict do nothing`;
  }
  return (performance.now() - started) / 1000;
}

/**
 * Measures COPY and unnest. `copy: false` measures unnest alone: the embedded PGlite's socket server
 * never answers COPY FROM STDIN (the statement hangs), so the embedded run's raw limit is unnest.
 */
export async function measureRawCopy(
  sql: Sql,
  plantIds: string[],
  rows: number,
  { copy = true }: { copy?: boolean } = {},
): Promise<NonNullable<RawFigures["copy"]> & { unnestRowsPerS?: number }> {
  const chunks = copyChunks(plantIds, rows);
  await sql`truncate meter_readings`;
  const copySeconds = copy ? await timeCopy(sql, chunks) : undefined;
  await sql`truncate meter_readings`;
  const unnestSeconds = await timeUnnest(sql, chunks);
  await sql`truncate meter_readings`;
  if (copySeconds === undefined) {
    return {
      rowsPerS: rows / unnestSeconds,
      rows,
      seconds: unnestSeconds,
      method: "unnest insert (embedded: no COPY)",
    };
  }
  return {
    rowsPerS: rows / copySeconds,
    rows,
    seconds: copySeconds,
    method: "COPY",
    unnestRowsPerS: rows / unnestSeconds,
  };
}
