/** `/plants/:id`: one plant: its facts, its last 24 h with anomalies, its alerts; edit and delete. */
import { HttpError, page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { formatAgo, formatDateTime, formatMw, formatNumber, humanize } from "../../../components/format.ts";
import { alertRow, type LiveAlertRow } from "../../../components/live_events.ts";
import { load, type Loaded } from "../../../components/load.ts";
import {
  DoneNotice,
  EmptyState,
  ErrorState,
  Facts,
  PageHead,
  Section,
  SeverityBadge,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { Uuid } from "../../../domain/common.ts";
import { recentAlerts } from "../../../stores/postgres/repos/alerts.ts";
import { type Entity, getRow } from "../../../stores/postgres/repos/crud.ts";
import { telemetryReadings } from "../../../stores/postgres/repos/readings.ts";
import { Manage } from "../../../components/manage.tsx";
import { rulesOf } from "../../../components/field_rules.ts";
import { PlantInput } from "../../../domain/plant.ts";
import TimeSeriesChart from "../../../islands/TimeSeriesChart.tsx";
import { plantFields, plantValues } from "./(_plants)/form.ts";
import { siteChoices } from "../../../components/choices.ts";

const DAY = 86_400_000;

interface PlantData {
  plant: Entity;
  siteName: string | null;
  points: Loaded<[number, number][]>;
  alerts: Loaded<LiveAlertRow[]>;
  sites: { id: string; name: string }[];
  now: number;
}

export const handler = define.handlers<PlantData>({
  async GET(ctx) {
    const { services } = ctx.state;
    const id = ctx.params.id;
    if (!Uuid.safeParse(id).success) throw new HttpError(404, `No plant with id ${id}`);
    const plant = await getRow(services.sql, { table: "plants", orderBy: "registered_at" }, id);
    if (!plant) throw new HttpError(404, `No plant with id ${id}`);
    ctx.state.title = plant.name as string;
    const now = Date.now();
    const [points, alerts, sites] = await Promise.all([
      load(services, "plant output", async () => {
        const rows = await telemetryReadings(services.sql, {
          series: "plant",
          deviceId: id,
          metric: "power_mw",
          start: new Date(now - DAY),
          end: new Date(now + 60_000),
          interval: "raw",
        }, { limit: 5_000, offset: 0 });
        return rows.items.map((r): [number, number] => [r.ts.getTime(), r.value]);
      }),
      load(services, "plant alerts", async () => {
        const page = await recentAlerts(services.sql, { since: new Date(now - 7 * DAY), plantId: id }, {
          limit: 20,
          offset: 0,
        });
        return page.items.map((a) => alertRow(a)!);
      }),
      hasRole(ctx.state.user, "operator") ? siteChoices(services.sql).catch(() => []) : [],
    ]);
    const siteName = sites.find((s) => s.id === plant.siteId)?.name ??
      (plant.siteId ? String(plant.siteId).slice(0, 8) : null);
    return page({ plant, siteName, points, alerts, sites, now });
  },
});

function OutputChart({ data }: { data: PlantData }) {
  if (!data.points.ok) return <ErrorState title="Output could not be read" message={data.points.error} />;
  if (data.points.value.length === 0) {
    return (
      <EmptyState title="No readings in the last 24 hours">
        Telemetry from this plant shows up here.
      </EmptyState>
    );
  }
  const markers = (data.alerts.ok ? data.alerts.value : [])
    .filter((a) => a.value !== null && a.type !== "System" && a.ts >= data.now - DAY)
    .map((a) => ({
      series: 0,
      x: a.ts,
      y: a.value!,
      id: a.id,
      type: a.type,
      severity: a.severity,
      message: a.message,
    }));
  return (
    <TimeSeriesChart
      id="plant-chart"
      label={`Output of ${data.plant.name} over the last 24 hours`}
      series={[{ label: data.plant.name as string, points: data.points.value }]}
      markers={markers}
      unit="MW"
      from={data.now - DAY}
      to={data.now}
      beginAtZero
    />
  );
}

function AlertTable({ alerts }: { alerts: Loaded<LiveAlertRow[]> }) {
  if (!alerts.ok) return <ErrorState title="Alerts could not be read" message={alerts.error} />;
  if (alerts.value.length === 0) return <EmptyState title="No alerts this week" />;
  return (
    <TableWrap label="Alerts of this plant">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Type</th>
          <th>Severity</th>
          <th>State</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {alerts.value.map((a) => (
          <tr>
            <td class="nowrap">{formatDateTime(a.ts)}</td>
            <td>{a.type}</td>
            <td>
              <SeverityBadge severity={a.severity} />
            </td>
            <td>
              <StateBadge state={a.state} />
            </td>
            <td class="message">{a.message}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function PlantFacts({ plant, data }: { plant: Entity; data: PlantData }) {
  const last = data.points.ok ? data.points.value.at(-1) : undefined;
  const location = plant.latitude === null
    ? "—"
    : `${formatNumber(plant.latitude as number, 2)}, ${formatNumber(plant.longitude as number, 2)}`;
  return (
    <Facts
      items={[
        ["Status", <StateBadge key="status" state={plant.status as string} />],
        ["Output", last ? `${formatMw(last[1], 2)} (${formatAgo(last[0])})` : "No recent reading"],
        ["Reports every", `${formatNumber(plant.expectedIntervalS as number, 0)} s`],
        ["Site", data.siteName ?? "—"],
        ["Location", location],
        ["Registered", formatDateTime(plant.registeredAt as Date)],
      ]}
    />
  );
}

/** One plant. */
export default function PlantPage({ data, url, state }: PageProps<PlantData, State>) {
  const { plant } = data;
  return (
    <>
      <PageHead
        title={plant.name as string}
        lead={`${humanize(plant.assetType as string)} · ${formatMw(plant.capacityMw as number)} capacity`}
      >
        <a class="button button-ghost" href="/plants">All plants</a>
      </PageHead>
      <DoneNotice url={url} what="Plant" />
      <section class="card">
        <PlantFacts plant={plant} data={data} />
      </section>
      <Section title="Output, last 24 hours">
        <OutputChart data={data} />
      </Section>
      <Section
        title="Alerts, last 7 days"
        action={<a class="small" href={`/alerts?plant=${plant.id}`}>Manage alerts</a>}
      >
        <AlertTable alerts={data.alerts} />
      </Section>
      {hasRole(state.user, "operator") && (
        <Manage
          noun="plant"
          name={plant.name as string}
          api={`/api/plants/${plant.id}`}
          page={`/plants/${plant.id}`}
          list="/plants"
          form={{ fields: plantFields(data.sites), rules: rulesOf(PlantInput), values: plantValues(plant) }}
          deleteNote="Its readings, alerts and offers are deleted with it."
        />
      )}
    </>
  );
}
