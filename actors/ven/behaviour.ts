/**
 * The VEN actor (seed 002): telemetry on `gridpulse/vens/{id}/telemetry` (panel used/shed kW and load
 * samples) -> `ven_telemetry`, `ven_load_samples`, rollups of used and shed power -> rolling baseline
 * of used power and the detectors (Spike, ThresholdExceeded for alert rules); status on
 * `gridpulse/vens/{id}/status` and silence -> online/offline with a System alert (`presence.ts`);
 * answers on `gridpulse/vens/{id}/events/{eventId}/response` and the delivered shed of ADR events
 * (`events.ts`); live state to the cache (`live.ts`). Pure: the host runs it, owns its timers and
 * commits its effects.
 *
 * Timers: `gap` (offline on silence), `events` (an ADR event starts, ends or is forgotten), `rollup`.
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import { applyAlertCommand, resolveAlert } from "../alerts.ts";
import { addToBaseline, baselineValue, emptyBaseline, resizeBaseline } from "../detectors/baseline.ts";
import { judge, type Limit } from "../detection.ts";
import type {
  ActorContext,
  ActorStart,
  Behaviour,
  Effect,
  HostMessage,
  OpenAlertRecord,
  Step,
} from "../kind.ts";
import { addReading, emptyRollups, restoredRollups, type RollupState } from "../rollup.ts";
import { flushDue, rollupTimer, rollupWrites } from "../rollup_effects.ts";
import { OFFLINE_KEY, SHED_METRIC, USED_METRIC, type VenConfig } from "./config.ts";
import { decodeVenMessage, type VenMessage, type VenTelemetryMessage } from "./decode.ts";
import {
  configureEvents,
  eventChange,
  measure,
  onEventChanged,
  onEventsTimer,
  onResponse,
} from "./events.ts";
import { live, publish, readingEvent } from "./live.ts";
import { trimRecent } from "./participation.ts";
import { gapTimer, onGapTimer, onHeard, onStatusMessage } from "./presence.ts";
import { MAX_RECENT, READING_EVENT_INTERVAL_MS, SINKS, type VenState } from "./state.ts";

export type { VenState };

type Message = VenMessage | HostMessage<VenConfig>;

const SPIKE_KEY = `Spike:${USED_METRIC}`;
const entity = (state: VenState) => ({ kind: "ven" as const, id: state.id, venId: state.id });

function initial(id: string, config: VenConfig, ctx: ActorContext): VenState {
  return {
    id,
    config,
    status: "unknown",
    startedAt: ctx.now(),
    baseline: emptyBaseline(),
    lastTs: 0,
    rules: {},
    rollups: {},
    recent: [],
    events: {},
    responses: {},
    active: [],
    alerts: {},
  };
}

function create(id: string, config: VenConfig, ctx: ActorContext, start?: ActorStart): Step<VenState> {
  const state = initial(id, config, ctx);
  if (start?.noReadings) state.noReadings = true;
  const events = configureEvents(state, config, ctx.now());
  return {
    state: events.state,
    effects: [gapTimer(events.state), ...events.effects, ...publish(events.state, undefined, ctx.now())],
  };
}

type Snapshot = Partial<
  Pick<
    VenState,
    | "status"
    | "statusSource"
    | "lastSeenAt"
    | "last"
    | "baseline"
    | "lastTs"
    | "rules"
    | "rollups"
    | "recent"
    | "events"
    | "responses"
    | "presenceAt"
  >
>;

function restore(
  id: string,
  config: VenConfig,
  snapshot: unknown,
  openAlerts: OpenAlertRecord[],
  ctx: ActorContext,
  start?: ActorStart,
): Step<VenState> {
  const snap = (snapshot ?? {}) as Snapshot;
  const alerts = Object.fromEntries(openAlerts.map((a) => [a.dedupeKey, a]));
  const rollups: Record<string, RollupState> = {};
  for (const [metric, r] of Object.entries(snap.rollups ?? {})) {
    rollups[metric] = restoredRollups(r, start?.completeSnapshot);
  }
  const state: VenState = {
    ...initial(id, config, ctx),
    ...snap,
    // the alerts table is the source of truth: an open offline alert means offline
    status: alerts[OFFLINE_KEY] ? "offline" : snap.status ?? "unknown",
    baseline: resizeBaseline(snap.baseline ?? emptyBaseline(), config.detection.baseline),
    lastTs: snap.lastTs ?? 0,
    rollups,
    active: [],
    alerts,
  };
  const events = configureEvents(state, config, ctx.now());
  return {
    state: events.state,
    effects: [
      gapTimer(events.state),
      rollupTimer(Object.values(rollups), state.lastSeenAt),
      ...events.effects,
    ],
  };
}

function snapshot(state: VenState): unknown {
  // Not `noReadings`: a restored actor may have missed readings committed after its snapshot.
  const {
    id: _id,
    config: _config,
    alerts: _alerts,
    active: _active,
    startedAt: _started,
    noReadings: _noReadings,
    ...rest
  } = state;
  return { v: 1, ...rest };
}

function transition(state: VenState, message: Message, ctx: ActorContext): Step<VenState> {
  switch (message.type) {
    case "telemetry":
      return onTelemetry(state, message, ctx);
    case "status":
      return onStatusMessage(state, message, ctx);
    case "response":
      return onResponse(state, message, ctx);
    case "timer":
      if (message.name === "gap") return onGapTimer(state, ctx);
      if (message.name === "events") return onEventsTimer(state, ctx);
      return onRollupTimer(state, ctx);
    case "configure":
      return onConfigure(state, message.config, ctx);
    case "command": {
      const change = eventChange(message.command);
      if (change) return onEventChanged(state, change, ctx);
      const alerts = applyAlertCommand(state.alerts, message.command);
      if (!alerts || alerts === state.alerts) return { state, effects: [] };
      return { state: { ...state, alerts }, effects: [] };
    }
  }
}

function telemetryRows(state: VenState, m: VenTelemetryMessage): Effect[] {
  const effects: Effect[] = [{
    type: "write",
    sink: SINKS.telemetry,
    row: {
      ven_id: state.id,
      ts: m.ts,
      used_power_kw: m.usedPowerKw,
      shed_power_kw: m.shedPowerKw,
      raw: m.raw,
    },
  }];
  for (const l of m.loads) {
    effects.push({
      type: "write",
      sink: SINKS.loads,
      row: {
        ven_id: state.id,
        ts: m.ts,
        load_id: l.loadId,
        load_type: l.type,
        used_kw: l.usedKw,
        shed_capable_kw: l.shedCapableKw,
        capacity_kw: l.capacityKw ?? null,
      },
    });
  }
  return effects;
}

function onTelemetry(state: VenState, m: VenTelemetryMessage, ctx: ActorContext): Step<VenState> {
  const now = ctx.now();
  const effects = telemetryRows(state, m);
  const heard = onHeard(state, ctx);
  let next = heard.state;
  effects.push(...heard.effects);
  const inOrder = m.ts > state.lastTs;
  const rollups = { ...next.rollups };
  for (const [metric, value] of [[USED_METRIC, m.usedPowerKw], [SHED_METRIC, m.shedPowerKw]] as const) {
    const rolled = addReading(rollups[metric] ?? emptyRollups(state.noReadings), m.ts, value, inOrder);
    rollups[metric] = rolled.state;
    effects.push(...rollupWrites("ven", state.id, metric, rolled.rows));
  }
  next = { ...next, rollups };
  if (inOrder) {
    // A redelivery or a late sample is stored (idempotently) and rolled up, but judges nothing.
    next = detect(next, m, ctx, effects);
    const measured = measure(next, m.ts, m.usedPowerKw);
    effects.push(...measured.effects);
    const window = 2 * next.config.detection.event.baselineWindowS * 1000;
    next = {
      ...next,
      events: measured.events,
      last: { ts: m.ts, usedPowerKw: m.usedPowerKw, shedPowerKw: m.shedPowerKw, loads: m.loads },
      lastTs: m.ts,
      baseline: addToBaseline(next.baseline, m.usedPowerKw, next.config.detection.baseline),
      recent: trimRecent([...next.recent, [m.ts, m.usedPowerKw]], window, MAX_RECENT),
    };
    if (next.lastEventAt === undefined || now - next.lastEventAt >= READING_EVENT_INTERVAL_MS) {
      next.lastEventAt = now;
      effects.push(readingEvent(next, m.ts));
    }
  }
  effects.push(rollupTimer(Object.values(next.rollups), next.lastSeenAt));
  return { state: next, effects };
}

/** Limits per configuration and metric, built once (configurations are replaced, never mutated). */
const limitsCache = new WeakMap<VenConfig, Map<string, Limit[]>>();

function limits(config: VenConfig, metric: string): Limit[] {
  let byMetric = limitsCache.get(config);
  if (!byMetric) limitsCache.set(config, byMetric = new Map());
  let out = byMetric.get(metric);
  if (!out) {
    out = config.rules.filter((r) => r.metric === metric).map((r) => ({
      key: `ThresholdExceeded:rule:${r.id}`,
      rule: r,
      severity: r.severity,
      label: `rule "${r.name}"`,
    }));
    byMetric.set(metric, out);
  }
  return out;
}

/** Spike on used power, alert rules on used and shed power, against the state before this sample. */
function detect(state: VenState, m: VenTelemetryMessage, ctx: ActorContext, effects: Effect[]): VenState {
  const { config } = state;
  let alerts = state.alerts;
  const rules = { ...state.rules };
  for (const [metric, value] of [[USED_METRIC, m.usedPowerKw], [SHED_METRIC, m.shedPowerKw]] as const) {
    const metricLimits = limits(config, metric);
    const r = judge(alerts, entity(state), {
      name: config.name,
      metric,
      value,
      ts: m.ts,
      baseline: metric === USED_METRIC ? baselineValue(state.baseline, config.detection.baseline) : undefined,
      spike: metric === USED_METRIC ? config.detection.spike : { enabled: false, factor: 0 },
      spikeKey: SPIKE_KEY,
      limits: metricLimits,
      ruleStates: rules,
    }, ctx);
    alerts = r.alerts;
    effects.push(...r.effects);
    for (const l of metricLimits) delete rules[l.key];
    Object.assign(rules, r.ruleStates);
  }
  return { ...state, alerts, rules };
}

function onRollupTimer(state: VenState, ctx: ActorContext): Step<VenState> {
  const flushed = flushDue(state.rollups, ctx.now(), state.lastSeenAt);
  const effects = flushed.rows.flatMap(([metric, rows]) => rollupWrites("ven", state.id, metric, rows));
  const next = { ...state, rollups: flushed.states };
  return { state: next, effects: [...effects, rollupTimer(Object.values(next.rollups), next.lastSeenAt)] };
}

function onConfigure(state: VenState, config: VenConfig, ctx: ActorContext): Step<VenState> {
  let next: VenState = {
    ...state,
    config,
    baseline: resizeBaseline(state.baseline, config.detection.baseline),
  };
  const effects: Effect[] = [];
  const ruleKeys = new Set(config.rules.map((r) => `ThresholdExceeded:rule:${r.id}`));
  const stale = Object.keys(state.alerts).filter((k) =>
    (k.startsWith("ThresholdExceeded:") && !ruleKeys.has(k)) ||
    (k === SPIKE_KEY && !config.detection.spike.enabled)
  );
  for (const key of stale) {
    const r = resolveAlert(next.alerts, entity(next), key, ctx.now());
    next = { ...next, alerts: r.alerts };
    effects.push(...r.effects);
  }
  const events = configureEvents(next, config, ctx.now());
  return { state: events.state, effects: [...effects, ...events.effects, gapTimer(events.state)] };
}

/** The VEN behaviour. */
export const venBehaviour: Behaviour<VenState, VenConfig, VenMessage> = {
  kind: "ven",
  topics: (id) => [topics.venTelemetry(id), topics.venStatus(id), topics.venEventResponses(id)],
  decode: decodeVenMessage,
  create,
  restore,
  transition,
  snapshot,
  live,
};
