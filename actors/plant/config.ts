/**
 * A plant actor's configuration: the plant row (capacity, status, expected interval), its detector
 * settings from `plants.detection` (JSONB, validated here, defaults when absent) and its alert rules.
 *
 * `plants.detection`, every field optional:
 * ```json
 * {
 *   "baseline": { "method": "mean" | "median" | "ewma", "window": 30, "warmup": 10, "alpha": 0.1 },
 *   "spike": { "enabled": true, "factor": 3 },
 *   "gap": { "enabled": true, "factor": 3 },
 *   "capacity": { "enabled": true }
 * }
 * ```
 * @module
 */
import { z } from "zod";
import { DEFAULT_SPIKE_FACTOR } from "../detectors/spike.ts";
import { DEFAULT_GAP_FACTOR } from "../detectors/gap.ts";
import type { ConfiguredRule } from "../rule_rows.ts";

/** `plants.detection`, validated; every field has a default. */
export const PlantDetection = z.object({
  baseline: z.object({
    method: z.enum(["mean", "median", "ewma"]).default("mean"),
    /** Readings in the window (mean, median) or the EWMA span. */
    window: z.number().int().min(2).max(1440).default(30),
    /** Readings before any spike decision. */
    warmup: z.number().int().min(1).max(1440).default(10),
    alpha: z.number().gt(0).max(1).optional(),
  }).prefault({}),
  spike: z.object({
    enabled: z.boolean().default(true),
    factor: z.number().gt(1).max(1000).default(DEFAULT_SPIKE_FACTOR),
  }).prefault({}),
  gap: z.object({
    enabled: z.boolean().default(true),
    /** k: a gap is no reading for k x expected_interval_s. */
    factor: z.number().min(1).max(1000).default(DEFAULT_GAP_FACTOR),
  }).prefault({}),
  capacity: z.object({ enabled: z.boolean().default(true) }).prefault({}),
});
/** Validated detector settings. */
export type PlantDetection = z.output<typeof PlantDetection>;

/** An alert rule of the plant (alert_rules row for this plant or for every plant). */
export type PlantAlertRule = ConfiguredRule;

/** Everything a plant actor is configured with; structured-clonable (sent to the worker hosts). */
export interface PlantConfig {
  name: string;
  capacityMw: number;
  status: "online" | "offline" | "maintenance" | "decommissioned";
  expectedIntervalS: number;
  detection: PlantDetection;
  rules: PlantAlertRule[];
  /** Problems found in `plants.detection` (defaults were used instead), for the log. */
  detectionProblems?: string[];
}

/** Dedupe key of the data-gap (System) alert. */
export const GAP_KEY = "System:gap";

/** The metric capacity applies to (MW output). */
export const POWER_METRIC = "power_mw";

/** Validates `plants.detection`; invalid settings fall back to the defaults, with the problems listed. */
export function parseDetection(json: unknown): { detection: PlantDetection; problems: string[] } {
  const parsed = PlantDetection.safeParse(json ?? {});
  if (parsed.success) return { detection: parsed.data, problems: [] };
  return {
    detection: PlantDetection.parse({}),
    problems: parsed.error.issues.map((i) => `detection.${i.path.join(".")}: ${i.message}`),
  };
}
