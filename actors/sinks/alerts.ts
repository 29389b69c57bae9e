/**
 * The `alerts` sink, shared by every kind. Rows are `open` (insert, or bump the open alert with the same
 * entity and dedupe key: the partial unique index `alerts_open_dedupe`) or `resolve` (set `resolved_at`).
 *
 * One multi-row statement may not touch the same row twice, so the ops of one (entity, dedupe key) are
 * first collapsed (consecutive opens become one with their occurrences summed) and then written in
 * phases: phase i holds the i-th op of every key. Almost always there is one phase.
 * @module
 */
import type { Tx } from "../../stores/postgres/client.ts";
import { type Columns, groupIndexes, type Sink, typedArray } from "../sink.ts";

const COLUMNS = [
  "op",
  "id",
  "entity_kind",
  "entity_id",
  "plant_id",
  "type",
  "severity",
  "message",
  "metric",
  "value",
  "baseline",
  "threshold",
  "dedupe_key",
  "ts",
  "details",
] as const;

interface Op {
  op: "open" | "resolve";
  row: number;
  /** For a collapsed open: occurrences and the latest time seen. */
  occurrences: number;
  lastSeen: number;
}

/** The alerts sink. */
export const alertsSink: Sink = {
  name: "alerts",
  columns: COLUMNS,
  async write(tx, rows, count) {
    const groups = groupIndexes(count, (i) => `${rows.entity_id[i]}\u0000${rows.dedupe_key[i]}`);
    const phases: Op[][] = [];
    for (const indexes of groups.values()) {
      collapse(rows, indexes).forEach((op, phase) => (phases[phase] ??= []).push(op));
    }
    let changed = 0;
    for (const ops of phases) {
      changed += await resolve(tx, rows, ops.filter((o) => o.op === "resolve"));
      changed += await open(tx, rows, ops.filter((o) => o.op === "open"));
    }
    return changed;
  },
};

function collapse(rows: Columns, indexes: number[]): Op[] {
  const ops: Op[] = [];
  for (const i of indexes) {
    const op = rows.op[i] as Op["op"];
    const ts = rows.ts[i] as number;
    const previous = ops.at(-1);
    if (op === "open" && previous?.op === "open") {
      previous.occurrences++;
      previous.lastSeen = Math.max(previous.lastSeen, ts);
      previous.row = i; // the latest value, baseline and message win; the first id stays on the row
    } else ops.push({ op, row: i, occurrences: 1, lastSeen: ts });
  }
  return ops;
}

async function open(tx: Tx, rows: Columns, ops: Op[]): Promise<number> {
  if (ops.length === 0) return 0;
  const col = (name: string) => ops.map((o) => rows[name][o.row]);
  // An id already taken (the operator resolved that alert a moment ago) gets a fresh one.
  const result = await tx`
    insert into alerts (id, entity_kind, entity_id, plant_id, type, severity, message, metric, value, baseline,
                        threshold, dedupe_key, ts, last_seen_at, occurrences, details)
    select case when exists (select 1 from alerts a where a.id = u.id) then gen_random_uuid() else u.id end,
           u.entity_kind, u.entity_id, u.plant_id, u.type, u.severity, u.message, u.metric, u.value, u.baseline,
           u.threshold, u.dedupe_key, to_timestamp(u.ts / 1000.0), to_timestamp(u.last_seen / 1000.0),
           u.occurrences, u.details
    from unnest(
      ${typedArray(col("id"), "uuid")}::uuid[], ${typedArray(col("entity_kind"), "text")}::text[],
      ${typedArray(col("entity_id"), "uuid")}::uuid[], ${typedArray(col("plant_id"), "uuid")}::uuid[],
      ${typedArray(col("type"), "text")}::text[], ${typedArray(col("severity"), "text")}::text[],
      ${typedArray(col("message"), "text")}::text[], ${typedArray(col("metric"), "text")}::text[],
      ${typedArray(col("value"), "float8")}::float8[], ${typedArray(col("baseline"), "float8")}::float8[],
      ${typedArray(col("threshold"), "float8")}::float8[], ${typedArray(col("dedupe_key"), "text")}::text[],
      ${typedArray(col("ts"), "float8")}::float8[], ${
    typedArray(ops.map((o) => o.lastSeen), "float8")
  }::float8[],
      ${typedArray(ops.map((o) => o.occurrences), "int4")}::int4[], ${
    typedArray(col("details"), "jsonb")
  }::jsonb[]
    ) as u(id, entity_kind, entity_id, plant_id, type, severity, message, metric, value, baseline, threshold,
           dedupe_key, ts, last_seen, occurrences, details)
    -- an alert of a plant deleted meanwhile has nothing left to belong to
    where u.plant_id is null or exists (select 1 from plants p where p.id = u.plant_id)
    on conflict (entity_id, dedupe_key) where resolved_at is null do update set
      occurrences = alerts.occurrences + excluded.occurrences,
      last_seen_at = greatest(alerts.last_seen_at, excluded.last_seen_at),
      value = excluded.value,
      baseline = coalesce(excluded.baseline, alerts.baseline)`;
  return result.count;
}

async function resolve(tx: Tx, rows: Columns, ops: Op[]): Promise<number> {
  if (ops.length === 0) return 0;
  const col = (name: string) => ops.map((o) => rows[name][o.row]);
  const result = await tx`
    update alerts a set resolved_at = to_timestamp(u.ts / 1000.0), resolved_by = 'system'
    from unnest(${typedArray(col("entity_id"), "uuid")}::uuid[], ${
    typedArray(col("dedupe_key"), "text")
  }::text[],
                ${typedArray(col("ts"), "float8")}::float8[]) as u(entity_id, dedupe_key, ts)
    where a.entity_id = u.entity_id and a.dedupe_key = u.dedupe_key and a.resolved_at is null`;
  return result.count;
}
