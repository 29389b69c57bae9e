/**
 * 24 h of 1-minute plant output with real anomalies, and the alerts a detector would have raised for
 * them: pure functions of the plant list, the end of the window and the id namespace, so seeding twice
 * writes the same values and the tests can check every alert against the readings.
 *
 * - Spike: one reading > 3x the mean of the 15 before it (Sunfield PV at dawn, both CHPs at night).
 * - ThresholdExceeded: minutes above nameplate capacity (a North Sea gust, an Alpine Hydro flood release).
 * - System: a data gap (Ridge Wind Park, 25 min, resolved) and a plant silent right now (Valley Storage).
 * @module
 */
import type { PlantDef } from "./catalog.ts";
import { seededRandom, stableId } from "./ids.ts";

/** Minutes in the seeded window. */
export const WINDOW_MINUTES = 1_440;
/** Readings a Spike is compared with. */
export const SPIKE_BASELINE_READINGS = 15;

/** One alert row (seed 000's alerts table, with the lifecycle columns). */
export interface AlertRow {
  id: string;
  entityKind: "plant" | "ven";
  entityId: string;
  plantId: string | null;
  venId: string | null;
  type: "Spike" | "ThresholdExceeded" | "System";
  severity: "info" | "warning" | "critical";
  message: string;
  metric: string | null;
  value: number | null;
  baseline: number | null;
  threshold: number | null;
  dedupeKey: string;
  ts: number;
  lastSeenAt: number;
  occurrences: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  details: Record<string, unknown>;
}

/** A plant's seeded day. */
export interface PlantSeries {
  id: string;
  plant: PlantDef;
  /** Epoch ms and MW, ascending; gaps are missing minutes. */
  readings: { ts: number; value: number }[];
  alerts: AlertRow[];
}

const MIN = 60_000;
const round = (v: number) => Math.round(v * 1000) / 1000;
const hourOf = (ts: number) => (ts / 3_600_000) % 24;

/**
 * Output as a fraction of capacity at `ts` for a plant type, before anomalies (the simulator uses it too).
 * `state.wind` carries the wind's random walk from one call to the next.
 */
export function outputFraction(
  type: PlantDef["type"],
  ts: number,
  rand: () => number,
  state: { wind: number },
): number {
  const h = hourOf(ts);
  switch (type) {
    case "solar": {
      const sun = Math.max(0, Math.sin((Math.PI * (h - 6)) / 12));
      return sun === 0 ? 0 : 0.82 * sun ** 1.2 * (0.85 + 0.15 * rand());
    }
    case "wind":
      state.wind = Math.min(0.9, Math.max(0.08, state.wind + (rand() - 0.5) * 0.04));
      return state.wind;
    case "battery":
      if (h >= 17 && h < 21) return 0.6 + 0.05 * rand();
      if (h >= 10 && h < 14) return -0.5 - 0.05 * rand();
      return (rand() - 0.5) * 0.04;
    case "hydro":
      return 0.62 + 0.03 * (rand() - 0.5);
    case "chp":
      return (h >= 6 && h < 22 ? 0.75 : 0.22) + 0.02 * (rand() - 0.5);
    case "gas_peaker":
      return h >= 17 && h < 20.5 ? 0.85 + 0.04 * (rand() - 0.5) : 0;
  }
}

/** The index of the window minute at hour-of-day `hour` (UTC), kept away from the window's edges. */
function indexAtHour(start: number, hour: number): number {
  const offset = ((hour - hourOf(start)) % 24 + 24) % 24;
  const i = Math.round(offset * 60);
  return Math.min(WINDOW_MINUTES - 40, Math.max(40, i));
}

/** Generates every plant's day; `end` is the last minute of the window (epoch ms, whole minute). */
export function plantSeries(plants: PlantDef[], end: number, namespace: string): PlantSeries[] {
  const start = end - (WINDOW_MINUTES - 1) * MIN;
  return plants.map((plant) => {
    const id = stableId(namespace, "plant", plant.name);
    const rand = seededRandom(plant.name);
    const state = { wind: 0.45 + 0.2 * rand() };
    const values: (number | undefined)[] = Array.from(
      { length: WINDOW_MINUTES },
      (_, i) =>
        plant.status === "maintenance"
          ? 0
          : round(plant.capacityMw * outputFraction(plant.type, start + i * MIN, rand, state)),
    );
    const series: PlantSeries = { id, plant, readings: [], alerts: [] };
    const ctx = { series, values, start, end, namespace };
    switch (plant.name) {
      case "Sunfield PV Array":
        spike(ctx, indexAtHour(start, 7), 3.3, { ack: true, resolve: true });
        break;
      case "Meridian CHP":
        spike(ctx, indexAtHour(start, 3), 3.5, { ack: true, resolve: false });
        break;
      case "Campus CHP":
        spike(ctx, indexAtHour(start, 1.5), 3.8, { ack: false, resolve: false });
        break;
      case "North Sea Wind Farm":
        breach(ctx, indexAtHour(start, 14), [1.04, 1.07, 1.09, 1.06, 1.05], { ack: true, resolve: true });
        break;
      case "Alpine Hydro":
        breach(ctx, indexAtHour(start, 9), [1.02, 1.05, 1.03], { ack: false, resolve: false });
        break;
      case "Ridge Wind Park":
        gap(ctx, WINDOW_MINUTES - 360, 25, true);
        break;
      case "Valley Storage":
        gap(ctx, WINDOW_MINUTES - 12, 12, false);
        break;
    }
    values.forEach((value, i) => value !== undefined && series.readings.push({ ts: start + i * MIN, value }));
    return series;
  });
}

interface Ctx {
  series: PlantSeries;
  values: (number | undefined)[];
  start: number;
  end: number;
  namespace: string;
}

function alert(
  ctx: Ctx,
  fields: Omit<AlertRow, "id" | "entityKind" | "entityId" | "plantId" | "venId">,
): AlertRow {
  const row: AlertRow = {
    id: stableId(ctx.namespace, "alert", ctx.series.plant.name, fields.type, fields.ts),
    entityKind: "plant",
    entityId: ctx.series.id,
    plantId: ctx.series.id,
    venId: null,
    ...fields,
  };
  ctx.series.alerts.push(row);
  return row;
}

function lifecycle(ts: number, opts: { ack: boolean; resolve: boolean }, resolvedAt: number) {
  return {
    acknowledgedAt: opts.ack ? ts + 4 * MIN : null,
    acknowledgedBy: opts.ack ? "operator" : null,
    resolvedAt: opts.resolve ? Math.max(resolvedAt, opts.ack ? ts + 5 * MIN : 0) : null,
    resolvedBy: opts.resolve ? (opts.ack ? "operator" : "system") : null,
  };
}

function spike(ctx: Ctx, i: number, factor: number, opts: { ack: boolean; resolve: boolean }): void {
  const before = ctx.values.slice(i - SPIKE_BASELINE_READINGS, i) as number[];
  const baseline = before.reduce((a, b) => a + b, 0) / before.length;
  const value = round(baseline * factor);
  if (!(value > 3 * baseline) || value >= ctx.series.plant.capacityMw) {
    throw new Error(`Seed spike for ${ctx.series.plant.name} is not a clean spike (${value} vs ${baseline})`);
  }
  ctx.values[i] = value;
  const ts = ctx.start + i * MIN;
  alert(ctx, {
    type: "Spike",
    severity: "warning",
    message: `Output ${value.toFixed(2)} MW is ${
      (value / baseline).toFixed(1)
    }x the ${SPIKE_BASELINE_READINGS}-min baseline of ${baseline.toFixed(2)} MW`,
    metric: "power_mw",
    value,
    baseline: round(baseline),
    threshold: round(3 * baseline),
    dedupeKey: "Spike:power_mw",
    ts,
    lastSeenAt: ts,
    occurrences: 1,
    ...lifecycle(ts, opts, ts + MIN),
    details: { factor: round(value / baseline), window: SPIKE_BASELINE_READINGS },
  });
}

function breach(ctx: Ctx, i: number, factors: number[], opts: { ack: boolean; resolve: boolean }): void {
  const capacity = ctx.series.plant.capacityMw;
  // a plausible run-up to the breach
  for (let k = 1; k <= 10; k++) ctx.values[i - k] = round(capacity * (0.97 - k * 0.02));
  factors.forEach((f, k) => ctx.values[i + k] = round(capacity * f));
  const ts = ctx.start + i * MIN;
  const last = ts + (factors.length - 1) * MIN;
  const peak = round(capacity * Math.max(...factors));
  alert(ctx, {
    type: "ThresholdExceeded",
    severity: "critical",
    message: `Output ${peak.toFixed(2)} MW above the ${capacity} MW capacity for ${factors.length} min`,
    metric: "power_mw",
    value: peak,
    baseline: null,
    threshold: capacity,
    dedupeKey: "ThresholdExceeded:power_mw",
    ts,
    lastSeenAt: last,
    occurrences: factors.length,
    ...lifecycle(ts, opts, last + MIN),
    details: { capacityMw: capacity },
  });
}

function gap(ctx: Ctx, i: number, minutes: number, resolved: boolean): void {
  for (let k = 0; k < minutes && i + k < WINDOW_MINUTES; k++) ctx.values[i + k] = undefined;
  const lastSeen = ctx.start + (i - 1) * MIN;
  const ts = lastSeen + 3 * MIN; // the gap detector fires after 3x the expected 60 s interval
  alert(ctx, {
    type: "System",
    severity: "warning",
    message: resolved
      ? `No data for ${minutes} min (expected every 60 s); data resumed`
      : `No data since ${new Date(lastSeen).toISOString()} (expected every 60 s)`,
    metric: "power_mw",
    value: null,
    baseline: null,
    threshold: null,
    dedupeKey: "System:gap",
    ts,
    lastSeenAt: ts,
    occurrences: 1,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: resolved ? lastSeen + (minutes + 1) * MIN : null,
    resolvedBy: resolved ? "system" : null,
    details: {
      lastReadingAt: new Date(lastSeen).toISOString(),
      expectedIntervalS: 60,
      ...(resolved ? { gapMinutes: minutes } : {}),
    },
  });
}
