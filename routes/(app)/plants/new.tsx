/** `/plants/new`: register a plant (operators and admins). */
import { page, type PageProps } from "fresh";
import { requireRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import { PageHead } from "../../../components/ui.tsx";
import ResourceForm from "../../../islands/ResourceForm.tsx";
import { rulesOf } from "../../../components/field_rules.ts";
import { PlantInput } from "../../../domain/plant.ts";
import { plantFields, plantValues } from "./(_plants)/form.ts";
import { siteChoices } from "../../../components/choices.ts";

interface NewPlantData {
  sites: { id: string; name: string }[];
}

export const handler = define.handlers<NewPlantData>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    ctx.state.title = "New plant";
    // without the site list the form still works: the plant is created without a site
    const sites = await siteChoices(ctx.state.services.sql).catch(() => []);
    return page({ sites });
  },
});

/** The registration form. */
export default function NewPlant({ data }: PageProps<NewPlantData>) {
  return (
    <>
      <PageHead
        title="New plant"
        lead="Register a plant; its actor starts and telemetry is accepted right away."
      />
      <section class="card">
        <ResourceForm
          rules={rulesOf(PlantInput)}
          fields={plantFields(data.sites)}
          values={plantValues()}
          method="POST"
          url="/api/plants"
          submitLabel="Create plant"
          next="/plants?done=created"
          cancel="/plants"
        />
      </section>
    </>
  );
}
