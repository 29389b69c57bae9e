/**
 * A site's recommendations as its page shows them: what to do, its figures per year, and for a generated one
 * why (the rule's reason from `metadata`), which rule and version, when, and the figures the rule used.
 * Server-rendered: no JavaScript.
 * @module
 */
import type { Entity } from "../stores/postgres/repos/crud.ts";
import { formatAgo, formatNumber, humanize } from "./format.ts";
import { Badge, EmptyState, type Tone } from "./ui.tsx";

const PRIORITY_TONE: Record<string, Tone> = { high: "danger", medium: "warn", low: "muted" };
const STATUS_TONE: Record<string, Tone> = {
  open: "info",
  accepted: "ok",
  implemented: "ok",
  rejected: "muted",
};

/** What the generator keeps in a recommendation's metadata (recommendations/generator.ts). */
interface GeneratedMetadata {
  reason?: string;
  ruleVersion?: number;
  generatedAt?: string;
  inputs?: Record<string, unknown>;
}

const eur = (value: unknown) => `${formatNumber(value as number | null, 0)} EUR`;

function carbon(kg: number): string {
  if (kg === 0) return "no change";
  return `${formatNumber(Math.abs(kg), 0)} kg ${kg > 0 ? "less" : "more"} a year`;
}

/** The figures of one recommendation, leaving out those it has none of. */
function Figures({ r }: { r: Entity }) {
  const figures: [string, string][] = [];
  if (r.estimatedSavingsEur !== null) figures.push(["Saves", `${eur(r.estimatedSavingsEur)} a year`]);
  if (r.investmentEur !== null) figures.push(["Investment", eur(r.investmentEur)]);
  if (r.roiPercent !== null) figures.push(["ROI", `${formatNumber(r.roiPercent as number, 1)} %`]);
  if (r.paybackMonths !== null) {
    figures.push(["Payback", `${formatNumber(r.paybackMonths as number, 1)} months`]);
  }
  if (r.carbonReductionKg !== null) figures.push(["CO₂", carbon(r.carbonReductionKg as number)]);
  if (figures.length === 0) return null;
  return (
    <div class="small">
      {figures.map(([label, value], i) => (
        <span key={label}>
          {i > 0 && " · "}
          {label} <strong>{value}</strong>
        </span>
      ))}
    </div>
  );
}

/** Why a generated recommendation was made, by which rule, and the figures it used. */
function Reason({ r, assetName }: { r: Entity; assetName?: string }) {
  const meta = r.metadata as GeneratedMetadata;
  if (!r.rule) return <div class="muted small">Entered by a user{assetName ? ` for ${assetName}` : ""}.</div>;
  return (
    <div class="muted small">
      <div>Why: {meta.reason ?? "—"}.</div>
      <div>
        Rule <code>{r.rule as string}</code> v{meta.ruleVersion ?? "?"}
        {assetName ? `, asset ${assetName}` : ""}, figures from {formatAgo(meta.generatedAt ?? null)}.
      </div>
      {meta.inputs && (
        <details>
          <summary>Inputs</summary>
          <ul class="rule-inputs">
            {Object.entries(meta.inputs).map(([name, value]) => (
              <li key={name}>
                <code>{name}</code> {JSON.stringify(value)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** The list; `assets` names the asset a recommendation is about. */
export function RecommendationList({ items, assets }: { items: Entity[]; assets: Map<string, string> }) {
  if (items.length === 0) {
    return (
      <EmptyState title="No recommendations yet">
        They are generated from the site's measured data once it has a day of consumption readings.
      </EmptyState>
    );
  }
  return (
    <ul class="plain-list">
      {items.map((r) => (
        <li key={r.id as string} data-recommendation={r.id as string}>
          <strong>{r.title as string}</strong>{" "}
          <Badge tone="info">{humanize(String(r.recommendationType))}</Badge>{" "}
          <Badge tone={PRIORITY_TONE[r.priority as string] ?? "muted"}>
            {humanize(String(r.priority))} priority
          </Badge>{" "}
          <Badge tone={STATUS_TONE[r.status as string] ?? "muted"}>{humanize(String(r.status))}</Badge>
          {r.description ? <div class="small">{r.description as string}</div> : null}
          <Figures r={r} />
          <Reason r={r} assetName={r.assetId ? assets.get(r.assetId as string) : undefined} />
        </li>
      ))}
    </ul>
  );
}
