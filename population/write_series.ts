/**
 * Writes the time series of the seed: plant readings and their alerts, meter, asset and energy-source
 * measurements, VEN telemetry,
 * load samples and statuses, ADR participation, then the rollups and the ingestion log computed in SQL
 * from what was written. Series go in as multi-row `unnest` inserts (a few statements for ~30k rows, fast
 * on embedded PGlite too) with `ON CONFLICT DO NOTHING`, so a second run adds nothing.
 * @module
 */
import type { Tx } from "../stores/postgres/client.ts";
import { METERS, OFFLINE_VEN, VENS } from "./catalog.ts";
import { ASSETS, ENERGY_SOURCES } from "./catalog_equipment.ts";
import { stableId } from "./ids.ts";
import type { AdrEventPlan } from "./adr.ts";
import type { AlertRow, PlantSeries } from "./plant_series.ts";
import { delivered, equipmentSeries, meterSeries, venOfflineWindow, type VenSample } from "./site_series.ts";

const CHUNK = 5_000;

async function chunked<T>(items: T[], write: (chunk: T[]) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < items.length; i += CHUNK) await write(items.slice(i, i + CHUNK));
  return items.length;
}

const iso = (ts: number) => new Date(ts).toISOString();

/** Plant readings (1-minute MW). */
export function writeReadings(
  tx: Tx,
  series: PlantSeries[],
  plants: Record<string, string>,
): Promise<number> {
  const rows = series.flatMap((s) =>
    s.readings.map((r) => [plants[s.plant.name], iso(r.ts), r.value] as const)
  );
  return chunked(rows, (c) =>
    tx`insert into meter_readings (plant_id, ts, value, metric_type)
      select p, t, v, 'power_mw' from unnest(${c.map((r) => r[0])}::uuid[], ${
      c.map((r) => r[1])
    }::timestamptz[],
        ${c.map((r) => r[2])}::float8[]) as u(p, t, v)
      on conflict do nothing`);
}

/** Alerts; any unique conflict (same id, or an alert of the same kind still open) keeps the stored row. */
export async function writeAlerts(
  tx: Tx,
  alerts: AlertRow[],
  siteOf: Record<string, string | null>,
): Promise<number> {
  if (alerts.length === 0) return 0;
  const date = (ts: number | null) => (ts === null ? null : new Date(ts));
  const rows = alerts.map((a) => ({
    id: a.id,
    entity_kind: a.entityKind,
    entity_id: a.entityId,
    plant_id: a.plantId,
    ven_id: a.venId,
    site_id: siteOf[a.entityId] ?? null,
    type: a.type,
    severity: a.severity,
    message: a.message,
    metric: a.metric,
    value: a.value,
    baseline: a.baseline,
    threshold: a.threshold,
    dedupe_key: a.dedupeKey,
    ts: new Date(a.ts),
    last_seen_at: new Date(a.lastSeenAt),
    occurrences: a.occurrences,
    acknowledged_at: date(a.acknowledgedAt),
    acknowledged_by: a.acknowledgedBy,
    resolved_at: date(a.resolvedAt),
    resolved_by: a.resolvedBy,
    details: a.details,
  }));
  await tx`insert into alerts ${tx(rows)} on conflict do nothing`;
  return rows.length;
}

/** The System alert of the VEN that went offline. */
export function venOfflineAlert(ns: string, venId: string, end: number): AlertRow {
  const w = venOfflineWindow(end);
  return {
    id: stableId(ns, "alert", OFFLINE_VEN, "System", w.start),
    entityKind: "ven",
    entityId: venId,
    plantId: null,
    venId,
    type: "System",
    severity: "critical",
    message: `VEN ${OFFLINE_VEN} reported offline (maintenance reboot); back online after 40 min`,
    metric: null,
    value: null,
    baseline: null,
    threshold: null,
    dedupeKey: "System:offline",
    ts: w.start,
    lastSeenAt: w.start,
    occurrences: 1,
    acknowledgedAt: w.start + 6 * 60_000,
    acknowledgedBy: "operator",
    resolvedAt: w.end,
    resolvedBy: "system",
    details: { source: "device", reason: "maintenance reboot" },
  };
}

/**
 * Meter measurements at each meter's reading frequency; power of every asset and energy source every
 * 15 minutes (their ids as write_hierarchy.ts gives them).
 */
export function writeMeasurements(
  tx: Tx,
  end: number,
  ns: string,
  meters: Record<string, string>,
  sites: Record<string, string>,
): Promise<number> {
  const rows = METERS.flatMap((m) =>
    meterSeries(m, end).map((r) =>
      [
        "meter",
        meters[`${m.site}/${m.name}`],
        sites[m.site],
        iso(r.ts),
        r.metric,
        r.value,
        r.unit,
        r.quality,
      ] as const
    )
  );
  const equipment = [
    ...ASSETS.map((a) => ({
      id: stableId(ns, "asset", a.site, a.name),
      site: a.site,
      entityType: "asset" as const,
      type: a.type,
      ratedKw: a.ratedKw,
    })),
    ...ENERGY_SOURCES.map(([site, , name, type, kw]) => ({
      id: stableId(ns, "energy_source", site, name),
      site,
      entityType: "energy_source" as const,
      type,
      ratedKw: kw,
    })),
  ];
  const equipmentRows = equipment.flatMap((e) =>
    equipmentSeries({ ...e, siteId: sites[e.site] }, end).map((r) =>
      [e.entityType, e.id, sites[e.site], iso(r.ts), r.metric, r.value, r.unit, r.quality] as const
    )
  );
  return chunked(
    [...rows, ...equipmentRows],
    (c) =>
      tx`insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit, quality)
      select k, e, s, t, m, v, u, q::quality_enum from unnest(${c.map((r) => r[0])}::text[], ${
        c.map((r) => r[1])
      }::uuid[], ${c.map((r) => r[2])}::uuid[],
        ${c.map((r) => r[3])}::timestamptz[], ${c.map((r) => r[4])}::text[], ${c.map((r) => r[5])}::float8[],
        ${c.map((r) => r[6])}::text[], ${c.map((r) => r[7])}::text[]) as x(k, e, s, t, m, v, u, q)
      on conflict do nothing`,
  );
}

/** VEN telemetry, load samples and status changes. */
export async function writeVenTelemetry(
  tx: Tx,
  samples: Record<string, VenSample[]>,
  vens: Record<string, string>,
  end: number,
): Promise<number> {
  const telemetry = Object.entries(samples).flatMap(([name, list]) =>
    list.map((s) => ({ venId: vens[name], s }))
  );
  await chunked(telemetry, (c) =>
    tx`insert into ven_telemetry (ven_id, ts, used_power_kw, shed_power_kw, raw)
      select v, t, u, s, r::jsonb from unnest(${c.map((x) => x.venId)}::uuid[], ${
      c.map((x) => iso(x.s.ts))
    }::timestamptz[],
        ${c.map((x) => x.s.usedPowerKw)}::float8[], ${c.map((x) => x.s.shedPowerKw)}::float8[],
        ${c.map((x) => JSON.stringify({ ...x.s, ts: iso(x.s.ts) }))}::text[]) as x(v, t, u, s, r)
      on conflict do nothing`);
  const loads = telemetry.flatMap(({ venId, s }) => s.loads.map((l) => ({ venId, ts: iso(s.ts), l })));
  await chunked(
    loads,
    (c) =>
      tx`insert into ven_load_samples (ven_id, ts, load_id, load_type, used_kw, shed_capable_kw, capacity_kw)
      select * from unnest(${c.map((x) => x.venId)}::uuid[], ${c.map((x) => x.ts)}::timestamptz[],
        ${c.map((x) => x.l.loadId)}::text[], ${c.map((x) => x.l.type)}::text[], ${
        c.map((x) => x.l.usedKw)
      }::float8[],
        ${c.map((x) => x.l.shedCapableKw)}::float8[], ${c.map((x) => x.l.capacityKw)}::float8[])
      on conflict do nothing`,
  );
  const offline = venOfflineWindow(end);
  const statuses = VENS.map((v) => ({
    ven_id: vens[v.name],
    ts: new Date(samples[v.name][0].ts),
    status: "online",
    source: "device",
    details: { firmware: "2.4.1" },
  }));
  statuses.push(
    {
      ven_id: vens[OFFLINE_VEN],
      ts: new Date(offline.start),
      status: "offline",
      source: "device",
      details: { reason: "maintenance reboot" },
    } as never,
    {
      ven_id: vens[OFFLINE_VEN],
      ts: new Date(offline.end),
      status: "online",
      source: "device",
      details: { firmware: "2.4.2" },
    },
  );
  await tx`insert into ven_statuses ${tx(statuses)} on conflict do nothing`;
  return telemetry.length + loads.length + statuses.length;
}

/** Each targeted VEN's answer to each event, with what it delivered (from its telemetry). */
export async function writeParticipation(
  tx: Tx,
  events: AdrEventPlan[],
  vens: Record<string, string>,
  samples: Record<string, VenSample[]>,
  end: number,
): Promise<number> {
  const rows = events.flatMap((e) =>
    Object.entries(e.answers).map(([name, answer]) => {
      const started = e.start <= end && (e.status === "completed" || e.status === "active");
      const d = started && answer.opt === "optIn"
        ? delivered(samples[name], {
          start: e.start,
          end: Math.min(e.start + e.durationS * 1000, end + 60_000),
        })
        : undefined;
      return {
        event_id: e.id,
        ven_id: vens[name],
        opt: answer.opt,
        responded_at: answer.respondedAt === null ? null : new Date(answer.respondedAt),
        notified_at: e.notifiedAt === null ? null : new Date(e.notifiedAt),
        baseline_kw: d?.baselineKw ?? null,
        delivered_shed_kw: d?.deliveredShedKw ?? null,
        delivered_kwh: d?.deliveredKwh ?? null,
        samples: d?.samples ?? 0,
        last_sample_at: d?.lastSampleAt ? new Date(d.lastSampleAt) : null,
      };
    })
  );
  await tx`insert into adr_participation ${tx(rows)} on conflict (event_id, ven_id) do update set
    opt = excluded.opt, responded_at = excluded.responded_at, notified_at = excluded.notified_at,
    baseline_kw = excluded.baseline_kw, delivered_shed_kw = excluded.delivered_shed_kw,
    delivered_kwh = excluded.delivered_kwh, samples = excluded.samples, last_sample_at = excluded.last_sample_at`;
  return rows.length;
}

/** The entities whose series were seeded, and the window. */
export interface SeededSeries {
  plants: string[];
  meters: string[];
  vens: string[];
  from: number;
  to: number;
}

const ROLLUPS: [string, string][] = [
  ["rollup_1m", "1 minute"],
  ["rollup_10m", "10 minutes"],
  ["rollup_30m", "30 minutes"],
  ["rollup_3h", "3 hours"],
  ["rollup_6h", "6 hours"],
];

/** Rollup buckets (min/max/sum/count/last) of every seeded series, computed in SQL from the stored rows. */
export async function writeRollups(tx: Tx, s: SeededSeries): Promise<number> {
  let total = 0;
  const from = iso(s.from);
  const to = iso(s.to);
  for (const [table, width] of ROLLUPS) {
    const rows = await tx`
      insert into ${tx(table)} (series, entity_id, metric, bucket, min, max, sum, count, last, last_ts)
      select series, entity_id, metric, date_bin(${width}::interval, ts, timestamptz '2000-01-01'),
        min(v), max(v), sum(v), count(*)::int, (array_agg(v order by ts desc))[1], max(ts)
      from (
        select 'plant' as series, plant_id as entity_id, metric_type as metric, ts, value as v from meter_readings
          where plant_id = any(${s.plants}::uuid[]) and ts between ${from} and ${to}
        union all
        select 'meter', entity_id, metric, ts, value from measurements
          where entity_id = any(${s.meters}::uuid[]) and ts between ${from} and ${to}
        union all
        select 'ven', ven_id, 'used_power_kw', ts, used_power_kw from ven_telemetry
          where ven_id = any(${s.vens}::uuid[]) and ts between ${from} and ${to}
      ) src
      group by 1, 2, 3, 4
      on conflict (entity_id, metric, bucket) do update set min = excluded.min, max = excluded.max,
        sum = excluded.sum, count = excluded.count, last = excluded.last, last_ts = excluded.last_ts
      returning 1`;
    total += rows.length;
  }
  return total;
}

/**
 * Accepted messages per source and minute, from the stored series; rejected ones from the rejected events.
 * Sources are named as the writer names them (`mqtt:{actor kind}`: meters report through their site's actor).
 */
export async function writeIngestionLog(tx: Tx, s: SeededSeries, rejectedAt: number[]): Promise<number> {
  const from = iso(s.from);
  const to = iso(s.to);
  const rows = await tx`
    insert into ingestion_log (source, minute, accepted, rejected)
    select source, minute, count(*), 0 from (
      select 'mqtt:plant' as source, date_trunc('minute', ts) as minute from meter_readings
        where plant_id = any(${s.plants}::uuid[]) and ts between ${from} and ${to}
      union all
      select 'mqtt:site', date_trunc('minute', ts) from measurements
        where entity_id = any(${s.meters}::uuid[]) and ts between ${from} and ${to}
      union all
      select 'mqtt:ven', date_trunc('minute', ts) from ven_telemetry
        where ven_id = any(${s.vens}::uuid[]) and ts between ${from} and ${to}
    ) m group by 1, 2
    on conflict (source, minute) do update set accepted = excluded.accepted
    returning 1`;
  const perMinute = new Map<string, number>();
  for (const ts of rejectedAt) {
    const minute = iso(Math.floor(ts / 60_000) * 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  for (const [minute, n] of perMinute) {
    await tx`insert into ingestion_log (source, minute, accepted, rejected) values ('mqtt:plant', ${minute}, 0, ${n})
      on conflict (source, minute) do update set rejected = excluded.rejected`;
  }
  return rows.length;
}
