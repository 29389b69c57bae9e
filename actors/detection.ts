/**
 * Spike and threshold detection of one in-order value, with the alert bookkeeping, for every kind
 * (plant, VEN, site): the decisions of `detectors/spike.ts` and `detectors/threshold.ts`, their alerts
 * de-duplicated by key. Pure.
 * @module
 */
import { type AlertEntity, type OpenAlerts, raiseAlert, resolveAlert } from "./alerts.ts";
import { isSpike } from "./detectors/spike.ts";
import { evaluateThreshold, type ThresholdRule, type ThresholdState } from "./detectors/threshold.ts";
import type { ActorContext, Effect } from "./kind.ts";

/** A limit on a metric: an alert rule. */
export interface Limit {
  /** Its dedupe key (`ThresholdExceeded:...`), and its rule-state key unless `stateKey` says otherwise. */
  key: string;
  /** Its key in the rule states when not `key` (the plant keeps `capacity`, `rule:{id}` in its snapshots). */
  stateKey?: string;
  rule: ThresholdRule;
  severity: "info" | "warning" | "critical";
  /** How messages name it, e.g. `rule "Peak"`. */
  label: string;
}

/** One value to judge. */
export interface Judged {
  /** What messages call the entity. */
  name: string;
  metric: string;
  value: number;
  /** Reading time (epoch ms). */
  ts: number;
  /** The warmed-up baseline before this value, if any. */
  baseline: number | undefined;
  spike: { enabled: boolean; factor: number };
  /** Dedupe key of the spike alert. */
  spikeKey: string;
  limits: Limit[];
  /** Rule states before this value, by limit key. */
  ruleStates: Record<string, ThresholdState>;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Spike and limits for `judged`: the alerts after it, their effects and the rule states to keep. */
export function judge(
  alerts: OpenAlerts,
  entity: AlertEntity,
  judged: Judged,
  ctx: ActorContext,
): { alerts: OpenAlerts; effects: Effect[]; ruleStates: Record<string, ThresholdState> } {
  const { name, metric, value, ts, baseline, spike } = judged;
  const effects: Effect[] = [];
  if (spike.enabled && isSpike(value, baseline, spike.factor)) {
    const ratio = Math.round((value / baseline!) * 10) / 10;
    const r = raiseAlert(alerts, entity, {
      type: "Spike",
      dedupeKey: judged.spikeKey,
      severity: "warning",
      message: `${name}: ${metric} ${value} is ${ratio}x its baseline ${
        round(baseline!)
      } (limit ${spike.factor}x)`,
      metric,
      value,
      baseline,
      threshold: spike.factor * baseline!,
      ts,
    }, ctx);
    alerts = r.alerts;
    effects.push(...r.effects);
  }
  const ruleStates: Record<string, ThresholdState> = {};
  for (const { key, stateKey = key, rule, severity, label } of judged.limits) {
    const result = evaluateThreshold(judged.ruleStates[stateKey], rule, value, ts);
    if (result.state.since !== undefined) ruleStates[stateKey] = result.state;
    const r = result.breached
      ? raiseAlert(alerts, entity, {
        type: "ThresholdExceeded",
        dedupeKey: key,
        severity,
        message: `${name}: ${metric} ${value} is ${rule.comparator} ${label} ${rule.threshold}`,
        metric,
        value,
        baseline,
        threshold: rule.threshold,
        ts,
      }, ctx)
      : result.cleared
      ? resolveAlert(alerts, entity, key, ts)
      : { alerts, effects: [] };
    alerts = r.alerts;
    effects.push(...r.effects);
  }
  return { alerts, effects, ruleStates };
}
