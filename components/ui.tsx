/**
 * The building blocks every page is made of: page heading, badges, stat cards, tables that scroll
 * sideways on phones, paging links, and the empty and error states. Plain components: they render on
 * the server and inside islands alike.
 * @module
 */
import type { ComponentChildren } from "preact";
import { humanize } from "./format.ts";
import type { Loaded } from "./load.ts";

/** The heading of a page, its one-line purpose and its actions (buttons, filters). */
export function PageHead(
  { title, lead, children }: { title: string; lead?: ComponentChildren; children?: ComponentChildren },
) {
  return (
    <div class="page-head">
      <div>
        <h1>{title}</h1>
        {lead && <p class="muted">{lead}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

/** Badge colours. */
export type Tone = "ok" | "warn" | "danger" | "info" | "muted";

/** A small coloured label. */
export function Badge({ tone = "muted", children }: { tone?: Tone; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

const SEVERITY_TONE: Record<string, Tone> = { critical: "danger", warning: "warn", info: "info" };
const STATE_TONE: Record<string, Tone> = {
  open: "danger",
  acknowledged: "warn",
  resolved: "ok",
  online: "ok",
  offline: "danger",
  unknown: "muted",
  maintenance: "warn",
  decommissioned: "muted",
  scheduled: "info",
  active: "ok",
  completed: "muted",
  cancelled: "muted",
  draft: "muted",
  submitted: "info",
  accepted: "ok",
  rejected: "danger",
  activated: "ok",
  expired: "muted",
  optIn: "ok",
  optOut: "danger",
  pending: "muted",
  up: "ok",
  degraded: "warn",
  down: "danger",
  good: "ok",
  bad: "danger",
  estimated: "warn",
};

/** An alert severity as a badge. */
export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={SEVERITY_TONE[severity] ?? "muted"}>{humanize(severity)}</Badge>;
}

/** A lifecycle or operating state (alert, plant, VEN, offer, event, store) as a badge. */
export function StateBadge({ state, label }: { state: string; label?: string }) {
  return <Badge tone={STATE_TONE[state] ?? "muted"}>{label ?? humanize(state)}</Badge>;
}

/** One figure of a summary row. */
export function StatCard(
  { label, value, hint, id }: {
    label: string;
    value: ComponentChildren;
    hint?: ComponentChildren;
    id?: string;
  },
) {
  return (
    <article class="card stat" data-stat={id}>
      <h2>{label}</h2>
      <p class="stat-value">{value}</p>
      {hint && <p class="muted small">{hint}</p>}
    </article>
  );
}

/** A table that scrolls sideways instead of squeezing its columns on a narrow screen. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

/** Shown where a list or chart has nothing yet, with what would fill it. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty-state" role="status">
      <p class="empty-title">{title}</p>
      {children && <p class="muted small">{children}</p>}
    </div>
  );
}

/** Shown where data could not be read (a store down): what failed, and that the rest still works. */
export function ErrorState({ title, message }: { title: string; message: string }) {
  return (
    <div class="error-state" role="alert">
      <p class="empty-title">{title}</p>
      <p class="small">{message}</p>
      <p class="muted small">The rest of the page still works; reload to try again.</p>
    </div>
  );
}

/** Props of {@linkcode Pager}. */
export interface PagerProps {
  url: URL;
  page: number;
  pageSize: number;
  total: number;
  /** The query parameter holding the page (two lists on one page need two). @default {"page"} */
  param?: string;
}

/** "Showing 51–100 of 312" with previous/next links that keep the other query parameters. */
export function Pager({ url, page, pageSize, total, param = "page" }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (n: number) => {
    const next = new URL(url);
    next.searchParams.delete("done");
    if (n === 1) next.searchParams.delete(param);
    else next.searchParams.set(param, String(n));
    return next.pathname + next.search;
  };
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav class="pager" aria-label="Pages">
      <span class="muted small">
        {total === 0 ? "Nothing to show" : `Showing ${first}–${last} of ${total.toLocaleString("en-GB")}`}
      </span>
      <span class="pager-links">
        {page > 1
          ? <a class="button button-ghost" href={href(page - 1)} rel="prev">Previous</a>
          : <span class="button button-ghost" aria-disabled="true">Previous</span>}
        <span class="small">Page {Math.min(page, pages)} of {pages}</span>
        {page < pages
          ? <a class="button button-ghost" href={href(page + 1)} rel="next">Next</a>
          : <span class="button button-ghost" aria-disabled="true">Next</span>}
      </span>
    </nav>
  );
}

const DONE: Record<string, string> = {
  created: "created",
  updated: "saved",
  deleted: "deleted",
  cancelled: "cancelled",
};

/** After a form redirected here with `?done=created|updated|deleted|cancelled`: says so once. */
export function DoneNotice({ url, what }: { url: URL; what: string }) {
  const done = DONE[url.searchParams.get("done") ?? ""];
  if (!done) return null;
  return <p class="notice-ok" role="status">{what} {done}.</p>;
}

/** Facts as a definition list: `[label, value]` pairs. */
export function Facts({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A labelled select of a GET filter form; `""` is "any". */
export function FilterSelect({ name, label, value, options }: {
  name: string;
  label: string;
  value?: string;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select name={name}>
        {options.map(([v, text]) => <option key={v} value={v} selected={v === (value ?? "")}>{text}</option>)}
      </select>
    </label>
  );
}

/** `[["", "Any"], [value, humanized]...]` for a {@linkcode FilterSelect}. */
export function anyOf(
  values: readonly string[],
  label: (v: string) => string = humanize,
): [string, string][] {
  return [["", "Any"], ...values.map((v): [string, string] => [v, label(v)])];
}

/** A count out of a total for a stat card: `11 / 12`. */
export function Fraction({ n, of }: { n: number; of: number }) {
  return (
    <>
      {n}
      <span class="stat-of">{` / ${of}`}</span>
    </>
  );
}

/** A card with a heading (and an optional note and action on its right). */
export function Section({ title, note, action, id, danger, children }: {
  title: string;
  note?: ComponentChildren;
  action?: ComponentChildren;
  id?: string;
  /** A destructive action's card. */
  danger?: boolean;
  children?: ComponentChildren;
}) {
  return (
    <section class={danger ? "card danger-zone" : "card"} id={id}>
      <div class="card-head">
        <div>
          <h2>{title}</h2>
          {note && <p class="muted small">{note}</p>}
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}

/** Props of {@linkcode Listing}. */
export interface ListingProps<T> {
  /** One page of the list, or why it could not be read. */
  list: Loaded<{ items: T[]; total: number }>;
  /** What the list is, for "Plants could not be read". */
  what: string;
  /** Shown when nothing matches (an {@linkcode EmptyState}). */
  empty: ComponentChildren;
  url: URL;
  page: number;
  pageSize: number;
  /** See {@linkcode PagerProps.param}. */
  param?: string;
  /** The rows of a page. */
  children: (items: T[]) => ComponentChildren;
}

/** A paged list: its rows and the pager, its empty state, or its error state. */
export function Listing<T>({ list, what, empty, url, page, pageSize, param, children }: ListingProps<T>) {
  if (!list.ok) return <ErrorState title={`${what} could not be read`} message={list.error} />;
  return (
    <>
      {list.value.total === 0 ? empty : children(list.value.items)}
      <Pager url={url} page={page} pageSize={pageSize} total={list.value.total} param={param} />
    </>
  );
}
