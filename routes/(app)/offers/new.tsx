/** `/offers/new`: create a flexibility offer (operators and admins). */
import { page, type PageProps } from "fresh";
import { requireRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import { type Choice, plantChoices, siteChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { PageHead } from "../../../components/ui.tsx";
import { OfferInput } from "../../../domain/offer.ts";
import ResourceForm from "../../../islands/ResourceForm.tsx";
import { offerFields, offerValues } from "./(_offers)/form.ts";

interface NewOfferData {
  plants: Choice[];
  sites: Choice[];
}

export const handler = define.handlers<NewOfferData>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    ctx.state.title = "New offer";
    const { sql } = ctx.state.services;
    const [plants, sites] = await Promise.all([plantChoices(sql), siteChoices(sql)]);
    return page({ plants, sites });
  },
});

/** The offer form. */
export default function NewOffer({ data }: PageProps<NewOfferData>) {
  return (
    <>
      <PageHead
        title="New offer"
        lead="Offer up or down flexibility from a plant or a site for a delivery window."
      />
      <section class="card">
        <ResourceForm
          fields={offerFields(data.plants, data.sites)}
          rules={rulesOf(OfferInput)}
          values={offerValues()}
          method="POST"
          url="/api/offers"
          submitLabel="Create offer"
          next="/offers?done=created"
          cancel="/offers"
        />
      </section>
    </>
  );
}
