/** `/vens/new`: register a VEN (operators and admins). */
import { page, type PageProps } from "fresh";
import { requireRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import { type Choice, siteChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { PageHead } from "../../../components/ui.tsx";
import { VenInput } from "../../../domain/ven.ts";
import ResourceForm from "../../../islands/ResourceForm.tsx";
import { venFields, venValues } from "./(_vens)/shared.tsx";

export const handler = define.handlers<{ sites: Choice[] }>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    ctx.state.title = "Register VEN";
    return page({ sites: await siteChoices(ctx.state.services.sql).catch(() => []) });
  },
});

/** The registration form. */
export default function NewVen({ data }: PageProps<{ sites: Choice[] }>) {
  return (
    <>
      <PageHead
        title="Register VEN"
        lead="Its actor starts at once and accepts telemetry on gridpulse/vens/{id}/…"
      />
      <section class="card">
        <ResourceForm
          fields={venFields(data.sites)}
          rules={rulesOf(VenInput)}
          values={venValues()}
          method="POST"
          url="/api/vens"
          submitLabel="Register VEN"
          next="/vens/{id}?done=created"
          cancel="/vens"
        />
      </section>
    </>
  );
}
