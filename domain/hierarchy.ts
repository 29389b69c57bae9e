/**
 * The asset hierarchy (seed 001): Portfolio > Sites > Meters (CONS/PROD/INJ/STOR) > Assets and Energy
 * Sources, with grid links and recommendations per site.
 * @module
 */
import { z } from "zod";
import { DateTime, DateTimeInput, finite, JsonObject, name, Uuid } from "./common.ts";
import { MeterMeasurement } from "./telemetry.ts";

/** Industries a site belongs to (`industry_type_enum`). */
export const INDUSTRY_TYPES = [
  "biotech",
  "datacenter",
  "logistics",
  "manufacturing",
  "retail",
  "healthcare",
  "education",
  "office",
  "other",
] as const;
/** Meter categories (`meter_category_enum`). */
export const METER_CATEGORIES = ["CONS", "PROD", "INJ", "STOR"] as const;
/** Reading frequencies (`reading_frequency_enum`). */
export const READING_FREQUENCIES = ["1min", "5min", "15min", "hourly", "daily"] as const;
/** Asset equipment types. */
export const ASSET_TYPES = [
  "compressor",
  "chiller",
  "hvac",
  "lighting",
  "machinery",
  "pump",
  "boiler",
  "conveyor",
  "server_rack",
  "ups",
  "ev_charger",
  "refrigeration",
  "other",
] as const;
/** Energy source technologies. */
export const SOURCE_TYPES = ["solar", "wind", "battery", "generator", "chp", "hydrogen", "grid"] as const;
/** Directions of grid links and asset connections (`direction_enum`). */
export const DIRECTIONS = ["in", "out", "bi"] as const;

const audited = { active: z.boolean(), createdAt: DateTime, updatedAt: DateTime };
const nullableText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).nullable();

/** A portfolio: the top-level container of sites. */
export const Portfolio = z.object({
  id: Uuid,
  name: z.string(),
  description: z.string().nullable(),
  metadata: JsonObject,
  ...audited,
}).meta({ id: "Portfolio" });

/** The body that creates a portfolio. */
export const PortfolioInput = z.strictObject({
  name: name(),
  description: nullableText(2000).optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "PortfolioInput" });

/** A site: a physical location of one industry. */
export const Site = z.object({
  id: Uuid,
  portfolioId: Uuid,
  name: z.string(),
  industryType: z.enum(INDUSTRY_TYPES),
  location: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  timezone: z.string(),
  metadata: JsonObject,
  ...audited,
}).meta({ id: "Site" });

/** The body that creates a site. */
export const SiteInput = z.strictObject({
  portfolioId: Uuid,
  name: name(),
  industryType: z.enum(INDUSTRY_TYPES),
  location: nullableText(500).optional(),
  latitude: finite().min(-90).max(90).nullable().optional(),
  longitude: finite().min(-180).max(180).nullable().optional(),
  timezone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Brussels").optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "SiteInput" });

/** A meter: a measurement point of one category. */
export const Meter = z.object({
  id: Uuid,
  siteId: Uuid,
  name: z.string(),
  category: z.enum(METER_CATEGORIES),
  readingFrequency: z.enum(READING_FREQUENCIES),
  unit: z.string(),
  serialNumber: z.string().nullable(),
  detection: JsonObject,
  metadata: JsonObject,
  ...audited,
}).meta({ id: "Meter" });

/** The body that creates a meter. */
export const MeterInput = z.strictObject({
  siteId: Uuid,
  name: name(),
  category: z.enum(METER_CATEGORIES),
  readingFrequency: z.enum(READING_FREQUENCIES).optional(),
  unit: z.string().trim().min(1).max(20).optional(),
  serialNumber: nullableText(100).optional(),
  detection: JsonObject.optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "MeterInput" });

/** An asset: equipment behind a meter, possibly part of a parent asset. */
export const Asset = z.object({
  id: Uuid,
  siteId: Uuid,
  meterId: Uuid.nullable(),
  parentId: Uuid.nullable(),
  name: z.string(),
  assetType: z.enum(ASSET_TYPES),
  ratedPowerKw: z.number().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  metadata: JsonObject,
  ...audited,
}).meta({ id: "Asset" });

/** The body that creates an asset. */
export const AssetInput = z.strictObject({
  siteId: Uuid,
  meterId: Uuid.nullable().optional(),
  parentId: Uuid.nullable().optional(),
  name: name(),
  assetType: z.enum(ASSET_TYPES),
  ratedPowerKw: finite().min(0).nullable().optional(),
  manufacturer: nullableText(200).optional(),
  model: nullableText(200).optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "AssetInput" });

/** An asset with its sub-assets, as `/api/assets/tree` returns it. */
export const AssetNode: z.ZodType<z.output<typeof Asset> & { children: unknown[] }> = z.object({
  ...Asset.shape,
  get children() {
    return z.array(AssetNode);
  },
}).meta({ id: "AssetNode" });

/** What an asset connection carries (`relationship_enum`). */
export const RELATIONSHIPS = ["energy_flow", "data_flow", "dependency"] as const;

/**
 * A connection between two assets of one site, besides the parent/child tree: energy or data flowing
 * between them, or one depending on the other. `direction` reads from `fromAssetId`: `out` towards
 * `toAssetId`, `in` from it, `bi` both ways.
 */
export const AssetConnection = z.object({
  id: Uuid,
  fromAssetId: Uuid,
  toAssetId: Uuid,
  relationship: z.enum(RELATIONSHIPS),
  direction: z.enum(DIRECTIONS),
  metadata: JsonObject,
  createdAt: DateTime,
}).meta({ id: "AssetConnection" });

/** The body that creates an asset connection; both assets must exist, differ and share a site. */
export const AssetConnectionInput = z.strictObject({
  fromAssetId: Uuid,
  toAssetId: Uuid,
  relationship: z.enum(RELATIONSHIPS),
  direction: z.enum(DIRECTIONS).optional().describe("Default out: from fromAssetId to toAssetId"),
  metadata: JsonObject.optional(),
}).meta({ id: "AssetConnectionInput" });

/** An energy source: generation or storage behind a meter. */
export const EnergySource = z.object({
  id: Uuid,
  siteId: Uuid,
  meterId: Uuid.nullable(),
  name: z.string(),
  sourceType: z.enum(SOURCE_TYPES),
  capacityKw: z.number(),
  storageCapacityKwh: z.number().nullable(),
  carbonIntensity: z.number().describe("gCO2e/kWh"),
  commissionedAt: DateTime.nullable(),
  metadata: JsonObject,
  ...audited,
}).meta({ id: "EnergySource" });

/** The body that creates an energy source. */
export const EnergySourceInput = z.strictObject({
  siteId: Uuid,
  meterId: Uuid.nullable().optional(),
  name: name(),
  sourceType: z.enum(SOURCE_TYPES),
  capacityKw: finite().min(0),
  storageCapacityKwh: finite().min(0).nullable().optional(),
  carbonIntensity: finite().min(0).optional(),
  commissionedAt: DateTimeInput.nullable().optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "EnergySourceInput" });

/** A grid link: the site's connection to the external grid. */
export const GridLink = z.object({
  id: Uuid,
  siteId: Uuid,
  meterId: Uuid.nullable(),
  name: z.string(),
  direction: z.enum(DIRECTIONS),
  importCapacityKw: z.number().nullable(),
  exportCapacityKw: z.number().nullable(),
  voltageLevel: z.string().nullable(),
  operator: z.string().nullable(),
  tariff: JsonObject,
  metadata: JsonObject,
  ...audited,
}).meta({ id: "GridLink" });

/** The body that creates a grid link. */
export const GridLinkInput = z.strictObject({
  siteId: Uuid,
  meterId: Uuid.nullable().optional(),
  name: name(),
  direction: z.enum(DIRECTIONS),
  importCapacityKw: finite().min(0).nullable().optional(),
  exportCapacityKw: finite().min(0).nullable().optional(),
  voltageLevel: nullableText(50).optional(),
  operator: nullableText(200).optional(),
  tariff: JsonObject.optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "GridLinkInput" });

/** Recommendation categories. */
export const RECOMMENDATION_TYPES = [
  "efficiency",
  "renewable",
  "storage",
  "demand_response",
  "tariff",
  "maintenance",
] as const;
/** Recommendation priorities. */
export const PRIORITIES = ["low", "medium", "high"] as const;
/** Recommendation states. */
export const RECOMMENDATION_STATUSES = ["open", "accepted", "rejected", "implemented"] as const;

/** An optimisation recommendation for a site. */
export const Recommendation = z.object({
  id: Uuid,
  siteId: Uuid,
  assetId: Uuid.nullable(),
  title: z.string(),
  description: z.string(),
  recommendationType: z.enum(RECOMMENDATION_TYPES),
  priority: z.enum(PRIORITIES),
  status: z.enum(RECOMMENDATION_STATUSES),
  estimatedSavingsEur: z.number().nullable(),
  investmentEur: z.number().nullable(),
  roiPercent: z.number().nullable(),
  paybackMonths: z.number().nullable(),
  carbonReductionKg: z.number().nullable(),
  metadata: JsonObject,
  rule: z.string().nullable().describe(
    "The generator's rule that wrote it (its inputs are in metadata); null: written by a user or the seed",
  ),
  ...audited,
}).meta({ id: "Recommendation" });

const optionalAmount = () => finite().nullable().optional();

/** The body that creates a recommendation. */
export const RecommendationInput = z.strictObject({
  siteId: Uuid,
  assetId: Uuid.nullable().optional(),
  title: name(300),
  description: z.string().max(10_000).optional(),
  recommendationType: z.enum(RECOMMENDATION_TYPES),
  priority: z.enum(PRIORITIES).optional(),
  status: z.enum(RECOMMENDATION_STATUSES).optional(),
  estimatedSavingsEur: optionalAmount(),
  investmentEur: optionalAmount(),
  roiPercent: optionalAmount(),
  paybackMonths: optionalAmount(),
  carbonReductionKg: optionalAmount(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "RecommendationInput" });

/** Measurement metrics: the ones a meter can report over MQTT. */
export const MEASUREMENT_METRICS = MeterMeasurement.shape.metric.options;
/** Measurement quality flags (`quality_enum`). */
export const QUALITIES = MeterMeasurement.shape.quality.unwrap().options;

/** One measurement of a meter, asset or energy source. */
export const Measurement = z.object({
  id: z.number().int(),
  entityType: z.enum(["meter", "asset", "energy_source"]),
  entityId: Uuid,
  siteId: Uuid,
  ts: DateTime,
  metric: z.enum(MEASUREMENT_METRICS),
  value: z.number(),
  unit: z.string(),
  quality: z.enum(QUALITIES),
  receivedAt: DateTime,
}).meta({ id: "Measurement" });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
