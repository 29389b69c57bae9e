/** `/audit`: who changed what and when, with what changed; filtered by entity, action, user and age. */
import { page, type PageProps } from "fresh";
import { hasRole } from "../../../auth/session.ts";
import { define } from "../../../core/define.ts";
import type { State } from "../../../core/services.ts";
import { formatDateTime, humanize } from "../../../components/format.ts";
import { type Age, ageOf, AGES, load, type Loaded, oneOf, pageOf } from "../../../components/load.ts";
import { anyOf, EmptyState, FilterSelect, Listing, PageHead, TableWrap } from "../../../components/ui.tsx";
import { documentPage } from "../../../api/documents.ts";
import type { Page } from "../../../domain/common.ts";

const ENTITIES = [
  "plant",
  "offer",
  "alert",
  "dispatch",
  "market_signal",
  "ven",
  "adr_event",
  "adr_program",
  "portfolio",
  "site",
  "meter",
  "asset",
  "energy_source",
  "grid_link",
  "asset_connection",
  "recommendation",
  "user",
] as const;
const ACTIONS = ["create", "update", "delete", "acknowledge", "resolve", "cancel"] as const;
const LINKS: Record<string, string> = {
  plant: "/plants/",
  offer: "/offers/",
  ven: "/vens/",
  site: "/sites/",
};

type Doc = Record<string, unknown>;

interface Filter {
  entity?: string;
  action?: string;
  username?: string;
  hours: Age;
}

interface AuditData {
  allowed: boolean;
  records: Loaded<Page<Doc>>;
  filter: Filter;
  pageSize: number;
}

export const handler = define.handlers<AuditData>({
  async GET(ctx) {
    ctx.state.title = "Audit";
    const { services } = ctx.state;
    const username = ctx.url.searchParams.get("username")?.trim().slice(0, 100) || undefined;
    const filter: Filter = {
      entity: oneOf(ctx.url, "entity", ENTITIES),
      action: oneOf(ctx.url, "action", ACTIONS),
      username,
      hours: ageOf(ctx.url),
    };
    const { page: n, pageSize } = pageOf(ctx.url);
    // the audit log is the operators' (as GET /api/audit/recent): viewers are told so, not shown it
    const allowed = hasRole(ctx.state.user, "operator");
    const records: Loaded<Page<Doc>> = allowed
      ? await load(services, "audit log", () =>
        documentPage(services, "audit", {
          where: { entity: filter.entity, action: filter.action, username: filter.username },
          from: new Date(Date.now() - Number(filter.hours) * 3_600_000),
          paging: { page: n, page_size: pageSize },
        }))
      : { ok: true, value: { items: [], page: 1, pageSize, total: 0 } };
    return page({ allowed, records, filter, pageSize });
  },
});

const show = (v: unknown): string => {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "object") return String(v);
  const { from, to } = v as { from?: unknown; to?: unknown };
  return "from" in v || "to" in v ? `${show(from)} → ${show(to)}` : "…";
};

/** An action without an entity prefix (`offer.create` from records written before the seed used the API shape). */
const verb = (doc: Doc) => String(doc.action).replace(/^[a-z_]+\./, "");

/**
 * What changed, in a line: an update's changed fields (`field: before → after`, at most four), or the
 * `details` the seeded trail carries instead of before and after.
 */
function changes(doc: Doc): string {
  const before = (doc.before ?? {}) as Doc;
  const after = (doc.after ?? {}) as Doc;
  const action = verb(doc);
  if (doc.details && typeof doc.details === "object") {
    return Object.entries(doc.details as Doc).map(([k, v]) => `${k}: ${show(v)}`).slice(0, 4).join("; ");
  }
  if (action === "create") {
    return `Created ${String(after.name ?? after.plantName ?? after.market ?? "")}`.trim();
  }
  if (action === "delete") return `Deleted ${String(before.name ?? "")}`.trim();
  const changed = Object.keys({ ...before, ...after })
    .filter((k) => k !== "updatedAt" && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${show(before[k])} → ${show(after[k])}`);
  if (changed.length === 0) return humanize(action);
  return changed.length > 4
    ? `${changed.slice(0, 4).join("; ")}; +${changed.length - 4} more`
    : changed.join("; ");
}

function Filters({ filter }: { filter: Filter }) {
  return (
    <form class="filters" method="get" action="/audit">
      <FilterSelect name="entity" label="Entity" value={filter.entity} options={anyOf(ENTITIES)} />
      <FilterSelect name="action" label="Action" value={filter.action} options={anyOf(ACTIONS)} />
      <label class="field">
        <span>User</span>
        <input name="username" value={filter.username ?? ""} placeholder="username" />
      </label>
      <FilterSelect name="hours" label="In the last" value={filter.hours} options={Object.entries(AGES)} />
      <button class="button button-ghost" type="submit">Apply</button>
      <a class="small" href="/audit">Clear</a>
    </form>
  );
}

function AuditRows({ items }: { items: Doc[] }) {
  return (
    <TableWrap label="Audit log">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>User</th>
          <th>Action</th>
          <th>Entity</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => {
          const entity = String(d.entity);
          const link = LINKS[entity] && d.action !== "delete" && d.entityId
            ? `${LINKS[entity]}${d.entityId}`
            : undefined;
          return (
            <tr key={d.id as string} data-audit={`${d.action}:${entity}:${d.entityId}`}>
              <td class="nowrap">{formatDateTime(d.timestamp as Date)}</td>
              <td>{String(d.username ?? d.userId ?? "system")}</td>
              <td>{humanize(verb(d))}</td>
              <td class="nowrap">{link ? <a href={link}>{humanize(entity)}</a> : humanize(entity)}</td>
              <td class="message">{changes(d)}</td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

/** The audit log. */
export default function AuditPage({ data, url }: PageProps<AuditData, State>) {
  const { records } = data;
  return (
    <>
      <PageHead
        title="Audit"
        lead="Every create, update, delete and alert action, with who did it and what changed."
      />
      <section class="card">
        {!data.allowed
          ? (
            <EmptyState title="The audit log is for operators and administrators">
              Ask an administrator for the operator role to see who changed what.
            </EmptyState>
          )
          : (
            <>
              <Filters filter={data.filter} />
              <Listing
                list={records}
                what="The audit log"
                url={url}
                page={records.ok ? records.value.page : 1}
                pageSize={data.pageSize}
                empty={<EmptyState title="Nothing recorded">No change matches these filters.</EmptyState>}
              >
                {(items) => <AuditRows items={items} />}
              </Listing>
            </>
          )}
      </section>
    </>
  );
}
