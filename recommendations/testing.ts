/**
 * Test helpers for the recommendation rules: crafted {@linkcode SiteFacts} for the pure rules, and rows
 * (a site, meters with 30-minute rollups, assets with measurements, grid links) for the generator.
 * @module
 */
import { insertAsset, insertMeter, insertSite } from "../actors/site/testing.ts";
import type { Sql } from "../stores/postgres/client.ts";
import type { AssetFacts, GridLinkFacts, MeterFacts, SiteFacts } from "./site_facts.ts";

const HOUR = 3_600_000;

/** A time-of-use tariff: 0.10 EUR/kWh 00:00-07:00 and 20:00-24:00, 0.25 in between; 10 EUR/kW-month. */
export const TOU_TARIFF = {
  type: "time_of_use",
  currency: "EUR",
  energy: [
    { from: "00:00", to: "07:00", eurPerKwh: 0.1 },
    { from: "07:00", to: "20:00", eurPerKwh: 0.25 },
    { from: "20:00", to: "24:00", eurPerKwh: 0.1 },
  ],
  demandChargeEurPerKwMonth: 10,
};

/** Facts of a site with 30 days of data, a flat 100 kW import and nothing registered. */
export function siteFacts(overrides: Partial<SiteFacts> = {}): SiteFacts {
  return {
    site: { id: crypto.randomUUID(), name: "Test site", timezone: "UTC", metadata: {} },
    window: { from: "2026-10-01T00:00:00.000Z", to: "2026-10-31T00:00:00.000Z", days: 30 },
    coveredHours: 720,
    importByHour: Array(24).fill(100),
    peakImport: { kw: 100, at: "2026-10-10T12:00:00.000Z" },
    meters: [],
    assets: [],
    energySources: [],
    gridLinks: [],
    ...overrides,
  };
}

/** A consumption meter with 30 days of 100 kW and no power factor readings. */
export function meterFacts(overrides: Partial<MeterFacts> = {}): MeterFacts {
  return {
    id: crypto.randomUUID(),
    name: "Main",
    category: "CONS",
    coveredHours: 720,
    avgKw: 100,
    peakKw: 150,
    throughputKwh: 72_000,
    powerFactor: null,
    ...overrides,
  };
}

/** An asset with `kw` at every local hour over 30 days. */
export function assetFacts(overrides: Partial<AssetFacts> & { kw?: number } = {}): AssetFacts {
  const { kw = 100, ...rest } = overrides;
  return {
    id: crypto.randomUUID(),
    name: "Charger",
    assetType: "ev_charger",
    parentId: null,
    ratedPowerKw: null,
    kwByHour: Array(24).fill(kw),
    coveredHours: 720,
    ...rest,
  };
}

/** An importing grid link with the {@linkcode TOU_TARIFF} and 1000 kW of import capacity. */
export function gridLinkFacts(overrides: Partial<GridLinkFacts> = {}): GridLinkFacts {
  return {
    id: crypto.randomUUID(),
    name: "Feeder",
    direction: "in",
    importCapacityKw: 1000,
    tariff: TOU_TARIFF,
    ...overrides,
  };
}

/**
 * Writes a site with the 72 hours of data before `end` (a whole hour): one consumption meter at 400 kW from 10:00 to 16:00 UTC and 100 kW otherwise,
 * power factor 0.8; a grid link of 420 kW import capacity with a time-of-use tariff; an EV charger drawing
 * 100 kW; no solar, no battery. Every rule but `idle_storage` fires on it.
 */
export async function craftedSite(
  sql: Sql,
  end: number,
): Promise<{ site: string; meter: string; charger: string }> {
  const site = await insertSite(sql);
  const meter = await insertMeter(sql, site, { name: "Main", category: "CONS" });
  await fillMeterRollups(
    sql,
    meter,
    "power",
    end,
    72,
    (h) => (new Date(h).getUTCHours() >= 10 && new Date(h).getUTCHours() < 16 ? 400 : 100),
  );
  await fillMeterRollups(sql, meter, "power_factor", end, 72, () => 0.8);
  await sql`insert into grid_links (site_id, name, direction, import_capacity_kw, tariff)
    values (${site}, 'Feeder', 'in', 420, ${sql.json(TOU_TARIFF)})`;
  const charger = await insertAsset(sql, site, "ev_charger");
  await fillAssetPower(sql, site, charger, end, 72, () => 100);
  return { site, meter, charger };
}

/**
 * Writes 30-minute rollups of one meter and metric for the `hours` before `end` (epoch ms, a whole hour):
 * two buckets an hour, each of two readings averaging `value(hourStart)`.
 */
export async function fillMeterRollups(
  sql: Sql,
  meterId: string,
  metric: string,
  end: number,
  hours: number,
  value: (hourStart: number) => number,
): Promise<void> {
  const rows = [];
  for (let h = end - hours * HOUR; h < end; h += HOUR) {
    const v = value(h);
    for (const bucket of [h, h + HOUR / 2]) {
      rows.push({
        series: "meter",
        entity_id: meterId,
        metric,
        bucket: new Date(bucket),
        min: v,
        max: v,
        sum: 2 * v,
        count: 2,
        last: v,
        last_ts: new Date(bucket + 60_000),
      });
    }
  }
  for (let i = 0; i < rows.length; i += 1_000) {
    await sql`insert into rollup_30m ${sql(rows.slice(i, i + 1_000))}`;
  }
}

/** Writes power measurements of an asset every 15 minutes for the `hours` before `end`. */
export async function fillAssetPower(
  sql: Sql,
  siteId: string,
  assetId: string,
  end: number,
  hours: number,
  kw: (ts: number) => number,
): Promise<void> {
  const rows = [];
  for (let ts = end - hours * HOUR; ts < end; ts += HOUR / 4) {
    rows.push({
      entity_type: "asset",
      entity_id: assetId,
      site_id: siteId,
      ts: new Date(ts),
      metric: "power",
      value: kw(ts),
      unit: "kW",
    });
  }
  for (let i = 0; i < rows.length; i += 1_000) {
    await sql`insert into measurements ${sql(rows.slice(i, i + 1_000))}`;
  }
}
