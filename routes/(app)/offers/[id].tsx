/** `/offers/:id`: edit or delete an offer (operators and admins). */
import { HttpError, page, type PageProps } from "fresh";
import { requireRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import { type Choice, plantChoices, siteChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { DoneNotice, PageHead } from "../../../components/ui.tsx";
import { Uuid } from "../../../domain/common.ts";
import { OfferPatch } from "../../../domain/offer.ts";
import { type Entity, getRow } from "../../../stores/postgres/repos/crud.ts";
import { Manage } from "../../../components/manage.tsx";
import { offerFields, offerValues } from "./(_offers)/form.ts";

interface OfferData {
  offer: Entity;
  plants: Choice[];
  sites: Choice[];
}

export const handler = define.handlers<OfferData>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    const { sql } = ctx.state.services;
    const id = ctx.params.id;
    const offer = Uuid.safeParse(id).success
      ? await getRow(sql, { table: "flexibility_offers", orderBy: "created_at" }, id)
      : undefined;
    if (!offer) throw new HttpError(404, `No offer with id ${id}`);
    ctx.state.title = offer.name as string;
    const [plants, sites] = await Promise.all([plantChoices(sql), siteChoices(sql)]);
    return page({ offer, plants, sites });
  },
});

/** The offer's form and its deletion. */
export default function OfferPage({ data, url }: PageProps<OfferData>) {
  const { offer } = data;
  return (
    <>
      <PageHead title={offer.name as string} lead="Edit the offer; every change is audited.">
        <a class="button button-ghost" href="/offers">All offers</a>
      </PageHead>
      <DoneNotice url={url} what="Offer" />
      <Manage
        noun="offer"
        name={offer.name as string}
        api={`/api/offers/${offer.id}`}
        page={`/offers/${offer.id}`}
        list="/offers"
        form={{
          fields: offerFields(data.plants, data.sites),
          rules: rulesOf(OfferPatch),
          values: offerValues(offer),
        }}
      />
    </>
  );
}
