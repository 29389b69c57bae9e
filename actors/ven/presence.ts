/**
 * Whether a VEN is online: what it reports on its status topic, what its telemetry implies (a VEN that
 * sends telemetry is online), and what its silence implies: no telemetry or status for `gap.factor` x
 * `expected_interval_s` makes it offline, on time, by the host timer `gap`. Going offline (either way)
 * opens one `System` alert; coming back resolves it. Every report is a `ven_statuses` row (source
 * `device`); inferred changes are rows with source `detector`. `vens.status`/`last_seen_at` follow.
 * @module
 */
import { raiseAlert, resolveAlert } from "../alerts.ts";
import { gapDeadlineSince, isGap } from "../detectors/gap.ts";
import type { ActorContext, Effect, Step } from "../kind.ts";
import { OFFLINE_KEY } from "./config.ts";
import type { VenStatusMessage } from "./decode.ts";
import { publish } from "./live.ts";
import { PRESENCE_INTERVAL_MS, SINKS, type VenState, type VenStatus } from "./state.ts";

const entity = (state: VenState) => ({ kind: "ven" as const, id: state.id, venId: state.id });

/** The offline deadline, or undefined when silence is not watched (disabled, or already offline). */
export function deadlineOf(state: VenState): number | undefined {
  const { config } = state;
  if (!config.detection.gap.enabled || state.status === "offline") return undefined;
  return gapDeadlineSince(
    state.lastSeenAt,
    state.startedAt,
    config.expectedIntervalS,
    config.detection.gap.factor,
  );
}

/** (Re)arms the `gap` timer at the deadline, or cancels it. */
export function gapTimer(state: VenState): Effect {
  return { type: "timer", name: "gap", at: deadlineOf(state) };
}

/** A `vens` row update (status, last seen), when the status changed or it is due. */
function presence(state: VenState, before: VenState, now: number): { state: VenState; effects: Effect[] } {
  const due = state.status !== before.status || state.presenceAt === undefined ||
    now - state.presenceAt >= PRESENCE_INTERVAL_MS;
  if (!due || state.status === "unknown") return { state, effects: [] };
  return {
    state: { ...state, presenceAt: now },
    effects: [{
      type: "write",
      sink: SINKS.presence,
      row: { ven_id: state.id, status: state.status, last_seen_at: state.lastSeenAt ?? null },
    }],
  };
}

interface Change {
  status: Exclude<VenStatus, "unknown">;
  source: "device" | "detector";
  /** Status row time: the report's own, or the host clock for inferred changes. */
  ts: number;
  details: Record<string, unknown>;
  /** Write a `ven_statuses` row even when nothing changed (every report is history). */
  record: boolean;
  /** The alert message when going offline. */
  message?: string;
}

function apply(state: VenState, change: Change, ctx: ActorContext): Step<VenState> {
  const now = ctx.now();
  const effects: Effect[] = [];
  const changed = state.status !== change.status;
  if (change.record || changed) {
    effects.push({
      type: "write",
      sink: SINKS.statuses,
      row: {
        ven_id: state.id,
        ts: change.ts,
        status: change.status,
        source: change.source,
        details: change.details,
      },
    });
  }
  let next: VenState = { ...state, status: change.status, statusSource: change.source };
  const r = change.status === "offline"
    ? raiseAlert(next.alerts, entity(next), {
      type: "System",
      dedupeKey: OFFLINE_KEY,
      severity: "warning",
      message: change.message ?? `${next.config.name}: offline`,
      ts: now,
      details: { source: change.source, lastSeenAt: next.lastSeenAt ?? null, ...change.details },
    }, ctx)
    : resolveAlert(next.alerts, entity(next), OFFLINE_KEY, now);
  // a VEN that keeps reporting offline bumps its alert; other repeats change nothing
  if (changed || change.status === "offline") {
    next = { ...next, alerts: r.alerts };
    effects.push(...r.effects);
  }
  const p = presence(next, state, now);
  return {
    state: p.state,
    effects: [...effects, ...p.effects, gapTimer(p.state), ...publish(p.state, state, now)],
  };
}

/** A report on the status topic. */
export function onStatusMessage(
  state: VenState,
  message: VenStatusMessage,
  ctx: ActorContext,
): Step<VenState> {
  const seen: VenState = { ...state, lastSeenAt: ctx.now() };
  const reason = typeof message.details.reason === "string" ? `: ${message.details.reason}` : "";
  return apply(seen, {
    status: message.status,
    source: "device",
    ts: message.ts,
    details: message.details,
    record: true,
    message: `${state.config.name}: reported offline${reason}`,
  }, ctx);
}

/** Telemetry arrived: the VEN is online (an offline one is back), and its deadline moves. */
export function onHeard(state: VenState, ctx: ActorContext): Step<VenState> {
  const now = ctx.now();
  const seen: VenState = { ...state, lastSeenAt: now };
  if (state.status !== "online") {
    return apply(seen, {
      status: "online",
      source: "detector",
      ts: now,
      details: { reason: "telemetry received" },
      record: true,
    }, ctx);
  }
  const p = presence(seen, state, now);
  return { state: p.state, effects: [...p.effects, gapTimer(p.state)] };
}

/** The `gap` timer: silent past the deadline means offline. */
export function onGapTimer(state: VenState, ctx: ActorContext): Step<VenState> {
  const now = ctx.now();
  const deadline = deadlineOf(state);
  if (deadline === undefined || !isGap(now, deadline)) return { state, effects: [gapTimer(state)] };
  const { config } = state;
  const since = state.lastSeenAt === undefined
    ? "since monitoring started"
    : `since ${new Date(state.lastSeenAt).toISOString()}`;
  return apply(state, {
    status: "offline",
    source: "detector",
    ts: now,
    details: { reason: "silent", deadline, expectedIntervalS: config.expectedIntervalS },
    record: true,
    message:
      `${config.name}: offline, nothing heard ${since} (expected every ${config.expectedIntervalS} s, ` +
      `offline after ${config.detection.gap.factor}x)`,
  }, ctx);
}
