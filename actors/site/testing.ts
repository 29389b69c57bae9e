/**
 * Test helpers for the site kind: configurations, specs, topics, payloads and database rows.
 * @module
 */
import type { z } from "zod";
import { topics } from "../../domain/telemetry.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import type { ActorSpec } from "../protocol.ts";
import {
  FREQUENCY_SECONDS,
  type MeterCategory,
  type MeterConfig,
  MeterDetection,
  type SiteConfig,
} from "./config.ts";

/** A meter with test-friendly defaults (1-minute readings in kW, warm-up 5). */
export function meterConfig(
  category: MeterCategory,
  overrides: Partial<Omit<MeterConfig, "detection">> & {
    frequency?: keyof typeof FREQUENCY_SECONDS;
    detection?: z.input<typeof MeterDetection>;
  } = {},
): MeterConfig {
  const { detection, frequency = "1min", ...rest } = overrides;
  return {
    name: `${category} meter`,
    category,
    expectedIntervalS: FREQUENCY_SECONDS[frequency],
    unit: "kW",
    ...rest,
    detection: MeterDetection.parse({ baseline: { warmup: 5, window: 10 }, ...detection }),
  };
}

/** A site configuration; assets and energy sources by id. */
export function siteConfig(
  meters: Record<string, MeterConfig>,
  rules: SiteConfig["rules"] = [],
  equipment: Partial<Pick<SiteConfig, "assets" | "energySources">> = {},
): SiteConfig {
  return {
    name: "Test site",
    meters,
    rules,
    assets: equipment.assets ?? {},
    energySources: equipment.energySources ?? {},
  };
}

/** A spec for a new site actor. */
export function siteSpec(id: string, config: SiteConfig): ActorSpec {
  return { kind: "site", id, config, openAlerts: [] };
}

/** The topic of one meter of a site. */
export const meterTopic = (siteId: string, meterId: string) => topics.meterMeasurement(siteId, meterId);

/** The topic of one asset of a site. */
export const assetTopic = (siteId: string, assetId: string) => topics.assetMeasurement(siteId, assetId);

/** The topic of one energy source of a site. */
export const energySourceTopic = (siteId: string, sourceId: string) =>
  topics.energySourceMeasurement(siteId, sourceId);

/** A power measurement in kW. */
export const power = (ts: number, value: number, extra: Record<string, unknown> = {}) => ({
  ts,
  metric: "power",
  value,
  unit: "kW",
  ...extra,
});

/** Inserts a portfolio and a site; returns the site id. */
export async function insertSite(
  sql: Sql,
  name = `site-${crypto.randomUUID().slice(0, 8)}`,
): Promise<string> {
  const [portfolio] = await sql<{ id: string }[]>`
    insert into portfolios (name) values (${`portfolio-${crypto.randomUUID().slice(0, 8)}`}) returning id`;
  const [site] = await sql<{ id: string }[]>`
    insert into sites (portfolio_id, name, industry_type) values (${portfolio.id}, ${name}, 'office') returning id`;
  return site.id;
}

/** Inserts a meter of `siteId`; returns its id. */
export async function insertMeter(
  sql: Sql,
  siteId: string,
  fields: { category?: MeterCategory; frequency?: string; name?: string; detection?: unknown } = {},
): Promise<string> {
  const [meter] = await sql<{ id: string }[]>`
    insert into meters (site_id, name, category, reading_frequency, detection)
    values (${siteId}, ${fields.name ?? `meter-${crypto.randomUUID().slice(0, 8)}`}, ${
    fields.category ?? "CONS"
  },
            ${fields.frequency ?? "1min"}, ${sql.json((fields.detection ?? {}) as never)})
    returning id`;
  return meter.id;
}

/** Inserts an asset of `siteId`; returns its id. */
export async function insertAsset(sql: Sql, siteId: string, type = "chiller"): Promise<string> {
  const [asset] = await sql<{ id: string }[]>`
    insert into assets (site_id, name, asset_type)
    values (${siteId}, ${`asset-${crypto.randomUUID().slice(0, 8)}`}, ${type}) returning id`;
  return asset.id;
}

/** Inserts an energy source of `siteId`; returns its id. */
export async function insertEnergySource(sql: Sql, siteId: string, type = "solar"): Promise<string> {
  const [source] = await sql<{ id: string }[]>`
    insert into energy_sources (site_id, name, source_type, capacity_kw)
    values (${siteId}, ${`source-${crypto.randomUUID().slice(0, 8)}`}, ${type}, 250) returning id`;
  return source.id;
}
