/** `/alert-rules/new?kind=plant|ven|meter`: create an alert rule (operators and admins). */
import { page, type PageProps } from "fresh";
import { requireRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import { type Choice, meterChoices, plantChoices, venChoices } from "../../../components/choices.ts";
import { rulesOf } from "../../../components/field_rules.ts";
import { oneOf } from "../../../components/load.ts";
import { PageHead } from "../../../components/ui.tsx";
import { AlertRuleInput, RULE_ENTITY_KINDS, type RuleEntityKind } from "../../../domain/alert_rule.ts";
import ResourceForm from "../../../islands/ResourceForm.tsx";
import { alertRuleFields, alertRuleValues, KIND_NAMES } from "./(_alert_rules)/form.ts";

interface NewAlertRuleData {
  kind: RuleEntityKind;
  entities: Choice[];
}

const CHOICES = { plant: plantChoices, ven: venChoices, meter: meterChoices };

export const handler = define.handlers<NewAlertRuleData>({
  async GET(ctx) {
    requireRole(ctx, "operator");
    ctx.state.title = "New alert rule";
    const kind = oneOf(ctx.url, "kind", RULE_ENTITY_KINDS) ?? "plant";
    // without the list the form still works: the rule is created for every entity of the kind
    const entities = await CHOICES[kind](ctx.state.services.sql).catch(() => []);
    return page({ kind, entities });
  },
});

/** The rule form, one kind at a time (each kind has its own entities and metrics). */
export default function NewAlertRule({ data }: PageProps<NewAlertRuleData>) {
  return (
    <>
      <PageHead
        title="New alert rule"
        lead="A ThresholdExceeded alert opens when the metric stays beyond the threshold for the duration; it resolves when a reading is back within it."
      />
      <nav class="filters" aria-label="What the rule watches">
        {RULE_ENTITY_KINDS.map((k) => (
          <a
            class={k === data.kind ? "button button-small" : "button button-ghost button-small"}
            href={`/alert-rules/new?kind=${k}`}
            aria-current={k === data.kind ? "page" : undefined}
          >
            {KIND_NAMES[k][0]}
          </a>
        ))}
      </nav>
      <section class="card">
        <ResourceForm
          fields={alertRuleFields(data.kind, data.entities)}
          rules={rulesOf(AlertRuleInput)}
          values={alertRuleValues(data.kind)}
          method="POST"
          url="/api/alert-rules"
          submitLabel="Create rule"
          next="/alert-rules?done=created"
          cancel="/alert-rules"
        />
      </section>
    </>
  );
}
