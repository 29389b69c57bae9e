/**
 * The VEN actor's ADR events: which it takes part in (its configuration at start, then `event.changed`
 * commands, which the catalog completes with the event's schedule and this VEN's answer), its answers
 * (opt-in/opt-out on `gridpulse/vens/{id}/events/{eventId}/response`, recorded in `adr_participation`),
 * and what it delivers while one runs (`participation.ts`), written to `adr_participation` as it goes.
 * The `events` timer fires at the next start or end, so the live state lists the events in progress
 * on time even when the VEN is silent.
 * @module
 */
import { baselineValue } from "../detectors/baseline.ts";
import type { ActorCommand, ActorContext, Effect, Step } from "../kind.ts";
import type { Opt, VenConfig, VenEventSchedule } from "./config.ts";
import type { VenResponseMessage } from "./decode.ts";
import { publish } from "./live.ts";
import {
  addSample,
  deliveredShedKw,
  isActive,
  newParticipation,
  type Participation,
  replay,
  type SampleOptions,
  withOpt,
} from "./participation.ts";
import { EVENT_GRACE_MS, MAX_RESPONSES, SINKS, type VenState } from "./state.ts";

/** The schedule an `event.changed` command carries once the catalog completed it. */
export interface EventChange {
  eventId: string;
  /** `deleted`, `cancelled` (also: no longer targeting this VEN), or the event's status. */
  status: string;
  event?: VenEventSchedule;
}

/** Measurement settings of this VEN now. */
export function sampleOptions(state: VenState): SampleOptions {
  const { detection, expectedIntervalS } = state.config;
  return {
    windowMs: detection.event.baselineWindowS * 1000,
    maxStepMs: detection.gap.factor * expectedIntervalS * 1000,
    fallbackKw: baselineValue(state.baseline, detection.baseline),
  };
}

/** The `adr_participation` progress row of a participation. */
function progressRow(venId: string, p: Participation): Effect {
  return {
    type: "write",
    sink: SINKS.progress,
    row: {
      event_id: p.id,
      ven_id: venId,
      baseline_kw: p.baselineKw ?? null,
      delivered_shed_kw: deliveredShedKw(p),
      delivered_kwh: p.baselineKw === null || p.baselineKw === undefined ? null : p.deliveredKwh,
      samples: p.samples,
      last_sample_at: p.lastSampleTs ?? null,
    },
  };
}

/** Ids of the events in progress at `now`, in start order. */
function activeIds(events: VenState["events"], now: number): string[] {
  return Object.values(events).filter((p) => isActive(p, now)).sort((a, b) =>
    a.start - b.start || (a.id < b.id ? -1 : 1)
  )
    .map((p) => p.id);
}

/** The next start, end or forget time after `now`, for the `events` timer. */
export function eventsTimer(state: VenState, now: number): Effect {
  let at: number | undefined;
  for (const p of Object.values(state.events)) {
    for (const t of [p.start, p.end, p.end + EVENT_GRACE_MS]) {
      if (t > now && (at === undefined || t < at)) at = t;
    }
  }
  return { type: "timer", name: "events", at };
}

/** Settles the events at `now`: the active list, and events forgotten after their grace. */
function settle(state: VenState, before: VenState, now: number, effects: Effect[]): Step<VenState> {
  const events: VenState["events"] = {};
  for (const [id, p] of Object.entries(state.events)) if (now < p.end + EVENT_GRACE_MS) events[id] = p;
  const next = { ...state, events, active: activeIds(events, now) };
  return { state: next, effects: [...effects, eventsTimer(next, now), ...publish(next, before, now)] };
}

/** Adds or updates an event; a new (or moved) one gets the recent samples replayed. */
function learn(state: VenState, schedule: VenEventSchedule, effects: Effect[]): VenState {
  const known = state.events[schedule.id];
  const early = state.responses[schedule.id];
  const opt: Opt = early ?? (schedule.opt !== "pending" ? schedule.opt : known?.opt ?? "pending");
  let p: Participation;
  if (known && known.start === schedule.start) {
    p = withOpt({ ...known, name: schedule.name, end: schedule.end, cancelled: false }, opt);
    if (p.baselineKw === undefined && schedule.baselineKw !== undefined) {
      p = { ...p, baselineKw: schedule.baselineKw };
    }
  } else {
    p = replay(newParticipation({ ...schedule, opt }), state.recent, sampleOptions(state));
    if (p.samples > 0) effects.push(progressRow(state.id, p));
  }
  const { [schedule.id]: _, ...responses } = state.responses;
  return { ...state, events: { ...state.events, [schedule.id]: p }, responses };
}

/** The events of a (re)loaded configuration: new ones are learned, known ones keep their measurements. */
export function configureEvents(state: VenState, config: VenConfig, now: number): Step<VenState> {
  const effects: Effect[] = [];
  let next = state;
  for (const schedule of config.events) next = learn(next, schedule, effects);
  return settle(next, state, now, effects);
}

/** Reads an `event.changed` command; undefined when it is not one. */
export function eventChange(command: ActorCommand): EventChange | undefined {
  if (command.type !== "event.changed" || typeof command.eventId !== "string") return undefined;
  return {
    eventId: command.eventId,
    status: String(command.status ?? ""),
    event: command.event as VenEventSchedule,
  };
}

/** An `event.changed` command: learn the new schedule, or stop measuring a cancelled or deleted event. */
export function onEventChanged(state: VenState, change: EventChange, ctx: ActorContext): Step<VenState> {
  const effects: Effect[] = [];
  let next = state;
  const known = state.events[change.eventId];
  if (change.status === "deleted") {
    const { [change.eventId]: _, ...events } = state.events;
    next = { ...state, events };
  } else if (change.status === "cancelled") {
    // what was measured stays recorded; nothing more is
    if (known) next = { ...state, events: { ...state.events, [known.id]: { ...known, cancelled: true } } };
  } else if (change.event) {
    next = learn(state, change.event, effects);
  }
  // without a schedule (a runtime that did not complete the command) starts and ends follow the clock
  return settle(next, state, ctx.now(), effects);
}

/** An answer on the response topic: recorded, and remembered for the event. */
export function onResponse(state: VenState, message: VenResponseMessage, ctx: ActorContext): Step<VenState> {
  const at = message.ts ?? ctx.now();
  const effects: Effect[] = [{
    type: "write",
    sink: SINKS.responses,
    row: { event_id: message.eventId, ven_id: state.id, opt: message.opt, responded_at: at },
  }];
  const known = state.events[message.eventId];
  let next: VenState;
  if (known) next = { ...state, events: { ...state.events, [known.id]: withOpt(known, message.opt) } };
  else {
    // The VEN may answer before the API's notice reaches this actor: kept until the event is learned.
    const ids = Object.keys(state.responses).filter((id) => id !== message.eventId);
    const kept = ids.slice(Math.max(0, ids.length - MAX_RESPONSES + 1));
    next = {
      ...state,
      responses: {
        ...Object.fromEntries(kept.map((id) => [id, state.responses[id]])),
        [message.eventId]: message.opt,
      },
    };
  }
  return settle(next, state, ctx.now(), effects);
}

/** Counts an in-order telemetry sample in every event it falls into; progress rows for those it changed. */
export function measure(
  state: VenState,
  ts: number,
  usedKw: number,
): { events: VenState["events"]; effects: Effect[] } {
  const options = sampleOptions(state);
  const effects: Effect[] = [];
  let events = state.events;
  for (const [id, p] of Object.entries(state.events)) {
    const next = addSample(p, ts, usedKw, options);
    if (next === p) continue;
    if (events === state.events) events = { ...state.events };
    events[id] = next;
    if (next.samples !== p.samples) effects.push(progressRow(state.id, next));
  }
  return { events, effects };
}

/** The `events` timer: an event started or ended, or is forgotten. */
export function onEventsTimer(state: VenState, ctx: ActorContext): Step<VenState> {
  return settle(state, state, ctx.now(), []);
}
