/**
 * The plain table resources of the API, declared once: seed 000 plants and offers, the seed 001
 * hierarchy, seed 002 VENs and ADR programs, alert rules. Route files under `routes/api/` pick their operations.
 * @module
 */
import { z } from "zod";
import { commaList, queryBool, Uuid } from "../domain/common.ts";
import { AdrProgram, AdrProgramInput } from "../domain/adr_event.ts";
import { SEVERITIES } from "../domain/alert.ts";
import {
  AlertRule,
  AlertRuleInput,
  AlertRulePatch,
  COMPARATORS,
  RULE_ENTITY_KINDS,
} from "../domain/alert_rule.ts";
import {
  Asset,
  ASSET_TYPES,
  AssetConnection,
  AssetConnectionInput,
  AssetInput,
  DIRECTIONS,
  EnergySource,
  EnergySourceInput,
  GridLink,
  GridLinkInput,
  INDUSTRY_TYPES,
  Meter,
  METER_CATEGORIES,
  MeterInput,
  Portfolio,
  PortfolioInput,
  PRIORITIES,
  Recommendation,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TYPES,
  RecommendationInput,
  RELATIONSHIPS,
  Site,
  SiteInput,
  SOURCE_TYPES,
} from "../domain/hierarchy.ts";
import { MARKETS, Offer, OFFER_STATUSES, OfferInput, OfferPatch } from "../domain/offer.ts";
import { Plant, PLANT_ASSET_TYPES, PLANT_STATUSES, PlantInput } from "../domain/plant.ts";
import { Ven, VenInput } from "../domain/ven.ts";
import { portfolioSites, SITE_INCLUDES, siteChildren } from "../stores/postgres/repos/hierarchy.ts";
import { checkAlertRule, tellAlertRuleActors } from "./alert_rules.ts";
import { checkAssetConnection, checkAssetMove, connectionsOfSite } from "./asset_connections.ts";
import { type ActorLink, resource } from "./crud.ts";

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional();
const siteActor: ActorLink = { kind: "site", id: (row) => row.siteId, owns: false };

/** `/api/plants`. */
export const plants = resource({
  entity: "plant",
  tag: "Plants",
  table: { table: "plants", orderBy: "registered_at" },
  schema: Plant,
  input: PlantInput,
  filters: {
    status: optionalEnum(PLANT_STATUSES),
    asset_type: optionalEnum(PLANT_ASSET_TYPES),
    site_id: Uuid.optional(),
    active: queryBool().optional(),
  },
  actor: { kind: "plant", id: (row) => row.id, owns: true },
});

/** `/api/offers`. */
export const offers = resource({
  entity: "offer",
  tag: "Offers",
  table: { table: "flexibility_offers", orderBy: "created_at" },
  schema: Offer,
  input: OfferInput,
  patch: OfferPatch,
  filters: {
    status: optionalEnum(OFFER_STATUSES),
    market: optionalEnum(MARKETS),
    direction: optionalEnum(["up", "down"]),
    plant_id: Uuid.optional(),
    site_id: Uuid.optional(),
  },
});

/** `/api/portfolios`; `?include=sites` on an item. */
export const portfolios = resource({
  entity: "portfolio",
  tag: "Hierarchy",
  table: { table: "portfolios", orderBy: "created_at" },
  schema: Portfolio,
  input: PortfolioInput,
  filters: { active: queryBool().optional() },
  expand: {
    query: z.strictObject({
      include: z.enum(["sites"], { message: "must be sites" }).optional().describe(
        "Add the portfolio's sites",
      ),
    }),
    response: z.object({ ...Portfolio.shape, sites: z.array(Site).optional() }).meta({
      id: "PortfolioDetail",
    }),
    apply: async (services, row, query) =>
      query.include ? { ...row, sites: await portfolioSites(services.sql, row.id as string) } : row,
  },
});

const includeList = commaList(
  z.enum(SITE_INCLUDES, { message: `each must be one of: ${SITE_INCLUDES.join(", ")}` }),
  SITE_INCLUDES.length,
);

/** `/api/sites`; `?include=meters,assets,energySources,gridLinks,assetConnections` on an item. */
export const sites = resource({
  entity: "site",
  tag: "Hierarchy",
  table: { table: "sites", orderBy: "created_at" },
  schema: Site,
  input: SiteInput,
  filters: {
    portfolio_id: Uuid.optional(),
    industry_type: optionalEnum(INDUSTRY_TYPES),
    active: queryBool().optional(),
  },
  idParam: "siteId",
  actor: { kind: "site", id: (row) => row.id, owns: true },
  expand: {
    query: z.strictObject({
      include: includeList.optional().describe(
        `Comma-separated children to add: ${SITE_INCLUDES.join(", ")}`,
      ),
    }),
    response: z.object({
      ...Site.shape,
      meters: z.array(Meter).optional(),
      assets: z.array(Asset).optional(),
      energySources: z.array(EnergySource).optional(),
      gridLinks: z.array(GridLink).optional(),
      assetConnections: z.array(AssetConnection).optional(),
    }).meta({ id: "SiteDetail" }),
    apply: async (services, row, query) => ({
      ...row,
      ...await siteChildren(
        services.sql,
        row.id as string,
        (query.include ?? []) as typeof SITE_INCLUDES[number][],
      ),
    }),
  },
});

/** `/api/meters`. */
export const meters = resource({
  entity: "meter",
  tag: "Hierarchy",
  table: { table: "meters", orderBy: "created_at" },
  schema: Meter,
  input: MeterInput,
  filters: {
    site_id: Uuid.optional(),
    category: optionalEnum(METER_CATEGORIES),
    active: queryBool().optional(),
  },
  actor: siteActor,
});

/** `/api/assets`. */
export const assets = resource({
  entity: "asset",
  tag: "Hierarchy",
  table: { table: "assets", orderBy: "created_at" },
  schema: Asset,
  input: AssetInput,
  filters: {
    site_id: Uuid.optional(),
    meter_id: Uuid.optional(),
    parent_id: Uuid.optional(),
    asset_type: optionalEnum(ASSET_TYPES),
  },
  check: checkAssetMove,
  actor: siteActor,
});

/**
 * `/api/asset-connections`: energy flow, data flow and dependency between two assets of one site
 * (asset_connections.ts). No actor reads them, so a change tells none.
 */
export const assetConnections = resource({
  entity: "asset_connection",
  tag: "Hierarchy",
  table: { table: "asset_connections", orderBy: "created_at", updatedAt: false },
  schema: AssetConnection,
  input: AssetConnectionInput,
  filters: {
    site_id: Uuid.optional().describe("Connections from or to an asset of this site"),
    from_asset_id: Uuid.optional(),
    to_asset_id: Uuid.optional(),
    relationship: optionalEnum(RELATIONSHIPS),
    direction: optionalEnum(DIRECTIONS),
  },
  conditions: { site_id: connectionsOfSite },
  check: checkAssetConnection,
});

/** `/api/energy-sources`. */
export const energySources = resource({
  entity: "energy_source",
  tag: "Hierarchy",
  table: { table: "energy_sources", orderBy: "created_at" },
  schema: EnergySource,
  input: EnergySourceInput,
  filters: { site_id: Uuid.optional(), meter_id: Uuid.optional(), source_type: optionalEnum(SOURCE_TYPES) },
  actor: siteActor,
});

/** `/api/grid-links`. */
export const gridLinks = resource({
  entity: "grid_link",
  tag: "Hierarchy",
  table: { table: "grid_links", orderBy: "created_at" },
  schema: GridLink,
  input: GridLinkInput,
  filters: { site_id: Uuid.optional(), direction: optionalEnum(DIRECTIONS) },
  actor: siteActor,
});

/** `/api/recommendations`. */
export const recommendations = resource({
  entity: "recommendation",
  tag: "Hierarchy",
  table: { table: "recommendations", orderBy: "created_at" },
  schema: Recommendation,
  input: RecommendationInput,
  filters: {
    site_id: Uuid.optional(),
    asset_id: Uuid.optional(),
    status: optionalEnum(RECOMMENDATION_STATUSES),
    priority: optionalEnum(PRIORITIES),
    recommendation_type: optionalEnum(RECOMMENDATION_TYPES),
  },
});

/** The VEN registry table. */
export const VEN_TABLE = { table: "vens", orderBy: "registered_at" };

/** `/api/vens` (list and item reads are VEN-specific: they add live state; see routes/api/vens). */
export const vens = resource({
  entity: "ven",
  tag: "VENs",
  table: VEN_TABLE,
  schema: Ven,
  input: VenInput,
  filters: { status: optionalEnum(["online", "offline", "unknown"]), site_id: Uuid.optional() },
  idParam: "venId",
  actor: { kind: "ven", id: (row) => row.id, owns: true },
});

/** `/api/programs`: ADR programs events belong to. */
export const programs = resource({
  entity: "adr_program",
  tag: "ADR events",
  table: { table: "adr_programs", orderBy: "created_at" },
  schema: AdrProgram,
  input: AdrProgramInput,
});

/**
 * `/api/alert-rules`: ThresholdExceeded limits on a plant, VEN or meter, or on every one of a kind
 * (`entity_id=null` lists those). A change reconfigures the actors that judge the rule (alert_rules.ts).
 */
export const alertRules = resource({
  entity: "alert_rule",
  tag: "Alert rules",
  table: { table: "alert_rules", orderBy: "created_at" },
  schema: AlertRule,
  input: AlertRuleInput,
  patch: AlertRulePatch,
  filters: {
    entity_kind: optionalEnum(RULE_ENTITY_KINDS),
    entity_id: z.union([Uuid, z.literal("null")]).transform((v) => v === "null" ? null : v).optional()
      .describe("A plant, VEN or meter id; `null`: the rules for every entity of the kind"),
    metric: z.string().trim().min(1, "must not be empty").max(40, "must be at most 40 characters").optional(),
    comparator: optionalEnum(COMPARATORS),
    severity: optionalEnum(SEVERITIES),
    enabled: queryBool().optional(),
  },
  check: checkAlertRule,
  tell: tellAlertRuleActors,
});
