/**
 * `/vens/:id`: one VEN: its state, loads, history, one load's history, its recent status changes, its ADR
 * events; edit and delete.
 */
import { HttpError, page, type PageProps } from "fresh";
import type { z } from "zod";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { loadsOf, withLive } from "../../../api/vens.ts";
import { type Choice, siteChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { formatAgo, formatDateTime, formatKw, humanize } from "../../../components/format.ts";
import { load, type Loaded } from "../../../components/load.ts";
import {
  DoneNotice,
  EmptyState,
  ErrorState,
  Facts,
  PageHead,
  Section,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { Uuid } from "../../../domain/common.ts";
import type { VenLiveState } from "../../../domain/live.ts";
import { VenInput, type VenLoad } from "../../../domain/ven.ts";
import { type Entity, getRow } from "../../../stores/postgres/repos/crud.ts";
import {
  latestVenTelemetry,
  loadHistory,
  venHistory,
  venParticipation,
  venStatuses,
  type VenStatusRow,
} from "../../../stores/postgres/repos/vens.ts";
import { Manage } from "../../../components/manage.tsx";
import TimeSeriesChart, { type Series } from "../../../islands/TimeSeriesChart.tsx";
import { EventTable, powerSeries, venFields, venValues } from "./(_vens)/shared.tsx";

const DAY = 86_400_000;
/** How many status changes the page shows. */
const STATUSES_SHOWN = 20;
/** Longest details text shown for one status (a VEN sends what it likes). */
const DETAILS_SHOWN = 300;
type Load = z.output<typeof VenLoad>;

/** A VEN's power now: from its actor, or as it last reported (the last hour). */
type Power = { usedPowerKw: number; shedPowerKw: number; live: boolean } | null;

interface VenData {
  ven: Entity & { live: VenLiveState | null };
  power: Power;
  loads: Loaded<Load[]>;
  history: Loaded<Series[]>;
  load?: { id: string; history: Loaded<Series[]> };
  events: Loaded<Entity[]>;
  statuses: Loaded<{ items: VenStatusRow[]; total: number }>;
  sites: Choice[];
  now: number;
}

export const handler = define.handlers<VenData>({
  async GET(ctx) {
    const { services } = ctx.state;
    const { sql } = services;
    const id = ctx.params.id;
    const row = Uuid.safeParse(id).success
      ? await getRow(sql, { table: "vens", orderBy: "registered_at" }, id)
      : undefined;
    if (!row) throw new HttpError(404, `No VEN with id ${id}`);
    const [ven] = await withLive(services, [row]) as VenData["ven"][];
    ctx.state.title = (ven.displayName ?? ven.venName) as string;
    const now = Date.now();
    const range = { start: new Date(now - DAY), end: new Date(now), interval: "10m" as const };
    const loadId = ctx.url.searchParams.get("load");
    const [loads, history, events, statuses, sites, chosen] = await Promise.all([
      load(services, "loads", () => loadsOf(services, id)),
      load(
        services,
        "history",
        async () => powerSeries((await venHistory(sql, id, range, { limit: 1_000, offset: 0 })).items),
      ),
      load(services, "events", () => venParticipation(sql, id)),
      load(services, "statuses", () => venStatuses(sql, id, undefined, { limit: STATUSES_SHOWN, offset: 0 })),
      hasRole(ctx.state.user, "operator") ? siteChoices(sql).catch(() => []) : [],
      loadId
        ? load(services, "load history", async () => {
          const rows = (await loadHistory(sql, id, loadId, range, { limit: 1_000, offset: 0 })).items;
          return [
            { label: "Used", points: rows.map((r): [number, number] => [r.ts.getTime(), r.usedKw]) },
            {
              label: "Shed capable",
              points: rows.map((r): [number, number] => [r.ts.getTime(), r.shedCapableKw]),
            },
          ];
        })
        : undefined,
    ]);
    const stored = ven.live
      ? []
      : await latestVenTelemetry(sql, [id], new Date(now - 3_600_000)).catch(() => []);
    const power: Power = ven.live
      ? { ...ven.live, live: true }
      : stored[0]
      ? { ...stored[0], live: false }
      : null;
    return page({
      ven,
      power,
      loads,
      history,
      load: loadId && chosen ? { id: loadId, history: chosen } : undefined,
      events,
      statuses,
      sites,
      now,
    });
  },
});

function Loads({ loads, venId, chosen }: { loads: Loaded<Load[]>; venId: string; chosen?: string }) {
  if (!loads.ok) return <ErrorState title="Loads could not be read" message={loads.error} />;
  if (loads.value.length === 0) return <EmptyState title="No loads registered or reported" />;
  return (
    <TableWrap label="Loads">
      <thead>
        <tr>
          <th>Load</th>
          <th>Type</th>
          <th class="num">Using</th>
          <th class="num">Can shed</th>
          <th class="num">Capacity</th>
          <th>Reporting</th>
        </tr>
      </thead>
      <tbody>
        {loads.value.map((l) => (
          <tr key={l.loadId} aria-current={l.loadId === chosen ? "true" : undefined}>
            <td>
              <a href={`/vens/${venId}?load=${encodeURIComponent(l.loadId)}#load-history`}>
                {l.name ?? l.loadId}
              </a>
            </td>
            <td>{humanize(l.loadType)}</td>
            <td class="num">{formatKw(l.usedKw, 1)}</td>
            <td class="num">{formatKw(l.shedCapableKw, 1)}</td>
            <td class="num">{formatKw(l.capacityKw, 1)}</td>
            <td>
              {l.live
                ? <StateBadge state="online" label="Live" />
                : <StateBadge state="unknown" label="No data" />}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function History(
  { id, history, label, now }: { id: string; history: Loaded<Series[]>; label: string; now: number },
) {
  if (!history.ok) return <ErrorState title="History could not be read" message={history.error} />;
  if (history.value[0].points.length === 0) return <EmptyState title="No telemetry in the last 24 hours" />;
  return (
    <TimeSeriesChart
      id={id}
      label={label}
      series={history.value}
      unit="kW"
      from={now - DAY}
      to={now}
      beginAtZero
    />
  );
}

const SOURCES: Record<VenStatusRow["source"], string> = {
  device: "Reported by the VEN",
  detector: "Inferred by GridPulse",
};

/** A status's details as `key: value · ...`, cut at {@linkcode DETAILS_SHOWN} characters. */
function detailsText(details: Record<string, unknown>): string {
  const text = Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
  return text.length > DETAILS_SHOWN ? `${text.slice(0, DETAILS_SHOWN - 1)}…` : text;
}

function Statuses({ statuses }: { statuses: VenData["statuses"] }) {
  if (!statuses.ok) return <ErrorState title="Status changes could not be read" message={statuses.error} />;
  if (statuses.value.items.length === 0) return <EmptyState title="No status reported or inferred yet" />;
  return (
    <TableWrap label="Status changes">
      <thead>
        <tr>
          <th>At (UTC)</th>
          <th>Status</th>
          <th>Source</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {statuses.value.items.map((s) => (
          <tr key={`${s.ts.getTime()}-${s.status}`} data-status={s.status}>
            <td class="nowrap">{formatDateTime(s.ts)}</td>
            <td>
              <StateBadge state={s.status} />
            </td>
            <td>{SOURCES[s.source] ?? s.source}</td>
            <td class="small">{Object.keys(s.details).length === 0 ? "—" : detailsText(s.details)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function VenFacts({ ven, power }: { ven: VenData["ven"]; power: Power }) {
  const kw = (
    v: number | undefined,
  ) => (v === undefined ? "—" : `${formatKw(v, 1)}${power?.live ? "" : " (last reported)"}`);
  return (
    <Facts
      items={[
        ["Status", <StateBadge key="s" state={ven.live?.status ?? ven.status as string} />],
        ["Using", kw(power?.usedPowerKw)],
        ["Shedding", kw(power?.shedPowerKw)],
        ["Last seen", formatAgo(ven.lastSeenAt as Date | null)],
        ["Reports every", `${ven.expectedIntervalS} s`],
        ["Live state", ven.live ? "From the VEN actor" : "Not reported since the actor started"],
      ]}
    />
  );
}

/** One VEN. */
export default function VenPage({ data, url, state }: PageProps<VenData, State>) {
  const { ven, events } = data;
  const name = (ven.displayName ?? ven.venName) as string;
  return (
    <>
      <PageHead
        title={name}
        lead={`VEN ${ven.venName} · groups: ${(ven.groups as string[]).join(", ") || "none"}`}
      >
        <a class="button button-ghost" href="/vens">All VENs</a>
      </PageHead>
      <DoneNotice url={url} what="VEN" />
      <section class="card">
        <VenFacts ven={ven} power={data.power} />
      </section>
      <Section title="Panel, last 24 hours">
        <History
          id="ven-chart"
          history={data.history}
          label={`Used and shed power of ${name}, kW`}
          now={data.now}
        />
      </Section>
      <Section title="Loads" note="Choose a load for its history">
        <Loads loads={data.loads} venId={ven.id as string} chosen={data.load?.id} />
      </Section>
      {data.load && (
        <Section title={`Load ${data.load.id}, last 24 hours`} id="load-history">
          <History
            id="load-chart"
            history={data.load.history}
            label={`History of load ${data.load.id}, kW`}
            now={data.now}
          />
        </Section>
      )}
      <Section
        title="Status changes"
        note={data.statuses.ok && data.statuses.value.total > STATUSES_SHOWN
          ? `The newest ${STATUSES_SHOWN} of ${data.statuses.value.total}; all are at /api/vens/${ven.id}/statuses`
          : "Reported by the VEN, or inferred by GridPulse from silence and telemetry; newest first"}
        id="statuses"
      >
        <Statuses statuses={data.statuses} />
      </Section>
      <Section title="ADR events">
        {!events.ok
          ? <ErrorState title="Events could not be read" message={events.error} />
          : events.value.length === 0
          ? <EmptyState title="This VEN has taken part in no ADR event" />
          : <EventTable events={events.value} ven />}
      </Section>
      {hasRole(state.user, "operator") && (
        <Manage
          noun="VEN"
          name={ven.venName as string}
          api={`/api/vens/${ven.id}`}
          page={`/vens/${ven.id}`}
          list="/vens"
          form={{ fields: venFields(data.sites), rules: rulesOf(VenInput), values: venValues(ven) }}
          deleteNote="Its telemetry and ADR participation are deleted with it."
        />
      )}
    </>
  );
}
