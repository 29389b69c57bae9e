/**
 * The rolling baseline of one metric: the last `window` values summarised by their mean, their median,
 * or an exponentially weighted moving average. No decision may use it before `warmup` values were seen.
 * Pure: every update returns a new state (the window is a small bounded array).
 *
 * @example
 * ```ts
 * import { addToBaseline, baselineValue, emptyBaseline } from "./actors/detectors/baseline.ts";
 * const settings = { method: "median", window: 5, warmup: 3 } as const;
 * let state = emptyBaseline();
 * for (const v of [10, 12, 11]) state = addToBaseline(state, v, settings);
 * console.log(baselineValue(state, settings)); // 11
 * ```
 * @module
 */

/** How the window is summarised. */
export type BaselineMethod = "mean" | "median" | "ewma";

/** Baseline settings (plants.detection.baseline). */
export interface BaselineSettings {
  method: BaselineMethod;
  /** Values kept (mean, median) or the EWMA span (alpha = 2 / (window + 1) unless `alpha` is set). */
  window: number;
  /** Values needed before the baseline is used for any decision. */
  warmup: number;
  /** EWMA smoothing factor in (0, 1]. */
  alpha?: number;
}

/** The baseline state; JSON-serialisable (actor snapshots). */
export interface BaselineState {
  /** The last `window` values, oldest first. */
  values: number[];
  /** The EWMA, once a value was seen. */
  ewma?: number;
  /** Values seen in total (capped at warm-up relevance: it only has to reach `warmup`). */
  count: number;
}

/** A baseline that has seen nothing. */
export function emptyBaseline(): BaselineState {
  return { values: [], count: 0 };
}

/** The baseline after `value`. */
export function addToBaseline(
  state: BaselineState,
  value: number,
  settings: BaselineSettings,
): BaselineState {
  const window = Math.max(1, Math.floor(settings.window));
  const values = state.values.slice(Math.max(0, state.values.length - window + 1));
  values.push(value);
  let ewma = state.ewma;
  if (settings.method === "ewma") {
    const alpha = settings.alpha ?? 2 / (window + 1);
    ewma = ewma === undefined ? value : ewma + alpha * (value - ewma);
  }
  return { values, ewma, count: Math.min(state.count + 1, Number.MAX_SAFE_INTEGER) };
}

/** The baseline, or `undefined` while warming up (fewer than `warmup` values seen). */
export function baselineValue(state: BaselineState, settings: BaselineSettings): number | undefined {
  if (state.count < settings.warmup || state.values.length === 0) return undefined;
  return summarise(state, settings.method);
}

/** The summary of the window regardless of warm-up (for display), `undefined` when empty. */
export function summarise(state: BaselineState, method: BaselineMethod): number | undefined {
  const values = state.values;
  if (values.length === 0) return undefined;
  if (method === "ewma") return state.ewma;
  if (method === "median") {
    const sorted = values.slice().sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Keeps a state valid under new settings (a smaller window drops the oldest values). */
export function resizeBaseline(state: BaselineState, settings: BaselineSettings): BaselineState {
  const window = Math.max(1, Math.floor(settings.window));
  if (state.values.length <= window) return state;
  return { ...state, values: state.values.slice(state.values.length - window) };
}
