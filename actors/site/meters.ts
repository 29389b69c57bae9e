/**
 * One meter's readings in the site actor: the `measurements` row, the seed-004 latest value in the
 * cache, rollups (series `meter`), the baseline and detectors of the metric (Spike, ThresholdExceeded
 * for alert rules), and the meter's own data-gap deadline (timer `gap:{meterId}`, k x its expected
 * interval), so one silent meter on a live site gets its own System alert.
 * @module
 */
import { sensorType } from "../../domain/live.ts";
import { keys, TTL } from "../../stores/cache/cache.ts";
import { type AlertEntity, raiseAlert, resolveAlert } from "../alerts.ts";
import { addToBaseline, baselineValue, emptyBaseline } from "../detectors/baseline.ts";
import { gapDeadlineSince, isGap } from "../detectors/gap.ts";
import { judge, type Limit } from "../detection.ts";
import type { ActorContext, Effect, Step } from "../kind.ts";
import { addReading, emptyRollups } from "../rollup.ts";
import { rollupWrites } from "../rollup_effects.ts";
import { alertKeys, type MeterConfig, type SiteConfig } from "./config.ts";
import { toKw } from "./dashboard.ts";
import type { SiteMeasurement } from "./decode.ts";
import {
  DASHBOARD_REFRESH_MS,
  DEFAULT_UNITS,
  MEASUREMENTS_SINK,
  type MeterState,
  type MetricState,
  READING_EVENT_INTERVAL_MS,
  type SiteState,
} from "./state.ts";

/** What a meter's alerts are about. */
export const meterEntity = (siteId: string, meterId: string): AlertEntity => ({
  kind: "meter",
  id: meterId,
  siteId,
  meterId,
});

/** The meter's gap deadline, or undefined when its gap detection is off or it is already in a gap. */
export function meterDeadline(state: SiteState, meterId: string): number | undefined {
  const meter = state.config.meters[meterId];
  if (!meter?.detection.gap.enabled || state.alerts[alertKeys.gap(meterId)]) return undefined;
  const seen = state.meters[meterId]?.lastSeenAt;
  return gapDeadlineSince(seen, state.startedAt, meter.expectedIntervalS, meter.detection.gap.factor);
}

/** (Re)arms the meter's gap timer, or cancels it. */
export function gapTimer(state: SiteState, meterId: string): Effect {
  return { type: "timer", name: `gap:${meterId}`, at: meterDeadline(state, meterId) };
}

/** Limits per configuration, meter and metric, built once (configurations are replaced, never mutated). */
const limitsCache = new WeakMap<SiteConfig, Map<string, Limit[]>>();

function limits(config: SiteConfig, meterId: string, metric: string): Limit[] {
  let byKey = limitsCache.get(config);
  if (!byKey) limitsCache.set(config, byKey = new Map());
  const key = `${meterId}:${metric}`;
  let out = byKey.get(key);
  if (!out) {
    out = config.rules.filter((r) => r.metric === metric && (r.meterId === null || r.meterId === meterId))
      .map((r) => ({
        key: alertKeys.rule(meterId, r.id),
        rule: r,
        severity: r.severity,
        label: `rule "${r.name}"`,
      }));
    byKey.set(key, out);
  }
  return out;
}

function unitOf(meter: MeterConfig, m: SiteMeasurement): string {
  return m.unit ?? (m.metric === "power" ? meter.unit : DEFAULT_UNITS[m.metric] ?? meter.unit);
}

/** The latest value of the sensor (`latest:{siteId}:{meterId}:{metric}`, exactly `LatestValue`). */
function latest(siteId: string, meter: MeterConfig, m: SiteMeasurement, unit: string): Effect {
  return {
    type: "cache",
    key: keys.latest(siteId, sensorType(m.meterId, m.metric)),
    ttlSeconds: TTL.latest,
    value: {
      entityType: "meter",
      entityId: m.meterId,
      meterId: m.meterId,
      category: meter.category,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
      ts: new Date(m.ts).toISOString(),
    },
  };
}

/** One measurement of one of the site's meters; a meter that is not the site's is refused. */
export function onMeasurement(state: SiteState, m: SiteMeasurement, ctx: ActorContext): Step<SiteState> {
  const meter = state.config.meters[m.meterId];
  if (!meter) {
    return {
      state,
      effects: [{ type: "reject", reason: `meter ${m.meterId} is not an active meter of site ${state.id}` }],
    };
  }
  const now = ctx.now();
  const unit = unitOf(meter, m);
  const effects: Effect[] = [{
    type: "write",
    sink: MEASUREMENTS_SINK,
    row: {
      entity_type: "meter",
      entity_id: m.meterId,
      site_id: state.id,
      ts: m.ts,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
    },
  }];
  const previous: MeterState = state.meters[m.meterId] ?? { metrics: {} };
  const before: MetricState = previous.metrics[m.metric] ??
    { baseline: emptyBaseline(), lastTs: 0, rules: {}, rollup: emptyRollups(state.noReadings) };
  const inOrder = m.ts > before.lastTs;
  const rolled = addReading(before.rollup, m.ts, m.value, inOrder);
  effects.push(...rollupWrites("meter", m.meterId, m.metric, rolled.rows));
  let step: Judged = {
    alerts: state.alerts,
    metric: { ...before, rollup: rolled.state },
    meter: { ...previous, lastSeenAt: now },
  };
  // a redelivery or a late reading is stored (idempotently) and rolled up, but judges nothing
  if (inOrder) step = judgeReading(state, meter, m, unit, step, ctx, effects);
  let alerts = step.alerts;
  const gapKey = alertKeys.gap(m.meterId);
  if (alerts[gapKey]) {
    const r = resolveAlert(alerts, meterEntity(state.id, m.meterId), gapKey, now);
    alerts = r.alerts;
    effects.push(...r.effects);
  }
  const meterState: MeterState = { ...step.meter, metrics: { ...previous.metrics, [m.metric]: step.metric } };
  const next: SiteState = { ...state, alerts, meters: { ...state.meters, [m.meterId]: meterState } };
  effects.push(gapTimer(next, m.meterId));
  return { state: next, effects };
}

/** What one reading changes: the site's alerts, the metric's state, the meter's state. */
interface Judged {
  alerts: SiteState["alerts"];
  metric: MetricState;
  meter: MeterState;
}

/** An in-order reading: the latest value, detectors and baseline, the power for the dashboard, an event. */
function judgeReading(
  state: SiteState,
  meter: MeterConfig,
  m: SiteMeasurement,
  unit: string,
  { alerts, metric, meter: meterState }: Judged,
  ctx: ActorContext,
  effects: Effect[],
): Judged {
  const now = ctx.now();
  effects.push(latest(state.id, meter, m, unit));
  metric = { ...metric, lastTs: m.ts };
  if (m.quality !== "bad") {
    const settings = meter.detection.baseline;
    const judged = judge(alerts, meterEntity(state.id, m.meterId), {
      name: `${state.config.name} / ${meter.name}`,
      metric: m.metric,
      value: m.value,
      ts: m.ts,
      baseline: baselineValue(metric.baseline, settings),
      spike: meter.detection.spike,
      spikeKey: alertKeys.spike(m.meterId, m.metric),
      limits: limits(state.config, m.meterId, m.metric),
      ruleStates: metric.rules,
    }, ctx);
    alerts = judged.alerts;
    effects.push(...judged.effects);
    metric = {
      ...metric,
      rules: judged.ruleStates,
      baseline: addToBaseline(metric.baseline, m.value, settings),
    };
    if (m.metric === "power") {
      meterState = { ...meterState, power: { kw: toKw(m.value, unit), ts: m.ts } };
      effects.push({ type: "timer", name: "dashboard", at: now + DASHBOARD_REFRESH_MS });
    }
  }
  if (meterState.lastEventAt === undefined || now - meterState.lastEventAt >= READING_EVENT_INTERVAL_MS) {
    meterState = { ...meterState, lastEventAt: now };
    effects.push(readingEvent(state.id, meter, m, unit));
  }
  return { alerts, metric, meter: meterState };
}

function readingEvent(siteId: string, meter: MeterConfig, m: SiteMeasurement, unit: string): Effect {
  return {
    type: "event",
    event: {
      type: "reading",
      kind: "site",
      id: siteId,
      ts: new Date(m.ts).toISOString(),
      entityKind: "meter",
      entityId: m.meterId,
      category: meter.category,
      metric: m.metric,
      value: m.value,
      unit,
      quality: m.quality,
    },
  };
}

/** The meter's gap timer fired: a System alert for that meter if it is still silent. */
export function onMeterGap(state: SiteState, meterId: string, ctx: ActorContext): Step<SiteState> {
  const now = ctx.now();
  const deadline = meterDeadline(state, meterId);
  if (deadline === undefined || !isGap(now, deadline)) return { state, effects: [gapTimer(state, meterId)] };
  const meter = state.config.meters[meterId];
  const lastSeenAt = state.meters[meterId]?.lastSeenAt;
  const since = lastSeenAt === undefined
    ? "since monitoring started"
    : `since ${new Date(lastSeenAt).toISOString()}`;
  const r = raiseAlert(state.alerts, meterEntity(state.id, meterId), {
    type: "System",
    dedupeKey: alertKeys.gap(meterId),
    severity: "warning",
    message:
      `${state.config.name} / ${meter.name}: no data ${since} (expected every ${meter.expectedIntervalS} s, ` +
      `gap after ${meter.detection.gap.factor}x)`,
    ts: now,
    details: { lastSeenAt: lastSeenAt ?? null, deadline, expectedIntervalS: meter.expectedIntervalS },
  }, ctx);
  return { state: { ...state, alerts: r.alerts }, effects: r.effects };
}
