/**
 * A VEN actor's configuration: the `vens` row (name, expected interval), its detector settings from
 * `vens.detection` (JSONB, validated here, defaults when absent), its alert rules (`alert_rules` with
 * `entity_kind = 'ven'`) and the ADR events it takes part in that have not ended (their schedule and
 * its answer), so an actor that (re)starts during an event goes on measuring it.
 *
 * `vens.detection`, every field optional:
 * ```json
 * {
 *   "baseline": { "method": "mean" | "median" | "ewma", "window": 30, "warmup": 10, "alpha": 0.1 },
 *   "spike": { "enabled": true, "factor": 3 },
 *   "gap": { "enabled": true, "factor": 3 },
 *   "event": { "baselineWindowS": 900 }
 * }
 * ```
 * `gap`: a VEN silent for `factor` x `expected_interval_s` is offline (System alert). `event`: the
 * pre-event baseline of an ADR event is the mean used power over this window before its start.
 * @module
 */
import { z } from "zod";
import { PlantDetection } from "../plant/config.ts";
import type { ConfiguredRule } from "../rule_rows.ts";

/** `vens.detection`, validated; every field has a default. Baseline, spike and gap as for plants. */
export const VenDetection = PlantDetection.omit({ capacity: true }).extend({
  event: z.object({
    /** Seconds of telemetry before an event's start its baseline is the mean of. */
    baselineWindowS: z.number().int().min(60).max(86_400).default(900),
  }).prefault({}),
});
/** Validated detector settings. */
export type VenDetection = z.output<typeof VenDetection>;

/**
 * An alert rule of the VEN (an `alert_rules` row for this VEN or for every VEN). Its `metric` is
 * `used_power_kw` or `shed_power_kw`; a rule on another metric never matches.
 */
export type VenAlertRule = ConfiguredRule;

/** A VEN's answer to an ADR event (`adr_participation.opt`). */
export type Opt = "pending" | "optIn" | "optOut";

/** The schedule of an ADR event the VEN takes part in, as the actor needs it. */
export interface VenEventSchedule {
  id: string;
  name: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms (start + duration). */
  end: number;
  opt: Opt;
  /**
   * For an event that has started: the mean used power of the baseline window before its start, from
   * `ven_telemetry` (an actor that starts during an event has not seen that window itself).
   */
  baselineKw?: number;
}

/** Everything a VEN actor is configured with; structured-clonable (sent to the worker hosts). */
export interface VenConfig {
  name: string;
  expectedIntervalS: number;
  detection: VenDetection;
  rules: VenAlertRule[];
  /** Events not cancelled and not over, by start. */
  events: VenEventSchedule[];
  /** Problems found in `vens.detection` (defaults were used instead), for the log. */
  detectionProblems?: string[];
}

/** Dedupe key of the offline (System) alert, reported by the VEN or inferred from silence. */
export const OFFLINE_KEY = "System:offline";
/** The metric of panel used power (spikes, rules, rollups). */
export const USED_METRIC = "used_power_kw";
/** The metric of panel shed power (rules). */
export const SHED_METRIC = "shed_power_kw";

/** Validates `vens.detection`; invalid settings fall back to the defaults, with the problems listed. */
export function parseVenDetection(json: unknown): { detection: VenDetection; problems: string[] } {
  const parsed = VenDetection.safeParse(json ?? {});
  if (parsed.success) return { detection: parsed.data, problems: [] };
  return {
    detection: VenDetection.parse({}),
    problems: parsed.error.issues.map((i) => `detection.${i.path.join(".")}: ${i.message}`),
  };
}
