/**
 * `/`: the dashboard. Plant output with anomalies, fleet figures and the newest alerts and readings,
 * rendered on the server and kept live by the islands over `/api/stream`.
 * @module
 */
import { page, type PageProps } from "fresh";
import { define } from "../../core/define.ts";
import type { State } from "../../core/services.ts";
import { EmptyState, ErrorState, PageHead } from "../../components/ui.tsx";
import DashboardChart from "../../islands/DashboardChart.tsx";
import FleetSummary from "../../islands/FleetSummary.tsx";
import LiveAlerts from "../../islands/LiveAlerts.tsx";
import LiveReadings from "../../islands/LiveReadings.tsx";
import LiveStatus from "../../islands/LiveStatus.tsx";
import {
  type DashboardData,
  loadDashboard,
  RECENT_ROWS,
  type WindowKey,
  WINDOWS,
} from "./(_dashboard)/data.ts";

export const handler = define.handlers<DashboardData>({
  async GET(ctx) {
    ctx.state.title = "Dashboard";
    const asked = ctx.url.searchParams.get("window");
    const window: WindowKey = asked !== null && asked in WINDOWS ? asked as WindowKey : "24h";
    return page(await loadDashboard(ctx.state.services, window, Date.now()));
  },
});

function WindowPicker({ current }: { current: WindowKey }) {
  return (
    <nav class="segmented" aria-label="Time window">
      {(Object.keys(WINDOWS) as WindowKey[]).map((key) => (
        <a href={key === "24h" ? "/" : `/?window=${key}`} aria-current={key === current ? "true" : undefined}>
          {WINDOWS[key].label}
        </a>
      ))}
    </nav>
  );
}

function Chart({ data }: { data: DashboardData }) {
  if (!data.plants.ok) return <ErrorState title="Plants could not be read" message={data.plants.error} />;
  if (!data.chart.ok) return <ErrorState title="Plant output could not be read" message={data.chart.error} />;
  if (data.plants.value.length === 0) {
    return (
      <EmptyState title="No plants yet">
        Register one on the <a href="/plants">Plants</a> page, or seed the demo data with{" "}
        <code>deno task seed</code>.
      </EmptyState>
    );
  }
  const { ms } = WINDOWS[data.window];
  return (
    <DashboardChart
      plants={data.plants.value.map(({ id, name }) => ({ id, name }))}
      series={data.chart.value.series}
      anomalies={data.chart.value.anomalies}
      windowMs={ms}
    />
  );
}

/** The fleet at a glance, live. */
export default function Dashboard({ data }: PageProps<DashboardData, State>) {
  // The chart may read coarser buckets than the window's own when many plants share the point budget.
  const interval = data.chart.ok ? data.chart.value.interval : WINDOWS[data.window].interval;
  const lines = data.plants.ok ? data.plants.value.length : 0;
  return (
    <>
      <PageHead title="Dashboard" lead="Fleet output, anomalies and alerts as they happen.">
        <WindowPicker current={data.window} />
      </PageHead>
      <FleetSummary {...data.summary} />
      <section class="card">
        <div class="card-head">
          <div>
            <h2>Plant output</h2>
            <p class="muted small">
              MW per plant,{" "}
              {interval === "raw" ? "every reading" : `${interval} averages`}; red dots are spikes and
              threshold breaches.
              {data.activePlants > lines && ` The ${lines} newest of ${data.activePlants} active plants.`}
            </p>
          </div>
          <LiveStatus />
        </div>
        <Chart data={data} />
      </section>
      <div class="grid-2">
        <section class="card">
          <div class="card-head">
            <h2>Recent alerts</h2>
            <a href="/alerts" class="small">All alerts</a>
          </div>
          {data.alerts.ok
            ? <LiveAlerts alerts={data.alerts.value} names={data.names} limit={RECENT_ROWS} />
            : <ErrorState title="Alerts could not be read" message={data.alerts.error} />}
        </section>
        <section class="card">
          <div class="card-head">
            <h2>Recent meter readings</h2>
            <a href="/plants" class="small">Plants</a>
          </div>
          {data.readings.ok
            ? <LiveReadings readings={data.readings.value} names={data.names} limit={RECENT_ROWS} />
            : <ErrorState title="Readings could not be read" message={data.readings.error} />}
        </section>
      </div>
    </>
  );
}
