/**
 * The alert rule form's fields and initial values, and how a rule reads in a table.
 * @module
 */
import { type Choice, options } from "../../../../components/choices.ts";
import type { FieldSpec } from "../../../../components/form_rules.ts";
import { formatNumber, humanize } from "../../../../components/format.ts";
import { SEVERITIES } from "../../../../domain/alert.ts";
import { RULE_DURATION_MAX_S, RULE_METRICS, type RuleEntityKind } from "../../../../domain/alert_rule.ts";

/** A kind as the pages name it. */
export const KIND_NAMES: Record<RuleEntityKind, [one: string, many: string]> = {
  plant: ["Plant", "Every plant"],
  ven: ["VEN", "Every VEN"],
  meter: ["Meter", "Every meter"],
};

/** `above 64 for 60 s`, `below 207 at once`. */
export function conditionText(rule: Record<string, unknown>): string {
  const held = Number(rule.durationS);
  return `${rule.comparator} ${formatNumber(Number(rule.threshold), 2)} ${
    held > 0 ? `for ${held.toLocaleString("en")} s` : "at once"
  }`;
}

/** The fields of a new rule of `kind`, with the entities of that kind to choose from. */
export function alertRuleFields(kind: RuleEntityKind, entities: Choice[]): FieldSpec[] {
  const metrics = RULE_METRICS[kind];
  const [one, every] = KIND_NAMES[kind];
  return [
    { name: "name", label: "Name", kind: "text", placeholder: "e.g. Output above licence" },
    { name: "entityKind", label: "Watches", kind: "select", options: [[kind, one]] },
    {
      name: "entityId",
      label: one,
      kind: "select",
      nullable: true,
      options: options(entities, every),
      hint: `One ${
        one === "VEN" ? "VEN" : one.toLowerCase()
      }, or every one (in effect a few seconds after saving)`,
    },
    metrics
      ? {
        name: "metric",
        label: "Metric",
        kind: "select",
        options: metrics.map((m): [string, string] => [m, m]),
      }
      : {
        name: "metric",
        label: "Metric",
        kind: "text",
        placeholder: "power_mw",
        hint: "What the plant reports: power_mw unless its telemetry names another metric",
      },
    {
      name: "comparator",
      label: "Alert when",
      kind: "select",
      options: [["above", "Above the threshold"], ["below", "Below the threshold"]],
    },
    { name: "threshold", label: "Threshold", kind: "number" },
    {
      name: "durationS",
      label: "For at least (s)",
      kind: "number",
      step: "1",
      hint: `Seconds the limit must be crossed before the alert opens: 0 (at once) to ${
        RULE_DURATION_MAX_S.toLocaleString("en")
      }`,
    },
    {
      name: "severity",
      label: "Severity",
      kind: "select",
      options: SEVERITIES.map((s): [string, string] => [s, humanize(s)]),
    },
    { name: "enabled", label: "Enabled", kind: "checkbox" },
  ];
}

/** The inputs' values of a new rule of `kind`. */
export function alertRuleValues(kind: RuleEntityKind): Record<string, string | boolean> {
  return {
    name: "",
    entityKind: kind,
    entityId: "",
    metric: RULE_METRICS[kind]?.[0] ?? "power_mw",
    comparator: "above",
    threshold: "",
    durationS: "0",
    severity: "warning",
    enabled: true,
  };
}
