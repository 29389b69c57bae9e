/**
 * The main-isolate half of the site kind: which sites have actors (every active site), their
 * configuration (active meters with their reading frequency and `detection` JSONB, alert rules for
 * meters, active assets and energy sources), the `measurements` sink (meters, assets and energy
 * sources), and where meter rollups are recomputed from. A site's actor owns
 * its meters' alerts, so its open alerts are loaded by `site_id`.
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import type { Catalog } from "../kind.ts";
import { type Sink, typedArray } from "../sink.ts";
import { idsWithoutReadings, type RollupSource } from "../sinks/rollups.ts";
import { configuredRule, loadAlertRules } from "../rule_rows.ts";
import {
  FREQUENCY_SECONDS,
  type MeterCategory,
  type MeterConfig,
  parseMeterDetection,
  type SiteConfig,
} from "./config.ts";
import { MEASUREMENTS_SINK } from "./state.ts";

/** The InfluxDB tag naming the entity of a measurement: `meter_id` (as before), `asset_id`, `energy_source_id`. */
const ENTITY_TAG: Record<string, string> = {
  meter: "meter_id",
  asset: "asset_id",
  energy_source: "energy_source_id",
};

/**
 * `measurements` of meters, assets and energy sources (`entity_type`): the primary key (entity, metric,
 * ts) makes a redelivered reading a no-op. Readings of a site deleted meanwhile are skipped (its rows
 * are gone too).
 */
export const measurementsSink: Sink = {
  name: MEASUREMENTS_SINK,
  columns: ["entity_type", "entity_id", "site_id", "ts", "metric", "value", "unit", "quality"],
  async write(tx, rows) {
    const result = await tx`
      insert into measurements (entity_type, entity_id, site_id, ts, metric, value, unit, quality)
      select u.entity_type, u.entity_id, u.site_id, to_timestamp(u.ts / 1000.0), u.metric, u.value, u.unit,
             u.quality::quality_enum
      from unnest(${typedArray(rows.entity_type, "text")}::text[],
                  ${typedArray(rows.entity_id, "uuid")}::uuid[], ${typedArray(rows.site_id, "uuid")}::uuid[],
                  ${typedArray(rows.ts, "float8")}::float8[], ${typedArray(rows.metric, "text")}::text[],
                  ${typedArray(rows.value, "float8")}::float8[], ${typedArray(rows.unit, "text")}::text[],
                  ${typedArray(rows.quality, "text")}::text[])
        as u(entity_type, entity_id, site_id, ts, metric, value, unit, quality)
      where exists (select 1 from sites s where s.id = u.site_id)
      on conflict do nothing`;
    return result.count;
  },
  series(rows, count) {
    return Array.from({ length: count }, (_, i) => ({
      measurement: "measurements",
      tags: {
        site_id: rows.site_id[i] as string,
        [ENTITY_TAG[rows.entity_type[i] as string] ?? "meter_id"]: rows.entity_id[i] as string,
        metric: rows.metric[i] as string,
      },
      fields: { value: rows.value[i] as number },
      ts: rows.ts[i] as number,
    }));
  },
  seriesSource: {
    table: "measurements",
    columns: {
      entity_type: "entity_type",
      entity_id: "entity_id",
      site_id: "site_id",
      metric: "metric",
      value: "value",
    },
  },
};

/**
 * Meter rollups are recomputed from `measurements` (by entity id: the assets and energy sources stored
 * there have no rollups, and their ids are never a meter's).
 */
export const meterRollupSource: RollupSource = {
  series: "meter",
  table: "measurements",
  entityColumn: "entity_id",
  metricColumn: "metric",
  tsColumn: "ts",
  valueColumn: "value",
};

interface MeterRow {
  id: string;
  site_id: string;
  name: string;
  category: MeterCategory;
  reading_frequency: keyof typeof FREQUENCY_SECONDS;
  unit: string;
  detection: unknown;
}

interface EquipmentRow {
  id: string;
  site_id: string;
  name: string;
  type: string;
}

async function listIds(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from sites where active`;
  return rows.map((r) => r.id);
}

function meterConfig(m: MeterRow): MeterConfig {
  const { detection, problems } = parseMeterDetection(
    typeof m.detection === "string" ? JSON.parse(m.detection) : m.detection,
  );
  return {
    name: m.name,
    category: m.category,
    expectedIntervalS: FREQUENCY_SECONDS[m.reading_frequency],
    unit: m.unit,
    detection,
    ...(problems.length ? { detectionProblems: problems } : {}),
  };
}

async function loadConfigs(sql: Sql, ids: string[]): Promise<Map<string, SiteConfig>> {
  const out = new Map<string, SiteConfig>();
  if (ids.length === 0) return out;
  const list = typedArray(ids, "uuid");
  const sites = await sql<{ id: string; name: string }[]>`
    select id, name from sites where active and id = any(${list}::uuid[])`;
  const meters = await sql<MeterRow[]>`
    select id, site_id, name, category::text as category, reading_frequency::text as reading_frequency, unit,
           detection
    from meters where active and site_id = any(${list}::uuid[]) order by id`;
  const assets = await sql<EquipmentRow[]>`
    select id, site_id, name, asset_type as type from assets
    where active and site_id = any(${list}::uuid[]) order by id`;
  const sources = await sql<EquipmentRow[]>`
    select id, site_id, name, source_type as type from energy_sources
    where active and site_id = any(${list}::uuid[]) order by id`;
  // rules of these sites' active meters, and those for every meter
  const rules = await loadAlertRules(sql, "meter", meters.map((m) => m.id));
  const equipment = (rows: EquipmentRow[], siteId: string) =>
    Object.fromEntries(
      rows.filter((e) => e.site_id === siteId).map((e) => [e.id, { name: e.name, type: e.type }]),
    );
  for (const site of sites) {
    const own = meters.filter((m) => m.site_id === site.id);
    const mine = new Set(own.map((m) => m.id));
    out.set(site.id, {
      name: site.name,
      meters: Object.fromEntries(own.map((m) => [m.id, meterConfig(m)])),
      rules: rules.filter((r) => r.entity_id === null || mine.has(r.entity_id))
        .map((r) => ({ ...configuredRule(r), meterId: r.entity_id })),
      assets: equipment(assets, site.id),
      energySources: equipment(sources, site.id),
    });
  }
  return out;
}

/** The site catalog. */
export const siteCatalog: Catalog<SiteConfig> = {
  kind: "site",
  listIds,
  loadConfigs,
  sinks: [measurementsSink],
  wildcards: [topics.siteMeters("+"), topics.siteAssets("+"), topics.siteEnergySources("+")],
  rollupSource: meterRollupSource,
  alertOwnerColumn: "site_id",
  withoutReadings: sitesWithoutReadings,
};

/**
 * Of `ids`, the sites with no measurement stored, neither under the site nor for any of its meters (a
 * meter moved here from another site may have some): their actors see every reading of their meters,
 * so even the first rollup buckets are exact (loader.ts). Index probes: `measurements_site_ts`, and the
 * primary key per meter.
 */
async function sitesWithoutReadings(sql: Sql, ids: string[]): Promise<Set<string>> {
  const quiet = await idsWithoutReadings(sql, { table: "measurements", entityColumn: "site_id" }, ids);
  if (quiet.size === 0) return quiet;
  const rows = await sql<{ site_id: string }[]>`
    select distinct mt.site_id::text as site_id from meters mt
    where mt.site_id = any(${typedArray([...quiet], "uuid")}::uuid[])
      and exists (select 1 from measurements m where m.entity_id = mt.id)`;
  for (const row of rows) quiet.delete(row.site_id);
  return quiet;
}
