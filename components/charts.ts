/**
 * Chart.js as the islands use it (browser only): only the line chart's controller, elements and linear
 * scale are registered, so the bundle carries nothing else; time runs on a linear axis of epoch ms with
 * ticks formatted here (no date adapter). Every chart is reachable from its canvas as `__chart`, so tests
 * read datasets and points instead of pixels.
 * @module
 */
import {
  Chart,
  type ChartDataset,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ScaleOptions,
  Tooltip,
} from "chart.js";
import { formatDateTime, formatNumber, formatTick } from "./format.ts";

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Filler);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = "#5b6678";
Chart.defaults.animation = false;
Chart.defaults.font.size = 11;

export { Chart };

/** Line colours, distinct from each other and from {@linkcode ANOMALY_COLOR}. */
export const PALETTE = [
  "#0f766e",
  "#2563eb",
  "#d97706",
  "#7c3aed",
  "#0891b2",
  "#65a30d",
  "#db2777",
  "#475569",
  "#ca8a04",
  "#4f46e5",
  "#059669",
  "#9333ea",
] as const;

/** Anomalies are red dots, and nothing else on a chart is red. */
export const ANOMALY_COLOR = "#dc2626";

/** The colour of the `i`th line. */
export const colorAt = (i: number): string => PALETTE[i % PALETTE.length];

/** A point of a time line: epoch ms, value (null breaks the line at a data gap). */
export interface TimePoint {
  x: number;
  y: number | null;
  /** Set on points that are anomalies. */
  anomaly?: { id: string; type: string; severity: string; message: string };
}

const MINUTE = 60_000;
const STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * MINUTE);

/** A tick step for a span: about six ticks, on round UTC minutes, hours or days. */
export function tickStep(spanMs: number): number {
  return STEPS.find((step) => spanMs / step <= 8) ?? STEPS[STEPS.length - 1];
}

/** An anomaly to mark on a line: at `x`, with its value `y`. */
export interface AnomalyMark {
  x: number;
  y: number;
  id: string;
  type: string;
  severity: string;
  message: string;
}

/**
 * Marks the point at the anomaly's time, or inserts one there (a line of bucket averages has no point
 * at that minute, and its average hides the spike), keeping `data` in time order.
 */
export function markAnomaly(data: TimePoint[], mark: AnomalyMark): void {
  const anomaly = { id: mark.id, type: mark.type, severity: mark.severity, message: mark.message };
  const at = data.findIndex((p) => p.x >= mark.x);
  if (at !== -1 && data[at].x === mark.x) data[at] = { ...data[at], y: mark.y, anomaly };
  else data.splice(at === -1 ? data.length : at, 0, { x: mark.x, y: mark.y, anomaly });
}

/** Tooltips of a time chart: the UTC time, each line's value in `unit`, and what an anomaly was. */
export function timeTooltip(unit: string) {
  return {
    callbacks: {
      title: (items: { parsed: { x: number | null } }[]) => formatDateTime(items[0]?.parsed.x ?? 0) + " UTC",
      label: (item: { raw: unknown; dataset: { label?: string } }) => {
        const p = item.raw as TimePoint;
        const text = `${item.dataset.label}: ${formatNumber(p.y, 2)} ${unit}`;
        return p.anomaly ? [text, `${p.anomaly.type} (${p.anomaly.severity})`] : text;
      },
    },
  };
}

/** A time axis from `min` to `max` (epoch ms) with UTC ticks on round times. */
export function timeAxis(min: number, max: number): ScaleOptions<"linear"> {
  return {
    type: "linear",
    min,
    max,
    grid: { color: "#eef1f5" },
    ticks: {
      maxRotation: 0,
      autoSkipPadding: 16,
      callback: (value) => formatTick(Number(value), max - min),
    },
    // Chart.js adds the window's edges as ticks; only round times read well
    afterBuildTicks: (scale) => {
      const step = tickStep(scale.max - scale.min);
      const first = Math.ceil(scale.min / step) * step;
      scale.ticks = [];
      for (let value = first; value <= scale.max; value += step) scale.ticks.push({ value });
    },
  } as ScaleOptions<"linear">;
}

/** A value axis titled with its unit. */
export function valueAxis(unit: string, options: { beginAtZero?: boolean } = {}): ScaleOptions<"linear"> {
  return {
    type: "linear",
    beginAtZero: options.beginAtZero ?? false,
    grid: { color: "#eef1f5" },
    title: { display: true, text: unit },
  } as ScaleOptions<"linear">;
}

/** A line dataset of time points; anomaly points are drawn as red dots, the others not at all. */
export function lineDataset(
  label: string,
  color: string,
  data: TimePoint[],
): ChartDataset<"line", TimePoint[]> {
  const anomaly = (ctx: { raw?: unknown }) => (ctx.raw as TimePoint | undefined)?.anomaly !== undefined;
  return {
    label,
    data,
    parsing: false,
    normalized: true,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1.6,
    tension: 0.15,
    spanGaps: false,
    pointRadius: (ctx) => (anomaly(ctx) ? 5 : 0),
    pointHoverRadius: (ctx) => (anomaly(ctx) ? 7 : 3),
    pointHitRadius: 6,
    pointBackgroundColor: (ctx) => (anomaly(ctx) ? ANOMALY_COLOR : color),
    pointBorderColor: (ctx) => (anomaly(ctx) ? "#fff" : color),
    pointBorderWidth: (ctx) => (anomaly(ctx) ? 1.5 : 0),
  } as ChartDataset<"line", TimePoint[]>;
}

/** Makes the chart reachable from its canvas (`canvas.__chart`) for tests and debugging. */
export function expose(canvas: HTMLCanvasElement, chart: Chart): void {
  (canvas as HTMLCanvasElement & { __chart?: Chart }).__chart = chart;
}
