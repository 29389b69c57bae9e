/**
 * What a VEN delivered in an ADR event, measured from its own telemetry (pure functions over
 * JSON-serialisable state, like the detectors).
 *
 * - Pre-event baseline: the mean used power over the `windowMs` before the event's start, accumulated
 *   as samples arrive (and seeded from the recent samples when the actor learns of the event late);
 *   for an event that started before the actor could see that window, the catalog's mean from
 *   `ven_telemetry`; with neither, the rolling baseline of used power at the event's first sample.
 * - During the event (start <= ts < end), each sample delivers `max(0, baseline - used)` kW; its
 *   energy is that power over the time since the previous sample (or since the start), capped at
 *   `maxStepMs` so a silent VEN is not credited with the whole silence.
 * - `deliveredShedKw` is the mean of the per-sample values; samples at or before the last one counted
 *   (a redelivery) and samples outside the window change nothing.
 *
 * @example
 * ```ts
 * import { addSample, newParticipation } from "./actors/ven/participation.ts";
 * let p = newParticipation({ id: "e", name: "Peak", start: 60_000, end: 120_000, opt: "optIn" });
 * p = addSample(p, 30_000, 100, { windowMs: 60_000, maxStepMs: 30_000 }); // before: baseline 100
 * p = addSample(p, 90_000, 70, { windowMs: 60_000, maxStepMs: 30_000 }); // during: 30 kW shed
 * ```
 * @module
 */
import type { Opt, VenEventSchedule } from "./config.ts";

/** One sample of panel used power: `[ts, usedKw]`. */
export type UsedSample = [number, number];

/** A VEN's participation in one event. */
export interface Participation extends Omit<VenEventSchedule, "baselineKw"> {
  /** Cancelled (or no longer targeting this VEN): nothing more is measured. */
  cancelled: boolean;
  /** Used power before the start: sum and count of the samples in the baseline window. */
  pre: { sum: number; count: number };
  /** From the schedule (an event already started), else fixed at the first sample in it; null: none. */
  baselineKw?: number | null;
  /** Samples counted in the event. */
  samples: number;
  /** Sum of the per-sample delivered kW. */
  shedSumKw: number;
  deliveredKwh: number;
  /** Timestamp of the last sample counted in the event. */
  lastSampleTs?: number;
}

/** Measurement settings. */
export interface SampleOptions {
  /** The pre-event baseline window. */
  windowMs: number;
  /** At most this much time is credited to one sample. */
  maxStepMs: number;
  /** The rolling baseline of used power before this sample (the fallback baseline). */
  fallbackKw?: number;
}

/** A participation with nothing measured yet. */
export function newParticipation(schedule: VenEventSchedule): Participation {
  return {
    ...schedule,
    cancelled: false,
    pre: { sum: 0, count: 0 },
    samples: 0,
    shedSumKw: 0,
    deliveredKwh: 0,
  };
}

/** Whether samples still count: not cancelled and not opted out. */
export function measures(p: Participation): boolean {
  return !p.cancelled && p.opt !== "optOut";
}

/** Whether the event is in progress for this VEN at `now` (it did not opt out). */
export function isActive(p: Participation, now: number): boolean {
  return measures(p) && p.start <= now && now < p.end;
}

/** The participation after one in-order sample (the same object when the sample changes nothing). */
export function addSample(
  p: Participation,
  ts: number,
  usedKw: number,
  options: SampleOptions,
): Participation {
  if (!measures(p)) return p;
  if (ts < p.start) {
    if (ts < p.start - options.windowMs) return p;
    return { ...p, pre: { sum: p.pre.sum + usedKw, count: p.pre.count + 1 } };
  }
  if (ts >= p.end || (p.lastSampleTs !== undefined && ts <= p.lastSampleTs)) return p;
  const baselineKw = p.baselineKw !== undefined
    ? p.baselineKw
    : p.pre.count > 0
    ? p.pre.sum / p.pre.count
    : options.fallbackKw ?? null;
  const shedKw = baselineKw === null ? 0 : Math.max(0, baselineKw - usedKw);
  const stepMs = Math.min(ts - Math.max(p.lastSampleTs ?? p.start, p.start), options.maxStepMs);
  return {
    ...p,
    baselineKw,
    samples: p.samples + 1,
    shedSumKw: p.shedSumKw + shedKw,
    deliveredKwh: p.deliveredKwh + (shedKw * stepMs) / 3_600_000,
    lastSampleTs: ts,
  };
}

/** Replays `recent` (oldest first) into a participation the actor just learned of. */
export function replay(
  p: Participation,
  recent: readonly UsedSample[],
  options: SampleOptions,
): Participation {
  let out = p;
  for (const [ts, used] of recent) out = addSample(out, ts, used, options);
  return out;
}

/** The mean delivered shed in kW, or null before any sample or without a baseline. */
export function deliveredShedKw(p: Participation): number | null {
  if (p.samples === 0 || p.baselineKw === null || p.baselineKw === undefined) return null;
  return p.shedSumKw / p.samples;
}

/** Keeps the last `max` samples that are at most `keepMs` older than the newest. */
export function trimRecent(recent: UsedSample[], keepMs: number, max: number): UsedSample[] {
  const newest = recent.at(-1)?.[0];
  if (newest === undefined) return recent;
  let from = Math.max(0, recent.length - max);
  while (from < recent.length && recent[from][0] < newest - keepMs) from++;
  return from === 0 ? recent : recent.slice(from);
}

/** The answer recorded for an event, applied to a participation. */
export function withOpt(p: Participation, opt: Opt): Participation {
  return p.opt === opt ? p : { ...p, opt };
}
