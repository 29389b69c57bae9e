/**
 * Writes the seed-001 hierarchy: portfolio, sites, meters, then the sites' equipment. Upserts by natural
 * key (portfolios.name, sites (portfolio_id, name), meters (site_id, name), asset connections by their
 * ends and relationship) or by a stable id derived from the names.
 * @module
 */
import type { Tx } from "../stores/postgres/client.ts";
import { METERS, PORTFOLIO, SITES } from "./catalog.ts";
import { ASSETS, CONNECTIONS, ENERGY_SOURCES, GRID_LINKS, RECOMMENDATIONS } from "./catalog_equipment.ts";
import { stableId } from "./ids.ts";
import { byKey, upsert } from "./upsert.ts";

const MAKERS: Record<string, [string, string]> = {
  hvac: ["Trane", "IntelliPak 2"],
  chiller: ["Carrier", "AquaEdge 19DV"],
  compressor: ["Atlas Copco", "GA 90 VSD+"],
  lighting: ["Signify", "Interact Pro"],
  server_rack: ["Vertiv", "VR Rack 42U"],
  ups: ["Schneider Electric", "Galaxy VX"],
  pump: ["Grundfos", "CRE 45"],
  refrigeration: ["Bitzer", "ECOLINE+"],
  conveyor: ["Vanderlande", "POSISORTER"],
  ev_charger: ["ABB", "Terra 184"],
  machinery: ["Schuler", "MSD 1600"],
  boiler: ["Viessmann", "Vitomax 200-HS"],
};

/** The portfolio, its sites and their meters. */
export async function writeSites(tx: Tx, ns: string) {
  const [portfolio] = await upsert(tx, "portfolios", [{
    id: stableId(ns, "portfolio", PORTFOLIO.name),
    name: PORTFOLIO.name,
    description: PORTFOLIO.description,
    metadata: { owner: "Northwind Group", currency: "EUR" },
  }], ["name"]);
  const sites = byKey(
    await upsert(
      tx,
      "sites",
      SITES.map((s) => ({
        id: stableId(ns, "site", s.name),
        portfolio_id: portfolio.id,
        name: s.name,
        industry_type: s.industry,
        location: s.location,
        latitude: s.lat,
        longitude: s.lon,
        timezone: s.timezone,
        metadata: { floorAreaM2: 20_000 + s.name.length * 1_000 },
      })),
      ["portfolio_id", "name"],
    ),
    (r) => String(r.name),
  );
  const meterRows = await upsert(
    tx,
    "meters",
    METERS.map((m) => ({
      id: stableId(ns, "meter", m.site, m.name),
      site_id: sites[m.site],
      name: m.name,
      category: m.category,
      reading_frequency: m.frequency,
      unit: "kW",
      serial_number: `NW-${m.category}-${stableId(ns, "serial", m.site, m.name).slice(0, 8).toUpperCase()}`,
      metadata: { typicalKw: m.typicalKw },
    })),
    ["site_id", "name"],
  );
  const siteName = Object.fromEntries(Object.entries(sites).map(([name, id]) => [id, name]));
  const meters = byKey(meterRows, (r) => `${siteName[String(r.site_id)]}/${r.name}`);
  return {
    portfolio: String(portfolio.id),
    sites,
    meters,
    rows: 1 + SITES.length + meterRows.length,
  };
}

/** Assets (parents first) and their connections, energy sources, grid links, recommendations. */
export async function writeEquipment(
  tx: Tx,
  ns: string,
  { sites, meters }: { sites: Record<string, string>; meters: Record<string, string> },
) {
  const assetId = (site: string, name: string) => stableId(ns, "asset", site, name);
  const assetRows = ASSETS.map((a) => ({
    id: assetId(a.site, a.name),
    site_id: sites[a.site],
    meter_id: meters[`${a.site}/${a.meter}`],
    parent_id: a.parent ? assetId(a.site, a.parent) : null,
    name: a.name,
    asset_type: a.type,
    rated_power_kw: a.ratedKw,
    manufacturer: MAKERS[a.type]?.[0] ?? null,
    model: MAKERS[a.type]?.[1] ?? null,
  }));
  // parents first, so a child's parent_id always refers to a stored row
  await upsert(tx, "assets", assetRows.filter((a) => !a.parent_id), ["id"]);
  await upsert(tx, "assets", assetRows.filter((a) => a.parent_id), ["id"]);
  const assets = Object.fromEntries(ASSETS.map((a) => [`${a.site}/${a.name}`, assetId(a.site, a.name)]));
  const connections = await upsert(
    tx,
    "asset_connections",
    CONNECTIONS.map(([site, from, to, relationship, direction]) => ({
      id: stableId(ns, "asset_connection", site, from, to, relationship),
      from_asset_id: assets[`${site}/${from}`],
      to_asset_id: assets[`${site}/${to}`],
      relationship,
      direction,
    })),
    ["from_asset_id", "to_asset_id", "relationship"],
  );
  const sources = await upsert(tx, "energy_sources", energySourceRows(ns, sites, meters), ["id"]);
  const links = await upsert(tx, "grid_links", gridLinkRows(ns, sites, meters), ["id"]);
  const recs = await upsert(tx, "recommendations", recommendationRows(ns, sites, assets), ["id"]);
  return {
    assets,
    rows: assetRows.length + connections.length + sources.length + links.length + recs.length,
  };
}

type Ids = Record<string, string>;

/** Energy sources of every type, by site and name. */
function energySourceRows(ns: string, sites: Ids, meters: Ids) {
  return ENERGY_SOURCES.map(([site, meter, name, type, kw, kwh, carbon]) => ({
    id: stableId(ns, "energy_source", site, name),
    site_id: sites[site],
    meter_id: meter ? meters[`${site}/${meter}`] : null,
    name,
    source_type: type,
    capacity_kw: kw,
    storage_capacity_kwh: kwh,
    carbon_intensity: carbon,
    commissioned_at: new Date(Date.UTC(2018 + (name.length % 7), name.length % 12, 1)),
  }));
}

/** Grid links with their tariffs. */
function gridLinkRows(ns: string, sites: Ids, meters: Ids) {
  return GRID_LINKS.map(([site, meter, name, direction, imp, exp, voltage, operator, tariff]) => ({
    id: stableId(ns, "grid_link", site, name),
    site_id: sites[site],
    meter_id: meter ? meters[`${site}/${meter}`] : null,
    name,
    direction,
    import_capacity_kw: imp,
    export_capacity_kw: exp,
    voltage_level: voltage,
    operator,
    tariff,
  }));
}

/** Recommendations, with ROI and payback derived from savings and investment. */
function recommendationRows(ns: string, sites: Ids, assets: Ids) {
  return RECOMMENDATIONS.map(([site, asset, title, type, priority, status, savings, investment, co2]) => ({
    id: stableId(ns, "recommendation", site, title),
    site_id: sites[site],
    asset_id: asset ? assets[`${site}/${asset}`] ?? null : null,
    title,
    description: `${title}. Estimated from the last 12 months of interval data.`,
    recommendation_type: type,
    priority,
    status,
    estimated_savings_eur: savings,
    investment_eur: investment,
    roi_percent: investment > 0 ? Math.round((savings / investment) * 1000) / 10 : null,
    payback_months: investment > 0 ? Math.round((investment / savings) * 120) / 10 : 0,
    carbon_reduction_kg: co2 * 1000,
  }));
}
