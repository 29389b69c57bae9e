/**
 * Reads across the asset hierarchy (seed 001) that the generic table access does not cover: a site's
 * children (and the connections of its assets) on request, a portfolio's sites, and the asset tree of a site.
 * @module
 */
import type { Sql } from "../client.ts";
import { type Entity, fromRow } from "./crud.ts";

/** Children a site can be returned with. */
export const SITE_INCLUDES = ["meters", "assets", "energySources", "gridLinks", "assetConnections"] as const;
/** One of {@linkcode SITE_INCLUDES}. */
export type SiteInclude = typeof SITE_INCLUDES[number];

/** Most children of one kind returned with a site (a site has tens, not thousands). */
export const MAX_CHILDREN = 5_000;

/** The requested children of site `siteId`, by include name. */
export async function siteChildren(
  sql: Sql,
  siteId: string,
  include: readonly SiteInclude[],
): Promise<Partial<Record<SiteInclude, Entity[]>>> {
  const queries: Record<SiteInclude, () => Promise<Record<string, unknown>[]>> = {
    meters: () => sql`select * from meters where site_id = ${siteId} order by name limit ${MAX_CHILDREN}`,
    assets: () => sql`select * from assets where site_id = ${siteId} order by name limit ${MAX_CHILDREN}`,
    energySources: () =>
      sql`select * from energy_sources where site_id = ${siteId} order by name limit ${MAX_CHILDREN}`,
    gridLinks: () =>
      sql`select * from grid_links where site_id = ${siteId} order by name limit ${MAX_CHILDREN}`,
    // a connection has no site of its own: it is its assets' (from or to, should one have moved)
    assetConnections: () =>
      sql`select * from asset_connections
          where from_asset_id in (select id from assets where site_id = ${siteId})
             or to_asset_id in (select id from assets where site_id = ${siteId})
          order by created_at, id limit ${MAX_CHILDREN}`,
  };
  const results = await Promise.all(include.map((name) => queries[name]()));
  return Object.fromEntries(include.map((name, i) => [name, results[i].map(fromRow)]));
}

/** The sites of portfolio `portfolioId`, by name. */
export async function portfolioSites(sql: Sql, portfolioId: string): Promise<Entity[]> {
  const rows =
    await sql`select * from sites where portfolio_id = ${portfolioId} order by name limit ${MAX_CHILDREN}`;
  return rows.map(fromRow);
}

/** An asset with its sub-assets. */
export type AssetTreeNode = Entity & { children: AssetTreeNode[] };

/**
 * The assets of a site as a forest: roots are assets without a parent in the site, each with its
 * children, by name. A parent cycle (A under B under A: the schema only forbids an asset being its own
 * parent) is cut at the asset met first, so the tree stays finite. At most {@linkcode MAX_CHILDREN}.
 */
export async function assetTree(sql: Sql, siteId: string, meterId?: string): Promise<AssetTreeNode[]> {
  const rows = await sql`select * from assets where site_id = ${siteId}
    ${meterId ? sql`and meter_id = ${meterId}` : sql``} order by name limit ${MAX_CHILDREN}`;
  const nodes = rows.map((row) => ({ ...fromRow(row), children: [] }) as AssetTreeNode);
  const byId = new Map(nodes.map((node) => [node.id as string, node]));
  const childrenOf = new Map<string, AssetTreeNode[]>();
  for (const node of nodes) {
    const parentId = node.parentId as string | null;
    if (parentId && byId.has(parentId)) childrenOf.set(parentId, [...childrenOf.get(parentId) ?? [], node]);
  }
  const placed = new Set<string>();
  const attach = (root: AssetTreeNode) => {
    const stack = [root];
    placed.add(root.id as string);
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (const child of childrenOf.get(node.id as string) ?? []) {
        if (placed.has(child.id as string)) continue;
        placed.add(child.id as string);
        node.children.push(child);
        stack.push(child);
      }
    }
    return root;
  };
  const roots = nodes.filter((n) => !(n.parentId && byId.has(n.parentId as string))).map(attach);
  for (const node of nodes) if (!placed.has(node.id as string)) roots.push(attach(node));
  return roots;
}

/** The whole hierarchy in brief, for the portfolio tree: names, parents and kinds, by name. */
export interface HierarchyOverview {
  portfolios: Entity[];
  sites: Entity[];
  meters: Entity[];
  assets: Entity[];
  energySources: Entity[];
}

/** Every portfolio, site, meter, asset and energy source (at most {@linkcode MAX_CHILDREN} of each). */
export async function hierarchyOverview(sql: Sql): Promise<HierarchyOverview> {
  const [portfolios, sites, meters, assets, energySources] = await Promise.all([
    sql`select id, name from portfolios order by name limit ${MAX_CHILDREN}`,
    sql`select id, portfolio_id, name, industry_type, location from sites order by name limit ${MAX_CHILDREN}`,
    sql`select id, site_id, name, category, reading_frequency, unit from meters order by name limit ${MAX_CHILDREN}`,
    sql`select id, site_id, meter_id, parent_id, name, asset_type from assets order by name limit ${MAX_CHILDREN}`,
    sql`select id, site_id, meter_id, name, source_type, capacity_kw from energy_sources
        order by name limit ${MAX_CHILDREN}`,
  ]);
  return {
    portfolios: portfolios.map(fromRow),
    sites: sites.map(fromRow),
    meters: meters.map(fromRow),
    assets: assets.map(fromRow),
    energySources: energySources.map(fromRow),
  };
}
