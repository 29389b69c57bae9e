/** `/offers`: flexibility offers, filtered by status and market, paged. */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { plantChoices, siteChoices } from "../../../components/choices.ts";
import { formatDateTime, formatNumber } from "../../../components/format.ts";
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
import { MARKETS, OFFER_STATUSES } from "../../../domain/offer.ts";
import { type Entity, listRows } from "../../../stores/postgres/repos/crud.ts";
import { marketName } from "./(_offers)/form.ts";

interface OffersData {
  offers: Loaded<{ items: Entity[]; total: number }>;
  names: Record<string, string>;
  page: number;
  pageSize: number;
  status?: string;
  market?: string;
}

export const handler = define.handlers<OffersData>({
  async GET(ctx) {
    ctx.state.title = "Offers";
    const { services } = ctx.state;
    const { page: n, pageSize, offset } = pageOf(ctx.url);
    const status = oneOf(ctx.url, "status", OFFER_STATUSES);
    const market = oneOf(ctx.url, "market", MARKETS);
    const [offers, plants, sites] = await Promise.all([
      load(
        services,
        "offers",
        () =>
          listRows(services.sql, { table: "flexibility_offers", orderBy: "created_at" }, {
            equals: { status, market },
            limit: pageSize,
            offset,
          }),
      ),
      plantChoices(services.sql).catch(() => []),
      siteChoices(services.sql).catch(() => []),
    ]);
    const names = Object.fromEntries([...plants, ...sites].map((c) => [c.id, c.name]));
    return page({ offers, names, page: n, pageSize, status, market });
  },
});

function Filters({ status, market }: { status?: string; market?: string }) {
  return (
    <form class="filters" method="get" action="/offers">
      <FilterSelect name="status" label="Status" value={status} options={anyOf(OFFER_STATUSES)} />
      <FilterSelect name="market" label="Market" value={market} options={anyOf(MARKETS, marketName)} />
      <button class="button button-ghost" type="submit">Apply</button>
      {(status || market) && <a class="small" href="/offers">Clear</a>}
    </form>
  );
}

function OfferRows(
  { items, names, canEdit }: { items: Entity[]; names: Record<string, string>; canEdit: boolean },
) {
  return (
    <TableWrap label="Offers">
      <thead>
        <tr>
          <th>Name</th>
          <th>From</th>
          <th>Market</th>
          <th>Direction</th>
          <th class="num">Volume</th>
          <th class="num">Price</th>
          <th>Delivery (UTC)</th>
          <th>Status</th>
          {canEdit && <th class="num">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((o) => (
          <tr key={o.id as string} data-offer={o.name as string}>
            <td>{o.name as string}</td>
            <td>{names[(o.plantId ?? o.siteId) as string] ?? "—"}</td>
            <td>{marketName(o.market as string)}</td>
            <td>{o.direction === "up" ? "↑ Up" : "↓ Down"}</td>
            <td class="num">{formatNumber(o.volumeMw as number)} MW</td>
            <td class="num">{formatNumber(o.priceEurMwh as number, 2)} €/MWh</td>
            <td class="nowrap">
              {formatDateTime(o.deliveryStart as Date)} – {formatDateTime(o.deliveryEnd as Date).slice(-5)}
            </td>
            <td>
              <StateBadge state={o.status as string} />
            </td>
            {canEdit && (
              <td class="actions">
                <a class="button button-ghost button-small" href={`/offers/${o.id}`}>Edit</a>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** The offers. */
export default function OffersPage({ data, url, state }: PageProps<OffersData, State>) {
  const canEdit = hasRole(state.user, "operator");
  const { offers } = data;
  return (
    <>
      <PageHead title="Offers" lead="Short-term flexibility offered on the markets by plants and sites.">
        {canEdit && <a class="button" href="/offers/new">New offer</a>}
      </PageHead>
      <DoneNotice url={url} what="Offer" />
      <section class="card">
        <Filters status={data.status} market={data.market} />
        <Listing
          list={offers}
          what="Offers"
          url={url}
          page={data.page}
          pageSize={data.pageSize}
          empty={
            <EmptyState
              title={data.status || data.market ? "No offer matches these filters" : "No offers yet"}
            >
              {canEdit ? "Create one with New offer." : "Operators create offers."}
            </EmptyState>
          }
        >
          {(items) => <OfferRows items={items} names={data.names} canEdit={canEdit} />}
        </Listing>
      </section>
    </>
  );
}
