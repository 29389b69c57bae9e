/**
 * Plants (seed 000): registered generators, solar, wind, storage, CHP, with capacity and status.
 * @module
 */
import { z } from "zod";
import { DateTime, finite, JsonObject, name, Uuid } from "./common.ts";

/** Plant technologies. */
export const PLANT_ASSET_TYPES = [
  "solar",
  "wind",
  "battery",
  "hydro",
  "chp",
  "gas_peaker",
  "generator",
  "storage",
  "other",
] as const;
/** Plant operating states. */
export const PLANT_STATUSES = ["online", "offline", "maintenance", "decommissioned"] as const;

/** A plant as the API returns it. */
export const Plant = z.object({
  id: Uuid,
  name: z.string(),
  assetType: z.enum(PLANT_ASSET_TYPES),
  capacityMw: z.number(),
  status: z.enum(PLANT_STATUSES),
  registeredAt: DateTime,
  siteId: Uuid.nullable(),
  expectedIntervalS: z.number().int().describe("How often the plant reports, in seconds"),
  detection: JsonObject.describe("Detector settings (spike factor, baseline window, gap factor...)"),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  metadata: JsonObject,
  active: z.boolean(),
  updatedAt: DateTime,
}).meta({ id: "Plant" });
export type Plant = z.output<typeof Plant>;

/** The body that creates a plant (and, every field optional, updates one). */
export const PlantInput = z.strictObject({
  name: name(),
  assetType: z.enum(PLANT_ASSET_TYPES),
  capacityMw: finite().positive("must be greater than 0"),
  status: z.enum(PLANT_STATUSES).optional(),
  siteId: Uuid.nullable().optional(),
  expectedIntervalS: z.number().int().min(1).max(86_400).optional(),
  detection: JsonObject.optional(),
  latitude: finite().min(-90).max(90).nullable().optional(),
  longitude: finite().min(-180).max(180).nullable().optional(),
  metadata: JsonObject.optional(),
  active: z.boolean().optional(),
}).meta({ id: "PlantInput" });
