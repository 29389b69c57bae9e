/**
 * The rollups sink (`rollup_1m` .. `rollup_6h`), shared by every kind. Exact buckets (every reading seen
 * once, in order, by the actor) are upserted as the actor computed them. Inexact ones (restored from a
 * snapshot, the first of each width after a start, or touched by a redelivered or late reading) are
 * only queued in `rollup_recompute`, in the same transaction as the readings: recomputing them there
 * held up every group commit behind it (after a start, the first boundary of each width recomputes one
 * bucket per actor at once). {@linkcode recomputeBuckets} recomputes queued buckets from the kind's
 * readings table; actors/rollup_repair.ts runs it in transactions of its own. Both are idempotent.
 * @module
 */
import type { Sql, Tx } from "../../stores/postgres/client.ts";
import { ROLLUP_WIDTHS } from "../rollup.ts";
import { type Columns, groupIndexes, type Sink, typedArray } from "../sink.ts";

/** Where a series' raw readings live, for recomputing a bucket. */
export interface RollupSource {
  /** The `series` value of the rollup rows, e.g. `plant`. */
  series: string;
  table: string;
  entityColumn: string;
  metricColumn: string;
  tsColumn: string;
  valueColumn: string;
}

/** A bucket to recompute. */
export interface QueuedBucket {
  width: string;
  series: string;
  entityId: string;
  metric: string;
  /** Bucket start, epoch ms. */
  bucket: number;
}

const COLUMNS = [
  "series",
  "entity_id",
  "metric",
  "width",
  "bucket",
  "exact",
  "min",
  "max",
  "sum",
  "count",
  "last",
  "lastTs",
] as const;

/**
 * Of `ids`, the entities without a single stored reading in `source` (one index probe each: the column
 * must lead an index): an actor loaded now sees every reading of such an entity, so even its first rollup
 * buckets are exact and need no recompute. Readings a crashed owner committed later were not
 * acknowledged, so they are delivered again, to the new actor.
 */
export async function idsWithoutReadings(
  sql: Sql,
  source: Pick<RollupSource, "table" | "entityColumn">,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select e.id::text as id from unnest(${typedArray(ids, "uuid")}::uuid[]) as e(id)
    where not exists (select 1 from ${sql(source.table)} r where r.${sql(source.entityColumn)} = e.id)`;
  return new Set(rows.map((r) => r.id));
}

/** Milliseconds of a bucket width; throws for an unknown one. */
export function widthMs(width: string): number {
  const ms = ROLLUP_WIDTHS.find(([w]) => w === width)?.[1];
  if (ms === undefined) throw new RangeError(`Unknown rollup width ${width}`);
  return ms;
}

/** The rollups sink: exact buckets are upserted, inexact ones queued for {@linkcode recomputeBuckets}. */
export function rollupsSink(sources: RollupSource[]): Sink {
  const series = new Set(sources.map((s) => s.series));
  return {
    name: "rollups",
    columns: COLUMNS,
    async write(tx, rows, count) {
      let changed = 0;
      const inexact: number[] = [];
      for (const [width, indexes] of groupIndexes(count, (i) => String(rows.width[i]))) {
        widthMs(width); // an unknown width fails the commit
        // The newest row of a bucket wins; one inexact row makes the bucket a recompute.
        const buckets = groupIndexes(indexes.length, (j) => {
          const i = indexes[j];
          return `${rows.entity_id[i]}\u0000${rows.metric[i]}\u0000${rows.bucket[i]}`;
        });
        const exact: number[] = [];
        for (const group of buckets.values()) {
          const members = group.map((j) => indexes[j]);
          (members.every((i) => rows.exact[i]) ? exact : inexact).push(members.at(-1)!);
        }
        changed += await upsert(tx, `rollup_${width}`, rows, exact);
      }
      for (const i of inexact) {
        if (!series.has(String(rows.series[i]))) {
          throw new RangeError(`No readings table to recompute ${rows.series[i]} rollups from`);
        }
      }
      return changed + await queue(tx, rows, inexact);
    },
  };
}

async function upsert(tx: Tx, table: string, rows: Columns, indexes: number[]): Promise<number> {
  if (indexes.length === 0) return 0;
  const col = (name: string) => indexes.map((i) => rows[name][i]);
  const result = await tx`
    insert into ${
    tx(table)
  } (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts, updated_at)
    select u.series, u.entity_id, u.metric, to_timestamp(u.bucket / 1000.0), u.min, u.max, u.sum, u.count, u.last,
           to_timestamp(u.last_ts / 1000.0), now()
    from unnest(${typedArray(col("series"), "text")}::text[], ${typedArray(col("entity_id"), "uuid")}::uuid[],
                ${typedArray(col("metric"), "text")}::text[], ${
    typedArray(col("bucket"), "float8")
  }::float8[],
                ${typedArray(col("min"), "float8")}::float8[], ${typedArray(col("max"), "float8")}::float8[],
                ${typedArray(col("sum"), "float8")}::float8[], ${typedArray(col("count"), "int4")}::int4[],
                ${typedArray(col("last"), "float8")}::float8[], ${
    typedArray(col("lastTs"), "float8")
  }::float8[])
      as u(series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
    on conflict (entity_id, metric, bucket) do update set
      min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count,
      last = excluded.last, last_ts = excluded.last_ts, updated_at = excluded.updated_at`;
  return result.count;
}

/**
 * Queues buckets for recompute. Updating `queued_at` of a bucket already queued takes its row lock: a
 * repair transaction that holds the bucket (and may have read the readings before this transaction's
 * commit) finishes first and deletes it, and then this insert queues it again.
 */
async function queue(tx: Tx, rows: Columns, indexes: number[]): Promise<number> {
  if (indexes.length === 0) return 0;
  const col = (name: string) => indexes.map((i) => rows[name][i]);
  const result = await tx`
    insert into rollup_recompute (width, series, entity_id, metric, bucket, queued_at)
    select u.width, u.series, u.entity_id, u.metric, to_timestamp(u.bucket / 1000.0), now()
    from unnest(${typedArray(col("width"), "text")}::text[], ${typedArray(col("series"), "text")}::text[],
                ${typedArray(col("entity_id"), "uuid")}::uuid[], ${typedArray(col("metric"), "text")}::text[],
                ${
    typedArray(col("bucket"), "float8")
  }::float8[]) as u(width, series, entity_id, metric, bucket)
    on conflict (width, entity_id, metric, bucket) do update set queued_at = excluded.queued_at`;
  return result.count;
}

/**
 * Recomputes `buckets` from their readings (one statement per width and series) and returns the rollup
 * rows written. A bucket without readings (its entity deleted meanwhile) writes nothing.
 */
export async function recomputeBuckets(
  tx: Tx,
  sources: RollupSource[],
  buckets: QueuedBucket[],
): Promise<number> {
  const bySeries = new Map(sources.map((s) => [s.series, s]));
  let changed = 0;
  for (
    const group of groupIndexes(buckets.length, (i) => `${buckets[i].width}\u0000${buckets[i].series}`)
      .values()
  ) {
    const { width, series } = buckets[group[0]];
    const source = bySeries.get(series);
    if (!source) throw new RangeError(`No readings table to recompute ${series} rollups from`);
    changed += await recompute(tx, `rollup_${width}`, widthMs(width), source, group.map((i) => buckets[i]));
  }
  return changed;
}

/**
 * One bucket at a time through the readings' primary key: an aggregate without a sort, and the last
 * reading by a backward index scan (2.6x faster than one grouped join with `array_agg(... order by)`,
 * measured on 1,000 buckets of 650 readings, and no sort spilling to disk). A bucket without readings
 * (its entity deleted meanwhile) writes nothing.
 */
async function recompute(
  tx: Tx,
  table: string,
  widthMs: number,
  source: RollupSource,
  buckets: QueuedBucket[],
): Promise<number> {
  const r = (column: string) => tx(`r.${column}`);
  const inBucket = tx`${r(source.entityColumn)} = k.entity_id and ${r(source.metricColumn)} = k.metric
    and ${r(source.tsColumn)} >= k.start and ${
    r(source.tsColumn)
  } < k.start + ${widthMs} * interval '1 millisecond'`;
  const value = r(source.valueColumn);
  const ts = r(source.tsColumn);
  const result = await tx`
    insert into ${
    tx(table)
  } (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts, updated_at)
    select ${source.series}, k.entity_id, k.metric, k.start, a.min, a.max, a.sum, a.count, l.value, l.ts, now()
    from (select u.entity_id, u.metric, to_timestamp(u.bucket / 1000.0) as start
          from unnest(${typedArray(buckets.map((b) => b.entityId), "uuid")}::uuid[],
                      ${typedArray(buckets.map((b) => b.metric), "text")}::text[],
                      ${
    typedArray(buckets.map((b) => b.bucket), "float8")
  }::float8[]) as u(entity_id, metric, bucket)) k
    cross join lateral (select min(${value}) as min, max(${value}) as max, sum(${value}) as sum, count(*) as count
                        from ${tx(source.table)} r where ${inBucket}) a
    cross join lateral (select ${value} as value, ${ts} as ts from ${tx(source.table)} r where ${inBucket}
                        order by ${ts} desc limit 1) l
    on conflict (entity_id, metric, bucket) do update set
      min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count,
      last = excluded.last, last_ts = excluded.last_ts, updated_at = excluded.updated_at`;
  return result.count;
}
