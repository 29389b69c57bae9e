import { useEffect, useRef } from "preact/hooks";
import {
  type AnomalyMark,
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

/** One line: `[epoch ms, value]` points, oldest first; a null value breaks the line. */
export interface Series {
  label: string;
  points: [number, number | null][];
  /** Fill the area under the line (one series of a kind, e.g. shed load). */
  fill?: boolean;
}

/** A red dot on line `series` at `x`. */
export interface Marker extends AnomalyMark {
  series: number;
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
      for (const m of props.markers ?? []) if (m.series === i) markAnomaly(data, m);
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
          tooltip: timeTooltip(props.unit),
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
