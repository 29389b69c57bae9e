/**
 * The threshold detector (seed 000: ThresholdExceeded): a value above (or below) a limit, the plant's
 * capacity or a configured alert rule, held for at least `durationS` before it counts. Time is the
 * readings' own timestamps, so a replayed stream decides the same way.
 *
 * @example
 * ```ts
 * import { evaluateThreshold } from "./actors/detectors/threshold.ts";
 * const rule = { comparator: "above", threshold: 100, durationS: 0 } as const;
 * evaluateThreshold(undefined, rule, 120, 1_000).breached; // true
 * ```
 * @module
 */

/** A limit. */
export interface ThresholdRule {
  comparator: "above" | "below";
  threshold: number;
  /** How long the limit must be crossed before it counts. */
  durationS: number;
}

/** Per rule: since when the limit has been crossed (reading time), if it is. */
export interface ThresholdState {
  since?: number;
}

/** The outcome of one reading. */
export interface ThresholdResult {
  state: ThresholdState;
  /** Crossed for at least the rule's duration: an alert should be open. */
  breached: boolean;
  /** Within the limit: an open alert for this rule can resolve. */
  cleared: boolean;
}

/** Whether `value` crosses the limit. */
export function crosses(rule: ThresholdRule, value: number): boolean {
  return rule.comparator === "above" ? value > rule.threshold : value < rule.threshold;
}

/** Evaluates `value` at reading time `ts` (epoch ms) against `rule`. */
export function evaluateThreshold(
  state: ThresholdState | undefined,
  rule: ThresholdRule,
  value: number,
  ts: number,
): ThresholdResult {
  if (!crosses(rule, value)) return { state: {}, breached: false, cleared: true };
  const since = state?.since !== undefined && state.since <= ts ? state.since : ts;
  return { state: { since }, breached: ts - since >= rule.durationS * 1000, cleared: false };
}
