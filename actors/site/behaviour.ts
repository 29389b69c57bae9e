/**
 * The site actor (seeds 001 and 004): one actor per site owns its meters. Measurements on
 * `gridpulse/sites/{siteId}/meters/{meterId}` (every category) -> `measurements`, the latest value of
 * each sensor in the cache, rollups (series `meter`), per-metric baselines and detectors, and per
 * meter a data-gap deadline from its own reading frequency (`meters.ts`); the site dashboard in the
 * cache (`live.ts`). A meter id that is not one of the site's active meters is refused with that reason.
 * Measurements of the site's assets and energy sources (`.../assets/{assetId}`,
 * `.../energy-sources/{sourceId}`) are stored and become latest values (`equipment.ts`); one of an
 * asset or energy source that is not the site's is refused likewise.
 * Pure: the host runs it, owns its timers and commits its effects.
 *
 * Timers: `gap:{meterId}` per meter, `rollup`, `dashboard` (keeps the 1-minute dashboard alive while
 * some meter's power is current).
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import { applyAlertCommand, resolveAlert } from "../alerts.ts";
import { resizeBaseline } from "../detectors/baseline.ts";
import type {
  ActorContext,
  ActorStart,
  Behaviour,
  Effect,
  HostMessage,
  OpenAlertRecord,
  Step,
} from "../kind.ts";
import { restoredRollups, type RollupState } from "../rollup.ts";
import { flushDue, rollupDeadline, rollupWrites } from "../rollup_effects.ts";
import { alertKeys, type SiteConfig } from "./config.ts";
import { decodeMeasurement, type SiteMessage } from "./decode.ts";
import { onEquipmentMeasurement, restoredEquipment } from "./equipment.ts";
import { currentPowers, live } from "./live.ts";
import { gapTimer, meterEntity, onMeasurement, onMeterGap } from "./meters.ts";
import { DASHBOARD_REFRESH_MS, type EquipmentState, type MeterState, type SiteState } from "./state.ts";

export type { SiteState };

type Message = SiteMessage | HostMessage<SiteConfig>;

function create(id: string, config: SiteConfig, ctx: ActorContext, start?: ActorStart): Step<SiteState> {
  const state: SiteState = { id, config, startedAt: ctx.now(), meters: {}, equipment: {}, alerts: {} };
  if (start?.noReadings) state.noReadings = true;
  return { state, effects: Object.keys(config.meters).map((m) => gapTimer(state, m)) };
}

function restore(
  id: string,
  config: SiteConfig,
  snapshot: unknown,
  openAlerts: OpenAlertRecord[],
  ctx: ActorContext,
  start?: ActorStart,
): Step<SiteState> {
  const snap = (snapshot ?? {}) as {
    meters?: Record<string, MeterState>;
    equipment?: Record<string, EquipmentState>;
  };
  const meters: Record<string, MeterState> = {};
  for (const [meterId, meter] of Object.entries(snap.meters ?? {})) {
    const settings = config.meters[meterId]?.detection.baseline;
    if (!settings) continue; // a meter that left the site meanwhile
    const metrics: MeterState["metrics"] = {};
    for (const [name, m] of Object.entries(meter.metrics)) {
      metrics[name] = {
        ...m,
        baseline: resizeBaseline(m.baseline, settings),
        rollup: restoredRollups(m.rollup, start?.completeSnapshot),
      };
    }
    meters[meterId] = { ...meter, metrics };
  }
  const alerts = Object.fromEntries(openAlerts.map((a) => [a.dedupeKey, a]));
  const equipment = restoredEquipment(config, snap.equipment);
  const state: SiteState = { id, config, startedAt: ctx.now(), meters, equipment, alerts };
  const effects = Object.keys(config.meters).map((m) => gapTimer(state, m));
  return { state, effects: [...effects, rollupTimer(state), dashboardTimer(state, ctx.now())] };
}

function snapshot(state: SiteState): unknown {
  return { v: 1, meters: state.meters, equipment: state.equipment };
}

function transition(state: SiteState, message: Message, ctx: ActorContext): Step<SiteState> {
  switch (message.type) {
    case "measurement": {
      const step = onMeasurement(state, message, ctx);
      return step.state === state
        ? step
        : { state: step.state, effects: [...step.effects, rollupTimer(step.state)] };
    }
    case "equipment":
      return onEquipmentMeasurement(state, message, ctx);
    case "timer":
      if (message.name.startsWith("gap:")) return onMeterGap(state, message.name.slice(4), ctx);
      if (message.name === "dashboard") return { state, effects: [dashboardTimer(state, ctx.now())] };
      return onRollupTimer(state, ctx);
    case "configure":
      return onConfigure(state, message.config, ctx);
    case "command": {
      const alerts = applyAlertCommand(state.alerts, message.command);
      if (!alerts || alerts === state.alerts) return { state, effects: [] };
      return { state: { ...state, alerts }, effects: [] };
    }
  }
}

/**
 * The `dashboard` timer: while some meter's power is current, a transition every
 * {@linkcode DASHBOARD_REFRESH_MS} makes the host write the dashboard again before its TTL ends.
 */
function dashboardTimer(state: SiteState, now: number): Effect {
  return {
    type: "timer",
    name: "dashboard",
    at: currentPowers(state).length ? now + DASHBOARD_REFRESH_MS : undefined,
  };
}

/** The earliest rollup deadline over every meter, each judged by its own last reading. */
function rollupTimer(state: SiteState): Effect {
  let at: number | undefined;
  for (const meter of Object.values(state.meters)) {
    const due = rollupDeadline(Object.values(meter.metrics).map((m) => m.rollup), meter.lastSeenAt);
    if (due !== undefined && (at === undefined || due < at)) at = due;
  }
  return { type: "timer", name: "rollup", at };
}

function onRollupTimer(state: SiteState, ctx: ActorContext): Step<SiteState> {
  const effects: Effect[] = [];
  const meters = { ...state.meters };
  for (const [meterId, meter] of Object.entries(state.meters)) {
    const rollups: Record<string, RollupState> = {};
    for (const [name, m] of Object.entries(meter.metrics)) rollups[name] = m.rollup;
    const flushed = flushDue(rollups, ctx.now(), meter.lastSeenAt);
    if (flushed.rows.length === 0) continue;
    const metrics = { ...meter.metrics };
    for (const [name, rows] of flushed.rows) {
      metrics[name] = { ...metrics[name], rollup: flushed.states[name] };
      effects.push(...rollupWrites("meter", meterId, name, rows));
    }
    meters[meterId] = { ...meter, metrics };
  }
  const next = { ...state, meters };
  return { state: next, effects: [...effects, rollupTimer(next)] };
}

/** New meters get deadlines; meters that left, rules removed and spike detection turned off lose their alerts. */
function onConfigure(state: SiteState, config: SiteConfig, ctx: ActorContext): Step<SiteState> {
  const meters: Record<string, MeterState> = {};
  for (const [meterId, meter] of Object.entries(state.meters)) {
    const settings = config.meters[meterId]?.detection.baseline;
    if (!settings) continue;
    const metrics: MeterState["metrics"] = {};
    for (const [name, m] of Object.entries(meter.metrics)) {
      metrics[name] = { ...m, baseline: resizeBaseline(m.baseline, settings) };
    }
    meters[meterId] = { ...meter, metrics };
  }
  let next: SiteState = { ...state, config, meters, equipment: restoredEquipment(config, state.equipment) };
  const effects: Effect[] = [];
  // a rule still configured but moved to another meter (or from every meter to one) no longer judges this one
  const ruleApplies = (ruleId: string, meterId: string) =>
    config.rules.some((r) => r.id === ruleId && (r.meterId === null || r.meterId === meterId));
  for (const key of Object.keys(state.alerts)) {
    const meterId = alertKeys.meterOf(key);
    const meter = config.meters[meterId];
    const stale = !meter ||
      (key.startsWith("ThresholdExceeded:rule:") && !ruleApplies(key.split(":")[2], meterId)) ||
      (key.startsWith("Spike:") && !meter.detection.spike.enabled) ||
      (key === alertKeys.gap(meterId) && !meter.detection.gap.enabled);
    if (!stale) continue;
    const r = resolveAlert(next.alerts, meterEntity(state.id, meterId), key, ctx.now());
    next = { ...next, alerts: r.alerts };
    effects.push(...r.effects);
  }
  const gone = Object.keys(state.config.meters).filter((id) => !config.meters[id]);
  effects.push(
    ...gone.map((id) => ({ type: "timer" as const, name: `gap:${id}`, at: undefined })),
    ...Object.keys(config.meters).map((id) => gapTimer(next, id)),
    rollupTimer(next),
  );
  return { state: next, effects };
}

/** The site behaviour. */
export const siteBehaviour: Behaviour<SiteState, SiteConfig, SiteMessage> = {
  kind: "site",
  topics: (id) => [topics.siteMeters(id), topics.siteAssets(id), topics.siteEnergySources(id)],
  decode: decodeMeasurement,
  create,
  restore,
  transition,
  snapshot,
  live,
};
