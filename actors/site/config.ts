/**
 * A site actor's configuration: the site's name, its active meters (category, reading frequency ->
 * expected interval, unit, detector settings from `meters.detection`) and the alert rules for meters
 * (`alert_rules` with `entity_kind = 'meter'`, for one meter or for all), and its active assets and
 * energy sources (name and type). One actor per site owns its meters: their readings, gaps and alerts;
 * and the measurements of its assets and energy sources.
 *
 * `meters.detection`, every field optional (as `plants.detection`, without capacity):
 * ```json
 * {
 *   "baseline": { "method": "mean" | "median" | "ewma", "window": 30, "warmup": 10, "alpha": 0.1 },
 *   "spike": { "enabled": true, "factor": 3 },
 *   "gap": { "enabled": true, "factor": 3 }
 * }
 * ```
 * @module
 */
import type { z } from "zod";
import type { METER_CATEGORIES, READING_FREQUENCIES } from "../../domain/hierarchy.ts";
import { PlantDetection } from "../plant/config.ts";
import type { ConfiguredRule } from "../rule_rows.ts";

/** `meters.detection`, validated; every field has a default. */
export const MeterDetection = PlantDetection.omit({ capacity: true });
/** Validated detector settings of a meter. */
export type MeterDetection = z.output<typeof MeterDetection>;

/** A meter category: consumption, production, injection (export to the grid), storage. */
export type MeterCategory = typeof METER_CATEGORIES[number];

/** The expected interval of each reading frequency, in seconds. */
export const FREQUENCY_SECONDS: Record<typeof READING_FREQUENCIES[number], number> = {
  "1min": 60,
  "5min": 300,
  "15min": 900,
  hourly: 3_600,
  daily: 86_400,
};

/** One meter of the site. */
export interface MeterConfig {
  name: string;
  category: MeterCategory;
  /** From the reading frequency: the meter's own gap deadline is k x this. */
  expectedIntervalS: number;
  /** The meter's unit (power readings without one are in it). */
  unit: string;
  detection: MeterDetection;
  /** Problems found in `meters.detection` (defaults were used instead), for the log. */
  detectionProblems?: string[];
}

/** An alert rule for one meter (`meterId`) or every meter (`null`). */
export interface MeterAlertRule extends ConfiguredRule {
  meterId: string | null;
}

/**
 * One active asset or energy source of the site. Their measurements are stored and shown as latest
 * values; they have no detectors, gap deadline or rollups (no reading frequency, and `alerts`,
 * `alert_rules` and `rollups` know no such entity kind).
 */
export interface EquipmentConfig {
  name: string;
  /** `assets.asset_type` or `energy_sources.source_type`. */
  type: string;
}

/** Everything a site actor is configured with; structured-clonable (sent to the worker hosts). */
export interface SiteConfig {
  name: string;
  /** Active meters by id. */
  meters: Record<string, MeterConfig>;
  rules: MeterAlertRule[];
  /** Active assets by id. */
  assets: Record<string, EquipmentConfig>;
  /** Active energy sources by id. */
  energySources: Record<string, EquipmentConfig>;
}

/**
 * Alert dedupe keys of a meter: they end with its id, so a site restored from the alerts table knows
 * which meter each open alert belongs to (the `alerts_open_dedupe` index is per entity anyway).
 */
export const alertKeys = {
  gap: (meterId: string) => `System:gap:${meterId}`,
  spike: (meterId: string, metric: string) => `Spike:${metric}:${meterId}`,
  rule: (meterId: string, ruleId: string) => `ThresholdExceeded:rule:${ruleId}:${meterId}`,
  /** The meter an alert key belongs to. */
  meterOf: (key: string) => key.slice(key.lastIndexOf(":") + 1),
};

/** Validates `meters.detection`; invalid settings fall back to the defaults, with the problems listed. */
export function parseMeterDetection(json: unknown): { detection: MeterDetection; problems: string[] } {
  const parsed = MeterDetection.safeParse(json ?? {});
  if (parsed.success) return { detection: parsed.data, problems: [] };
  return {
    detection: MeterDetection.parse({}),
    problems: parsed.error.issues.map((i) => `detection.${i.path.join(".")}: ${i.message}`),
  };
}
