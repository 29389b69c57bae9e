import { useEffect, useRef } from "preact/hooks";
import { getJson } from "../components/api_client.ts";
import {
  Chart,
  colorAt,
  expose,
  lineDataset,
  markAnomaly,
  timeAxis,
  type TimePoint,
  timeTooltip,
  valueAxis,
} from "../components/charts.ts";
import { subscribe } from "../components/live_feed.ts";
import { alertRow, type LiveAlertRow, type LiveEvent, toMs } from "../components/live_events.ts";

/** A red dot: an anomaly of a plant at its time and value. */
export interface Anomaly {
  id: string;
  plantId: string;
  ts: number;
  value: number;
  type: string;
  severity: string;
  message: string;
}

/** Props of {@linkcode DashboardChart}. */
export interface DashboardChartProps {
  /** One line per plant, in this order. */
  plants: { id: string; name: string }[];
  /** Per plant (same order): `[epoch ms, MW]`, oldest first; a null value breaks the line at a gap. */
  series: [number, number | null][][];
  anomalies: Anomaly[];
  /** The time window shown, ending now, in ms. */
  windowMs: number;
}

type LineChart = Chart<"line", TimePoint[]>;

const addAnomaly = (data: TimePoint[], a: Anomaly) => markAnomaly(data, { ...a, x: a.ts, y: a.value });

function anomalyOf(row: LiveAlertRow): Anomaly | undefined {
  if (!row.plantId || row.value === null || row.type === "System") return undefined;
  return { ...row, plantId: row.plantId, value: row.value };
}

/** Keeps the chart sliding with the clock and pushes live points, redrawing at most once a frame. */
class LiveChart {
  #chart: LineChart;
  #index: Map<string, number>;
  #windowMs: number;
  #frame = 0;
  constructor(chart: LineChart, plantIds: string[], windowMs: number) {
    this.#chart = chart;
    this.#index = new Map(plantIds.map((id, i) => [id, i]));
    this.#windowMs = windowMs;
  }
  reading(plantId: string, ts: number, value: number): void {
    const data = this.#data(plantId);
    if (!data || (data.length > 0 && data[data.length - 1].x >= ts)) return; // already shown (a poll overlaps)
    data.push({ x: ts, y: value });
    this.redraw();
  }
  anomaly(a: Anomaly): void {
    const data = this.#data(a.plantId);
    if (!data || data.some((p) => p.anomaly?.id === a.id)) return;
    addAnomaly(data, a);
    this.redraw();
  }
  redraw(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const max = Date.now();
      const x = this.#chart.options.scales!.x!;
      Object.assign(x, { min: max - this.#windowMs, max });
      for (const ds of this.#chart.data.datasets) {
        // points that slid out of the window (one kept so the line enters from the edge)
        const first = ds.data.findIndex((p) => p.x >= max - this.#windowMs);
        if (first > 1) ds.data.splice(0, first - 1);
      }
      this.#chart.update("none");
    });
  }
  #data(plantId: string): TimePoint[] | undefined {
    const i = this.#index.get(plantId);
    return i === undefined ? undefined : this.#chart.data.datasets[i].data;
  }
}

function createChart(canvas: HTMLCanvasElement, props: DashboardChartProps): LineChart {
  const datasets = props.plants.map((plant, i) => {
    const data: TimePoint[] = props.series[i].map(([x, y]) => ({ x, y }));
    for (const a of props.anomalies) if (a.plantId === plant.id) addAnomaly(data, a);
    return lineDataset(plant.name, colorAt(i), data);
  });
  const max = Date.now();
  return new Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: false },
      scales: { x: timeAxis(max - props.windowMs, max), y: valueAxis("MW", { beginAtZero: true }) },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 9, boxHeight: 9, padding: 8 } },
        tooltip: timeTooltip("MW"),
      },
    },
  }) as LineChart;
}

/** How the chart catches up over REST while the stream is down. */
async function poll(live: LiveChart): Promise<void> {
  const [readings, alerts] = await Promise.all([
    getJson<{ items: { plantId: string; ts: string; value: number }[] }>(
      "/api/meter-readings/recent?hours=1&page_size=500&metric_type=power_mw",
    ),
    getJson<{ items: unknown[] }>("/api/alerts/recent?hours=1&entity_kind=plant&page_size=100"),
  ]);
  for (const r of readings.items.toReversed()) live.reading(r.plantId, toMs(r.ts)!, r.value);
  for (const raw of alerts.items) {
    const row = alertRow(raw);
    const a = row && anomalyOf(row);
    if (a) live.anomaly(a);
  }
}

/**
 * Plant output over the chosen window: one line per plant, anomalies as red dots on their plant's
 * line. New readings and alerts arrive over the page's live feed; while it is down the chart polls.
 */
export default function DashboardChart(props: DashboardChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = createChart(canvas.current!, props);
    expose(canvas.current!, chart);
    const live = new LiveChart(chart, props.plants.map((p) => p.id), props.windowMs);
    const onEvent = (event: LiveEvent) => {
      if (event.type === "reading" && event.metric === "power_mw") {
        live.reading(event.plantId, event.ts, event.value);
      }
      if (event.type === "alert" && event.action === "opened") {
        const a = anomalyOf(event.alert);
        if (a) live.anomaly(a);
      }
    };
    const stop = subscribe({ kinds: ["plant", "alert"], onEvent, poll: () => poll(live) });
    const slide = setInterval(() => live.redraw(), 15_000);
    return () => {
      stop();
      clearInterval(slide);
      chart.destroy();
    };
  }, []);
  return (
    <div class="chart-box chart-tall">
      <canvas
        ref={canvas}
        id="dashboard-chart"
        role="img"
        aria-label={`Output of ${props.plants.length} plants in MW over time, anomalies marked in red`}
      />
    </div>
  );
}
