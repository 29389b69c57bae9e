/** `/alerts`: every alert, filtered by state, severity, type, entity and age; operators acknowledge and resolve. */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { entityNames } from "../../../components/choices.ts";
import { formatDateTime, humanize } from "../../../components/format.ts";
import { type Age, ageOf, AGES, load, type Loaded, oneOf, pageOf } from "../../../components/load.ts";
import {
  anyOf,
  EmptyState,
  FilterSelect,
  Listing,
  PageHead,
  SeverityBadge,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { ALERT_ENTITY_KINDS, ALERT_STATES, ALERT_TYPES, SEVERITIES } from "../../../domain/alert.ts";
import { Uuid } from "../../../domain/common.ts";
import { type Entity } from "../../../stores/postgres/repos/crud.ts";
import { recentAlerts } from "../../../stores/postgres/repos/alerts.ts";
import AlertActions from "../../../islands/AlertActions.tsx";

interface Filter {
  state?: string;
  severity?: string;
  type?: string;
  kind?: string;
  hours: Age;
  plant?: string;
}

interface AlertsData {
  alerts: Loaded<{ items: Entity[]; total: number }>;
  names: Record<string, string>;
  filter: Filter;
  page: number;
  pageSize: number;
}

function filterOf(url: URL): Filter {
  const plant = url.searchParams.get("plant");
  return {
    state: oneOf(url, "state", ALERT_STATES),
    severity: oneOf(url, "severity", SEVERITIES),
    type: oneOf(url, "type", ALERT_TYPES),
    kind: oneOf(url, "kind", ALERT_ENTITY_KINDS),
    hours: ageOf(url),
    plant: plant && Uuid.safeParse(plant).success ? plant : undefined,
  };
}

export const handler = define.handlers<AlertsData>({
  async GET(ctx) {
    ctx.state.title = "Alerts";
    const { services } = ctx.state;
    const filter = filterOf(ctx.url);
    const { page: n, pageSize, offset } = pageOf(ctx.url);
    const [alerts, names] = await Promise.all([
      load(services, "alerts", () =>
        recentAlerts(services.sql, {
          since: new Date(Date.now() - Number(filter.hours) * 3_600_000),
          state: filter.state,
          severity: filter.severity,
          type: filter.type,
          entityKind: filter.kind,
          plantId: filter.plant,
        }, { limit: pageSize, offset })),
      entityNames(services.sql).catch(() => ({})),
    ]);
    return page({ alerts, names, filter, page: n, pageSize });
  },
});

function Filters({ filter }: { filter: Filter }) {
  return (
    <form class="filters" method="get" action="/alerts">
      {filter.plant && <input type="hidden" name="plant" value={filter.plant} />}
      <FilterSelect name="state" label="State" value={filter.state} options={anyOf(ALERT_STATES)} />
      <FilterSelect name="severity" label="Severity" value={filter.severity} options={anyOf(SEVERITIES)} />
      <FilterSelect name="type" label="Type" value={filter.type} options={anyOf(ALERT_TYPES)} />
      <FilterSelect name="kind" label="About" value={filter.kind} options={anyOf(ALERT_ENTITY_KINDS)} />
      <FilterSelect
        name="hours"
        label="Raised in the last"
        value={filter.hours}
        options={Object.entries(AGES)}
      />
      <button class="button button-ghost" type="submit">Apply</button>
      <a class="small" href="/alerts">Clear</a>
    </form>
  );
}

function AlertRows(
  { items, names, canAct }: { items: Entity[]; names: Record<string, string>; canAct: boolean },
) {
  return (
    <TableWrap label="Alerts">
      <thead>
        <tr>
          <th>Raised (UTC)</th>
          <th>About</th>
          <th>Type</th>
          <th>Severity</th>
          <th class="num">Seen</th>
          <th>Message</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <tr key={a.id as string} data-alert={a.id as string}>
            <td class="nowrap">{formatDateTime(a.ts as Date)}</td>
            <td class="nowrap">
              {a.entityKind === "plant"
                ? <a href={`/plants/${a.entityId}`}>{names[a.entityId as string] ?? "Plant"}</a>
                : names[a.entityId as string] ?? humanize(a.entityKind as string)}
            </td>
            <td>{humanize(a.type as string)}</td>
            <td>
              <SeverityBadge severity={a.severity as string} />
            </td>
            <td class="num">{a.occurrences as number}×</td>
            <td class="message">{a.message as string}</td>
            <td class="nowrap">
              {canAct && a.state !== "resolved"
                ? <AlertActions id={a.id as string} state={a.state as "open" | "acknowledged"} />
                : <StateBadge state={a.state as string} />}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** The alert list. */
export default function AlertsPage({ data, url, state }: PageProps<AlertsData, State>) {
  const { alerts, filter } = data;
  const plantName = filter.plant ? data.names[filter.plant] : undefined;
  return (
    <>
      <PageHead
        title="Alerts"
        lead={plantName
          ? `Alerts of ${plantName}.`
          : "Spikes, threshold breaches and data gaps the actors detected, newest first."}
      />
      <section class="card">
        <Filters filter={filter} />
        <Listing
          list={alerts}
          what="Alerts"
          url={url}
          page={data.page}
          pageSize={data.pageSize}
          empty={<EmptyState title="No alert matches">Widen the time range or clear the filters.</EmptyState>}
        >
          {(items) => <AlertRows items={items} names={data.names} canAct={hasRole(state.user, "operator")} />}
        </Listing>
      </section>
    </>
  );
}
