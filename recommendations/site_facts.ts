/**
 * The measured figures of one site over a window, as the rules read them: meter power and power factor
 * from the meters' 30-minute rollups, asset power from `measurements`, and the site's energy sources and
 * grid links. Everything is reduced to hourly averages here, so the rules are pure functions of a
 * {@linkcode SiteFacts} and can be tested on crafted figures.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { toKw } from "../actors/site/dashboard.ts";

const HOUR_MS = 3_600_000;

/** A meter's figures over the window. */
export interface MeterFacts {
  id: string;
  name: string;
  category: "CONS" | "PROD" | "INJ" | "STOR";
  /** Hours of the window with at least one power reading. */
  coveredHours: number;
  /** Mean of the hourly average power, kW; null without power readings. */
  avgKw: number | null;
  /** Highest hourly average power, kW. */
  peakKw: number | null;
  /** Sum over covered hours of the hourly average's magnitude, kWh (a battery's throughput). */
  throughputKwh: number;
  /** Mean power factor and how many readings it is made of; null without power factor readings. */
  powerFactor: { avg: number; readings: number } | null;
}

/** An asset's figures over the window. */
export interface AssetFacts {
  id: string;
  name: string;
  assetType: string;
  parentId: string | null;
  ratedPowerKw: number | null;
  /** Average power (kW) by local hour of day 0-23 over the hours it reported; null: none at that hour. */
  kwByHour: (number | null)[];
  coveredHours: number;
}

/** An energy source as registered. */
export interface EnergySourceFacts {
  id: string;
  name: string;
  sourceType: string;
  meterId: string | null;
  capacityKw: number;
  storageCapacityKwh: number | null;
  /** gCO2e/kWh. */
  carbonIntensity: number;
}

/** A grid link as registered. */
export interface GridLinkFacts {
  id: string;
  name: string;
  direction: "in" | "out" | "bi";
  importCapacityKw: number | null;
  tariff: Record<string, unknown>;
}

/** What the rules know about one site. */
export interface SiteFacts {
  site: { id: string; name: string; timezone: string; metadata: Record<string, unknown> };
  window: { from: string; to: string; days: number };
  /** Hours of the window in which at least one consumption (CONS) meter reported power. */
  coveredHours: number;
  /**
   * Grid import (kW) by local hour of day 0-23, averaged over the covered hours; null: none at that hour.
   * Import of an hour = consumption + injection + storage charging - production (the meters' hourly
   * averages by category; a meter silent in that hour counts with its mean over the window), at least 0.
   */
  importByHour: (number | null)[];
  /** The highest hourly grid import of the window and the hour it began (ISO). */
  peakImport: { kw: number; at: string } | null;
  meters: MeterFacts[];
  assets: AssetFacts[];
  energySources: EnergySourceFacts[];
  gridLinks: GridLinkFacts[];
}

/** Options of {@linkcode readSiteFacts}. */
export interface ReadSiteFactsOptions {
  /** End of the window, epoch ms. @default {Date.now()} */
  now?: number;
  /** Length of the window in days. @default {30} */
  days?: number;
}

/** The local hour of day (0-23) of an instant in `timeZone`. */
export function localHour(ms: number, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "numeric", hourCycle: "h23" });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(ms)) % 24;
}
const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The site's facts over the `days` before `now`, or undefined when there is no active site `siteId`. */
export async function readSiteFacts(
  sql: Sql,
  siteId: string,
  options: ReadSiteFactsOptions = {},
): Promise<SiteFacts | undefined> {
  const days = options.days ?? 30;
  const to = new Date(options.now ?? Date.now());
  const from = new Date(to.getTime() - days * 24 * HOUR_MS);
  const [site] = await sql<
    { id: string; name: string; timezone: string; metadata: Record<string, unknown> }[]
  >`
    select id::text, name, timezone, metadata from sites where id = ${siteId} and active`;
  if (!site) return undefined;
  const [meters, assets, sources, links, meterHours, assetHours] = await Promise.all([
    sql<{ id: string; name: string; category: MeterFacts["category"]; unit: string }[]>`
      select id::text, name, category, unit from meters where site_id = ${siteId} and active order by name`,
    sql<
      { id: string; name: string; assetType: string; parentId: string | null; ratedPowerKw: number | null }[]
    >`
      select id::text, name, asset_type as "assetType", parent_id::text as "parentId",
        rated_power_kw as "ratedPowerKw"
      from assets where site_id = ${siteId} and active order by name`,
    sql<EnergySourceFacts[]>`
      select id::text, name, source_type as "sourceType", meter_id::text as "meterId", capacity_kw as "capacityKw",
        storage_capacity_kwh as "storageCapacityKwh", carbon_intensity as "carbonIntensity"
      from energy_sources where site_id = ${siteId} and active order by name`,
    sql<GridLinkFacts[]>`
      select id::text, name, direction, import_capacity_kw as "importCapacityKw", tariff
      from grid_links where site_id = ${siteId} and active order by name`,
    sql<{ id: string; metric: string; hour: Date; avg: number; readings: number }[]>`
      select r.entity_id::text as id, r.metric, date_bin('1 hour', r.bucket, timestamptz '2000-01-01') as hour,
        sum(r.sum) / sum(r.count) as avg, sum(r.count)::int as readings
      from rollup_30m r join meters m on m.id = r.entity_id
      where m.site_id = ${siteId} and m.active and r.series = 'meter' and r.metric in ('power', 'power_factor')
        and r.bucket >= ${from} and r.bucket < ${to}
      group by 1, 2, 3`,
    sql<{ id: string; hour: Date; avg: number }[]>`
      select entity_id::text as id, date_bin('1 hour', ts, timestamptz '2000-01-01') as hour, avg(value) as avg
      from measurements
      where site_id = ${siteId} and entity_type = 'asset' and metric = 'power' and quality <> 'bad'
        and ts >= ${from} and ts < ${to}
      group by 1, 2`,
  ]);
  const tz = site.timezone;
  const meterFacts = meters.map((m) => meterFactsOf(m, meterHours.filter((r) => r.id === m.id)));
  const power = new Map(
    meters.map((m) => [
      m.id,
      new Map(
        meterHours.filter((r) => r.id === m.id && r.metric === "power").map((r) => [
          r.hour.getTime(),
          toKw(r.avg, m.unit),
        ]),
      ),
    ]),
  );
  const imports = hourlyImport(meterFacts, power);
  return {
    site,
    window: { from: from.toISOString(), to: to.toISOString(), days },
    coveredHours: imports.size,
    importByHour: byLocalHour(imports, tz),
    peakImport: peakOf(imports),
    meters: meterFacts,
    assets: assets.map((a) => {
      const hours = new Map(assetHours.filter((r) => r.id === a.id).map((r) => [r.hour.getTime(), r.avg]));
      return { ...a, kwByHour: byLocalHour(hours, tz), coveredHours: hours.size };
    }),
    energySources: sources,
    gridLinks: links,
  };
}

function meterFactsOf(
  meter: { id: string; name: string; category: MeterFacts["category"]; unit: string },
  rows: { metric: string; avg: number; readings: number }[],
): MeterFacts {
  const kw = rows.filter((r) => r.metric === "power").map((r) => toKw(r.avg, meter.unit));
  const pf = rows.filter((r) => r.metric === "power_factor");
  const readings = pf.reduce((n, r) => n + r.readings, 0);
  return {
    id: meter.id,
    name: meter.name,
    category: meter.category,
    coveredHours: kw.length,
    avgKw: kw.length ? mean(kw) : null,
    peakKw: kw.length ? Math.max(...kw) : null,
    throughputKwh: kw.reduce((n, v) => n + Math.abs(v), 0),
    powerFactor: readings > 0
      ? { avg: pf.reduce((n, r) => n + r.avg * r.readings, 0) / readings, readings }
      : null,
  };
}

const SIGN: Record<MeterFacts["category"], number> = { CONS: 1, INJ: 1, STOR: 1, PROD: -1 };

/** Grid import (kW) per hour (epoch ms) in which a consumption meter reported. */
function hourlyImport(meters: MeterFacts[], power: Map<string, Map<number, number>>): Map<number, number> {
  const hours = new Set<number>();
  for (const m of meters) {
    if (m.category === "CONS") {
      for (const h of power.get(m.id)!.keys()) hours.add(h);
    }
  }
  const out = new Map<number, number>();
  for (const hour of [...hours].sort((a, b) => a - b)) {
    let kw = 0;
    for (const m of meters) kw += SIGN[m.category] * (power.get(m.id)!.get(hour) ?? m.avgKw ?? 0);
    out.set(hour, Math.max(0, kw));
  }
  return out;
}

function byLocalHour(hours: Map<number, number>, timeZone: string): (number | null)[] {
  const sums = Array.from({ length: 24 }, () => ({ sum: 0, n: 0 }));
  for (const [hour, kw] of hours) {
    const slot = sums[localHour(hour, timeZone)];
    slot.sum += kw;
    slot.n++;
  }
  return sums.map((s) => (s.n ? s.sum / s.n : null));
}

function peakOf(hours: Map<number, number>): SiteFacts["peakImport"] {
  let peak: SiteFacts["peakImport"] = null;
  for (const [hour, kw] of hours) if (!peak || kw > peak.kw) peak = { kw, at: new Date(hour).toISOString() };
  return peak;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
