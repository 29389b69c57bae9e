/**
 * The plant actor: telemetry on `gridpulse/plants/{id}/telemetry` -> rolling baseline per metric ->
 * detectors (Spike, ThresholdExceeded for capacity and alert rules, System for a data gap) ->
 * readings, alerts and rollups to commit, live state to the cache, change events. Pure: the host runs
 * it, owns its timers and commits its effects.
 *
 * Timers: `gap` at last reading + k x expected interval (a silent plant gets one System alert at the
 * deadline; the next reading resolves it), `rollup` at the end of the earliest open bucket plus a
 * grace for devices whose clocks run a little behind.
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import {
  addToBaseline,
  type BaselineState,
  baselineValue,
  emptyBaseline,
  resizeBaseline,
} from "../detectors/baseline.ts";
import type { ThresholdState } from "../detectors/threshold.ts";
import { gapDeadlineSince, isGap } from "../detectors/gap.ts";
import { applyAlertCommand, type OpenAlerts, raiseAlert, resolveAlert } from "../alerts.ts";
import { judge, type Limit } from "../detection.ts";
import {
  addReading,
  emptyRollups,
  flushRollups,
  nextRollupEnd,
  restoredRollups,
  type RollupRow,
  type RollupState,
} from "../rollup.ts";
import type {
  ActorContext,
  ActorStart,
  Behaviour,
  Effect,
  HostMessage,
  OpenAlertRecord,
  Step,
} from "../kind.ts";
import { GAP_KEY, type PlantConfig, POWER_METRIC } from "./config.ts";
import { decodePlantTelemetry, type PlantReading } from "./decode.ts";
import { live, publish, statusOf } from "./live.ts";

export type { PlantReading };
export { GAP_KEY, statusOf };

/** Per metric: baseline, last timestamp, rule states, rollups. */
export interface MetricState {
  baseline: BaselineState;
  lastTs: number;
  rules: Record<string, ThresholdState>;
  rollup: RollupState;
}

/** The plant actor's state. */
export interface PlantState {
  id: string;
  config: PlantConfig;
  metrics: Record<string, MetricState>;
  /** Host clock of the last reading (drives the gap deadline). */
  lastSeenAt?: number;
  /** Host clock when the actor started: the gap deadline of a plant that never reported. */
  startedAt: number;
  /** Host clock of the last `reading` change event. */
  lastEventAt?: number;
  last?: { metric: string; value: number; ts: number };
  alerts: OpenAlerts;
  /**
   * Created with no reading of the plant stored: it sees every one, so each metric's first rollup
   * buckets are exact. Not in the snapshot: a restored actor may have missed readings.
   */
  noReadings?: true;
}

/** Metrics one plant may report; past this a new metric is rejected (bounded state). */
export const MAX_METRICS = 32;
/** How long after a bucket's end the rollup timer waits for stragglers. */
export const ROLLUP_GRACE_MS = 10_000;
/** At most one `reading` change event per plant per this many ms. */
export const READING_EVENT_INTERVAL_MS = 1_000;
const READINGS_SINK = "meter_readings";
const ROLLUPS_SINK = "rollups";

type Message = PlantReading | HostMessage<PlantConfig>;

function create(id: string, config: PlantConfig, ctx: ActorContext, start?: ActorStart): Step<PlantState> {
  const state: PlantState = { id, config, metrics: {}, alerts: {}, startedAt: ctx.now() };
  if (start?.noReadings) state.noReadings = true;
  return { state, effects: [gapTimer(state), ...publish(state, undefined)] };
}

function restore(
  id: string,
  config: PlantConfig,
  snapshot: unknown,
  openAlerts: OpenAlertRecord[],
  ctx: ActorContext,
  start?: ActorStart,
): Step<PlantState> {
  const snap = (snapshot ?? {}) as Partial<Pick<PlantState, "metrics" | "lastSeenAt" | "last">>;
  const metrics: Record<string, MetricState> = {};
  for (const [name, m] of Object.entries(snap.metrics ?? {})) {
    metrics[name] = {
      ...m,
      baseline: resizeBaseline(m.baseline, config.detection.baseline),
      rollup: restoredRollups(m.rollup, start?.completeSnapshot),
    };
  }
  const alerts = Object.fromEntries(openAlerts.map((a) => [a.dedupeKey, a]));
  const state: PlantState = {
    id,
    config,
    metrics,
    lastSeenAt: snap.lastSeenAt,
    last: snap.last,
    alerts,
    startedAt: ctx.now(),
  };
  return { state, effects: [gapTimer(state), rollupTimer(state), ...publish(state, undefined)] };
}

function snapshot(state: PlantState): unknown {
  return { v: 1, metrics: state.metrics, lastSeenAt: state.lastSeenAt, last: state.last };
}

function transition(state: PlantState, message: Message, ctx: ActorContext): Step<PlantState> {
  switch (message.type) {
    case "telemetry":
      return onReading(state, message, ctx);
    case "timer":
      return message.name === "gap" ? onGapTimer(state, ctx) : onRollupTimer(state, ctx);
    case "configure":
      return onConfigure(state, message.config, ctx);
    case "command": {
      const alerts = applyAlertCommand(state.alerts, message.command);
      if (!alerts || alerts === state.alerts) return { state, effects: [] };
      const next = { ...state, alerts };
      return { state: next, effects: publish(next, state) };
    }
  }
}

function onReading(state: PlantState, reading: PlantReading, ctx: ActorContext): Step<PlantState> {
  // Every reading comes through here: one new state object, no spreads of the whole state.
  const now = ctx.now();
  const { ts, value, metric } = reading;
  const previous = state.metrics[metric];
  if (!previous && Object.keys(state.metrics).length >= MAX_METRICS) {
    return {
      state,
      effects: [{ type: "reject", reason: `too many metrics (at most ${MAX_METRICS} per plant)` }],
    };
  }
  const effects: Effect[] = [
    { type: "write", sink: READINGS_SINK, row: { plant_id: state.id, metric_type: metric, ts, value } },
  ];
  const m: MetricState = previous ??
    { baseline: emptyBaseline(), lastTs: -Infinity, rules: {}, rollup: emptyRollups(state.noReadings) };
  const inOrder = ts > m.lastTs;
  const rolled = addReading(m.rollup, ts, value, inOrder);
  for (const row of rolled.rows) effects.push(rollupRow(state, metric, row));
  let alerts = state.alerts;
  let last = state.last;
  let metricState: MetricState;
  if (!inOrder) {
    // A redelivery or a late reading: stored (idempotently) and rolled up, but no detection on old data.
    metricState = { ...m, rollup: rolled.state };
  } else {
    const detected = detect(state, m, reading, ctx);
    alerts = detected.alerts;
    for (const effect of detected.effects) effects.push(effect);
    last = { metric, value, ts };
    metricState = {
      baseline: addToBaseline(m.baseline, value, state.config.detection.baseline),
      lastTs: ts,
      rules: detected.rules,
      rollup: rolled.state,
    };
  }
  if (alerts[GAP_KEY]) {
    const gap = resolveAlert(alerts, { kind: "plant", id: state.id }, GAP_KEY, now);
    alerts = gap.alerts;
    for (const effect of gap.effects) effects.push(effect);
  }
  // Reading events feed dashboards: one per plant per interval is enough (the cache is always current).
  const streamed = inOrder &&
    (state.lastEventAt === undefined || now - state.lastEventAt >= READING_EVENT_INTERVAL_MS);
  const next: PlantState = {
    ...state,
    metrics: { ...state.metrics, [metric]: metricState },
    lastSeenAt: now,
    alerts,
  };
  if (last !== state.last) next.last = last;
  if (streamed) next.lastEventAt = now;
  effects.push(gapTimer(next), rollupTimer(next));
  for (const effect of publish(next, state, streamed ? reading : undefined)) effects.push(effect);
  return { state: next, effects };
}

/** Spike and thresholds for an in-order reading, against the baseline before it. */
function detect(
  state: PlantState,
  m: MetricState,
  { ts, value, metric }: PlantReading,
  ctx: ActorContext,
): { alerts: OpenAlerts; effects: Effect[]; rules: Record<string, ThresholdState> } {
  const { config } = state;
  const judged = judge(state.alerts, { kind: "plant", id: state.id, plantId: state.id }, {
    name: config.name,
    metric,
    value,
    ts,
    baseline: baselineValue(m.baseline, config.detection.baseline),
    spike: config.detection.spike,
    spikeKey: `Spike:${metric}`,
    limits: thresholdRules(config, metric),
    ruleStates: m.rules,
  }, ctx);
  return { alerts: judged.alerts, effects: judged.effects, rules: judged.ruleStates };
}

/** Limits per configuration and metric, built once (configurations are replaced, never mutated). */
const limitsCache = new WeakMap<PlantConfig, Map<string, Limit[]>>();

function thresholdRules(config: PlantConfig, metric: string): Limit[] {
  let byMetric = limitsCache.get(config);
  if (!byMetric) limitsCache.set(config, byMetric = new Map());
  let out = byMetric.get(metric);
  if (out) return out;
  out = [];
  if (config.detection.capacity.enabled && metric === POWER_METRIC) {
    out.push({
      key: "ThresholdExceeded:capacity",
      stateKey: "capacity",
      rule: { comparator: "above", threshold: config.capacityMw, durationS: 0 },
      severity: "critical",
      label: "capacity",
    });
  }
  for (const r of config.rules) {
    if (r.metric === metric) {
      out.push({
        key: `ThresholdExceeded:rule:${r.id}`,
        stateKey: `rule:${r.id}`,
        rule: r,
        severity: r.severity,
        label: `rule "${r.name}"`,
      });
    }
  }
  byMetric.set(metric, out);
  return out;
}

function onGapTimer(state: PlantState, ctx: ActorContext): Step<PlantState> {
  const now = ctx.now();
  const deadline = deadlineOf(state);
  if (deadline === undefined || !isGap(now, deadline) || state.alerts[GAP_KEY]) return { state, effects: [] };
  const { config } = state;
  const since = state.lastSeenAt === undefined
    ? "since monitoring started"
    : `since ${new Date(state.lastSeenAt).toISOString()}`;
  const r = raiseAlert(state.alerts, { kind: "plant", id: state.id, plantId: state.id }, {
    type: "System",
    dedupeKey: GAP_KEY,
    severity: "warning",
    message:
      `${config.name}: no data ${since} (expected every ${config.expectedIntervalS} s, gap after ${config.detection.gap.factor}x)`,
    ts: now,
    details: { lastSeenAt: state.lastSeenAt ?? null, deadline, expectedIntervalS: config.expectedIntervalS },
  }, ctx);
  const next = { ...state, alerts: r.alerts };
  return { state: next, effects: [...r.effects, ...publish(next, state)] };
}

function onRollupTimer(state: PlantState, ctx: ActorContext): Step<PlantState> {
  const until = ctx.now() - ROLLUP_GRACE_MS;
  if (state.lastSeenAt !== undefined && state.lastSeenAt > until) {
    return { state, effects: [rollupTimer(state)] };
  }
  const effects: Effect[] = [];
  const metrics = { ...state.metrics };
  for (const [name, m] of Object.entries(state.metrics)) {
    const flushed = flushRollups(m.rollup, until);
    if (flushed.rows.length === 0) continue;
    metrics[name] = { ...m, rollup: flushed.state };
    for (const row of flushed.rows) effects.push(rollupRow(state, name, row));
  }
  const next = { ...state, metrics };
  return { state: next, effects: [...effects, rollupTimer(next)] };
}

function onConfigure(state: PlantState, config: PlantConfig, ctx: ActorContext): Step<PlantState> {
  const metrics: Record<string, MetricState> = {};
  for (const [name, m] of Object.entries(state.metrics)) {
    metrics[name] = { ...m, baseline: resizeBaseline(m.baseline, config.detection.baseline) };
  }
  let next: PlantState = { ...state, config, metrics };
  const effects: Effect[] = [];
  const ruleKeys = new Set(config.rules.map((r) => `ThresholdExceeded:rule:${r.id}`));
  if (config.detection.capacity.enabled) ruleKeys.add("ThresholdExceeded:capacity");
  const stale = Object.keys(state.alerts).filter((k) =>
    (k.startsWith("ThresholdExceeded:") && !ruleKeys.has(k)) ||
    (k === GAP_KEY && deadlineOf(next) === undefined)
  );
  for (const key of stale) {
    const r = resolveAlert(next.alerts, { kind: "plant", id: state.id }, key, ctx.now());
    next = { ...next, alerts: r.alerts };
    effects.push(...r.effects);
  }
  return { state: next, effects: [...effects, gapTimer(next), ...publish(next, state)] };
}

/** The gap deadline, or undefined when the plant is not expected to report. */
function deadlineOf(state: PlantState): number | undefined {
  const { config } = state;
  if (!config.detection.gap.enabled || config.status !== "online") return undefined;
  return gapDeadlineSince(
    state.lastSeenAt,
    state.startedAt,
    config.expectedIntervalS,
    config.detection.gap.factor,
  );
}

function gapTimer(state: PlantState): Effect {
  return { type: "timer", name: "gap", at: state.alerts[GAP_KEY] ? undefined : deadlineOf(state) };
}

/**
 * The rollup timer closes buckets of a plant that went quiet: at the earliest bucket end, but never
 * before the plant has been silent for the grace period. A plant replaying old data (timestamps far
 * behind the host clock) therefore closes its buckets by its readings, not by the timer, which would
 * otherwise emit each bucket early and recompute it on the next reading.
 */
function rollupTimer(state: PlantState): Effect {
  let at: number | undefined;
  for (const name in state.metrics) {
    const end = nextRollupEnd(state.metrics[name].rollup);
    if (end !== undefined && (at === undefined || end < at)) at = end;
  }
  if (at === undefined) return { type: "timer", name: "rollup", at: undefined };
  return { type: "timer", name: "rollup", at: Math.max(at, state.lastSeenAt ?? 0) + ROLLUP_GRACE_MS };
}

function rollupRow(state: PlantState, metric: string, row: RollupRow): Effect {
  return { type: "write", sink: ROLLUPS_SINK, row: { series: "plant", entity_id: state.id, metric, ...row } };
}

/** The plant behaviour. */
export const plantBehaviour: Behaviour<PlantState, PlantConfig, PlantReading> = {
  kind: "plant",
  topics: (id) => [topics.plantTelemetry(id)],
  decode: (_route, payload) => decodePlantTelemetry(payload),
  create,
  restore,
  transition,
  snapshot,
  live,
};
