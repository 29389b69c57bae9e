/**
 * Alert rules: a limit on one metric of one plant, VEN or meter, or of every entity of that kind, held
 * for a duration before a ThresholdExceeded alert opens (`alert_rules`, loaded by the actors through
 * `actors/rule_rows.ts`).
 * @module
 */
import { z } from "zod";
import { DateTime, finite, name, Uuid } from "./common.ts";
import { SEVERITIES } from "./alert.ts";
import { MeterMeasurement } from "./telemetry.ts";

/** What a rule watches. */
export const RULE_ENTITY_KINDS = ["plant", "ven", "meter"] as const;
export type RuleEntityKind = typeof RULE_ENTITY_KINDS[number];
/** Which side of the threshold breaches it. */
export const COMPARATORS = ["above", "below"] as const;
/** Longest `durationS`: a week. */
export const RULE_DURATION_MAX_S = 604_800;

/**
 * The metrics a kind's actors judge. A plant reports any snake_case metric (`power_mw` by default); a
 * VEN's rules see its panel's used and shed power; a meter's, the measurement metrics.
 */
export const RULE_METRICS: Record<RuleEntityKind, readonly string[] | undefined> = {
  plant: undefined,
  ven: ["used_power_kw", "shed_power_kw"],
  meter: MeterMeasurement.shape.metric.options,
};

const METRIC = /^[a-z][a-z0-9_]{0,39}$/;

/** An alert rule as the API returns it. */
export const AlertRule = z.object({
  id: Uuid,
  name: z.string(),
  entityKind: z.enum(RULE_ENTITY_KINDS),
  entityId: Uuid.nullable().describe("The plant, VEN or meter; null: every entity of the kind"),
  metric: z.string(),
  comparator: z.enum(COMPARATORS),
  threshold: z.number(),
  durationS: z.number().int().describe("How long the limit must be crossed before the alert opens"),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
}).meta({ id: "AlertRule" });
export type AlertRule = z.output<typeof AlertRule>;

const ruleFields = {
  name: name(),
  entityKind: z.enum(RULE_ENTITY_KINDS),
  entityId: Uuid.nullable().optional().describe(
    "An existing plant, VEN or meter of entityKind (the rule is deleted with it); null or absent: every " +
      "entity of the kind, in effect once their actors are reconfigured in the background, seconds after " +
      "the answer (gridpulse_reconfigure_pending on /metrics)",
  ),
  metric: z.string().trim().min(1, { message: "must not be empty", abort: true }).regex(
    METRIC,
    "must be snake_case (a-z, 0-9, _), starting with a letter, at most 40 characters",
  ),
  comparator: z.enum(COMPARATORS),
  threshold: finite(),
  durationS: z.number().int("must be a whole number").min(0, "must be at least 0")
    .max(RULE_DURATION_MAX_S, `must be at most ${RULE_DURATION_MAX_S} (a week)`).optional()
    .describe("Seconds the limit must be crossed before the alert opens (0: at once)"),
  severity: z.enum(SEVERITIES).optional(),
  enabled: z.boolean().optional(),
};

/** Why `metric` can never match a rule of `entityKind`, or undefined when it can. */
export function metricProblem(entityKind: string, metric: string): string | undefined {
  const allowed = RULE_METRICS[entityKind as RuleEntityKind];
  if (!allowed || allowed.includes(metric)) return undefined;
  return `must be one of ${allowed.join(", ")} for a ${entityKind} rule`;
}

/** The body that creates (or with `PUT`, replaces) a rule. */
export const AlertRuleInput = z.strictObject(ruleFields).superRefine((value, ctx) => {
  // refinements run even when a field failed: judge only what parsed
  if (typeof value.metric !== "string" || !METRIC.test(value.metric)) return;
  const problem = metricProblem(value.entityKind, value.metric);
  if (problem) ctx.addIssue({ code: "custom", path: ["metric"], message: problem });
}).meta({ id: "AlertRuleInput" });

/** The body that updates some fields of a rule; the rule they make is checked as a whole on write. */
export const AlertRulePatch = z.strictObject(ruleFields).partial().meta({ id: "AlertRulePatch" });
