import { useEffect, useRef } from "preact/hooks";
import {
  Chart,
  colorAt,
  expose,
  lineDataset,
  timeAxis,
  type TimePoint,
  valueAxis,
} from "../components/charts.ts";
import { formatDateTime, formatNumber } from "../components/format.ts";

/** One line: `[epoch ms, value]` points, oldest first; a null value breaks the line. */
export interface Series {
  label: string;
  points: [number, number | null][];
  /** Fill the area under the line (one series of a kind, e.g. shed load). */
  fill?: boolean;
}

/** A red dot on line `series` at `x`. */
export interface Marker {
  series: number;
  x: number;
  y: number;
  id: string;
  type: string;
  severity: string;
  message: string;
}

/** Props of {@linkcode TimeSeriesChart}. */
export interface TimeSeriesChartProps {
  /** Identifies the canvas (`#id`) for tests and links. */
  id: string;
  series: Series[];
  unit: string;
  /** The time span shown (epoch ms). */
  from: number;
  to: number;
  markers?: Marker[];
  /** What the chart shows, for screen readers. */
  label: string;
  beginAtZero?: boolean;
}

/** A static time-series line chart (history: VENs, loads, meters, prices, one plant). */
export default function TimeSeriesChart(props: TimeSeriesChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const datasets = props.series.map((s, i) => {
      const data: TimePoint[] = s.points.map(([x, y]) => ({ x, y }));
      for (const m of props.markers ?? []) {
        if (m.series !== i) continue;
        const at = data.findIndex((p) => p.x >= m.x);
        const point = {
          x: m.x,
          y: m.y,
          anomaly: { id: m.id, type: m.type, severity: m.severity, message: m.message },
        };
        if (at !== -1 && data[at].x === m.x) data[at] = point;
        else data.splice(at === -1 ? data.length : at, 0, point);
      }
      const ds = lineDataset(s.label, colorAt(i), data);
      return s.fill ? { ...ds, fill: "origin", backgroundColor: `${colorAt(i)}22` } : ds;
    });
    const chart = new Chart(canvas.current!, {
      type: "line",
      data: { datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: timeAxis(props.from, props.to),
          y: valueAxis(props.unit, { beginAtZero: props.beginAtZero }),
        },
        plugins: {
          legend: {
            display: props.series.length > 1,
            position: "bottom",
            labels: { boxWidth: 9, boxHeight: 9 },
          },
          tooltip: {
            callbacks: {
              title: (items) => formatDateTime(items[0]?.parsed.x ?? 0) + " UTC",
              label: (item) => {
                const p = item.raw as TimePoint;
                const text = `${item.dataset.label}: ${formatNumber(p.y, 2)} ${props.unit}`;
                return p.anomaly ? [text, `${p.anomaly.type} (${p.anomaly.severity})`] : text;
              },
            },
          },
        },
      },
    });
    expose(canvas.current!, chart);
    return () => chart.destroy();
  }, []);
  return (
    <div class="chart-box">
      <canvas ref={canvas} id={props.id} role="img" aria-label={props.label} />
    </div>
  );
}
