/**
 * `/ingestion`: what happens to incoming telemetry. Accepted and rejected messages per source over the
 * last hour and minute by minute (`ingestion_log`), and the rejected messages themselves with why
 * (`telemetry_events`, kept 7 days), filtered by entity kind, entity id and the start of the reason; and,
 * when there are any, the stored readings the InfluxDB mirror refused for good (`series_rejected`).
 * Server-rendered only: it ships no JavaScript.
 * @module
 */
import { page, type PageProps } from "fresh";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { formatDateTime, formatNumber, formatTime } from "../../../components/format.ts";
import { load, type Loaded, oneOf, pageOf } from "../../../components/load.ts";
import {
  anyOf,
  EmptyState,
  ErrorState,
  FilterSelect,
  Listing,
  PageHead,
  Section,
  TableWrap,
} from "../../../components/ui.tsx";
import { telemetryEventPage } from "../../../api/telemetry_events.ts";
import type { Page } from "../../../domain/common.ts";
import { TELEMETRY_ENTITY_KINDS, type TelemetryEvent } from "../../../domain/ingestion.ts";
import { REJECTED_TTL_MS } from "../../../actors/writer.ts";
import {
  ingestionBySource,
  ingestionLog,
  type IngestionLogRow,
} from "../../../stores/postgres/repos/ingestion_log.ts";

const MIN = 60_000;
/** Minutes shown one by one. */
const RECENT_MINUTES = 15;
/** How far back the rejected list looks; the writer keeps rejected messages 7 days. */
const WINDOWS = { "1": "hour", "24": "24 hours", "168": "7 days" } as const;
type Window = keyof typeof WINDOWS;
/** Characters of a payload shown in the table. */
const PAYLOAD_EXCERPT = 160;
/** Readings InfluxDB refused shown at most (the newest; the API pages through all). */
const SERIES_REFUSED_SHOWN = 20;

interface Filter {
  kind?: string;
  id?: string;
  reason?: string;
  hours: Window;
}

interface IngestionData {
  bySource: Loaded<{ source: string; accepted: number; rejected: number }[]>;
  minutes: Loaded<IngestionLogRow[]>;
  rejected: Loaded<Page<TelemetryEvent>>;
  /** Readings the InfluxDB mirror refused for good, the last 7 days. */
  seriesRefused: Loaded<Page<TelemetryEvent>>;
  filter: Filter;
  pageSize: number;
}

const text = (url: URL, name: string, max: number) =>
  url.searchParams.get(name)?.trim().slice(0, max) || undefined;

function filterOf(url: URL): Filter {
  return {
    kind: oneOf(url, "kind", TELEMETRY_ENTITY_KINDS),
    id: text(url, "id", 100),
    reason: text(url, "reason", 500),
    hours: oneOf(url, "hours", Object.keys(WINDOWS) as Window[]) ?? "168",
  };
}

export const handler = define.handlers<IngestionData>({
  async GET(ctx) {
    ctx.state.title = "Ingestion";
    const { services } = ctx.state;
    const filter = filterOf(ctx.url);
    const { page: n, pageSize } = pageOf(ctx.url);
    const now = Date.now();
    const hourAgo = new Date(now - 60 * MIN);
    const [bySource, minutes, rejected, seriesRefused] = await Promise.all([
      load(
        services,
        "ingestion log",
        () => ingestionBySource(services.sql, { start: hourAgo, end: new Date(now) }),
      ),
      load(services, "ingestion log", async () => {
        const start = new Date(Math.floor(now / MIN) * MIN - (RECENT_MINUTES - 1) * MIN);
        const rows = await ingestionLog(services.sql, { start, end: new Date(now) }, {
          limit: 200,
          offset: 0,
        });
        return rows.items;
      }),
      load(services, "rejected messages", () =>
        telemetryEventPage(services, {
          event: "rejected",
          kind: filter.kind,
          id: filter.id,
          reasonPrefix: filter.reason,
          from: new Date(now - Number(filter.hours) * 3_600_000),
        }, { page: n, page_size: pageSize })),
      load(services, "readings InfluxDB refused", () =>
        telemetryEventPage(services, {
          event: "series_rejected",
          from: new Date(now - REJECTED_TTL_MS),
        }, { page: 1, page_size: SERIES_REFUSED_SHOWN })),
    ]);
    return page({ bySource, minutes, rejected, seriesRefused, filter, pageSize });
  },
});

const share = (rejected: number, total: number) =>
  total === 0
    ? "—"
    : `${formatNumber((100 * rejected) / total, rejected > 0 && rejected < total / 1000 ? 2 : 1)} %`;

function Sources({ rows }: { rows: { source: string; accepted: number; rejected: number }[] }) {
  return (
    <TableWrap label="Messages per source in the last hour">
      <thead>
        <tr>
          <th>Source</th>
          <th class="num">Accepted</th>
          <th class="num">Rejected</th>
          <th class="num">Rejected share</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.source} data-source={r.source}>
            <td class="nowrap">
              <code>{r.source}</code>
            </td>
            <td class="num">{r.accepted.toLocaleString("en-GB")}</td>
            <td class="num">{r.rejected.toLocaleString("en-GB")}</td>
            <td class="num">{share(r.rejected, r.accepted + r.rejected)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function Minutes({ rows }: { rows: IngestionLogRow[] }) {
  return (
    <TableWrap label={`Messages per source and minute, the last ${RECENT_MINUTES} minutes`}>
      <thead>
        <tr>
          <th>Minute (UTC)</th>
          <th>Source</th>
          <th class="num">Accepted</th>
          <th class="num">Rejected</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.source}:${r.minute.getTime()}`} data-minute={r.minute.toISOString()}>
            <td class="nowrap">{formatTime(r.minute).slice(0, 5)}</td>
            <td class="nowrap">
              <code>{r.source}</code>
            </td>
            <td class="num">{r.accepted.toLocaleString("en-GB")}</td>
            <td class="num">{r.rejected > 0 ? <strong>{r.rejected.toLocaleString("en-GB")}</strong> : 0}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** The payload as one line of text, cut to {@linkcode PAYLOAD_EXCERPT} characters (escaped by the renderer). */
function excerpt(payload: unknown): string {
  if (payload === null || payload === undefined || payload === "") return "—";
  const whole = typeof payload === "string" ? payload : JSON.stringify(payload);
  const line = whole.replace(/\s+/g, " ");
  return line.length > PAYLOAD_EXCERPT ? `${line.slice(0, PAYLOAD_EXCERPT)}…` : line;
}

/** This page with `changes` applied to its query (page 1 again). */
function hrefWith(url: URL, changes: Record<string, string>): string {
  const next = new URL(url);
  next.searchParams.delete("page");
  for (const [k, v] of Object.entries(changes)) next.searchParams.set(k, v);
  return next.pathname + next.search;
}

function RejectedRows({ items, url }: { items: TelemetryEvent[]; url: URL }) {
  return (
    <TableWrap label="Rejected messages">
      <thead>
        <tr>
          <th>Received (UTC)</th>
          <th>Entity</th>
          <th>Topic</th>
          <th>Reason</th>
          <th>Payload</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id} data-event={e.id}>
            <td class="nowrap">{formatDateTime(e.timestamp)}</td>
            <td class="nowrap">
              {e.entityId
                ? (
                  <a href={hrefWith(url, { id: e.entityId, ...(e.kind ? { kind: e.kind } : {}) })}>
                    {e.kind ?? "?"} <code>{e.entityId}</code>
                  </a>
                )
                : <span class="muted">no entity</span>}
            </td>
            <td>
              <code class="small">{e.topic ?? "—"}</code>
            </td>
            <td class="message">
              {e.reason ? <a href={hrefWith(url, { reason: e.reason })}>{e.reason}</a> : "—"}
            </td>
            <td>
              <code class="small">{excerpt(e.payload)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function SeriesRefusedRows({ items }: { items: TelemetryEvent[] }) {
  return (
    <TableWrap label="Readings InfluxDB refused">
      <thead>
        <tr>
          <th>Refused (UTC)</th>
          <th>Entity</th>
          <th>InfluxDB's answer</th>
          <th>Reading (line protocol)</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id} data-series-refused={e.id}>
            <td class="nowrap">{formatDateTime(e.timestamp)}</td>
            <td class="nowrap">
              {e.entityId
                ? (
                  <>
                    {e.kind ?? "?"} <code>{e.entityId}</code>
                  </>
                )
                : <span class="muted">no entity</span>}
            </td>
            <td class="message">{e.reason ?? "—"}</td>
            <td>
              <code class="small">{excerpt(e.payload)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function Filters({ filter }: { filter: Filter }) {
  return (
    <form class="filters" method="get" action="/ingestion">
      <FilterSelect
        name="kind"
        label="Entity kind"
        value={filter.kind}
        options={anyOf(TELEMETRY_ENTITY_KINDS)}
      />
      <label class="field">
        <span>Entity id</span>
        <input name="id" value={filter.id ?? ""} placeholder="id in the topic" />
      </label>
      <label class="field">
        <span>Reason starts with</span>
        <input name="reason" value={filter.reason ?? ""} placeholder="e.g. mw:" />
      </label>
      <FilterSelect name="hours" label="In the last" value={filter.hours} options={Object.entries(WINDOWS)} />
      <button class="button button-ghost" type="submit">Apply</button>
      <a class="small" href="/ingestion">Clear</a>
    </form>
  );
}

/** Ingestion: accepted and rejected counts, and why messages were rejected. */
export default function IngestionPage({ data, url }: PageProps<IngestionData, State>) {
  const { bySource, minutes, rejected, seriesRefused } = data;
  return (
    <>
      <PageHead
        title="Ingestion"
        lead="Messages accepted and rejected per source, and every rejected message with why: nothing is dropped silently."
      />
      <Section
        title="Last hour"
        note="Per source, as the writer counts them (mqtt:unknown: topics no kind routes)."
      >
        {!bySource.ok
          ? <ErrorState title="The ingestion log could not be read" message={bySource.error} />
          : bySource.value.length === 0
          ? <EmptyState title="No messages in the last hour">Counts appear as telemetry arrives.</EmptyState>
          : <Sources rows={bySource.value} />}
      </Section>
      <Section title={`Last ${RECENT_MINUTES} minutes`} note="Minute by minute, newest first.">
        {!minutes.ok
          ? <ErrorState title="The ingestion log could not be read" message={minutes.error} />
          : minutes.value.length === 0
          ? <EmptyState title={`No messages in the last ${RECENT_MINUTES} minutes`} />
          : <Minutes rows={minutes.value} />}
      </Section>
      <Section
        title="Rejected messages"
        note="Messages that failed validation or named an unknown id, newest first; kept 7 days. Also at /api/telemetry/events."
        id="rejected"
      >
        <Filters filter={data.filter} />
        <Listing
          list={rejected}
          what="Rejected messages"
          url={url}
          page={rejected.ok ? rejected.value.page : 1}
          pageSize={data.pageSize}
          empty={
            <EmptyState title="No rejected messages">No rejected message matches these filters.</EmptyState>
          }
        >
          {(items) => <RejectedRows items={items} url={url} />}
        </Listing>
      </Section>
      {(!seriesRefused.ok || seriesRefused.value.total > 0) && (
        <Section
          title="Readings InfluxDB refused"
          note={`Stored readings the InfluxDB mirror refused for good (unparsable, outside the bucket's retention), newest first${
            seriesRefused.ok && seriesRefused.value.total > SERIES_REFUSED_SHOWN
              ? `: the last ${SERIES_REFUSED_SHOWN} of ${seriesRefused.value.total}`
              : ""
          }; they stay in PostgreSQL, kept here 7 days. Also at /api/telemetry/events?event=series_rejected.`}
          id="series-refused"
        >
          {!seriesRefused.ok
            ? <ErrorState title="The refused readings could not be read" message={seriesRefused.error} />
            : <SeriesRefusedRows items={seriesRefused.value.items} />}
        </Section>
      )}
    </>
  );
}
