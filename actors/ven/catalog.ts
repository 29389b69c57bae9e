/**
 * The main-isolate half of the VEN kind: which VENs have actors (every active one), their
 * configuration (row, `detection` JSONB, alert rules for the VEN or all VENs, ADR events not over),
 * its sinks, and the completion of `event.changed` commands with the event's schedule (workers have no
 * database).
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import type { ActorCommand, Catalog } from "../kind.ts";
import { idsWithoutReadings, type RollupSource } from "../sinks/rollups.ts";
import { appliesTo, configuredRule, loadAlertRules } from "../rule_rows.ts";
import { typedArray } from "../sink.ts";
import { type Opt, parseVenDetection, type VenConfig, type VenEventSchedule } from "./config.ts";
import { venSinks } from "./sinks.ts";

/** VEN rollups are recomputed from `ven_power_readings` (migration 0040, a view over `ven_telemetry`). */
export const venRollupSource: RollupSource = {
  series: "ven",
  table: "ven_power_readings",
  entityColumn: "ven_id",
  metricColumn: "metric",
  tsColumn: "ts",
  valueColumn: "value",
};

interface VenRow {
  id: string;
  ven_name: string;
  display_name: string | null;
  expected_interval_s: number;
  detection: unknown;
}

interface EventRow {
  ven_id: string;
  id: string;
  event_name: string;
  start_at: Date;
  duration_s: number;
  opt: Opt;
}

const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);

function schedule(row: Omit<EventRow, "ven_id">): VenEventSchedule {
  const start = row.start_at.getTime();
  return { id: row.id, name: row.event_name, start, end: start + row.duration_s * 1000, opt: row.opt };
}

/**
 * The pre-event baseline of each started event from `ven_telemetry` (mean used power in the VEN's
 * window before the start): an actor that starts, or hears of an event, after its start has not seen it.
 */
async function withBaselines(
  sql: Sql,
  items: { venId: string; schedule: VenEventSchedule; windowS: number }[],
): Promise<void> {
  const started = items.filter((i) => i.schedule.start <= Date.now());
  if (started.length === 0) return;
  const rows = await sql<{ i: number; baseline: number | null }[]>`
    select u.i, (select avg(t.used_power_kw) from ven_telemetry t
                 where t.ven_id = u.ven_id and t.ts >= to_timestamp((u.start - u.window_s * 1000) / 1000.0)
                   and t.ts < to_timestamp(u.start / 1000.0))::float8 as baseline
    from unnest(${typedArray(started.map((_, i) => i), "int4")}::int4[],
                ${typedArray(started.map((s) => s.venId), "uuid")}::uuid[],
                ${typedArray(started.map((s) => s.schedule.start), "float8")}::float8[],
                ${
    typedArray(started.map((s) => s.windowS), "float8")
  }::float8[]) as u(i, ven_id, start, window_s)`;
  for (const { i, baseline } of rows) {
    if (baseline !== null) started[i].schedule.baselineKw = Math.round(baseline * 1e6) / 1e6;
  }
}

async function listIds(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from vens where active`;
  return rows.map((r) => r.id);
}

async function loadConfigs(sql: Sql, ids: string[]): Promise<Map<string, VenConfig>> {
  const out = new Map<string, VenConfig>();
  if (ids.length === 0) return out;
  const list = typedArray(ids, "uuid");
  const vens = await sql<VenRow[]>`
    select id, ven_name, display_name, expected_interval_s, detection
    from vens where active and id = any(${list}::uuid[])`;
  const rules = await loadAlertRules(sql, "ven", ids);
  // Events still to come or running (not their status: the sweeper changing it is no configuration change).
  const events = await sql<EventRow[]>`
    select a.ven_id, e.id, e.event_name, e.start_at, e.duration_s, a.opt
    from adr_participation a join adr_events e on e.id = a.event_id
    where a.ven_id = any(${list}::uuid[]) and e.status <> 'cancelled'
      and e.start_at + make_interval(secs => e.duration_s) > now()
    order by e.start_at, e.id`;
  const started: Parameters<typeof withBaselines>[1] = [];
  for (const v of vens) {
    const { detection, problems } = parseVenDetection(json(v.detection));
    const schedules = events.filter((e) => e.ven_id === v.id).map(schedule);
    for (const s of schedules) {
      started.push({ venId: v.id, schedule: s, windowS: detection.event.baselineWindowS });
    }
    out.set(v.id, {
      name: v.display_name ?? v.ven_name,
      expectedIntervalS: v.expected_interval_s,
      detection,
      detectionProblems: problems.length ? problems : undefined,
      rules: rules.filter((r) => appliesTo(r, v.id)).map(configuredRule),
      events: schedules,
    });
  }
  await withBaselines(sql, started);
  return out;
}

/**
 * `event.changed` -> the event's schedule and this VEN's answer (`event`), `status: "deleted"` when the
 * event is gone, `"cancelled"` when it was cancelled or no longer targets this VEN.
 */
async function prepareCommand(sql: Sql, venId: string, command: ActorCommand): Promise<ActorCommand> {
  if (command.type !== "event.changed" || typeof command.eventId !== "string") return command;
  const [row] = await sql<(Omit<EventRow, "ven_id"> & { status: string; opt: Opt | null })[]>`
    select e.id, e.event_name, e.status, e.start_at, e.duration_s, a.opt
    from adr_events e left join adr_participation a on a.event_id = e.id and a.ven_id = ${venId}
    where e.id = ${command.eventId}`;
  if (!row) return { ...command, status: "deleted" };
  if (row.status === "cancelled" || row.opt === null) return { ...command, status: "cancelled" };
  const event = schedule({ ...row, opt: row.opt });
  const [ven] = await sql<{ detection: unknown }[]>`select detection from vens where id = ${venId}`;
  const windowS = parseVenDetection(json(ven?.detection)).detection.event.baselineWindowS;
  await withBaselines(sql, [{ venId, schedule: event, windowS }]);
  return { ...command, status: row.status, event };
}

/** The VEN catalog. */
export const venCatalog: Catalog<VenConfig> = {
  kind: "ven",
  listIds,
  loadConfigs,
  sinks: venSinks,
  wildcards: [topics.venTelemetry("+"), topics.venStatus("+"), topics.venEventResponses("+")],
  rollupSource: venRollupSource,
  withoutReadings: (sql, ids) => idsWithoutReadings(sql, venRollupSource, ids),
  prepareCommand,
};
