/** `/plants`: the registered plants with their output now, filtered and paged. */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { formatAgo, formatMw, humanize } from "../../../components/format.ts";
import { load, type Loaded, oneOf, pageOf } from "../../../components/load.ts";
import {
  anyOf,
  DoneNotice,
  EmptyState,
  FilterSelect,
  Listing,
  PageHead,
  StateBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { PLANT_ASSET_TYPES, PLANT_STATUSES } from "../../../domain/plant.ts";
import { type Entity, listRows } from "../../../stores/postgres/repos/crud.ts";
import { latestPlantReadings } from "../../../stores/postgres/repos/readings.ts";

interface PlantsData {
  plants: Loaded<{ items: Entity[]; total: number }>;
  latest: Map<string, { ts: Date; value: number }>;
  page: number;
  pageSize: number;
  status?: string;
  type?: string;
}

export const handler = define.handlers<PlantsData>({
  async GET(ctx) {
    ctx.state.title = "Plants";
    const { services } = ctx.state;
    const { page: n, pageSize, offset } = pageOf(ctx.url);
    const status = oneOf(ctx.url, "status", PLANT_STATUSES);
    const type = oneOf(ctx.url, "type", PLANT_ASSET_TYPES);
    const [plants, latest] = await Promise.all([
      load(services, "plants", () =>
        listRows(services.sql, { table: "plants", orderBy: "registered_at" }, {
          equals: { status, asset_type: type },
          limit: pageSize,
          offset,
        })),
      load(
        services,
        "latest readings",
        () => latestPlantReadings(services.sql, new Date(Date.now() - 86_400_000)),
      ),
    ]);
    return page({
      plants,
      latest: new Map((latest.ok ? latest.value : []).map((r) => [r.plantId, r])),
      page: n,
      pageSize,
      status,
      type,
    });
  },
});

function Filters({ status, type }: { status?: string; type?: string }) {
  return (
    <form class="filters" method="get" action="/plants">
      <FilterSelect name="status" label="Status" value={status} options={anyOf(PLANT_STATUSES)} />
      <FilterSelect name="type" label="Technology" value={type} options={anyOf(PLANT_ASSET_TYPES)} />
      <button class="button button-ghost" type="submit">Apply</button>
      {(status || type) && <a class="small" href="/plants">Clear</a>}
    </form>
  );
}

function PlantRows(
  { items, latest, canEdit }: { items: Entity[]; latest: PlantsData["latest"]; canEdit: boolean },
) {
  return (
    <TableWrap label="Plants">
      <thead>
        <tr>
          <th>Name</th>
          <th>Technology</th>
          <th class="num">Capacity</th>
          <th>Status</th>
          <th class="num">Output</th>
          <th>Last reading</th>
          {canEdit && <th class="num">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((p) => {
          const now = latest.get(p.id as string);
          return (
            <tr data-plant={p.name as string}>
              <td>
                <a href={`/plants/${p.id}`}>{p.name as string}</a>
              </td>
              <td>{humanize(p.assetType as string)}</td>
              <td class="num">{formatMw(p.capacityMw as number)}</td>
              <td>
                <StateBadge state={p.status as string} />
              </td>
              <td class="num">{formatMw(now?.value ?? null, 2)}</td>
              <td class="nowrap">{formatAgo(now?.ts ?? null)}</td>
              {canEdit && (
                <td class="actions">
                  <a class="button button-ghost button-small" href={`/plants/${p.id}#edit`}>Edit</a>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

/** The plant registry. */
export default function PlantsPage({ data, url, state }: PageProps<PlantsData, State>) {
  const canEdit = hasRole(state.user, "operator");
  const { plants } = data;
  return (
    <>
      <PageHead
        title="Plants"
        lead="Generators, storage and CHP registered with GridPulse, and what they deliver now."
      >
        {canEdit && <a class="button" href="/plants/new">New plant</a>}
      </PageHead>
      <DoneNotice url={url} what="Plant" />
      <section class="card">
        <Filters status={data.status} type={data.type} />
        <Listing
          list={plants}
          what="Plants"
          url={url}
          page={data.page}
          pageSize={data.pageSize}
          empty={
            <EmptyState title={data.status || data.type ? "No plant matches these filters" : "No plants yet"}>
              {canEdit ? "Register the first one with New plant." : "An operator can register plants."}
            </EmptyState>
          }
        >
          {(items) => <PlantRows items={items} latest={data.latest} canEdit={canEdit} />}
        </Listing>
      </section>
    </>
  );
}
