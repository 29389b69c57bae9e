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
import ConfirmButton from "../../../islands/ConfirmButton.tsx";
import ResourceForm from "../../../islands/ResourceForm.tsx";
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
      <section class="card">
        <ResourceForm
          fields={offerFields(data.plants, data.sites)}
          rules={rulesOf(OfferPatch)}
          values={offerValues(offer)}
          method="PATCH"
          url={`/api/offers/${offer.id}`}
          submitLabel="Save changes"
          next={`/offers/${offer.id}?done=updated`}
          cancel="/offers"
        />
      </section>
      <section class="card danger-zone">
        <div class="card-head">
          <h2>Delete offer</h2>
        </div>
        <ConfirmButton
          url={`/api/offers/${offer.id}`}
          question={`Delete offer “${offer.name}”? This cannot be undone.`}
          next="/offers?done=deleted"
        />
      </section>
    </>
  );
}
