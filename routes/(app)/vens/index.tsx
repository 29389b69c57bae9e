/** `/vens`: the VEN network now and over the day, every VEN with its live state, and the ADR events. */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { withLive } from "../../../api/vens.ts";
import { type VenFigures, venFigures } from "../../../components/fleet.ts";
import { formatAgo, formatKw } from "../../../components/format.ts";
import { load, type Loaded, pageOf } from "../../../components/load.ts";
import { siteChoices } from "../../../components/choices.ts";
import {
  DoneNotice,
  EmptyState,
  ErrorState,
  Fraction,
  Listing,
  PageHead,
  Section,
  StatCard,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { listEvents } from "../../../stores/postgres/repos/adr_events.ts";
import { type Entity, listRows } from "../../../stores/postgres/repos/crud.ts";
import { latestVenTelemetry, networkHistory } from "../../../stores/postgres/repos/vens.ts";
import TimeSeriesChart, { type Series } from "../../../islands/TimeSeriesChart.tsx";
import { EventTable, powerSeries } from "./(_vens)/shared.tsx";

const DAY = 86_400_000;

interface VensData {
  figures: Loaded<VenFigures>;
  history: Loaded<Series[]>;
  vens: Loaded<{ items: Entity[]; total: number }>;
  events: Loaded<Entity[]>;
  sites: Record<string, string>;
  page: number;
  pageSize: number;
  now: number;
}

export const handler = define.handlers<VensData>({
  async GET(ctx) {
    ctx.state.title = "VENs";
    const { services } = ctx.state;
    const { sql } = services;
    const now = Date.now();
    const { page: n, pageSize, offset } = pageOf(ctx.url);
    const [figures, history, vens, events, sites] = await Promise.all([
      load(services, "VEN network", () => venFigures(services, now)),
      load(
        services,
        "network history",
        async () =>
          powerSeries(
            await networkHistory(sql, { start: new Date(now - DAY), end: new Date(now), interval: "10m" }),
          ),
      ),
      load(services, "VENs", async () => {
        const rows = await listRows(sql, { table: "vens", orderBy: "registered_at" }, {
          limit: pageSize,
          offset,
        });
        const items = await withLive(services, rows.items);
        // without live state (no VEN actor running), show the power each VEN last reported
        const stored = await latestVenTelemetry(
          sql,
          items.filter((v) => !v.live).map((v) => v.id as string),
          new Date(now - 3_600_000),
        );
        const byVen = new Map(stored.map((t) => [t.venId, t]));
        return {
          items: items.map((v) => ({ ...v, stored: byVen.get(v.id as string) ?? null })),
          total: rows.total,
        };
      }),
      load(
        services,
        "ADR events",
        async () =>
          (await listEvents(sql, { from: new Date(now - 7 * DAY) }, { limit: 10, offset: 0 })).items,
      ),
      siteChoices(sql).catch(() => []),
    ]);
    return page({
      figures,
      history,
      vens,
      events,
      sites: Object.fromEntries(sites.map((s) => [s.id, s.name])),
      page: n,
      pageSize,
      now,
    });
  },
});

function Figures({ figures }: { figures: Loaded<VenFigures> }) {
  if (!figures.ok) return <ErrorState title="The VEN network could not be read" message={figures.error} />;
  const f = figures.value;
  const source = f.live ? "Live from the VEN actors" : "As last reported";
  return (
    <section class="cards" aria-label="VEN network">
      <StatCard
        id="vens-online"
        label="VENs online"
        value={<Fraction n={f.online} of={f.vens} />}
        hint={source}
      />
      <StatCard label="Load now" value={formatKw(f.usedPowerKw)} hint="Used by the online VENs' panels" />
      <StatCard label="Shedding now" value={formatKw(f.shedPowerKw)} hint="Load shed for ADR events" />
      <StatCard
        label="Available to shed"
        value={formatKw(f.shedCapableKw)}
        hint="Shed capacity of online loads"
      />
    </section>
  );
}

function VenRows({ items, sites }: { items: Entity[]; sites: Record<string, string> }) {
  return (
    <TableWrap label="VENs">
      <thead>
        <tr>
          <th>VEN</th>
          <th>Site</th>
          <th>Groups</th>
          <th>Status</th>
          <th class="num">Used</th>
          <th class="num">Shed</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {items.map((v) => {
          const live = (v.live ?? v.stored) as { usedPowerKw: number; shedPowerKw: number } | null;
          const status = (v.live as { status?: string } | null)?.status ?? v.status as string;
          return (
            <tr key={v.id as string} data-ven={v.venName as string}>
              <td>
                <a href={`/vens/${v.id}`}>{(v.displayName ?? v.venName) as string}</a>
                <div class="muted small">{v.venName as string}</div>
              </td>
              <td>{sites[v.siteId as string] ?? "—"}</td>
              <td>{(v.groups as string[]).join(", ") || "—"}</td>
              <td>
                <StateBadge state={status} />
              </td>
              <td class="num">{live ? formatKw(live.usedPowerKw) : "—"}</td>
              <td class="num">{live ? formatKw(live.shedPowerKw) : "—"}</td>
              <td class="nowrap">{formatAgo(v.lastSeenAt as Date | null)}</td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

/** The VEN network. */
export default function VensPage({ data, url, state }: PageProps<VensData, State>) {
  const { vens, events, history } = data;
  return (
    <>
      <PageHead
        title="VENs"
        lead="Demand-response endpoints: what they use, what they can shed, and the ADR events they answer."
      >
        {hasRole(state.user, "operator") && (
          <>
            <a class="button button-ghost" href="/vens/events/new">New ADR event</a>
            <a class="button" href="/vens/new">Register VEN</a>
          </>
        )}
      </PageHead>
      <DoneNotice url={url} what="VEN" />
      <Figures figures={data.figures} />
      <Section title="Network load, last 24 hours">
        {!history.ok
          ? <ErrorState title="History could not be read" message={history.error} />
          : history.value[0].points.length === 0
          ? <EmptyState title="No VEN telemetry in the last 24 hours" />
          : (
            <TimeSeriesChart
              id="network-chart"
              label="Used and shed power of the VEN network over the last 24 hours, kW"
              series={history.value}
              unit="kW"
              from={data.now - DAY}
              to={data.now}
              beginAtZero
            />
          )}
      </Section>
      <Section title="VENs">
        <Listing
          list={vens}
          what="VENs"
          url={url}
          page={data.page}
          pageSize={data.pageSize}
          empty={
            <EmptyState title="No VENs registered">Registered VENs report telemetry over MQTT.</EmptyState>
          }
        >
          {(items) => <VenRows items={items} sites={data.sites} />}
        </Listing>
      </Section>
      <Section title="ADR events, last 7 days">
        {!events.ok
          ? <ErrorState title="ADR events could not be read" message={events.error} />
          : events.value.length === 0
          ? <EmptyState title="No ADR events this week" />
          : <EventTable events={events.value} />}
      </Section>
    </>
  );
}
