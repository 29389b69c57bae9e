/**
 * `/sites`: the portfolio as a tree (portfolio > site > meter > asset and energy source), collapsible
 * without JavaScript; every site and meter leads to its page.
 * @module
 */
import { page, type PageProps } from "fresh";
import { define } from "../../../core/define.ts";
import { formatKw, humanize } from "../../../components/format.ts";
import { load, type Loaded } from "../../../components/load.ts";
import { Badge, EmptyState, ErrorState, PageHead } from "../../../components/ui.tsx";
import type { Entity } from "../../../stores/postgres/repos/crud.ts";
import { type HierarchyOverview, hierarchyOverview } from "../../../stores/postgres/repos/hierarchy.ts";

export const handler = define.handlers<Loaded<HierarchyOverview>>({
  async GET(ctx) {
    ctx.state.title = "Sites";
    const { services } = ctx.state;
    return page(await load(services, "hierarchy", () => hierarchyOverview(services.sql)));
  },
});

const CATEGORY: Record<string, string> = {
  CONS: "Consumption",
  PROD: "Production",
  INJ: "Grid injection",
  STOR: "Storage",
};

function group<T extends Entity>(items: T[], key: string): Map<unknown, T[]> {
  const out = new Map<unknown, T[]>();
  for (const item of items) out.set(item[key], [...out.get(item[key]) ?? [], item]);
  return out;
}

/** Assets under `parent` (null: the meter's top-level assets), each with its sub-assets. */
function AssetBranch({ assets, parent }: { assets: Entity[]; parent: unknown }) {
  const ids = new Set(assets.map((a) => a.id));
  const here = assets.filter((a) => (parent === null ? !ids.has(a.parentId) : a.parentId === parent));
  if (here.length === 0) return null;
  return (
    <ul>
      {here.map((a) => (
        <li key={a.id as string} class="tree-leaf">
          <span class="tree-kind">Asset</span> {a.name as string}{" "}
          <span class="muted small">{humanize(a.assetType as string)}</span>
          {/* the asset itself leaves the set, so a parent cycle cannot recurse forever */}
          <AssetBranch assets={assets.filter((c) => c.id !== a.id)} parent={a.id} />
        </li>
      ))}
    </ul>
  );
}

function MeterNode({ meter, assets, sources }: { meter: Entity; assets: Entity[]; sources: Entity[] }) {
  const children = assets.length + sources.length;
  return (
    <li>
      <details open={children > 0 && children <= 6}>
        <summary>
          <a href={`/sites/${meter.siteId}?meter=${meter.id}#meter`}>{meter.name as string}</a>{" "}
          <Badge tone="info">{meter.category as string}</Badge>{" "}
          <span class="muted small">
            {CATEGORY[meter.category as string]} · {meter.readingFrequency as string}
          </span>
        </summary>
        {children === 0 ? <p class="muted small tree-empty">No assets or energy sources on this meter</p> : (
          <>
            <AssetBranch assets={assets} parent={null} />
            {sources.length > 0 && (
              <ul>
                {sources.map((s) => (
                  <li key={s.id as string} class="tree-leaf">
                    <span class="tree-kind tree-source">Source</span> {s.name as string}{" "}
                    <span class="muted small">
                      {humanize(s.sourceType as string)} · {formatKw(s.capacityKw as number)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </details>
    </li>
  );
}

function Tree({ h }: { h: HierarchyOverview }) {
  const sitesOf = group(h.sites, "portfolioId");
  const metersOf = group(h.meters, "siteId");
  const assetsOf = group(h.assets, "meterId");
  const sourcesOf = group(h.energySources, "meterId");
  return (
    <ul class="tree" aria-label="Portfolio hierarchy">
      {h.portfolios.map((p) => (
        <li key={p.id as string}>
          <details open>
            <summary>
              <strong>{p.name as string}</strong>{" "}
              <span class="muted small">{sitesOf.get(p.id)?.length ?? 0} sites</span>
            </summary>
            <ul>
              {(sitesOf.get(p.id) ?? []).map((s) => (
                <li key={s.id as string}>
                  <details open>
                    <summary>
                      <a href={`/sites/${s.id}`}>{s.name as string}</a>{" "}
                      <span class="muted small">
                        {humanize(s.industryType as string)} · {(s.location as string) ?? ""}
                      </span>
                    </summary>
                    <ul>
                      {(metersOf.get(s.id) ?? []).map((m) => (
                        <MeterNode
                          key={m.id as string}
                          meter={m}
                          assets={assetsOf.get(m.id) ?? []}
                          sources={sourcesOf.get(m.id) ?? []}
                        />
                      ))}
                    </ul>
                  </details>
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** The portfolio tree. */
export default function SitesPage({ data }: PageProps<Loaded<HierarchyOverview>>) {
  return (
    <>
      <PageHead
        title="Sites"
        lead="Portfolio, sites, meters, and the assets and energy sources behind each meter."
      />
      <section class="card">
        {!data.ok
          ? <ErrorState title="The hierarchy could not be read" message={data.error} />
          : data.value.portfolios.length === 0
          ? (
            <EmptyState title="No portfolio yet">
              Create portfolios, sites and meters through the API, or run deno task seed.
            </EmptyState>
          )
          : <Tree h={data.value} />}
      </section>
    </>
  );
}
