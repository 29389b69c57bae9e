/**
 * What the dashboard shows, read on the server: plant lines over the window (raw readings for an hour,
 * rollups beyond), anomalies, the fleet figures and the newest alerts and readings. Each part loads on
 * its own, so a store that is down blanks only its part.
 * @module
 */
import type { Services } from "../../../core/services.ts";
import { alertSummary } from "../../../api/alerts.ts";
import { type Interval, INTERVAL_SECONDS, INTERVALS } from "../../../domain/common.ts";
import { alertRow, type LiveAlertRow } from "../../../components/live_events.ts";
import { entityNames } from "../../../components/choices.ts";
import { load, type Loaded } from "../../../components/load.ts";
import { recentAlerts } from "../../../stores/postgres/repos/alerts.ts";
import { listRows } from "../../../stores/postgres/repos/crud.ts";
import {
  latestPlantReadings,
  recentMeterReadings,
  telemetryReadings,
} from "../../../stores/postgres/repos/readings.ts";
import { venFigures } from "../../../components/fleet.ts";
import type { Anomaly, DashboardChartProps } from "../../../islands/DashboardChart.tsx";
import type { FleetSummaryProps } from "../../../islands/FleetSummary.tsx";
import type { ReadingRow } from "../../../islands/LiveReadings.tsx";

/** The time windows the dashboard offers; beyond an hour it reads rollup buckets, not raw readings. */
export const WINDOWS = {
  "1h": { label: "1 h", ms: 3_600_000, interval: "raw" },
  "24h": { label: "24 h", ms: 86_400_000, interval: "10m" },
  "7d": { label: "7 d", ms: 7 * 86_400_000, interval: "30m" },
} as const satisfies Record<string, { label: string; ms: number; interval: Interval }>;
/** One of {@linkcode WINDOWS}. */
export type WindowKey = keyof typeof WINDOWS;

/** Rows in the recent alerts and readings tables. */
export const RECENT_ROWS = 8;

/** Most points the chart loads (all lines together): what a browser draws smoothly, and the page's size. */
export const CHART_POINTS = 20_000;

/** Most plant lines the chart draws (the newest registered plants first). */
export const CHART_PLANTS = 500;

/** Everything the dashboard renders. */
export interface DashboardData {
  window: WindowKey;
  plants: Loaded<{ id: string; name: string; expectedIntervalS: number }[]>;
  /** Active plants in all; more than {@linkcode CHART_PLANTS} get no line. */
  activePlants: number;
  chart: Loaded<Omit<DashboardChartProps, "plants" | "windowMs"> & { interval: Interval }>;
  summary: FleetSummaryProps;
  alerts: Loaded<LiveAlertRow[]>;
  readings: Loaded<ReadingRow[]>;
  /** Names of plants and VENs by id, for the tables. */
  names: Record<string, string>;
}

/** Breaks a line where readings are missing for more than three steps, so a data gap shows as one. */
function withGaps(points: [number, number][], stepMs: number): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (const [i, p] of points.entries()) {
    if (i > 0 && p[0] - points[i - 1][0] > 3 * stepMs) out.push([points[i - 1][0] + stepMs, null]);
    out.push(p);
  }
  return out;
}

type PlantLine = { id: string; name: string; expectedIntervalS: number };

/**
 * The finest interval, from the window's own, whose points for every line fit {@linkcode CHART_POINTS}:
 * raw readings are estimated from each plant's expected interval, buckets from their width. Before,
 * the chart read the window's interval and cut it at 20,000 points oldest first, so past about 140
 * plants (24 h of 10-minute buckets) every line stopped hours before now.
 */
export function chartIntervals(plants: PlantLine[], window: WindowKey): Interval[] {
  const { ms, interval } = WINDOWS[window];
  const candidates = INTERVALS.slice(INTERVALS.indexOf(interval));
  const estimate = (i: Interval) =>
    i === "raw"
      ? plants.reduce((sum, p) => sum + Math.ceil(ms / (Math.max(1, p.expectedIntervalS) * 1000)) + 1, 0)
      : plants.length * (Math.ceil(ms / (INTERVAL_SECONDS[i] * 1000)) + 1);
  const first = candidates.findIndex((i) => estimate(i) <= CHART_POINTS);
  return first === -1 ? candidates.slice(-1) : candidates.slice(first);
}

async function chartData(services: Services, plants: PlantLine[], window: WindowKey, now: number) {
  const { ms } = WINDOWS[window];
  const start = new Date(now - ms);
  // The estimate can be low (plants reporting faster than expected): a coarser interval then, never a cut.
  const readLines = async () => {
    const intervals = chartIntervals(plants, window);
    for (const [i, interval] of intervals.entries()) {
      const readings = await telemetryReadings(services.sql, {
        series: "plant",
        start,
        end: new Date(now + 60_000),
        interval,
        metric: "power_mw",
        deviceIds: plants.map((p) => p.id), // the lines drawn: past CHART_PLANTS, not every plant
      }, { limit: CHART_POINTS, offset: 0 });
      if (readings.total <= CHART_POINTS || i === intervals.length - 1) return { interval, readings };
    }
    throw new Error("no interval to read"); // unreachable: chartIntervals returns at least one
  };
  const [{ interval, readings }, alerts] = await Promise.all([
    readLines(),
    recentAlerts(services.sql, { since: start, entityKind: "plant" }, { limit: 500, offset: 0 }),
  ]);
  const byPlant = new Map(plants.map((p) => [p.id, [] as [number, number][]]));
  for (const r of readings.items) byPlant.get(r.deviceId)?.push([r.ts.getTime(), r.value]);
  const stepMs = interval === "raw" ? 60_000 : INTERVAL_SECONDS[interval] * 1000;
  const anomalies: Anomaly[] = [];
  for (const raw of alerts.items) {
    const a = alertRow(raw);
    if (a?.plantId && a.value !== null && a.type !== "System" && byPlant.has(a.plantId)) {
      anomalies.push({ ...a, plantId: a.plantId, value: a.value });
    }
  }
  return { series: plants.map((p) => withGaps(byPlant.get(p.id)!, stepMs)), anomalies, interval };
}

async function readActivePlants(services: Services): Promise<{ lines: PlantLine[]; total: number }> {
  const rows = await listRows(services.sql, { table: "plants", orderBy: "registered_at" }, {
    equals: { active: true },
    limit: CHART_PLANTS,
    offset: 0,
  });
  const lines = rows.items
    .map((p) => ({
      id: p.id as string,
      name: p.name as string,
      expectedIntervalS: p.expectedIntervalS as number,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { lines, total: rows.total };
}

/** The four figures: each plant's newest reading, unresolved alerts, the VEN network. */
async function fleetSummary(
  services: Services,
  plants: PlantLine[],
  now: number,
): Promise<FleetSummaryProps> {
  const [latest, counts, vens] = await Promise.all([
    load(services, "latest readings", () => latestPlantReadings(services.sql, new Date(now - 86_400_000))),
    load(services, "alert counts", () => alertSummary(services)),
    load(services, "VEN network", () => venFigures(services, now)),
  ]);
  const latestBy = new Map((latest.ok ? latest.value : []).map((r) => [r.plantId, r]));
  return {
    plants: plants.map((p) => {
      const r = latestBy.get(p.id);
      return {
        id: p.id,
        expectedIntervalS: p.expectedIntervalS,
        latest: r ? [r.ts.getTime(), r.value] : null,
      };
    }),
    alerts: counts.ok ? counts.value.bySeverity : null,
    vens: vens.ok ? vens.value : null,
  };
}

/** The newest alerts (a week back) and plant readings (an hour back). */
function recentRows(services: Services, now: number) {
  const page = { limit: RECENT_ROWS, offset: 0 };
  return Promise.all([
    load(services, "recent alerts", async () => {
      const rows = await recentAlerts(services.sql, { since: new Date(now - 7 * 86_400_000) }, page);
      return rows.items.map((a) => alertRow(a)).filter((a): a is LiveAlertRow => a !== undefined);
    }),
    load(services, "recent readings", async () => {
      const since = new Date(now - 3_600_000);
      const rows = await recentMeterReadings(services.sql, { since, metricType: "power_mw" }, page);
      return rows.items.map((
        r,
      ): ReadingRow => [r.plantId as string, (r.ts as Date).getTime(), r.value as number]);
    }),
  ]);
}

/** Loads the dashboard for `window`, as of `now`. */
export async function loadDashboard(
  services: Services,
  window: WindowKey,
  now: number,
): Promise<DashboardData> {
  const active = await load(services, "plants", () => readActivePlants(services));
  const plants: Loaded<PlantLine[]> = active.ok ? { ok: true, value: active.value.lines } : active;
  const list = active.ok ? active.value.lines : [];
  const [chart, summary, [alerts, readings], names] = await Promise.all([
    load(services, "plant output", () => chartData(services, list, window, now)),
    fleetSummary(services, list, now),
    recentRows(services, now),
    entityNames(services.sql).catch(() => ({})),
  ]);
  const activePlants = active.ok ? active.value.total : 0;
  return { window, plants, activePlants, chart, summary, alerts, readings, names };
}
