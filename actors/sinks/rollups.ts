/**
 * The rollups sink (`rollup_1m` .. `rollup_6h`), shared by every kind. Exact buckets (every reading seen
 * once, in order, by the actor) are upserted as the actor computed them; inexact ones (restored from a
 * snapshot, or touched by a redelivered or late reading) are recomputed from the kind's readings table
 * in the same transaction, after the readings were written. Both are idempotent.
 * @module
 */
import type { Tx } from "../../stores/postgres/client.ts";
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

/** The rollups sink, recomputing inexact buckets from `sources`. */
export function rollupsSink(sources: RollupSource[]): Sink {
  const bySeries = new Map(sources.map((s) => [s.series, s]));
  return {
    name: "rollups",
    columns: COLUMNS,
    async write(tx, rows, count) {
      let changed = 0;
      const byWidth = groupIndexes(count, (i) => String(rows.width[i]));
      for (const [width, indexes] of byWidth) {
        const ms = ROLLUP_WIDTHS.find(([w]) => w === width)?.[1];
        if (ms === undefined) throw new RangeError(`Unknown rollup width ${width}`);
        // The newest row of a bucket wins; one inexact row makes the bucket a recompute.
        const buckets = groupIndexes(indexes.length, (j) => {
          const i = indexes[j];
          return `${rows.entity_id[i]}\u0000${rows.metric[i]}\u0000${rows.bucket[i]}`;
        });
        const exact: number[] = [];
        const inexact: number[] = [];
        for (const group of buckets.values()) {
          const members = group.map((j) => indexes[j]);
          (members.every((i) => rows.exact[i]) ? exact : inexact).push(members.at(-1)!);
        }
        const table = `rollup_${width}`;
        changed += await upsert(tx, table, rows, exact);
        for (const [series, idx] of groupIndexes(inexact.length, (k) => String(rows.series[inexact[k]]))) {
          const source = bySeries.get(series);
          if (!source) throw new RangeError(`No readings table to recompute ${series} rollups from`);
          changed += await recompute(tx, table, ms, source, rows, idx.map((k) => inexact[k]));
        }
      }
      return changed;
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

async function recompute(
  tx: Tx,
  table: string,
  widthMs: number,
  source: RollupSource,
  rows: Columns,
  indexes: number[],
): Promise<number> {
  const col = (name: string) => indexes.map((i) => rows[name][i]);
  const r = (column: string) => tx(`r.${column}`);
  const result = await tx`
    insert into ${
    tx(table)
  } (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts, updated_at)
    select ${source.series}, k.entity_id, k.metric, k.start, min(${r(source.valueColumn)}),
           max(${r(source.valueColumn)}), sum(${r(source.valueColumn)}), count(*),
           (array_agg(${r(source.valueColumn)} order by ${r(source.tsColumn)} desc))[1], max(${
    r(source.tsColumn)
  }), now()
    from (select u.entity_id, u.metric, to_timestamp(u.bucket / 1000.0) as start
          from unnest(${typedArray(col("entity_id"), "uuid")}::uuid[], ${
    typedArray(col("metric"), "text")
  }::text[],
                      ${typedArray(col("bucket"), "float8")}::float8[]) as u(entity_id, metric, bucket)) k
    join ${tx(source.table)} r on ${r(source.entityColumn)} = k.entity_id and ${
    r(source.metricColumn)
  } = k.metric
      and ${r(source.tsColumn)} >= k.start and ${
    r(source.tsColumn)
  } < k.start + ${widthMs} * interval '1 millisecond'
    group by k.entity_id, k.metric, k.start
    on conflict (entity_id, metric, bucket) do update set
      min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count,
      last = excluded.last, last_ts = excluded.last_ts, updated_at = excluded.updated_at`;
  return result.count;
}
