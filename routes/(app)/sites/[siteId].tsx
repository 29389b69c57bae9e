/**
 * `/sites/:siteId`: a site's figures now, its meters with their latest values, one meter's day, its equipment
 * and the connections between its assets.
 */
import { HttpError, page, type PageProps } from "fresh";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { siteDashboard, siteLatest } from "../../../api/live.ts";
import { formatAgo, formatKw, formatNumber, humanize } from "../../../components/format.ts";
import { load, type Loaded } from "../../../components/load.ts";
import {
  Badge,
  EmptyState,
  ErrorState,
  Facts,
  PageHead,
  StatCard,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { Uuid } from "../../../domain/common.ts";
import type { SiteDashboard } from "../../../domain/live.ts";
import { type Entity, getRow } from "../../../stores/postgres/repos/crud.ts";
import { siteChildren } from "../../../stores/postgres/repos/hierarchy.ts";
import { latestMeasuredValues, listMeasurements } from "../../../stores/postgres/repos/measurements.ts";
import { siteRecommendations } from "../../../stores/postgres/repos/recommendations.ts";
import { RecommendationList } from "../../../components/recommendation_list.tsx";
import TimeSeriesChart from "../../../islands/TimeSeriesChart.tsx";

const DAY = 86_400_000;

/** A meter's, asset's or energy source's latest value of one metric. */
interface Latest {
  entityId?: string;
  meterId?: string;
  metric: string;
  value: number;
  unit: string;
  quality: string;
  ts: Date | string;
}

/** What a site has. */
interface Equipment {
  meters: Entity[];
  assets: Entity[];
  energySources: Entity[];
  gridLinks: Entity[];
  assetConnections: Entity[];
}

interface SiteData {
  site: Entity;
  portfolio: string;
  children: Loaded<Equipment>;
  dashboard: SiteDashboard | undefined;
  latest: Loaded<{ values: Latest[]; live: boolean }>;
  meter?: { row: Entity; points: Loaded<[number, number][]> };
  recommendations: Loaded<Entity[]>;
  now: number;
}

async function latestValues(services: State["services"], siteId: string, now: number) {
  const live = await siteLatest(services, siteId);
  if (live.length > 0) return { values: live as Latest[], live: true };
  const stored = await latestMeasuredValues(services.sql, siteId, new Date(now - 2 * DAY));
  return { values: stored as unknown as Latest[], live: false };
}

export const handler = define.handlers<SiteData>({
  async GET(ctx) {
    const { services } = ctx.state;
    const { sql } = services;
    const id = ctx.params.siteId;
    const site = Uuid.safeParse(id).success
      ? await getRow(sql, { table: "sites", orderBy: "created_at" }, id)
      : undefined;
    if (!site) throw new HttpError(404, `No site with id ${id}`);
    ctx.state.title = site.name as string;
    const now = Date.now();
    const [children, dashboard, latest, portfolio, recommendations] = await Promise.all([
      load(
        services,
        "site equipment",
        async () =>
          await siteChildren(sql, id, [
            "meters",
            "assets",
            "energySources",
            "gridLinks",
            "assetConnections",
          ]) as SiteData["children"] extends Loaded<infer T> ? T : never,
      ),
      siteDashboard(services, id).catch(() => undefined),
      load(services, "latest values", () => latestValues(services, id, now)),
      getRow(sql, { table: "portfolios", orderBy: "created_at" }, site.portfolioId as string).catch(() =>
        undefined
      ),
      load(services, "recommendations", () => siteRecommendations(sql, id)),
    ]);
    const meters = children.ok ? children.value.meters : [];
    const chosen = meters.find((m) => m.id === ctx.url.searchParams.get("meter")) ?? meters[0];
    const meter = chosen && {
      row: chosen,
      points: await load(services, "meter history", async () => {
        const rows = await listMeasurements(sql, {
          start: new Date(now - DAY),
          end: new Date(now),
          entityType: "meter",
          entityId: chosen.id as string,
          metric: "power",
        }, { limit: 5_000, offset: 0 });
        return rows.items.map((r): [number, number] => [(r.ts as Date).getTime(), r.value as number]);
      }),
    };
    return page({
      site,
      portfolio: (portfolio?.name as string | undefined) ?? "—",
      children,
      dashboard,
      latest,
      meter,
      recommendations,
      now,
    });
  },
});

function Figures({ d }: { d: SiteDashboard | undefined }) {
  if (!d) {
    return (
      <p class="muted small">
        Live site figures appear once the site actor reports (they are kept for a minute).
      </p>
    );
  }
  return (
    <section class="cards" aria-label="Site now">
      <StatCard label="Consumption" value={formatKw(d.consumptionKw)} />
      <StatCard label="Production" value={formatKw(d.productionKw)} />
      <StatCard label="Grid export" value={formatKw(d.injectionKw)} />
      <StatCard
        label="Self-consumption"
        value={d.selfConsumptionRatio === null ? "—" : `${formatNumber(d.selfConsumptionRatio * 100, 0)} %`}
        hint={`Storage ${formatKw(d.storageKw)}`}
      />
    </section>
  );
}

function Meters({ data }: { data: SiteData }) {
  if (!data.children.ok) return <ErrorState title="Meters could not be read" message={data.children.error} />;
  const meters = data.children.value.meters;
  if (meters.length === 0) return <EmptyState title="This site has no meters" />;
  const latest = data.latest.ok ? data.latest.value.values : [];
  return (
    <TableWrap label="Meters">
      <thead>
        <tr>
          <th>Meter</th>
          <th>Category</th>
          <th>Reports</th>
          <th>Latest values</th>
          <th>Quality</th>
          <th>At</th>
        </tr>
      </thead>
      <tbody>
        {meters.map((m) => {
          const values = latest.filter((v) => v.meterId === m.id);
          const newest = values.reduce<Latest | undefined>(
            (a, v) => (!a || new Date(v.ts) > new Date(a.ts) ? v : a),
            undefined,
          );
          return (
            <tr key={m.id as string} aria-current={m.id === data.meter?.row.id ? "true" : undefined}>
              <td>
                <a href={`/sites/${data.site.id}?meter=${m.id}#meter`}>{m.name as string}</a>
              </td>
              <td>
                <Badge tone="info">{m.category as string}</Badge>
              </td>
              <td>{m.readingFrequency as string}</td>
              <td>
                {values.length === 0
                  ? <span class="muted">No recent value</span>
                  : values.map((v) => `${humanize(v.metric)} ${formatNumber(v.value, 1)} ${v.unit}`).join(
                    " · ",
                  )}
              </td>
              <td>{newest ? <StateBadge state={newest.quality} /> : "—"}</td>
              <td class="nowrap">{newest ? formatAgo(newest.ts) : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

function MeterChart({ data }: { data: SiteData }) {
  const meter = data.meter;
  if (!meter) return null;
  const name = meter.row.name as string;
  return (
    <section class="card" id="meter">
      <div class="card-head">
        <div>
          <h2>{name}, last 24 hours</h2>
          <p class="muted small">Power of the meter; choose another meter in the table above.</p>
        </div>
      </div>
      {!meter.points.ok
        ? <ErrorState title="Measurements could not be read" message={meter.points.error} />
        : meter.points.value.length === 0
        ? <EmptyState title="No power measurements in the last 24 hours" />
        : (
          <TimeSeriesChart
            id="meter-chart"
            label={`Power of meter ${name} over the last 24 hours`}
            series={[{ label: name, points: meter.points.value }]}
            unit={(meter.row.unit as string) ?? "kW"}
            from={data.now - DAY}
            to={data.now}
          />
        )}
    </section>
  );
}

/** The latest values of an asset or energy source, if it reported. */
function EquipmentValues({ data, id }: { data: SiteData; id: string }) {
  const values = (data.latest.ok ? data.latest.value.values : []).filter((v) => v.entityId === id);
  if (values.length === 0) return null;
  const newest = values.reduce((a, v) => (new Date(v.ts) > new Date(a.ts) ? v : a));
  return (
    <span class="small">
      {" · "}
      {values.map((v) => `${humanize(v.metric)} ${formatNumber(v.value, 1)} ${v.unit}`).join(" · ")}{" "}
      <span class="muted">{formatAgo(newest.ts)}</span>
    </span>
  );
}

function Equipment({ data }: { data: SiteData }) {
  if (!data.children.ok) return null;
  const { energySources, gridLinks, assets } = data.children.value;
  return (
    <div class="grid-2">
      <section class="card">
        <div class="card-head">
          <h2>Energy sources and grid links</h2>
        </div>
        {energySources.length + gridLinks.length === 0
          ? <EmptyState title="None registered" />
          : (
            <ul class="plain-list">
              {energySources.map((s) => (
                <li key={s.id as string}>
                  <strong>{s.name as string}</strong>{" "}
                  <span class="muted small">
                    {humanize(s.sourceType as string)} · {formatKw(s.capacityKw as number)}
                  </span>
                  <EquipmentValues data={data} id={s.id as string} />
                </li>
              ))}
              {gridLinks.map((g) => (
                <li key={g.id as string}>
                  <strong>{g.name as string}</strong>{" "}
                  <span class="muted small">grid link · {humanize(String(g.direction))}</span>
                </li>
              ))}
            </ul>
          )}
      </section>
      <section class="card">
        <div class="card-head">
          <h2>Assets</h2>
          <a class="small" href="/sites">Tree</a>
        </div>
        {assets.length === 0 ? <EmptyState title="No assets registered" /> : (
          <ul class="plain-list">
            {assets.map((a) => (
              <li key={a.id as string}>
                <strong>{a.name as string}</strong>{" "}
                <span class="muted small">{humanize(a.assetType as string)}</span>
                <EquipmentValues data={data} id={a.id as string} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** How a connection's direction reads from its first asset to its second: arrow and words. */
const DIRECTION_LABELS: Record<string, [string, string]> = {
  out: ["→", "Out"],
  in: ["←", "In"],
  bi: ["↔", "Both ways"],
};

/** The connections between the site's assets (energy flow, data flow, dependency), by asset name. */
function Connections({ data }: { data: SiteData }) {
  if (!data.children.ok) return null;
  const { assets, assetConnections } = data.children.value;
  const names = new Map(assets.map((a) => [a.id as string, a.name as string]));
  // an asset of another site (moved before connections were checked) is shown by its id
  const asset = (id: unknown) => names.get(id as string) ?? `Asset ${id}`;
  return (
    <section class="card" id="connections">
      <div class="card-head">
        <div>
          <h2>Asset connections</h2>
          <p class="muted small">Energy flow, data flow and dependencies between this site's assets.</p>
        </div>
      </div>
      {assetConnections.length === 0
        ? <EmptyState title="No connections between this site's assets" />
        : (
          <TableWrap label="Asset connections">
            <thead>
              <tr>
                <th>From</th>
                <th>Direction</th>
                <th>To</th>
                <th>Relationship</th>
              </tr>
            </thead>
            <tbody>
              {assetConnections.map((c) => (
                <tr key={c.id as string} data-connection={c.id as string}>
                  <td>{asset(c.fromAssetId)}</td>
                  <td class="nowrap">
                    <span aria-hidden="true">{DIRECTION_LABELS[c.direction as string]?.[0]}</span>{" "}
                    {DIRECTION_LABELS[c.direction as string]?.[1] ?? String(c.direction)}
                  </td>
                  <td>{asset(c.toAssetId)}</td>
                  <td>
                    <Badge tone="info">{humanize(String(c.relationship))}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
    </section>
  );
}

/** What to do at the site: generated from its measured data hourly, or entered by users. */
function Recommendations({ data }: { data: SiteData }) {
  const assets = new Map(
    (data.children.ok ? data.children.value.assets : []).map((a) => [a.id as string, a.name as string]),
  );
  return (
    <section class="card" id="recommendations">
      <div class="card-head">
        <div>
          <h2>Recommendations</h2>
          <p class="muted small">
            Open ones first. Generated ones come from named rules over the last 30 days of this site's
            measured data, each with its reason and the figures it used.
          </p>
        </div>
      </div>
      {data.recommendations.ok
        ? <RecommendationList items={data.recommendations.value} assets={assets} />
        : <ErrorState title="Recommendations could not be read" message={data.recommendations.error} />}
    </section>
  );
}

/** One site. */
export default function SitePage({ data }: PageProps<SiteData, State>) {
  const { site } = data;
  const live = data.latest.ok && data.latest.value.live;
  return (
    <>
      <PageHead
        title={site.name as string}
        lead={`${humanize(site.industryType as string)} site of ${data.portfolio}`}
      >
        <a class="button button-ghost" href="/sites">All sites</a>
      </PageHead>
      <section class="card">
        <Facts
          items={[
            ["Location", (site.location as string | null) ?? "—"],
            ["Industry", humanize(site.industryType as string)],
            ["Meters", String(data.children.ok ? data.children.value.meters.length : "—")],
            ["Values", live ? "Live from the site actor" : "As last stored"],
          ]}
        />
      </section>
      <Figures d={data.dashboard} />
      <section class="card">
        <div class="card-head">
          <h2>Meters</h2>
        </div>
        {!data.latest.ok && (
          <ErrorState
            title="Latest values could not be read"
            message={data.latest.error}
          />
        )}
        <Meters data={data} />
      </section>
      <MeterChart data={data} />
      <Equipment data={data} />
      <Connections data={data} />
      <Recommendations data={data} />
    </>
  );
}
