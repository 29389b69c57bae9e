/**
 * `alert_rules` as the kinds' catalogs load them into actor configurations: the rules of one entity kind
 * that apply to some entities (the kind-wide ones, `entity_id` null, and each entity's own).
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import { typedArray } from "./sink.ts";

/** One enabled `alert_rules` row. */
export interface AlertRuleRow {
  id: string;
  entity_id: string | null;
  name: string;
  metric: string;
  comparator: "above" | "below";
  threshold: number;
  duration_s: number;
  severity: "info" | "warning" | "critical";
}

/** A rule in an actor's configuration (each kind's `*AlertRule`, without what is the kind's own). */
export interface ConfiguredRule {
  id: string;
  name: string;
  metric: string;
  comparator: "above" | "below";
  threshold: number;
  durationS: number;
  severity: "info" | "warning" | "critical";
}

/** The enabled rules of `entityKind` for every entity or for one of `entityIds`, by id. */
export function loadAlertRules(
  sql: Sql,
  entityKind: "plant" | "ven" | "meter",
  entityIds: string[],
): Promise<AlertRuleRow[]> {
  return sql<AlertRuleRow[]>`
    select id, entity_id, name, metric, comparator, threshold, duration_s, severity from alert_rules
    where enabled and entity_kind = ${entityKind}
      and (entity_id is null or entity_id = any(${typedArray(entityIds, "uuid")}::uuid[]))
    order by id`;
}

/** Whether `row` applies to entity `id` (its own rule, or one for every entity of the kind). */
export function appliesTo(row: AlertRuleRow, id: string): boolean {
  return row.entity_id === null || row.entity_id === id;
}

/** A row as a configured rule. */
export function configuredRule(row: AlertRuleRow): ConfiguredRule {
  return {
    id: row.id,
    name: row.name,
    metric: row.metric,
    comparator: row.comparator,
    threshold: row.threshold,
    durationS: row.duration_s,
    severity: row.severity,
  };
}
