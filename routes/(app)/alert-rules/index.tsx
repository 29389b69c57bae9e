/**
 * `/alert-rules`: the ThresholdExceeded limits on plants, VENs and meters, filtered by kind and state;
 * operators enable, disable and delete them (through `/api/alert-rules`, which reconfigures the actors).
 */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { entityNames } from "../../../components/choices.ts";
import { load, type Loaded, oneOf, pageOf } from "../../../components/load.ts";
import {
  anyOf,
  Badge,
  DoneNotice,
  EmptyState,
  FilterSelect,
  Listing,
  PageHead,
  SeverityBadge,
  TableWrap,
} from "../../../components/ui.tsx";
import { RULE_ENTITY_KINDS, type RuleEntityKind } from "../../../domain/alert_rule.ts";
import { type Entity, listRows } from "../../../stores/postgres/repos/crud.ts";
import ConfirmButton from "../../../islands/ConfirmButton.tsx";
import { conditionText, KIND_NAMES } from "./(_alert_rules)/form.ts";

interface Filter {
  kind?: RuleEntityKind;
  enabled?: "true" | "false";
}

interface AlertRulesData {
  rules: Loaded<{ items: Entity[]; total: number }>;
  names: Record<string, string>;
  filter: Filter;
  page: number;
  pageSize: number;
}

export const handler = define.handlers<AlertRulesData>({
  async GET(ctx) {
    ctx.state.title = "Alert rules";
    const { services } = ctx.state;
    const filter: Filter = {
      kind: oneOf(ctx.url, "kind", RULE_ENTITY_KINDS),
      enabled: oneOf(ctx.url, "enabled", ["true", "false"] as const),
    };
    const { page: n, pageSize, offset } = pageOf(ctx.url);
    const [rules, names] = await Promise.all([
      load(
        services,
        "alert rules",
        () =>
          listRows(services.sql, { table: "alert_rules", orderBy: "created_at" }, {
            equals: {
              entity_kind: filter.kind,
              enabled: filter.enabled === undefined ? undefined : filter.enabled === "true",
            },
            limit: pageSize,
            offset,
          }),
      ),
      entityNames(services.sql).catch(() => ({})),
    ]);
    return page({ rules, names, filter, page: n, pageSize });
  },
});

function Filters({ filter }: { filter: Filter }) {
  return (
    <form class="filters" method="get" action="/alert-rules">
      <FilterSelect
        name="kind"
        label="Watches"
        value={filter.kind}
        options={anyOf(RULE_ENTITY_KINDS, (k) => KIND_NAMES[k as RuleEntityKind][0])}
      />
      <FilterSelect
        name="enabled"
        label="State"
        value={filter.enabled}
        options={[["", "Any"], ["true", "Enabled"], ["false", "Disabled"]]}
      />
      <button class="button button-ghost" type="submit">Apply</button>
      {(filter.kind || filter.enabled) && <a class="small" href="/alert-rules">Clear</a>}
    </form>
  );
}

/**
 * What a rule applies to: its entity's name, or every one of the kind. A rule is deleted with its entity
 * (migration 0180), so an id without a name is one whose name could not be read: shown by its id.
 */
function AppliesTo({ rule, names }: { rule: Entity; names: Record<string, string> }) {
  const kind = rule.entityKind as RuleEntityKind;
  const [one, every] = KIND_NAMES[kind];
  const id = rule.entityId as string | null;
  if (id === null) return <>{every}</>;
  const name = names[id];
  if (!name) return <span class="muted">{one} {id.slice(0, 8)}</span>;
  return kind === "plant" ? <a href={`/plants/${id}`}>{name}</a> : <>{one} {name}</>;
}

/** Enable or disable, and delete: what an operator does to a rule. */
function RuleActions({ rule }: { rule: Entity }) {
  const api = `/api/alert-rules/${rule.id}`;
  const enabled = rule.enabled === true;
  return (
    <td class="actions">
      <ConfirmButton
        url={api}
        method="PATCH"
        body={{ enabled: !enabled }}
        tone="ghost"
        small
        label={enabled ? "Disable" : "Enable"}
        confirm={enabled ? "Yes, disable" : "Yes, enable"}
        question={enabled
          ? `Disable “${rule.name}”? Its open alerts are resolved and it raises none until enabled.`
          : `Enable “${rule.name}”? ${
            rule.entityId
              ? "It applies from the next reading."
              : "Every actor of the kind takes it up within seconds, then it applies from their next reading."
          }`}
        next={`/alert-rules?done=updated`}
      />
      <ConfirmButton
        url={api}
        small
        question={`Delete “${rule.name}”? Its open alerts are resolved. This cannot be undone.`}
        next="/alert-rules?done=deleted"
      />
    </td>
  );
}

function RuleRows(
  { items, names, canEdit }: { items: Entity[]; names: Record<string, string>; canEdit: boolean },
) {
  return (
    <TableWrap label="Alert rules">
      <thead>
        <tr>
          <th>Name</th>
          <th>Applies to</th>
          <th>Metric</th>
          <th>Condition</th>
          <th>Severity</th>
          <th>State</th>
          {canEdit && <th class="num">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id as string} data-rule={r.id as string}>
            <td>{r.name as string}</td>
            <td class="nowrap">
              <AppliesTo rule={r} names={names} />
            </td>
            <td>
              <code>{r.metric as string}</code>
            </td>
            <td class="nowrap">{conditionText(r)}</td>
            <td>
              <SeverityBadge severity={r.severity as string} />
            </td>
            <td>{r.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
            {canEdit && <RuleActions rule={r} />}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** The alert rules. */
export default function AlertRulesPage({ data, url, state }: PageProps<AlertRulesData, State>) {
  const canEdit = hasRole(state.user, "operator");
  const filtered = data.filter.kind || data.filter.enabled;
  return (
    <>
      <PageHead
        title="Alert rules"
        lead="Limits on a metric of a plant, VEN or meter, or of every one of a kind: crossed for long enough, they open a ThresholdExceeded alert."
      >
        {canEdit && <a class="button" href="/alert-rules/new">New rule</a>}
      </PageHead>
      <DoneNotice url={url} what="Alert rule" />
      <section class="card">
        <Filters filter={data.filter} />
        <Listing
          list={data.rules}
          what="Alert rules"
          url={url}
          page={data.page}
          pageSize={data.pageSize}
          empty={
            <EmptyState title={filtered ? "No alert rule matches these filters" : "No alert rules yet"}>
              {canEdit ? "Create one with New rule." : "Operators create alert rules."}
            </EmptyState>
          }
        >
          {(items) => <RuleRows items={items} names={data.names} canEdit={canEdit} />}
        </Listing>
      </section>
    </>
  );
}
