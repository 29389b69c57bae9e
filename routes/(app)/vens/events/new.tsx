/** `/vens/events/new`: create an ADR event and send it to its VENs (operators and admins). */
import { page, type PageProps } from "fresh";
import { requireRole } from "../../../../auth/session.ts";
import { define } from "../../../../core/define.ts";
import { utcInput } from "../../../../components/choices.ts";
import { EmptyState, PageHead } from "../../../../components/ui.tsx";
import { venTargets } from "../../../../stores/postgres/repos/vens.ts";
import AdrEventForm, { type AdrEventFormProps } from "../../../../islands/AdrEventForm.tsx";

export const handler = define.handlers<AdrEventFormProps>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    ctx.state.title = "New ADR event";
    const { programs, vens, groups } = await venTargets(ctx.state.services.sql);
    // the next quarter hour: far enough ahead for the VENs to answer
    const start = utcInput(Math.ceil(Date.now() / 900_000) * 900_000 + 900_000);
    return page({ programs, vens, groups, start });
  },
});

/** The event form. */
export default function NewEvent({ data }: PageProps<AdrEventFormProps>) {
  return (
    <>
      <PageHead
        title="New ADR event"
        lead="The event goes to every targeted VEN at once over MQTT (retained); they answer opt in or out."
      />
      <section class="card">
        {data.programs.length === 0
          ? <EmptyState title="No ADR program yet">Create a program first (POST /api/programs).</EmptyState>
          : <AdrEventForm {...data} />}
      </section>
    </>
  );
}
