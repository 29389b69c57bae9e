/**
 * The VEN kind's tables. Every write is idempotent (a redelivered message writes the same rows again):
 * readings are inserted with `ON CONFLICT DO NOTHING` on their primary keys, state rows are updates to
 * values (not increments). Rows of a VEN deleted meanwhile are skipped (theirs are gone too).
 *
 * `adr_participation` rows are created by the API when it resolves an event's targets; the actor only
 * updates them: an answer for an event that does not (or no longer) target the VEN changes nothing.
 * @module
 */
import type { Tx } from "../../stores/postgres/client.ts";
import { type Columns, groupIndexes, pick, type Sink, typedArray } from "../sink.ts";
import { SINKS } from "./state.ts";

/** The last row of each key: one UPDATE may not touch a row twice, and the newest values win. */
function lastOf(rows: Columns, count: number, key: (i: number) => string): Columns {
  return pick(rows, [...groupIndexes(count, key).values()].map((indexes) => indexes.at(-1)!));
}

/** `ven_telemetry`: panel power with the payload as sent. */
export const venTelemetrySink: Sink = {
  name: SINKS.telemetry,
  columns: ["ven_id", "ts", "used_power_kw", "shed_power_kw", "raw"],
  async write(tx, rows) {
    const result = await tx`
      insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
      select u.ven_id, to_timestamp(u.ts / 1000.0), u.used, u.shed, u.raw
      from unnest(${typedArray(rows.ven_id, "uuid")}::uuid[], ${typedArray(rows.ts, "float8")}::float8[],
                  ${typedArray(rows.used_power_kw, "float8")}::float8[],
                  ${typedArray(rows.shed_power_kw, "float8")}::float8[], ${
      typedArray(rows.raw, "jsonb")
    }::jsonb[])
        as u(ven_id, ts, used, shed, raw)
      where exists (select 1 from vens v where v.id = u.ven_id)
      on conflict do nothing`;
    return result.count;
  },
  series(rows, count) {
    return Array.from({ length: count }, (_, i) => ({
      measurement: "ven_telemetry",
      tags: { ven_id: rows.ven_id[i] as string },
      fields: {
        used_power_kw: rows.used_power_kw[i] as number,
        shed_power_kw: rows.shed_power_kw[i] as number,
      },
      ts: rows.ts[i] as number,
    }));
  },
  seriesSource: {
    table: "ven_telemetry",
    columns: { ven_id: "ven_id", used_power_kw: "used_power_kw", shed_power_kw: "shed_power_kw" },
  },
};

/** `ven_load_samples`: one row per load per telemetry message. */
export const venLoadSamplesSink: Sink = {
  name: SINKS.loads,
  columns: ["ven_id", "ts", "load_id", "load_type", "used_kw", "shed_capable_kw", "capacity_kw"],
  async write(tx, rows) {
    const result = await tx`
      insert into ven_load_samples (ven_id, ts, load_id, load_type, used_kw, shed_capable_kw, capacity_kw)
      select u.ven_id, to_timestamp(u.ts / 1000.0), u.load_id, u.load_type, u.used_kw, u.shed_capable_kw,
             u.capacity_kw
      from unnest(${typedArray(rows.ven_id, "uuid")}::uuid[], ${typedArray(rows.ts, "float8")}::float8[],
                  ${typedArray(rows.load_id, "text")}::text[], ${typedArray(rows.load_type, "text")}::text[],
                  ${typedArray(rows.used_kw, "float8")}::float8[],
                  ${typedArray(rows.shed_capable_kw, "float8")}::float8[],
                  ${typedArray(rows.capacity_kw, "float8")}::float8[])
        as u(ven_id, ts, load_id, load_type, used_kw, shed_capable_kw, capacity_kw)
      where exists (select 1 from vens v where v.id = u.ven_id)
      on conflict do nothing`;
    return result.count;
  },
};

/** `ven_statuses`: reported (`device`) and inferred (`detector`) status changes. */
export const venStatusesSink: Sink = {
  name: SINKS.statuses,
  columns: ["ven_id", "ts", "status", "source", "details"],
  async write(tx, rows) {
    const result = await tx`
      insert into ven_statuses (ven_id, ts, status, source, details)
      select u.ven_id, to_timestamp(u.ts / 1000.0), u.status, u.source, u.details
      from unnest(${typedArray(rows.ven_id, "uuid")}::uuid[], ${typedArray(rows.ts, "float8")}::float8[],
                  ${typedArray(rows.status, "text")}::text[], ${typedArray(rows.source, "text")}::text[],
                  ${typedArray(rows.details, "jsonb")}::jsonb[]) as u(ven_id, ts, status, source, details)
      where exists (select 1 from vens v where v.id = u.ven_id)
      on conflict do nothing`;
    return result.count;
  },
};

/** `vens.status` and `vens.last_seen_at`, written on status changes and now and then. */
export const venPresenceSink: Sink = {
  name: SINKS.presence,
  columns: ["ven_id", "status", "last_seen_at"],
  async write(tx: Tx, all, count) {
    const rows = lastOf(all, count, (i) => String(all.ven_id[i]));
    const result = await tx`
      update vens v set status = u.status,
        last_seen_at = greatest(v.last_seen_at, to_timestamp(u.last_seen_at / 1000.0))
      from unnest(${typedArray(rows.ven_id, "uuid")}::uuid[], ${typedArray(rows.status, "text")}::text[],
                  ${typedArray(rows.last_seen_at, "float8")}::float8[]) as u(ven_id, status, last_seen_at)
      where v.id = u.ven_id`;
    return result.count;
  },
};

/** A VEN's answer to an event: `adr_participation.opt` and `responded_at`. */
export const adrResponsesSink: Sink = {
  name: SINKS.responses,
  columns: ["event_id", "ven_id", "opt", "responded_at"],
  async write(tx, all, count) {
    const rows = lastOf(all, count, (i) => `${all.event_id[i]}\u0000${all.ven_id[i]}`);
    const result = await tx`
      update adr_participation a set opt = u.opt, responded_at = to_timestamp(u.at / 1000.0), updated_at = now()
      from unnest(${typedArray(rows.event_id, "uuid")}::uuid[], ${typedArray(rows.ven_id, "uuid")}::uuid[],
                  ${typedArray(rows.opt, "text")}::text[], ${
      typedArray(rows.responded_at, "float8")
    }::float8[])
        as u(event_id, ven_id, opt, at)
      where a.event_id = u.event_id and a.ven_id = u.ven_id`;
    return result.count;
  },
};

/** What a VEN delivered in an event so far: totals, so writing them again changes nothing. */
export const adrProgressSink: Sink = {
  name: SINKS.progress,
  columns: [
    "event_id",
    "ven_id",
    "baseline_kw",
    "delivered_shed_kw",
    "delivered_kwh",
    "samples",
    "last_sample_at",
  ],
  async write(tx, all, count) {
    const rows = lastOf(all, count, (i) => `${all.event_id[i]}\u0000${all.ven_id[i]}`);
    const result = await tx`
      update adr_participation a set baseline_kw = u.baseline_kw, delivered_shed_kw = u.delivered_shed_kw,
        delivered_kwh = u.delivered_kwh, samples = u.samples, last_sample_at = to_timestamp(u.last_sample_at / 1000.0),
        updated_at = now()
      from unnest(${typedArray(rows.event_id, "uuid")}::uuid[], ${typedArray(rows.ven_id, "uuid")}::uuid[],
                  ${typedArray(rows.baseline_kw, "float8")}::float8[],
                  ${typedArray(rows.delivered_shed_kw, "float8")}::float8[],
                  ${typedArray(rows.delivered_kwh, "float8")}::float8[], ${
      typedArray(rows.samples, "int4")
    }::int4[],
                  ${typedArray(rows.last_sample_at, "float8")}::float8[])
        as u(event_id, ven_id, baseline_kw, delivered_shed_kw, delivered_kwh, samples, last_sample_at)
      where a.event_id = u.event_id and a.ven_id = u.ven_id`;
    return result.count;
  },
};

/** The VEN kind's sinks in write order. */
export const venSinks: Sink[] = [
  venTelemetrySink,
  venLoadSamplesSink,
  venStatusesSink,
  venPresenceSink,
  adrResponsesSink,
  adrProgressSink,
];
