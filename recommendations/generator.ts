/**
 * The recommendation generator: reads a site's measured facts, runs every rule on them and writes what fires
 * to `recommendations`, one per site, asset and rule.
 *
 * - A rule that fires creates its recommendation, or updates the open one with fresh figures.
 * - One a user accepted, rejected or implemented is left exactly as it is, and not reopened.
 * - An open one whose rule no longer fires on enough data is withdrawn: set inactive, with the reason in
 *   `metadata.withdrawn`; it comes back (active, fresh figures) when the rule fires again.
 * - A site with fewer than {@linkcode MIN_COVERED_HOURS} hours of consumption data gets nothing, and the run
 *   says why.
 *
 * Each recommendation's `metadata` holds the rule, its version, the reason, the window, the figures the rule
 * used (`inputs`), its constants and where the prices and carbon intensity came from.
 * @module
 */
import type { RecommendationRun } from "../domain/recommendation_run.ts";
import type { Sql } from "../stores/postgres/client.ts";
import type { Entity } from "../stores/postgres/repos/crud.ts";
import {
  generatedRecommendations,
  type GeneratedRow,
  upsertGenerated,
  withdrawGenerated,
} from "../stores/postgres/repos/recommendations.ts";
import {
  DEFAULT_GRID_CARBON_G_PER_KWH,
  DEFAULT_PRICE_EUR_PER_KWH,
  type SitePrices,
  sitePrices,
} from "./prices.ts";
import { figuresOf, type Finding, type Rule } from "./rule.ts";
import { RULES } from "./rules/mod.ts";
import { readSiteFacts, type SiteFacts } from "./site_facts.ts";

/** Hours of consumption data a site needs in the window before any rule runs: every hour of a day once. */
export const MIN_COVERED_HOURS = 24;
/** Days of data the rules look at. */
export const WINDOW_DAYS = 30;

/** Options of {@linkcode generateRecommendations}. */
export interface GenerateOptions {
  /** End of the window, epoch ms. @default {Date.now()} */
  now?: number;
  /** @default {WINDOW_DAYS} */
  days?: number;
  /** @default {RULES} */
  rules?: readonly Rule[];
}

/** A change the run made, for the audit log. */
export interface RecommendationChange {
  action: "create" | "update";
  before?: Entity;
  after: Entity;
}

/** What a run did, and each change with the row before and after it. */
export interface GenerateResult {
  run: RecommendationRun;
  changes: RecommendationChange[];
}

/** Runs the rules for site `siteId` and writes what they find; undefined when there is no such site. */
export async function generateRecommendations(
  sql: Sql,
  siteId: string,
  options: GenerateOptions = {},
): Promise<GenerateResult | undefined> {
  const now = options.now ?? Date.now();
  const days = options.days ?? WINDOW_DAYS;
  const [site] = await sql`select 1 from sites where id = ${siteId}`;
  if (!site) return undefined;
  const generatedAt = new Date(now);
  const facts = await readSiteFacts(sql, siteId, { now, days });
  const run: RecommendationRun = {
    siteId,
    generatedAt: generatedAt.toISOString(),
    window: facts?.window ?? emptyWindow(now, days),
    reason: null,
    created: [],
    updated: [],
    withdrawn: [],
    kept: [],
    notFired: [],
  };
  if (!facts) return { run: { ...run, reason: "The site is inactive" }, changes: [] };
  if (facts.coveredHours < MIN_COVERED_HOURS) {
    run.reason =
      `Not enough data: ${facts.coveredHours} hours of consumption meter power in the last ${days} ` +
      `days (rollups), at least ${MIN_COVERED_HOURS} needed`;
    return { run, changes: [] };
  }
  const prices = sitePrices(facts);
  const changes: RecommendationChange[] = [];
  await sql.begin(async (tx) => {
    const existing = new Map<string, Entity>();
    for (const row of await generatedRecommendations(tx, siteId)) {
      existing.set(key(row.assetId as string | null, row.rule as string), row);
    }
    for (const rule of options.rules ?? RULES) {
      for (const outcome of rule.evaluate(facts, prices)) {
        const assetId = outcome.kind === "fires" ? outcome.finding.assetId : outcome.assetId;
        const before = existing.get(key(assetId, rule.name));
        if (outcome.kind === "fires" && before && before.status !== "open") {
          run.kept.push(ref(before));
          continue;
        }
        if (outcome.kind === "fires") {
          const after = await upsertGenerated(tx, rowOf(rule, outcome.finding, facts, prices, generatedAt));
          if (!after) continue; // inserted by a concurrent run and decided on since
          (before ? run.updated : run.created).push(ref(after));
          changes.push({ action: before ? "update" : "create", before, after });
          continue;
        }
        run.notFired.push({ rule: rule.name, assetId, outcome: outcome.kind, reason: outcome.reason });
        if (outcome.kind === "clear" && before?.status === "open" && before.active) {
          const after = await withdrawGenerated(tx, before.id as string, outcome.reason, generatedAt);
          if (after) {
            run.withdrawn.push(ref(after));
            changes.push({ action: "update", before, after });
          }
        }
      }
    }
  });
  return { run, changes };
}

/** Summary of a pass over every site. */
export interface PassSummary {
  /** Sites the generator read (those that failed are only in `skipped`). */
  sites: number;
  created: number;
  updated: number;
  withdrawn: number;
  /** Sites with too little data, or that failed (`failed: ...`), by id: why. */
  skipped: Record<string, string>;
}

/** Runs {@linkcode generateRecommendations} for every active site, one after the other. */
export async function generateForAllSites(
  sql: Sql,
  options: GenerateOptions & { signal?: AbortSignal } = {},
): Promise<PassSummary> {
  const sites = await sql<{ id: string }[]>`select id::text from sites where active order by id`;
  const summary: PassSummary = { sites: 0, created: 0, updated: 0, withdrawn: 0, skipped: {} };
  for (const { id } of sites) {
    if (options.signal?.aborted) break;
    try {
      const result = await generateRecommendations(sql, id, options);
      if (!result) continue;
      summary.sites++;
      summary.created += result.run.created.length;
      summary.updated += result.run.updated.length;
      summary.withdrawn += result.run.withdrawn.length;
      if (result.run.reason) summary.skipped[id] = result.run.reason;
    } catch (error) {
      summary.skipped[id] = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return summary;
}

const key = (assetId: string | null, rule: string) => `${assetId ?? "site"}/${rule}`;

function ref(row: Entity): RecommendationRun["created"][number] {
  return {
    id: row.id as string,
    rule: row.rule as string,
    assetId: (row.assetId as string | null) ?? null,
    title: row.title as string,
    status: row.status as RecommendationRun["created"][number]["status"],
  };
}

function rowOf(rule: Rule, finding: Finding, facts: SiteFacts, prices: SitePrices, at: Date): GeneratedRow {
  const figures = figuresOf(finding);
  return {
    siteId: facts.site.id,
    assetId: finding.assetId,
    rule: rule.name,
    title: finding.title.slice(0, 300),
    description: finding.description,
    recommendationType: rule.type,
    priority: figures.priority,
    estimatedSavingsEur: figures.estimatedSavingsEur,
    investmentEur: figures.investmentEur,
    roiPercent: figures.roiPercent,
    paybackMonths: figures.paybackMonths,
    carbonReductionKg: figures.carbonReductionKg,
    metadata: {
      rule: rule.name,
      ruleVersion: rule.version,
      reason: finding.reason,
      generatedAt: at.toISOString(),
      window: facts.window,
      inputs: finding.inputs,
      constants: rule.constants,
      prices: {
        tariffFrom: prices.tariffFrom ?? `default ${DEFAULT_PRICE_EUR_PER_KWH} EUR/kWh`,
        eurPerKwhByHour: prices.eurPerKwhByHour,
        demandChargeEurPerKwMonth: prices.demandChargeEurPerKwMonth,
        gridCarbonGPerKwh: prices.gridCarbonGPerKwh,
        carbonFrom: prices.carbonFrom ?? `default ${DEFAULT_GRID_CARBON_G_PER_KWH} gCO2e/kWh`,
      },
    },
  };
}

function emptyWindow(now: number, days: number): RecommendationRun["window"] {
  return { from: new Date(now - days * 86_400_000).toISOString(), to: new Date(now).toISOString(), days };
}
